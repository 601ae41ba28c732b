//! The runtime of the crates dspygen generates: what is the same in every one of them.
//!
//! A generated crate holds only what depends on its input (the structs of its pydantic
//! models, the markers of its DSPy signatures, the conversions that name its classes) and
//! names everything else here by absolute path (`::dspygen_runtime::Predict`), so no name
//! of the user's is reserved. Because every generated crate shares this crate's
//! [`Signature`] trait, one crate's [`Predict`] runs another crate's signature in the same
//! Rust program. (Two Python extension modules each link their own copy, so that holds
//! within one Rust program, not across extension modules.)
//!
//! - [`Signature`], [`FieldMeta`]: a DSPy signature as a type;
//! - [`Predict`], [`ChainOfThought`], [`BestOfN`], [`ReAct`], [`Example`]: DSPy's modules,
//!   typed by their signature;
//! - [`pytypes`]: Python scalars in the JSON formats pydantic writes (datetimes, `Decimal`,
//!   bytes, ...), each family behind a Cargo feature;
//! - [`dspy_types`] (feature `dspy-types`): DSPy's own types (`dspy.Image`, `dspy.History`, ...);
//! - [`factories`]: what the `default_factory`s dspygen mirrors compute (a new UUID4, the time);
//! - [`constraints`] (feature `constraints`): the checks behind pydantic's field constraints;
//! - [`Lm`], [`Settings`]: DSPy's language model and settings, for the process or a scope
//!   (a scripted test LM answering with typed outputs too);
//! - [`aio`] (feature `async`): `acall`, `batch` and `stream` on DSPy's modules, awaited from
//!   async Rust (tokio) while DSPy's own `acall` runs on an asyncio loop this crate owns;
//! - [`Tool`], [`JsonSchema`]: a Rust closure over a typed argument struct as a `dspy.Tool`,
//!   for [`ReAct::with_tools`];
//! - [`Usage`]: the LM usage DSPy tracked for a call, typed;
//! - [`embed`] (feature `embed`): starting Python inside a Rust program;
//! - [`lax`]: pydantic's lax mode (`"3"` into an `int`), which generated models read in;
//! - the serde and PyO3 helpers the generated conversions call.
//!
//! It re-exports the crates the generated code is written against ([`pyo3`], [`serde`],
//! [`serde_json`], [`indexmap`]), so that a generated crate depends on this crate alone.
#![deny(missing_docs)]

pub use indexmap;
pub use pyo3;
/// The asyncio bridge [`aio`] is built on: an extension module hands an `acall` future to
/// Python with `pyo3_async_runtimes::tokio::future_into_py`.
#[cfg(feature = "async")]
pub use pyo3_async_runtimes;
pub use serde;
pub use serde_json;
#[cfg(feature = "uuid")]
pub use uuid;

#[cfg(feature = "async")]
pub mod aio;
mod atom;
#[cfg(feature = "constraints")]
pub mod constraints;
mod construct;
mod de;
#[cfg(feature = "dspy-types")]
pub mod dspy_types;
#[cfg(feature = "embed")]
pub mod embed;
pub mod factories;
mod key_priority;
pub mod lax;
mod lm;
mod macros;
pub mod methods;
mod modules;
mod python;
pub mod pytypes;
mod signature;
mod tools;
pub mod unions;
mod usage;

pub use atom::Atom;
pub use construct::{
    extract_vec, instances, member_index, members, model_into_py, validated_tree, validating,
    Fields, MemberCell, ModelRoute,
};
pub use de::{computed, computed_float, required, MapOnly};
pub use key_priority::KeyPriority;
pub use lm::{Lm, Settings};
pub use modules::{
    Acted, BestOfN, ChainOfThought, Example, Module, Predict, PredictError, Prediction, ReAct,
    Reasoned, Step,
};
pub use python::{
    build_class, import_class, json_roundtrip, model_validate, python_path, ClassCell,
};
pub use signature::{
    load_signature, FieldKind, FieldMeta, PythonSignature, Signature, SignatureInput,
    SignatureOutput,
};
pub use tools::{JsonSchema, Tool};
pub use usage::{TokenUsage, Usage};
