//! The hostile fixture (fixtures/hostile): docstrings, descriptions, prefixes, defaults and
//! Literal / Enum values holding quotes, backslashes, `"#`, `*/`, `{{ }}`, `{% %}`, NUL and
//! other control characters, U+2028/2029, bidi controls, emoji and a 5,000-character line.
//! Compiled into `hostile_rs`, every one must read back exactly as Python has it:
//! `S::INSTRUCTIONS` and each `FieldMeta` against what dspy reports for the imported class,
//! and model values (defaults included) through PyO3 and serde against pydantic.
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use qa_demo::parity::{diff, generated_signatures, python_meta};
use qa_demo::{init, rust_meta};

/// The object dspy uses for a signature: the class itself, or for a string signature the
/// module-level variable holding `dspy.Signature(text, instructions)`.
fn python_reference<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let module = py.import("hostile.signatures")?;
    match name {
        "HostileString" => module.getattr("hostile_string"),
        "KeywordString" => module.getattr("keyword_string"),
        "BlankInstructions" => module.getattr("blank_instructions"),
        "IndentedInstructions" => module.getattr("indented_instructions"),
        class => module.getattr(class),
    }
}

macro_rules! check_all {
    ($py:expr, $mismatches:expr, $seen:expr, $($sig:ident),+ $(,)?) => {$(
        {
            use hostile_rs::Signature as _;
            let rust = rust_meta!(hostile_rs, hostile_rs::$sig);
            $seen.push(format!("hostile_rs::{}", stringify!($sig)));
            // The class the runtime hands to dspy.Predict ...
            let class: Bound<'_, PyType> = hostile_rs::$sig::python_class($py)?;
            let python = python_meta(class.as_any())?;
            $mismatches.extend(diff(stringify!($sig), "python_class()", &rust, &python));
            // ... and the one the Python source itself builds (for a string signature,
            // python_class() is made from INSTRUCTIONS, so it alone would prove nothing).
            let reference = python_meta(&python_reference($py, stringify!($sig))?)?;
            $mismatches.extend(diff(stringify!($sig), "hostile.signatures", &rust, &reference));
        }
    )+};
}

#[test]
fn hostile_strings_survive_into_signature_metadata() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let mut mismatches = Vec::new();
        let mut seen = Vec::new();
        check_all!(
            py,
            mismatches,
            seen,
            Hostile,
            CaseConventions,
            SnakeConventions,
            Empty,
            Blank,
            Tag,
            Derived,
            HostileString,
            KeywordString,
            BlankInstructions,
            IndentedInstructions,
        );
        let generated = generated_signatures(
            "hostile_rs",
            include_str!("../../generated/crates/hostile_rs/src/signatures.rs"),
        );
        assert_eq!(seen, generated, "signatures checked vs generated");
        assert!(
            mismatches.is_empty(),
            "metadata differs from dspy:\n{}",
            mismatches.join("\n")
        );
        Ok(())
    })
}

/// The comparison above is only as good as its inputs: the hostile characters are there.
#[test]
fn the_hostile_characters_are_really_compared() {
    use hostile_rs::{Hostile, HostileString, Signature};
    let text = Hostile::INSTRUCTIONS;
    for needle in [
        "\"#",
        "*/",
        "/*",
        "{{ view.crate_name }}",
        "{% if x %}",
        "${x}",
        "\0",
        "\u{7f}",
        "\u{1b}",
        "\u{2028}",
        "\u{2029}",
        "\u{202e}",
        "\u{2066}",
        "\u{feff}",
        "\r\n",
        "\u{1f600}",
        "café",
        "日本語",
        "back\\slashes",
    ] {
        assert!(text.contains(needle), "INSTRUCTIONS lacks {needle:?}");
    }
    // "one\r\ntwo" starts a line at column 0, so inspect.cleandoc strips no margin.
    assert!(text.ends_with("Trailing backslash:\\\n    "));
    let long = Hostile::FIELDS.iter().find(|f| f.name == "mod").unwrap();
    assert_eq!(long.desc.chars().count(), 5000);
    let reference = Hostile::FIELDS.iter().find(|f| f.name == "ref").unwrap();
    assert_eq!(reference.desc, "\0\u{1}\u{1f}\u{7f}");
    assert_eq!(reference.prefix, "\u{202e}Ref\u{2066}:");
    assert!(HostileString::INSTRUCTIONS.contains("\0\u{7f} \u{202e}\u{2066}"));
}

/// `Described` and `Keywords` from pydantic into Rust (PyO3) and back: every field,
/// defaults included, equal to Python's, and serde's JSON equal to `model_dump_json()`.
#[test]
fn hostile_model_values_round_trip() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let models = py.import("hostile.models")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("bidi", "\u{202e}\u{2066}\0\r\n\u{2028}")?;
        let described = models.getattr("Described")?.call((), Some(&kwargs))?;
        let rust: hostile_rs::Described = described.extract()?;
        assert_eq!(rust.bidi, "\u{202e}\u{2066}\0\r\n\u{2028}");
        assert_eq!(rust.controls, "\0\u{7f}");
        assert_eq!(rust.lines, "a\r\nb\u{2028}c");
        assert_eq!(rust.raw_closer, "\"#");
        assert_eq!(rust.backslash, "\\");
        assert_eq!(rust.long.chars().count(), 5000);
        let long: String = models.getattr("LONG")?.extract()?;
        assert_eq!(rust.long, long);
        assert_eq!(rust.aliased, "");
        for (name, value) in [
            ("quotes", &rust.quotes),
            ("comment", &rust.comment),
            ("jinja", &rust.jinja),
            ("shell", &rust.shell),
            ("emoji", &rust.emoji),
            ("non_ascii", &rust.non_ascii),
        ] {
            let python: String = described.getattr(name)?.extract()?;
            assert_eq!(&python, value, "{name}");
        }
        let dumped: String = described.call_method0("model_dump_json")?.extract()?;
        assert_eq!(serde_json::to_string(&rust).unwrap(), dumped);
        let back = (&rust).into_pyobject(py)?;
        assert!(
            back.eq(&described)?,
            "Rust -> pydantic gives an equal instance"
        );

        let kwargs = PyDict::new(py);
        kwargs.set_item("type", "\"#")?;
        let keywords = models.getattr("Keywords")?.call((), Some(&kwargs))?;
        let rust: hostile_rs::Keywords = keywords.extract()?;
        assert_eq!(rust.r#type, "\"#");
        assert_eq!(rust.r#impl, Some(hostile_rs::Keyword::Nul));
        assert_eq!(rust.r#impl.unwrap().value(), "\0");
        let dumped: String = keywords.call_method0("model_dump_json")?.extract()?;
        assert_eq!(serde_json::to_string(&rust).unwrap(), dumped);
        assert!((&rust).into_pyobject(py)?.eq(&keywords)?);
        Ok(())
    })
}
