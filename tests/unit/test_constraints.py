"""Constraints: every spelling the frontend reads gives one `Constrained` node; what cannot be
mirrored is a diagnostic; the lowering's checks and samples follow pydantic's rules."""

from __future__ import annotations

import decimal
import textwrap
from pathlib import Path

import pytest

from dspygen.diagnostics import Sink
from dspygen.frontend import constraint_rules, static
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import constraint_samples

INT, FLOAT, STR = t.Primitive("int"), t.Primitive("float"), t.Primitive("str")
HEADER = """
from decimal import Decimal
from typing import Annotated, Optional
from annotated_types import Ge, Gt, Interval, Le, Len, MaxLen, MinLen, MultipleOf
from pydantic import BaseModel, Field, StringConstraints, conint, conlist, constr, condecimal
import pydantic
"""


def read(tmp_path: Path, body: str) -> tuple[nodes.Schema, Sink]:
    path = tmp_path / "m.py"
    path.write_text(HEADER + "\nclass M(BaseModel):\n" + textwrap.indent(textwrap.dedent(body), "    "))
    sink = Sink()
    return static.read([path], tmp_path, sink), sink


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        ("x: int = Field(gt=0)", t.Constrained(INT, gt=0)),
        ("x: Annotated[int, Gt(0)]", t.Constrained(INT, gt=0)),
        ("x: Annotated[int, Field(gt=0)]", t.Constrained(INT, gt=0)),
        ("x: conint(gt=0)", t.Constrained(INT, gt=0)),
        ("x: Annotated[int, Interval(ge=1, lt=5), MultipleOf(2)]", t.Constrained(INT, ge=1, lt=5, multiple_of=2)),
        ("x: Annotated[int, Ge(0)] = Field(le=9)", t.Constrained(INT, ge=0, le=9)),
        ("x: float = Field(ge=-1.5, allow_inf_nan=False)", t.Constrained(FLOAT, ge=-1.5, allow_inf_nan=False)),
        ("x: float = Field(allow_inf_nan=True)", FLOAT),  # the default: no node
        (
            'x: Decimal = Field(gt=Decimal("0.50"), max_digits=4)',
            t.Constrained(t.Primitive("decimal"), gt="0.50", max_digits=4),
        ),
        ("x: condecimal(decimal_places=2)", t.Constrained(t.Primitive("decimal"), decimal_places=2)),
        (
            'x: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^a")]',
            t.Constrained(STR, strip_whitespace=True, to_lower=True, pattern="^a"),
        ),
        ('x: constr(min_length=1, pattern="b")', t.Constrained(STR, min_length=1, pattern="b")),
        ("x: Annotated[list[int], Len(1, 3)]", t.Constrained(t.ListOf(INT), min_length=1, max_length=3)),
        ("x: conlist(int, min_length=1)", t.Constrained(t.ListOf(INT), min_length=1)),
        ("x: list[Annotated[int, Gt(0)]]", t.ListOf(t.Constrained(INT, gt=0))),
        ("x: dict[str, conint(ge=0)]", t.DictOf(STR, t.Constrained(INT, ge=0))),
        ("x: Optional[int] = Field(default=None, ge=5)", t.OptionalOf(t.Constrained(INT, ge=5))),
        ("x: Annotated[bytes, MinLen(1), MaxLen(8)]", t.Constrained(t.Primitive("bytes"), min_length=1, max_length=8)),
    ],
)
def test_every_spelling_gives_one_node(tmp_path: Path, annotation: str, expected: t.Type) -> None:
    schema, sink = read(tmp_path, annotation)
    assert not sink.has_errors, [d.message for d in sink.items]
    assert schema.models[0].fields[0].type == expected


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        ("x: float = Field(min_length=2)", "does not apply to `float`"),
        ("x: int = Field(pattern='a')", "does not apply to `int`"),
        ("x: bool = Field(gt=0)", "does not apply to `bool`"),
        ("x: int = Field(gt=0.5)", "give an integer"),
        ("x: Decimal = Field(strict=True)", "strict=True"),
        ('x: str = Field(pattern=r"(?<=a)b")', "look-around"),
        (r'x: str = Field(pattern=r"(a)\1")', "back-reference"),
        ("x: str = Field(min_length=3, max_length=2)", "no value fits"),
        ("x: int = Field(gt=5, lt=6)", "leave no value"),
        ("x: float = Field(multiple_of=0)", "greater than 0"),
        ("x: Decimal = Field(multiple_of=2)", "not supported yet"),
        ("x: Annotated[str, StringConstraints(to_lower=True, to_upper=True)]", "pick one"),
        ("x: Annotated[str, StringConstraints(ascii_only=True)]", "ascii_only"),
    ],
)
def test_what_cannot_be_mirrored_is_a_diagnostic(tmp_path: Path, annotation: str, message: str) -> None:
    _, sink = read(tmp_path, annotation)
    assert any(message in d.message for d in sink.items), [d.message for d in sink.items]


def test_constraints_merge_and_later_wins() -> None:
    once = constraint_rules.constrain(INT, {"ge": 0})
    assert isinstance(once, t.Constrained)
    assert constraint_rules.constrain(once, {"ge": 2, "le": 9}) == t.Constrained(INT, ge=2, le=9)


def test_decimal_bounds_keep_pydantics_text() -> None:
    assert constraint_rules.constrain(t.Primitive("decimal"), {"gt": decimal.Decimal("1.50")}) == t.Constrained(
        t.Primitive("decimal"), gt="1.50"
    )


@pytest.mark.parametrize(
    ("text", "ok"),
    [("1.00", True), ("12.3", True), ("100", False), ("1E+2", False), ("0.01", False), ("0.000", True), ("-0", True)],
)
def test_decimal_digits_as_pydantic_counts_them(text: str, ok: bool) -> None:
    c = t.Constrained(t.Primitive("decimal"), max_digits=3, decimal_places=1)
    assert constraint_samples.digits_ok(c, decimal.Decimal(text)) is ok


@pytest.mark.parametrize("pattern", [r"^[A-Z]{3}-\d{2}$", r"\w+", r"^(ab|cd)+x?$", r"[^a]b", r"^.{4,}$"])
def test_regex_examples_match(pattern: str) -> None:
    found = [constraint_samples.regex_example(pattern, stretch) for stretch in (0, 1, 5)]
    assert any(f is not None for f in found)


def test_samples_satisfy_string_constraints() -> None:
    c = t.Constrained(STR, strip_whitespace=True, to_upper=True, min_length=3, pattern=r"^[a-z]+$")
    found = constraint_samples.sample(c, "x", "x", "hint")
    assert found is not None
    given, expected = found
    assert isinstance(given, str) and isinstance(expected, str)
    assert given != given.strip() and expected == given.strip().upper()


# -- pydantic's aliases of constraints (PositiveInt, StrictStr, ...) ----------------------------

ALIAS_METADATA = {"Gt": "gt", "Lt": "lt", "Ge": "ge", "Le": "le", "Strict": "strict", "AllowInfNan": "allow_inf_nan"}


@pytest.mark.parametrize("name", sorted(constraint_rules.ALIASES))
def test_constraint_aliases_are_pydantic_s(name: str) -> None:
    """Each alias stands for the primitive and constraints pydantic's own `Annotated` holds."""
    import typing

    import pydantic

    from dspygen.registry import scalars

    base, *metadata = typing.get_args(getattr(pydantic, name))
    assert getattr(pydantic.types, name) is getattr(pydantic, name)
    given = {ALIAS_METADATA[type(m).__name__]: getattr(m, ALIAS_METADATA[type(m).__name__]) for m in metadata}
    primitive, expected = constraint_rules.ALIASES[name]
    assert scalars.scalar(primitive).python.where == ("builtins", base.__name__)
    assert given == expected


@pytest.mark.parametrize("name", sorted(set(constraint_rules.ALIASES) - {"StrictBytes"}))
def test_constraint_aliases_build_the_node_field_builds(tmp_path: Path, name: str) -> None:
    primitive, given = constraint_rules.ALIASES[name]
    field = ", ".join(f"{k}={v!r}" for k, v in given.items())
    schema, sink = read(
        tmp_path, f"a: pydantic.{name}\nb: {primitive} = Field({field})\nc: list[pydantic.types.{name}]\n"
    )
    assert sink.items == []
    a, b, c = (f.type for f in schema.models[0].fields)
    assert a == b and c == t.ListOf(b) and isinstance(a, t.Constrained | t.Primitive)


def test_constraint_aliases_merge_with_field_and_annotated(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path, "a: Annotated[pydantic.PositiveInt, Field(lt=10)]\nb: pydantic.NonPositiveFloat = Field(ge=-1)\n"
    )
    assert sink.items == []
    a, b = (f.type for f in schema.models[0].fields)
    assert a == t.Constrained(INT, gt=0, lt=10) and b == t.Constrained(FLOAT, le=0, ge=-1)


def test_strict_bytes_is_the_diagnostic_field_strict_gives(tmp_path: Path) -> None:
    _, alias = read(tmp_path, "a: pydantic.StrictBytes\n")
    _, field = read(tmp_path, "a: bytes = Field(strict=True)\n")
    assert len(alias.items) == len(field.items) == 1
    assert field.items[0].message.endswith(alias.items[0].message)  # the Field one names the type first


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        ("Annotated[int, pydantic.Strict()]", t.Constrained(INT, strict=True)),
        ("Annotated[int, pydantic.types.Strict(True), Gt(0)]", t.Constrained(INT, strict=True, gt=0)),
        ("Annotated[int, pydantic.Strict(strict=False)]", INT),
        ("Annotated[float, pydantic.AllowInfNan(False)]", t.Constrained(FLOAT, allow_inf_nan=False)),
        ("Annotated[float, pydantic.AllowInfNan()]", FLOAT),
    ],
)
def test_pydantic_flag_metadata(tmp_path: Path, annotation: str, expected: t.Type) -> None:
    """`Strict()` and `AllowInfNan(...)`, the metadata pydantic's own aliases are made of."""
    schema, sink = read(tmp_path, f"x: {annotation}\n")
    assert sink.items == []
    assert schema.models[0].fields[0].type == expected
