"""Lowering stage: the Python scalars with JSON formats of their own, and what they need.

Decides the Rust type of each (`pytypes::Datetime`, `uuid::Uuid`, `serde_json::Value`,
`u64` for an int whose bounds pass i64, ...) and which features of the runtime crate a
crate turns on for them. A crate that uses none of them turns on none.
"""

from __future__ import annotations

from dataclasses import dataclass

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import symbols
from dspygen.lower.rust import RustType, bare, of

# IR primitive -> (Rust type, Copy)
SCALARS: dict[str, tuple[RustType, bool]] = {
    "str": (of(symbols.STRING), False),
    "int": (bare("i64"), True),
    "float": (bare("f64"), True),
    "bool": (bare("bool"), True),
    "datetime": (of(symbols.PYTYPES.child("Datetime")), True),
    "aware_datetime": (of(symbols.PYTYPES.child("AwareDatetime")), True),
    "naive_datetime": (of(symbols.PYTYPES.child("NaiveDatetime")), True),
    "date": (of(symbols.PYTYPES.child("Date")), True),
    "time": (of(symbols.PYTYPES.child("Time")), True),
    "timedelta": (of(symbols.PYTYPES.child("Timedelta")), True),
    "uuid": (of(symbols.UUID), True),
    "decimal": (of(symbols.DECIMAL), False),
    "any": (of(symbols.JSON_VALUE), False),
    "json_value": (of(symbols.JSON_VALUE), False),
}
JSON_VALUES = frozenset({"any", "json_value"})
FLOATS = {"strings": symbols.PYTYPES.child("InfNanStrings"), "constants": symbols.PYTYPES.child("InfNanConstants")}
# The integer types a bounded int may take, narrowest first, with their ranges.
INTS = (("i64", -(2**63), 2**63 - 1), ("u64", 0, 2**64 - 1), ("i128", -(2**127), 2**127 - 1))
DEFAULT_JSON = nodes.JsonConfig()
INT = t.Primitive("int")


def bytes_ident(json: nodes.JsonConfig) -> str:
    ser, val = json.ser_json_bytes, json.val_json_bytes
    name = {"utf8": "Utf8", "base64": "Base64", "hex": "Hex"}
    return f"{name[ser]}Bytes" if ser == val else f"{name[ser]}Read{name[val]}Bytes"


def scalar(name: str, json: nodes.JsonConfig) -> tuple[RustType, bool]:
    """(Rust type, Copy) of a primitive in a model with `json` config."""
    if name == "bytes":
        return of(symbols.PYTYPES.child(bytes_ident(json))), False
    if name == "float" and json.ser_json_inf_nan in FLOATS:
        return of(FLOATS[json.ser_json_inf_nan]), True
    return SCALARS[name]


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


# The runtime feature each need (lower/fields.py collects the needs) turns on; needs not
# listed (sets, int keys, bounded ints) use what every build of the runtime has.
FEATURES = {
    **{name: "datetime" for name in ("datetime", "aware_datetime", "naive_datetime", "date", "time", "timedelta")},
    **{"uuid": "uuid", "decimal": "decimal", "json": "json", "union": "unions"},
}


def features(used: set[str]) -> set[str]:
    """The runtime features the needs `used` turn on."""
    out = {FEATURES[n] for n in used if n in FEATURES}
    prefixes = {"bytes:": "bytes", "float:": "floats", "dspy:": "dspy-types", "dspy-language:": "dspy-types"}
    out |= {feature for n in used for prefix, feature in prefixes.items() if n.startswith(prefix)}
    return out


@dataclass(frozen=True)
class Dependencies:
    runtime: str  # the `dspygen-runtime = { ... }` line of Cargo.toml
    extra: tuple[str, ...] = ()  # `name = ...` lines the user's mapped types need
