"""Lowering stage: the Python scalars with JSON formats of their own, and what they need.

Decides the Rust type of each (`pytypes::Datetime`, `uuid::Uuid`, `serde_json::Value`,
`u64` for an int whose bounds pass i64, ...), which runtime helpers of `src/pytypes.rs`
a crate needs, and which dependencies and features its Cargo.toml names. A crate that
uses none of them gets none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from dspygen.ir import nodes
from dspygen.ir import types as t

# IR primitive -> (Rust type, Copy)
SCALARS: dict[str, tuple[str, bool]] = {
    "datetime": ("pytypes::Datetime", True),
    "aware_datetime": ("pytypes::AwareDatetime", True),
    "naive_datetime": ("pytypes::NaiveDatetime", True),
    "date": ("pytypes::Date", True),
    "time": ("pytypes::Time", True),
    "timedelta": ("pytypes::Timedelta", True),
    "uuid": ("uuid::Uuid", True),
    "decimal": ("pytypes::Decimal", False),
    "any": ("serde_json::Value", False),
    "json_value": ("serde_json::Value", False),
}
JSON_VALUES = frozenset({"any", "json_value"})
FLOATS = {"strings": "pytypes::InfNanStrings", "constants": "pytypes::InfNanConstants"}
# The integer types a bounded int may take, narrowest first, with their ranges.
INTS = (("i64", -(2**63), 2**63 - 1), ("u64", 0, 2**64 - 1), ("i128", -(2**127), 2**127 - 1))
DEFAULT_JSON = nodes.JsonConfig()
INT = t.Primitive("int")


def bytes_ident(json: nodes.JsonConfig) -> str:
    ser, val = json.ser_json_bytes, json.val_json_bytes
    name = {"utf8": "Utf8", "base64": "Base64", "hex": "Hex"}
    return f"{name[ser]}Bytes" if ser == val else f"{name[ser]}Read{name[val]}Bytes"


def scalar(name: str, json: nodes.JsonConfig) -> tuple[str, bool] | None:
    """(Rust type, Copy) of a primitive this module owns, or None for str/int/float/bool."""
    if name == "bytes":
        return f"pytypes::{bytes_ident(json)}", False
    if name == "float" and json.ser_json_inf_nan in FLOATS:
        return FLOATS[json.ser_json_inf_nan], True
    return SCALARS.get(name)


@dataclass(frozen=True)
class IntChoice:
    rust: str
    low: int  # the inclusive range Rust must check, beyond what the type itself holds
    high: int
    checked: bool  # whether a check beyond the type's own range is needed


def int_choice(bounded: t.Bounded) -> IntChoice | None:
    """The narrowest of i64, u64, i128 that holds every bound written; None if none does."""
    low, high = bounded.interval()
    for rust, lo, hi in INTS:
        if all(v is None or lo <= v <= hi for v in (low, high)):
            low_, high_ = lo if low is None else low, hi if high is None else high
            return IntChoice(rust, low_, high_, (low_, high_) != (lo, hi))
    return None


def const_arg(value: int) -> str:
    """An i128 const generic argument."""
    if value == 2**127 - 1:
        return "{ i128::MAX }"
    if value == -(2**127):
        return "{ i128::MIN }"
    return f"{{ {value} }}" if value < 0 else str(value)


def via_json(ty: t.Type) -> bool:
    """Whether a value of `ty` holds Any / JsonValue parts, which cross into Python as JSON."""
    if isinstance(ty, t.Primitive):
        return ty.name in JSON_VALUES
    return any(via_json(c) for c in t.children(ty))


def needs(ty: t.Type, json: nodes.JsonConfig, out: set[str]) -> None:
    """Add to `out` what values of `ty` need from the runtime and the dependencies."""
    if isinstance(ty, t.Primitive):
        if ty.name == "bytes":
            out.add(f"bytes:{json.ser_json_bytes}:{json.val_json_bytes}")
        elif ty.name == "float" and json.ser_json_inf_nan in FLOATS:
            out.add(f"float:{json.ser_json_inf_nan}")
        elif ty.name in JSON_VALUES:
            out.add("json")
        elif ty.name in SCALARS:
            out.add(ty.name)
        return
    if isinstance(ty, t.OptionalOf) and isinstance(ty.inner, t.Constrained) and ty.inner.inner == INT:
        choice = int_choice(ty.inner)
        if choice is not None and choice.checked:
            out.add("opt_int_within")
        return
    if isinstance(ty, t.Constrained) and ty.inner == INT:
        choice = int_choice(ty)
        if choice is not None and choice.checked:
            out.add("int_within")
        return
    if isinstance(ty, t.SetOf):
        out.add("set")
    if isinstance(ty, t.UnionOf):
        out.add("union")  # reads the JSON text of the value first (serde_json's RawValue)
    if isinstance(ty, t.DictOf) and ty.key == t.Primitive("int"):
        out.add("int_key")
    for child in t.children(ty):
        needs(child, json, out)


@dataclass(frozen=True)
class BytesView:
    ident: str
    ser: str  # utf8 / base64 / hex: names the runtime's write_* and read_* helpers
    val: str


@dataclass(frozen=True)
class PyTypesView:
    """Which parts of `src/pytypes.rs` a crate needs; the module is left out when none."""

    needed: bool
    uses: tuple[str, ...]
    temporal: bool
    datetime_parse: bool
    date_of: bool
    time_of: bool
    datetime_any: bool
    datetime: bool
    aware_datetime: bool
    naive_datetime: bool
    date: bool
    time: bool
    timedelta: bool
    decimal: bool
    bytes: tuple[BytesView, ...]
    utf8_write: bool
    utf8_read: bool
    base64_write: bool
    base64_read: bool
    hex_write: bool
    hex_read: bool
    floats: bool
    float_strings: bool
    float_constants: bool
    int_within: bool
    opt_int_within: bool
    json: bool
    sets: bool = False
    int_key: bool = False


def pytypes_view(used: set[str]) -> PyTypesView:
    dt = {"datetime", "aware_datetime", "naive_datetime"} & used
    temporal = bool(dt) or bool({"date", "time", "timedelta"} & used)
    modes = sorted(
        {tuple(n.split(":")[1:]) for n in used if n.startswith("bytes:")},
        key=lambda m: ({"utf8": 0, "base64": 1, "hex": 2}[m[0]], {"utf8": 0, "base64": 1, "hex": 2}[m[1]]),
    )
    bytes_views = tuple(
        BytesView(bytes_ident(nodes.JsonConfig(ser_json_bytes=s, val_json_bytes=v)), s, v)  # type: ignore[arg-type]
        for s, v in modes
    )
    sers, vals = {b.ser for b in bytes_views}, {b.val for b in bytes_views}
    conversions = (used - {"int_within", "opt_int_within", "uuid", "union"}) != set()
    return PyTypesView(
        needed=bool(used - {"uuid", "union"}),
        uses=("use pyo3::prelude::*;",) if conversions else (),
        temporal=temporal,
        datetime_parse=bool(dt) or "date" in used,
        date_of=bool(dt) or "date" in used,
        time_of=bool(dt) or "time" in used,
        datetime_any=bool(dt),
        datetime="datetime" in used or bool({"aware_datetime", "naive_datetime"} & used),
        aware_datetime="aware_datetime" in used,
        naive_datetime="naive_datetime" in used,
        date="date" in used,
        time="time" in used,
        timedelta="timedelta" in used,
        decimal="decimal" in used,
        bytes=bytes_views,
        utf8_write="utf8" in sers,
        utf8_read="utf8" in vals,
        base64_write="base64" in sers,
        base64_read="base64" in vals,
        hex_write="hex" in sers,
        hex_read="hex" in vals,
        floats=bool({"float:strings", "float:constants"} & used),
        float_strings="float:strings" in used,
        float_constants="float:constants" in used,
        int_within="int_within" in used,
        opt_int_within="opt_int_within" in used,
        json="json" in used,
        sets="set" in used,
        int_key="int_key" in used,
    )


@dataclass(frozen=True)
class Dependencies:
    pyo3_features: str  # the inside of a TOML array
    serde_json_features: str
    extra: tuple[str, ...]  # `name = ...` lines after the fixed dependencies


def dependencies(used: set[str]) -> Dependencies:
    pyo3 = ["indexmap"]
    serde_json = ["float_roundtrip"]
    extra = []
    temporal = {"datetime", "aware_datetime", "naive_datetime", "date", "time", "timedelta"} & used
    if temporal:
        pyo3.append("chrono")
        extra.append('chrono = { version = "0.4.45", default-features = false, features = ["std"] }')
        extra.append('speedate = "0.18"')  # what pydantic-core 2.50 parses with
    if "uuid" in used:
        pyo3.append("uuid")
        extra.append('uuid = { version = "1.23", features = ["serde"] }')
    if any(n.startswith("bytes:") and "base64" in n for n in used):
        extra.append('base64 = "0.22"')
    if any(n.startswith("bytes:") and "hex" in n for n in used):
        extra.append('hex = "0.4"')
    if "json" in used:
        serde_json.append("preserve_order")
    if "float:constants" in used or "union" in used:
        serde_json.append("raw_value")
    return Dependencies(
        ", ".join(f'"{f}"' for f in sorted(pyo3)),
        ", ".join(f'"{f}"' for f in serde_json),
        tuple(extra),
    )
