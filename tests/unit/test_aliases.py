"""The alias generators the static frontend re-implements agree with pydantic's own, and the
aliases it works out for a field agree with what pydantic records in `model_fields`."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, alias_generators

from dspygen.frontend import aliases

NAMES = st.text(alphabet=string.ascii_letters + string.digits + "_-", max_size=20)
EDGES = [
    "",
    "_",
    "__x",
    "a_b",
    "a__b",
    "a_1",
    "a_1b",
    "a1b",
    "a1_b",
    "HTTPStatus",
    "httpStatus",
    "http_status_2",
    "total_amount_2x",
    "x_",
    "_private_name",
    "ABC",
    "aBC",
    "a-b-c",
    "Already",
    "snake_Case",
    "9lives",
    "a_B_c",
]


@pytest.mark.parametrize("name", EDGES)
@pytest.mark.parametrize("fn", ["to_camel", "to_pascal", "to_snake"])
def test_generator_edges(fn: str, name: str) -> None:
    assert getattr(aliases, fn)(name) == getattr(alias_generators, fn)(name)


@settings(max_examples=2000, deadline=None)
@given(NAMES)
def test_generators_agree_with_pydantic(name: str) -> None:
    for fn in ("to_camel", "to_pascal", "to_snake"):
        assert getattr(aliases, fn)(name) == getattr(alias_generators, fn)(name), (fn, name)


RAW = [
    aliases.RawNames(),
    aliases.RawNames(alias="A"),
    aliases.RawNames(validation_alias=("V",)),
    aliases.RawNames(validation_alias=("V1", "V2")),
    aliases.RawNames(serialization_alias="S"),
    aliases.RawNames(alias="A", serialization_alias="S"),
    aliases.RawNames(alias="A", validation_alias=("V",)),
    aliases.RawNames(alias="A", validation_alias=("V",), serialization_alias="S"),
]


@pytest.mark.parametrize("generator", ["", *aliases.GENERATORS])
@pytest.mark.parametrize("raw", RAW)
def test_resolved_aliases_match_model_fields(raw: aliases.RawNames, generator: str) -> None:
    kwargs: dict[str, object] = {}
    if raw.alias is not None:
        kwargs["alias"] = raw.alias
    if raw.validation_alias is not None:
        choices = raw.validation_alias
        kwargs["validation_alias"] = choices[0] if len(choices) == 1 else AliasChoices(*choices)
    if raw.serialization_alias is not None:
        kwargs["serialization_alias"] = raw.serialization_alias
    config = ConfigDict(alias_generator=aliases.GENERATORS[generator]) if generator else ConfigDict()

    class M(BaseModel):
        model_config = config
        some_field_1: int = Field(**kwargs)  # type: ignore[call-overload, misc]

    info = M.model_fields["some_field_1"]
    expected_validation: tuple[str, ...] = ()
    if isinstance(info.validation_alias, str):
        expected_validation = (info.validation_alias,)
    elif isinstance(info.validation_alias, AliasChoices):
        expected_validation = tuple(str(c) for c in info.validation_alias.choices)
    got = aliases.resolve("some_field_1", raw, generator)
    assert got == (info.alias, expected_validation, info.serialization_alias)
