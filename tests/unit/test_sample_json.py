"""Samples' JSON is written by `json`'s C encoder with the floats an exponent marks rewritten
(lower/samples.py `dumps`): the same text as writing it element by element, as pydantic writes
floats, for every kind of value a sample holds."""

from __future__ import annotations

import json

import pytest

from dspygen.lower import samples

VALUES: list[object] = [
    {"a": 1, "b": [1.5, 1e-07, -2.5e-05, 1.5e20, 1e16, 0.0001, 123456789.0, -0.0], "c": None, "d": True},
    ["1e-07", "x1e5", 'a "quoted" 1e-07', "back\\slash 2e-05", "line\nbreak", "\u00e9\u4e2d", "\ud800", 3e-05],
    {"1e-07": 1e-07, 'k"1e5': {"nested": [[], {}, [0.1, 2e-06]]}},
    [float("nan"), 1e-07],
    {"inf": float("inf"), "minus": float("-inf")},
    1e-05,
    2.5e-05,
    "plain",
    12345678901234567890,
    [],
    {},
    (1, 2.5e-08),
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_c_encoder_and_the_element_by_element_writer_agree(value: object) -> None:
    assert samples.dumps(value) == samples._dumps(value)


def test_floats_are_written_as_pydantic_writes_them() -> None:
    assert samples.dumps([1e-07, 1.5e-05, 1e-05, 1e20, 1.0]) == "[1e-7,0.000015,0.00001,1e+20,1.0]"
    text = samples.dumps({"s": "1e-07", "n": 1e-07})
    assert text == '{"s":"1e-07","n":1e-7}' and json.loads(text) == {"s": "1e-07", "n": 1e-07}
