"""The pipeline pauses Python's cycle collector while it reads, lowers and renders a target
(pipeline._cycle_collector_paused: half of libcst's parse time went to it), and leaves it as
it found it: running again afterwards, also after an error, and still off if it was off."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from dspygen import pipeline
from dspygen.config import Target, make_target
from dspygen.diagnostics import Sink
from dspygen.ir.nodes import Schema

MODELS = """\
from pydantic import BaseModel


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
