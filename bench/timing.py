"""Timing helpers: interleaved rounds, medians and ratios taken round by round.

The machine is shared and noisy, so every comparison runs its alternatives in the same
rounds, alternating their order, and a ratio is the median of the per-round ratios (both
sides of one round saw the same load), not a ratio of medians taken at different times.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path


def interleave(cases: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Runs every case once per round, in alternating order; returns each case's samples."""
    names = list(cases)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            samples[name].append(cases[name]())
    return samples


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratio(numerator: Sequence[float], denominator: Sequence[float]) -> float:
    """The median of the per-round ratios of two series sampled in the same rounds."""
    return statistics.median(a / b for a, b in zip(numerator, denominator, strict=True))


def run(argv: Sequence[str | Path], cwd: Path, env: Mapping[str, str] | None = None) -> tuple[float, str, int]:
    """Runs a whole process; returns (wall seconds, stdout + stderr, exit code)."""
    # Bytecode is cached, as for an installed package (pip compiles it): dspygen's editable
    # install would otherwise compile its modules in every process, and dspy's would not.
    environ = {k: v for k, v in {**os.environ, **(env or {})}.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=environ, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.stdout + done.stderr, done.returncode


def seconds(value: float) -> str:
    """A duration with a unit that keeps three significant digits."""
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.1f} µs" if value >= 1e-5 else f"{value * 1e6:.2f} µs"


def times(value: float) -> str:
    return f"{value:.2f}x"
