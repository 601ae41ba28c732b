"""Lowering stage: the Rust side of the registered scalars (registry/scalars.py), and what they need.

Decides the Rust type of each (`pytypes::Datetime`, `uuid::Uuid`, `serde_json::Value`,
`u64` for an int whose bounds pass i64, ...) and which features of the runtime crate a
crate turns on for them. A crate that uses none of them turns on none.
"""

from __future__ import annotations

from dataclasses import dataclass

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import symbols
from dspygen.lower.rust import Path, RustType, of
from dspygen.registry import scalars as registry

# The scalars that cross between Python and Rust as JSON (Any, JsonValue).
JSON_VALUES = frozenset(s.name for s in registry.SCALARS if s.pyo3.conversion == "json")
# The integer types a bounded int may take, narrowest first, with their ranges.
INTS = (("i64", -(2**63), 2**63 - 1), ("u64", 0, 2**64 - 1), ("i128", -(2**127), 2**127 - 1))
DEFAULT_JSON = nodes.JsonConfig()
INT = t.Primitive("int")


def rust_path(path: str) -> Path:
    """A registry's Rust path as generated code names it: std's and Rust's primitives as they
    are, the runtime's (`pytypes::Date`, `uuid::Uuid`) through `::dspygen_runtime`."""
    if path.startswith("::"):
        return Path(path, path.rpartition("::")[2])
    return symbols.runtime_item(path) if "::" in path else Path(path, path)


def scalar(name: str, json: nodes.JsonConfig) -> tuple[RustType, bool]:
    """(Rust type, Copy) of a scalar in a model with `json` config."""
    found = registry.scalar(name).rust.type(json)
    return of(rust_path(found.path)), found.copy


def float_newtype(json: nodes.JsonConfig) -> Path | None:
    """The runtime's float newtype of a model that writes inf and NaN its own way, if any."""
    found = registry.scalar("float").rust.type(json)
    return None if found.path == "f64" else rust_path(found.path)


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
    if isinstance(ty, t.JsonOf):  # `pytypes::Json` crosses as its JSON text, whatever it holds
        return False
    return any(via_json(c) for c in t.children(ty))


def needs(ty: t.Type, json: nodes.JsonConfig, out: set[str]) -> None:
    """Add to `out` the runtime features values of `ty` need (a scalar's, in its registry entry)."""
    if isinstance(ty, t.Primitive):
        feature = registry.scalar(ty.name).rust.type(json).feature
        if feature is not None:
            out.add(feature)
        return
    if isinstance(ty, t.UnionOf):
        out.add("unions")  # reads the JSON text of the value first (serde_json's RawValue)
    for child in t.children(ty):
        needs(child, json, out)


def features(used: set[str]) -> set[str]:
    """The runtime features the needs `used` turn on: the features themselves, and `dspy-types`
    for DSPy's own types (lower/dspy_types.py records which, as `dspy:<name>`)."""
    out = {n for n in used if ":" not in n}
    return out | ({"dspy-types"} if any(n.startswith(("dspy:", "dspy-language:")) for n in used) else set())


@dataclass(frozen=True)
class Dependencies:
    runtime: str  # the `dspygen-runtime = { ... }` line of Cargo.toml
    extra: tuple[str, ...] = ()  # `name = ...` lines the user's mapped types need
