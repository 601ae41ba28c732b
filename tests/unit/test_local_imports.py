"""Names a function binds by its own imports (local_imports.py): a class or a string signature
built inside a function that imports dspy (or pydantic, or a project module) itself is read or
reported as when the import sits at module level, never left out in silence."""

from __future__ import annotations

import textwrap
from pathlib import Path

import dspy
import pytest

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import call_sites, static
from dspygen.ir import nodes

OPTIMIZER = '''
"""An optimizer that keeps dspy out of its import time."""

from pydantic import BaseModel as Predict  # a module-level name the function's own import shadows


def tips(patterns: str) -> object:
    import dspy

    class GenerateTips(dspy.Signature):
        """Generate tips."""

        failure_patterns: str = dspy.InputField()
        tips: list[str] = dspy.OutputField()

    if patterns:
        from dspy import Predict

        planner = Predict("context: list[str], question -> plan: list[str]")
    rater = dspy.ChainOfThought("plan: list[str] -> score: float")
    return planner, rater, GenerateTips


def models() -> None:
    from .shapes import Base
    from pydantic import BaseModel as Model

    class Local(Base):
        y: int

    class Other(Model):
        z: int

    class Plain:
        pass


class Holder:
    def method(self) -> None:
        from dspy import Predict as P

        self.answer = P("question -> answer")


class Late:
    def react(self) -> object:
        dspy = self._dspy

        class ChatSignature(dspy.Signature):
            """Respond."""

        coder = self._dspy.ChainOfThought("request -> code")
        named = self.helper.Predict("not a signature")
        self.helper.Predict("left -> out")  # dspygen: skip
        return ChatSignature, coder, named
'''

SHAPES = """
from pydantic import BaseModel


class Base(BaseModel):
    x: int
"""


def _read(tmp_path: Path) -> tuple[nodes.Schema, Sink]:
    package = tmp_path / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "shapes.py").write_text(textwrap.dedent(SHAPES))
    (package / "optimizer.py").write_text(textwrap.dedent(OPTIMIZER))
    sink = Sink()
    return static.read([package / "optimizer.py"], tmp_path, sink), sink


def test_classes_on_a_function_s_own_imports_are_reported(tmp_path: Path) -> None:
    _, sink = _read(tmp_path)
    said = {(d.code, d.span.line if d.span else 0): d.message for d in sink.items}
    assert not sink.has_errors, said
    assert "the signature `GenerateTips`, which the function `tips`" in said[(Code.DYNAMIC_SIGNATURE, 10)]
    assert "the model `Local`, which the function `models`" in said[(Code.UNSUPPORTED_MODEL, 28)]
    assert "the model `Other`, which the function `models`" in said[(Code.UNSUPPORTED_MODEL, 31)]
    # A base that is a variable of the function: what it is cannot be known, and that is said.
    late = said[(Code.DYNAMIC_SIGNATURE, 49)]
    assert "the class `ChatSignature`" in late and "`dspy.Signature`, a name bound only then" in late
    # A string signature given to a call spelled like DSPy's that resolves to nothing: said too.
    coder = said[(Code.DYNAMIC_SIGNATURE, 52)]
    assert "'request -> code'" in coder and "`self._dspy.ChainOfThought` is DSPy's" in coder
    assert not any(word in message for message in said.values() for word in ("Plain", "not a signature", "left -> out"))
    assert len(sink.items) == 5


def test_string_signatures_on_a_function_s_own_imports_are_read_as_dspy_reads_them(tmp_path: Path) -> None:
    schema, _ = _read(tmp_path)
    read = {s.id: s for s in schema.signatures}
    texts = {
        "pkg.optimizer:planner": "context: list[str], question -> plan: list[str]",
        "pkg.optimizer:rater": "plan: list[str] -> score: float",
        "pkg.optimizer:Holder.answer": "question -> answer",
    }
    assert set(read) == set(texts)
    for key, text in texts.items():
        real = dspy.Signature(text)
        assert [f.name for f in read[key].fields] == list(real.fields), key


def test_the_pruned_walks_enter_calls_of_locally_imported_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """call_sites.py counts names a function's imports bind, so the narrowed walk sees them."""
    pruned, pruned_sink = _read(tmp_path / "a")
    monkeypatch.setattr(call_sites, "_find", lambda *_: None)  # every walk enters everything
    full, full_sink = _read(tmp_path / "b")
    assert [s.name for s in pruned.signatures] == [s.name for s in full.signatures]
    assert [d.message for d in pruned_sink.items] == [d.message for d in full_sink.items]
