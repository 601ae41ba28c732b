"""The scalar registry (codegen/dspygen/registry): every supported scalar has every facet, and
each facet agrees with what it describes: the Python class (imported here, never by dspygen),
pydantic's JSON schema and JSON, the runtime crate's types and features."""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.registry import facets
from dspygen.registry.scalars import BY_NAME, SCALARS

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "runtime"
IDS = [s.name for s in SCALARS]
DEFAULT = nodes.JsonConfig()
# Facet fields that may be empty by design, and why.
OPTIONAL = {
    ("Readers", "lax"): "pydantic's lax mode: issue 15 fills it",
    ("Union", "bare_date"): "only datetimes and dates read a bare date specially",
    ("RustType", "feature"): "str, int, float and bool need no runtime feature",
    ("PyO3", "exact"): "only str, int, float and bool are told apart by exact type",
    ("Readme", "annotation"): "default: the row's own spelling",
    ("Readme", "expected"): "default: the row's own Rust type",
    ("Containers", "dict_key"): "only str and int are dict keys",
    ("Constraints", "length"): "only str and bytes have a length",
}


def resolve(module: str, qualname: str) -> Any:
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def test_every_primitive_of_the_ir_is_registered() -> None:
    assert set(BY_NAME) == set(typing.get_args(t.PrimitiveName))
    assert len(BY_NAME) == len(SCALARS)


def _missing(value: object, where: str) -> list[str]:
    if value is None:
        return [where]
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return []
    out = []
    for field in dataclasses.fields(value):
        inner = getattr(value, field.name)
        if inner is None and (type(value).__name__, field.name) in OPTIONAL:
            continue
        out += _missing(inner, f"{where}.{field.name}")
    return out


@pytest.mark.parametrize("scalar", SCALARS, ids=IDS)
def test_every_facet_is_there(scalar: facets.Scalar) -> None:
    assert _missing(scalar, scalar.name) == []
    assert _missing(scalar.rust.type(DEFAULT), f"{scalar.name}.rust.type") == []
    assert scalar.rust.word and scalar.python.spelled and scalar.python.qualname
    assert scalar.readers.strict


@pytest.mark.parametrize("scalar", SCALARS, ids=IDS)
def test_the_python_facet_names_the_class(scalar: facets.Scalar) -> None:
    cls = resolve(*scalar.python.where)
    assert getattr(cls, "__qualname__", getattr(cls, "__name__", None)) == scalar.python.qualname
    for name in scalar.python.names:
        module, _, qualname = name.rpartition(".")
        assert resolve(module, qualname) is cls, name


@pytest.mark.parametrize("scalar", SCALARS, ids=IDS)
def test_the_json_schema_is_pydantic_s(scalar: facets.Scalar) -> None:
    cls = resolve(*scalar.python.where)
    assert TypeAdapter(cls).json_schema() == scalar.json_schema


@pytest.mark.parametrize("scalar", SCALARS, ids=IDS)
def test_the_sample_reads_and_writes_as_pydantic_does(scalar: facets.Scalar) -> None:
    adapter = TypeAdapter(resolve(*scalar.python.where))
    given, expected = scalar.samples.make("field", DEFAULT)
    written = adapter.dump_json(adapter.validate_json(json.dumps(given)))
    assert json.loads(written) == expected


def _runtime_items() -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in (RUNTIME / "src").rglob("*.rs"))
    items = set(re.findall(r"pub (?:struct|enum) (\w+)", text))
    # the bytes newtypes come from one macro: `Name: write / read, "..."`
    return items | set(re.findall(r"^\s+(\w+Bytes): ", text, re.M))


def _features() -> set[str]:
    import tomlkit

    cargo = tomlkit.parse((RUNTIME / "Cargo.toml").read_text(encoding="utf-8")).unwrap()
    return set(cargo["features"])


CONFIGS = [
    nodes.JsonConfig(ser, val, inf_nan)  # type: ignore[arg-type]
    for ser in ("utf8", "base64", "hex")
    for val in ("utf8", "base64", "hex")
    for inf_nan in ("null", "strings", "constants")
]


@pytest.mark.parametrize("scalar", SCALARS, ids=IDS)
def test_the_rust_type_is_the_runtime_s(scalar: facets.Scalar) -> None:
    items, features = _runtime_items(), _features()
    lib = (RUNTIME / "src" / "lib.rs").read_text(encoding="utf-8")
    for config in CONFIGS:
        rust = scalar.rust.type(config)
        assert rust.feature is None or rust.feature in features, rust
        if rust.path.startswith("pytypes::"):
            assert rust.path.removeprefix("pytypes::") in items, rust
        elif "::" in rust.path and not rust.path.startswith("::"):  # a crate the runtime re-exports
            assert f"pub use {rust.path.split('::')[0]};" in lib, rust
        else:
            assert rust.path in {"::std::string::String", "i64", "f64", "bool", "()"}, rust
    assert scalar.pyo3.exact in {None, "PyString", "PyInt", "PyFloat", "PyBool"}
    assert set(scalar.union.exactness) <= set(scalar.readers.strict) | {"Str", "Int", "Float", "Bool"}


def test_scalars_of_one_union_group_rank_alike() -> None:
    """lower/unions.py keeps one row per group (`temporal`): its scalars must agree on it."""
    groups: dict[str, list[facets.Scalar]] = {}
    for scalar in SCALARS:
        if scalar.union.exactness:
            groups.setdefault(scalar.union.group, []).append(scalar)
    for group, members in groups.items():
        first = members[0]
        for other in members[1:]:
            assert other.union.exactness == first.union.exactness, (group, other.name)
            assert other.readers.strict == first.readers.strict, (group, other.name)
            assert other.union.never_fails == first.union.never_fails, (group, other.name)
            assert (other.union.sample_token, other.union.formatted) == (
                first.union.sample_token,
                first.union.formatted,
            )
    assert sorted(groups) == ["bool", "bytes", "decimal", "float", "int", "str", "temporal", "uuid"]


def test_lax_spellings_come_from_pydantic_core_s_tables_and_parse() -> None:
    """The spellings the generated tests give each scalar are JSON, and each is one of the
    inputs of pydantic-core's own tables for its family (tests/types/lax_spellings.py)."""
    tables = _lax_tables()
    for scalar in SCALARS:
        family = "datetime" if scalar.name.endswith("datetime") else scalar.name
        for text in scalar.readers.spellings:
            json.loads(text)
            assert text in tables[family], (scalar.name, text)


def _lax_tables() -> dict[str, tuple[str, ...]]:
    path = Path(__file__).resolve().parents[1] / "types" / "lax_spellings.py"
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # a data module outside the package
    tables: dict[str, tuple[str, ...]] = namespace["SPELLINGS"]
    return tables
