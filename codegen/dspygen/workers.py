"""The targets of one run planned side by side, one worker process each, where that pays.

A project with many targets (a monorepo; this repository's fixtures) spends a fresh CI
machine's `check` in the pipeline, one target after another, on one core. Targets share
nothing while they are planned (each writes only after every one planned cleanly, cli.py),
so each is planned in a process forked from this one, which has libcst and Jinja loaded
already. The diagnostics of each target are collected apart and merged in target order, so
the output is the same with one worker or many (the sink sorts them anyway).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from dspygen import beside, pipeline
from dspygen.config import Target
from dspygen.diagnostics import Diagnostic, Sink

Result = tuple[pipeline.Planned | None, list[Diagnostic]]


def jobs(targets: int) -> int:
    """How many workers: one per core the run may use (beside.cores), at most one per target."""
    return max(1, min(beside.cores(), targets)) if beside.FORKS else 1


def plan(targets: list[Target], base: Path, before: list[Diagnostic], *, writing: bool) -> list[Result]:
    """Each target's planned changes (None after an error) and the diagnostics it added to
    `before` (those of the run so far: after an error the pipeline stops early), in order."""
    workers = jobs(len(targets))
    if workers == 1:
        return [_plan_one(t, base, before, writing) for t in targets]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(_plan_one, t, base, before, writing) for t in targets]
        return [f.result() for f in futures]


def _plan_one(target: Target, base: Path, before: list[Diagnostic], writing: bool) -> Result:
    sink = Sink(list(before))
    planned = pipeline.changes(target, base, sink, writing=writing)
    return planned, sink.items[len(before) :]
