"""lower/routes.py: which models cross into Python built directly, which are validated, and why.

That the direct route builds what `model_validate` builds is proven against pydantic by
tests/types (test_every_model_differential.py, test_construct_route.py); here, the decision.
"""

from __future__ import annotations

import pytest

from dspygen.diagnostics import Span
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import routes

SPAN = Span("models.py", 1, 1)
INT, FLOAT, BOOL = t.Primitive("int"), t.Primitive("float"), t.Primitive("bool")


def model(*types: t.Type, **settings: object) -> nodes.Model:
    fields = tuple(nodes.ModelField(f"f{i}", ty, None, None, None, SPAN) for i, ty in enumerate(types))
    extra = settings.pop("extra", "ignore")
    assert extra in ("ignore", "forbid", "allow")
    return nodes.Model("m.M", "M", "m", "M", None, fields, extra, SPAN, **settings)  # type: ignore[arg-type]


def keys(m: nodes.Model) -> list[str]:
    return [f'"{f.name}"' for f in m.fields]


VALIDATED = "Into Python: validated by `model_validate` (inside another validated model, in its one validation)"

AS_STORED = [
    t.STR,
    INT,
    FLOAT,
    BOOL,
    t.OptionalOf(t.STR),
    t.ListOf(t.OptionalOf(INT)),
    t.DictOf(t.STR, t.ListOf(FLOAT)),
    t.LiteralOf(("a", "b")),
    t.Named("m.Color"),  # an Enum member or an instance of a model: whatever its own route
    t.ListOf(t.Named("m.Item")),
]

CONVERTED = [
    t.Constrained(INT, ge=0),  # a hand-built Rust value may break it: pydantic checks
    t.Constrained(t.STR, strip_whitespace=True),
    t.TupleOf((INT, t.STR)),  # a list from Rust, a tuple in pydantic
    t.TupleOf((INT,), variadic=True),
    t.SetOf(t.STR),
    t.DictOf(INT, t.STR),
    t.LiteralOf((1, 2)),
    t.UnionOf((INT, t.STR)),
    t.Primitive("datetime"),
    t.Primitive("decimal"),
    t.OptionalOf(t.ListOf(t.TupleOf((INT,), variadic=True))),
]


@pytest.mark.parametrize("ty", AS_STORED, ids=t.shown)
def test_fields_rust_holds_as_pydantic_stores_them_are_built_directly(ty: t.Type) -> None:
    m = model(t.STR, ty)
    route = routes.route(m, keys(m))
    assert route.construct
    assert route.new == '::dspygen_runtime::ModelRoute::new(&["f0", "f1"], &["f0", "f1"])'
    assert "built without validating again" in route.doc


@pytest.mark.parametrize("ty", CONVERTED, ids=t.shown)
def test_a_field_pydantic_converts_or_checks_is_validated(ty: t.Type) -> None:
    route = routes.route(model(t.STR, ty), ['"f0"', '"f1"'])
    assert not route.construct and not route.new
    why = f"pydantic converts or checks `f1` ({t.shown(ty)})"
    assert route.doc == f"{VALIDATED}, as {why}."
    assert route.nests


@pytest.mark.parametrize(
    ("settings", "why"),
    [
        ({"extra": "allow"}, 'extra="allow" keeps its extras'),
        ({"root": True}, "a RootModel"),
        ({"validated": ("f0",)}, "pydantic validators run on it"),
        ({"validated": ("",)}, "pydantic validators run on it"),
    ],
)
def test_what_pydantic_runs_itself_is_validated(settings: dict[str, object], why: str) -> None:
    m = model(t.STR, **settings)
    route = routes.route(m, keys(m))
    assert not route.construct
    assert route.doc == f"{VALIDATED}, as {why}."


def test_a_generic_models_instantiation_inside_is_validated() -> None:
    """The class Rust builds (`Page[None]`) need not be the one pydantic made for the field."""
    m = model(t.Named("m.Page[int]"))
    assert routes.route(m, keys(m)).construct
    route = routes.route(m, keys(m), frozenset({"m.Page[int]"}))
    assert not route.construct
    assert "`f0`" in route.doc


def test_a_strict_model_is_validated_alone() -> None:
    """pydantic's strict mode takes a nested model only as an instance: no data tree."""
    route = routes.route(model(t.Constrained(INT, ge=0), strict=True), ['"f0"'])
    assert not route.construct and not route.nests
    assert route.doc.startswith("Into Python: validated alone by `model_validate` (strict), as ")


def test_aliased_keys_are_what_model_validate_reads_when_it_falls_back() -> None:
    m = model(t.STR, INT)
    assert routes.route(m, ['"fZero"', '"f1"']).new == (
        '::dspygen_runtime::ModelRoute::new(&["f0", "f1"], &["fZero", "f1"])'
    )
