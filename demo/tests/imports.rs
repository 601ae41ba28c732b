//! Import following (issue 12): `imports_rs` was generated from `helpdesk/signatures.py`
//! alone; its models came from the files that module imports (a base class in a third
//! module, a namespace package). A typed call through DummyLM works on it.
use imports_rs::{
    Escalate, EscalateInput, Predict, Priority, RouteTicket, RouteTicketInput, Tag, Ticket,
};
use pyo3::prelude::*;
use qa_demo::{init, last_prompt, with_dummy_lm};

fn ticket() -> Ticket {
    Ticket {
        author: "ada".into(),
        created: "2026-12-06T10:00:00Z".into(),
        title: "Login fails".into(),
        body: "The login page answers 500 since this morning.".into(),
        tags: vec![Tag {
            name: "auth".into(),
            weight: 2.5,
        }],
    }
}

#[test]
fn route_ticket_with_models_from_followed_files() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let answer = r#"{"team": "identity", "priority": "urgent", "reasons": ["login is down"]}"#;
        with_dummy_lm(py, &[&[("routing", answer)]], |lm| {
            let route = Predict::<RouteTicket>::new(py)?;
            let pred = route.call(py, &RouteTicketInput { ticket: ticket() })?;
            assert_eq!(pred.routing.team, "identity");
            assert_eq!(pred.routing.priority, Priority::Urgent);
            assert_eq!(pred.routing.reasons, ["login is down"]);
            // The inherited fields (from helpdesk/common/base.py) and the namespace package's
            // Tag reached the prompt as pydantic wrote them.
            let prompt = last_prompt(lm, 0)?;
            assert!(prompt.contains(r#""author": "ada""#), "{prompt}");
            assert!(prompt.contains(r#""weight": 2.5"#), "{prompt}");
            Ok(())
        })
    })
}

#[test]
fn escalate_takes_an_enum_imported_by_name() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        with_dummy_lm(py, &[&[("escalate", "True")]], |_| {
            let escalate = Predict::<Escalate>::new(py)?;
            let input = EscalateInput {
                ticket: ticket(),
                priority: Priority::Urgent,
            };
            assert!(escalate.call(py, &input)?.escalate);
            Ok(())
        })
    })
}

/// A module Python cannot find (here: never written) is an `ImportError` that names the module,
/// what it was imported for, the interpreter, its `sys.path` and what to set (issue 16).
#[test]
fn a_module_python_cannot_find_says_where_it_looked() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let err = dspygen_runtime::python_path(py, "no_such_pkg.signatures", "Missing")
            .expect_err("no such module");
        assert!(err.is_instance_of::<pyo3::exceptions::PyImportError>(py));
        let text = err.to_string();
        for part in [
            "cannot import `no_such_pkg.signatures` (for `Missing`)",
            "No module named 'no_such_pkg'",
            "searched sys.path = [",
            "Put the folder holding `no_such_pkg` on PYTHONPATH",
        ] {
            assert!(text.contains(part), "{text}");
        }
        // A module that is found and fails while it runs keeps its own error.
        let err =
            dspygen_runtime::python_path(py, "json", "no_such_name").expect_err("no such name");
        assert!(
            err.is_instance_of::<pyo3::exceptions::PyAttributeError>(py),
            "{err}"
        );
        Ok(())
    })
}
