"""frontend/transforms.py computes what DSPy's signature algebra builds; the real dspy is the oracle.

Each case is a module: a prelude of signatures, then `X = <transform>`. The static frontend reads
it without running it; the same file is then imported with the real dspy, and X's fields (names,
roles, order, types, desc, prefix, IS_TYPE_UNDEFINED) and instructions must be equal. Where DSPy
raises, the static frontend must report an error and produce no signature.
"""

from __future__ import annotations

import importlib
import itertools
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dspygen.diagnostics import Code, Level, Sink, render
from dspygen.frontend import importing, static
from dspygen.frontend.dspy_rules import RESERVED_FIELDS
from dspygen.frontend.introspect import Introspector
from dspygen.ir import types as t

PRELUDE = '''
import dspy
from enum import Enum
from typing import Literal, Optional

from pydantic import BaseModel


class Item(BaseModel):
    name: str


class Color(str, Enum):
    RED = "red"
    BLUE = "blue"


class QA(dspy.Signature):
    """Answer the question.

        An indented line."""

    question: str = dspy.InputField(desc="the question")
    context: list[str] = dspy.InputField()
    answer: str = dspy.OutputField(prefix="A>")
    score: float = dspy.OutputField()


class Bare(dspy.Signature):
    a = dspy.InputField()
    b = dspy.OutputField()


S = dspy.Signature("x, y: int -> z: list[str]")
SI = dspy.Signature("x -> z", "Do it.")
'''

COUNTER = itertools.count()
RESULTS = {"cases": 0, "mismatches": 0, "dspy_raised": 0}


def _static(path: Path, name: str) -> tuple[dict[str, Any] | None, Sink]:
    sink = Sink()
    schema = static.read([path], path.parent, sink)
    found = [s for s in schema.signatures if s.qualname == name and s.module == path.stem]
    if not found:
        return None, sink
    sig = found[0]
    fields = [(f.name, f.role, f.type, f.desc, f.prefix, f.type_undefined) for f in sig.fields]
    return {"form": sig.form, "instructions": sig.instructions, "fields": fields}, sink


def _real(path: Path, name: str) -> dict[str, Any] | BaseException:
    sys.path.insert(0, str(path.parent))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = importlib.import_module(path.stem)
    except Exception as exc:
        return exc
    finally:
        sys.path.remove(str(path.parent))
    cls = getattr(module, name)
    intro = Introspector(path.parent, [])
    fields = []
    for role, table in (("input", cls.input_fields), ("output", cls.output_fields)):
        for fname, info in table.items():
            extra = info.json_schema_extra
            ftype: t.Type = intro.convert(info.annotation)
            fields.append(
                (fname, role, ftype, extra["desc"], extra["prefix"], bool(extra.get("IS_TYPE_UNDEFINED", False)))
            )
    return {"form": "derived", "instructions": cls.instructions, "fields": fields}


def check(expression: str, setup: str = "") -> None:
    """Static result of `X = expression` against the real dspy (after `setup` statements)."""
    folder = Path(tempfile.mkdtemp(prefix="dspygen_transform_"))
    path = folder / f"transform_case_{next(COUNTER)}.py"
    path.write_text(f"{PRELUDE}\n{setup}\nX = {expression}\n")
    by_static, sink = _static(path, "X")
    real = _real(path, "X")
    RESULTS["cases"] += 1
    errors = [render(d) for d in sink.items if d.level is Level.ERROR]
    if isinstance(real, BaseException):
        RESULTS["dspy_raised"] += 1
        if by_static is not None or not errors:
            RESULTS["mismatches"] += 1
        assert by_static is None, f"DSPy raised {real!r}, dspygen read {by_static}"
        assert errors, f"DSPy raised {real!r}, dspygen reported nothing"
        return
    if by_static != real or errors:
        RESULTS["mismatches"] += 1
    assert errors == []
    assert by_static == real


CASES = [
    # instructions
    'QA.with_instructions("New instructions.")',
    'QA.with_instructions(instructions="Keyword.")',
    'QA.with_instructions("")',
    'QA.with_instructions("""\n    Indented\n      more\n    end\n""")',
    'QA.append_instructions("More.")',
    "QA.with_instructions(None)",
    "QA.append_instructions(None)",
    'dspy.make_signature({"a": dspy.InputField(), "b": dspy.OutputField()}, None)',
    'QA.append_instructions("""\n    Indented\n      more\n""")',
    'Bare.append_instructions("More.")',
    'Bare.with_instructions("")',
    'S.append_instructions("More.")',
    'SI.with_instructions("")',
    # append / prepend / insert
    'QA.append("items", dspy.OutputField(desc="d"), type_=list[Item])',
    'QA.append("color", dspy.InputField(), type_=Color)',
    'QA.append("opt", dspy.OutputField(), type_=Optional[int])',
    'QA.append("opt2", dspy.OutputField(), type_=int | None)',
    'QA.append("lit", dspy.OutputField(), type_=Literal["a", "b"])',
    'QA.append("table", dspy.OutputField(), type_=dict[str, list[int]])',
    'QA.append("plain", dspy.OutputField())',
    'QA.append("none_type", dspy.OutputField(), type_=None)',
    'QA.append("camelCaseName", dspy.OutputField())',
    'QA.append("HTMLParser2", dspy.InputField())',
    'QA.append(name="kw", field=dspy.OutputField(), type_=list[str])',
    'QA.append("described", dspy.OutputField(description="from description"))',
    'QA.append("both", dspy.OutputField(desc="desc wins", description="not this"))',
    'QA.append("prefixed", dspy.InputField(prefix="Custom >"))',
    'QA.prepend("p", dspy.OutputField())',
    'QA.prepend("p", dspy.InputField(prefix="P!"))',
    'QA.insert(0, "m", dspy.InputField())',
    'QA.insert(1, "m", dspy.InputField())',
    'QA.insert(2, "m", dspy.InputField())',
    'QA.insert(-1, "m", dspy.OutputField())',
    'QA.insert(-2, "m", dspy.OutputField())',
    'QA.insert(-3, "m", dspy.OutputField())',
    'QA.insert(index=1, name="m", field=dspy.OutputField(), type_=bool)',
    'QA.insert(1, "m", dspy.OutputField(), bool)',
    'QA.insert(3, "m", dspy.InputField())',  # DSPy: ValueError
    'QA.insert(-4, "m", dspy.InputField())',  # DSPy: ValueError
    'QA.append("m", dspy.InputField(), str, "extra")',  # DSPy: TypeError
    'QA.delete(field="m")',  # DSPy: TypeError
    "QA.delete()",  # DSPy: TypeError
    'QA.append("question", dspy.OutputField(desc="dup"))',  # replaces the input, keeps its place
    'QA.append("answer", dspy.InputField(desc="dup"))',  # the output, later, wins
    'QA.prepend("score", dspy.InputField())',
    'Bare.append("c", dspy.InputField())',
    'S.append("w", dspy.OutputField())',
    'SI.prepend("ctx", dspy.InputField(), type_=list[Item])',
    'dspy.Signature("a -> b").append("c", dspy.InputField())',
    'dspy.Signature("a, b: int -> c", "Instr.").prepend("d", dspy.OutputField())',
    'dspy.make_signature("a -> b: list[int]").append("c", dspy.OutputField())',
    # delete
    'QA.delete("context")',
    'QA.delete("nope")',
    'QA.delete("answer").delete("score")',
    'QA.delete("question").delete("context").delete("answer").delete("score")',
    'S.delete("x")',
    # with_updated_fields
    'QA.with_updated_fields("answer", desc="D")',
    'QA.with_updated_fields("answer", prefix="P:")',
    'QA.with_updated_fields("answer", desc="D", prefix="P:", type_=int)',
    'QA.with_updated_fields("context", type_=list[Item])',
    'QA.with_updated_fields("context", type_=None)',
    'QA.with_updated_fields("nope", desc="x")',  # DSPy: KeyError
    'Bare.with_updated_fields("a", type_=int)',  # IS_TYPE_UNDEFINED stays
    'S.with_updated_fields("y", desc="why")',
    # dicts
    'dspy.make_signature({"a": (int, dspy.InputField()), "b": dspy.OutputField()})',
    'dspy.make_signature({"a": (int, dspy.InputField()), "b": dspy.OutputField()}, "Inst.")',
    'dspy.make_signature({"a": dspy.InputField(), "b": (None, dspy.OutputField())})',
    'dspy.make_signature({"a": dspy.InputField()}, instructions="x", signature_name="Foo")',
    'dspy.make_signature({"a": dspy.InputField(), "b": (list[Item], dspy.OutputField(desc="items"))})',
    'dspy.Signature({"b": dspy.OutputField(), "a": dspy.InputField()})',
    'dspy.Signature({"b": dspy.OutputField(), "a": dspy.InputField()}, "")',
    'dspy.Signature({"a": dspy.InputField(), "a": dspy.OutputField()})',
    'dspy.Signature({"a": dspy.InputField()}).append("z", dspy.OutputField())',
    # chains
    'QA.prepend("p", dspy.InputField()).append("q2", dspy.OutputField()).delete("answer").with_instructions("C.")',
    'QA.with_instructions("").append("extra", dspy.OutputField())',
    'Bare.delete("b").with_instructions("")',
    'QA.append_instructions("One.").append_instructions("Two.")',
    # names DSPy or pydantic refuse
    'QA.append("instructions", dspy.InputField())',
    'QA.append("input_fields", dspy.OutputField())',
    'QA.append("model_dump", dspy.OutputField())',
    'QA.append("model_validate_json", dspy.OutputField())',
    'QA.append("_private", dspy.OutputField())',
    'dspy.make_signature({"signature": dspy.InputField(), "b": dspy.OutputField()})',
]


@pytest.mark.parametrize("expression", CASES)
def test_transform_matches_dspy(expression: str) -> None:
    check(expression)


@pytest.mark.parametrize(
    ("setup", "expression"),
    [
        ('A = QA.append("extra", dspy.OutputField(desc="e"))', 'A.delete("answer")'),
        ('A = QA.with_instructions("A.")', 'A.append_instructions("B.")'),
        (
            'A = dspy.make_signature({"a": dspy.InputField(), "b": dspy.OutputField()})',
            'A.prepend("c", dspy.InputField())',
        ),
        (
            'A = QA.append("e", dspy.OutputField())\nB = A.append("f", dspy.OutputField())',
            'B.insert(0, "g", dspy.OutputField())',
        ),
        ('NOTE = "from a constant"', "QA.with_instructions(NOTE)"),
        (
            'import contextlib\nwith contextlib.suppress(Exception):\n    A = QA.append("e", dspy.OutputField())',
            "A.delete('question')",
        ),
        ('if True:\n    A = QA.with_instructions("In an if.")', 'A.append("e", dspy.OutputField())'),
        ('NOTE = "from a constant"', 'QA.append("n", dspy.OutputField(desc=NOTE))'),
    ],
)
def test_transform_of_a_variable_matches_dspy(setup: str, expression: str) -> None:
    check(expression, setup)


def _read(source: str) -> Sink:
    folder = Path(tempfile.mkdtemp(prefix="dspygen_transform_"))
    path = folder / f"transform_case_{next(COUNTER)}.py"
    path.write_text(f"{PRELUDE}\n{source}\n")
    sink = Sink()
    static.read([path], folder, sink)
    return sink


@pytest.mark.parametrize(
    "source",
    [
        'X = QA\nfor name in ["a", "b"]:\n    X = X.append(name, dspy.OutputField())',
        'FIELDS = {"a": (str, dspy.InputField()), "b": (str, dspy.OutputField())}\nX = dspy.make_signature(FIELDS)',
        'name = "k"\nname = "j"\nX = QA.append(name, dspy.OutputField())',
        'def field():\n    return dspy.OutputField()\nX = QA.append("k", field())',
        'X = QA.insert(len("ab"), "k", dspy.OutputField())',
        'X = type("X", (dspy.Signature,), {"__doc__": "d"})',
        'X = dspy.make_signature({**{"a": dspy.InputField()}, "b": dspy.OutputField()})',
        'kw = {"desc": "d"}\nX = QA.with_updated_fields("answer", **kw)',
        'def build():\n    s = QA\n    for n in "ab":\n        s = s.append(n, dspy.OutputField())\n'
        "    return s\nX = build()",
    ],
)
def test_data_driven_signatures_warn_and_name_the_importing_frontend(source: str) -> None:
    sink = _read(source)
    dynamic = [d for d in sink.items if d.code is Code.DYNAMIC_SIGNATURE]
    assert len(dynamic) == 1, [render(d) for d in sink.items]
    assert dynamic[0].level is Level.WARNING
    assert "--frontend import" in dynamic[0].hint
    assert not sink.has_errors


def test_the_importing_frontend_reads_what_the_static_one_leaves_out() -> None:
    """fixtures/transforms/dynamic.py: each data-driven signature, from the real class."""
    root = Path(__file__).resolve().parents[2]
    path = root / "fixtures" / "transforms" / "dynamic.py"
    sink = Sink()
    schema = importing.read([path], root, sink)
    assert [render(d) for d in sink.items] == []
    found = {s.qualname: s for s in schema.signatures if s.form == "derived"}
    fields = {name: [(f.name, f.role) for f in sig.fields] for name, sig in found.items()}
    assert fields == {
        "Described": [
            ("document", "input"),
            ("summary", "output"),
            ("title", "output"),
            ("year", "output"),
            ("cited", "output"),
        ],
        "FromSpec": [("claim", "input"), ("holds", "output")],
        "Typed": [("text", "input"), ("tags", "output")],
        "Report": [("document", "input"), ("summary", "output"), ("author", "output"), ("published", "output")],
    }
    assert found["Described"].fields[4].type == t.ListOf(t.Named("transforms.models:Passage"))
    assert found["FromSpec"].instructions == "Check the claim."
    assert found["FromSpec"].fields[1].desc == "true when it holds"
    static_sink = Sink()
    by_static = static.read([path, path.with_name("models.py")], root, static_sink)
    assert {s.qualname for s in by_static.signatures} == {"Base"}
    warned = sorted(d.span.line for d in static_sink.items if d.code is Code.DYNAMIC_SIGNATURE and d.span)
    assert warned == [21, 25, 28, 48]


def test_literal_transforms_inside_functions_are_not_signatures_of_the_module() -> None:
    """Left out with a warning (no module-level name holds it), unless a module-level name is
    assigned from the function, which is where the warning then points."""
    sink = _read('def build():\n    return QA.append("k", dspy.OutputField())\n')
    assert [d.code for d in sink.items] == [Code.DYNAMIC_SIGNATURE]
    assert "no module-level name holds it" in sink.items[0].message
    sink = _read('def build():\n    return QA.append("k", dspy.OutputField())\nX = build()\n')
    assert [d.code for d in sink.items] == [Code.DYNAMIC_SIGNATURE]
    assert "which the function `build` builds" in sink.items[0].message


def test_only_the_end_of_a_chain_needs_an_output_field() -> None:
    sink = _read('X = dspy.Signature("question ->").append("answer", dspy.OutputField())\n')
    assert sink.items == []
    sink = _read('X = QA.delete("answer").delete("score")\n')
    assert [(d.code, d.message) for d in sink.items] == [
        (Code.EMPTY_SIGNATURE, "the signature `X` has no output field")
    ]


def test_functions_that_build_no_signature_are_left_alone() -> None:
    """`.append` on a list, called at module level through a function: no signature, no warning."""
    sink = _read("def build():\n    out = []\n    out.append(1)\n    return out\nX = build()\nY = [].append(2)\n")
    assert sink.items == []


NAMES = ["question", "context", "answer", "score", "extra", "camelName", "x2"]
TYPES = ["str", "int", "list[str]", "Item", "Optional[int]", "Color", "dict[str, float]"]
TEXTS = ["", "Plain.", "Two\n\n    indented\n  lines", 'quote \\" and {braces}']


@st.composite
def _operation(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["append", "prepend", "insert", "delete", "update", "with", "append_i"]))
    name = draw(st.sampled_from(NAMES))
    text = draw(st.sampled_from(TEXTS))
    if kind == "delete":
        return f".delete({name!r})"
    if kind == "with":
        return f".with_instructions({text!r})"
    if kind == "append_i":
        return f".append_instructions({text!r})"
    type_ = draw(st.none() | st.sampled_from(TYPES))
    if kind == "update":
        desc = draw(st.none() | st.sampled_from(TEXTS))
        args = [repr(name)] + ([f"type_={type_}"] if type_ else []) + ([f"desc={desc!r}"] if desc is not None else [])
        return f".with_updated_fields({', '.join(args)})"
    role = draw(st.sampled_from(["InputField", "OutputField"]))
    desc = draw(st.none() | st.sampled_from(TEXTS))
    field = f"dspy.{role}({f'desc={desc!r}' if desc is not None else ''})"
    tail = f", type_={type_}" if type_ else ""
    if kind == "insert":
        return f".insert({draw(st.integers(-4, 4))}, {name!r}, {field}{tail})"
    return f".{kind}({name!r}, {field}{tail})"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(base=st.sampled_from(["QA", "Bare", "S", "SI"]), ops=st.lists(_operation(), min_size=1, max_size=4))
def test_random_chains_match_dspy(base: str, ops: list[str]) -> None:
    check(base + "".join(ops))


@st.composite
def _dict_signature(draw: st.DrawFn) -> str:
    entries = []
    for name in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4)):
        role = draw(st.sampled_from(["InputField", "OutputField"]))
        desc = draw(st.none() | st.sampled_from(TEXTS))
        field = f"dspy.{role}({f'desc={desc!r}' if desc is not None else ''})"
        type_ = draw(st.sampled_from([None, "None", *TYPES]))
        entries.append(f"{name!r}: {field if type_ is None else f'({type_}, {field})'}")
    builder = draw(st.sampled_from(["dspy.make_signature", "dspy.Signature"]))
    instructions = draw(st.none() | st.sampled_from(TEXTS))
    tail = "" if instructions is None else f", {instructions!r}"
    return f"{builder}({{{', '.join(entries)}}}{tail})"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(signature=_dict_signature(), ops=st.lists(_operation(), max_size=2))
def test_random_dict_signatures_match_dspy(signature: str, ops: list[str]) -> None:
    check(signature + "".join(ops))


# Names next to the reserved ones that DSPy and pydantic accept (some with a shadowing warning).
ACCEPTED = ["model_fields", "model_copy", "model_dump_foo", "json", "copy", "schema", "dict", "append", "demos"]


@pytest.mark.parametrize("name", sorted(RESERVED_FIELDS) + ACCEPTED)
def test_reserved_field_names_are_exactly_those_dspy_rejects(name: str) -> None:
    """RESERVED_FIELDS against the real dspy, in each form a field can be declared in."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import dspy

        forms = [
            lambda: dspy.Signature(f"{name} -> b"),
            lambda: dspy.Signature("a -> b").append(name, dspy.OutputField()),
            lambda: dspy.make_signature({name: (str, dspy.InputField()), "b": dspy.OutputField()}),
            lambda: type(dspy.Signature)(
                "C", (dspy.Signature,), {"__annotations__": {name: str}, name: dspy.InputField(), "__module__": "m"}
            ),
        ]
        rejected = []
        for make in forms:
            try:
                make()
            except Exception:
                rejected.append(True)
            else:
                rejected.append(False)
    assert rejected == [name in RESERVED_FIELDS] * len(forms)
    check(f"QA.append({name!r}, dspy.OutputField(), type_=int)")


def test_report_counts() -> None:
    """Runs last in this module: the figures for the report (cases, mismatches, where DSPy raised)."""
    print(f"\ntransforms vs dspy: {RESULTS}")
    assert RESULTS["mismatches"] == 0
