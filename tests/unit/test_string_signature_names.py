"""String signatures anywhere DSPy takes them (issue 12): each gets a deterministic name from
where it stands, so none blocks a file. Checked against what the files declare, statically."""

from __future__ import annotations

import textwrap
from pathlib import Path

from dspygen.diagnostics import Code, Level, Sink
from dspygen.frontend import static

SOURCE = """\
import dspy


def answer(question: str) -> str:
    return dspy.Predict("question -> answer")(question=question).answer


def compare(a: str, b: str) -> tuple[str, str]:
    first = dspy.ChainOfThought("text -> summary")(text=a)
    second = dspy.ChainOfThought("text -> summary")(text=b)
    return first.summary, second.summary


class Pipeline(dspy.Module):
    def forward(self, text: str) -> str:
        return run(dspy.Predict("text -> label"), text)


def run(module, text):
    return module(text=text)


stages = [dspy.Predict("a -> b"), dspy.Predict("b -> c")]
dspy.Predict("x -> y")  # at module level, bound to nothing


def named():
    return dspy.Predict("q -> a")  # dspygen: name=Explicit
"""


def read(tmp_path: Path, text: str, name: str = "flows.py") -> tuple[dict[str, str], Sink]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    sink = Sink()
    schema = static.read([path], tmp_path, sink)
    return {s.qualname: s.text for s in schema.signatures}, sink


def test_each_string_signature_is_named_after_where_it_stands(tmp_path: Path) -> None:
    names, sink = read(tmp_path, SOURCE)
    assert names == {
        "answer": "question -> answer",  # the enclosing function
        "first": "text -> summary",  # an assigned variable, as before
        "second": "text -> summary",
        "Pipeline.forward": "text -> label",  # class and method, given as an argument
        "stages": "a -> b",  # in a list: the variable, then the order there
        "stages2": "b -> c",
        "flows": "x -> y",  # module level, bound to nothing: the module's name
        "Explicit": "q -> a",
    }
    [warning] = [d for d in sink.items if d.code is Code.NAME_COLLISION]
    assert warning.level is Level.WARNING
    assert "`stages`" in warning.message and "`stages2`" in warning.message
    assert "# dspygen: name=" in warning.hint
    assert not sink.has_errors


def test_names_are_stable_when_a_later_one_is_added(tmp_path: Path) -> None:
    """Adding a second signature to a function names the new one `f2`; the first keeps `f`."""
    one, _ = read(tmp_path, "import dspy\n\ndef f():\n    return dspy.Predict('a -> b')\n")
    two, sink = read(
        tmp_path, "import dspy\n\ndef f():\n    x = dspy.Predict('a -> b')\n    return dspy.Predict('c -> d')\n"
    )
    assert one == {"f": "a -> b"}
    assert two == {"x": "a -> b", "f": "c -> d"}
    three, sink = read(
        tmp_path, "import dspy\n\ndef f():\n    dspy.Predict('a -> b')\n    return dspy.Predict('c -> d')\n"
    )
    assert three == {"f": "a -> b", "f2": "c -> d"}
    assert [d.code for d in sink.items] == [Code.NAME_COLLISION]


def test_a_name_taken_by_a_class_gets_the_next_one(tmp_path: Path) -> None:
    names, sink = read(
        tmp_path,
        "import dspy\n\nclass QA(dspy.Signature):\n    q: str = dspy.InputField()\n    a: str = dspy.OutputField()\n\n"
        "QA2 = 1\nx = dspy.Predict('q -> a')  # dspygen: name=QA\n",
    )
    assert names == {"QA": "", "QA2": "q -> a"}
    assert [d.code for d in sink.items] == [Code.NAME_COLLISION]
