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
use qa_demo::parity::{diff, generated_signatures, python_meta};
use qa_demo::{init, rust_meta, with_dummy_lm};

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
