//! Shutting the runtime's asyncio loop down (feature `async`), and settings configured for the
//! whole process: a test binary of its own, since both are the process's (the loop stays closed).
#![cfg(all(feature = "async", feature = "embed"))]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{echo_lm, engine_count, eventually, init, question, Qa};
use dspygen_runtime::pyo3::prelude::*;
use dspygen_runtime::{aio, Predict, PredictError, Settings};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_settings_apply_and_shutdown_cancels_the_pending_calls_and_closes_the_loop() {
    init();
    let predict = Arc::new(Python::attach(Predict::<Qa>::new).unwrap());
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
    // Calls handed over as the loop stops: started and cancelled, or refused as they start.
    // Each ends in an error; none hangs (one whose task started once the drain had begun used
    // to run on as the loop stopped under it, and its future waited for good).
    let racing: Vec<_> = (0..40)
        .map(|i| tokio::spawn(in_slow.scope_future(predict.acall(&question(format!("r{i}"))))))
        .collect();
    // And calls made one after another while it stops, until one is refused.
    let racer = {
        let predict = predict.clone();
        let instant = echo_lm("instant", Duration::ZERO);
        let in_instant = Python::attach(|py| Settings::new(py).lm(py, &instant)).unwrap();
        tokio::spawn(async move {
            loop {
                let call = in_instant.scope_future(predict.acall(&question("race")));
                match tokio::time::timeout(Duration::from_secs(3), call).await {
                    Err(_) => panic!("a call made as the loop stopped never ended"),
                    Ok(Ok(answer)) => assert_eq!(answer.answer, "instant: race"),
                    Ok(Err(PredictError::Lm(err))) if err.to_string().contains("closed") => break,
                    Ok(Err(PredictError::Lm(_))) => {}
                    Ok(Err(err)) => panic!("{err}"),
                }
            }
        })
    };
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
    for call in racing {
        let outcome = tokio::time::timeout(Duration::from_secs(3), call)
            .await
            .expect("a call handed over as the loop stopped never ended")
            .unwrap();
        match outcome {
            Err(PredictError::Lm(_)) => {}
            Err(err) => panic!("{err}"),
            Ok(answer) => panic!(
                "a 5 s call answered {:?} as the loop stopped",
                answer.answer
            ),
        }
    }
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    racer.await.unwrap();
    assert_eq!(
        engine_count(&slow, "cancelled"),
        engine_count(&slow, "started"),
        "a started call was not cancelled"
    );

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
