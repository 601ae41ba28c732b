"""One class does not block a project (issue 12): `# dspygen: skip` and `exclude` leave out
exactly what they name, with what uses it, each said in a note; every error of a run is
reported in one pass, and a run with an error still writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from dspygen.diagnostics import Code, Level, Sink, render
from dspygen.frontend import static

SOURCE = """\
import functools

import dspy
from pydantic import BaseModel, field_validator


class Legacy(BaseModel):  # dspygen: skip
    handle: object


class UsesLegacy(BaseModel):
    legacy: Legacy


class Kept(BaseModel):
    name: str


# dspygen: skip
class Skipped(BaseModel):
    when: complex


class DerivesFromSkipped(Skipped):
    extra: int


@functools.total_ordering  # dspygen: skip
class Decorated(BaseModel):
    when: complex


# dspygen: skip
@functools.total_ordering
class DecoratedBelow(BaseModel):
    when: complex


class Ask(dspy.Signature):
    kept: Kept = dspy.InputField()
    answer: str = dspy.OutputField()


class AskLegacy(dspy.Signature):
    thing: UsesLegacy = dspy.InputField()
    answer: str = dspy.OutputField()


summarize = dspy.Predict("text -> summary")  # dspygen: skip
translate = dspy.Predict("text -> translation")
Terse = Ask.with_instructions("Be terse.")  # dspygen: skip
"""


def read(tmp_path: Path, text: str, exclude: frozenset[str] = frozenset()) -> tuple[list[str], Sink]:
    path = tmp_path / "app.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    sink = Sink()
    schema = static.read([path], tmp_path, sink, exclude=exclude)
    return sorted(d.name for d in (*schema.models, *schema.enums, *schema.signatures)), sink


def test_skip_leaves_out_what_it_marks_and_its_dependents(tmp_path: Path) -> None:
    names, sink = read(tmp_path, SOURCE)
    assert names == ["Ask", "Kept", "Translate"] or names == ["Ask", "Kept", "translate"]
    assert not sink.has_errors, [render(d) for d in sink.items]
    notes = {d.message for d in sink.items if d.level is Level.NOTE}
    assert notes == {
        "`Legacy` is left out (`# dspygen: skip`)",
        "`Skipped` is left out (`# dspygen: skip`)",
        "`DerivesFromSkipped` is left out (it derives from `Skipped`, which is left out)",
        "`Decorated` is left out (`# dspygen: skip`)",
        "`DecoratedBelow` is left out (`# dspygen: skip`)",
        "`UsesLegacy` is left out too: it uses `Legacy`",
        "`AskLegacy` is left out too: it uses `UsesLegacy`, which uses `Legacy`",
        "`summarize` is left out (`# dspygen: skip`)",
        "`Terse` is left out (`# dspygen: skip`)",
    }
    assert all(d.code is Code.LEFT_OUT for d in sink.items if d.level is Level.NOTE)


def test_exclude_leaves_out_exactly_what_it_names(tmp_path: Path) -> None:
    text = SOURCE.replace("  # dspygen: skip", "").replace("# dspygen: skip\n", "")
    text = text.replace("    handle: object\n", "    handle: str\n").replace("    when: complex\n", "    when: str\n")
    names, sink = read(tmp_path, text, frozenset({"app.UsesLegacy", "app.translate", "app.Nowhere"}))
    assert names == [
        "Ask",
        "Decorated",
        "DecoratedBelow",
        "DerivesFromSkipped",
        "Kept",
        "Legacy",
        "Skipped",
        "Terse",
        "summarize",
    ]
    notes = sorted(d.message for d in sink.items if d.level is Level.NOTE)
    assert notes == [
        "`AskLegacy` is left out too: it uses `UsesLegacy`",
        "`UsesLegacy` is left out (`exclude` in the target)",
        "`translate` is left out (`exclude` in the target)",
    ]
    [typo] = [d for d in sink.items if d.level is Level.WARNING]
    assert typo.code is Code.CONFIG and "app.Nowhere" in typo.message


def test_every_unsupported_error_says_how_to_leave_it_out(tmp_path: Path) -> None:
    _, sink = read(tmp_path, "from pydantic import BaseModel\n\n\nclass Odd(BaseModel):\n    z: complex\n")
    [error] = [d for d in sink.items if d.level is Level.ERROR]
    assert "`# dspygen: skip` on its line" in error.hint and '`exclude = ["app.Odd"]`' in error.hint


THREE_ERRORS = """\
import dspy
from pydantic import BaseModel


class A(BaseModel):
    z: complex


class B(BaseModel):
    ok: int
    also_bad: "NoSuchName"


class Good(BaseModel):
    x: int


class C(dspy.Signature):
    a: Good = dspy.InputField()
    out: set[Good] = dspy.OutputField()


class Outer(BaseModel):
    class In_ner(BaseModel):
        x: int


class OuterIn_ner(BaseModel):
    q: int
"""


def test_independent_errors_are_reported_together(tmp_path: Path) -> None:
    """Three errors in one file, in three declarations, and one only lowering finds (two names
    that become one Rust name): all four in one run, and nothing written."""
    (tmp_path / "app.py").write_text(THREE_ERRORS, encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1", "DSPYGEN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "dspygen", "build", "app.py", "--out", "out"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if ": error[" in line]
    assert [line.split(":")[1] for line in errors] == ["6", "11", "20", "28"], done.stderr
    assert "error[DSG040]" in errors[-1]
    assert not (tmp_path / "out").exists()
