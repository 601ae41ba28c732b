"""The pipeline: frontend -> IR -> lower -> render -> format -> writer, in that order.

Holds no stage logic. Each step stops the run once the sink holds an error, so that
nothing is written from a partly understood input.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dspygen import runtime_crate
from dspygen.config import Target
from dspygen.diagnostics import Code, Sink, Span
from dspygen.format import format_files, formats
from dspygen.frontend import importing, static
from dspygen.ir.nodes import Schema
from dspygen.lower.crate import CrateOptions, RuntimeDependency, lower
from dspygen.manifest import sha256
from dspygen.mapping import cargo_lines
from dspygen.render.env import environment
from dspygen.render.plan import Rendered, render
from dspygen.writer import Changes, apply, formatted_before, plan_changes, settle


def read(
    sources: list[Path],
    base: Path,
    sink: Sink,
    frontend: str = "static",
    mapped: frozenset[str] = frozenset(),
    import_names: dict[Path, str] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> Schema:
    if frontend == "import":
        return importing.read(sources, base, sink, mapped=mapped)
    return static.read(sources, base, sink, mapped, import_names, exclude)


@dataclass(frozen=True)
class Planned:
    """What bringing one target's output up to date would do, and every source file read for
    it: the files given and the ones import following reached (the fingerprint covers both)."""

    changes: Changes
    read: tuple[Path, ...]


@dataclass(frozen=True)
class Generated:
    """One target's files, formatted; the sha256 of each formatted file's render (the manifest
    records it, so that an unchanged render is not formatted again); the source files read."""

    files: dict[str, str]
    renders: dict[str, str]
    read: tuple[Path, ...]


def generate(target: Target, base: Path, sink: Sink) -> dict[str, str] | None:
    """The formatted files of one target, or None when the input has errors."""
    generated = _generate(target, base, sink)
    return None if generated is None else generated.files


def read_target(target: Target, base: Path, sink: Sink) -> Schema:
    """The schema of one target's sources, under its options."""
    mapped = frozenset(m.python for m in target.types)
    return read(
        list(target.sources), base, sink, target.frontend, mapped, dict(target.import_names), frozenset(target.exclude)
    )


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a target is read, lowered and rendered. These
    stages build hundreds of thousands of objects that live to the end (libcst's trees, the IR)
    and make next to no cyclic garbage, yet every burst of allocations had the collector walk
    all that lives again: half of libcst's parse time (3.5 s against 1.7 s for the 201 files of
    a build of 1,000 models and 1,000 signatures), about 40% of that build's frontend, with the
    same peak memory (docs/benchmarks.md). Reference counting still frees whatever dies; the
    collector runs again afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def render_target(target: Target, base: Path, sink: Sink) -> tuple[tuple[Path, ...], Rendered] | None:
    """The source files one target read and its files as rendered, before formatting; None
    after an error. The syntax trees and the schema are let go before the cycle collector runs
    again: alive, they cost its first full collection about 0.4 s at 1,000 + 1,000 items."""
    with _cycle_collector_paused():
        try:
            return _render_target(target, base, sink)
        finally:
            sink.place_spans()  # while the syntax trees are alive anyway


def _render_target(target: Target, base: Path, sink: Sink) -> tuple[tuple[Path, ...], Rendered] | None:
    schema = read_target(target, base, sink)
    # A declaration with an error was left out of the schema (skipping.py): the rest is still
    # lowered, so that every error of the run shows at once. Nothing is written after an error.
    if sink.has_errors and not (schema.models or schema.signatures or schema.enums):
        return None
    if not (schema.models or schema.signatures or schema.enums):
        where = Span(schema.sources[0].path, 1, 1) if schema.sources else None
        names = ", ".join(s.path for s in schema.sources)
        sink.error(Code.NOTHING_FOUND, f"found no DSPy signature, pydantic model or Enum in {names}", where)
        return None
    out_rel = os.path.relpath(target.out, base)
    types = {m.python: m.rust for m in target.types}
    cargo = cargo_lines(target.types, base, Path(out_rel))
    runtime = RuntimeDependency(runtime_crate.version(), _relative(target.runtime_folder, target.out))
    options = CrateOptions(target.crate_name, out_rel, target.module_name, types, cargo, runtime)
    view = lower(schema, options, sink)
    if sink.has_errors:
        return None
    rendered = render(view, environment(target.templates), sink)
    read_paths = tuple(sorted({(base / s.path).resolve() for s in schema.sources}))
    return None if rendered is None else (read_paths, rendered)


def _generate(target: Target, base: Path, sink: Sink) -> Generated | None:
    done = render_target(target, base, sink)
    if done is None:
        return None
    read_paths, rendered = done
    # The formatter runs only over renders the manifest does not pair with the bytes on disk.
    known = formatted_before(target.out, rendered.files)
    todo = {p: t for p, t in rendered.files.items() if p not in known}
    files = format_files(todo, sink, target.templates, rendered.cuts, target.out)
    renders = {p: sha256(t) for p, t in rendered.files.items() if formats(p)}
    if sink.has_errors:
        return None
    return Generated({**files, **known, **_own_runtime(target, sink)}, renders, read_paths)


def _relative(path: Path, start: Path) -> str:
    """`path` relative to `start`, with `/` (a Cargo.toml path)."""
    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def _own_runtime(target: Target, sink: Sink) -> dict[str, str]:
    """The copy of the runtime a target writes inside its own output folder (its default), as
    more files of that folder; a shared runtime folder is written once (cli.py, runtime_crate.shared)."""
    folder = target.runtime_folder
    if runtime_crate.is_source(folder) or not runtime_crate.inside(folder, target.out):
        return {}
    if not runtime_crate.check_folder(folder, sink, owner=target.out):
        return {}
    prefix = _relative(folder, target.out)
    return {f"{prefix}/{rel}": text for rel, text in runtime_crate.files().items()}


def changes(target: Target, base: Path, sink: Sink, *, writing: bool = True) -> Planned | None:
    settle(target.out, sink, writing=writing)  # an interrupted build first: its own runtime copy is read next
    generated = _generate(target, base, sink)
    if generated is None:
        return None
    folder = target.runtime_folder  # its own runtime copy's files, among those _generate rendered
    prefix = f"{_relative(folder, target.out)}/" if runtime_crate.inside(folder, target.out) else None
    copy = frozenset(rel for rel in generated.files if prefix is not None and rel.startswith(prefix))
    planned = plan_changes(target.out, generated.files, sink, writing=writing, headless=copy, renders=generated.renders)
    return None if sink.has_errors else Planned(planned, generated.read)


def build(target: Target, base: Path, sink: Sink) -> Changes | None:
    planned = changes(target, base, sink)
    if planned is not None:
        apply(target.out, planned.changes)
    return None if planned is None else planned.changes
