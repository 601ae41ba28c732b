//! A finished async call is ready without the GIL (feature `async`): a test binary of its own,
//! since it holds the GIL for seconds, which would stall the tests running beside it in one
//! process (tests/aio.rs times its batches).
#![cfg(all(feature = "async", feature = "embed"))]

mod common;

use std::future::Future;
use std::time::{Duration, Instant};

use common::{echo_lm, engine_count, init, question, Qa};
use dspygen_runtime::pyo3::prelude::*;
use dspygen_runtime::{Predict, Settings};

/// A call's outputs are read on the loop's thread, in its task's done-callback: once the task
/// has ended, the Rust future is ready without taking the GIL, so a thread holding the GIL (a
/// long Python computation) does not hold up a result that is already there.
#[test]
fn a_finished_call_is_ready_without_the_gil() {
    init();
    let predict = Python::attach(Predict::<Qa>::new).expect("dspy.Predict builds");
    let lm = echo_lm("ready", Duration::ZERO);
    let mut call = std::pin::pin!(Python::attach(|py| Settings::new(py).lm(py, &lm))
        .expect("settings")
        .scope_future(predict.acall(&question("x"))));
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    // The first poll hands the call over.
    assert!(call.as_mut().poll(&mut context).is_pending());
    let start = Instant::now();
    while engine_count(&lm, "finished") == 0 && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    // The done-callback runs right after the task ends, in the next turn of the loop.
    std::thread::sleep(Duration::from_millis(300));
    let (held, holding) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        Python::attach(|_| {
            held.send(()).unwrap();
            std::thread::sleep(Duration::from_secs(2));
        })
    });
    holding.recv().unwrap();
    let polled = Instant::now();
    let std::task::Poll::Ready(result) = call.as_mut().poll(&mut context) else {
        panic!("the call's task had ended, yet its future is not ready");
    };
    let waited = polled.elapsed();
    holder.join().unwrap();
    assert!(
        waited < Duration::from_secs(1),
        "the poll waited {waited:?} for the GIL"
    );
    assert_eq!(result.expect("the call succeeded").answer, "ready: x");
}
