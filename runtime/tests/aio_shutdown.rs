//! Shutting the runtime's asyncio loop down (feature `async`), and settings configured for the
//! whole process: a test binary of its own, since both are the process's (the loop stays closed).
#![cfg(all(feature = "async", feature = "embed"))]

mod common;

use std::time::{Duration, Instant};

use common::{echo_lm, engine_count, eventually, init, question, Qa};
use dspygen_runtime::pyo3::prelude::*;
use dspygen_runtime::{aio, Predict, PredictError, Settings};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_settings_apply_and_shutdown_cancels_the_pending_calls_and_closes_the_loop() {
    init();
    let predict = Python::attach(Predict::<Qa>::new).unwrap();
    let (quick, slow) = (
        echo_lm("quick", Duration::from_millis(10)),
        echo_lm("slow", Duration::from_secs(5)),
    );
    let in_quick = Python::attach(|py| Settings::new(py).lm(py, &quick)).unwrap();
    let in_slow = Python::attach(|py| Settings::new(py).lm(py, &slow)).unwrap();
    let ok = in_quick
        .scope_future(predict.acall(&question("before")))
        .await;
    assert_eq!(ok.unwrap().answer, "quick: before");
    // Settings configured for the process reach the loop's thread too (this binary alone may
    // configure: tests/aio.rs checks that a call outside every scope finds no LM).
    Python::attach(|py| in_quick.configure(py)).unwrap();
    let configured = predict.acall(&question("configured")).await;
    assert_eq!(configured.unwrap().answer, "quick: configured");

    let pending = tokio::spawn(in_slow.scope_future(predict.acall(&question("pending"))));
    assert_eq!(eventually(&slow, "started", 1).await, 1);
    let start = Instant::now();
    // It blocks until the loop has stopped: off the runtime's worker threads.
    tokio::task::spawn_blocking(aio::shutdown)
        .await
        .unwrap()
        .unwrap();
    let cancelled = pending.await.unwrap();
    assert!(
        matches!(cancelled, Err(PredictError::Lm(_))),
        "the pending call was not cancelled"
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(engine_count(&slow, "cancelled"), 1);

    // The loop's thread is gone, and later calls fail rather than hang.
    let threads: Vec<String> = Python::attach(|py| {
        py.import("threading")?
            .call_method0("enumerate")?
            .try_iter()?
            .map(|thread| thread?.getattr("name")?.extract())
            .collect::<PyResult<_>>()
    })
    .unwrap();
    assert!(
        !threads.iter().any(|name| name == "dspygen-asyncio"),
        "{threads:?}"
    );
    let after = in_quick
        .scope_future(predict.acall(&question("after")))
        .await;
    let Err(err) = after else {
        panic!("a call after shutdown succeeded")
    };
    assert!(err.to_string().contains("closed"), "{err}");
    aio::shutdown().expect("a second shutdown is a no-op");
}
