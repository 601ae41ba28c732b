"""frontend/literals.py: literal expressions evaluated from their syntax, as Python evaluates them.

Every expression accepted must have the value `eval` gives it; the ones refused are those a
reader must not take (f-strings, byte strings, names, calls, arithmetic where not asked for).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest
from repo_files import python_files

from dspygen.diagnostics import Sink
from dspygen.frontend import literals, static
from dspygen.frontend.class_syntax import int64
from dspygen.ir import nodes
from dspygen.ir import types as t

# source -> accepted by `value` (no arithmetic), by `number(arithmetic=True)`
CASES = {
    "5": (True, True),
    "-5": (True, True),
    "(5)": (True, True),
    "-(-5)": (True, True),
    "--5": (True, True),
    "+5": (False, True),
    "2**3": (False, True),
    "2**64 - 1": (False, True),
    "-(2**63)": (False, True),
    "3 * 4 + 1": (False, True),
    "2 ** -1": (False, False),
    "2 ** 300": (False, False),
    "2 * 1.5": (False, False),
    "1.5": (True, True),
    "-1e3": (True, True),
    "+1.5": (False, True),
    "'a'": (True, False),
    "'a' 'b'": (True, False),
    "r'\\d'": (True, False),
    "b'a'": (False, False),
    "f'a'": (False, False),
    "True": (True, False),
    "None": (True, False),
    "-True": (False, False),
    "[1, 'a', (None,)]": (True, False),
    "()": (True, False),
    "{}": (True, False),
    "{'a': 1}": (False, False),
    "[*x]": (False, False),
    "x": (False, False),
    "f()": (False, False),
}


def json_like(value: object) -> object:
    """A tuple default is a JSON array."""
    return [json_like(v) for v in value] if isinstance(value, list | tuple) else value


@pytest.mark.parametrize("source", CASES)
def test_values_are_pythons(source: str) -> None:
    node = cst.parse_expression(source)
    plain, arithmetic = CASES[source]
    found, value = literals.value(node)
    assert found is plain
    if found:
        assert value == json_like(eval(source))  # a literal: never a name or a call
    number = literals.number(node, arithmetic=True)
    assert (number is not None) is arithmetic
    if number is not None:
        assert number == eval(source)


def test_strings_only_plain() -> None:
    assert literals.string(cst.parse_expression("'a' 'b'")) == "ab"
    assert literals.string(cst.parse_expression("b'a'")) is None
    assert literals.string(cst.parse_expression("f'{x}'")) is None
    assert literals.string(cst.parse_expression("'a' f'{x}'")) is None
    assert literals.string(None) is None


def test_int64_narrows_to_an_int_within_64_bits() -> None:
    assert int64(cst.parse_expression("-(2**63)")) is None  # no arithmetic in an Enum's value
    assert int64(cst.parse_expression(str(-(2**63)))) == -(2**63)
    assert int64(cst.parse_expression(str(2**63))) is None
    assert int64(cst.parse_expression("1.0")) is None
    assert int64(cst.parse_expression("--5")) == 5


def read(tmp_path: Path, source: str) -> nodes.Schema:
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    sink = Sink()
    schema = static.read([path], tmp_path, sink)
    assert not sink.has_errors, [d.message for d in sink.items]
    return schema


def test_nested_minus_in_an_enum_a_literal_and_a_length_setting(tmp_path: Path) -> None:
    """Since the one evaluator (issue 13): `--5` is 5 in an Enum's value, in Literal[...] and in
    a `str_max_length` setting, as Python says, where each once took one minus sign only."""
    schema = read(
        tmp_path,
        """
        import enum
        from typing import Literal
        from pydantic import BaseModel, ConfigDict

        class Level(enum.Enum):
            LOW = --5
            HIGH = -(-7)

        class M(BaseModel):
            model_config = ConfigDict(str_max_length=--5)
            x: Literal[--5, -3, "a"]
            s: str
        """,
    )
    (level,) = schema.enums
    assert [m.value for m in level.members] == [5, 7]
    (model,) = schema.models
    fields = {f.name: f.type for f in model.fields}
    assert fields["x"] == t.LiteralOf((5, -3, "a"))
    assert fields["s"] == t.Constrained(t.STR, max_length=5)


class _Strings(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.SimpleString] = []

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.found.append(node)


STRING_EDGES = ['"a"', "'a'", 'r"a\\\\b"', 'R"x"', 'u"é"', 'b"x"', 'rb"x"', '"""a"""', "'''a\nb'''", '"\\x41"', '""']


def test_strings_read_as_python_reads_them() -> None:
    """literals.string takes a literal without escapes or line breaks from between its quotes:
    the same value as evaluating it, on every string literal of the repository."""
    finder = _Strings()
    for text in STRING_EDGES:
        cst.parse_expression(text).visit(finder)
    for path in python_files(("fixtures", "codegen", "tests")):
        try:
            cst.parse_module(path.read_text(encoding="utf-8")).visit(finder)
        except (cst.ParserSyntaxError, RecursionError, UnicodeDecodeError):
            continue
    assert len(finder.found) > 4000
    for node in finder.found:
        value = node.evaluated_value
        assert literals.string(node) == (value if isinstance(value, str) else None), node.value
