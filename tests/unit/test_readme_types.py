"""The README's type support table, checked against the code so that it cannot drift.

Each row is found by the start of its Python column. For most rows the Python column's first
backticked spelling is put, as written, into a model `M` as the annotation of field `f` (the
placeholders `T`, `A`, `B`, `E`, `Item`, `Page` are classes defined beside it), the file goes
through the static frontend and the lowering, and the Rust type the code emits for `f` must be the
Rust column's first backticked type (with `<Owner><Field>` read as `MF`). A check may name
another spelling of the row and the type the row gives it (`frozenset[T]`); such a type must be
spelled in the row too, unless the row says it in words (`a unit enum`). Rows about a model
option check the attribute the code emits; rows that describe no Rust type of their own say why.

Every IR type kind, every primitive and every DSPy type must be covered by some row, so a new
kind without a README row fails here. The README's list of JSON compared canonically (not
byte for byte) must be the list the differential tests use (tests/types/support.py).
"""

from __future__ import annotations

import re
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dspygen.diagnostics import Sink
from dspygen.frontend import static
from dspygen.ir import types as t
from dspygen.lower.crate import CrateOptions, lower
from dspygen.registry import scalars as registry

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

PRELUDE = """\
from __future__ import annotations

import enum
import typing
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, Optional, Tuple, TypeVar, Union

import dspy
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue, NaiveDatetime, RootModel, computed_field

P = TypeVar("P")


class T(str, enum.Enum):  # hashable, so that `set[T]` is supported too
    X = "x"


class A(BaseModel):
    kind: Literal["a"] = "a"
    a: int = 0


class B(BaseModel):
    kind: Literal["b"] = "b"
    b: str = ""


class E(str, enum.Enum):
    X = "x"


class I(enum.IntEnum):
    ONE = 1


class Item(BaseModel):
    title: str = ""


class Page(BaseModel, Generic[P]):
    items: list[P] = []


class Tags(RootModel[list[str]]):
    pass
"""
# The modules of every registered scalar's spellings, so that each row's own spelling resolves
# (before the prelude's `from datetime import datetime`, which must win over `import datetime`).
PRELUDE = PRELUDE.replace(
    "\n\n",
    "\n\n"
    + "".join(
        f"import {m}\n" for m in sorted({n.rpartition(".")[0] for s in registry.SCALARS for n in s.python.names})
    ),
    1,
)


@dataclass(frozen=True)
class Check:
    """How the row whose Python column contains `row` is checked, and what it covers."""

    row: str
    covers: frozenset[str]
    annotation: str | None = None  # default: the Python column's first backticked text
    expected: str | None = None  # default: the Rust column's first backticked type
    config: str = ""  # model_config of M
    attr: str | None = None  # check this attribute text instead of the type
    prelude: str = ""
    why: str = ""  # set when nothing in the code can be compared: the reason
    prose: bool = False  # an `expected` the README describes in words rather than spells
    mapped: dict[str, str] = field(default_factory=dict)


def _c(row: str, *covers: str, **kw: typing.Any) -> Check:
    return Check(row, frozenset(covers), **kw)


# Each registered scalar's row comes from its registry entry (the `readme` facet).
SCALAR_CHECKS = [
    _c(s.readme.row, f"primitive:{s.name}", annotation=s.readme.annotation, expected=s.readme.expected)
    for s in registry.SCALARS
]
CHECKS = [
    *SCALAR_CHECKS,
    _c(
        "`str`, `typing.Text`",
        "primitive:str",
        annotation="dict[typing.Text, typing.Text]",
        expected="IndexMap<String, String>",
        prose=True,
    ),
    _c("`Optional[T]`", "optional"),
    _c(
        "`pydantic.Json[T]`",
        "json",
        annotation="pydantic.Json[list[int]]",
        expected="pytypes::Json<Vec<i64>>",
        prose=True,
    ),
    _c(
        "`pydantic.Json[T]`",
        "json",
        annotation="pydantic.Json",
        expected="pytypes::Json<serde_json::Value>",
        prose=True,
    ),
    _c("`None` (a field", "primitive:none", annotation="None = None", expected="pytypes::NoneType"),
    _c("`Optional[T]`", "optional", annotation="T | None", expected="Option<T>"),
    _c("`A \\| B`, `Union[A, B]` with", "union", annotation='A | B = Field(discriminator="kind")'),
    _c("smart-mode", "union"),
    _c("`list[T]`", "list"),
    _c("`list[T]`", "list", annotation="typing.Sequence[T]", expected="Vec<T>"),
    _c(
        "`list[T]`",
        "list",
        annotation="collections.abc.MutableSequence[T]",
        expected="Vec<T>",
        prelude="import collections.abc",
    ),
    _c("`dict[str, T]`", "dict"),
    _c("`dict[str, T]`", "dict", annotation="typing.Mapping[str, T]", expected="IndexMap<String, T>"),
    _c(
        "`dict[str, T]`",
        "dict",
        annotation="collections.abc.MutableMapping[str, T]",
        expected="IndexMap<String, T>",
        prelude="import collections.abc",
    ),
    _c("`dict[int, T]`", "dict"),
    _c("`dict[E, T]`", "dict"),
    _c("`dict[E, T]`", "dict", annotation='dict[Literal["a", "b"], T]', expected="IndexMap<MF, T>"),
    _c("`tuple[A, B]`", "tuple"),
    _c("`tuple[A, B]`", "tuple", annotation="Tuple[A, B]", expected="(A, B)"),
    _c("`tuple[T, ...]`", "tuple"),
    _c("`set[T]`", "set"),
    _c("`set[T]`", "set", annotation="frozenset[T]", expected="pytypes::FrozenSet<T>"),
    _c('`Literal["a", "b"]`', "literal"),
    _c("`Literal[1, 2]`", "literal", expected="MF", prose=True),
    _c("`Enum` with str values", "named", annotation="E", expected="E", prose=True),
    _c("`Enum` with int values", "named", annotation="I", expected="I", prose=True),
    _c("nested / forward-referenced", "named", annotation="Optional[M]", expected="Option<Box<M>>", prose=True),
    _c("generic models", "named", annotation="Page[Item]"),
    _c("a generic model without arguments", "named", annotation="Page", expected="Page", prose=True),
    _c("`class Tags(RootModel", "named", annotation="Tags", expected="Tags"),
    _c(
        "a class mapped in `types`",
        "mapped",
        annotation="Money",
        prelude="class Money:\n    pass\n",
        mapped={"m.Money": "shop_money::Money"},
        expected="shop_money::Money",
    ),
    _c("`Field(default=...", "default", annotation='str = Field(default="x")', attr="#[serde(default"),
    _c("`Field(alias=", "alias", annotation='str = Field(alias="g")', attr="rename(serialize = "),
    _c(
        "`model_config = ConfigDict(extra=",
        "extra",
        annotation="int",
        config='model_config = ConfigDict(extra="forbid")',
        attr="#[serde(deny_unknown_fields)]",
    ),
    _c("`@computed_field`", "computed", why="a property, not an annotation: tests/types/test_config_differential.py"),
    _c("`frozen=True`", "frozen", why="no effect on the Rust type"),
    *(
        _c(
            "`bytes` (",
            "primitive:bytes",
            annotation="bytes",
            config=f'model_config = ConfigDict(ser_json_bytes="{ser}", val_json_bytes="{val}")',
            expected=f"pytypes::{name}",
        )
        for ser, val, name in [
            ("base64", "base64", "Base64Bytes"),
            ("hex", "hex", "HexBytes"),
            ("base64", "utf8", "Base64ReadUtf8Bytes"),
        ]
    ),
    _c("`int = Field(ge=", "constrained", annotation="int = Field(ge=0, le=2**64 - 1)", expected="u64"),
    _c("`float` with `gt`", "constrained", annotation="float = Field(gt=0, allow_inf_nan=False)"),
    _c("`Decimal` with", "constrained", annotation="Decimal = Field(max_digits=6, decimal_places=2)"),
    _c("`str` with", "constrained", annotation='str = Field(min_length=1, pattern="^a")'),
    _c("`PositiveInt`, `NegativeInt`", "constrained", annotation="pydantic.PositiveInt"),
    _c("`PositiveInt`, `NegativeInt`", "constrained", annotation="pydantic.types.StrictBool", expected="bool"),
    _c(
        "`PositiveInt`, `NegativeInt`",
        "constrained",
        annotation="list[pydantic.FiniteFloat]",
        expected="Vec<f64>",
        prose=True,
    ),
    _c("`bytes`, `list`", "constrained", annotation="list[int] = Field(min_length=1)", expected="Vec<i64>", prose=True),
    _c(
        "constrained items",
        "constrained",
        annotation="list[Annotated[int, Field(gt=0)]]",
        expected="Vec<i64>",
        prose=True,
    ),
    _c(
        "`float` with `ser_json_inf_nan",
        "primitive:float",
        annotation="float",
        config='model_config = ConfigDict(ser_json_inf_nan="strings")',
    ),
    _c(
        "`float` with `ser_json_inf_nan",
        "primitive:float",
        annotation="float",
        config='model_config = ConfigDict(ser_json_inf_nan="constants")',
        expected="pytypes::InfNanConstants",
    ),
    _c("`model_config`: `ser_json_timedelta", "config", why="the defaults: no Rust type of their own"),
    _c("`dspy.Image`", "dspy:Image"),
    _c("`dspy.Audio`", "dspy:Audio"),
    _c("`dspy.Audio`", "dspy:File", annotation="dspy.File", expected="dspy_types::File"),
    _c("`dspy.History`", "dspy:History"),
    _c("`dspy.Code`", "dspy:Code"),
    _c(
        "`dspy.Code`",
        "dspy:Code",
        annotation='dspy.Code["python"]',
        expected="dspy_types::Code<lang::Python>",
    ),
    _c("`dspy.Reasoning`", "dspy:Reasoning"),
    _c("`dspy.ToolCalls`", "dspy:ToolCalls"),
    _c(
        "`dspy.ToolCalls`",
        "dspy:ToolCalls.ToolCall",
        annotation="dspy.ToolCalls.ToolCall",
        expected="dspy_types::ToolCall",
    ),
    _c("`dspy.ToolCallResults`", "dspy:ToolCallResults"),
    _c(
        "`dspy.ToolCallResults`",
        "dspy:ToolCallResults.ToolCallResult",
        annotation="dspy.ToolCallResults.ToolCallResult",
        expected="dspy_types::ToolCallResult",
    ),
    _c("`dspy.Tool`", "dspy:Tool", why="a diagnostic (it holds a Python function)"),
]


@dataclass(frozen=True)
class Row:
    python: str
    rust: str
    fidelity: str


def table() -> list[Row]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Type support", 1)[1]
    rows: list[Row] = []
    for line in section.splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) == 3 and cells[0] not in ("Python", "---"):
            rows.append(Row(*cells))
    return rows


def _row(phrase: str) -> Row:
    rows = table()
    found = [r for r in rows if r.python == phrase] or [r for r in rows if r.python.startswith(phrase)]
    assert len(found) == 1, f"{len(found)} README type rows have a Python column starting with {phrase!r}"
    return found[0]


def _first_code(cell: str) -> str:
    match = re.search(r"`([^`]+)`", cell)
    assert match, cell
    return match.group(1).replace("\\|", "|")


def _rust_type(cell: str) -> str:
    """The Rust column's first backticked text as a type: `pytypes::Date(chrono::NaiveDate)` is
    the newtype `pytypes::Date`, `pytypes::Time { ... }` the struct `pytypes::Time`."""
    code = _first_code(cell).replace("<Owner><Field>", "MF")
    code = re.split(r" \{|: ", code, maxsplit=1)[0]
    if not code.startswith("(") and "(" in code:
        code = code.split("(", 1)[0]
    return code.strip()


@dataclass(frozen=True)
class Lowered:
    rust_type: str
    attrs: tuple[str, ...]
    errors: tuple[str, ...]


def lowered(check: Check, annotation: str, tmp: Path) -> Lowered:
    """The Rust type and attributes the code emits for `f: annotation` in a model `M`, and the
    errors reported on the way."""
    source = tmp / "m.py"
    body = f"    {check.config}\n" if check.config else ""
    source.write_text(
        f"{PRELUDE}\n{check.prelude}\n\nclass M(BaseModel):\n{body}    f: {annotation}\n", encoding="utf-8"
    )
    sink = Sink()
    schema = static.read([source], tmp, sink, frozenset(check.mapped))
    view = lower(schema, CrateOptions("readme_rs", "out", "readme_rs", dict(check.mapped)), sink)
    errors = tuple(d.message for d in sink.items if d.level.value == "error")
    model = next((m for m in view.models if m.ident == "M"), None)
    if model is None:
        return Lowered("", (), errors)
    f = next((f for f in model.fields if f.python_name == "f"), None)
    if f is None:
        return Lowered("", (), errors)
    return Lowered(f.shown_type, (*model.serde_attrs, *f.attrs), errors)


@pytest.mark.parametrize("check", CHECKS, ids=[f"{c.row}->{','.join(sorted(c.covers))}" for c in CHECKS])
def test_row_matches_the_code(check: Check, tmp_path: Path) -> None:
    row = _row(check.row)
    if check.why:
        return  # the row exists; what it says has no Rust type to compare (see `why`)
    annotation = check.annotation or _first_code(row.python)
    got = lowered(check, annotation, tmp_path)
    assert not got.errors, f"{annotation}: {got.errors}"
    if check.attr is not None:
        assert any(check.attr in a for a in got.attrs), f"{annotation}: {check.attr!r} not in {got.attrs}"
        return
    expected = check.expected or _rust_type(row.rust)
    if check.expected is not None and not check.prose:  # an override must be a type the row names
        spans = re.findall(r"`([^`]+)`", row.rust.replace("<Owner><Field>", "MF"))
        short = expected.rsplit("::", 1)[-1]
        assert any(sp.startswith((expected, short)) for sp in spans), f"`{expected}` is not in the row: {row.rust}"
    assert got.rust_type == expected, f"README: `{annotation}` -> `{expected}`; the code emits `{got.rust_type}`"


def test_dspy_tool_is_a_diagnostic(tmp_path: Path) -> None:
    got = lowered(_c("`dspy.Tool`"), "dspy.Tool", tmp_path)
    assert got.errors


def _kinds() -> set[str]:
    kinds = {cls.kind for cls in typing.get_args(t.Type)} - {"primitive"}
    kinds |= {f"primitive:{n}" for n in typing.get_args(t.PrimitiveName)}
    dspy_names = getattr(t, "DspyTypeName", None)
    if dspy_names is not None:
        kinds |= {f"dspy:{n}" for n in typing.get_args(dspy_names)}
        kinds.discard("dspy")
    return kinds


def test_every_type_kind_has_a_row() -> None:
    covered = set().union(*(c.covers for c in CHECKS))
    missing = _kinds() - covered
    assert not missing, f"IR type kinds with no README row (add one, and a Check here): {sorted(missing)}"


def test_every_check_names_a_row() -> None:
    for check in CHECKS:
        _row(check.row)


def test_canonical_comparisons_are_listed() -> None:
    """The README's list of JSON compared canonically is the one the differential tests use."""
    sys.path.insert(0, str(ROOT / "tests" / "types"))
    import support

    text = README.read_text(encoding="utf-8")
    section = text.split("### Compared canonically", 1)[1].split("\n#", 1)[0]
    listed = {m.group(1) for m in re.finditer(r"^- `([^`]+)`", section, re.MULTILINE)}
    assert listed == set(support.CANONICAL), (listed, set(support.CANONICAL))
