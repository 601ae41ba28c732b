"""Differential tests of field constraints against pydantic, through the generated
`constraints_rs` module (fixtures/constraints, built by `make bindings`).

Each family sends values on both sides of every boundary (hypothesis, plus the edges
written out) through `roundtrip_json` (JSON -> Rust -> JSON): Rust must accept exactly
what pydantic accepts, and write back byte-identical JSON (strip_whitespace / to_lower /
to_upper applied as pydantic applies them). Accepted values also go Python -> Rust ->
Python and must come back equal; an instance that breaks a constraint (built with
`model_construct`, which skips validation) must be refused by the Rust conversion.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import support
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import BaseModel

support.fixtures_on_path()

import constraints_rs as native  # noqa: E402  (built by `make bindings`: maturin develop)
from constraints import models as m  # noqa: E402

SETTINGS = support.family_settings("CONSTRAINTS_EXAMPLES", 300)  # more: CONSTRAINTS_EXAMPLES=5000
# How many values each family ran, how many pydantic accepted, and how many disagreed.
RUNS: Counter[str] = Counter()
ACCEPTED: Counter[str] = Counter()
MISMATCHES: Counter[str] = Counter()
NOT_IDEMPOTENT: Counter[str] = Counter()  # values pydantic accepts once but not again (transforms)

NUMBERS: dict[str, Any] = {
    "positive": 1,
    "percent": 50,
    "even": 2,
    "step": 5,
    "big": 7,
    "ratio": 0.5,
    "scale": 0.0,
    "tenth": 0.3,
    "finite": 1.5,
    "price": "12.34",
    "rate": "1.5",
    "count": 10,
    "weight": 2.5,
}
TEXTS: dict[str, Any] = {
    "name": "n",
    "code": "ABC-12",
    "slug": "a-b",
    "shout": "hey",
    "word": "w",
    "short": "abc",
    "blob": "b",
}
COLLECTIONS: dict[str, Any] = {
    "tags": ["t"],
    "ids": [1],
    "scores": {},
    "pair": [1, 2],
    "items": [1],
    "positives": [1],
    "counts": {"a": 0},
    "names": ["ab"],
}


_pydantic = support.pydantic_json  # (cls, data, strict=None): JSON, or None when pydantic rejects
_rust = support.rust_side(native)  # (type_name, data): JSON, or None when Rust rejects


def differential(family: str, cls: type[BaseModel], base: dict[str, Any], field: str, value: Any) -> None:
    """`value` (a JSON value) as `field` of `cls`: Rust must agree with pydantic byte for byte."""
    data = json.dumps({**base, field: value}, ensure_ascii=False)
    RUNS[family] += 1
    expected, got = _pydantic(cls, data), _rust(cls.__name__, data)
    if field in UNORDERED:  # a set's order is Python's hash order: compare the items
        expected, got = _sorted(expected, field), _sorted(got, field)
    if expected != got:
        MISMATCHES[family] += 1
    assert got == expected, f"{family}: {data}"
    if expected is not None:
        ACCEPTED[family] += 1
        instance = cls.model_validate_json(data)
        if _sorted(_pydantic(cls, expected), field) != expected:
            # pydantic refuses its own output (`"aaaaaaaß"` upper-cased is 9 characters, over max_length=8):
            # Rust hands values back through `model_validate`, so this value cannot come back either.
            NOT_IDEMPOTENT[family] += 1
            return
        back = native.roundtrip(instance)
        assert back == instance, f"{family}: {data}"
        assert _sorted(back.model_dump_json(), field) == expected


UNORDERED = {"ids"}


def _sorted(text: str | None, field: str) -> str | None:
    """`text` with the set `field` sorted, when `field` is a set."""
    if text is None or field not in UNORDERED:
        return text
    data = json.loads(text)
    data[field] = sorted(data[field])
    return json.dumps(data)


def refused(family: str, cls: type[BaseModel], base: dict[str, Any], field: str, value: Any) -> None:
    """An instance holding `value`, which pydantic refuses, built without validation: Rust refuses it too."""
    RUNS[family + " (construct)"] += 1
    valid = cls.model_validate_json(json.dumps(base))
    broken = cls.model_construct(**{**dict(valid), field: value})
    with pytest.raises(ValueError):
        native.roundtrip(broken)


report = support.report_fixture(
    RUNS, [(ACCEPTED, "accepted"), (MISMATCHES, "mismatches")], optional=[(NOT_IDEMPOTENT, "pydantic refuses again")]
)


def near(*points: float) -> st.SearchStrategy[float]:
    """Floats at, just inside and just outside each point."""
    import math

    edges = [v for p in points for v in (p, math.nextafter(p, math.inf), math.nextafter(p, -math.inf))]
    return st.sampled_from(edges) | st.floats(min(points) - 2, max(points) + 2, allow_nan=False)


# -- numbers --------------------------------------------------------------------------


@SETTINGS
@given(st.integers(-3, 3), st.integers(-3, 103), st.integers(-15, 15), st.integers(-2, 1002))
@example(0, -1, -10, 0).via("the edges")
@example(1, 101, 10, 1001).via("the edges")
def test_int_bounds(positive: int, percent: int, step: int, count: int) -> None:
    differential("int bounds", m.Numbers, NUMBERS, "positive", positive)
    differential("int bounds", m.Numbers, NUMBERS, "percent", percent)
    differential("int multiple_of", m.Numbers, NUMBERS, "step", step)
    differential("int bounds", m.Numbers, NUMBERS, "count", count)


@SETTINGS
@given(st.sampled_from([-1, 0, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63)]) | st.integers(-5, 2**64 + 5))
def test_int_bounds_wide(big: int) -> None:
    differential("int bounds", m.Numbers, NUMBERS, "big", big)


@SETTINGS
@given(st.integers(-(2**63), 2**63 - 1) | st.integers(-9, 9))
def test_int_multiple_of(even: int) -> None:
    differential("int multiple_of", m.Numbers, NUMBERS, "even", even)


@SETTINGS
@given(near(0.0, 1.0), near(-1.5, 2.5), near(0.0))
def test_float_bounds(ratio: float, scale: float, weight: float) -> None:
    differential("float bounds", m.Numbers, NUMBERS, "ratio", ratio)
    differential("float bounds", m.Numbers, NUMBERS, "scale", scale)
    differential("float bounds", m.Numbers, NUMBERS, "weight", weight)


@SETTINGS
@given(
    st.integers(-(10**6), 10**6),
    st.sampled_from([0.0, 1e-9, -1e-9, 1e-10, 2e-9, 5e-10, 0.05, 0.01, 1e-8]),
)
def test_float_multiple_of(k: int, eps: float) -> None:
    differential("float multiple_of", m.Numbers, NUMBERS, "tenth", k * 0.1 + eps)


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_multiple_of_any(value: float) -> None:
    differential("float multiple_of", m.Numbers, NUMBERS, "tenth", value)


def test_allow_inf_nan() -> None:
    for text in ("Infinity", "-Infinity", "NaN", "1e308", "1e309"):
        data = json.dumps({k: v for k, v in NUMBERS.items() if k != "finite"})[:-1] + f', "finite": {text}}}'
        RUNS["allow_inf_nan"] += 1
        assert (_rust("Numbers", data) is None) == (_pydantic(m.Numbers, data) is None), data


# Trailing zeros, exponents, leading zeros after the point, and values at each limit.
DECIMAL_EDGES = "0 -0 0.000 1.00 9999.99 10000 10000.00 9999.999 0.001 1E+3 1E+4 1E-2 12.340 -0.01 0.5 0.50"
DECIMAL_EDGES += " 0.5000000001 10 10.0 10.0000001 1E+1 0.50E+1 -1E-5 123456.7 +5 5. .5 1e1 NaN Infinity 1_000"
decimal_texts = st.decimals(allow_nan=False, allow_infinity=False).map(str) | st.sampled_from(DECIMAL_EDGES.split())


@SETTINGS
@given(decimal_texts)
def test_decimal_digits_and_bounds(text: str) -> None:
    differential("decimal digits", m.Numbers, NUMBERS, "price", text)
    differential("decimal bounds", m.Numbers, NUMBERS, "rate", text)


@SETTINGS
@given(st.sampled_from([0.5, 0.5000000000000001, 10.0, 10, 1, 0.49999999999999994]) | st.floats(0, 11))
def test_decimal_bounds_from_json_numbers(value: float) -> None:
    differential("decimal bounds", m.Numbers, NUMBERS, "rate", value)


@SETTINGS
@given(st.none() | st.integers(3, 7))
def test_optional_bounds(value: int | None) -> None:
    differential("int bounds", m.Numbers, NUMBERS, "maybe", value)


# -- strings and bytes ----------------------------------------------------------------

# Letters, a combining accent, an emoji (two UTF-16 units, one code point), spaces of several kinds
chars = st.sampled_from(list("aZé\u0301😀 \t\n\u00a0\u2003-_9٣ßİ"))
texts = st.lists(chars, max_size=24).map("".join)


@SETTINGS
@given(texts)
def test_str_lengths(text: str) -> None:
    differential("str length", m.Texts, TEXTS, "name", text)
    differential("str length", m.Texts, TEXTS, "short", text)
    differential("str length", m.Texts, TEXTS, "note", text)


@SETTINGS
@given(st.from_regex(r"^[A-Z]{3}-\d{2}$") | texts | st.from_regex(r"[A-Z]{2,4}-\d{1,3}"))
@example("ABC-12\n").via("`$` does not match before a final newline in Rust's regex")
@example("ABC-٣٣").via("\\d is Unicode")
def test_pattern(text: str) -> None:
    differential("pattern", m.Texts, TEXTS, "code", text)
    differential("pattern", m.Texts, TEXTS, "word", text)


@SETTINGS
@given(texts | st.from_regex(r"\s*[A-Za-z0-9-]{0,6}\s*", fullmatch=True))
def test_str_transforms(text: str) -> None:
    differential("str transforms", m.Texts, TEXTS, "slug", text)
    differential("str transforms", m.Texts, TEXTS, "shout", text)


@SETTINGS
@given(texts)
def test_bytes_lengths(text: str) -> None:
    differential("bytes length", m.Texts, TEXTS, "blob", text)


# -- collections ----------------------------------------------------------------------

small = st.integers(-2, 3)


@SETTINGS
@given(
    st.lists(st.text(max_size=2), max_size=5),
    st.lists(small, max_size=7),
    st.dictionaries(st.text(max_size=2), small, max_size=4),
    st.lists(small, max_size=4),
)
def test_collection_lengths(tags: list[str], ids: list[int], scores: dict[str, int], pair: list[int]) -> None:
    differential("collection length", m.Collections, COLLECTIONS, "tags", tags)
    differential("collection length", m.Collections, COLLECTIONS, "ids", ids)  # duplicates count once
    differential("collection length", m.Collections, COLLECTIONS, "scores", scores)
    differential("collection length", m.Collections, COLLECTIONS, "pair", pair)
    differential("collection length", m.Collections, COLLECTIONS, "items", pair)


@SETTINGS
@given(
    st.lists(small, max_size=4),
    st.dictionaries(st.text(max_size=2), small, max_size=3),
    st.lists(texts, max_size=3),
)
def test_constrained_items(positives: list[int], counts: dict[str, int], names: list[str]) -> None:
    differential("items in containers", m.Collections, COLLECTIONS, "positives", positives)
    differential("items in containers", m.Collections, COLLECTIONS, "counts", counts)
    differential("items in containers", m.Collections, COLLECTIONS, "names", names)


@SETTINGS
@given(
    st.lists(texts, max_size=3),
    st.tuples(small, texts) | st.lists(small, max_size=3),
    st.none() | st.lists(st.text(max_size=2), max_size=4),
)
def test_constrained_items_in_optionals_and_tuples(
    lowered: list[str], point: Any, maybe_tags: list[str] | None
) -> None:
    differential("items in containers", m.Collections, COLLECTIONS, "lowered", lowered)  # stripped, lowered
    differential("items in containers", m.Collections, COLLECTIONS, "point", list(point))
    differential("collection length", m.Collections, COLLECTIONS, "maybe_tags", maybe_tags)


# -- Python objects that break a constraint --------------------------------------------


@pytest.mark.parametrize(
    ("cls", "base", "field", "value"),
    [
        (m.Numbers, NUMBERS, "positive", 0),
        (m.Numbers, NUMBERS, "even", 3),
        (m.Numbers, NUMBERS, "ratio", 1.0),
        (m.Numbers, NUMBERS, "tenth", 0.35),
        (m.Numbers, NUMBERS, "finite", float("inf")),
        (m.Numbers, NUMBERS, "price", Decimal("0.001")),
        (m.Numbers, NUMBERS, "rate", Decimal("0.5")),
        (m.Texts, TEXTS, "name", ""),
        (m.Texts, TEXTS, "code", "abc-12"),
        (m.Texts, TEXTS, "blob", b"123456789"),
        (m.Collections, COLLECTIONS, "tags", []),
        (m.Collections, COLLECTIONS, "positives", [1, 0]),
        (m.Collections, COLLECTIONS, "names", ["toolong"]),
    ],
)
def test_unvalidated_instances_are_refused(cls: type[BaseModel], base: dict[str, Any], field: str, value: Any) -> None:
    refused("python objects", cls, base, field, value)


def test_rust_built_values_go_back_through_pydantic() -> None:
    """Rust hands values to pydantic with `model_validate`: one that breaks a constraint is refused there."""
    valid = m.Texts.model_validate_json(json.dumps(TEXTS))
    back = native.roundtrip(valid)
    assert back == valid
    RUNS["rust to python"] += 1
    with pytest.raises(ValueError, match="validation error"):
        m.Texts.model_validate({**dict(valid), "name": ""})


def test_error_names_field_and_constraint() -> None:
    data = json.dumps({**NUMBERS, "ratio": 0})
    with pytest.raises(ValueError, match="ratio: Input should be greater than 0"):
        native.roundtrip_json("Numbers", data)
    data = json.dumps({**TEXTS, "code": "nope"})
    with pytest.raises(ValueError, match="code: String should match pattern"):
        native.roundtrip_json("Texts", data)


@SETTINGS
@given(
    st.integers(-(10**22), 10**22) | st.integers(-(10**17), 10**17),
    st.sampled_from([0.0, 1e-9, -1e-9, 1.0000001e-9, 0.9999999e-9, 1e-10, 2e-9, 0.05]),
)
@example(4195833844361112, 0.05).via("a quotient ending in .5: Rust's round() takes it away from zero")
@example(-3216705459795027, 0.0).via("far from zero, where floats step by 1/16")
def test_float_multiple_of_far_from_zero(k: int, eps: float) -> None:
    differential("float multiple_of", m.Numbers, NUMBERS, "tenth", k * 0.1 + eps)


STRICT_BASE: dict[str, Any] = {"count": 1, "bounded": 0, "ratio": 0.5, "name": "n"}
STRICT_EDGES: list[tuple[str, Any]] = [
    *[("count", v) for v in (1, -1, 1.0, True, "1", None, 2**63 - 1)],  # beyond i64: the README's range rule
    *[("bounded", v) for v in (0, -1, 1.0, "0", False)],
    *[("ratio", v) for v in (1, 1.5, -0.0, "1.5", True, None)],
    *[("name", v) for v in ("x", "", 5, True, None, ["x"])],
    *[("counts", v) for v in ([1, 2], [0], ["1"], [1.0], [True], [])],
]


@pytest.mark.parametrize(("field", "value"), STRICT_EDGES)
def test_strict_fields_accept_what_strict_pydantic_accepts(field: str, value: Any) -> None:
    """`strict=True` fields: no lax excuse here, Rust must decide exactly as pydantic does."""
    data = json.dumps({**STRICT_BASE, field: value})
    expected, got = _pydantic(m.StrictValues, data), _rust("StrictValues", data)
    assert got == expected, data
    if expected is not None:
        instance = m.StrictValues.model_validate_json(data)
        assert native.roundtrip(instance) == instance


# -- pydantic's aliases of constraints (PositiveInt, StrictStr, ...) ---------------------------

ALIASED: dict[str, Any] = {
    "positive": 1,
    "negative": -1,
    "non_negative": 0,
    "non_positive": 0,
    "ratio": 0.5,
    "debt": -0.5,
    "size": 0.0,
    "loss": 0.0,
    "finite": 1.5,
    "name": "n",
    "count": 1,
    "flag": True,
    "weight": 0.5,
}
ALIAS_INT_FIELDS = ("positive", "negative", "non_negative", "non_positive", "capped")
ALIAS_FLOAT_FIELDS = ("ratio", "debt", "size", "loss", "finite", "maybe")


@SETTINGS
@given(st.sampled_from(ALIAS_INT_FIELDS), st.integers(-3, 12) | st.integers(-(2**63), 2**63 - 1))
def test_int_aliases(field: str, value: int) -> None:
    """PositiveInt (gt=0), NegativeInt (lt=0), NonNegativeInt, NonPositiveInt, and one under Field(lt=10)."""
    differential("int aliases", m.Aliased, ALIASED, field, value)
    differential("int aliases", m.Aliased, ALIASED, "sizes", [value, 0])


@SETTINGS
@given(st.sampled_from(ALIAS_FLOAT_FIELDS), near(0.0) | st.floats(allow_nan=False, allow_infinity=False))
def test_float_aliases(field: str, value: float) -> None:
    """PositiveFloat, NegativeFloat, NonNegativeFloat, NonPositiveFloat, FiniteFloat: at and around 0."""
    differential("float aliases", m.Aliased, ALIASED, field, value)


ALIAS_EDGES: list[tuple[str, Any]] = [
    *[("finite", v) for v in ("inf", "-inf", "NaN", "Infinity", 1e308, -0.0)],
    *[("ratio", v) for v in (0, 1, -0.0, 5e-324, None)],  # not strict: lax strings are the README's lax-only gap
    *[("name", v) for v in ("x", "", 5, True, None, ["x"])],
    *[("count", v) for v in (1, -1, 1.0, True, "1", None)],
    *[("flag", v) for v in (True, False, 1, 0, "true", "false", None, 1.0)],
    *[("weight", v) for v in (1, 1.5, "1.5", True, None)],
    *[("exact", v) for v in (1, -1, 1.0, True, "1", None)],
    *[("bounded", v) for v in (1, 1.5, "inf", "NaN", 1e308, None)],
]


@pytest.mark.parametrize(("field", "value"), ALIAS_EDGES)
def test_alias_edges(field: str, value: Any) -> None:
    """Strict aliases: no lax excuse, Rust decides exactly as pydantic does; FiniteFloat refuses
    pydantic's inf and NaN spellings."""
    differential("alias edges", m.Aliased, ALIASED, field, value)


RUBRIC = {"weights": {"a": 1.0}, "threshold": 0.5}
RUBRIC_EDGES: list[tuple[str, Any]] = [
    # model-wide allow_inf_nan=False: every float refuses inf and NaN, in lists too
    *[("threshold", v) for v in ("inf", "-inf", "NaN", "Infinity", 1e308, 0.0)],
    *[("history", v) for v in (["nan"], [1.5, "-Infinity"], [1e308])],
    *[("weights", {"a": v}) for v in ("inf", "NaN", 1.5)],
    # stripped and lowered keys: a changed key moves; two keys that become one keep the later
    # value in the earlier place; a key left empty breaks min_length=1; fewer keys than min_length
    ("weights", {" A ": 1.0, "b": 2.0, "a": 3.0}),
    ("weights", {"b": 1.0, " B": 2.0, "c": 3.0, "C\n": 4.0}),
    ("weights", {"ß": 1.0, "İ": 2.0, "Σ": 3.0}),
    ("weights", {"  ": 1.0}),
    ("weights", {}),
    ("weights", {"x": 1.0, " X": "inf"}),
    ("note", "  Kept  "),
]


@pytest.mark.parametrize(("field", "value"), RUBRIC_EDGES)
def test_model_settings_edges(field: str, value: Any) -> None:
    """`ConfigDict(allow_inf_nan=False, str_strip_whitespace=True)` and keys pydantic changes."""
    differential("model settings", m.Rubric, RUBRIC, field, value)
