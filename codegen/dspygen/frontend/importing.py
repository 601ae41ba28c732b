"""Frontend stage (opt-in, `--frontend import`): introspect the real classes in a subprocess.

Handles what static reading cannot (signatures and models built by running code), at
the price of importing dspy and running the user's modules. The subprocess
(`frontend/introspect.py`) prints the IR as JSON; this side loads it and turns any
problem it reports into diagnostics. The static frontend stays the default.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dspygen.diagnostics import Code, Sink, Span
from dspygen.ir import nodes
from dspygen.ir.dump import load

MAPPED_ENV = "DSPYGEN_MAPPED_TYPES"


def read(
    paths: list[Path],
    base: Path,
    sink: Sink,
    python: str | None = None,
    timeout: float = 120,
    mapped: frozenset[str] = frozenset(),
) -> nodes.Schema:
    argv = [python or sys.executable, "-m", "dspygen.frontend.introspect", str(base), *map(str, paths)]
    # The classes mapped to the user's Rust types (config `types`), beside the arguments (which are files).
    env = {**os.environ, MAPPED_ENV: json.dumps(sorted(mapped))}
    empty = nodes.Schema(nodes.SCHEMA_VERSION, (), (), (), ())
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, cwd=base, env=env)
    except subprocess.TimeoutExpired:
        sink.error(Code.IMPORT_FAILED, f"importing the sources took longer than {timeout:.0f}s", None)
        return empty
    if done.returncode == 0:
        try:
            return load(done.stdout)
        except (ValueError, KeyError, TypeError):  # the process ended early, or wrote another answer
            detail = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
            sink.error(Code.IMPORT_FAILED, f"the importing frontend gave no schema: {detail}", None)
            return empty
    try:
        problems = json.loads(done.stdout)["problems"]
    except (ValueError, KeyError, TypeError):
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        sink.error(Code.IMPORT_FAILED, f"the importing frontend failed: {detail}", None)
        return empty
    for problem in problems:
        span = problem["span"]
        sink.error(Code.IMPORT_FAILED, problem["message"], Span(span["path"], span["line"], span["col"]))
    return empty
