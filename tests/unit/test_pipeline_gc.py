"""The pipeline pauses Python's cycle collector while it reads, lowers and renders a target
(pipeline._cycle_collector_paused: half of libcst's parse time went to it), and leaves it as
it found it: running again afterwards, also after an error, and still off if it was off."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dspygen import pipeline
from dspygen.config import Target, make_target
from dspygen.diagnostics import Sink
from dspygen.frontend import resolve
from dspygen.ir.nodes import Schema

MODELS = """\
from pydantic import BaseModel, Field


class Point(BaseModel):
    x: int
    y: int
"""


@pytest.fixture
def target(tmp_path: Path) -> Target:
    (tmp_path / "models.py").write_text(MODELS, encoding="utf-8")
    made = make_target([tmp_path / "models.py"], tmp_path / "out_rs", None, None, None, Sink())
    assert made is not None
    return made


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def _spy(monkeypatch: pytest.MonkeyPatch, seen: list[bool], fail: bool = False) -> None:
    read = pipeline.read_target

    def spying(target: Target, base: Path, sink: Sink) -> Schema:
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("a stage failed")
        return read(target, base, sink)

    monkeypatch.setattr(pipeline, "read_target", spying)


def test_paused_while_reading_and_running_again_after(
    target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    seen: list[bool] = []
    _spy(monkeypatch, seen)
    done = pipeline.render_target(target, tmp_path, Sink())
    assert done is not None and "src/models.rs" in done[1].files
    assert seen == [False]
    assert gc.isenabled()


def test_running_again_after_a_stage_raises(
    target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    _spy(monkeypatch, [], fail=True)
    with pytest.raises(RuntimeError):
        pipeline.render_target(target, tmp_path, Sink())
    assert gc.isenabled()


def test_left_off_when_it_was_off(target: Target, tmp_path: Path, collector_on: None) -> None:
    gc.disable()
    pipeline.render_target(target, tmp_path, Sink())
    assert not gc.isenabled()


def test_the_syntax_trees_are_let_go_before_the_collector_runs_again(
    target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    """Alive when the collector is on again, the trees of a big target cost its first full
    collection about 0.4 s (render_target's docstring); a warning's span still to be placed
    would hold its file's tree (diagnostics.Span)."""
    (tmp_path / "models.py").write_text(
        MODELS + "\n\nclass Later(BaseModel):\n    x: int = Field(default_factory=make)\n", encoding="utf-8"
    )
    trees: list[weakref.ref[object]] = []  # libcst's nodes take no weak reference: what holds them
    load = resolve.load_file

    def kept(*args: Any) -> resolve.SourceModule | None:
        module = load(*args)
        if module is not None:
            trees.extend([weakref.ref(module), weakref.ref(module.starts)])
        return module

    alive_when_enabled: list[int] = []
    enable = gc.enable

    def enabling() -> None:
        alive_when_enabled.append(sum(ref() is not None for ref in trees))
        enable()

    monkeypatch.setattr(resolve, "load_file", kept)
    monkeypatch.setattr(pipeline.gc, "enable", enabling)
    sink = Sink()
    done = pipeline.render_target(target, tmp_path, sink)
    assert done is not None and sink.items  # the warning on `Later.x`
    assert trees and alive_when_enabled == [0]
