//! `Predict::batch_threads`: DSPy's own threads (`dspy.Parallel`) over typed inputs, from a
//! program with no async runtime; the real dspy, with the test LM of `common` (the sync engine
//! path), whose latency is a `time.sleep` on each DSPy thread.
#![cfg(all(feature = "async", feature = "embed"))]

mod common;

use std::time::{Duration, Instant};

use common::{echo_lm, engine_count, init, question, Qa};
use dspygen_runtime::pyo3::prelude::*;
use dspygen_runtime::{Predict, PredictError, Settings};

#[test]
fn a_threaded_batch_keeps_input_order_and_each_items_error() {
    init();
    let lm = echo_lm("threads", Duration::from_millis(100));
    let inputs: Vec<_> = (0..24)
        .map(|i| {
            question(if i % 5 == 2 {
                format!("fail {i}")
            } else {
                format!("t{i}")
            })
        })
        .collect();
    let start = Instant::now();
    let results = Python::attach(|py| {
        let predict = Predict::<Qa>::new(py).expect("dspy.Predict builds");
        let settings = Settings::new(py).lm(py, &lm).expect("settings");
        settings
            .scope(py, || predict.batch_threads(py, &inputs, 4))
            .expect("the scope")
    });
    let elapsed = start.elapsed();
    assert_eq!(results.len(), 24);
    for (i, result) in results.iter().enumerate() {
        if i % 5 == 2 {
            // More failures than Parallel's default max_errors would allow: none sinks the batch.
            let err = result.as_ref().err().expect("a failing item failed");
            assert!(matches!(err, PredictError::Lm(_)), "{err}");
            assert!(err.to_string().contains(&format!("fail {i}")), "{err}");
        } else {
            assert_eq!(
                result.as_ref().expect("an item").answer,
                format!("threads: t{i}")
            );
        }
    }
    // On DSPy's threads, 4 at once: 6 waves of 100 ms, not 24 calls in a row (2.4 s).
    assert_eq!(engine_count(&lm, "started"), 24);
    assert!(elapsed < Duration::from_millis(1800), "{elapsed:?}");
}
