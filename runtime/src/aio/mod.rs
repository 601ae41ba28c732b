//! DSPy from async Rust (feature `async`): [`Predict::acall`], [`ChainOfThought::acall`],
//! their `batch` and their `stream` (typed events as the LM writes, over `dspy.streamify`:
//! [`StreamEvent`]), awaited on tokio (current-thread or multi-thread), while DSPy's own `acall`
//! runs as an asyncio task.
//!
//! ```ignore
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let qa = pyo3::Python::attach(Predict::<QA>::new)?;
//!     let answer = qa.acall(&QAInput { question: "Why?".into() }).await?;
//!     println!("{}", answer.answer);
//!     Ok(())
//! }
//! ```
//!
//! - **The loop.** The first call starts one asyncio loop, for the whole process, on a Python
//!   thread of its own (`loop.run_forever()`); [`shutdown`], or the interpreter's exit, cancels
//!   what still runs there and closes it. A call made where a Python loop already runs (an
//!   extension module's future handed to Python by
//!   `pyo3_async_runtimes::tokio::future_into_py`, or a thread running a loop) uses that loop.
//! - **Waiting holds no GIL**: the future waits on a channel that the task's done-callback
//!   completes. The GIL is taken only to hand the call over; the outputs are read in the
//!   done-callback, on the loop's thread, which holds it already.
//! - **Dropping the future cancels the Python task**; a timeout ([`CallOptions::timeout`])
//!   cancels it too and gives [`PredictError::Timeout`].
//! - **Settings**: [`Settings::scope_future`] applies settings to the calls its future makes:
//!   each call enters `dspy.context(**settings)` inside its own task, whose contextvars are a
//!   copy, so the settings end with it and never reach another call. A spawned task is polled
//!   outside the scope: give it the settings value (a clone) and scope it again.
//!
//! Why pyo3-async-runtimes (0.29, the release made for pyo3 0.29): its tokio half finds the loop
//! (and the contextvars) of an extension module's caller (`get_current_locals`), and its
//! `future_into_py` hands a Rust future to Python. The other way, it leaves out what is added
//! here: its `run`/`run_until_complete` want the program's main thread for the loop, which a
//! `#[tokio::main]` program has given to tokio (so the loop gets a thread of its own, the design
//! its maintainers suggest in PyO3/pyo3-async-runtimes#81); dropping its future does not cancel
//! the Python task (cancellation is wired from Python to Rust only, awestlake87/pyo3-asyncio#47),
//! so a guard here cancels it; and its `into_future_with_locals` (`call_soon_threadsafe` onto the
//! loop, a oneshot completed by the task's done-callback) sends the raw result, which the woken
//! future must then take the GIL to read, often while the loop's thread still holds it: here the
//! done-callback reads it (`hand_over`).
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyDict, PyModule, PyTuple};
use pyo3_async_runtimes::TaskLocals;

use crate::modules::{
    failed, Acted, ChainOfThought, Predict, PredictError, Prediction, ReAct, Reasoned,
};
use crate::signature::{Signature, SignatureInput, SignatureOutput};
use crate::{Lm, Settings};

mod python;
mod stream;

/// `next()` and the other combinators on an [`EventStream`], re-exported so that a program
/// reads a stream without depending on futures-util itself.
pub use futures_util::StreamExt;
pub use stream::{CompletedField, EventStream, StreamEvent, REASONING};

/// How one async call runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// How long the call may take, from when it is handed to the loop; past it DSPy's task is
    /// cancelled and the call fails with [`PredictError::Timeout`]. `None`: no limit.
    pub timeout: Option<Duration>,
}

/// How a batch runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchOptions {
    /// How many calls run at once (at least 1).
    pub concurrency: usize,
    /// The timeout of each call (see [`CallOptions::timeout`]).
    pub timeout: Option<Duration>,
}

impl Default for BatchOptions {
    /// 16 calls at once, no timeout.
    fn default() -> Self {
        Self {
            concurrency: 16,
            timeout: None,
        }
    }
}

static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
static RUNNER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The Python half of this module, loaded once per process.
pub(crate) fn helpers(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    MODULE
        .get_or_try_init(py, || {
            PyModule::from_code(py, python::CODE, python::FILE, python::NAME).map(Bound::unbind)
        })
        .map(|module| module.bind(py))
}

/// The loop this crate owns, started on first use.
fn owned_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let runner = RUNNER.get_or_try_init(py, || {
        helpers(py)?.getattr("Runner")?.call0().map(Bound::unbind)
    })?;
    runner.bind(py).getattr(intern!(py, "loop"))
}

/// Where a call runs: the loop of the Python code that awaits this Rust code, if any (with a
/// copy of its contextvars, so its `dspy.context` applies, as it would to a Python callee);
/// else the loop this crate owns.
fn task_locals(py: Python<'_>) -> PyResult<TaskLocals> {
    match pyo3_async_runtimes::tokio::get_current_locals(py) {
        Ok(locals) => Ok(locals),
        Err(_) => Ok(TaskLocals::new(owned_loop(py)?)),
    }
}

/// Stops the loop this crate owns, for good: cancels the calls still running on it, waits for
/// them, and closes it. Later calls fail ([`PredictError::Lm`]). Python's exit does the same
/// where Python finalizes (an extension module's host); an embedded interpreter is never
/// finalized, so a program that wants its pending calls cancelled cleanly calls this before
/// it returns. Blocks until the loop stopped; call it outside the loop's own thread.
pub fn shutdown() -> PyResult<()> {
    Python::attach(|py| match RUNNER.get(py) {
        Some(runner) => runner.bind(py).call_method0("close").map(drop),
        None => Ok(()),
    })
}

thread_local! {
    /// The settings of the [`Scoped`] futures being polled on this thread, outermost first.
    static SCOPES: RefCell<Vec<Arc<Settings>>> = const { RefCell::new(Vec::new()) };
}

/// A future with DSPy settings for the calls it makes: [`Settings::scope_future`].
pub struct Scoped<F> {
    settings: Arc<Settings>,
    future: Pin<Box<F>>,
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        SCOPES.with(|scopes| scopes.borrow_mut().push(this.settings.clone()));
        // Popped however the poll ends, a panic included.
        struct Pop;
        impl Drop for Pop {
            fn drop(&mut self) {
                SCOPES.with(|scopes| scopes.borrow_mut().pop());
            }
        }
        let _pop = Pop;
        this.future.as_mut().poll(cx)
    }
}

impl Settings {
    /// `future` with these settings for every async call it makes while it is polled (nested
    /// scopes override the outer ones key by key, as nested `dspy.context`s do). A call reads
    /// them when it is first polled, so `scope_future(predict.acall(&input))` applies them too.
    pub fn scope_future<F: Future>(&self, future: F) -> Scoped<F> {
        Scoped {
            settings: Arc::new(self.clone()),
            future: Box::pin(future),
        }
    }
}

/// The settings of the scopes being polled, merged.
pub(crate) fn scoped_settings(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let merged = PyDict::new(py);
    SCOPES.with(|scopes| -> PyResult<()> {
        for settings in scopes.borrow().iter() {
            merged.update(settings.0.bind(py).as_mapping())?;
        }
        Ok(())
    })?;
    Ok(merged)
}

/// Nanoseconds this module's tasks waited to take the GIL, since the process started.
static GIL_WAIT: AtomicU64 = AtomicU64::new(0);

/// `Python::attach`, adding the wait for the GIL to `gil_wait`.
pub(crate) fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> R {
    let asked = Instant::now();
    Python::attach(|py| {
        let waited = u64::try_from(asked.elapsed().as_nanos()).unwrap_or(u64::MAX);
        GIL_WAIT.fetch_add(waited, Ordering::Relaxed);
        f(py)
    })
}

/// How long the tasks of `acall`, `batch` and `stream` have waited, in all, to take the GIL
/// since the process started: what the Python work of DSPy and of other threads (the asyncio
/// loop's among them) costs the Rust side. Read it before and after a run for the run's share.
pub fn gil_wait() -> Duration {
    Duration::from_nanos(GIL_WAIT.load(Ordering::Relaxed))
}

/// A call's Python arguments, made when its future is made (the input is borrowed only then).
pub(crate) struct Pending {
    module: Py<PyAny>,
    kwargs: Py<PyDict>,
}

pub(crate) fn pending<S: Signature>(
    module: &Py<PyAny>,
    input: &S::Input,
) -> Result<Pending, PredictError> {
    attach(|py| {
        Ok(Pending {
            module: module.clone_ref(py),
            kwargs: input
                .to_kwargs(py)
                .map_err(PredictError::Conversion)?
                .unbind(),
        })
    })
}

/// The Python side of a call in flight: cancels its task if the Rust future is dropped first.
pub(crate) struct Call {
    call: Option<Py<PyAny>>,
    event_loop: Py<PyAny>,
}

impl Call {
    pub(crate) fn finished(mut self) {
        self.call = None;
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        let Some(call) = self.call.take() else {
            return;
        };
        attach(|py| {
            // A closed loop refuses the callback: it has cancelled every task it had already.
            let _ = call.bind(py).getattr(intern!(py, "drop")).and_then(|drop| {
                self.event_loop
                    .bind(py)
                    .call_method1(intern!(py, "call_soon_threadsafe"), (drop,))
            });
        });
    }
}

/// Hands the call to its loop as a task running `run(call, module, kwargs, settings, timeout)`,
/// whose prediction `read` reads on the loop's thread.
fn submit<T: Send + 'static>(
    py: Python<'_>,
    pending: Pending,
    options: CallOptions,
    read: fn(&Bound<'_, PyAny>) -> Result<T, PredictError>,
) -> PyResult<(
    impl Future<Output = Option<Result<T, PredictError>>> + Send + 'static,
    Call,
)> {
    let timeout = options.timeout.map(|t| t.as_secs_f64());
    let call = new_call(py)?;
    let coroutine = helpers(py)?.getattr(intern!(py, "run"))?.call1((
        &call,
        pending.module.bind(py),
        pending.kwargs.bind(py),
        scoped_settings(py)?,
        timeout,
    ))?;
    hand_over(py, call, coroutine, move |task| {
        let py = task.py();
        match task.call_method0(intern!(py, "result")) {
            Ok(raw) => read(&raw),
            Err(err) => {
                let deadline = helpers(py)
                    .and_then(|m| m.getattr(intern!(py, "Deadline")))
                    .is_ok_and(|class| err.matches(py, class).unwrap_or(false));
                Err(if deadline {
                    PredictError::Timeout(err)
                } else {
                    failed(py, err)
                })
            }
        }
    })
}

/// The Python side of a new call (its task, and what ended it early).
pub(crate) fn new_call(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    helpers(py)?.getattr(intern!(py, "Call"))?.call0()
}

/// Hands `coroutine`, a coroutine of the helpers' that gives its task to `call`, to the loop
/// of this call as a task; when the task ends, `finish` reads it there, on the loop's thread.
/// That thread holds the GIL already, so the Rust future receives a finished value and never
/// waits for the GIL itself: waking from the task's end straight into a wait for the GIL the
/// loop's thread still holds cost a GIL hand-off per call. The future gives `None` if the task
/// never finished (its loop closed under it).
pub(crate) fn hand_over<'py, T: Send + 'static>(
    py: Python<'py>,
    call: Bound<'py, PyAny>,
    coroutine: Bound<'py, PyAny>,
    finish: impl FnOnce(&Bound<'_, PyAny>) -> T + Send + 'static,
) -> PyResult<(impl Future<Output = Option<T>> + Send + 'static, Call)> {
    let locals = task_locals(py)?;
    let (sender, receiver) = futures_channel::oneshot::channel();
    let finish = Mutex::new(Some(move |task: &Bound<'_, PyAny>| {
        // The Rust future may be gone (dropped, its task cancelled): nothing waits.
        let _ = sender.send(finish(task));
    }));
    let done = PyCFunction::new_closure(
        py,
        Some(c"done"),
        None,
        move |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| -> PyResult<()> {
            let finish = finish.lock().ok().and_then(|mut finish| finish.take());
            if let Some(finish) = finish {
                finish(&args.get_item(0)?);
            }
            Ok(())
        },
    )?;
    let event_loop = locals.event_loop(py);
    let context = PyDict::new(py);
    context.set_item(intern!(py, "context"), locals.context(py))?;
    let started = helpers(py)?
        .getattr(intern!(py, "start"))
        .and_then(|start| {
            event_loop.call_method(
                intern!(py, "call_soon_threadsafe"),
                (start, &coroutine, done),
                Some(&context),
            )
        });
    if let Err(err) = started {
        // Never awaited: close it, or Python warns about it.
        let _ = coroutine.call_method0(intern!(py, "close"));
        return Err(err);
    }
    let call = Call {
        call: Some(call.unbind()),
        event_loop: event_loop.unbind(),
    };
    Ok((async move { receiver.await.ok() }, call))
}

/// The error of a call whose task never finished: asyncio's `CancelledError`.
pub(crate) fn never_finished(py: Python<'_>) -> PyErr {
    match py
        .import(intern!(py, "asyncio"))
        .and_then(|asyncio| asyncio.getattr(intern!(py, "CancelledError")))
        .and_then(|class| class.call0())
    {
        Ok(error) => PyErr::from_value(error),
        Err(err) => err,
    }
}

/// Runs one call: hands it over on first poll (when the scoped settings are read), and waits
/// without the GIL for the prediction `read` reads on the loop's thread.
async fn run<T: Send + 'static>(
    pending: Result<Pending, PredictError>,
    options: CallOptions,
    read: fn(&Bound<'_, PyAny>) -> Result<T, PredictError>,
) -> Result<T, PredictError> {
    let (future, call) =
        attach(|py| submit(py, pending?, options, read).map_err(|e| failed(py, e)))?;
    let result = future.await;
    call.finished();
    match result {
        Some(result) => result,
        None => attach(|py| Err(failed(py, never_finished(py)))),
    }
}

pub(crate) fn read_prediction<S: Signature>(
    raw: &Bound<'_, PyAny>,
) -> Result<Prediction<S>, PredictError> {
    let output = S::Output::from_prediction(raw).map_err(PredictError::Conversion)?;
    Ok(Prediction::new(raw, output))
}

pub(crate) fn read_reasoned<S: Signature>(
    raw: &Bound<'_, PyAny>,
) -> Result<Reasoned<S>, PredictError> {
    let output = S::Output::from_prediction(raw).map_err(PredictError::Conversion)?;
    Reasoned::read(raw, output)
}

/// The calls of a batch, `concurrency` at a time, their results in input order.
fn batch<S: Signature, T>(
    module: &Py<PyAny>,
    inputs: &[S::Input],
    options: BatchOptions,
    read: fn(&Bound<'_, PyAny>) -> Result<T, PredictError>,
) -> impl Future<Output = Vec<Result<T, PredictError>>> + Send + 'static
where
    T: Send + 'static,
{
    let call = CallOptions {
        timeout: options.timeout,
    };
    let calls: Vec<_> = inputs
        .iter()
        .map(|input| run(pending::<S>(module, input), call, read))
        .collect();
    // `buffered` (not `buffer_unordered`) yields in input order; an item's error is its own.
    futures_util::stream::iter(calls)
        .buffered(options.concurrency.max(1))
        .collect()
}

pub(crate) fn read_acted<S: Signature>(raw: &Bound<'_, PyAny>) -> Result<Acted<S>, PredictError> {
    let output = S::Output::from_prediction(raw).map_err(PredictError::Conversion)?;
    Acted::read(raw, output)
}

impl<S: Signature> ReAct<S> {
    /// Calls DSPy's `acall` with typed inputs, on an asyncio loop (see [`crate::aio`]): DSPy
    /// awaits each tool's `acall`, so async Rust tools ([`Tool::new_async`](crate::Tool::new_async))
    /// run here (sync tools too). The result carries the steps, as [`ReAct::call`]'s does.
    pub fn acall(
        &self,
        input: &S::Input,
    ) -> impl Future<Output = Result<Acted<S>, PredictError>> + Send + 'static {
        self.acall_with(input, CallOptions::default())
    }

    /// [`ReAct::acall`] with options (a timeout).
    pub fn acall_with(
        &self,
        input: &S::Input,
        options: CallOptions,
    ) -> impl Future<Output = Result<Acted<S>, PredictError>> + Send + 'static {
        run(pending::<S>(&self.module, input), options, read_acted::<S>)
    }
}

impl<S: Signature> Predict<S> {
    /// Calls DSPy's `acall` with typed inputs, on an asyncio loop (see [`crate::aio`]).
    pub fn acall(
        &self,
        input: &S::Input,
    ) -> impl Future<Output = Result<Prediction<S>, PredictError>> + Send + 'static {
        self.acall_with(input, CallOptions::default())
    }

    /// [`Predict::acall`] with options (a timeout).
    pub fn acall_with(
        &self,
        input: &S::Input,
        options: CallOptions,
    ) -> impl Future<Output = Result<Prediction<S>, PredictError>> + Send + 'static {
        run(
            pending::<S>(&self.module, input),
            options,
            read_prediction::<S>,
        )
    }

    /// `acall` on each input, `options.concurrency` at a time: the results in input order,
    /// each its own (one call's error does not stop the others).
    pub fn batch(
        &self,
        inputs: &[S::Input],
        options: BatchOptions,
    ) -> impl Future<Output = Vec<Result<Prediction<S>, PredictError>>> + Send + 'static {
        batch::<S, _>(&self.module, inputs, options, read_prediction::<S>)
    }
}

impl<S: Signature> ChainOfThought<S> {
    /// Calls DSPy's `acall` with typed inputs, on an asyncio loop (see [`crate::aio`]); the
    /// result carries the reasoning, as [`ChainOfThought::call`]'s does.
    pub fn acall(
        &self,
        input: &S::Input,
    ) -> impl Future<Output = Result<Reasoned<S>, PredictError>> + Send + 'static {
        self.acall_with(input, CallOptions::default())
    }

    /// [`ChainOfThought::acall`] with options (a timeout).
    pub fn acall_with(
        &self,
        input: &S::Input,
        options: CallOptions,
    ) -> impl Future<Output = Result<Reasoned<S>, PredictError>> + Send + 'static {
        run(
            pending::<S>(&self.module, input),
            options,
            read_reasoned::<S>,
        )
    }

    /// `acall` on each input, `options.concurrency` at a time, the results in input order.
    pub fn batch(
        &self,
        inputs: &[S::Input],
        options: BatchOptions,
    ) -> impl Future<Output = Vec<Result<Reasoned<S>, PredictError>>> + Send + 'static {
        batch::<S, _>(&self.module, inputs, options, read_reasoned::<S>)
    }
}

impl Lm {
    /// A test LM (`dspy.LM` over a custom engine, DSPy's interface for one) that answers each
    /// call, after `latency` (an `asyncio.sleep` when DSPy awaits it), with the typed outputs
    /// `answer` computes from the prompt (the text of the last message), written in the format
    /// of the adapter DSPy calls it with (the ChatAdapter's `[[ ## field ## ]]` sections, or the
    /// JSONAdapter's object). An `Err` is the LM failing. Each call reports usage: the prompt's
    /// and the completion's whitespace-separated words as tokens. Its engine (`lm.engine`)
    /// counts the calls `started`, `finished` and `cancelled`, and the most awaited at once
    /// (`peak`). Streamed ([`Predict::stream`]), the answer arrives in chunks at once after the
    /// latency; [`Lm::streaming`] spaces them.
    pub fn answering<S, F>(
        py: Python<'_>,
        model: &str,
        latency: Duration,
        answer: F,
    ) -> PyResult<Self>
    where
        S: Signature,
        F: Fn(&str) -> Result<S::Output, String> + Send + Sync + 'static,
    {
        Self::streaming::<S, F>(py, model, latency, Duration::ZERO, answer)
    }

    /// [`Lm::answering`] whose streamed answers arrive as an LM's do: one text chunk per token
    /// (a word with the whitespace before it; each piece of a `[[ ## field ## ]]` marker apart),
    /// the first after `latency`, each next one `chunk_latency` later (`asyncio.sleep`s), as
    /// the lm15 stream events (start, text deltas, end with usage) `dspy.LM` reads from a
    /// custom engine's `stream`. The engine counts the `chunks` it streamed too.
    pub fn streaming<S, F>(
        py: Python<'_>,
        model: &str,
        latency: Duration,
        chunk_latency: Duration,
        answer: F,
    ) -> PyResult<Self>
    where
        S: Signature,
        F: Fn(&str) -> Result<S::Output, String> + Send + Sync + 'static,
    {
        let respond = PyCFunction::new_closure(
            py,
            Some(c"answer"),
            None,
            move |args: &Bound<'_, PyTuple>,
                  _kwargs: Option<&Bound<'_, PyDict>>|
                  -> PyResult<Py<PyDict>> {
                let prompt: String = args.get_item(0)?.extract()?;
                let output = answer(&prompt).map_err(pyo3::exceptions::PyRuntimeError::new_err)?;
                Ok(output.to_kwargs(args.py())?.unbind())
            },
        )?;
        let lm = helpers(py)?.getattr("answering_lm")?.call1((
            model,
            respond,
            latency.as_secs_f64(),
            chunk_latency.as_secs_f64(),
        ))?;
        Ok(Lm::from_object(lm))
    }
}
