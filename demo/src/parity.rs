//! Comparing a generated signature's `S::FIELDS` / `S::INSTRUCTIONS` with what dspy itself
//! reports for the Python class: shared by `tests/metadata_parity.rs` (the fixtures'
//! crates) and `tests/hostile_parity.rs` (strings that must survive byte for byte).
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// One field as dspy or the Rust metadata describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub kind: &'static str,
    pub desc: String,
    pub prefix: String,
}

/// A signature's instructions and fields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub instructions: String,
    pub fields: Vec<Field>,
}

/// The [`Meta`] of a generated signature type: `rust_meta!(qa_rs, qa_rs::QA)`. A macro,
/// since each generated crate has its own `Signature` trait.
#[macro_export]
macro_rules! rust_meta {
    ($krate:ident, $sig:ty) => {{
        $crate::parity::Meta {
            instructions: <$sig as $krate::Signature>::INSTRUCTIONS.to_string(),
            fields: <$sig as $krate::Signature>::FIELDS
                .iter()
                .map(|f| $crate::parity::Field {
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
pub fn python_meta(class: &Bound<'_, PyAny>) -> PyResult<Meta> {
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
pub fn diff(name: &str, reference: &str, rust: &Meta, python: &Meta) -> Vec<String> {
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

/// The marker types `impl Signature for` in a generated `signatures.rs`.
pub fn generated_signatures(krate: &str, source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|line| line.strip_prefix("impl ::dspygen_runtime::Signature for "))
        .map(|rest| format!("{krate}::{}", rest.trim_end_matches(" {")))
        .collect()
}
