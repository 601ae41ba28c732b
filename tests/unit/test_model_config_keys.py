"""The model settings dspygen tells apart: pydantic's own keys, and keys pydantic keeps in
`model_config` without doing anything with them (pydantic-settings' keys on a BaseModel, v1
keys, misspellings), which dspygen reads past with a warning. pydantic is the oracle."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path
from types import ModuleType

import pydantic

from dspygen.diagnostics import Level, Sink
from dspygen.frontend import model_config, static

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures" / "errors" / "model_config_unknown_keys.py"


def test_the_keys_are_those_of_the_installed_pydantic() -> None:
    assert frozenset(pydantic.ConfigDict.__annotations__) == model_config.PYDANTIC_KEYS
    assert not model_config.PYDANTIC_KEYS & model_config.V1_KEYS.keys()


def _fixture() -> ModuleType:
    spec = importlib.util.spec_from_file_location("model_config_unknown_keys", FIXTURE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic's own warnings of `class Config` and `orm_mode`
        spec.loader.exec_module(module)
    return module


class _AppConfig(pydantic.BaseModel):
    api_key: str = ""
    model: str = "gpt-4o-mini"


class _Record(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(frozen=True)

    id: int
    label: str


def test_pydantic_keeps_the_unknown_keys_and_does_nothing_with_them() -> None:
    fixture = _fixture()
    pairs = [(fixture.AppConfig, _AppConfig, {"api_key": "k"}), (fixture.Record, _Record, {"id": "3", "label": "x"})]
    for read, twin, data in pairs:
        unknown = set(read.model_config) - model_config.PYDANTIC_KEYS
        assert unknown, read  # kept, not refused
        assert unknown.isdisjoint(model_config.HARMLESS)
        schema, twin_schema = read.model_json_schema(), twin.model_json_schema()
        assert {k: v for k, v in schema.items() if k != "title"} == {
            k: v for k, v in twin_schema.items() if k != "title"
        }
        assert read.model_validate(data).model_dump_json() == twin.model_validate(data).model_dump_json()


def test_dspygen_reads_both_models_with_a_warning_per_unknown_key() -> None:
    sink = Sink()
    schema = static.read([FIXTURE], ROOT, sink)
    assert [m.name for m in schema.models] == ["AppConfig", "Record"]
    assert all(d.level is Level.WARNING for d in sink.items)
    warned = sorted(
        next(w for w in ("env_file", "env_prefix", "env_nested_delimiter", "orm_mode") if f"`{w}`" in d.message)
        for d in sink.items
    )
    assert warned == ["env_file", "env_nested_delimiter", "env_prefix", "orm_mode"]
