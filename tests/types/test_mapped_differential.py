"""Differential tests of a user type mapping against pydantic, through the generated `mapped_rs`
module (fixtures/mapped: the plain class `Money` mapped to the Rust type `shop_money::Money`
written in fixtures/mapped/rust/shop_money, built by `make bindings`).

JSON -> Rust -> JSON must be byte-identical to `model_dump_json()`, Python -> Rust -> Python
must give equal instances holding real `Money` objects, and what pydantic rejects Rust rejects.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
import support
from hypothesis import given
from hypothesis import strategies as st

support.fixtures_on_path()

import mapped_rs as native  # noqa: E402  (built by `make bindings`: maturin develop)
from mapped.models import Invoice  # noqa: E402
from mapped.money import Money  # noqa: E402

SETTINGS = support.family_settings("MAPPED_EXAMPLES", 300)
RUNS: Counter[str] = Counter()
MISMATCHES: Counter[str] = Counter()

cents = st.integers(min_value=-(2**63), max_value=2**63 - 1)
garbage = st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=4) | st.lists(cents, max_size=2)


report = support.report_fixture(RUNS, [(MISMATCHES, "mismatches")])


def differential(family: str, value: dict[str, Any]) -> None:
    data = json.dumps(value)
    RUNS[family] += 1
    try:
        expected: str | None = Invoice.model_validate_json(data).model_dump_json()
    except ValueError:
        expected = None
    got = support.rust_json(native, "Invoice", data)
    if got != expected:
        MISMATCHES[family] += 1
    assert got == expected, data
    if expected is not None:
        instance = Invoice.model_validate_json(data)
        back = native.roundtrip(instance)
        assert back == instance and all(type(m) is Money for m in [back.total, *back.lines])


@SETTINGS
@given(st.text(max_size=5), cents, st.lists(cents, max_size=4), st.none() | cents)
def test_valid_invoices(number: str, total: int, lines: list[int], tip: int | None) -> None:
    differential("mapped valid", {"number": number, "total": total, "lines": lines, "tip": tip})


@SETTINGS
@given(garbage, st.sampled_from(["total", "lines", "tip"]))
def test_invalid_money_is_rejected_alike(value: Any, field: str) -> None:
    base: dict[str, Any] = {"number": "n", "total": 1, "lines": []}
    differential("mapped invalid", {**base, field: [value] if field == "lines" else value})


@SETTINGS
@given(cents, st.lists(cents, max_size=3))
def test_python_objects(total: int, lines: list[int]) -> None:
    RUNS["mapped python"] += 1
    invoice = Invoice(number="x", total=Money(total), lines=[Money(c) for c in lines], tip=Money(total))
    back = native.roundtrip(invoice)
    assert back == invoice and type(back.tip) is Money
    assert back.model_dump_json() == invoice.model_dump_json()


def test_beyond_i64_is_a_known_difference() -> None:
    """`shop_money::Money` holds an i64: the user's type decides what fits, as the README says."""
    data = json.dumps({"number": "n", "total": 2**63, "lines": []})
    assert Invoice.model_validate_json(data).total == Money(2**63)
    with pytest.raises(ValueError):
        native.roundtrip_json("Invoice", data)
