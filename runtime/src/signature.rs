//! A DSPy signature as a type: the [`Signature`] trait, the metadata of its fields, and where
//! its Python class comes from.
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

use crate::python::import_path;

/// Whether a signature field is given to the LM or produced by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// An input field (`dspy.InputField`).
    Input,
    /// An output field (`dspy.OutputField`).
    Output,
}

/// The DSPy metadata of one signature field, as `dspy` itself reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldMeta {
    /// The field's name in Python.
    pub name: &'static str,
    /// Input or output.
    pub kind: FieldKind,
    /// Its `desc`.
    pub desc: &'static str,
    /// Its `prefix` (`"Question:"`).
    pub prefix: &'static str,
    /// Its annotation as Python source (`list[str]`).
    pub python_type: &'static str,
}

/// Where the Python side of a signature lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonSignature {
    /// A `dspy.Signature` subclass: imported from its module.
    Class {
        /// The module to import.
        module: &'static str,
        /// The class's qualified name in it.
        qualname: &'static str,
    },
    /// A string signature: rebuilt with `dspy.make_signature`.
    String {
        /// The signature text (`"question -> answer"`).
        text: &'static str,
        /// The custom types it names: (name in the text, module, qualified name).
        custom_types: &'static [(&'static str, &'static str, &'static str)],
    },
}

/// Inputs of a signature, passed to DSPy as keyword arguments.
pub trait SignatureInput {
    /// The inputs as `dspy` module keyword arguments.
    fn to_kwargs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>>;
}

/// Outputs of a signature, read from a `dspy.Prediction` (and written into a `dspy.Example`).
/// `Send`: an async call reads them on the asyncio loop's thread and hands them to its future.
pub trait SignatureOutput: Sized + Send {
    /// Reads the outputs from the attributes of a `dspy.Prediction`.
    fn from_prediction(prediction: &Bound<'_, PyAny>) -> PyResult<Self>;
    /// The outputs as keyword arguments (of a `dspy.Example`).
    fn to_kwargs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>>;
}

/// A DSPy signature known at compile time.
pub trait Signature: 'static {
    /// The struct of its input fields.
    type Input: SignatureInput;
    /// The struct of its output fields.
    type Output: SignatureOutput;
    /// The signature's name.
    const NAME: &'static str;
    /// Its instructions (the docstring of a class signature).
    const INSTRUCTIONS: &'static str;
    /// Its fields, inputs and outputs, in DSPy's order.
    const FIELDS: &'static [FieldMeta];
    /// Where its Python class comes from.
    const PYTHON: PythonSignature;

    /// The Python signature class, imported (or built) once per process.
    fn python_class(py: Python<'_>) -> PyResult<Bound<'_, PyType>>;

    /// The metadata of the input fields.
    fn input_fields() -> impl Iterator<Item = &'static FieldMeta> {
        Self::FIELDS.iter().filter(|f| f.kind == FieldKind::Input)
    }

    /// The metadata of the output fields.
    fn output_fields() -> impl Iterator<Item = &'static FieldMeta> {
        Self::FIELDS.iter().filter(|f| f.kind == FieldKind::Output)
    }
}

/// Resolves a [`PythonSignature`] into a class, once per `cell`. Called by the generated
/// `Signature::python_class`.
pub fn load_signature<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    python: &PythonSignature,
    instructions: &str,
    name: &str,
) -> PyResult<Bound<'py, PyType>> {
    let class = cell.get_or_try_init(py, || -> PyResult<Py<PyType>> {
        match python {
            PythonSignature::Class { module, qualname } => Ok(import_path(py, module, qualname)?
                .cast_into::<PyType>()?
                .unbind()),
            PythonSignature::String { text, custom_types } => {
                let types = PyDict::new(py);
                for (alias, module, qualname) in custom_types.iter() {
                    types.set_item(*alias, import_path(py, module, qualname)?)?;
                }
                let kwargs = PyDict::new(py);
                kwargs.set_item("signature_name", name)?;
                kwargs.set_item("custom_types", types)?;
                let sig = py
                    .import("dspy")?
                    .getattr("make_signature")?
                    .call((*text, instructions), Some(&kwargs))?;
                Ok(sig.cast_into::<PyType>()?.unbind())
            }
        }
    })?;
    Ok(class.bind(py).clone())
}
