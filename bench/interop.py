"""The bindings' benchmarks: the generated conversions against pydantic's own routes, and
a typed `Predict<S>` call against `dspy.Predict` from Python, both with DummyLM; and many
concurrent `acall`s from tokio against `asyncio.gather` in Python, with a test LM of fixed latency.

Every case is a batch of `n` operations looped inside Rust (bench/native), returning the
elapsed nanoseconds; the Python baselines are looped the same way, by Rust calling the
bound method `n` times, so both sides pay the same (negligible) loop cost and neither pays a
Python-level call per operation. `n` is calibrated so one batch takes about `batch` seconds.
Garbage collection is off during a batch, as in `timeit`.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import threading
import time
from collections.abc import Callable
from typing import Any

import bench_native as native
import bench_rs
import dspy
from dspy.utils import DummyLM

from bench.data import make_order
from bench.models import Order
from bench.signatures import ReviewOrder
from bench.timing import interleave, median, ratio

SIZES = {"small": 2, "large": 200}
NOTE = "check the shipping address"
ANSWER = {"approve": True, "risk": {"level": "low", "score": 0.12, "flags": ["new-customer"]}, "reasons": ["paid"]}

Batch = Callable[[int], int]  # n -> elapsed ns


def _per_op(batch: Batch, n: int) -> float:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return batch(n) / n / 1e9
    finally:
        if enabled:
            gc.enable()


def _calibrated(batch: Batch, seconds: float) -> Callable[[], float]:
    batch(1)  # warm-up: imports, interned names, caches
    probe = max(1, min(1000, int(1e-3 / max(_per_op(batch, 3), 1e-9))))
    n = max(1, round(seconds / max(_per_op(batch, probe), 1e-9)))
    return lambda: _per_op(batch, n)


def _check(order: Order, data: str) -> None:
    """The routes timed below agree with pydantic, so the timings compare equal work."""
    assert native.extract_attr_json(order) == data, "attribute path differs from model_dump_json"
    assert native.proto_extract_json(order) == data, "prototype attribute path differs"
    assert native.into_py(data) == order, "IntoPyObject differs from the original"
    assert bench_rs.roundtrip(order) == order, "bench_rs.roundtrip differs"
    assert bench_rs.roundtrip_validated(order) == order, "bench_rs.roundtrip_validated differs"
    assert bench_rs.roundtrip_json("Order", data) == data, "serde round trip differs"
    assert native.plain_roundtrip(data) == data, "the plain serde derive's round trip differs"
    assert native.proto_into_py(Order.__pydantic_validator__.validate_python, data) == order
    constructed = native.proto_construct(data)
    assert constructed == order and constructed.model_dump_json() == data, "prototype construct differs"


def cases(order: Order, data: str) -> dict[str, Batch]:
    plain = order.model_dump()
    validate_python = Order.__pydantic_validator__.validate_python
    return {
        # Python -> Rust
        "attr": lambda n: native.time_extract_attr(order, n),
        "json_route": lambda n: native.time_extract_json(order, n),
        "model_dump": lambda n: native.time_call0(order.model_dump, n),
        "model_dump_json": lambda n: native.time_call0(order.model_dump_json, n),
        # Rust -> Python
        "into_py": lambda n: native.time_into_py(data, n),
        "model_validate_json": lambda n: native.time_call1(Order.model_validate_json, data, n),
        "model_validate_dict": lambda n: native.time_call1(Order.model_validate, plain, n),
        "into_py_json": lambda n: native.time_into_py_json(Order, data, n),
        # JSON -> Rust
        "serde_parse": lambda n: native.time_serde_parse(data, n),
        "serde_dump": lambda n: native.time_serde_dump(data, n),
        "plain_serde_parse": lambda n: native.time_plain_serde_parse(data, n),
        # decomposition and prototypes of template changes
        "walk_getattr": lambda n: native.time_walk_getattr(order, n),
        "walk_getattr_no_value": lambda n: native.time_walk_getattr_no_value(order, n),
        "proto_extract": lambda n: native.time_proto_extract(order, n),
        "proto_dicts": lambda n: native.time_proto_dicts(data, n),
        "proto_validate_once": lambda n: native.time_proto_into_py(validate_python, data, n),
        "proto_construct": lambda n: native.time_proto_construct(data, n),
    }


# (name, numerator, denominator): ratios taken round by round.
RATIOS = [
    ("json_route/attr", "json_route", "attr"),
    ("model_dump/attr", "model_dump", "attr"),
    ("model_validate_json/into_py", "model_validate_json", "into_py"),
    ("model_validate_json/serde_parse", "model_validate_json", "serde_parse"),
    ("model_validate_json/plain_serde_parse", "model_validate_json", "plain_serde_parse"),
    ("serde_parse/plain_serde_parse", "serde_parse", "plain_serde_parse"),
    ("json_route/proto_extract", "json_route", "proto_extract"),
    ("attr/proto_extract", "attr", "proto_extract"),
    ("model_validate_json/proto_construct", "model_validate_json", "proto_construct"),
    ("model_validate_json/proto_validate_once", "model_validate_json", "proto_validate_once"),
    ("model_validate_json/into_py_json", "model_validate_json", "into_py_json"),
]


def conversions(rounds: int, batch: float) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for size, items in SIZES.items():
        order = make_order(items)
        data = order.model_dump_json()
        _check(order, data)
        timed = {name: _calibrated(fn, batch) for name, fn in cases(order, data).items()}
        samples = interleave(timed, rounds)
        result[size] = {
            "items": items,
            "json_bytes": len(data.encode()),
            "median": {name: median(values) for name, values in samples.items()},
            "ratio": {name: ratio(samples[a], samples[b]) for name, a, b in RATIOS},
        }
    return result


def predict(rounds: int, calls: int) -> dict[str, Any]:
    """`Predict::<ReviewOrder>::call` from Rust against `dspy.Predict(ReviewOrder)(...)` from Python."""
    order = make_order(SIZES["small"])
    data = order.model_dump_json()

    def fresh_lm(n: int) -> None:
        dspy.configure(lm=DummyLM([ANSWER] * n))

    fresh_lm(1)
    expected = dspy.Predict(ReviewOrder)(order=order, note=NOTE)
    fresh_lm(1)
    got = native.predict_once(data, NOTE)
    assert got == (expected.approve, expected.risk.level, expected.reasons), (got, expected)

    def python_side() -> float:
        fresh_lm(calls)
        call = functools.partial(dspy.Predict(ReviewOrder), order=order, note=NOTE)
        return _per_op(lambda n: native.time_call0(call, n), calls)

    def rust_side() -> float:
        fresh_lm(calls)
        return _per_op(lambda n: native.time_predict(data, NOTE, n), calls)

    python_side()
    rust_side()
    samples = interleave({"dspy_predict": python_side, "rust_predict": rust_side}, rounds)
    return {
        "rounds": rounds,
        "calls": calls,
        "median": {name: median(values) for name, values in samples.items()},
        "rust_over_python": ratio(samples["rust_predict"], samples["dspy_predict"]),
        "overhead": median([r - p for r, p in zip(samples["rust_predict"], samples["dspy_predict"], strict=True)]),
    }


# DSRs' async benchmark: 256 calls of 20 ms, 16 at a time: 16 waves, ideally 320 ms.
ACALLS, ALATENCY, ACONCURRENCY = 256, 0.020, 16


def acall(rounds: int, calls: int = ACALLS) -> dict[str, Any]:
    """`Predict::<ReviewOrder>::batch` (acall, a concurrency limit) on tokio, against
    `asyncio.gather` over `dspy.Predict(ReviewOrder).acall` behind a semaphore, on one asyncio
    loop kept across rounds (as the Rust side keeps its own); one test LM for both, its latency an
    `asyncio.sleep`. Rounds alternate the two sides."""
    order = make_order(SIZES["small"])
    data = order.model_dump_json()
    lm = native.answering_lm(ALATENCY)
    predict = dspy.Predict(ReviewOrder)
    loop = asyncio.new_event_loop()

    async def gather() -> list[Any]:
        limit = asyncio.Semaphore(ACONCURRENCY)

        async def one() -> Any:
            async with limit:
                return await predict.acall(order=order, note=NOTE)

        with dspy.context(lm=lm):
            return await asyncio.gather(*(one() for _ in range(calls)))

    def python_side() -> float:
        start = time.perf_counter()
        done = loop.run_until_complete(gather())
        elapsed = time.perf_counter() - start
        assert len(done) == calls and all(p.approve for p in done)
        return elapsed

    waited: list[float] = []  # the Rust side's wait for the GIL, per round

    def rust_side() -> float:
        before = native.gil_wait_nanos()
        elapsed: float = native.time_acall_batch(lm, data, NOTE, calls, ACONCURRENCY) / 1e9
        waited.append((native.gil_wait_nanos() - before) / 1e9)
        return elapsed

    try:
        python_side()  # warm-up: imports, the runtime's loop, the thread pools
        rust_side()
        samples = interleave({"python_gather": python_side, "rust_acall": rust_side}, rounds)
    finally:
        loop.close()
    return {
        "rounds": rounds,
        "calls": calls,
        "latency": ALATENCY,
        "concurrency": ACONCURRENCY,
        "ideal": calls / ACONCURRENCY * ALATENCY,
        "median": {name: median(values) for name, values in samples.items()},
        "rust_over_python": ratio(samples["rust_acall"], samples["python_gather"]),
        "gil_wait": median(waited[1:]),  # the warm-up round apart
    }


ACALLS_SEQUENTIAL = 50


def acall_overhead(rounds: int, calls: int = ACALLS_SEQUENTIAL) -> dict[str, Any]:
    """The Rust side's own cost: `calls` `acall`s one after another with a test LM that answers
    at once, from tokio (`Predict::<ReviewOrder>::acall`) and from Python
    (`await dspy.Predict(ReviewOrder).acall(...)` on one asyncio loop), interleaved rounds.

    A third side prices the hand-off alone: the same Python calls, each handed from this thread
    to a loop running on a thread of its own (`asyncio.run_coroutine_threadsafe(...).result()`),
    which is where the runtime's loop runs: what any bridge to a loop on its own thread pays per
    call on this machine (two thread wake-ups), before it does any work of its own."""
    order = make_order(SIZES["small"])
    data = order.model_dump_json()
    lm = native.answering_lm(0.0)
    predict = dspy.Predict(ReviewOrder)
    loop = asyncio.new_event_loop()
    other = asyncio.new_event_loop()
    other_thread = threading.Thread(target=other.run_forever, name="bench-other-loop", daemon=True)
    other_thread.start()

    async def sequential() -> None:
        with dspy.context(lm=lm):
            for _ in range(calls):
                assert (await predict.acall(order=order, note=NOTE)).approve

    async def one() -> Any:
        with dspy.context(lm=lm):
            return await predict.acall(order=order, note=NOTE)

    def python_side() -> float:
        start = time.perf_counter()
        loop.run_until_complete(sequential())
        return time.perf_counter() - start

    def handed_over() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            assert asyncio.run_coroutine_threadsafe(one(), other).result().approve
        return time.perf_counter() - start

    def rust_side() -> float:
        return native.time_acall_sequential(lm, data, NOTE, calls) / 1e9

    sides = {"python_acall": python_side, "python_other_thread": handed_over, "rust_acall": rust_side}
    try:
        for side in sides.values():
            side()
        samples = interleave(sides, rounds)
    finally:
        loop.close()
        other.call_soon_threadsafe(other.stop)
        other_thread.join()
        other.close()
    per_call = {name: [v / calls for v in values] for name, values in samples.items()}

    def extra(side: str) -> float:
        pairs = zip(per_call[side], per_call["python_acall"], strict=True)
        return median([(a - b) / b for a, b in pairs])

    return {
        "rounds": rounds,
        "calls": calls,
        "per_call": {name: median(values) for name, values in per_call.items()},
        "extra_over_python": extra("rust_acall"),
        "hand_off_over_python": extra("python_other_thread"),
    }
