"""Differential tests of unions against pydantic, through the generated `unions_rs` module
(fixtures/unions, built by `make bindings`).

Every union field of the fixture gets many JSON values (hypothesis, plus the edges pydantic's
smart mode is known for, written out) through `roundtrip_json` (JSON -> Rust -> JSON): the
arm Rust picks must write the bytes `model_dump_json()` writes, and input pydantic rejects
(an unknown or missing tag, the wrong shape, a value no arm takes) must be rejected by Rust
too. Valid values also go Python -> Rust -> Python (`roundtrip`) and must come back equal.
Values only pydantic's lax mode takes ("1" or true into `int | float`) must pick the same arm;
the two documented limits (ints beyond i128, floats beyond f64) are asserted as such.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import support
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

support.fixtures_on_path()

import unions_rs as native  # noqa: E402  (built by `make bindings`: maturin develop)
from unions import models as m  # noqa: E402

SETTINGS = support.family_settings("UNIONS_EXAMPLES", 300)  # more: UNIONS_EXAMPLES=5000
RUNS: Counter[str] = Counter()
MISMATCHES: Counter[str] = Counter()
ARMS: Counter[str] = Counter()  # which arm pydantic picked, per family: every arm must be seen

CAT = {"pet_type": "cat", "name": "Tom", "meows": 3}
DOG = {"name": "Rex", "pet_type": "dog", "barks": 1.5}
OWNER: dict[str, Any] = {"pet": CAT}
SMART: dict[str, Any] = {
    "int_or_float": 1,
    "float_or_int": 1,
    "int_or_str": 1,
    "str_or_int": "a",
    "bool_or_int": True,
    "point": {"x": 1},
    "point_first_wide": {"x": 1},
    "list_or_str": "s",
}
SMART_FIELDS = (*SMART, "maybe", "when", "id_or_text", "amount", "color", "items", "table")


_pydantic = support.pydantic_json  # (cls, data, strict=None): JSON, or None when pydantic rejects
_rust = support.rust_side(native)  # (type_name, data): JSON, or None when Rust rejects


def differential(family: str, cls: type[BaseModel], base: dict[str, Any], field: str, value: Any) -> None:
    """`value` (a JSON value) as `field` of `cls`: Rust must agree with pydantic byte for byte."""
    data = json.dumps({**base, field: value})
    RUNS[family] += 1
    expected, got = _pydantic(cls, data), _rust(cls.__name__, data)
    if expected != got:
        MISMATCHES[family] += 1
        print(f"MISMATCH {family}: {data} pydantic={expected} rust={got}")
    assert got == expected, f"{family}: {data}"
    if expected is not None:
        instance = cls.model_validate_json(data)
        ARMS[f"{family}:{_arm(getattr(instance, field))}"] += 1
        back = native.roundtrip(instance)
        assert back == instance, f"{family}: {data}"
        assert back.model_dump_json() == expected


def _arm(value: Any) -> str:
    if isinstance(value, list) and value:
        return f"list[{type(value[0]).__name__}]"
    return type(value).__name__


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    for line in support.family_lines(RUNS, [(MISMATCHES, "mismatches")]):
        print(line)
    print("arms picked:", dict(sorted(ARMS.items())))


# JSON values of every shape: most fields take some and reject the rest.
i128 = st.integers(min_value=-(2**127), max_value=2**127 - 1)  # an `int` arm of a union is an i128
i64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)  # a model's `int` field is an i64 (README)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
words = st.text(alphabet="abcxyz é01.:-T", max_size=8)
numeric_text = st.one_of(i128.map(str), floats.map(repr))
datetimes = st.datetimes().map(lambda d: d.isoformat())
uuids = st.uuids().map(str)
scalars = st.one_of(i128, floats, st.booleans(), st.none(), words, numeric_text, datetimes, uuids)
points = st.fixed_dictionaries({"x": i64 | floats}, optional={"y": i64 | words, "z": st.booleans()})
# Inside a list or dict an `int` is a plain i64 (beyond it Rust refuses by design, as the README
# says), whether written as a number or as text lax mode reads; only a union's own `int` arm is an i128.
item_numeric_text = st.one_of(i64.map(str), floats.map(repr))
item_scalars = st.one_of(i64, floats, st.booleans(), st.none(), words, item_numeric_text, datetimes, uuids)
values = st.one_of(
    scalars, st.lists(item_scalars, max_size=3), points, st.dictionaries(words, item_scalars, max_size=2)
)


# -- smart mode ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", SMART_FIELDS)
@SETTINGS
@given(value=values)
def test_smart_unions(field: str, value: Any) -> None:
    differential(f"smart.{field}", m.Smart, SMART, field, value)


SMART_EDGES: list[tuple[str, Any]] = [
    *[("int_or_float", v) for v in (1, 1.0, 1e20, -0.0, 2**70, -(2**100), 2**63, 2**64, 0, 10.5)],
    *[("float_or_int", v) for v in (1, 1.0, 1e20, 2**70, -0.0)],
    *[("int_or_str", v) for v in ("1", 1, "", "a", 2**70)],
    *[("str_or_int", v) for v in ("1", 1, "x")],
    *[("bool_or_int", v) for v in (True, False, 1, 0, 2)],
    *[("point", v) for v in ({"x": 1}, {"x": 1, "y": 2}, {"y": 2}, {"x": 1, "y": "a"}, {"x": 1, "z": 2})],
    *[("point_first_wide", v) for v in ({"x": 1}, {"x": 1, "y": 2}, {"y": 2})],
    *[("list_or_str", v) for v in ([1], [], "s", ["a"], [1.5], {"a": 1})],
    *[("maybe", v) for v in (None, 1, "a", 1.5, [])],
    *[("when", v) for v in ("2020-01-01T00:00:00", "2020-01-01", "never", 5, 5.5, "12:00")],
    *[("id_or_text", v) for v in ("12345678-1234-5678-1234-567812345678", "x", 1)],
    *[("amount", v) for v in (1, 1.5, "1.5", "x", 2**40, "1e3")],  # beyond u64: a known Decimal limit
    *[("color", v) for v in ("red", "blue", "green", 1)],
    *[("items", v) for v in ([1, "a", 2**70], [True], [1.5], "a")],
    *[("table", v) for v in ({"a": True}, {"a": 1}, {"a": 1.5}, {"a": "x"})],
]


@pytest.mark.parametrize(("field", "value"), SMART_EDGES)
def test_smart_union_edges(field: str, value: Any) -> None:
    differential(f"smart.{field}", m.Smart, SMART, field, value)


def _with(field: str, text: str) -> str:
    """SMART with `field` set to the JSON `text` as written (json.dumps would rewrite 1e20, 2**130)."""
    return json.dumps({k: v for k, v in SMART.items() if k != field})[:-1] + f', "{field}": {text}}}'


def test_smart_mode_choices_are_pydantics() -> None:
    """The choices the bridge doc names, spelled out (each also runs in the edges above)."""
    cases = {
        ("int_or_float", "1"): "1",
        ("int_or_float", "1.0"): "1.0",
        ("int_or_float", "1e20"): "1e+20",
        ("int_or_float", str(2**70)): str(2**70),  # an int in pydantic, and in Rust (i128)
        ("float_or_int", "1"): "1",
        ("int_or_str", '"1"'): '"1"',
        ("str_or_int", "1"): "1",
        ("bool_or_int", "true"): "true",
        ("bool_or_int", "1"): "1",
        ("point", '{"x":1,"y":2}'): '{"x":1,"y":2}',  # Point2: most fields set
        ("list_or_str", "[1]"): "[1]",
    }
    for (field, text), written in cases.items():
        data = _with(field, text)
        out = _rust("Smart", data)
        assert out is not None and out == _pydantic(m.Smart, data)
        assert f'"{field}":{written}' in out


def test_documented_limits() -> None:
    """Ints beyond i128 and floats beyond f64: pydantic reads them, Rust refuses (never another arm)."""
    for field, text in (("int_or_float", str(2**130)), ("float_or_int", "1e400"), ("int_or_float", "1e400")):
        data = _with(field, text)
        assert _pydantic(m.Smart, data) is not None
        assert _rust("Smart", data) is None


# -- discriminated -------------------------------------------------------------------------

cats = st.fixed_dictionaries({"pet_type": st.just("cat"), "name": words, "meows": i64})
dogs = st.fixed_dictionaries({"name": words, "pet_type": st.just("dog"), "barks": floats | i128})
lizards = st.fixed_dictionaries({"pet_type": st.sampled_from(["lizard", "gecko"])}, optional={"scales": st.booleans()})
bad_pets = st.one_of(
    st.fixed_dictionaries({"pet_type": words | i64 | st.none(), "name": words, "meows": i64}),  # unknown tag
    st.fixed_dictionaries({"name": words, "meows": i64, "barks": floats}),  # no tag
    st.fixed_dictionaries({"pet_type": st.sampled_from(["cat", "dog"]), "barks": floats}),  # wrong fields
    scalars,
    st.lists(cats, max_size=2),
)
pets = st.one_of(cats, dogs, bad_pets)


@SETTINGS
@given(pets)
def test_discriminated(pet: Any) -> None:
    differential("owner.pet", m.Owner, OWNER, "pet", pet)


@SETTINGS
@given(st.lists(st.one_of(cats, dogs, lizards, bad_pets), max_size=3))
def test_discriminated_in_list(items: list[Any]) -> None:
    differential("owner.pets", m.Owner, OWNER, "pets", items)


@SETTINGS
@given(st.dictionaries(words, pets, max_size=2), st.one_of(st.none(), pets), st.one_of(st.none(), pets))
def test_discriminated_in_dict_and_optional(by_name: Any, favourite: Any, maybe: Any) -> None:
    differential("owner.by_name", m.Owner, OWNER, "by_name", by_name)
    differential("owner.favourite", m.Owner, OWNER, "favourite", favourite)
    differential("owner.maybe", m.Owner, OWNER, "maybe", maybe)


DISCRIMINATED_EDGES: list[Any] = [
    CAT,
    DOG,
    {"pet_type": "bird", "name": "Tweety"},  # unknown tag: union_tag_invalid
    {"name": "Tom", "meows": 3},  # missing tag: union_tag_not_found
    {"pet_type": "cat", "name": "Tom", "barks": 1.0},  # the tag's arm rejects the rest
    {"pet_type": "dog", "name": "Rex", "barks": 1, "extra": 1},  # the tag stays where it is
    {"pet_type": None},
    {"pet_type": 1},
    "cat",
    [CAT],
    None,
]


@pytest.mark.parametrize("pet", DISCRIMINATED_EDGES)
def test_discriminated_edges(pet: Any) -> None:
    differential("owner.pet", m.Owner, OWNER, "pet", pet)
    differential("owner.pets", m.Owner, OWNER, "pets", [pet, {"pet_type": "gecko"}])


def test_tag_stays_in_place() -> None:
    data = json.dumps({"pet": DOG})
    out = _rust("Owner", data)
    assert out is not None and out.startswith('{"pet":{"name":"Rex","pet_type":"dog"')
    assert out == _pydantic(m.Owner, data)


# -- Python -> Rust -> Python --------------------------------------------------------------


@SETTINGS
@given(
    st.one_of(i128, floats),
    st.one_of(i128, words),
    st.one_of(st.booleans(), i128),
    st.one_of(st.builds(m.Point, x=i64), st.builds(m.Point2, x=i64, y=i64)),
    st.one_of(st.lists(i64, max_size=2), words),
    st.one_of(st.none(), i128, words),
    st.one_of(st.datetimes(), words),
    st.one_of(st.uuids(), words),
    st.one_of(st.decimals(allow_nan=False, allow_infinity=False), floats),
    st.one_of(st.sampled_from(m.Color), words),
)
def test_smart_from_python(
    num: Any,
    int_or_str: Any,
    flag: Any,
    point: Any,
    seq: Any,
    maybe: Any,
    when: Any,
    ident: Any,
    amount: Any,
    color: Any,
) -> None:
    instance = m.Smart(
        int_or_float=num,
        float_or_int=num,
        int_or_str=int_or_str,
        str_or_int=int_or_str,
        bool_or_int=flag,
        point=point,
        point_first_wide=point,
        list_or_str=seq,
        maybe=maybe,
        when=when,
        id_or_text=ident,
        amount=amount,
        color=color,
        items=[int_or_str],
        table={"k": flag if isinstance(flag, bool) else float(num)},
    )
    RUNS["python.smart"] += 1
    back = native.roundtrip(instance)
    assert back == instance
    for field in type(instance).model_fields:  # the same arm, not merely an equal value (1 == 1.0 == True)
        assert type(getattr(back, field)) is type(getattr(instance, field)), field
    assert back.model_dump_json() == instance.model_dump_json()


@SETTINGS
@given(st.one_of(cats, dogs), st.lists(st.one_of(cats, dogs, lizards), max_size=3), st.one_of(st.none(), dogs))
def test_discriminated_from_python(pet: Any, items: Any, maybe: Any) -> None:
    instance = m.Owner.model_validate({"pet": pet, "pets": items, "maybe": maybe, "by_name": {"a": pet}})
    RUNS["python.owner"] += 1
    back = native.roundtrip(instance)
    assert back == instance
    assert [type(p) for p in back.pets] == [type(p) for p in instance.pets]
    assert back.model_dump_json() == instance.model_dump_json()


def test_python_arm_is_the_objects_type() -> None:
    """A bool stays a bool, an int an int, a float a float, a str Enum member an Enum member."""
    instance = m.Smart.model_validate({**SMART, "int_or_float": 2**70, "bool_or_int": 1, "color": m.Color.BLUE})
    back = native.roundtrip(instance)
    assert back.int_or_float == 2**70 and type(back.int_or_float) is int
    assert type(back.bool_or_int) is int
    assert back.color is m.Color.BLUE
    assert isinstance(native.roundtrip(m.Smart.model_validate({**SMART, "amount": Decimal("1.5")})).amount, Decimal)
    assert isinstance(
        native.roundtrip(m.Smart.model_validate({**SMART, "id_or_text": uuid.uuid4()})).id_or_text, uuid.UUID
    )
