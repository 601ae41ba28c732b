"""Spans the frontend takes from libcst's tree are placed only when read (diagnostics.Span,
positions.Starts): a file read without a diagnostic has none of its nodes placed, and a span
placed late is in every way the span placed at once."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from dspygen import pipeline
from dspygen.config import make_target
from dspygen.diagnostics import Code, Sink, Span
from dspygen.frontend import positions, static

MODELS = """\
from enum import Enum

from pydantic import BaseModel, Field


class Colour(str, Enum):
    RED = "red"


class Point(BaseModel):
    x: int = Field(ge=0)
    colour: Colour = Colour.RED


class Shape(BaseModel):
    points: list[Point]
"""


def test_a_span_placed_later_is_placed_once_when_first_read() -> None:
    asked: list[int] = []

    def place() -> tuple[int, int]:
        asked.append(1)
        return (3, 5)

    span = Span.placed_later("a.py", place)
    assert asked == [] and span.path == "a.py"
    assert (span.line, span.col, span.render()) == (3, 5, "a.py:3:5")
    assert span.line == 3 and asked == [1]


def test_a_span_placed_later_compares_sorts_hashes_and_pickles_as_the_span_it_stands_for() -> None:
    late = Span.placed_later("b.py", lambda: (2, 1))
    now = Span("b.py", 2, 1)
    assert late == now and now == late and hash(late) == hash(now) and repr(late) == repr(now)
    assert late != Span("b.py", 2, 2) and late != ("b.py", 2, 1)
    spans = [Span("b.py", 3, 1), Span.placed_later("b.py", lambda: (1, 9)), Span("a.py", 9, 9), late]
    assert [s.render() for s in sorted(spans)] == ["a.py:9:9", "b.py:1:9", "b.py:2:1", "b.py:3:1"]
    assert Span("b.py", 1, 1) < late <= now and now >= late > Span("a.py", 5, 5)
    copy = pickle.loads(pickle.dumps(Span.placed_later("c.py", lambda: (4, 2))))
    assert copy == Span("c.py", 4, 2)  # placed before leaving the process: a lambda cannot pickle


def test_a_clean_read_places_no_node_and_a_diagnostic_places_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    placed: list[int] = []
    place = positions.Starts._place

    def counted(self: positions.Starts, stmt: object) -> bool:
        placed.append(1)
        return place(self, stmt)  # type: ignore[arg-type]

    monkeypatch.setattr(positions.Starts, "_place", counted)
    (tmp_path / "models.py").write_text(MODELS, encoding="utf-8")
    sink = Sink()
    schema = static.read([tmp_path / "models.py"], tmp_path, sink)
    assert not sink.items and [m.name for m in schema.models] == ["Point", "Shape"]
    assert placed == []
    # The spans the IR holds are right once read: the classes' and the fields' own lines.
    point, shape = schema.models
    assert (point.span.line, shape.span.line, shape.fields[0].span.line) == (10, 15, 16)
    assert placed and len(placed) <= 5  # the statements up to `Shape`, each once

    (tmp_path / "models.py").write_text(MODELS + "\n\nclass Bad(BaseModel):\n    x: complex\n", encoding="utf-8")
    sink = Sink()
    static.read([tmp_path / "models.py"], tmp_path, sink)
    [error] = sink.items
    assert error.code is Code.UNSUPPORTED_TYPE and error.span is not None
    assert (error.span.line, error.span.col) == (20, 8)


def test_a_targets_diagnostics_are_placed_before_its_trees_are_let_go(tmp_path: Path) -> None:
    """A span left to be placed keeps its file's syntax tree alive: render_target places the
    spans of every diagnostic it reported before it returns."""
    (tmp_path / "models.py").write_text(
        MODELS + "\n\nclass Later(BaseModel):\n    x: int = Field(default_factory=make)\n", encoding="utf-8"
    )
    sink = Sink()
    target = make_target([tmp_path / "models.py"], tmp_path / "out_rs", None, None, None, sink)
    assert target is not None
    assert pipeline.render_target(target, tmp_path, sink) is not None
    warned = [d for d in sink.items if d.span is not None]
    assert warned and all(d.span is not None and d.span._place is None for d in warned)
    assert any(d.span is not None and d.span.render() == "models.py:20:5" for d in warned)
