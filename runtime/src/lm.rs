//! DSPy's language model and settings, set from Rust: `dspy.LM(...)`, DSPy's scripted test LM
//! (`dspy.utils.DummyLM`) answering with typed outputs, and `dspy.configure` / `dspy.context`.
//!
//! [`Settings`] is a value (`Clone + Send`): a scope can be entered again wherever it is carried,
//! a thread or a future, and each entry is undone when it ends, as `with dspy.context(...)` is.
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};

use crate::signature::{Signature, SignatureOutput};

/// A DSPy language model: a Python object DSPy calls (`dspy.LM`, `DummyLM`, or one of yours).
#[derive(Debug)]
pub struct Lm(Py<PyAny>);

impl Lm {
    /// `dspy.LM(model)`: a model by its LiteLLM name (`"openai/gpt-4o-mini"`).
    pub fn new(py: Python<'_>, model: &str) -> PyResult<Self> {
        Self::with_options(py, model, &PyDict::new(py))
    }

    /// `dspy.LM(model, **options)` (`temperature`, `max_tokens`, `api_base`, `cache`, ...).
    pub fn with_options(
        py: Python<'_>,
        model: &str,
        options: &Bound<'_, PyDict>,
    ) -> PyResult<Self> {
        let lm = py
            .import("dspy")?
            .getattr("LM")?
            .call((model,), Some(options))?;
        Ok(Self(lm.unbind()))
    }

    /// An LM object built in Python (a subclass of `dspy.BaseLM`, a configured client, ...).
    pub fn from_object(lm: Bound<'_, PyAny>) -> Self {
        Self(lm.unbind())
    }

    /// DSPy's test LM, `dspy.utils.DummyLM`, answering the i-th call with `answers[i]`: each a
    /// typed output of `S`, given to DSPy as an LM would write it (a string as it is, any other
    /// value as the JSON text pydantic writes).
    pub fn scripted<S: Signature>(py: Python<'_>, answers: &[S::Output]) -> PyResult<Self> {
        let list = PyList::empty(py);
        for answer in answers {
            let fields = PyDict::new(py);
            for (name, value) in answer.to_kwargs(py)?.iter() {
                fields.set_item(name, answer_text(&value)?)?;
            }
            list.append(fields)?;
        }
        let lm = py
            .import("dspy")?
            .getattr("utils")?
            .getattr("DummyLM")?
            .call1((list,))?;
        Ok(Self(lm.unbind()))
    }

    /// The Python object.
    pub fn as_py(&self) -> &Py<PyAny> {
        &self.0
    }

    /// How many times DSPy called it (`len(lm.history)`).
    pub fn calls(&self, py: Python<'_>) -> PyResult<usize> {
        self.0.bind(py).getattr("history")?.len()
    }
}

impl Clone for Lm {
    fn clone(&self) -> Self {
        Python::attach(|py| Self(self.0.clone_ref(py)))
    }
}

/// What an LM writes for a field holding `value`: a `str` as it is; an Enum member, a model, a
/// list, ... as pydantic's JSON (a JSON string unquoted: the member's value).
pub(crate) fn answer_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_exact_instance_of::<PyString>() {
        return value.extract();
    }
    let py = value.py();
    let json = py
        .import("pydantic_core")?
        .getattr("to_json")?
        .call1((value,))?;
    let text =
        String::from_utf8_lossy(json.cast::<pyo3::types::PyBytes>()?.as_bytes()).into_owned();
    Ok(serde_json::from_str::<String>(&text).unwrap_or(text))
}

/// DSPy settings (`lm`, `adapter`, ...), set for the whole process ([`Settings::configure`]) or
/// for a scope ([`Settings::scope`]).
#[derive(Debug)]
pub struct Settings(pub(crate) Py<PyDict>);

impl Settings {
    /// No settings yet.
    pub fn new(py: Python<'_>) -> Self {
        Self(PyDict::new(py).unbind())
    }

    /// The settings with `lm` as the language model.
    pub fn lm(self, py: Python<'_>, lm: &Lm) -> PyResult<Self> {
        self.set(py, "lm", lm.as_py().bind(py))
    }

    /// The settings with any other of DSPy's (`adapter`, `track_usage`, ...).
    pub fn set(self, py: Python<'_>, key: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        self.0.bind(py).set_item(key, value)?;
        Ok(self)
    }

    /// The settings with DSPy's usage tracking on or off (`track_usage`): a call made under them
    /// reports the tokens its LM calls spent ([`crate::Prediction::usage`]).
    pub fn track_usage(self, py: Python<'_>, on: bool) -> PyResult<Self> {
        self.set(py, "track_usage", PyBool::new(py, on).as_any())
    }

    /// `dspy.configure(**settings)`: for the whole process. DSPy lets only the thread that
    /// configured it first configure it again; scopes ([`Settings::scope`]) work on any thread.
    pub fn configure(&self, py: Python<'_>) -> PyResult<()> {
        py.import("dspy")?
            .getattr("configure")?
            .call((), Some(self.0.bind(py)))?;
        Ok(())
    }

    /// Runs `f` inside `with dspy.context(**settings):`, on this thread only; the settings
    /// before it are back when `f` returns (or fails).
    pub fn scope<R>(&self, py: Python<'_>, f: impl FnOnce() -> R) -> PyResult<R> {
        let context = py
            .import("dspy")?
            .getattr("context")?
            .call((), Some(self.0.bind(py)))?;
        context.call_method0("__enter__")?;
        struct Exit<'a, 'py>(&'a Bound<'py, PyAny>);
        impl Drop for Exit<'_, '_> {
            fn drop(&mut self) {
                let none = self.0.py().None();
                if let Err(err) = self.0.call_method1("__exit__", (&none, &none, &none)) {
                    err.write_unraisable(self.0.py(), Some(self.0));
                }
            }
        }
        let _exit = Exit(&context);
        Ok(f())
    }
}

impl Clone for Settings {
    fn clone(&self) -> Self {
        Python::attach(|py| {
            Self(
                self.0
                    .bind(py)
                    .copy()
                    .map_or_else(|_| self.0.clone_ref(py), Bound::unbind),
            )
        })
    }
}
