"""The scalars with JSON formats of their own: what the frontend reads, what lowering decides."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dspygen.diagnostics import Sink
from dspygen.frontend import static
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import scalars
from dspygen.lower.rust_types import TypeNames, from_py, rust_type, to_py

NAMES = TypeNames({}, frozenset())


def read(tmp_path: Path, source: str) -> tuple[nodes.Schema, Sink]:
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    sink = Sink()
    return static.read([path], tmp_path, sink), sink


def test_annotations_map_to_primitives(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        """
        import datetime as dt
        import uuid
        from decimal import Decimal
        from typing import Any
        import pydantic
        from pydantic import AwareDatetime, BaseModel, JsonValue

        class M(BaseModel):
            a: dt.datetime
            b: AwareDatetime
            c: pydantic.NaiveDatetime
            d: dt.date
            e: dt.time
            f: dt.timedelta
            g: uuid.UUID
            h: Decimal
            i: bytes
            j: Any
            k: JsonValue
        """,
    )
    assert not sink.has_errors
    names = [f.type.name for f in schema.models[0].fields if isinstance(f.type, t.Primitive)]
    assert names == [
        "datetime",
        "aware_datetime",
        "naive_datetime",
        "date",
        "time",
        "timedelta",
        "uuid",
        "decimal",
        "bytes",
        "any",
        "json_value",
    ]


def test_int_bounds_and_json_config(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        """
        from typing import Optional
        from pydantic import BaseModel, ConfigDict, Field

        class M(BaseModel):
            model_config = ConfigDict(ser_json_bytes="base64", ser_json_inf_nan="strings")
            a: int = Field(ge=0, le=2**64 - 1)
            b: Optional[int] = Field(default=None, gt=-(2**70))

        class N(M):
            model_config = ConfigDict(val_json_bytes="hex")
        """,
    )
    assert not sink.has_errors
    m, n = schema.models
    assert m.fields[0].type == t.Bounded(t.Primitive("int"), ge=0, le=2**64 - 1)
    assert m.fields[1].type == t.OptionalOf(t.Bounded(t.Primitive("int"), gt=-(2**70)))
    assert m.json == nodes.JsonConfig("base64", "utf8", "strings")
    assert n.json == nodes.JsonConfig("base64", "hex", "strings")  # config is inherited, then overridden


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x: float = Field(min_length=2)", "does not apply to `float`"),
        ("x: int = Field(ge=0.5)", "give an integer"),
        ("x: int = Field(ge=5, lt=5)", "leave no value"),
        ("model_config = ConfigDict(ser_json_timedelta='float')", "dspygen mirrors 'iso8601'"),
        ("model_config = ConfigDict(ser_json_bytes='b85')", "dspygen mirrors 'utf8', 'base64', 'hex'"),
    ],
)
def test_what_cannot_be_mirrored_is_a_diagnostic(tmp_path: Path, source: str, message: str) -> None:
    _, sink = read(
        tmp_path, f"from pydantic import BaseModel, ConfigDict, Field\n\nclass M(BaseModel):\n    {source}\n"
    )
    assert any(message in d.message for d in sink.items), [d.message for d in sink.items]


@pytest.mark.parametrize(
    ("bounds", "rust", "checked"),
    [
        ({"ge": 0}, "i64", True),
        ({"ge": -(2**63), "le": 2**63 - 1}, "i64", False),
        ({"ge": 0, "le": 2**64 - 1}, "u64", False),
        ({"ge": 2**63}, "u64", True),
        ({"gt": -(2**70), "lt": 2**70}, "i128", True),
        ({"le": 2**127 - 1}, "i128", False),  # the bounds written decide: this le fits no i64
    ],
)
def test_int_width_follows_the_bounds(bounds: dict[str, int], rust: str, checked: bool) -> None:
    choice = scalars.int_choice(t.Bounded(t.Primitive("int"), **bounds))
    assert choice is not None and (choice.rust, choice.checked) == (rust, checked)


def test_ints_beyond_128_bits_have_no_rust_type() -> None:
    assert scalars.int_choice(t.Bounded(t.Primitive("int"), ge=0, le=2**128)) is None


def test_const_args() -> None:
    assert scalars.const_arg(5) == "5"
    assert scalars.const_arg(-5) == "{ -5 }"
    assert scalars.const_arg(2**127 - 1) == "{ i128::MAX }"
    assert scalars.const_arg(-(2**127)) == "{ i128::MIN }"


def test_rust_types_follow_the_model_config() -> None:
    b64 = nodes.JsonConfig("base64", "base64", "strings")
    legacy = nodes.JsonConfig("base64", "utf8", "constants")

    def shown(ty: t.Type, json: nodes.JsonConfig = scalars.DEFAULT_JSON) -> str:
        return rust_type(ty, NAMES, None, json=json).ty.shown()

    assert shown(t.Primitive("bytes")) == "pytypes::Utf8Bytes"
    assert shown(t.Primitive("bytes"), b64) == "pytypes::Base64Bytes"
    assert shown(t.Primitive("bytes"), legacy) == "pytypes::Base64ReadUtf8Bytes"
    assert shown(t.Primitive("float")) == "f64"
    assert shown(t.Primitive("float"), b64) == "pytypes::InfNanStrings"
    assert shown(t.ListOf(t.Primitive("float")), legacy) == "Vec<pytypes::InfNanConstants>"
    assert shown(t.Primitive("uuid")) == "uuid::Uuid"
    # the code names each by its absolute path, through the runtime crate
    assert rust_type(t.Primitive("uuid"), NAMES, None).ty.render() == "::dspygen_runtime::uuid::Uuid"


def test_json_values_cross_into_python_as_json() -> None:
    rt = rust_type(t.DictOf(t.STR, t.Primitive("any")), NAMES, None)
    assert rt.ty.shown() == "IndexMap<String, serde_json::Value>" and rt.via_json
    assert rt.ty.render() == (
        "::dspygen_runtime::indexmap::IndexMap<::std::string::String, ::dspygen_runtime::serde_json::Value>"
    )
    get = '::dspygen_runtime::getattr!(obj, "meta")?'
    assert from_py(rt, "meta") == f"::dspygen_runtime::pytypes::from_json_py(&{get})?"
    assert to_py(rt, "meta") == "::dspygen_runtime::pytypes::to_json_py(py, &self.meta)?"


def test_a_crate_turns_on_only_the_runtime_features_it_uses() -> None:
    used: set[str] = set()
    scalars.needs(t.Primitive("str"), scalars.DEFAULT_JSON, used)
    assert scalars.features(used) == set()
    scalars.needs(t.Primitive("uuid"), scalars.DEFAULT_JSON, used)
    assert scalars.features(used) == {"uuid"}
    scalars.needs(t.OptionalOf(t.Primitive("date")), scalars.DEFAULT_JSON, used)
    scalars.needs(t.Primitive("bytes"), nodes.JsonConfig("hex", "hex"), used)
    assert scalars.features(used) == {"uuid", "datetime", "bytes"}
    scalars.needs(t.SetOf(t.UnionOf((t.STR, t.Primitive("int")))), scalars.DEFAULT_JSON, used)
    assert scalars.features(used) == {"uuid", "datetime", "bytes", "unions"}  # sets need no feature
