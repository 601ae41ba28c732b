"""pydantic's lax mode, mirrored: every JSON spelling in pydantic-core's own test tables
(lax_spellings.py) goes to pydantic and to Rust (`scalars_rs`, fixtures/scalars/lax.py) in a
model field of each scalar family; both must accept or reject it alike and, when accepted,
write the same bytes. Then lax mode's reach: inside lists, dicts, tuples, Optionals and unions
(where pydantic tries the exact and strict matches before the lax ones), and where it stops
(a strict field, a `strict=True` model, though not the model inside one)."""

from __future__ import annotations

import itertools
import json

import pytest
import support
from lax_spellings import SPELLINGS

support.fixtures_on_path()

import containers_rs  # noqa: E402  (built by `make bindings`: maturin develop)
import scalars_rs as native  # noqa: E402
from containers import models as containers  # noqa: E402
from scalars import lax  # noqa: E402

MODELS = {
    "int": lax.LaxInt,
    "float": lax.LaxFloat,
    "bool": lax.LaxBool,
    "str": lax.LaxStr,
    "decimal": lax.LaxDecimal,
    "bytes": lax.LaxBytes,
    "date": lax.LaxDate,
    "datetime": lax.LaxDatetime,
    "time": lax.LaxTime,
    "timedelta": lax.LaxTimedelta,
    "uuid": lax.LaxUuid,
}
# The int spellings again, into an int Rust holds in an i128 (its own route through the JSON text).
FAMILIES = [(family, MODELS[family], text) for family, texts in SPELLINGS.items() for text in texts]
FAMILIES += [("wide int", lax.LaxWideInt, text) for text in SPELLINGS["int"]]


# The README's known differences ("Not byte-identical, or not accepted alike"), asserted as such.
KNOWN = {
    ("float", "1e400"): "serde_json refuses a number beyond f64; pydantic reads infinity",
    ("uuid", '"URN:UUID:12345678-1234-5678-1234-567812345678"'): "the uuid crate reads the URN prefix in any case",
}


def _both(cls: type, data: str) -> tuple[str | None, str | None]:
    return support.pydantic_json(cls, data), support.rust_json(native, cls.__name__, data)


def test_every_family_has_spellings() -> None:
    assert set(SPELLINGS) == set(MODELS)
    assert all(len(texts) >= 10 for texts in SPELLINGS.values())


@pytest.mark.parametrize(("family", "cls", "text"), FAMILIES, ids=[f"{f}-{t}"[:60] for f, _, t in FAMILIES])
def test_lax_spelling(family: str, cls: type, text: str) -> None:
    data = f'{{"value": {text}}}'
    expected, got = _both(cls, data)
    if family == "int" and expected is not None and got is None:
        # an int beyond i64, which pydantic keeps: the README's known difference, never a wrong value
        assert not -(2**63) <= json.loads(expected)["value"] < 2**63
        return
    if (family, text) in KNOWN:
        assert (expected is None) != (got is None), f"fixed? {family} {text}: {KNOWN[family, text]}"
        return
    assert got == expected, f"{family} {text}: pydantic {expected}, rust {got}"


REACH = [
    '{"counts": ["1", 2.0, true, " 3 "]}',
    '{"counts": ["1.5"]}',
    '{"ratios": {"a": "0.25", "b": "nan", "c": false, "d": "-Infinity"}}',
    '{"flag": "on"}',
    '{"flag": "maybe"}',
    '{"pair": ["2", "2"]}',
    '{"exact": "3"}',
    '{"exact": 3.0}',
    '{"exact": 3}',
    '{"strict_model": {"count": "3"}}',
    '{"strict_model": {"ratio": 1}}',
    '{"strict_model": {"inner": {"value": "3"}}}',
    '{"int_or_str": "1"}',
    '{"int_or_str": 1.0}',
    '{"int_or_str": true}',
    '{"int_or_float": "1"}',
    '{"int_or_float": "1.5"}',
    '{"int_or_float": true}',
    '{"float_or_int": "1"}',
    '{"float_or_int": false}',
    '{"bool_or_int": "1"}',
    '{"bool_or_int": 1}',
    '{"bool_or_int": 1.0}',
    '{"bool_or_int": "yes"}',
    '{"int_or_bool": "1"}',
    '{"int_or_bool": "on"}',
    '{"int_or_bool": 0.0}',
    '{"counts_or_name": ["1", 2]}',
    '{"counts_or_name": "1"}',
    '{"counts_or_name": ["x"]}',
    '{"priority": "2"}',
    '{"priority": " 01 "}',
    '{"priority": "1.0"}',
    '{"priority": "3"}',
    '{"priority": 1.0}',
    '{"priority": true}',
    '{"rank": "1"}',
    '{"rank": 1.0}',
    '{"rank": true}',
    '{"strict_model": {"priority": "1"}}',
    '{"strict_model": {"priority": 1}}',
]


@pytest.mark.parametrize("data", REACH)
def test_lax_reach(data: str) -> None:
    expected, got = _both(lax.LaxReach, data)
    assert got == expected, f"{data}: pydantic {expected}, rust {got}"


# Every string of up to four of these characters, as an int's text, in a field and as a dict key
# (pydantic-core reads both with the same rules; `"0-1"` is -1 there, `"0+1"` is refused).
INT_TEXT_ALPHABET = "0-+_1. "
INT_TEXTS = ["".join(t) for n in range(1, 5) for t in itertools.product(INT_TEXT_ALPHABET, repeat=n)]


def test_every_short_int_text() -> None:
    disagree = []
    for text in INT_TEXTS:
        for cls, data in (
            (lax.LaxInt, json.dumps({"value": text})),
            (lax.LaxWideInt, json.dumps({"value": text})),
        ):
            expected, got = _both(cls, data)
            if got != expected:
                disagree.append((cls.__name__, text, expected, got))
        data = json.dumps({"by_id": {text: "x"}})
        expected = support.pydantic_json(containers.Index, data)
        got = support.rust_json(containers_rs, "Index", data)
        if got != expected:
            disagree.append(("dict[int, str] key", text, expected, got))
    assert not disagree, disagree[:20]
