//! The transforms fixture (fixtures/transforms): signatures derived by DSPy's signature algebra
//! (`with_instructions`, `append_instructions`, `append` / `prepend` / `insert`, `delete`,
//! `with_updated_fields`, chains, `make_signature({...})`), which the static frontend computes
//! without running them. `S::FIELDS` / `S::INSTRUCTIONS` of each must equal what dspy reports
//! for the class the module really builds, and for the class `python_class()` hands to dspy.
use pyo3::prelude::*;
use pyo3::types::PyType;
use qa_demo::parity::{diff, generated_signatures, python_meta};
use qa_demo::{init, rust_meta};

macro_rules! check_all {
    ($py:expr, $mismatches:expr, $seen:expr, $($module:literal: $($sig:ident),+);+ $(;)?) => {$($(
        {
            use transforms_rs::Signature as _;
            let rust = rust_meta!(transforms_rs, transforms_rs::$sig);
            $seen.push(format!("transforms_rs::{}", stringify!($sig)));
            let class: Bound<'_, PyType> = transforms_rs::$sig::python_class($py)?;
            let python = python_meta(class.as_any())?;
            $mismatches.extend(diff(stringify!($sig), "python_class()", &rust, &python));
            // The module-level name the fixture binds (a derived signature is imported by it,
            // so this matters for the string signature `Ranker`, rebuilt from its text).
            let reference = $py.import($module)?.getattr(stringify!($sig))?;
            $mismatches.extend(diff(stringify!($sig), $module, &rust, &python_meta(&reference)?));
        }
    )+)+};
}

#[test]
fn derived_signatures_match_dspy() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let mut mismatches = Vec::new();
        let mut seen = Vec::new();
        check_all!(
            py,
            mismatches,
            seen,
            "transforms.dynamic": Base;
            "transforms.signatures": QA, Untyped, Ranker, Terse, Careful, Defaulted, WithPassages,
                WithScore, WithVerdict, WithContext, Keywords, AnswerOnly, Retyped, Redescribed,
                Pipeline, PipelineScored, StringAppended, RankerExplained, FromDict, FromDictDefault;
        );
        let generated = generated_signatures(
            "transforms_rs",
            include_str!("../../generated/crates/transforms_rs/src/signatures.rs"),
        );
        assert_eq!(seen, generated, "signatures checked vs generated");
        assert!(
            mismatches.is_empty(),
            "metadata differs from dspy:\n{}",
            mismatches.join("\n")
        );
        println!(
            "transforms_rs: {} signatures checked, 0 mismatches",
            seen.len()
        );
        Ok(())
    })
}
