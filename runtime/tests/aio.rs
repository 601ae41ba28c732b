//! DSPy awaited from async Rust (feature `async`), end to end: the real dspy's `acall` on the
//! runtime's asyncio loop, with a test LM (a custom engine) that answers after an
//! `asyncio.sleep`. Each test scopes its own LM to its futures: they share one process (and one
//! loop), so a setting leaking from one would show up in another.
#![cfg(all(feature = "async", feature = "embed"))]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{echo_lm, engine_count, eventually, init, question, Qa, QaOutput};
use dspygen_runtime::aio::{BatchOptions, CallOptions};
use dspygen_runtime::pyo3::prelude::*;
use dspygen_runtime::pyo3::types::{PyCFunction, PyDict, PyTuple};
use dspygen_runtime::pyo3_async_runtimes;
use dspygen_runtime::{ChainOfThought, Lm, Predict, PredictError, Settings, TokenUsage};

fn predict() -> Predict<Qa> {
    init();
    Python::attach(Predict::<Qa>::new).expect("dspy.Predict builds")
}

fn with_lm(lm: &Lm) -> Settings {
    Python::attach(|py| Settings::new(py).lm(py, lm)).expect("settings")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_each_get_their_own_typed_answer() {
    let predict = Arc::new(predict());
    let lm = echo_lm("thousand", Duration::from_millis(200));
    let settings = with_lm(&lm);
    let start = Instant::now();
    let tasks: Vec<_> = (0..1000)
        .map(|i| {
            // Each task is spawned with the settings value it needs: a spawned task is polled
            // outside the scope of whoever spawned it.
            let call = predict.acall(&question(format!("q{i}")));
            tokio::spawn(settings.scope_future(call))
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        let prediction = task
            .await
            .expect("the task ran")
            .expect("the call succeeded");
        assert_eq!(prediction.answer, format!("thousand: q{i}"));
        assert_eq!(
            prediction.into_output(),
            QaOutput {
                answer: format!("thousand: q{i}")
            }
        );
    }
    let elapsed = start.elapsed();
    assert_eq!(engine_count(&lm, "finished"), 1000);
    // 1,000 calls each took the GIL at least twice, from tokio's threads while the loop's thread
    // and the others held it: some of that was waiting, and the runtime counted it.
    assert!(dspygen_runtime::aio::gil_wait() > Duration::ZERO);
    // Concurrent, not one after another: 1,000 sequential calls would take 200 s.
    assert!(
        engine_count(&lm, "peak") >= 100,
        "peak {}",
        engine_count(&lm, "peak")
    );
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_current_thread_runtime_awaits_concurrent_calls() {
    let predict = predict();
    let lm = echo_lm("current", Duration::from_millis(100));
    let settings = with_lm(&lm);
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        tasks.spawn(settings.scope_future(predict.acall(&question(format!("c{i}")))));
    }
    let mut answers: Vec<String> = Vec::new();
    while let Some(done) = tasks.join_next().await {
        answers.push(done.unwrap().unwrap().into_output().answer);
    }
    answers.sort();
    let mut want: Vec<String> = (0..50).map(|i| format!("current: c{i}")).collect();
    want.sort();
    assert_eq!(answers, want);
    // One thread, yet the calls overlapped: 50 in a row would take 5 s.
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_of_thought_acall_carries_the_reasoning() {
    init();
    let cot = Python::attach(ChainOfThought::<Qa>::new).unwrap();
    let lm = echo_lm("cot", Duration::from_millis(10));
    let reasoned = with_lm(&lm)
        .scope_future(cot.acall(&question("why")))
        .await
        .unwrap();
    assert_eq!(reasoned.answer, "cot: why");
    assert_eq!(reasoned.reasoning, "Answered in Rust.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_future_cancels_the_python_task() {
    let predict = predict();
    let lm = echo_lm("dropped", Duration::from_secs(5));
    let call = with_lm(&lm).scope_future(predict.acall(&question("slow")));
    let start = Instant::now();
    // tokio's timeout drops the future when the time is up.
    let outcome = tokio::time::timeout(Duration::from_millis(300), call).await;
    assert!(outcome.is_err(), "a 5 s call finished in 300 ms");
    assert_eq!(
        eventually(&lm, "cancelled", 1).await,
        1,
        "the task was not cancelled"
    );
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_eq!(engine_count(&lm, "finished"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_cancels_the_task_and_is_its_own_error() {
    let predict = predict();
    let lm = echo_lm("timeout", Duration::from_secs(5));
    let options = CallOptions {
        timeout: Some(Duration::from_millis(200)),
    };
    let start = Instant::now();
    let result = with_lm(&lm)
        .scope_future(predict.acall_with(&question("slow"), options))
        .await;
    let elapsed = start.elapsed();
    let Err(err) = result else {
        panic!("a 5 s call finished within its 200 ms timeout")
    };
    assert!(matches!(err, PredictError::Timeout(_)), "{err}");
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(engine_count(&lm, "cancelled"), 1);
    // A call within its timeout is unaffected.
    let quick = echo_lm("quick", Duration::from_millis(10));
    let ok = with_lm(&quick)
        .scope_future(predict.acall_with(&question("fast"), options))
        .await
        .unwrap();
    assert_eq!(ok.answer, "quick: fast");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_keeps_input_order_and_each_items_error() {
    let predict = predict();
    let lm = echo_lm("batch", Duration::from_millis(50));
    let inputs: Vec<_> = (0..40)
        .map(|i| {
            question(if i % 7 == 3 {
                format!("fail {i}")
            } else {
                format!("b{i}")
            })
        })
        .collect();
    let options = BatchOptions {
        concurrency: 4,
        timeout: None,
    };
    let start = Instant::now();
    let results = with_lm(&lm)
        .scope_future(predict.batch(&inputs, options))
        .await;
    let elapsed = start.elapsed();
    assert_eq!(results.len(), 40);
    for (i, result) in results.iter().enumerate() {
        if i % 7 == 3 {
            let err = result.as_ref().err().expect("a failing item failed");
            assert!(matches!(err, PredictError::Lm(_)), "{err}");
            assert!(err.to_string().contains(&format!("fail {i}")), "{err}");
        } else {
            assert_eq!(result.as_ref().unwrap().answer, format!("batch: b{i}"));
        }
    }
    // At most 4 at once, and 4 at once indeed: 10 waves of 50 ms (500 ms), not 40 calls in a
    // row (2 s).
    assert_eq!(engine_count(&lm, "peak"), 4);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_tracked_by_dspy_is_read_back_typed() {
    let predict = predict();
    let lm = echo_lm("usage", Duration::from_millis(10));
    let tracking =
        Python::attach(|py| Settings::new(py).lm(py, &lm)?.track_usage(py, true)).unwrap();
    let prediction = tracking
        .scope_future(predict.acall(&question("how much")))
        .await
        .unwrap();
    let usage = Python::attach(|py| prediction.usage(py)).unwrap();
    // The engine counts words: the completion is `[[ ## reasoning ## ]] Answered in Rust.
    // [[ ## answer ## ]] usage: how much [[ ## completed ## ]]`.
    let completion_tokens = 5 + 3 + 5 + 3 + 5; // a header is 5 words: `[[ ## answer ## ]]`
    let tokens = usage.model("dspygen/usage").expect("the model's usage");
    assert!(tokens.prompt_tokens > 10, "{tokens:?}");
    assert_eq!(
        *tokens,
        TokenUsage {
            prompt_tokens: tokens.prompt_tokens,
            completion_tokens,
            total_tokens: tokens.prompt_tokens + completion_tokens,
        }
    );
    assert_eq!(usage.0.len(), 1);
    // Without track_usage, DSPy tracks nothing.
    let untracked = with_lm(&lm)
        .scope_future(predict.acall(&question("how much")))
        .await
        .unwrap();
    assert!(Python::attach(|py| untracked.usage(py)).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_scoped_to_one_future_do_not_leak() {
    let predict = Arc::new(predict());
    let (a, b) = (
        echo_lm("a", Duration::from_millis(100)),
        echo_lm("b", Duration::from_millis(100)),
    );
    let (in_a, in_b) = (with_lm(&a), with_lm(&b));
    // Two scopes at once, each with its own LM, interleaved on one loop.
    let first = in_a.scope_future(predict.acall(&question("1")));
    let second = in_b.scope_future(predict.acall(&question("2")));
    let unscoped = predict.acall(&question("3"));
    let (first, second, unscoped) = tokio::join!(first, second, unscoped);
    assert_eq!(first.unwrap().answer, "a: 1");
    assert_eq!(second.unwrap().answer, "b: 2");
    assert!(unscoped.is_err(), "a call outside every scope found an LM");

    // A nested scope overrides the outer one; the outer applies again after it.
    let nested = in_a.scope_future(async {
        let inner = in_b.scope_future(predict.acall(&question("in"))).await;
        let after = predict.acall(&question("out")).await;
        (inner, after)
    });
    let (inner, after) = nested.await;
    assert_eq!(inner.unwrap().answer, "b: in");
    assert_eq!(after.unwrap().answer, "a: out");

    // A task spawned inside a scope is polled outside it: it has no LM unless it is given one.
    let given_settings = in_a.clone();
    let spawned = {
        let predict = predict.clone();
        in_a.scope_future(async move {
            let bare = tokio::spawn(predict.acall(&question("bare")));
            let given =
                tokio::spawn(given_settings.scope_future(predict.acall(&question("given"))));
            (bare.await.unwrap(), given.await.unwrap())
        })
    };
    let (bare, given) = spawned.await;
    assert!(bare.is_err(), "a spawned task inherited a scope");
    assert_eq!(given.unwrap().answer, "a: given");

    // After the scopes, nothing is left behind on this thread or on the loop.
    assert!(predict.acall(&question("later")).await.is_err());
    assert_eq!(engine_count(&a, "finished"), 3);
    assert_eq!(engine_count(&b, "finished"), 2);
}

/// A Python function `ask(text)` that Rust code answers.
fn python_function(
    py: Python<'_>,
    answer: impl Fn(Python<'_>, String) -> PyResult<Py<PyAny>> + Send + Sync + 'static,
) -> PyResult<Bound<'_, PyCFunction>> {
    PyCFunction::new_closure(
        py,
        None,
        None,
        move |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| {
            answer(args.py(), args.get_item(0)?.extract()?)
        },
    )
}

/// Python code running its own asyncio loop awaits a Rust `acall` (as it awaits an extension
/// module's future, handed over with `future_into_py`): the call runs on the caller's loop, in a
/// copy of its contextvars, so the caller's `dspy.context` applies, as it would to a Python
/// callee. On the runtime's own loop that context would not exist, and the call would find no LM.
#[test]
fn awaited_inside_a_running_python_loop_the_call_uses_that_loop_and_its_context() {
    let predict = Arc::new(predict());
    let lm = echo_lm("caller", Duration::from_millis(20));
    Python::attach(|py| -> PyResult<()> {
        let ask = python_function(py, move |py, text| {
            let call = predict.acall(&question(text));
            let awaitable = pyo3_async_runtimes::tokio::future_into_py(py, async move {
                Ok(call.await?.into_output().answer)
            })?;
            Ok(awaitable.unbind())
        })?;
        let scope = PyDict::new(py);
        scope.set_item("ask", ask)?;
        scope.set_item("lm", lm.as_py())?;
        py.run(
            c"
import asyncio
import dspy

async def main():
    with dspy.context(lm=lm):
        return await asyncio.gather(ask('x'), ask('y'))

answers = asyncio.run(main())
",
            Some(&scope),
            None,
        )?;
        let answers: Vec<String> = scope.get_item("answers")?.unwrap().extract()?;
        assert_eq!(answers, ["caller: x", "caller: y"]);
        Ok(())
    })
    .unwrap();
    assert_eq!(engine_count(&lm, "finished"), 2);
}

/// Python code in a `dspy.context` calls Rust that awaits a call (blocking its thread on a
/// tokio runtime): the call's task starts from a copy of that thread's contextvars, so the
/// context applies, as it would to a Python callee.
#[test]
fn a_call_made_from_python_code_sees_its_dspy_context() {
    let predict = Arc::new(predict());
    let lm = echo_lm("thread", Duration::ZERO);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    Python::attach(|py| -> PyResult<()> {
        let ask = python_function(py, move |py, text| {
            let call = predict.acall(&question(text));
            let answer = py.detach(|| runtime.block_on(call));
            let answer = answer.map_err(PyErr::from)?.into_output().answer;
            Ok(answer.into_pyobject(py)?.into_any().unbind())
        })?;
        let scope = PyDict::new(py);
        scope.set_item("ask", ask)?;
        scope.set_item("lm", lm.as_py())?;
        py.run(
            c"
import dspy

with dspy.context(lm=lm):
    answer = ask('x')
",
            Some(&scope),
            None,
        )?;
        let answer: String = scope.get_item("answer")?.unwrap().extract()?;
        assert_eq!(answer, "thread: x");
        Ok(())
    })
    .unwrap();
}
