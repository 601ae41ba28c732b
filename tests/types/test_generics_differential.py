"""Differential tests of generic model instantiations and RootModels against pydantic, through
the generated `generics_rs` module (fixtures/generics, built by `make bindings`).

Each family sends many values (hypothesis, plus the edges written out) through
`roundtrip_json` (JSON -> Rust -> JSON) and `roundtrip` (Python -> Rust -> Python): valid
input must come back byte-identical to `model_dump_json()` and the instance equal (and of
the very parametrised class: `Page[Item]`, not `Page`), and input pydantic rejects must be
rejected by Rust too, lax-mode coercions included.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Optional

import pytest
import support
from hypothesis import given
from hypothesis import strategies as st

support.fixtures_on_path()

import generics_rs as native  # noqa: E402  (built by `make bindings`: maturin develop)
from generics import models as m  # noqa: E402

SETTINGS = support.family_settings("GENERICS_EXAMPLES", 300)  # more: GENERICS_EXAMPLES=5000
RUNS: Counter[str] = Counter()
MISMATCHES: Counter[str] = Counter()

# Each instantiation, by the name roundtrip_json knows it (pydantic's class name).
CLASSES: dict[str, Any] = {
    "Page[Item]": m.Page[m.Item],
    "Page[int]": m.Page[int],
    "Page[list[str]]": m.Page[list[str]],
    "Page[Union[int, NoneType]]": m.Page[Optional[int]],  # noqa: UP045  (pydantic's name for it)
    "Pair[str, Item]": m.Pair[str, m.Item],
    "Envelope[Item]": m.Envelope[m.Item],
    "Page": m.Page,
    "Tags": m.Tags,
    "Scores": m.Scores,
    "IntPage": m.IntPage,  # derives from Page[int]
    "Ranked[Item]": m.Ranked[m.Item],  # a generic model deriving from Page[T]
}


report = support.report_fixture(RUNS, [(MISMATCHES, "mismatches")])


_pydantic = support.pydantic_json  # (cls, data, strict=None): JSON, or None when pydantic rejects
_rust = support.rust_side(native)  # (type_name, data): JSON, or None when Rust rejects


def differential(family: str, type_name: str, value: Any) -> None:
    """`value` (a JSON value) as the type `type_name`: Rust must agree with pydantic byte for byte."""
    cls = CLASSES[type_name]
    data = json.dumps(value)
    RUNS[family] += 1
    expected, got = _pydantic(cls, data), _rust(type_name, data)
    if expected != got:
        MISMATCHES[family] += 1
    assert got == expected, f"{family}: {data}"
    if expected is not None:
        instance = cls.model_validate_json(data)
        back = native.roundtrip(instance)
        assert type(back) is cls, f"{family}: {type(back)} is not {cls}"
        assert back == instance, f"{family}: {data}"
        assert back.model_dump_json() == expected


words = st.text(max_size=8)
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
floats = st.floats(allow_nan=False, allow_infinity=False)
items = st.fixed_dictionaries({"title": words, "score": floats})
json_values = st.recursive(
    st.none() | st.booleans() | ints | floats | words,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
    max_leaves=8,
)
garbage = st.none() | st.booleans() | ints | floats | words | st.lists(json_values, max_size=2) | items


def page(item: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    required = {"items": st.lists(item, max_size=4), "total": ints}
    return st.fixed_dictionaries(required, optional={"first": st.none() | item})


@SETTINGS
@given(page(items))
def test_page_of_models(value: dict[str, Any]) -> None:
    differential("Page[Item]", "Page[Item]", value)


@SETTINGS
@given(page(ints), page(st.lists(words, max_size=3)), page(st.none() | ints))
def test_pages_of_scalars_and_lists(ints_page: Any, words_page: Any, optional_page: Any) -> None:
    differential("Page[int]", "Page[int]", ints_page)
    differential("Page[list[str]]", "Page[list[str]]", words_page)
    differential("Page[Optional[int]]", "Page[Union[int, NoneType]]", optional_page)


@SETTINGS
@given(page(json_values))
def test_bare_generic_reads_any(value: dict[str, Any]) -> None:
    differential("Page (T as Any)", "Page", value)


@SETTINGS
@given(words, items, st.dictionaries(words, items, max_size=3), page(items), words)
def test_two_parameters_and_nesting(left: str, right: Any, index: Any, inner: Any, note: str) -> None:
    differential("Pair[str, Item]", "Pair[str, Item]", {"left": left, "right": right, "index": index})
    differential("Envelope[Item]", "Envelope[Item]", {"page": inner, "note": note})


@SETTINGS
@given(page(ints), words, page(items), ints)
def test_models_deriving_from_instantiations(ints_page: Any, cursor: str, items_page: Any, rank: int) -> None:
    differential("IntPage(Page[int])", "IntPage", {**ints_page, "cursor": cursor})
    differential("Ranked[Item](Page[T])", "Ranked[Item]", {**items_page, "rank": rank})


@SETTINGS
@given(st.lists(words, max_size=5), st.dictionaries(words, ints, max_size=4))
def test_root_models(tags: list[str], scores: dict[str, int]) -> None:
    differential("RootModel list", "Tags", tags)
    differential("RootModel dict", "Scores", scores)


@SETTINGS
@given(st.sampled_from(sorted(CLASSES)), garbage)
def test_garbage_is_rejected_alike(type_name: str, value: Any) -> None:
    differential("garbage", type_name, value)


@SETTINGS
@given(st.sampled_from(["Page[Item]", "Page[int]", "Page[list[str]]", "Page[Union[int, NoneType]]"]), garbage)
def test_wrong_items_are_rejected_alike(type_name: str, value: Any) -> None:
    differential("wrong items", type_name, {"items": [value], "total": 1, "first": value})


EDGES: list[tuple[str, Any]] = [
    ("Page[int]", {"items": [], "total": 0}),
    ("Page[int]", {"items": [2**63 - 1, -(2**63)], "total": 1}),
    ("Page[int]", {"items": [2**63], "total": 1}),  # beyond i64: pydantic takes it, Rust refuses (README)
    ("Page[int]", {"items": [1.0], "total": 1}),  # lax: an integral float
    ("Page[int]", {"items": ["1"], "total": 1}),  # lax: a numeric string
    ("Page[int]", {"items": None, "total": 1}),
    ("Page[int]", {"total": 1}),
    ("Page[int]", {"items": [1], "total": 1, "first": None}),
    ("Page[int]", {"items": [1], "total": 1, "extra": "ignored"}),
    ("Page[Item]", {"items": [{"title": "a", "score": 1}], "total": 1, "first": {"title": "b", "score": 0.5}}),
    ("Page[Item]", {"items": [{"title": "a"}], "total": 1}),
    ("Page[Item]", {"items": [["a", 1.0]], "total": 1}),  # a struct from an array: both refuse
    ("Page[list[str]]", {"items": [[], ["a", "b"]], "total": 2, "first": []}),
    ("Page[Union[int, NoneType]]", {"items": [None, 1, None], "total": 3, "first": None}),
    ("Page", {"items": [1, "x", None, [1.5], {"a": True}], "total": 5, "first": {"k": []}}),
    ("Pair[str, Item]", {"left": "l", "right": {"title": "r", "score": 2}}),
    ("Pair[str, Item]", {"left": 1, "right": {"title": "r", "score": 2}}),
    ("Envelope[Item]", {"page": {"items": [], "total": 0}}),
    ("Envelope[Item]", {"page": {"items": [{"title": 1, "score": 2}], "total": 0}}),
    ("Tags", []),
    ("Tags", ["a", "b", "a"]),
    ("Tags", {"root": ["a"]}),  # a RootModel's JSON is the bare value, never {"root": ...}
    ("Tags", None),
    ("Tags", "a"),
    ("Tags", [1]),
    ("Scores", {}),
    ("Scores", {"a": 1, "b": -2}),
    ("Scores", {"a": "1"}),  # lax
    ("Scores", {"root": {"a": 1}}),
    ("Scores", []),
]


@pytest.mark.parametrize(("type_name", "value"), EDGES)
def test_edges(type_name: str, value: Any) -> None:
    cls = CLASSES[type_name]
    if type_name == "Page[int]" and value.get("items") == [2**63]:
        assert _pydantic(cls, json.dumps(value)) is not None and _rust(type_name, json.dumps(value)) is None
        return
    differential("edges", type_name, value)


@SETTINGS
@given(st.lists(st.builds(m.Item, title=words, score=floats), max_size=3), ints, words)
def test_instances_from_python(found: list[m.Item], total: int, tag: str) -> None:
    RUNS["python"] += 1
    catalog = m.Catalog(
        items=m.Page[m.Item](items=found, total=total, first=found[0] if found else None),
        counts=m.Page[int](items=[total], total=1),
        words=m.Page[list[str]](items=[[tag]], total=1),
        maybe=m.Page[Optional[int]](items=[None, total], total=2),  # noqa: UP045
        pair=m.Pair[str, m.Item](left=tag, right=m.Item(title=tag, score=0.5), index={tag: m.Item(title="", score=1)}),
        envelope=m.Envelope[m.Item](page=m.Page[m.Item](items=found, total=0)),
        tags=m.Tags([tag, tag]),
        scores=m.Scores({tag: total}),
        raw=m.Page(items=[tag, total, None], total=0),
    )
    back = native.roundtrip(catalog)
    assert back == catalog
    assert back.model_dump_json() == catalog.model_dump_json()
    # Rust builds each field back as the parametrised class pydantic uses, not the generic one.
    assert type(back.items) is m.Page[m.Item] and type(back.envelope.page) is m.Page[m.Item]
    assert type(back.maybe) is m.Page[Optional[int]]  # noqa: UP045
    assert type(back.tags) is m.Tags and back.tags.root == [tag, tag]
    for field in ("items", "counts", "words", "maybe", "pair", "envelope", "tags", "scores", "raw"):
        value = getattr(catalog, field)
        again = native.roundtrip(value)
        assert type(again) is type(value) and again == value, field


def test_generic_classes_are_cached_by_pydantic() -> None:
    """The bindings build `Page[Item]` by subscription: pydantic hands back its cached class."""
    assert m.Page[m.Item] is m.Page[m.Item]
    assert m.Page[Optional[int]].__name__ == "Page[Union[int, NoneType]]"  # noqa: UP045


def test_dspy_parses_the_output_into_the_parametrised_class() -> None:
    """`results: Page[Item]` of a signature: DSPy builds `Page[Item]`, which the bindings read and give back."""
    import dspy
    from dspy.utils import DummyLM
    from generics.signatures import Search

    answer = {"items": [{"title": "a", "score": 0.5}], "total": 1, "first": None}
    with dspy.context(lm=DummyLM([{"results": json.dumps(answer)}])):
        prediction = dspy.Predict(Search)(query="q", tags=m.Tags(["x"]))
    assert type(prediction.results) is m.Page[m.Item]
    back = native.roundtrip(prediction.results)
    assert type(back) is m.Page[m.Item] and back == prediction.results
    assert native.roundtrip_json("SearchOutput", json.dumps({"results": answer})) == json.dumps(
        {"results": answer}, separators=(",", ":")
    )
