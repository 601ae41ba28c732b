"""Differential tests of the container types against pydantic, through the generated
`containers_rs` module (fixtures/containers, built by `make bindings`).

Each family sends many values (hypothesis, plus the edges written out) through
`roundtrip_json` (JSON -> Rust -> JSON) and `roundtrip` (Python -> Rust -> Python):
valid input must come back byte-identical to `model_dump_json()` (sets: the same items,
compared sorted) and the instance equal, and input pydantic rejects (wrong length, wrong
item types, not an array) must be rejected by Rust too. Values only pydantic's lax mode
takes (`0.0` into an int) are counted apart, as the README documents.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import support
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

support.fixtures_on_path()

import containers_rs as native  # noqa: E402  (built by `make bindings`: maturin develop)
from containers import models as m  # noqa: E402

SETTINGS = support.family_settings("CONTAINERS_EXAMPLES", 300)  # more: CONTAINERS_EXAMPLES=5000
# How many values each family ran, and how many disagreed (printed at the end with -s).
RUNS: Counter[str] = Counter()
MISMATCHES: Counter[str] = Counter()

ROUTE: dict[str, Any] = {"name": "r", "start": [1.5, 2], "span": [1, "a", True], "waypoints": [], "legs": []}
TREE: dict[str, Any] = {"label": "root"}


_pydantic = support.pydantic_json  # (cls, data, strict=None): JSON, or None when pydantic rejects
_rust = support.rust_side(native)  # (type_name, data): JSON, or None when Rust rejects


def differential(family: str, cls: type[BaseModel], base: dict[str, Any], field: str, value: Any) -> None:
    """`value` (a JSON value) as `field` of `cls`: Rust must agree with pydantic byte for byte."""
    data = json.dumps({**base, field: value})
    RUNS[family] += 1
    expected, got = _pydantic(cls, data), _rust(cls.__name__, data)
    if expected != got:
        MISMATCHES[family] += 1
    assert got == expected, f"{family}: {data}"
    if expected is not None:
        instance = cls.model_validate_json(data)
        back = native.roundtrip(instance)
        assert back == instance, f"{family}: {data}"
        assert back.model_dump_json() == expected


def python_roundtrip(family: str, instance: BaseModel) -> None:
    RUNS[family] += 1
    back = native.roundtrip(instance)
    assert back == instance
    dumped = instance.model_dump_json()
    assert back.model_dump_json() == dumped
    assert _rust(type(instance).__name__, dumped) == _pydantic(type(instance), dumped)


report = support.report_fixture(RUNS, [(MISMATCHES, "mismatches")])


# JSON scalars that the item types accept, and ones they reject (no strings that look like
# numbers or dates: the scalar tests cover lax parsing; here the shape is what is tested).
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
words = st.text(alphabet="abcxyz é", max_size=6)
scalars = st.one_of(ints, floats, st.booleans(), st.none(), words)
# Arrays of any length with items of any scalar type, nested once: mostly invalid.
arrays = st.lists(scalars | st.lists(scalars, max_size=3), max_size=4)
points = st.builds(lambda x, y: {"x": x, "y": y}, floats | ints, floats | ints)
dates = st.dates().map(lambda d: d.isoformat())


# -- fixed tuples ----------------------------------------------------------------------


@SETTINGS
@given(st.lists(floats | ints, min_size=0, max_size=3))
def test_tuple_of_floats(items: list[float]) -> None:
    differential("tuple fixed", m.Route, ROUTE, "start", items)


@SETTINGS
@given(ints, words, st.booleans(), st.integers(min_value=0, max_value=4))
def test_tuple_mixed(n: int, s: str, b: bool, length: int) -> None:
    differential("tuple fixed", m.Route, ROUTE, "span", [n, s, b, 1][:length])
    differential("tuple fixed", m.Route, ROUTE, "span", [s, n, b])  # the positions matter


@SETTINGS
@given(st.one_of(arrays, scalars, st.dictionaries(words, ints, max_size=2)))
def test_tuple_garbage(value: Any) -> None:
    for field in ("start", "span", "single", "grade", "window"):
        differential("tuple garbage", m.Route, ROUTE, field, value)


@SETTINGS
@given(st.sampled_from(["easy", "hard", "medium", 1]), ints, st.integers(min_value=0, max_value=3))
def test_tuple_with_literal(label: Any, n: int, length: int) -> None:
    differential("tuple fixed", m.Route, ROUTE, "grade", [label, n, n][:length])
    differential("tuple fixed", m.Route, ROUTE, "single", [n, n][: length % 3])


@SETTINGS
@given(st.lists(points, min_size=0, max_size=3), st.lists(dates, max_size=3))
def test_tuple_of_models_and_dates(pts: list[dict[str, Any]], days: list[str]) -> None:
    differential("tuple fixed", m.Route, ROUTE, "legs", [pts[:2], pts[1:3]])
    differential("tuple fixed", m.Route, ROUTE, "window", days)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", [1, 2]),
        ("start", [1.0, 2.0, 3.0]),
        ("start", []),
        ("start", None),
        ("start", {"0": 1, "1": 2}),
        ("span", [1, "a"]),
        ("span", [1, "a", True, None]),
        ("single", [5]),
        ("single", 5),
        ("single", []),
        ("window", None),
        ("window", ["2020-01-01", "2020-01-02"]),
        ("grade", ["hard", 3]),
        ("grade", ["Hard", 3]),
    ],
)
def test_tuple_edges(field: str, value: Any) -> None:
    differential("tuple edges", m.Route, ROUTE, field, value)


def test_tuple_defaults() -> None:
    differential("tuple edges", m.Route, {k: v for k, v in ROUTE.items() if k != "span"}, "span", [0, "", False])
    assert _rust("Route", json.dumps(ROUTE)) == _pydantic(m.Route, json.dumps(ROUTE))
    required = {k: v for k, v in ROUTE.items() if k != "start"}
    assert _rust("Route", json.dumps(required)) is None
    assert _pydantic(m.Route, json.dumps(required)) is None


# -- variadic tuples -------------------------------------------------------------------


@SETTINGS
@given(st.lists(words, max_size=5), st.lists(points, max_size=4))
def test_variadic_tuple(tags: list[str], pts: list[dict[str, Any]]) -> None:
    differential("tuple variadic", m.Route, ROUTE, "tags", tags)
    differential("tuple variadic", m.Route, ROUTE, "waypoints", pts)


@SETTINGS
@given(st.one_of(arrays, scalars))
def test_variadic_tuple_garbage(value: Any) -> None:
    differential("tuple variadic garbage", m.Route, ROUTE, "tags", value)
    differential("tuple variadic garbage", m.Route, ROUTE, "waypoints", value)


# -- nested and recursive --------------------------------------------------------------

trees = st.recursive(
    st.builds(lambda label: {"label": label}, words),
    lambda inner: st.builds(
        lambda label, kids, pair: {"label": label, "children": kids, **({"pair": pair} if pair else {})},
        words,
        st.lists(st.tuples(floats | ints, inner).map(list), max_size=2),
        st.none() | st.tuples(ints, inner).map(list),
    ),
    max_leaves=6,
)


@SETTINGS
@given(trees)
def test_recursive_tuples(tree: dict[str, Any]) -> None:
    differential("tuple recursive", m.Tree, TREE, "label", tree["label"])
    data = json.dumps(tree)
    RUNS["tuple recursive"] += 1
    assert _rust("Tree", data) == _pydantic(m.Tree, data)
    python_roundtrip("tuple recursive", m.Tree.model_validate_json(data))


# -- Python -> Rust -> Python ----------------------------------------------------------


@SETTINGS
@given(floats, ints, words, st.booleans(), st.lists(words, max_size=3), st.dates())
def test_tuples_from_python(x: float, n: int, s: str, b: bool, tags: list[str], day: Any) -> None:
    p = m.Point(x=x, y=x)
    route = m.Route(
        name=s,
        start=(x, x),
        span=(n, s, b),
        waypoints=(p,) * len(tags),
        legs=[(p, p)],
        window=(day, day),
        tags=tuple(tags),
        single=(n,),
        grade=("hard", n),
    )
    python_roundtrip("tuple python", route)
    python_roundtrip("tuple python", m.Tree(label=s, children=((x, m.Tree(label=s)),), pair=(n, m.Tree(label=s))))


def test_tuples_are_tuples_in_python() -> None:
    route = m.Route.model_validate(ROUTE)
    back = native.roundtrip(route)
    assert type(back.start) is tuple and type(back.tags) is tuple and type(back.waypoints) is tuple


# -- Literals of ints, bools, None and strings -----------------------------------------

SETTING: dict[str, Any] = {"level": 1, "flag": True, "mixed": "auto"}
atoms = st.one_of(
    st.sampled_from([0, 1, 2, 3, 4, -1, -5, 10, True, False, None, "auto", "x", "1", "true", "None", 1.0, 2.5]),
    ints,
    floats,
    words,
    st.lists(st.integers(min_value=0, max_value=4), max_size=2),
)


@SETTINGS
@given(atoms)
def test_literal_values(value: Any) -> None:
    for field in ("level", "offset", "flag", "mixed", "maybe", "none_default"):
        differential("literal", m.Setting, SETTING, field, value)


@SETTINGS
@given(st.lists(atoms, max_size=4))
def test_literal_list(values: list[Any]) -> None:
    differential("literal", m.Setting, SETTING, "levels", values)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[("mixed", 1), ("mixed", True), ("mixed", None), ("mixed", -5), ("mixed", 1.0), ("level", True)],
        *[("flag", 1), ("flag", False), ("none_default", None), ("none_default", 10), ("maybe", False)],
        *[("maybe", 0), ("offset", -1), ("offset", False)],
    ],
)
def test_literal_edges(field: str, value: Any) -> None:
    differential("literal edges", m.Setting, SETTING, field, value)


def test_literal_required_and_defaults() -> None:
    assert _rust("Setting", json.dumps(SETTING)) == _pydantic(m.Setting, json.dumps(SETTING))
    for field in SETTING:
        rest = json.dumps({k: v for k, v in SETTING.items() if k != field})
        assert _rust("Setting", rest) is None
        assert _pydantic(m.Setting, rest) is None


@SETTINGS
@given(
    st.sampled_from([1, 2, 3]),
    st.sampled_from([-1, 0, 1]),
    st.sampled_from([1, True, None, "auto", -5]),
    st.sampled_from([None, False, "x"]),
    st.sampled_from([None, 10]),
)
def test_literals_from_python(level: Any, offset: Any, mixed: Any, maybe: Any, none_default: Any) -> None:
    setting = m.Setting(
        level=level, offset=offset, flag=True, mixed=mixed, maybe=maybe, none_default=none_default, levels=[level]
    )
    python_roundtrip("literal python", setting)
    back = native.roundtrip(setting)
    assert type(back.mixed) is type(mixed)  # `True` stays a bool, `1` an int


# -- Enums with int values, IntEnum ----------------------------------------------------

TICKET: dict[str, Any] = {"priority": 1}


@SETTINGS
@given(atoms)
def test_int_enum_values(value: Any) -> None:
    for field in ("priority", "level", "maybe"):
        differential("int enum", m.Ticket, TICKET, field, value)
    differential("int enum", m.Ticket, TICKET, "pair", [value, 10])
    differential("int enum", m.Ticket, TICKET, "pair", [2, value])


@SETTINGS
@given(st.lists(atoms, max_size=4))
def test_int_enum_list(values: list[Any]) -> None:
    differential("int enum", m.Ticket, TICKET, "history", values)


@pytest.mark.parametrize("value", [1, 10, -3, 0, 2, 1.0, True, False, "1", "LOW", None, 10.5])
def test_int_enum_edges(value: Any) -> None:
    differential("int enum edges", m.Ticket, TICKET, "priority", value)
    differential("int enum edges", m.Ticket, TICKET, "level", value)


@SETTINGS
@given(st.sampled_from(list(m.Priority)), st.sampled_from(list(m.Level)), st.none() | st.sampled_from(list(m.Level)))
def test_int_enums_from_python(priority: m.Priority, level: m.Level, maybe: m.Level | None) -> None:
    ticket = m.Ticket(priority=priority, level=level, maybe=maybe, history=[priority], pair=(level, priority))
    python_roundtrip("int enum python", ticket)
    back = native.roundtrip(ticket)
    assert type(back.priority) is m.Priority and type(back.level) is m.Level


# -- sets and frozensets ---------------------------------------------------------------
# pydantic writes a set in Python's iteration order (hash-seeded for strings, and depending on
# the order items went in); Rust keeps the order it read. So sets are compared canonically
# (each sorted): the same items, no duplicates, and the rest of the document byte-identical.

CATALOG: dict[str, Any] = {"tags": ["a"], "ids": [1], "levels": [0], "pairs": [[1, "a"]]}
SET_FIELDS = ("tags", "ids", "levels", "grades", "pairs")


def _canonical(text: str | None) -> Any:
    if text is None:
        return None
    doc = json.loads(text)
    for field in SET_FIELDS:
        if isinstance(doc.get(field), list):
            doc[field] = sorted(json.dumps(v) for v in doc[field])
    doc["groups"] = [sorted(g) for g in doc.get("groups", [])]
    return doc


def set_differential(family: str, field: str, value: Any) -> None:
    data = json.dumps({**CATALOG, field: value})
    RUNS[family] += 1
    expected, got = _pydantic(m.Catalog, data), _rust("Catalog", data)
    if _canonical(expected) != _canonical(got):
        MISMATCHES[family] += 1
    assert _canonical(got) == _canonical(expected), f"{family}: {data}"
    if expected is not None:
        instance = m.Catalog.model_validate_json(data)
        back = native.roundtrip(instance)
        assert back == instance, f"{family}: {data}"
        assert _canonical(back.model_dump_json()) == _canonical(instance.model_dump_json())


@SETTINGS
@given(st.lists(words, max_size=5), st.lists(ints, max_size=5), st.lists(st.sampled_from([0, 2, 1, True]), max_size=3))
def test_sets(tags: list[str], ids: list[int], levels: list[Any]) -> None:
    set_differential("set", "tags", tags + tags[:1])  # with a duplicate
    set_differential("set", "ids", ids)
    set_differential("set", "levels", levels)
    set_differential("set", "grades", [*levels, 3])
    set_differential("set", "pairs", [[i, s] for i, s in zip(ids, tags, strict=False)])
    set_differential("set", "groups", [tags, tags[::-1]])


@SETTINGS
@given(st.one_of(arrays, scalars, st.dictionaries(words, ints, max_size=2)))
def test_set_garbage(value: Any) -> None:
    for field in (*SET_FIELDS, "groups"):
        set_differential("set garbage", field, value)


@SETTINGS
@given(st.sets(words, max_size=6), st.frozensets(ints, max_size=6), st.sets(st.sampled_from(list(m.Level))))
def test_sets_from_python(tags: set[str], ids: frozenset[int], levels: set[m.Level]) -> None:
    catalog = m.Catalog(tags=tags, ids=ids, levels=levels, grades={1, 3}, pairs={(1, "a")}, groups=[ids and {"x"}])
    RUNS["set python"] += 1
    back = native.roundtrip(catalog)
    assert back == catalog
    dumped = catalog.model_dump_json()
    assert _canonical(back.model_dump_json()) == _canonical(dumped)
    assert _canonical(_rust("Catalog", dumped)) == _canonical(_pydantic(m.Catalog, dumped))
    assert type(back.tags) is set and type(back.ids) is frozenset


def test_unhashable_set_items_are_a_diagnostic(tmp_path: Path) -> None:
    import subprocess

    source = tmp_path / "m.py"
    source.write_text("from pydantic import BaseModel\n\n\nclass M(BaseModel):\n    xs: set[float]\n")
    done = subprocess.run(
        [str(support.ROOT / ".venv/bin/dspygen"), "check", str(source), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "cannot hash" in done.stderr, done.stderr


# -- dicts keyed by ints, str Enums and Literals ----------------------------------------

INDEX: dict[str, Any] = {"by_id": {"1": "a"}}
key_texts = st.one_of(
    st.sampled_from(["0", "1", "-1", "01", " 1", "1 ", "+1", "1.0", "1e3", "red", "green", "a", "b", "RED", ""]),
    ints.map(str),
    words,
)


@SETTINGS
@given(st.lists(st.tuples(key_texts, ints), max_size=4))
def test_dict_keys(items: list[tuple[str, int]]) -> None:
    doc = dict(items)
    differential("dict keys", m.Index, INDEX, "by_id", {k: str(v) for k, v in doc.items()})
    differential("dict keys", m.Index, INDEX, "by_color", doc)
    differential("dict keys", m.Index, INDEX, "by_kind", doc)
    differential("dict keys", m.Index, INDEX, "nested", {k: {"red": [v]} for k, v in doc.items()})


@SETTINGS
@given(st.dictionaries(ints, words, max_size=4), st.dictionaries(st.sampled_from(list(m.Color)), ints, max_size=2))
def test_dict_keys_from_python(by_id: dict[int, str], by_color: dict[m.Color, int]) -> None:
    index = m.Index(by_id=by_id, by_color=by_color, by_kind={"b": 1.5}, nested={1: by_color and {m.Color.RED: [1]}})
    python_roundtrip("dict keys python", index)
    back = native.roundtrip(index)
    assert all(type(k) is int for k in back.by_id) and all(type(k) is m.Color for k in back.by_color)


@pytest.mark.parametrize(
    "key",
    [
        *["01", "-0", " 1\n", "+1", "1_000", "_1", "1_", "1__0", "-_1", "1.", "1.000", ".0", "1.01", "0x10"],
        *["1e3", "\u0661", "1_0.0", "10.0_0", "-1_0", "1._0", "-1.", "1.0 "],
    ],
)
def test_dict_int_key_edges(key: str) -> None:
    differential("dict keys edges", m.Index, INDEX, "by_id", {key: "x", "2": "y"})


def test_dict_int_key_beyond_i64_is_a_known_difference() -> None:
    data = json.dumps({"by_id": {str(2**63): "x"}})
    assert _pydantic(m.Index, data) is not None  # pydantic's int is unbounded
    assert _rust("Index", data) is None  # i64, as `int` fields (README)


# Sequence / MutableSequence and Mapping / MutableMapping (typing and collections.abc): read and
# written as pydantic reads and writes list and dict.
SHELF: dict[str, Any] = {"titles": ["a"]}


@SETTINGS
@given(st.one_of(st.lists(words, max_size=4), arrays, scalars, st.dictionaries(words, words, max_size=2)))
def test_sequence_values(value: Any) -> None:
    differential("sequence", m.Shelf, SHELF, "titles", value)
    differential("sequence", m.Shelf, SHELF, "loose", value)
    differential("sequence", m.Shelf, SHELF, "stack", [{"x": 1, "y": value}] if value else [])


@SETTINGS
@given(
    st.one_of(
        st.dictionaries(words, ints | words, max_size=3),
        st.dictionaries(st.sampled_from(["red", "green", "blue", "1"]), floats | words, max_size=3),
        arrays,
        scalars,
    )
)
def test_mapping_values(value: Any) -> None:
    differential("mapping", m.Shelf, SHELF, "counts", value)
    differential("mapping", m.Shelf, SHELF, "by_color", value)
    differential("mapping", m.Shelf, SHELF, "nested", [value] if isinstance(value, dict) else value)
    differential("mapping", m.Shelf, SHELF, "below", {"k": {"titles": value}} if isinstance(value, list) else value)


@SETTINGS
@given(st.lists(words, max_size=3), st.dictionaries(words, ints, max_size=3))
def test_sequences_and_mappings_from_python(titles: list[str], counts: dict[str, int]) -> None:
    shelf = m.Shelf(titles=titles, counts=counts, stack=[m.Point(x=1, y=2)], below={"k": m.Shelf(titles=titles)})
    python_roundtrip("sequence python", shelf)


def test_a_tuple_in_a_sequence_comes_back_a_list() -> None:
    """pydantic keeps a tuple given to a Sequence from Python (and a tuple default): Rust hands
    back a list, the same JSON (README: compared canonically)."""
    shelf = m.Shelf(titles=("a", "b"), loose=(1, "x"))
    assert shelf.titles == ("a", "b")
    back = native.roundtrip(shelf)
    assert back.titles == ["a", "b"] and back.loose == [1, "x"]
    assert back.model_dump_json() == shelf.model_dump_json()
