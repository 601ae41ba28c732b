"""Interleaved A/B timing of the bindings' conversions, steadier than the full suite on a busy
machine: the five operations run back to back, round after round, in one process.

    python -m bench.ab [items] [n] [rounds]      (after `make bench` has built the modules)

Prints, per size, the medians of the per-round ratios JSON route / attribute path, attribute
path / hand-written extraction (the limit) and `model_validate_json` / `IntoPyObject`, and the
median time of each operation (docs/benchmarks.md, issue 18 items 5 and 6).
"""

from __future__ import annotations

import gc
import statistics
import sys
from collections.abc import Callable

import bench_native as native

from bench.data import make_order
from bench.models import Order


def measure(items: int, n: int, rounds: int) -> str:
    order = make_order(items)
    data = order.model_dump_json()
    ops: dict[str, Callable[[], int]] = {
        "attr": lambda: native.time_extract_attr(order, n),
        "limit": lambda: native.time_proto_extract(order, n),
        "json": lambda: native.time_extract_json(order, n),
        "into_py": lambda: native.time_into_py(data, n),
        "model_validate_json": lambda: native.time_call1(Order.model_validate_json, data, n),
    }
    for op in ops.values():
        op()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in ops}
    ratios: dict[str, list[float]] = {"json/attr": [], "attr/limit": [], "model_validate_json/into_py": []}
    gc.disable()
    try:
        for _ in range(rounds):
            t = {name: op() for name, op in ops.items()}
            for name, ns in t.items():
                times[name].append(ns / n / 1e3)
            ratios["json/attr"].append(t["json"] / t["attr"])
            ratios["attr/limit"].append(t["attr"] / t["limit"])
            ratios["model_validate_json/into_py"].append(t["model_validate_json"] / t["into_py"])
    finally:
        gc.enable()
    shown = "  ".join(f"{name} {statistics.median(values):.2f}" for name, values in ratios.items())
    medians = " ".join(f"{name} {statistics.median(values):.1f}µs" for name, values in times.items())
    return f"{items} items: {shown} | {medians}"


def main(argv: list[str]) -> None:
    sizes = [int(argv[0])] if argv else [2, 200]
    rounds = int(argv[2]) if len(argv) > 2 else 31
    for items in sizes:
        n = int(argv[1]) if len(argv) > 1 else max(30, 6000 // items)
        print(measure(items, n, rounds), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
