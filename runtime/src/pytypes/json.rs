//! Values holding `typing.Any` / `pydantic.JsonValue` parts (`serde_json::Value`), which cross
//! between Python and Rust as JSON. (Feature `json` keeps the order of an object's keys.)
use pyo3::prelude::*;

/// A Python value holding `Any` / `JsonValue` parts, read through pydantic's own JSON
/// (`pydantic_core.to_json`), so it arrives as `model_dump_json()` would write it.
pub fn from_json_py<T: serde::de::DeserializeOwned>(obj: &Bound<'_, PyAny>) -> PyResult<T> {
    let py = obj.py();
    let json = py
        .import("pydantic_core")?
        .getattr("to_json")?
        .call1((obj,))?;
    let bytes = json.cast::<pyo3::types::PyBytes>()?;
    serde_json::from_slice(bytes.as_bytes())
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// The Python value (`json.loads`) of a Rust value holding `serde_json::Value` parts.
pub fn to_json_py<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    py.import("json")?.getattr("loads")?.call1((text,))
}
