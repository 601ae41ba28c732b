//! Tools written in Rust for `dspy.ReAct`: a closure over a typed argument struct (a generated
//! model, whose JSON Schema DSPy shows the LM) and a typed result, which DSPy sees as an
//! ordinary `dspy.Tool`.
//!
//! The LM's arguments reach the closure as the struct (through their JSON text and serde); its
//! result reaches DSPy as the Python value of its JSON (a `String` as a `str`, a struct as a
//! `dict`). A closure that returns `Err(e)`, or panics, makes the tool raise; DSPy's ReAct
//! catches that and shows the LM the error as the step's observation
//! (`Execution error in <tool>: ...`), so the agent goes on.

use std::any::Any;
use std::fmt::Display;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyDict, PyTuple};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A type with the JSON Schema pydantic gives it (`Model.model_json_schema()`, validation
/// mode): every generated model implements it with the text of its `JSON_SCHEMA` constant.
/// A [`Tool`]'s argument type implements it, so DSPy shows the LM the arguments' schema.
pub trait JsonSchema {
    /// `json.dumps(Model.model_json_schema())`: an object schema whose `properties` are the
    /// tool's arguments (`$defs` and `$ref`s allowed).
    const JSON_SCHEMA: &'static str;
}

/// A `dspy.Tool` whose function is a Rust closure; give it to [`ReAct::with_tools`](crate::ReAct::with_tools).
#[derive(Debug)]
pub struct Tool {
    tool: Py<PyAny>,
}

impl Clone for Tool {
    fn clone(&self) -> Self {
        Python::attach(|py| Self {
            tool: self.tool.clone_ref(py),
        })
    }
}

impl Tool {
    /// A tool named `name` (how the LM calls it) that DSPy describes to the LM with
    /// `description` and `A`'s JSON Schema: each call reads the LM's arguments as `A` and runs
    /// `f` on them, without the GIL held.
    ///
    /// Arguments that do not fit `A`, an `Err(e)` (its `Display` text) and a panic (its
    /// message) each raise a Python exception, which DSPy's ReAct shows the LM as the step's
    /// observation.
    pub fn new<A, R, E, F>(py: Python<'_>, name: &str, description: &str, f: F) -> PyResult<Self>
    where
        A: DeserializeOwned + JsonSchema + Send,
        R: Serialize + Send,
        E: Display + Send,
        F: Fn(A) -> Result<R, E> + Send + Sync + 'static,
    {
        let tool_name = name.to_owned();
        let inner = PyCFunction::new_closure(
            py,
            Some(c"rust_tool"),
            None,
            move |args: &Bound<'_, PyTuple>,
                  kwargs: Option<&Bound<'_, PyDict>>|
                  -> PyResult<Py<PyAny>> {
                let py = args.py();
                let value: A = arguments(py, &tool_name, kwargs)?;
                let outcome = py.detach(|| catch_unwind(AssertUnwindSafe(|| f(value))));
                match outcome {
                    Ok(Ok(result)) => to_python(py, &tool_name, &result),
                    Ok(Err(err)) => Err(PyRuntimeError::new_err(err.to_string())),
                    Err(payload) => Err(PyRuntimeError::new_err(format!(
                        "the tool {tool_name} panicked: {}",
                        panic_message(&*payload)
                    ))),
                }
            },
        )?;
        // DSPy reads a tool's signature (`inspect.signature`), which a builtin lacks: the
        // closure is wrapped in a Python function taking `**kwargs`.
        let function = function_factory(py)?.call1((inner, name, description))?;
        Self::wrap(py, name, description, A::JSON_SCHEMA, function)
    }

    /// An async tool (feature `async`): as [`Tool::new`], but `f` gives a future, which runs
    /// on the tokio runtime of `pyo3_async_runtimes` while DSPy awaits it on its asyncio loop.
    /// DSPy awaits a tool only in an async run: use [`ReAct::acall`](crate::ReAct::acall) (a
    /// sync [`ReAct::call`](crate::ReAct::call) shows the LM DSPy's refusal to call an async
    /// tool as the observation). An `Err(e)` or a panic, while the future is made or polled,
    /// raises as with [`Tool::new`].
    #[cfg(feature = "async")]
    pub fn new_async<A, R, E, F, Fut>(
        py: Python<'_>,
        name: &str,
        description: &str,
        f: F,
    ) -> PyResult<Self>
    where
        A: DeserializeOwned + JsonSchema,
        R: Serialize + Send + 'static,
        E: Display + Send + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<R, E>> + Send + 'static,
    {
        use futures_util::FutureExt;

        let tool_name = name.to_owned();
        let inner = PyCFunction::new_closure(
            py,
            Some(c"rust_tool"),
            None,
            move |args: &Bound<'_, PyTuple>,
                  kwargs: Option<&Bound<'_, PyDict>>|
                  -> PyResult<Py<PyAny>> {
                let py = args.py();
                let value: A = arguments(py, &tool_name, kwargs)?;
                let name = tool_name.clone();
                let future = catch_unwind(AssertUnwindSafe(|| f(value)))
                    .map(|future| AssertUnwindSafe(future).catch_unwind());
                let awaitable = pyo3_async_runtimes::tokio::future_into_py(py, async move {
                    let outcome = match future {
                        Ok(future) => future.await,
                        Err(payload) => Err(payload),
                    };
                    match outcome {
                        Ok(Ok(result)) => Python::attach(|py| to_python(py, &name, &result)),
                        Ok(Err(err)) => Err(PyRuntimeError::new_err(err.to_string())),
                        Err(payload) => Err(PyRuntimeError::new_err(format!(
                            "the tool {name} panicked: {}",
                            panic_message(&*payload)
                        ))),
                    }
                })?;
                Ok(awaitable.unbind())
            },
        )?;
        let function = async_function_factory(py)?.call1((inner, name, description))?;
        Self::wrap(py, name, description, A::JSON_SCHEMA, function)
    }

    /// `dspy.Tool(function, name=, desc=, args=, arg_types=)` around `function`, a callable taking
    /// keyword arguments (a Python function, which DSPy can read the signature of); `args` are the `properties` of `schema` with its `$ref`s inlined, as
    /// `dspy.Tool` writes them for a function's pydantic-typed arguments.
    fn wrap(
        py: Python<'_>,
        name: &str,
        description: &str,
        schema: &str,
        function: Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let schema: serde_json::Value = serde_json::from_str(schema).map_err(|e| {
            PyValueError::new_err(format!("the JSON Schema of {name}'s arguments: {e}"))
        })?;
        let properties = match inlined(&schema, &schema, &mut Vec::new()) {
            serde_json::Value::Object(mut object) => object
                .remove("properties")
                .unwrap_or_else(|| serde_json::Value::Object(Default::default())),
            _ => serde_json::Value::Object(Default::default()),
        };
        let json = py.import("json")?;
        let args = json.call_method1("loads", (properties.to_string(),))?;
        let any = py.import("typing")?.getattr("Any")?;
        let arg_types = PyDict::new(py);
        for key in args.cast::<PyDict>()?.keys() {
            arg_types.set_item(key, &any)?;
        }
        let kwargs = PyDict::new(py);
        kwargs.set_item("name", name)?;
        kwargs.set_item("desc", description)?;
        kwargs.set_item("args", args)?;
        kwargs.set_item("arg_types", arg_types)?;
        let tool = py
            .import("dspy")?
            .getattr("Tool")?
            .call((function,), Some(&kwargs))?;
        Ok(Self {
            tool: tool.unbind(),
        })
    }

    /// The `dspy.Tool` object.
    pub fn as_py(&self) -> &Py<PyAny> {
        &self.tool
    }
}

/// The LM's keyword arguments, read as `A` through their JSON text.
fn arguments<A: DeserializeOwned>(
    py: Python<'_>,
    name: &str,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<A> {
    let kwargs = match kwargs {
        Some(kwargs) => kwargs.clone(),
        None => PyDict::new(py),
    };
    let text: String = py
        .import("json")?
        .call_method1("dumps", (kwargs,))?
        .extract()?;
    serde_json::from_str(&text).map_err(|e| {
        PyValueError::new_err(format!("the arguments do not fit the tool {name}: {e}"))
    })
}

/// The Python value of `result`'s JSON.
fn to_python<R: Serialize>(py: Python<'_>, name: &str, result: &R) -> PyResult<Py<PyAny>> {
    let text = serde_json::to_string(result).map_err(|e| {
        PyValueError::new_err(format!("the result of the tool {name} is not JSON: {e}"))
    })?;
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// What a panic said (`panic!("...")` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_owned()
    }
}

/// `schema` (a part of `root`) with every `{"$ref": "#/$defs/X"}` replaced by `X`'s schema
/// and `$defs` dropped; a reference back into a schema being inlined (a recursive model)
/// becomes `{}`, any value.
fn inlined(
    schema: &serde_json::Value,
    root: &serde_json::Value,
    open: &mut Vec<String>,
) -> serde_json::Value {
    use serde_json::Value;
    match schema {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                let name = reference.rsplit('/').next().unwrap_or_default().to_owned();
                let Some(target) = root.get("$defs").and_then(|defs| defs.get(&name)) else {
                    return schema.clone();
                };
                if open.contains(&name) {
                    return Value::Object(Default::default());
                }
                open.push(name);
                let mut resolved = inlined(target, root, open);
                open.pop();
                // Keywords beside the reference (a description, a default) stay.
                if let Value::Object(resolved) = &mut resolved {
                    for (key, value) in object {
                        if key != "$ref" {
                            resolved.insert(key.clone(), inlined(value, root, open));
                        }
                    }
                }
                return resolved;
            }
            Value::Object(
                object
                    .iter()
                    .filter(|(key, _)| key.as_str() != "$defs")
                    .map(|(key, value)| (key.clone(), inlined(value, root, open)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| inlined(item, root, open)).collect())
        }
        other => other.clone(),
    }
}

/// A Python function `make(inner, name, doc)` giving a function `name(**kwargs)` that calls
/// `inner(**kwargs)`.
fn function_factory(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    FACTORY
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            let globals = PyDict::new(py);
            py.run(
                c"def make(inner, name, doc):
    def tool(**kwargs):
        return inner(**kwargs)
    tool.__name__ = tool.__qualname__ = name
    tool.__doc__ = doc
    return tool
",
                Some(&globals),
                None,
            )?;
            Ok(globals.get_item("make")?.expect("defined above").unbind())
        })
        .map(|factory| factory.bind(py))
}

/// `make(inner, name, doc)` giving a coroutine function `name(**kwargs)` that awaits
/// `inner(**kwargs)` (DSPy awaits what a tool returns only when it is a coroutine).
#[cfg(feature = "async")]
fn async_function_factory(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    FACTORY
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            let globals = PyDict::new(py);
            py.run(
                c"def make(inner, name, doc):
    async def tool(**kwargs):
        return await inner(**kwargs)
    tool.__name__ = tool.__qualname__ = name
    tool.__doc__ = doc
    return tool
",
                Some(&globals),
                None,
            )?;
            Ok(globals.get_item("make")?.expect("defined above").unbind())
        })
        .map(|factory| factory.bind(py))
}
