//! Finding Python classes from Rust, and the JSON round trip the generated modules expose.
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

/// The cell a generated conversion keeps its Python class in: imported once per process.
pub type ClassCell = PyOnceLock<Py<PyType>>;

/// `class.model_validate(data, by_name=True)`: a pydantic instance from the fields Rust holds,
/// keyed by field name (aliased fields too), validated by pydantic itself.
pub fn model_validate<'py, D>(class: &Bound<'py, PyType>, data: D) -> PyResult<Bound<'py, PyAny>>
where
    D: IntoPyObject<'py>,
{
    let py = class.py();
    let options = PyDict::new(py);
    options.set_item(pyo3::intern!(py, "by_name"), true)?;
    class.call_method(pyo3::intern!(py, "model_validate"), (data,), Some(&options))
}

/// JSON -> `T` -> JSON, the path a generated module's `roundtrip_json` exposes to Python.
pub fn json_roundtrip<T>(data: &str) -> PyResult<String>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let value: T = serde_json::from_str(data).map_err(value_error)?;
    serde_json::to_string(&value).map_err(value_error)
}

fn value_error(err: serde_json::Error) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(err.to_string())
}

/// Looks up a class by module and qualified name, once per `cell` (per process).
pub fn import_class<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    module: &str,
    qualname: &str,
) -> PyResult<Bound<'py, PyType>> {
    let class = cell.get_or_try_init(py, || -> PyResult<Py<PyType>> {
        Ok(import_path(py, module, qualname)?
            .cast_into::<PyType>()?
            .unbind())
    })?;
    Ok(class.bind(py).clone())
}

/// Builds a class once per `cell`: a generic model's parametrisation (`Page[Item]`), which
/// pydantic creates on subscription and caches, so this is the class Python code uses.
pub fn build_class<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    build: impl FnOnce(Python<'py>) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyType>> {
    let class = cell.get_or_try_init(py, || -> PyResult<Py<PyType>> {
        Ok(build(py)?.cast_into::<PyType>()?.unbind())
    })?;
    Ok(class.bind(py).clone())
}

/// The object `qualname` names in `module` (a class, `typing.Optional`, ...).
pub fn python_path<'py>(
    py: Python<'py>,
    module: &str,
    qualname: &str,
) -> PyResult<Bound<'py, PyAny>> {
    import_path(py, module, qualname)
}

pub(crate) fn import_path<'py>(
    py: Python<'py>,
    module: &str,
    qualname: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let mut obj = py
        .import(module)
        .map_err(|err| not_importable(py, module, qualname, err))?
        .into_any();
    for part in qualname.split('.') {
        obj = obj.getattr(part)?;
    }
    Ok(obj)
}

/// An `ImportError` that says what was imported for what, where Python looked and what to set:
/// a Rust program embedding Python finds the user's modules only on its `sys.path`.
fn not_importable(py: Python<'_>, module: &str, qualname: &str, err: PyErr) -> PyErr {
    if !err.is_instance_of::<pyo3::exceptions::PyImportError>(py) {
        return err; // the module was found and failed while it ran: its own error says why
    }
    let sys = py.import("sys");
    let shown = |name: &str| -> String {
        sys.as_ref()
            .ok()
            .and_then(|sys| sys.getattr(name).ok())
            .and_then(|value| value.repr().ok())
            .map_or_else(|| "?".to_owned(), |text| text.to_string())
    };
    let top = module.split('.').next().unwrap_or(module);
    let message = format!(
        "cannot import `{module}` (for `{qualname}`): {err}. Python ({}) searched sys.path = {}. \
         Put the folder holding `{top}` on PYTHONPATH, or install it into that interpreter",
        shown("executable"),
        shown("path"),
    );
    let wrapped = pyo3::exceptions::PyImportError::new_err(message);
    wrapped.set_cause(py, Some(err));
    wrapped
}
