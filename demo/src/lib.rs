//! Helpers shared by the `qa_demo` binary and the end-to-end tests: start the embedded
//! interpreter, make the fixtures importable, and script `dspy.utils.DummyLM`.
//!
//! `make demo` / `make e2e` put the fixtures and the virtualenv's site-packages on
//! `PYTHONPATH`. [`init`] adds the fixture roots itself as well, since the `rag` fixture's
//! signatures import their models as the top-level module `rag_models` (root
//! `fixtures/rag`), which `PYTHONPATH=fixtures` alone does not cover.
pub mod parity;

use std::path::PathBuf;

use dspygen_runtime::{Lm, Settings};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The `sys.path` roots of the fixtures the generated crates were built from.
pub const FIXTURE_ROOTS: &[&str] = &["fixtures", "fixtures/rag", "fixtures/imports"];

/// One scripted LM reply: output field name -> the text the LM "answers" for it.
/// Pydantic-typed outputs are answered with JSON text, as a real LM would write them.
pub type Reply<'a> = &'a [(&'a str, &'a str)];

/// The repository root (the parent of `demo/`).
pub fn repo_root() -> PathBuf {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = demo.parent().map(PathBuf::from).unwrap_or(demo);
    root.canonicalize().unwrap_or(root)
}

/// Starts the interpreter (once per process) and puts [`FIXTURE_ROOTS`] first on
/// `sys.path`. Safe to call from every test, on any thread.
pub fn init() -> PyResult<()> {
    Python::initialize();
    Python::attach(|py| {
        let sys_path = py.import("sys")?.getattr("path")?.cast_into::<PyList>()?;
        let root = repo_root();
        for dir in FIXTURE_ROOTS.iter().rev() {
            let dir = root.join(dir).to_string_lossy().into_owned();
            if !sys_path.contains(&dir)? {
                sys_path.insert(0, dir)?;
            }
        }
        Ok(())
    })
}

/// `dspy.utils.DummyLM(replies)`: answers the i-th LM call with `replies[i]`.
pub fn dummy_lm<'py>(py: Python<'py>, replies: &[Reply<'_>]) -> PyResult<Bound<'py, PyAny>> {
    let answers = PyList::empty(py);
    for reply in replies {
        let answer = PyDict::new(py);
        for (field, text) in reply.iter() {
            answer.set_item(*field, *text)?;
        }
        answers.append(answer)?;
    }
    py.import("dspy")?
        .getattr("utils")?
        .getattr("DummyLM")?
        .call1((answers,))
}

/// `dspy.configure(lm=DummyLM(replies))` through the runtime's [`Settings`]: process-wide, and
/// only from the thread that configured dspy first. For the binary; tests use [`with_dummy_lm`].
pub fn configure_dummy_lm<'py>(
    py: Python<'py>,
    replies: &[Reply<'_>],
) -> PyResult<Bound<'py, PyAny>> {
    let lm = dummy_lm(py, replies)?;
    Settings::new(py)
        .lm(py, &Lm::from_object(lm.clone()))?
        .configure(py)?;
    Ok(lm)
}

/// Runs `f` inside `with dspy.context(lm=DummyLM(replies)):` (the runtime's [`Settings::scope`]).
/// The override is local to the calling thread, so tests running in parallel each see their own
/// LM. `f` gets the LM, to inspect its `history`. These replies are raw text (an LM's answer as
/// written, malformed ones too); `Lm::scripted` gives typed ones.
pub fn with_dummy_lm<'py, R>(
    py: Python<'py>,
    replies: &[Reply<'_>],
    f: impl FnOnce(&Bound<'py, PyAny>) -> PyResult<R>,
) -> PyResult<R> {
    let lm = dummy_lm(py, replies)?;
    let settings = Settings::new(py).lm(py, &Lm::from_object(lm.clone()))?;
    settings.scope(py, || f(&lm))?
}

/// How many times the LM was called (`len(lm.history)`).
pub fn lm_calls(lm: &Bound<'_, PyAny>) -> PyResult<usize> {
    lm.getattr("history")?.len()
}

/// The text of the last message of the `index`-th LM call: the user turn holding the inputs.
pub fn last_prompt(lm: &Bound<'_, PyAny>, index: usize) -> PyResult<String> {
    lm.getattr("history")?
        .get_item(index)?
        .get_item("messages")?
        .get_item(-1)?
        .get_item("content")?
        .extract()
}
