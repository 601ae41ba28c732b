//! Streamed calls (feature `async`): [`Predict::stream`] and [`ChainOfThought::stream`] yield
//! an output field's text as the LM writes it, each field's value once complete, then the
//! prediction, over DSPy's `dspy.streamify` and its stream listeners.
//!
//! The call runs as an asyncio task, as `acall` does (same loop, same scoped settings, read at
//! the first poll; dropping the stream cancels the task). The task pushes its events into an
//! unbounded channel from the loop's thread, holding the GIL it has anyway; the stream takes
//! them without the GIL. Unbounded: an LM writes far slower than a consumer reads, and a bound
//! would have to block the loop's thread, and with it every other call.
//!
//! The field events come in the order the LM writes the fields; each field is reported
//! complete once, before the prediction (a field DSPy's listeners never saw end, e.g. an
//! answer served whole, is reported from the prediction). How the text of each adapter is
//! followed is in the Python half (`Streamer` in `python.rs`).
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_channel::mpsc;
use futures_util::{Stream, StreamExt};
use pyo3::conversion::FromPyObjectOwned;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple};

use super::{
    hand_over, helpers, never_finished, new_call, pending, read_prediction, read_reasoned,
    scoped_settings, Call, Pending,
};
use crate::modules::{failed, ChainOfThought, Predict, PredictError, Prediction, Reasoned};
use crate::signature::Signature;

/// The name of the field `dspy.ChainOfThought` prepends to the outputs; its chunks and value
/// come first in a chain-of-thought stream.
pub const REASONING: &str = "reasoning";

/// One event of a streamed call, in the order the LM writes it; `P` is what the call returns
/// ([`Prediction<S>`] for `Predict`, [`Reasoned<S>`] for `ChainOfThought`).
pub enum StreamEvent<P> {
    /// Text of a `str` output field (or of the `reasoning`), as it arrived: the field's chunks
    /// joined are its value. Fields of other types send no chunks, only their value.
    Chunk {
        /// The field's name (one of `S::FIELDS`, or [`REASONING`]).
        field: &'static str,
        /// The text.
        text: String,
    },
    /// An output field complete, with the value DSPy parsed from its text.
    Field(CompletedField),
    /// The call's result, the last event.
    Done(P),
}

impl<P> std::fmt::Debug for StreamEvent<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Chunk { field, text } => f
                .debug_struct("Chunk")
                .field("field", field)
                .field("text", text)
                .finish(),
            Self::Field(field) => f.debug_tuple("Field").field(&field.name).finish(),
            Self::Done(_) => f.write_str("Done"),
        }
    }
}

/// A completed output field: its name and the Python value DSPy parsed (the value the
/// prediction's attribute will hold), read as the field's Rust type with [`extract`].
///
/// [`extract`]: CompletedField::extract
pub struct CompletedField {
    /// The field's name (one of `S::FIELDS`, or [`REASONING`]).
    pub name: &'static str,
    value: Py<PyAny>,
}

impl CompletedField {
    /// The value as `T`, converted as `S::Output` converts that field (`String`, `i64`, a
    /// generated model or enum, `Vec<_>`, ...).
    pub fn extract<T>(&self) -> PyResult<T>
    where
        T: for<'py> FromPyObjectOwned<'py>,
    {
        Python::attach(|py| self.value.bind(py).extract::<T>().map_err(Into::into))
    }

    /// The Python value.
    pub fn value(&self) -> &Py<PyAny> {
        &self.value
    }
}

/// An event before the result, as the Python task hands it over.
type Partial = Result<Event, PyErr>;

enum Event {
    Chunk(&'static str, String),
    Field(CompletedField),
}

/// A streamed call's events: the [`Stream`] [`Predict::stream`] and
/// [`ChainOfThought::stream`] return. Dropping it cancels DSPy's task.
pub struct EventStream<P> {
    state: State<P>,
    read: fn(&Bound<'_, PyAny>) -> Result<P, PredictError>,
    names: Vec<&'static str>,
}

/// The task's result, taken on the loop's thread (`None`: the task never finished).
type Finish = Pin<Box<dyn Future<Output = Option<PyResult<Py<PyAny>>>> + Send>>;

enum State<P> {
    /// Not yet polled: the call is handed over at the first poll, under the scoped settings.
    Ready(Result<Pending, PredictError>),
    Running {
        events: mpsc::UnboundedReceiver<Partial>,
        finish: Finish,
        call: Call,
    },
    /// The task ended: the events it sent before it ended, then its result.
    Draining {
        events: mpsc::UnboundedReceiver<Partial>,
        result: Option<Result<P, PredictError>>,
    },
    Over,
}

// The fields are never pinned: the future is boxed.
impl<P> Unpin for EventStream<P> {}

impl<P> EventStream<P> {
    fn new<S: Signature>(
        module: &Py<PyAny>,
        input: &S::Input,
        read: fn(&Bound<'_, PyAny>) -> Result<P, PredictError>,
    ) -> Self {
        let mut names: Vec<&'static str> = S::output_fields().map(|f| f.name).collect();
        names.push(REASONING);
        Self {
            state: State::Ready(pending::<S>(module, input)),
            read,
            names,
        }
    }

    /// Hands the call over: `stream(call, module, kwargs, settings, emit)` on the loop, `emit`
    /// sending each event into the channel.
    fn start(&self, pending: Pending) -> Result<State<P>, PredictError> {
        let (sender, events) = mpsc::unbounded();
        let names = self.names.clone();
        super::attach(|py| -> Result<State<P>, PredictError> {
            let emit = PyCFunction::new_closure(
                py,
                Some(c"emit"),
                None,
                move |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| {
                    let event = args.get_item(0)?;
                    let _ = sender.unbounded_send(event_of(&event, &names));
                    PyResult::Ok(())
                },
            )
            .map_err(|err| failed(py, err))?;
            let handed = new_call(py).and_then(|call| {
                let coroutine = helpers(py)?.getattr(intern!(py, "stream"))?.call1((
                    &call,
                    pending.module.bind(py),
                    pending.kwargs.bind(py),
                    scoped_settings(py)?,
                    emit,
                ))?;
                hand_over(py, call, coroutine, |task| {
                    task.call_method0(intern!(task.py(), "result"))
                        .map(Bound::unbind)
                })
            });
            let (finish, call) = handed.map_err(|err| failed(py, err))?;
            Ok(State::Running {
                events,
                finish: Box::pin(finish),
                call,
            })
        })
    }
}

/// The Rust event of a Python `("chunk", field, text)` or `("field", field, value)`. A field
/// name not among `names` (the signature's outputs and the reasoning) is an error, not a
/// leaked string.
fn event_of(event: &Bound<'_, PyAny>, names: &[&'static str]) -> Partial {
    let (kind, field, payload): (String, String, Bound<'_, PyAny>) = event.extract()?;
    let name = names
        .iter()
        .copied()
        .find(|name| *name == field)
        .ok_or_else(|| {
            pyo3::exceptions::PyKeyError::new_err(format!(
                "DSPy streamed an unknown field {field:?}"
            ))
        })?;
    Ok(match kind.as_str() {
        "chunk" => Event::Chunk(name, payload.extract()?),
        _ => Event::Field(CompletedField {
            name,
            value: payload.unbind(),
        }),
    })
}

impl<P> Stream for EventStream<P> {
    type Item = Result<StreamEvent<P>, PredictError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Ready(pending) => {
                    let pending = std::mem::replace(pending, Err(placeholder()));
                    match pending.and_then(|pending| this.start(pending)) {
                        Ok(running) => this.state = running,
                        Err(err) => {
                            this.state = State::Over;
                            return Poll::Ready(Some(Err(err)));
                        }
                    }
                }
                State::Running {
                    events,
                    finish,
                    call: _,
                } => {
                    if let Poll::Ready(Some(event)) = events.poll_next_unpin(cx) {
                        return Poll::Ready(Some(event_item(event)));
                    }
                    let Poll::Ready(result) = finish.as_mut().poll(cx) else {
                        return Poll::Pending;
                    };
                    let State::Running { events, call, .. } =
                        std::mem::replace(&mut this.state, State::Over)
                    else {
                        unreachable!()
                    };
                    call.finished();
                    let result = super::attach(|py| match result {
                        Some(Ok(raw)) => (this.read)(raw.bind(py)),
                        Some(Err(err)) => Err(failed(py, err)),
                        None => Err(failed(py, never_finished(py))),
                    });
                    this.state = State::Draining {
                        events,
                        result: Some(result),
                    };
                }
                State::Draining { events, result } => {
                    // Every event was sent before the task ended (emit runs inside it), so
                    // what the channel holds now is all there is.
                    if let Ok(event) = events.try_recv() {
                        return Poll::Ready(Some(event_item(event)));
                    }
                    let result = result.take();
                    this.state = State::Over;
                    return Poll::Ready(result.map(|r| r.map(StreamEvent::Done)));
                }
                State::Over => return Poll::Ready(None),
            }
        }
    }
}

/// What a taken `Ready` state holds until it is replaced; never read.
fn placeholder() -> PredictError {
    PredictError::Lm(pyo3::exceptions::PyRuntimeError::new_err(
        "stream already started",
    ))
}

fn event_item<P>(event: Partial) -> Result<StreamEvent<P>, PredictError> {
    match event {
        Ok(Event::Chunk(field, text)) => Ok(StreamEvent::Chunk { field, text }),
        Ok(Event::Field(field)) => Ok(StreamEvent::Field(field)),
        Err(err) => Err(PredictError::Conversion(err)),
    }
}

impl<S: Signature> Predict<S> {
    /// Calls DSPy's `acall` through `dspy.streamify` (see [`crate::aio`]): the text of each `str`
    /// output field as it arrives, each output field's value once complete, then the
    /// prediction. Works with the ChatAdapter and the JSONAdapter. Dropping the stream cancels
    /// the call. Poll it inside [`crate::Settings::scope_future`] for scoped settings.
    pub fn stream(&self, input: &S::Input) -> EventStream<Prediction<S>> {
        EventStream::new::<S>(&self.module, input, read_prediction::<S>)
    }
}

impl<S: Signature> ChainOfThought<S> {
    /// [`Predict::stream`] for a chain of thought: the [`REASONING`] streams first (its chunks
    /// and its value), and the result carries it.
    pub fn stream(&self, input: &S::Input) -> EventStream<Reasoned<S>> {
        EventStream::new::<S>(&self.module, input, read_reasoned::<S>)
    }
}
