//! The async benchmark, DSRs-style: `calls` typed calls through `Predict::<ReviewOrder>::batch`
//! (each an `acall`, `concurrency` at a time) on a tokio runtime, against the same calls through
//! `asyncio.gather` over `dspy.Predict.acall` in Python (bench/interop.py), both with the one
//! test LM built here, whose latency is an `asyncio.sleep`.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use bench_rs::runtime::aio::BatchOptions;
use bench_rs::runtime::{Lm, Settings};
use bench_rs::{Predict, ReviewOrder, ReviewOrderInput, ReviewOrderOutput, Risk, RiskLevel};
use pyo3::prelude::*;

use crate::parse;

/// The test LM both sides call: the same typed answer to every call, after `latency` seconds.
#[pyfunction]
pub fn answering_lm(py: Python<'_>, latency: f64) -> PyResult<Py<PyAny>> {
    let lm = Lm::answering::<ReviewOrder, _>(
        py,
        "bench/answering",
        Duration::from_secs_f64(latency),
        |_prompt| {
            Ok(ReviewOrderOutput {
                approve: true,
                risk: Risk {
                    level: RiskLevel::Low,
                    score: 0.12,
                    flags: vec!["new-customer".into()],
                },
                reasons: vec!["paid".into()],
            })
        },
    )?;
    Ok(lm.as_py().clone_ref(py))
}

/// One runtime for every round, as a program has one: its start is not what is timed.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("a tokio runtime")
    })
}

/// `calls` typed calls, `concurrency` at a time, under `lm`: the elapsed nanoseconds (from the
/// typed inputs to the typed outputs of the last call).
#[pyfunction]
pub fn time_acall_batch(
    py: Python<'_>,
    lm: Bound<'_, PyAny>,
    order: &str,
    note: &str,
    calls: usize,
    concurrency: usize,
) -> PyResult<u64> {
    let predict = Predict::<ReviewOrder>::new(py)?;
    let settings = Settings::new(py).lm(py, &Lm::from_object(lm))?;
    let inputs = (0..calls)
        .map(|_| {
            Ok(ReviewOrderInput {
                order: parse(order)?,
                note: note.to_owned(),
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let options = BatchOptions {
        concurrency,
        timeout: None,
    };
    // Without the GIL while the calls run: the asyncio loop's thread needs it.
    let (elapsed, results) = py.detach(|| {
        runtime().block_on(async {
            let start = Instant::now();
            let results = settings.scope_future(predict.batch(&inputs, options)).await;
            (start.elapsed(), results)
        })
    });
    for result in results {
        assert!(result?.approve);
    }
    Ok(elapsed.as_nanos() as u64)
}

/// `calls` typed `acall`s one after another under `lm` (no latency: what is timed is the cost of
/// a call itself): the elapsed nanoseconds.
#[pyfunction]
pub fn time_acall_sequential(
    py: Python<'_>,
    lm: Bound<'_, PyAny>,
    order: &str,
    note: &str,
    calls: usize,
) -> PyResult<u64> {
    let predict = Predict::<ReviewOrder>::new(py)?;
    let settings = Settings::new(py).lm(py, &Lm::from_object(lm))?;
    let input = ReviewOrderInput {
        order: parse(order)?,
        note: note.to_owned(),
    };
    let (elapsed, results) = py.detach(|| {
        runtime().block_on(settings.scope_future(async {
            let start = Instant::now();
            let mut results = Vec::with_capacity(calls);
            for _ in 0..calls {
                results.push(predict.acall(&input).await);
            }
            (start.elapsed(), results)
        }))
    });
    for result in results {
        assert!(result?.approve);
    }
    Ok(elapsed.as_nanos() as u64)
}

/// The runtime's total wait for the GIL in its async calls so far, in nanoseconds
/// (`runtime::aio::gil_wait`): read before and after a run.
#[pyfunction]
pub fn gil_wait_nanos() -> u64 {
    bench_rs::runtime::aio::gil_wait().as_nanos() as u64
}
