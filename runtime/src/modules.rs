//! DSPy modules typed by their signature: `Predict<S>`, `ChainOfThought<S>` and `ReAct<S>`
//! take only `S::Input` and give back `S::Output`; `BestOfN<S>` wraps one of them with a
//! reward written in Rust; `Example<S>` is a typed demo.
//! (`dspy.Refine` is left out: it reads its reward function's Python source for the advice
//! it asks the LM for, and a Rust closure has none.)

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCFunction, PyDict, PyList, PyTuple};

use crate::signature::{Signature, SignatureInput, SignatureOutput};
use crate::tools::Tool;
use crate::usage::Usage;

/// Why a call to a DSPy module failed. Converts into `PyErr` with `?`.
#[derive(Debug)]
pub enum PredictError {
    /// DSPy or the LM failed: no LM configured, a provider error, a timeout.
    Lm(PyErr),
    /// DSPy could not parse the LM's answer into the signature's outputs.
    Parse(PyErr),
    /// The outputs did not fit the Rust types (an int beyond `i64`, a wrong value).
    Conversion(PyErr),
    /// An async call outlived the timeout it was given (feature `async`); DSPy's task was
    /// cancelled.
    Timeout(PyErr),
}

impl PredictError {
    /// The Python exception behind the error.
    pub fn py_err(&self) -> &PyErr {
        match self {
            Self::Lm(err) | Self::Parse(err) | Self::Conversion(err) | Self::Timeout(err) => err,
        }
    }
}

impl fmt::Display for PredictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Self::Lm(_) => "the LM call failed",
            Self::Parse(_) => "the LM's answer could not be parsed",
            Self::Conversion(_) => "the outputs do not fit the Rust types",
            Self::Timeout(_) => "the call timed out",
        };
        write!(f, "{what}: {}", self.py_err())
    }
}

impl std::error::Error for PredictError {}

impl From<PredictError> for PyErr {
    fn from(err: PredictError) -> PyErr {
        match err {
            PredictError::Lm(e)
            | PredictError::Parse(e)
            | PredictError::Conversion(e)
            | PredictError::Timeout(e) => e,
        }
    }
}

/// Calls a DSPy module with `input` and reads `S`'s outputs from the prediction.
fn invoke<'py, S: Signature>(
    module: &Bound<'py, PyAny>,
    input: &S::Input,
) -> Result<(Bound<'py, PyAny>, S::Output), PredictError> {
    let py = module.py();
    let kwargs = input.to_kwargs(py).map_err(PredictError::Conversion)?;
    let raw = module
        .call((), Some(&kwargs))
        .map_err(|err| failed(py, err))?;
    let output = S::Output::from_prediction(&raw).map_err(PredictError::Conversion)?;
    Ok((raw, output))
}

/// `module` over every input on `dspy.Parallel`'s threads; see `Predict::batch_threads`.
fn batch_threads<S: Signature>(
    module: &Bound<'_, PyAny>,
    inputs: &[S::Input],
    num_threads: usize,
) -> Vec<Result<Prediction<S>, PredictError>> {
    let py = module.py();
    // An input that does not convert fails alone, before DSPy sees the others.
    let mut out: Vec<Option<Result<Prediction<S>, PredictError>>> =
        Vec::with_capacity(inputs.len());
    let mut pairs = Vec::new();
    let mut slots = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        match input.to_kwargs(py) {
            Ok(kwargs) => {
                pairs.push((module.clone(), kwargs));
                slots.push(i);
                out.push(None);
            }
            Err(err) => out.push(Some(Err(PredictError::Conversion(err)))),
        }
    }
    match run_parallel(py, pairs, num_threads) {
        Ok(results) => {
            for (slot, result) in slots.into_iter().zip(results) {
                out[slot] = Some(result.and_then(|raw| {
                    let raw = raw.bind(py);
                    let output =
                        S::Output::from_prediction(raw).map_err(PredictError::Conversion)?;
                    Ok(Prediction::new(raw, output))
                }));
            }
        }
        Err(err) => {
            // Parallel itself failed (not one call): every input not yet answered has that error.
            let err = failed(py, err);
            for slot in slots {
                out[slot] = Some(Err(PredictError::Lm(err.py_err().clone_ref(py))));
            }
        }
    }
    out.into_iter()
        .map(|r| r.expect("every input has a result"))
        .collect()
}

/// Runs `dspy.Parallel(...).forward(pairs)`, keeping every call's own outcome in order.
fn run_parallel<'py>(
    py: Python<'py>,
    pairs: Vec<(Bound<'py, PyAny>, Bound<'py, PyDict>)>,
    num_threads: usize,
) -> PyResult<Vec<Result<Py<PyAny>, PredictError>>> {
    let count = pairs.len();
    let kwargs = PyDict::new(py);
    kwargs.set_item("num_threads", num_threads.max(1))?;
    kwargs.set_item("max_errors", count + 1)?;
    kwargs.set_item("return_failed_examples", true)?;
    kwargs.set_item("disable_progress_bar", true)?;
    kwargs.set_item("provide_traceback", false)?;
    let parallel = py
        .import("dspy")?
        .getattr("Parallel")?
        .call((), Some(&kwargs))?;
    let examples: Vec<Bound<'py, PyDict>> = pairs.iter().map(|(_, k)| k.clone()).collect();
    let pairs = PyList::new(py, pairs)?;
    type Objects<'py> = Vec<Bound<'py, PyAny>>;
    let (results, failed_examples, exceptions): (Objects<'py>, Objects<'py>, Objects<'py>) =
        parallel.call_method1("forward", (pairs,))?.extract()?;
    // A failed call's result is None; its exception is the one listed beside its input (the
    // same dict object, so found by identity).
    let mut out = Vec::with_capacity(count);
    for (i, result) in results.into_iter().enumerate() {
        if !result.is_none() {
            out.push(Ok(result.unbind()));
            continue;
        }
        let exception = failed_examples
            .iter()
            .position(|example| example.is(&examples[i]))
            .and_then(|at| exceptions.get(at));
        out.push(Err(match exception {
            Some(exception) => failed(py, PyErr::from_value(exception.clone())),
            None => PredictError::Lm(pyo3::exceptions::PyRuntimeError::new_err(
                "dspy.Parallel gave no result and no exception for this input",
            )),
        }));
    }
    Ok(out)
}

/// What a DSPy module's exception means: an answer DSPy could not parse, or any other failure.
pub(crate) fn failed(py: Python<'_>, err: PyErr) -> PredictError {
    let parse = py
        .import("dspy.utils.exceptions")
        .and_then(|m| m.getattr("AdapterParseError"))
        .is_ok_and(|class| err.matches(py, class).unwrap_or(false));
    if parse {
        PredictError::Parse(err)
    } else {
        PredictError::Lm(err)
    }
}

fn build<S: Signature>(py: Python<'_>, module: &str) -> PyResult<Py<PyAny>> {
    let class = S::python_class(py)?;
    Ok(py
        .import("dspy")?
        .getattr(module)?
        .call1((class,))?
        .unbind())
}

/// `dspy.Predict` over the signature `S`.
pub struct Predict<S: Signature> {
    pub(crate) module: Py<PyAny>,
    _sig: PhantomData<fn() -> S>,
}

impl<S: Signature> Predict<S> {
    /// Imports (or rebuilds) the Python signature and wraps it in `dspy.Predict`.
    pub fn new(py: Python<'_>) -> PyResult<Self> {
        Ok(Self {
            module: build::<S>(py, "Predict")?,
            _sig: PhantomData,
        })
    }

    /// The underlying `dspy.Predict` object.
    pub fn as_py(&self) -> &Py<PyAny> {
        &self.module
    }

    /// Calls DSPy with typed inputs and reads typed outputs back.
    pub fn call(&self, py: Python<'_>, input: &S::Input) -> Result<Prediction<S>, PredictError> {
        let (raw, output) = invoke::<S>(self.module.bind(py), input)?;
        Ok(Prediction {
            output,
            raw: raw.unbind(),
            _sig: PhantomData,
        })
    }

    /// Calls DSPy once per input on DSPy's own threads (`dspy.Parallel`, `num_threads` at a
    /// time): the results in input order, one per input. One input's error is its result alone:
    /// `Parallel` stops a run after `max_errors` failures, so it is given one more than there are
    /// inputs. The blocking counterpart of `aio`'s `batch`, for a program without an async runtime.
    pub fn batch_threads(
        &self,
        py: Python<'_>,
        inputs: &[S::Input],
        num_threads: usize,
    ) -> Vec<Result<Prediction<S>, PredictError>> {
        batch_threads::<S>(self.module.bind(py), inputs, num_threads)
    }

    /// Sets the few-shot demos DSPy puts in the prompt.
    pub fn set_demos(&self, py: Python<'_>, demos: &[Example<S>]) -> PyResult<()> {
        let list = PyList::empty(py);
        for demo in demos {
            list.append(demo.to_py(py)?)?;
        }
        self.module.bind(py).setattr(intern!(py, "demos"), list)
    }

    /// Loads a state saved by `predict.save(path)` in Python (an optimized program's
    /// instructions and demos), so Rust runs what the optimizer found.
    pub fn load(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        self.module
            .bind(py)
            .call_method1(intern!(py, "load"), (path,))?;
        Ok(())
    }

    /// Loads one predictor's entry of a saved program's state (`program.save(path)` writes
    /// one entry per named predictor, e.g. `"generate_answer.predict"`).
    pub fn load_state(&self, state: &Bound<'_, PyAny>) -> PyResult<()> {
        self.module
            .bind(state.py())
            .call_method1(intern!(state.py(), "load_state"), (state,))?;
        Ok(())
    }
}

/// `dspy.ChainOfThought` over the signature `S`: the LM reasons before it answers.
pub struct ChainOfThought<S: Signature> {
    pub(crate) module: Py<PyAny>,
    _sig: PhantomData<fn() -> S>,
}

impl<S: Signature> ChainOfThought<S> {
    /// Imports (or rebuilds) the Python signature and wraps it in `dspy.ChainOfThought`.
    pub fn new(py: Python<'_>) -> PyResult<Self> {
        Ok(Self {
            module: build::<S>(py, "ChainOfThought")?,
            _sig: PhantomData,
        })
    }

    /// The underlying `dspy.ChainOfThought` object.
    pub fn as_py(&self) -> &Py<PyAny> {
        &self.module
    }

    /// Calls DSPy; the result derefs to `S::Output` and carries the `reasoning`.
    pub fn call(&self, py: Python<'_>, input: &S::Input) -> Result<Reasoned<S>, PredictError> {
        let (raw, output) = invoke::<S>(self.module.bind(py), input)?;
        Reasoned::read(&raw, output)
    }
}

/// A typed DSPy module over `S`, which `BestOfN` can wrap. Wrapping keeps the
/// signature: a `BestOfN<A>` can only be built from a module over `A`.
pub trait Module<S: Signature> {
    /// The Python module object.
    fn py_module(&self) -> &Py<PyAny>;
}

impl<S: Signature> Module<S> for Predict<S> {
    fn py_module(&self) -> &Py<PyAny> {
        &self.module
    }
}

impl<S: Signature> Module<S> for ChainOfThought<S> {
    fn py_module(&self) -> &Py<PyAny> {
        &self.module
    }
}

/// `reward` as the Python callable DSPy's `reward_fn(args, prediction)` expects: it reads
/// the prediction as `S::Output`, so the reward is written against typed outputs. An
/// attempt whose outputs do not fit the Rust types raises, and DSPy counts it as failed.
fn reward_fn<S, F>(py: Python<'_>, reward: F) -> PyResult<Bound<'_, PyCFunction>>
where
    S: Signature,
    F: Fn(&S::Output) -> f64 + Send + Sync + 'static,
{
    PyCFunction::new_closure(
        py,
        Some(c"reward"),
        None,
        move |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| -> PyResult<f64> {
            Ok(reward(&S::Output::from_prediction(&args.get_item(1)?)?))
        },
    )
}

/// `dspy.BestOfN` around a typed module: runs it up to `n` times (at temperature 1.0) and
/// keeps the first prediction whose outputs `reward` scores at least `threshold`, else the
/// best one.
pub struct BestOfN<S: Signature> {
    module: Py<PyAny>,
    _sig: PhantomData<fn() -> S>,
}

impl<S: Signature> BestOfN<S> {
    /// Wraps `module`: up to `n` runs, keeping the first whose outputs `reward` scores at
    /// least `threshold`.
    pub fn new<M, F>(
        py: Python<'_>,
        module: &M,
        n: usize,
        threshold: f64,
        reward: F,
    ) -> PyResult<Self>
    where
        M: Module<S>,
        F: Fn(&S::Output) -> f64 + Send + Sync + 'static,
    {
        let kwargs = PyDict::new(py);
        kwargs.set_item("module", module.py_module().bind(py))?;
        kwargs.set_item("N", n)?;
        kwargs.set_item("reward_fn", reward_fn::<S, F>(py, reward)?)?;
        kwargs.set_item("threshold", threshold)?;
        let module = py
            .import("dspy")?
            .getattr("BestOfN")?
            .call((), Some(&kwargs))?;
        Ok(Self {
            module: module.unbind(),
            _sig: PhantomData,
        })
    }

    /// The underlying `dspy.BestOfN` object.
    pub fn as_py(&self) -> &Py<PyAny> {
        &self.module
    }

    /// Calls DSPy with typed inputs; the best attempt's outputs come back.
    pub fn call(&self, py: Python<'_>, input: &S::Input) -> Result<Prediction<S>, PredictError> {
        let (raw, output) = invoke::<S>(self.module.bind(py), input)?;
        Ok(Prediction {
            output,
            raw: raw.unbind(),
            _sig: PhantomData,
        })
    }
}

/// `dspy.ReAct` over `S`: the LM calls `tools` (Python callables or `dspy.Tool`s, or Rust
/// closures as [`Tool`]s) in a loop of at most `max_iters` steps, then answers with `S`'s outputs.
pub struct ReAct<S: Signature> {
    pub(crate) module: Py<PyAny>,
    _sig: PhantomData<fn() -> S>,
}

impl<S: Signature> ReAct<S> {
    /// Imports (or rebuilds) the Python signature and wraps it in `dspy.ReAct` with `tools`.
    pub fn new(py: Python<'_>, tools: &[Bound<'_, PyAny>], max_iters: usize) -> PyResult<Self> {
        Self::build(py, PyList::new(py, tools)?, max_iters)
    }

    /// Wraps the signature in `dspy.ReAct` with tools written in Rust ([`Tool`]): each is an
    /// ordinary `dspy.Tool` to DSPy, whose arguments reach the closure as its typed struct.
    pub fn with_tools(
        py: Python<'_>,
        tools: impl IntoIterator<Item = Tool>,
        max_iters: usize,
    ) -> PyResult<Self> {
        let list = PyList::empty(py);
        for tool in tools {
            list.append(tool.as_py().bind(py))?;
        }
        Self::build(py, list, max_iters)
    }

    fn build(py: Python<'_>, tools: Bound<'_, PyList>, max_iters: usize) -> PyResult<Self> {
        let class = S::python_class(py)?;
        let module = py
            .import("dspy")?
            .getattr("ReAct")?
            .call1((class, tools, max_iters))?;
        Ok(Self {
            module: module.unbind(),
            _sig: PhantomData,
        })
    }

    /// The underlying `dspy.ReAct` object.
    pub fn as_py(&self) -> &Py<PyAny> {
        &self.module
    }

    /// Calls DSPy; the result derefs to `S::Output` and carries the steps the agent took.
    pub fn call(&self, py: Python<'_>, input: &S::Input) -> Result<Acted<S>, PredictError> {
        let (raw, output) = invoke::<S>(self.module.bind(py), input)?;
        Acted::read(&raw, output)
    }
}

/// One step of a ReAct trajectory: what the LM thought, the tool it called and what came back.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What the LM thought before it chose the tool.
    pub thought: String,
    /// The tool it called (`finish` to answer).
    pub tool_name: String,
    /// The arguments it gave the tool, as JSON.
    pub tool_args: serde_json::Value,
    /// The tool's result as DSPy showed it to the LM (`str()` of it; an error message if it raised).
    pub observation: String,
}

/// The steps of `prediction.trajectory`, a dict DSPy fills with `thought_0`, `tool_name_0`,
/// `tool_args_0`, `observation_0`, `thought_1`, ...
fn steps(prediction: &Bound<'_, PyAny>) -> PyResult<Vec<Step>> {
    let py = prediction.py();
    let trajectory = prediction.getattr(intern!(py, "trajectory"))?;
    let mut steps = Vec::new();
    for i in 0.. {
        let Some(thought) = trajectory.get_item(format!("thought_{i}")).ok() else {
            break;
        };
        let observation = match trajectory.get_item(format!("observation_{i}")) {
            Ok(value) => value.str()?.to_string(),
            Err(_) => String::new(), // the LM chose a tool that does not exist: DSPy stopped here
        };
        steps.push(Step {
            thought: thought.extract()?,
            tool_name: trajectory.get_item(format!("tool_name_{i}"))?.extract()?,
            tool_args: json_value(&trajectory.get_item(format!("tool_args_{i}"))?)?,
            observation,
        });
    }
    Ok(steps)
}

/// A JSON-able Python value (the arguments the LM gave a tool) as a `serde_json::Value`.
fn json_value(obj: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    let json = obj
        .py()
        .import("pydantic_core")?
        .getattr("to_json")?
        .call1((obj,))?;
    serde_json::from_slice(json.cast::<PyBytes>()?.as_bytes())
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// A ReAct prediction: `S`'s outputs and the steps taken to reach them.
pub struct Acted<S: Signature> {
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The outputs and the `dspy.Prediction`.
    pub prediction: Prediction<S>,
}

impl<S: Signature> Acted<S> {
    /// The steps of `raw`, a `dspy.Prediction` of ReAct whose outputs were read as `output`.
    pub(crate) fn read(raw: &Bound<'_, PyAny>, output: S::Output) -> Result<Self, PredictError> {
        let steps = steps(raw).map_err(PredictError::Conversion)?;
        Ok(Self {
            steps,
            prediction: Prediction::new(raw, output),
        })
    }
}

impl<S: Signature> Deref for Acted<S> {
    type Target = S::Output;
    fn deref(&self) -> &S::Output {
        &self.prediction
    }
}

/// The typed outputs of one call, with the `dspy.Prediction` they came from.
pub struct Prediction<S: Signature> {
    output: S::Output,
    raw: Py<PyAny>,
    _sig: PhantomData<fn() -> S>,
}

impl<S: Signature> Prediction<S> {
    pub(crate) fn new(raw: &Bound<'_, PyAny>, output: S::Output) -> Self {
        Self {
            output,
            raw: raw.clone().unbind(),
            _sig: PhantomData,
        }
    }

    /// The LM usage DSPy tracked for this call, by model: filled when the call ran with DSPy's
    /// `track_usage` setting on (`prediction.get_lm_usage()`), else empty.
    pub fn usage(&self, py: Python<'_>) -> PyResult<Usage> {
        Usage::of(self.raw.bind(py))
    }

    /// The outputs, without the `dspy.Prediction`.
    pub fn into_output(self) -> S::Output {
        self.output
    }

    /// The `dspy.Prediction` itself (for usage data, completions, ...).
    pub fn raw(&self) -> &Py<PyAny> {
        &self.raw
    }
}

impl<S: Signature> Deref for Prediction<S> {
    type Target = S::Output;
    fn deref(&self) -> &S::Output {
        &self.output
    }
}

/// A chain-of-thought prediction: `S`'s outputs and the reasoning that led to them.
pub struct Reasoned<S: Signature> {
    /// A `str` in DSPy 3.x: `dspy.ChainOfThought` prepends `reasoning` with its default
    /// `rationale_field_type=str`, not `dspy.Reasoning` (checked in tests/unit/test_dspy_types.py).
    pub reasoning: String,
    /// The outputs and the `dspy.Prediction`.
    pub prediction: Prediction<S>,
}

impl<S: Signature> Reasoned<S> {
    /// The reasoning of `raw`, a `dspy.Prediction` whose outputs were read as `output`.
    pub(crate) fn read(raw: &Bound<'_, PyAny>, output: S::Output) -> Result<Self, PredictError> {
        let reasoning = raw
            .getattr(intern!(raw.py(), "reasoning"))
            .and_then(|r| r.extract::<String>())
            .map_err(PredictError::Conversion)?;
        Ok(Self {
            reasoning,
            prediction: Prediction::new(raw, output),
        })
    }
}

impl<S: Signature> Deref for Reasoned<S> {
    type Target = S::Output;
    fn deref(&self) -> &S::Output {
        &self.prediction
    }
}

/// A typed demo for `S`: inputs and the outputs the LM should give for them.
pub struct Example<S: Signature> {
    /// The demo's inputs.
    pub input: S::Input,
    /// The outputs the LM should give for them.
    pub output: S::Output,
}

impl<S: Signature> Example<S> {
    /// A demo of `input` and `output`.
    pub fn new(input: S::Input, output: S::Output) -> Self {
        Self { input, output }
    }

    /// A `dspy.Example` with `S`'s input fields marked as inputs.
    pub fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let data = self.input.to_kwargs(py)?;
        data.update(self.output.to_kwargs(py)?.as_mapping())?;
        let example = py
            .import("dspy")?
            .getattr("Example")?
            .call((), Some(&data))?;
        let names: Vec<&str> = S::input_fields().map(|f| f.name).collect();
        let names = PyTuple::new(py, names)?;
        example.call_method1(intern!(py, "with_inputs"), names)
    }
}
