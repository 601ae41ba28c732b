//! `S::FIELDS` and `S::INSTRUCTIONS` of every generated signature against what dspy itself
//! reports: names, order, kind, `desc` and `prefix` of each field, and the instructions.
//!
//! Two references per signature:
//! - `S::python_class(py)`, the class the runtime hands to `dspy.Predict`;
//! - for string signatures, the signature the fixture program itself builds at run time
//!   (`python_class` builds string signatures from `S::INSTRUCTIONS`, so comparing
//!   instructions against it alone would prove nothing).
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use qa_demo::{init, with_dummy_lm};

/// One field as dspy or the Rust metadata describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    name: String,
    kind: &'static str,
    desc: String,
    prefix: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Meta {
    instructions: String,
    fields: Vec<Field>,
}

macro_rules! rust_meta {
    ($krate:ident, $sig:ty) => {{
        Meta {
            instructions: <$sig as $krate::Signature>::INSTRUCTIONS.to_string(),
            fields: <$sig as $krate::Signature>::FIELDS
                .iter()
                .map(|f| Field {
                    name: f.name.to_string(),
                    kind: match f.kind {
                        $krate::FieldKind::Input => "input",
                        $krate::FieldKind::Output => "output",
                    },
                    desc: f.desc.to_string(),
                    prefix: f.prefix.to_string(),
                })
                .collect(),
        }
    }};
}

/// What dspy reports for a signature class: `instructions`, then `input_fields` and
/// `output_fields` in order, with `json_schema_extra`'s `desc` and `prefix`.
fn python_meta(class: &Bound<'_, PyAny>) -> PyResult<Meta> {
    let mut fields = Vec::new();
    for (attr, kind) in [("input_fields", "input"), ("output_fields", "output")] {
        let by_name = class.getattr(attr)?.cast_into::<PyDict>()?;
        for (name, info) in by_name.iter() {
            let extra = info.getattr("json_schema_extra")?;
            let field_type: String = extra.get_item("__dspy_field_type")?.extract()?;
            assert_eq!(field_type, kind, "{name} is listed in {attr}");
            fields.push(Field {
                name: name.extract()?,
                kind,
                desc: extra.get_item("desc")?.extract()?,
                prefix: extra.get_item("prefix")?.extract()?,
            });
        }
    }
    Ok(Meta {
        instructions: class.getattr("instructions")?.extract()?,
        fields,
    })
}

/// Every difference between two descriptions of the signature `name`, one per line.
fn diff(name: &str, reference: &str, rust: &Meta, python: &Meta) -> Vec<String> {
    let mut out = Vec::new();
    if rust.instructions != python.instructions {
        out.push(format!(
            "{name}: INSTRUCTIONS = {:?}, {reference} has {:?}",
            rust.instructions, python.instructions
        ));
    }
    let names = |m: &Meta| m.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    if names(rust) != names(python) {
        out.push(format!(
            "{name}: FIELDS names {:?}, {reference} has {:?}",
            names(rust),
            names(python)
        ));
    }
    for r in &rust.fields {
        if let Some(p) = python.fields.iter().find(|p| p.name == r.name) {
            if r != p {
                out.push(format!(
                    "{name}.{}: FIELDS has {r:?}, {reference} has {p:?}",
                    r.name
                ));
            }
        }
    }
    out
}

/// The Python expression for the signature the `rag` program builds (module `program`).
fn program_signature<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let program = py.import("program")?;
    match name {
        "Classify" => program.getattr("classify")?.getattr("signature"),
        "Rewrite" => program.getattr("query_rewriter"),
        "Verify" => program.getattr("verify"),
        "Agent" => program
            .getattr("build_agent")?
            .call0()?
            .getattr("signature"),
        // ChainOfThought prepends `reasoning`; the generated signature is the one it was given.
        "RAGGenerateAnswer" => program
            .getattr("RAG")?
            .call0()?
            .getattr("generate_answer")?
            .getattr("predict")?
            .getattr("signature")?
            .call_method1("delete", ("reasoning",)),
        "RAGRank" => program
            .getattr("RAG")?
            .call0()?
            .getattr("rank")?
            .getattr("signature"),
        // Built inside `triage()`: run it once (DummyLM) and record what `dspy.Predict` got.
        "TriageTicket" => {
            let scope = PyDict::new(py);
            with_dummy_lm(py, &[&[("result", "None")]], |_| {
                py.run(
                    c"
import dspy, program
seen = []
class Recording(dspy.Predict):
    def __init__(self, signature, **config):
        super().__init__(signature, **config)
        seen.append(self.signature)
original = dspy.Predict
dspy.Predict = Recording
try:
    program.triage('I cannot log in')
finally:
    dspy.Predict = original
(signature,) = [s for s in seen if 'ticket' in s.input_fields]
",
                    Some(&scope),
                    None,
                )
            })?;
            Ok(scope.get_item("signature")?.expect("recorded signature"))
        }
        other => panic!("no program reference for {other}"),
    }
}

macro_rules! check_all {
    ($py:expr, $mismatches:expr, $seen:expr, $krate:ident: $($sig:ident),+ $(,)?) => {$(
        {
            use $krate::Signature as _;
            let rust = rust_meta!($krate, $krate::$sig);
            $seen.push(format!("{}::{}", stringify!($krate), stringify!($sig)));
            let class: Bound<'_, PyType> = $krate::$sig::python_class($py)?;
            let python = python_meta(class.as_any())?;
            $mismatches.extend(diff(stringify!($sig), "python_class()", &rust, &python));
            if let $krate::runtime::PythonSignature::String { .. } = $krate::$sig::PYTHON {
                let reference = python_meta(&program_signature($py, stringify!($sig))?)?;
                $mismatches.extend(diff(stringify!($sig), "the program's signature", &rust, &reference));
            }
        }
    )+};
}

/// The marker types `impl Signature for` in a generated `signatures.rs`.
fn generated_signatures(krate: &str, source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|line| line.strip_prefix("impl Signature for "))
        .map(|rest| format!("{krate}::{}", rest.trim_end_matches(" {")))
        .collect()
}

#[test]
fn fields_and_instructions_match_dspy() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let mut mismatches = Vec::new();
        let mut seen = Vec::new();
        check_all!(py, mismatches, seen, qa_rs: QA, Summarize, FollowUp, CheckCitations);
        check_all!(
            py,
            mismatches,
            seen,
            rag_rs: Classify,
            Rewrite,
            RAGGenerateAnswer,
            RAGRank,
            TriageTicket,
            Verify,
            Agent,
        );

        // Every generated signature is covered.
        let mut generated = generated_signatures(
            "qa_rs",
            include_str!("../../generated/crates/qa_rs/src/signatures.rs"),
        );
        generated.extend(generated_signatures(
            "rag_rs",
            include_str!("../../generated/crates/rag_rs/src/signatures.rs"),
        ));
        assert_eq!(seen, generated, "signatures checked vs generated");

        assert!(
            mismatches.is_empty(),
            "metadata differs from dspy:\n{}",
            mismatches.join("\n")
        );
        Ok(())
    })
}

#[test]
fn string_signatures_rebuild_from_their_text() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        // dspy parses the text alone (default instructions): the fields must agree.
        fn check<S: rag_rs::Signature>(py: Python<'_>) -> PyResult<Vec<String>> {
            let rag_rs::runtime::PythonSignature::String { text, custom_types } = S::PYTHON else {
                return Ok(vec![]);
            };
            let types = PyDict::new(py);
            for (alias, module, qualname) in custom_types.iter() {
                types.set_item(*alias, py.import(*module)?.getattr(*qualname)?)?;
            }
            let kwargs = PyDict::new(py);
            kwargs.set_item("custom_types", types)?;
            let class = py
                .import("dspy")?
                .getattr("Signature")?
                .call((text,), Some(&kwargs))?;
            let mut python = python_meta(&class)?;
            let rust = rust_meta!(rag_rs, S);
            // Instructions are not in the text; the program-level check covers them.
            python.instructions = rust.instructions.clone();
            Ok(diff(S::NAME, "dspy.Signature(text)", &rust, &python))
        }
        let mut mismatches = check::<rag_rs::Classify>(py)?;
        mismatches.extend(check::<rag_rs::Rewrite>(py)?);
        mismatches.extend(check::<rag_rs::RAGGenerateAnswer>(py)?);
        mismatches.extend(check::<rag_rs::RAGRank>(py)?);
        mismatches.extend(check::<rag_rs::TriageTicket>(py)?);
        mismatches.extend(check::<rag_rs::Verify>(py)?);
        mismatches.extend(check::<rag_rs::Agent>(py)?);
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
        Ok(())
    })
}
