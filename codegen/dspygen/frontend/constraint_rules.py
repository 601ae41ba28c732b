"""Frontend stage: which pydantic constraints apply to which types, shared by both frontends.

The static frontend reads constraints from `Field(...)`, `Annotated[T, ...]` metadata and
`conint(...)`-style calls; the importing one from `FieldInfo.metadata`. Both hand them here
as a name -> value dict, so they build the same `Constrained` node and refuse the same things.
A constraint pydantic would refuse (`min_length` on a float) or that Rust cannot mirror
(`strict`, a look-around pattern) is an error message, never a silently dropped check.
"""

from __future__ import annotations

import decimal
import math
from typing import Any

from dspygen.frontend import regex_rules
from dspygen.ir import types as t
from dspygen.registry import scalars

BOUNDS = ("ge", "gt", "le", "lt")
LENGTHS = ("min_length", "max_length")
STRING = ("pattern", "strip_whitespace", "to_lower", "to_upper")
# Every argument name the frontends read as a constraint (Field, StringConstraints, con*()).
KNOWN = frozenset(t.CONSTRAINT_KEYS) | {"ascii_only"}
# What each kind of value takes: a scalar's constraints are in its registry entry.
APPLIES: dict[str, frozenset[str]] = {
    **{s.name: s.constraints.applies for s in scalars.SCALARS if s.constraints.applies},
    "collection": frozenset(LENGTHS),  # list, set, frozenset, dict, tuple[T, ...]
}
# pydantic's aliases of constraints (`PositiveInt = Annotated[int, Gt(0)]`, `StrictStr =
# Annotated[str, Strict()]`), by the name each is exported as: the primitive and the constraints
# it stands for, so that it builds the very node `Field(...)` would (the importing frontend sees
# the Annotated itself). tests/unit/test_constraint_aliases.py checks them against pydantic.
ALIASES: dict[str, tuple[str, dict[str, object]]] = {
    "PositiveInt": ("int", {"gt": 0}),
    "NegativeInt": ("int", {"lt": 0}),
    "NonNegativeInt": ("int", {"ge": 0}),
    "NonPositiveInt": ("int", {"le": 0}),
    "PositiveFloat": ("float", {"gt": 0}),
    "NegativeFloat": ("float", {"lt": 0}),
    "NonNegativeFloat": ("float", {"ge": 0}),
    "NonPositiveFloat": ("float", {"le": 0}),
    "FiniteFloat": ("float", {"allow_inf_nan": False}),
    "StrictStr": ("str", {"strict": True}),
    "StrictInt": ("int", {"strict": True}),
    "StrictBool": ("bool", {"strict": True}),
    "StrictFloat": ("float", {"strict": True}),
    "StrictBytes": ("bytes", {"strict": True}),
}
ALIAS_SYMBOLS = {f"{module}.{name}": name for name in ALIASES for module in ("pydantic", "pydantic.types")}
# A model's settings that constrain every scalar of a kind its fields hold (pydantic builds each
# such validator of the model with them): setting -> (scalar, constraint) pairs.
SCALAR_SETTINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "str_strip_whitespace": (("str", "strip_whitespace"),),
    "str_to_lower": (("str", "to_lower"),),
    "str_to_upper": (("str", "to_upper"),),
    "str_min_length": (("str", "min_length"),),
    "str_max_length": (("str", "max_length"),),
    "allow_inf_nan": (("float", "allow_inf_nan"), ("decimal", "allow_inf_nan")),
}
# What a scalar does without the setting (pydantic-core's defaults): no constraint to add.
UNSET: dict[tuple[str, str], object] = {("float", "allow_inf_nan"): True, ("decimal", "allow_inf_nan"): False}


def family(ty: t.Type) -> str | None:
    if isinstance(ty, t.Primitive) and ty.name in APPLIES:
        return ty.name
    if isinstance(ty, t.ListOf | t.SetOf | t.DictOf) or (isinstance(ty, t.TupleOf) and ty.variadic):
        return "collection"
    return None


def plain_value(value: Any) -> Any:
    """A constraint value as the IR keeps it: a Decimal as its `str`."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def constrain(ty: t.Type, given: dict[str, Any]) -> t.Type | str:
    """`ty` under the constraints `given` (names as pydantic spells them), or why it cannot be."""
    given = {k: plain_value(v) for k, v in given.items() if v is not None}
    if not given:
        return ty
    if isinstance(ty, t.OptionalOf):
        inner = constrain(ty.inner, given)
        return inner if isinstance(inner, str) else t.OptionalOf(inner)
    base, earlier = (ty.inner, ty.given()) if isinstance(ty, t.Constrained) else (ty, {})
    merged = {**earlier, **given}  # the later constraint wins, as pydantic merges them
    kind = family(base)
    shown = t.shown(base)
    for key, value in merged.items():
        problem = _check(key, value, kind, shown)
        if problem is not None:
            return problem
    if merged.get("allow_inf_nan") is True and kind == "float":
        del merged["allow_inf_nan"]  # a float allows inf and NaN already
    if kind == "decimal" and merged.pop("allow_inf_nan", False):  # False: a Decimal's default, dropped
        return "`allow_inf_nan=True` on a Decimal is not supported yet"
    if merged.get("min_length") == 0:
        del merged["min_length"]  # any length (`Len(0, 4)`; conlist writes 0 where none is given)
    for flag in ("strict", "strip_whitespace", "to_lower", "to_upper"):
        if merged.get(flag) is False:
            del merged[flag]  # the default
    if merged.get("to_lower") and merged.get("to_upper"):
        return "`to_lower` and `to_upper` together: pick one"
    if not merged:
        return base
    out = t.Constrained(base, **merged)
    empty = _empty(out)
    return empty if empty is not None else out


# Where pydantic's strict JSON mode reads what serde reads anyway, `strict=True` needs no check
# of its own (the registry's `strict_as_serde`, measured per scalar).
STRICT_AS_SERDE = frozenset(s.name for s in scalars.SCALARS if s.constraints.strict_as_serde)


def _check(key: str, value: Any, kind: str | None, shown: str) -> str | None:
    if key not in KNOWN:
        return f"`{key}` is not a constraint dspygen knows"
    if key == "ascii_only":
        return "`ascii_only` is not supported yet"
    if key == "strict" and value is True and kind not in STRICT_AS_SERDE:
        return "`strict=True` is not supported yet here: the Rust side reads this type as pydantic's lax mode does"
    if kind is None or key not in APPLIES[kind]:
        return f"`{key}` does not apply to `{shown}` (pydantic refuses it too)"
    if key in BOUNDS or key == "multiple_of":
        if kind == "int" and (type(value) is not int):
            return f"`{key}={value!r}` on an int: give an integer"
        if kind == "decimal" and key == "multiple_of":
            return "`multiple_of` on a Decimal is not supported yet"
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return f"`{key}={value!r}` is not a number"
        if isinstance(value, float) and not math.isfinite(value):
            return f"`{key}={value!r}` is not a finite number"
        if isinstance(value, str) and kind != "decimal":
            return f"`{key}={value!r}`: a Decimal bound needs a Decimal field"
        if key == "multiple_of" and not (decimal.Decimal(value) if isinstance(value, str) else value) > 0:
            return f"`multiple_of={value!r}` must be greater than 0 (pydantic refuses it too)"
    elif key in {*LENGTHS, "max_digits", "decimal_places"}:
        if type(value) is not int or value < 0:
            return f"`{key}={value!r}`: give a non-negative integer"
    elif key == "pattern":
        if not isinstance(value, str):
            return "`pattern` must be a string"
        return pattern_problem(value)
    elif type(value) is not bool:
        return f"`{key}={value!r}`: give True or False"
    return None


def pattern_problem(pattern: str) -> str | None:
    """Why pydantic (its Rust `regex` crate) would not compile `pattern`, if it would not."""
    return regex_rules.problem(pattern)


def _empty(c: t.Constrained) -> str | None:
    """A message when the constraints leave no value at all (pydantic would reject them all)."""
    if c.min_length is not None and c.max_length is not None and c.min_length > c.max_length:
        return f"min_length={c.min_length} is above max_length={c.max_length}: no value fits"
    if isinstance(c.inner, t.Primitive) and c.inner.name == "int":
        low, high = c.interval()
        if low is not None and high is not None and low > high:
            return f"the bounds leave no value (from {low} to {high})"
    return None


# What a model's `strict=True` leaves as Rust reads it: the types serde reads as pydantic's strict
# JSON mode does (the registry's `strict_as_serde`), and values without a strict form.
STRICT_LEAVES = STRICT_AS_SERDE | {"none", "any", "json_value"}


def strict_problem(ty: t.Type) -> str | None:
    """Why a model's `strict=True` cannot be mirrored on a field of type `ty` (a scalar Rust reads
    as pydantic's lax mode does), or None. Models inside have their own configuration."""
    if isinstance(ty, t.Primitive) and ty.name not in STRICT_LEAVES:
        return f"the model's `strict=True` on a `{t.shown(ty)}`: Rust reads it as pydantic's lax mode does"
    for child in t.children(ty):
        found = strict_problem(child)
        if found is not None:
            return found
    return None


def with_settings(ty: t.Type, settings: dict[str, object]) -> t.Type | str:
    """`ty` with the model's scalar settings (`SCALAR_SETTINGS`) on every scalar they apply to (not
    inside other models, which have their own configuration); a constraint the field gives itself
    wins. A string: why not."""
    by_scalar: dict[str, dict[str, object]] = {}
    for key, value in settings.items():
        for scalar, constraint in SCALAR_SETTINGS.get(key, ()):
            if value is not None and value != UNSET.get((scalar, constraint), False):
                by_scalar.setdefault(scalar, {})[constraint] = value
    return _with_constraints(ty, by_scalar) if by_scalar else ty


def _with_constraints(ty: t.Type, by_scalar: dict[str, dict[str, object]]) -> t.Type | str:
    if isinstance(ty, t.Primitive) and ty.name in by_scalar:
        return constrain(ty, by_scalar[ty.name])
    if isinstance(ty, t.Constrained) and isinstance(ty.inner, t.Primitive) and ty.inner.name in by_scalar:
        return constrain(ty.inner, {**by_scalar[ty.inner.name], **ty.given()})
    children = []
    for child in t.children(ty):
        new = _with_constraints(child, by_scalar)
        if isinstance(new, str):
            return new
        children.append(new)
    return t.with_children(ty, tuple(children))
