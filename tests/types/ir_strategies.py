"""Hypothesis strategies derived from the IR: JSON documents pydantic accepts for a model,
and mutations of them that pydantic should reject.

`Strategies(schema)` turns every IR type (`ir/types.py`) into a strategy of JSON values (the
Python objects `json.loads` gives) meant for pydantic to accept without lax coercion:
constraints are honoured (bounds, lengths, patterns, multiple_of, digits), keys are the ones
pydantic validates by (aliases, `AliasChoices`, `validate_by_name`), each model's JsonConfig
decides how bytes and non-finite floats are spelled, RootModels are their bare value, unions
draw from every arm, recursion is cut at `max_depth` models deep, and fields with a default
are sometimes left out. Where a constraint cannot be met exactly by construction (a float
`multiple_of`, a regex Python reads unlike Rust, `max_digits`) draws are filtered by pydantic
itself under that one constraint.

`invalid_documents(ref)` draws a valid document and breaks it in one place: a value of the
wrong JSON type, a required field dropped, an unknown field where `extra="forbid"`, an int out
of range, a constraint violated, a value outside an Enum or Literal, a fixed tuple of the wrong
length, a dict key of the wrong type. The test asks pydantic what it is; the mutation only says
what was meant.

A type kind, or a non-default attribute of a model or field, that this module does not know
raises `Unsupported`: a new IR feature shows up as a failing test, never as a silent skip.
Only values outside the README's documented differences are drawn (ints within the Rust type,
finite floats unless `ser_json_inf_nan="strings"`, no JSON numbers beyond f64).
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import ipaddress
import json
import math
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Any, TypeAlias

from hypothesis import strategies as st
from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import scalars

Json: TypeAlias = Any  # None | bool | int | float | str | list[Json] | dict[str, Json]
Path: TypeAlias = tuple[str | int, ...]
Strategy: TypeAlias = st.SearchStrategy[Any]

I64 = (-(2**63), 2**63 - 1)
MAX_DEPTH = 3  # models deep; below, optional values are None and containers empty
MAX_ITEMS = 3

# The attributes of models and fields this module honours; any other one with a value other
# than its default raises, so that a new IR feature is not tested as if it were absent.
HANDLED: dict[type, set[str]] = {
    nodes.Model: {"id", "name", "module", "qualname", "doc", "fields", "extra", "span", "json"}
    | {"root", "generic_origin", "type_args", "names", "computed", "validated", "strict"}
    | {"schema", "schema_unknown"},  # the JSON Schema's only, as for fields
    nodes.ModelField: {"name", "type", "default", "description", "alias", "span"}
    | {"validation_alias", "serialization_alias", "exclude"}
    # What only the JSON Schema shows (titles, examples, ...): no part of a document.
    | {"schema", "schema_unknown"},
    nodes.JsonConfig: {"ser_json_bytes", "val_json_bytes", "ser_json_inf_nan"},
    nodes.NameConfig: {"validate_by_name", "validate_by_alias", "serialize_by_alias"},
}


def fixed_default(default: nodes.Default | None) -> bool:
    """A default both sides fill in alike: a literal, an empty container, an Enum member."""
    return default is not None and default.kind in {"value", "factory", "enum_member"}


class Unsupported(TypeError):
    """An IR type kind or attribute the strategies do not cover yet."""


def check_handled(obj: object) -> None:
    """Raise when `obj` (a Model, ModelField, JsonConfig) sets an attribute this module ignores."""
    handled = HANDLED[type(obj)]
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        if f.name in handled:
            continue
        default: Any = f.default
        if f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        if default is dataclasses.MISSING or getattr(obj, f.name) != default:
            raise Unsupported(f"{type(obj).__name__}.{f.name} = {getattr(obj, f.name)!r}: no strategy handles it")


def _unsupported(ty: object) -> Unsupported:
    return Unsupported(f"no strategy for the IR type kind {getattr(ty, 'kind', type(ty).__name__)!r}: {ty!r}")


# -- scalars ------------------------------------------------------------------------------

CHARS = st.characters(blacklist_categories=["Cs"])
text = st.text(CHARS, max_size=8)
ints = st.integers(*I64)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
# Offsets in whole minutes: pydantic's JSON drops the seconds of an offset (README).
_offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: timedelta(minutes=m))
_zones = st.just(timezone.utc) | st.builds(timezone, _offsets)
_moments = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
_timedelta = TypeAdapter(timedelta)


def _iso(value: Any) -> str:
    return str(value.isoformat())


json_values: Strategy = st.recursive(
    st.none() | st.booleans() | ints | finite_floats | text,
    lambda inner: st.lists(inner, max_size=MAX_ITEMS) | st.dictionaries(text, inner, max_size=MAX_ITEMS),
    max_leaves=8,
)


def _encode_bytes(raw: st.SearchStrategy[bytes], json_config: nodes.JsonConfig) -> Strategy:
    """Bytes as pydantic reads them under `val_json_bytes`."""
    mode = json_config.val_json_bytes
    if mode == "utf8":
        return raw.map(lambda b: b.decode())
    if mode == "hex":
        return raw.map(bytes.hex)
    return st.one_of(  # standard or URL-safe alphabet, padded or not: pydantic reads all four
        raw.map(lambda b: base64.urlsafe_b64encode(b).decode()),
        raw.map(lambda b: base64.b64encode(b).decode().rstrip("=")),
    )


def _raw_bytes(json_config: nodes.JsonConfig, min_size: int = 0, max_size: int = 12) -> st.SearchStrategy[bytes]:
    """Bytes that can be read and written under `json_config`: UTF-8 where either side is text
    (other bytes cannot be written as text by either side, README)."""
    if json_config.ser_json_bytes == "utf8" or json_config.val_json_bytes == "utf8":
        return st.text(CHARS, max_size=max_size).map(str.encode).filter(lambda b: min_size <= len(b) <= max_size)
    return st.binary(min_size=min_size, max_size=max_size)


def _float(json_config: nodes.JsonConfig) -> Strategy:
    numbers = finite_floats | st.integers(-(2**53), 2**53)
    if json_config.ser_json_inf_nan == "strings":
        return numbers | st.sampled_from(["Infinity", "-Infinity", "NaN"])
    return numbers


def _networks(version: int, *, strict: bool) -> Strategy:
    """`address/prefix` texts: networks (no host bits set) or interfaces (any address)."""
    bits = 32 if version == 4 else 128

    def text(address: int, prefix: int) -> str:
        if strict:
            address &= ((1 << bits) - 1) ^ ((1 << (bits - prefix)) - 1)
        return f"{ipaddress.IPv6Address(address) if version == 6 else ipaddress.IPv4Address(address)}/{prefix}"

    return st.builds(text, st.integers(0, 2**bits - 1), st.integers(0, bits))


def _urls(*schemes: str) -> Strategy:
    """URLs pydantic reads with these schemes: hosts in any case, ports, paths, queries."""
    host = st.sampled_from(["example.com", "Example.COM", "a.b-c.org", "127.0.0.1", "[::1]", "xn--mnchen-3ya.de"])
    port = st.just("") if "file" in schemes else st.sampled_from(["", ":80", ":443", ":8080"])  # a file URL has none
    path = st.lists(st.sampled_from(["a", "b c", "..", ".", "%7e", "é"]), max_size=3).map(lambda p: "/" + "/".join(p))
    query = st.sampled_from(["", "?q=1", "?a=b&c", "#frag"])
    return st.builds(
        lambda *parts: "".join(parts), st.sampled_from([f"{s}://" for s in schemes]), host, port, path, query
    )


def _emails() -> Strategy:
    """Addresses as people write them: any case, spaces around, a display name (plain or quoted)."""
    name = st.sampled_from([None, "", "Jane Doe ", '"Doe, Jane" ', '"a@b" '])
    return st.builds(
        lambda n, a, pad: (a if n is None else f"{n}<{a}>") + pad,
        name,
        st.emails().map(lambda a: a[: a.index("@")] + a[a.index("@") :].upper()) | st.emails(),
        st.sampled_from(["", " "]),
    )


PRIMITIVES: dict[str, Callable[[nodes.JsonConfig], Strategy]] = {
    "str": lambda _: text,
    "int": lambda _: ints,
    "float": _float,
    "bool": lambda _: st.booleans(),
    "none": lambda _: st.none(),
    "datetime": lambda _: st.one_of(
        _moments, _moments.flatmap(lambda d: _zones.map(lambda z: d.replace(tzinfo=z)))
    ).map(_iso),
    "aware_datetime": lambda _: _moments.flatmap(lambda d: _zones.map(lambda z: _iso(d.replace(tzinfo=z)))),
    "naive_datetime": lambda _: _moments.map(_iso),
    "date": lambda _: st.dates().map(_iso),
    "time": lambda _: st.times(timezones=st.none() | _zones).map(_iso),
    "timedelta": lambda _: st.timedeltas(min_value=timedelta(days=-(10**6)), max_value=timedelta(days=10**6)).map(
        lambda d: _timedelta.dump_python(d, mode="json")
    ),
    "uuid": lambda _: st.uuids().map(str),
    "decimal": lambda _: st.decimals(allow_nan=False, allow_infinity=False).map(str) | ints,
    "bytes": lambda json_config: _encode_bytes(_raw_bytes(json_config), json_config),
    "ipv4_address": lambda _: st.ip_addresses(v=4).map(str) | st.integers(0, 2**32 - 1),
    "ipv6_address": lambda _: st.ip_addresses(v=6).map(str) | st.integers(0, 2**64 - 1),  # ints within u64: README
    "ipvany_address": lambda _: st.ip_addresses().map(str) | st.integers(0, 2**64 - 1),
    "ipv4_network": lambda _: _networks(4, strict=True),
    "ipv6_network": lambda _: _networks(6, strict=True),
    "ipv4_interface": lambda _: _networks(4, strict=False),
    "ipv6_interface": lambda _: _networks(6, strict=False),
    "ipvany_network": lambda _: _networks(4, strict=True) | _networks(6, strict=True),
    "ipvany_interface": lambda _: _networks(4, strict=False) | _networks(6, strict=False),
    **dict.fromkeys(
        ("path", "pure_path", "posix_path", "pure_posix_path"), lambda _: st.text(st.sampled_from("/.a~ é\\"))
    ),
    **dict.fromkeys(("any_url", "any_http_url", "http_url"), lambda _: _urls("http", "https")),
    "file_url": lambda _: _urls("file"),
    "ftp_url": lambda _: _urls("ftp"),
    **dict.fromkeys(("any_websocket_url", "websocket_url"), lambda _: _urls("ws", "wss")),
    "email_str": lambda _: _emails(),
    "name_email": lambda _: _emails(),
    "secret_str": lambda _: st.text(max_size=12),
    "secret_bytes": lambda json_config: _encode_bytes(_raw_bytes(json_config), json_config),
    "any": lambda _: json_values,
    "json_value": lambda _: json_values,
}

# The JSON kinds a value of each primitive may take (what `wrong_type` avoids).
JSON_KINDS = ("null", "bool", "int", "float", "str", "array", "object")
PRIMITIVE_KINDS: dict[str, frozenset[str]] = {
    "str": frozenset({"str"}),
    "int": frozenset({"int"}),
    "float": frozenset({"int", "float"}),
    "bool": frozenset({"bool"}),
    "none": frozenset({"null"}),
    **{n: frozenset({"str", "int", "float"}) for n in ("datetime", "aware_datetime", "naive_datetime", "date")},
    **{n: frozenset({"str", "int", "float"}) for n in ("time", "timedelta", "decimal")},
    "uuid": frozenset({"str"}),
    "bytes": frozenset({"str"}),
    "ipv4_address": frozenset({"str", "int", "bool"}),  # an int within 32 bits, and so a bool
    **dict.fromkeys(("ipv6_address", "ipvany_address"), frozenset({"str", "int", "bool"})),
    **dict.fromkeys(
        ("ipv4_network", "ipv6_network", "ipv4_interface", "ipv6_interface", "ipvany_network", "ipvany_interface"),
        frozenset({"str", "int", "bool"}),
    ),
    **dict.fromkeys(("path", "pure_path", "posix_path", "pure_posix_path"), frozenset({"str"})),
    **dict.fromkeys(
        ("any_url", "any_http_url", "http_url", "file_url", "ftp_url", "any_websocket_url", "websocket_url"),
        frozenset({"str"}),
    ),
    **dict.fromkeys(("email_str", "name_email", "secret_str", "secret_bytes"), frozenset({"str"})),
    "any": frozenset(JSON_KINDS),
    "json_value": frozenset(JSON_KINDS),
}
WRONG_VALUES: dict[str, Strategy] = {
    "null": st.none(),
    "bool": st.booleans(),
    "int": st.integers(-5, 5),
    "float": st.sampled_from([1.5, -0.25, 1e300]),
    "str": st.sampled_from(["", "x", "not a value"]),
    "array": st.sampled_from([[], [1], ["a", None]]),
    "object": st.sampled_from([{}, {"a": 1}]),
}


def json_kind(value: Json) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    return {int: "int", float: "float", str: "str", list: "array", dict: "object"}[type(value)]


def int_range(ty: t.Constrained) -> tuple[int, int]:
    """The ints a constrained int takes in both pydantic and Rust (the Rust type's range where
    the bounds leave a side open)."""
    choice = scalars.int_choice(ty)
    if choice is None:
        raise Unsupported(f"bounds {ty.interval()} fit no Rust integer type (a diagnostic)")
    return choice.low, choice.high


def _multiples(low: int, high: int, step: int) -> st.SearchStrategy[int]:
    first, last = -(-low // step), high // step
    if first > last:
        raise Unsupported(f"no multiple of {step} within [{low}, {high}]")
    return st.integers(first, last).map(lambda k: k * step)


# -- the strategies of one Schema ---------------------------------------------------------


class Strategies:
    """Strategies of JSON values for the types of one Schema."""

    def __init__(
        self,
        schema: nodes.Schema,
        max_depth: int = MAX_DEPTH,
        json_schema: Callable[[str], dict[str, Any]] | None = None,
    ) -> None:
        """`json_schema` gives the JSON Schema pydantic has for a class mapped to a Rust type of
        the user's (`types` in pyproject.toml), by its qualified Python name."""
        self.models = {m.id: m for m in schema.models}
        self.enums = {e.id: e for e in schema.enums}
        self.max_depth = max_depth
        self.json_schema = json_schema
        self._memo: dict[tuple[str, int], Strategy] = {}

    # -- keys ---------------------------------------------------------------------------------

    @staticmethod
    def validation_keys(model: nodes.Model, f: nodes.ModelField) -> list[str]:
        """The keys pydantic reads the field from: its validation aliases (by default), its name
        (without an alias, or with `validate_by_name`)."""
        aliases = f.validation_alias or ((f.alias,) if f.alias else ())
        keys = list(aliases) if model.names.validate_by_alias else []
        if model.names.validate_by_name or not aliases:
            keys.append(f.name)
        return list(dict.fromkeys(keys))

    @staticmethod
    def output_key(model: nodes.Model, name: str, alias: str | None) -> str:
        """The key model_dump_json() writes: the name, or the alias with `serialize_by_alias`."""
        return (alias or name) if model.names.serialize_by_alias else name

    def taken(self, model: nodes.Model) -> set[str]:
        """Every key that means something for `model`, to either side: names and all aliases
        (Rust reads a field by its name and its alias alike, README), computed fields."""
        keys = set()
        for f in model.fields:
            keys |= {f.name, *self.validation_keys(model, f), *f.validation_alias}
            keys |= {k for k in (f.alias, f.serialization_alias) if k}
        for c in model.computed:
            keys |= {c.name, *([c.alias] if c.alias else [])}
        return keys

    def output_types(self, model: nodes.Model) -> dict[str, t.Type]:
        out = {self.output_key(model, f.name, f.serialization_alias or f.alias): f.type for f in model.fields}
        for c in model.computed:
            out[self.output_key(model, c.name, c.alias)] = c.type
        return out

    # -- valid documents ----------------------------------------------------------------------

    def model(self, ref: str, depth: int = 0) -> Strategy:
        """JSON documents pydantic validates as the model `ref`."""
        key = (ref, depth)
        if key not in self._memo:
            self._memo[key] = self._model(self.models[ref], depth)
        return self._memo[key]

    def _model(self, model: nodes.Model, depth: int) -> Strategy:
        check_handled(model)
        check_handled(model.json)
        check_handled(model.names)
        if depth > self.max_depth + 64:
            raise Unsupported(f"{model.qualname}: required fields nest models deeper than 64")
        if model.root:  # a RootModel: the bare value of its one field
            (f,) = model.fields
            check_handled(f)
            return self.value(f.type, model.json, depth)
        required: dict[str, Strategy] = {}
        optional: dict[str, Strategy] = {}
        for f in model.fields:
            check_handled(f)
            keys = self.validation_keys(model, f)
            pair = st.tuples(st.sampled_from(keys), self.value(f.type, model.json, depth))
            # A default only Python (or only a clock) computes: drawn as required, left out by a mutation.
            (optional if fixed_default(f.default) else required)[f.name] = pair
        documents = st.fixed_dictionaries(required, optional=optional).map(
            lambda fields: dict(fields.values())  # {field: (key, value)} -> {key: value}
        )
        if model.extra == "forbid":
            return documents
        # Unknown keys: ignored by both ("ignore") or kept and written after the fields ("allow").
        taken = self.taken(model)
        extras = st.dictionaries(text.filter(lambda k: k not in taken), json_values, max_size=2)
        return st.tuples(documents, extras).map(lambda pair: {**pair[0], **pair[1]})

    def value(self, ty: t.Type, json_config: nodes.JsonConfig, depth: int) -> Strategy:
        """JSON values of type `ty` in a model with `json_config`, `depth` models deep."""
        deep = depth >= self.max_depth
        if isinstance(ty, t.Primitive):
            if ty.name not in PRIMITIVES:
                raise _unsupported(ty)
            return PRIMITIVES[ty.name](json_config)
        if isinstance(ty, t.Constrained):
            return self.constrained(ty, json_config, depth)
        if isinstance(ty, t.JsonOf):  # the JSON text of a value, spaced one way or another
            indent = st.sampled_from([None, 1])
            return st.tuples(self.value(ty.inner, json_config, depth), indent).map(
                lambda pair: json.dumps(pair[0], ensure_ascii=False, indent=pair[1])
            )
        if isinstance(ty, t.LiteralOf):
            return st.sampled_from(ty.values)
        if isinstance(ty, t.OptionalOf):
            return st.none() if deep else st.none() | self.value(ty.inner, json_config, depth)
        if isinstance(ty, t.ListOf | t.SetOf) or (isinstance(ty, t.TupleOf) and ty.variadic):
            if deep:
                return st.just([])
            # Sets get duplicates too: both sides must drop them.
            return st.lists(self.value(t.children(ty)[0], json_config, depth), max_size=MAX_ITEMS)
        if isinstance(ty, t.TupleOf):
            return st.tuples(*(self.value(i, json_config, depth) for i in ty.items)).map(list)
        if isinstance(ty, t.DictOf):
            if deep:
                return st.just({})
            return st.dictionaries(self.key(ty.key), self.value(ty.value, json_config, depth), max_size=MAX_ITEMS)
        if isinstance(ty, t.Named):
            if ty.ref in self.enums:
                return st.sampled_from([m.value for m in self.enums[ty.ref].members])
            ref = ty.ref
            return st.deferred(lambda: self.model(ref, depth + 1))
        if isinstance(ty, t.UnionOf):
            return st.one_of(*(self.value(arm, json_config, depth) for arm in ty.arms))
        if isinstance(ty, t.Mapped):
            return MAPPED[self.mapped_kind(ty)]
        if isinstance(ty, t.DspyType):
            if ty.name not in DSPY:
                raise _unsupported(ty)
            return DSPY[ty.name]
        raise _unsupported(ty)

    def mapped_kind(self, ty: Any) -> str:
        """The JSON kind of a mapped class's values, from the JSON Schema pydantic gives it."""
        if self.json_schema is None:
            raise Unsupported(f"{ty.name}: a mapped class, and no JSON Schema lookup was given")
        kind = {"integer": "int", "string": "str", "number": "float", "boolean": "bool"}.get(
            str(self.json_schema(ty.name).get("type"))
        )
        if kind is None:
            raise Unsupported(f"{ty.name}: no strategy for the JSON Schema {self.json_schema(ty.name)}")
        return kind

    def constrained(self, ty: t.Constrained, json_config: nodes.JsonConfig, depth: int) -> Strategy:
        """Values of `ty.inner` that meet the constraints, as far as they can be built exactly."""
        inner, given = ty.inner, ty.given()
        if isinstance(inner, t.OptionalOf):  # Optional[int] = Field(ge=1): None, or a value within
            return st.none() | self.constrained(dataclasses.replace(ty, inner=inner.inner), json_config, depth)
        if inner == t.Primitive("int"):
            _only(given, {"ge", "gt", "le", "lt", "multiple_of", "strict"})
            low, high = int_range(ty)
            if ty.multiple_of is not None:
                return _multiples(low, high, int(ty.multiple_of))
            return st.integers(low, high) | st.sampled_from([low, high])
        if inner == t.Primitive("float"):
            _only(given, {"ge", "gt", "le", "lt", "multiple_of", "strict", "allow_inf_nan"})
            bounds = {k: float(v) for k, v in zip(("ge", "gt", "le", "lt"), ty.bounds(), strict=True) if v is not None}
            floats = st.floats(
                min_value=bounds.get("ge", bounds.get("gt")),
                max_value=bounds.get("le", bounds.get("lt")),
                exclude_min="gt" in bounds and "ge" not in bounds,
                exclude_max="lt" in bounds and "le" not in bounds,
                allow_nan=False,
                allow_infinity=False,
            )
            if ty.multiple_of is not None:  # k * step is not always a multiple in floats: filtered
                step = float(ty.multiple_of)
                floats = st.integers(-1000, 1000).map(lambda k: k * step)
            if json_config.ser_json_inf_nan == "strings" and ty.allow_inf_nan is not False and not bounds:
                floats = floats | st.sampled_from(["Infinity", "-Infinity", "NaN"])
            return floats.filter(accepts(ty, float, json_config))
        if inner == t.Primitive("decimal"):
            _only(given, {"ge", "gt", "le", "lt", "multiple_of", "max_digits", "decimal_places", "strict"})
            smallest = next((Decimal(str(v)) for v in (ty.ge, ty.gt) if v is not None), None)
            largest = next((Decimal(str(v)) for v in (ty.le, ty.lt) if v is not None), None)
            values: Strategy = st.decimals(
                min_value=smallest, max_value=largest, places=ty.decimal_places, allow_nan=False, allow_infinity=False
            )
            if ty.multiple_of is not None:
                unit = Decimal(str(ty.multiple_of))
                values = st.integers(-1000, 1000).map(lambda k: k * unit)
            # open bounds, max_digits: filtered
            return values.map(str).filter(accepts(ty, Decimal, json_config))
        if inner == t.Primitive("str"):
            _only(given, {"min_length", "max_length", "pattern", "strip_whitespace", "to_lower", "to_upper", "strict"})
            if ty.pattern is not None:  # pydantic searches the pattern (re.search), not fullmatch
                # Python's and Rust's regexes differ (`$` before a final newline): filtered
                return st.from_regex(ty.pattern, fullmatch=False).filter(accepts(ty, str, json_config))
            strings = st.text(CHARS, min_size=ty.min_length or 0, max_size=ty.max_length or 8)
            return strings.filter(accepts(ty, str, json_config))  # strip_whitespace then min_length
        if inner == t.Primitive("bytes"):
            _only(given, {"min_length", "max_length", "strict"})
            raw = _raw_bytes(json_config, ty.min_length or 0, ty.max_length if ty.max_length is not None else 12)
            return _encode_bytes(raw, json_config)
        if inner == t.Primitive("bool"):  # StrictBool: `strict` its only constraint
            _only(given, {"strict"})
            return st.booleans()
        if isinstance(inner, t.ListOf | t.SetOf | t.TupleOf | t.DictOf):
            _only(given, {"min_length", "max_length", "strict"})
            least, most = ty.min_length or 0, ty.max_length if ty.max_length is not None else 4
            if isinstance(inner, t.DictOf):
                keys, items = self.key(inner.key), self.value(inner.value, json_config, depth)
                return st.dictionaries(keys, items, min_size=least, max_size=most)
            if isinstance(inner, t.TupleOf) and not inner.variadic:
                return self.value(inner, json_config, depth)
            return st.lists(self.value(t.children(inner)[0], json_config, depth), min_size=least, max_size=most)
        raise Unsupported(f"no strategy for the constraints {given} on {t.shown(inner)}")

    def key(self, ty: t.Type) -> st.SearchStrategy[str]:
        """JSON object keys for a dict keyed by `ty`."""
        if ty == t.STR:
            return text
        if ty == t.Primitive("int"):
            return ints.map(str)
        if isinstance(ty, t.LiteralOf) and all(isinstance(v, str) for v in ty.values):
            return st.sampled_from([str(v) for v in ty.values])
        if isinstance(ty, t.Named) and ty.ref in self.enums:
            return st.sampled_from([str(m.value) for m in self.enums[ty.ref].members])
        if isinstance(ty, t.Constrained) and ty.inner == t.STR:
            return self.constrained(ty, nodes.JsonConfig(), 0)
        if isinstance(ty, t.Constrained) and ty.inner == t.Primitive("int"):
            return self.constrained(ty, nodes.JsonConfig(), 0).map(str)
        raise Unsupported(f"no strategy for dict keys of {ty!r}")

    # -- what valid values look like ------------------------------------------------------------

    def kinds(self, ty: t.Type) -> frozenset[str]:
        """The JSON kinds a valid value of `ty` may take."""
        if isinstance(ty, t.Primitive):
            return PRIMITIVE_KINDS[ty.name]
        if isinstance(ty, t.Constrained):
            return self.kinds(ty.inner)
        if isinstance(ty, t.JsonOf):  # read from a string (its JSON text)
            return frozenset({"str"})
        if isinstance(ty, t.LiteralOf):
            return frozenset(json_kind(v) for v in ty.values)
        if isinstance(ty, t.OptionalOf):
            return self.kinds(ty.inner) | {"null"}
        if isinstance(ty, t.ListOf | t.SetOf | t.TupleOf):
            return frozenset({"array"})
        if isinstance(ty, t.DictOf):
            return frozenset({"object"})
        if isinstance(ty, t.Named):
            if ty.ref in self.enums:
                return frozenset(json_kind(m.value) for m in self.enums[ty.ref].members)
            model = self.models[ty.ref]
            return self.kinds(model.fields[0].type) if model.root else frozenset({"object"})
        if isinstance(ty, t.UnionOf):
            return frozenset().union(*(self.kinds(a) for a in ty.arms))
        if isinstance(ty, t.Mapped):
            return frozenset({self.mapped_kind(ty)} | ({"int"} if self.mapped_kind(ty) == "float" else set()))
        if isinstance(ty, t.DspyType):
            return DSPY_KINDS.get(ty.name, frozenset({"object"}))
        raise _unsupported(ty)

    def has_set(self, ty: t.Type, seen: frozenset[str] = frozenset()) -> bool:
        """Whether values of `ty` hold a set anywhere (their JSON is then compared canonically)."""
        if isinstance(ty, t.SetOf):
            return True
        if isinstance(ty, t.Named) and ty.ref in self.models and ty.ref not in seen:
            model = self.models[ty.ref]
            return any(self.has_set(f, seen | {ty.ref}) for f in self.output_types(model).values())
        return any(self.has_set(c, seen) for c in t.children(ty))

    def reachable(self, ref: str) -> list[nodes.Model]:
        """The model `ref` and every model its values may hold."""
        out: dict[str, nodes.Model] = {}
        work = [ref]
        while work:
            current = work.pop()
            if current in out or current not in self.models:
                continue
            out[current] = self.models[current]
            for ty in self.output_types(out[current]).values():
                work.extend(t.refs(ty))
        return list(out.values())

    def has_media(self, ref: str) -> bool:
        """Whether values of model `ref` may hold dspy.Image / Audio / File."""
        types = [ty for m in self.reachable(ref) for ty in self.output_types(m).values()]
        return any(isinstance(node, t.DspyType) and node.name in DSPY_MEDIA for ty in types for node in _walk(ty))

    def canonical(self, value: Json, ty: t.Type) -> Json:
        """`value` (JSON as pydantic writes it) with every set's items sorted: pydantic writes a
        set in Python's (hash-seeded) iteration order, Rust in the order it read."""
        if isinstance(ty, t.Named) and ty.ref in self.models:
            model = self.models[ty.ref]
            if model.root:
                return self.canonical(value, model.fields[0].type)
            if isinstance(value, dict):
                types = self.output_types(model)
                return {k: self.canonical(v, types[k]) if k in types else v for k, v in value.items()}
        if isinstance(ty, t.SetOf) and isinstance(value, list):
            return sorted((self.canonical(v, ty.item) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        if isinstance(ty, t.OptionalOf | t.Constrained | t.JsonOf):  # Json[T]: written as the T
            return self.canonical(value, ty.inner)
        if isinstance(ty, t.ListOf | t.TupleOf) and isinstance(value, list):
            items = ty.items if isinstance(ty, t.TupleOf) and not ty.variadic else (t.children(ty)[0],) * len(value)
            return [self.canonical(v, i) for v, i in zip(value, items, strict=False)]
        if isinstance(ty, t.DictOf) and isinstance(value, dict):
            return {k: self.canonical(v, ty.value) for k, v in value.items()}
        if isinstance(ty, t.UnionOf):
            arms = [a for a in ty.arms if json_kind(value) in self.kinds(a)]
            return self.canonical(value, arms[0]) if len(arms) == 1 else value
        return value

    # -- invalid documents ----------------------------------------------------------------------

    def invalid_documents(self, ref: str) -> st.SearchStrategy[tuple[str, Json]]:
        """(mutation, document): a valid document of model `ref`, broken in one place."""

        @st.composite
        def draw_invalid(draw: st.DrawFn) -> tuple[str, Json]:
            doc = draw(self.model(ref))
            sites: dict[str, list[tuple[Path, Strategy]]] = {}
            for kind, path, replacement in self.sites(doc, t.Named(ref), nodes.JsonConfig(), ()):
                sites.setdefault(kind, []).append((path, replacement))
            kind = draw(st.sampled_from(sorted(sites)))  # each kind of mutation as likely as the others
            path, replacement = draw(st.sampled_from(sites[kind]))
            return kind, apply(doc, path, draw(replacement))

        return draw_invalid()

    def sites(
        self, value: Json, ty: t.Type, json_config: nodes.JsonConfig, path: Path
    ) -> Iterator[tuple[str, Path, Strategy]]:
        """(mutation, path, replacement) for every place in `value` (of type `ty`) that can be
        broken; a replacement of `REMOVE` deletes the key at `path`."""
        wrong = [k for k in JSON_KINDS if k not in self.kinds(ty)]
        if wrong:
            yield "wrong_type", path, st.one_of(*(WRONG_VALUES[k] for k in wrong))
        if isinstance(ty, t.Constrained):
            yield from self.violations(ty, value, path)
            yield from self.sites(value, ty.inner, json_config, path)
        elif ty == t.Primitive("int"):  # pydantic's int is unbounded, Rust's i64 (README)
            yield BEYOND_RUST, path, st.sampled_from([I64[0] - 1, I64[1] + 1, 2**64, -(2**64) - 1])
        elif isinstance(ty, t.LiteralOf) or (isinstance(ty, t.Named) and ty.ref in self.enums):
            values = ty.values if isinstance(ty, t.LiteralOf) else tuple(m.value for m in self.enums[ty.ref].members)
            allowed = {t.literal_key(v) for v in values}
            outside = [v for v in ("not-a-member", "", 987654321, -2, None, False) if t.literal_key(v) not in allowed]
            yield "bad_member", path, st.sampled_from(outside)
        elif isinstance(ty, t.OptionalOf) and value is not None:
            yield from self.sites(value, ty.inner, json_config, path)
        elif isinstance(ty, t.TupleOf) and not ty.variadic and isinstance(value, list):
            longer, shorter = [*value, value[0] if value else 0], value[:-1]
            yield "tuple_length", path, st.sampled_from([longer, shorter] if value else [longer])
            for i, (item, item_ty) in enumerate(zip(value, ty.items, strict=True)):
                yield from self.sites(item, item_ty, json_config, (*path, i))
        elif isinstance(ty, t.ListOf | t.SetOf | t.TupleOf) and isinstance(value, list):
            for i, item in enumerate(value):
                yield from self.sites(item, t.children(ty)[0], json_config, (*path, i))
        elif isinstance(ty, t.DictOf) and isinstance(value, dict):
            if ty.key != t.STR and value:
                first = next(iter(value))
                renamed = {("not-a-key" if k == first else k): v for k, v in value.items()}
                yield "bad_key", path, st.just(renamed)
            for k, item in value.items():
                yield from self.sites(item, ty.value, json_config, (*path, k))
        elif isinstance(ty, t.Named) and ty.ref in self.models:
            yield from self.model_sites(self.models[ty.ref], value, path)
        elif isinstance(ty, t.UnionOf):
            arms = [a for a in ty.arms if json_kind(value) in self.kinds(a)]
            if len(arms) == 1:  # the arm is known: break inside it
                yield from self.sites(value, arms[0], json_config, path)

    def model_sites(self, model: nodes.Model, value: Json, path: Path) -> Iterator[tuple[str, Path, Strategy]]:
        if model.root:
            yield from self.sites(value, model.fields[0].type, model.json, path)
            return
        if not isinstance(value, dict):
            return
        for f in model.fields:
            key = next((k for k in self.validation_keys(model, f) if k in value), None)
            if key is None:
                continue
            if f.default is None:
                yield "missing_required", (*path, key), st.just(REMOVE)
            elif not fixed_default(f.default):  # `missing_computed`, `missing_model`, `missing_unmirrored`
                yield f"missing_{f.default.kind}", (*path, key), st.just(REMOVE)
            yield from self.sites(value[key], f.type, model.json, (*path, key))
        if model.extra == "forbid":
            taken = self.taken(model)
            unknown = text.filter(lambda k: k not in taken)
            yield "unknown_field", path, st.tuples(unknown, json_values).map(lambda kv: {**value, kv[0]: kv[1]})

    def violations(self, ty: t.Constrained, value: Json, path: Path) -> Iterator[tuple[str, Path, Strategy]]:
        """Values of the right JSON kind that break one constraint of `ty`."""
        if ty.inner == t.Primitive("int"):
            (low, high), (written_low, written_high) = int_range(ty), ty.interval()
            yield ("out_of_range" if written_low is not None else BEYOND_RUST), path, st.just(low - 1)
            yield ("out_of_range" if written_high is not None else BEYOND_RUST), path, st.just(high + 1)
        elif isinstance(ty.inner, t.Primitive) and ty.inner.name in ("float", "decimal"):
            out = [float(v) - 1 for v in (ty.ge, ty.gt) if v is not None]
            out += [float(v) + 1 for v in (ty.le, ty.lt) if v is not None]
            out += [float(v) for v in (ty.gt, ty.lt) if v is not None]
            if ty.multiple_of is not None:
                out.append(float(ty.multiple_of) * 1.5)
            if out:
                spell: Callable[[float], Json] = str if ty.inner.name == "decimal" else (lambda v: v)
                yield "constraint", path, st.sampled_from([spell(v) for v in out])
        if isinstance(value, str | list | dict):
            if ty.max_length is not None:
                yield "constraint", path, st.just(_longer(value, ty.max_length + 1))
            if ty.min_length:
                yield "constraint", path, st.just(_shorter(value, ty.min_length - 1))
            if ty.pattern is not None:
                yield "constraint", path, text


def _walk(ty: t.Type) -> Iterator[t.Type]:
    yield ty
    for child in t.children(ty):
        yield from _walk(child)


def accepts(ty: t.Constrained, python: type, json_config: nodes.JsonConfig) -> Callable[[Json], bool]:
    """Whether pydantic takes a JSON value for `python` under `ty`'s constraints: the filter for
    the values a strategy cannot build exactly (float multiples, regex dialects, digits)."""
    given: dict[str, Any] = ty.given()
    meta: Any = StringConstraints(**given) if python is str else Field(**given)
    annotated: Any = Annotated[python, meta]
    adapter: TypeAdapter[Any] = TypeAdapter(annotated, config=ConfigDict(ser_json_inf_nan=json_config.ser_json_inf_nan))

    def check(value: Json) -> bool:
        # pydantic's own output must be valid too: `to_upper` runs after `max_length`, so "ßﬀ"
        # passes `max_length=2` and is stored as "SSFF", which nothing (pydantic included) reads.
        try:
            adapter.validate_json(adapter.dump_json(adapter.validate_json(json.dumps(value))))
        except ValidationError:
            return False
        return True

    return check


# Values of a mapped class by the JSON kind its JSON Schema names (ints: within i64).
MAPPED: dict[str, Strategy] = {"int": ints, "str": text, "float": finite_floats, "bool": st.booleans()}


# DSPy's own types, as the JSON pydantic reads for each (the installed dspy's fields). Text
# without backticks: DSPy strips a Markdown fence from Code.
_plain_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="`"), max_size=12)
_opt_text = st.none() | _plain_text
_args = st.dictionaries(text, json_values, max_size=2)
_tool_call = st.fixed_dictionaries({"name": _plain_text, "args": _args})  # no `id`: pydantic drops it (README)
_tool_result = st.fixed_dictionaries(
    {"name": _plain_text, "value": json_values}, optional={"call_id": _opt_text, "is_error": st.booleans()}
)
DSPY: dict[str, Strategy] = {
    "Image": st.fixed_dictionaries(
        {"url": st.sampled_from(["https://example.com/a.png", "data:image/png;base64,iVBORw0KGgo=", "gs://b/o.jpg"])}
    ),
    "Audio": st.fixed_dictionaries(
        {
            "data": st.binary(max_size=8).map(lambda b: base64.b64encode(b).decode()),
            "audio_format": st.sampled_from(["wav", "mp3"]),
        }
    ),
    "File": st.fixed_dictionaries(
        {}, optional={"file_data": _opt_text, "file_id": _opt_text, "filename": _opt_text}
    ).filter(lambda d: any(v is not None for v in d.values())),
    "History": st.fixed_dictionaries(
        {"messages": st.lists(st.dictionaries(text, json_values, max_size=2), max_size=2)}
    ),
    "Code": _plain_text,
    "Reasoning": _plain_text | _plain_text.map(lambda s: {"content": s}),
    "ToolCalls": st.fixed_dictionaries({"tool_calls": st.lists(_tool_call, max_size=2)}),
    "ToolCalls.ToolCall": _tool_call,
    "ToolCallResults": st.fixed_dictionaries({"tool_call_results": st.lists(_tool_result, max_size=2)}),
    "ToolCallResults.ToolCallResult": _tool_result,
}
DSPY_KINDS = {"Code": frozenset({"str", "object"}), "Reasoning": frozenset({"str", "object"})}
# The DSPy types pydantic writes as a prompt fragment: compared by reading Rust's JSON back.
DSPY_MEDIA = frozenset({"Image", "Audio", "File"})


def _only(given: dict[str, object], allowed: set[str]) -> None:
    extra = set(given) - allowed
    if extra:
        raise Unsupported(f"no strategy for the constraints {sorted(extra)} here")


def _within(value: float, bounds: dict[str, float]) -> bool:
    return (
        value >= bounds.get("ge", -math.inf)
        and value > bounds.get("gt", -math.inf)
        and value <= bounds.get("le", math.inf)
        and value < bounds.get("lt", math.inf)
    )


def _sized(value: str, ty: t.Constrained) -> bool:
    return (ty.min_length or 0) <= len(value) <= (ty.max_length if ty.max_length is not None else len(value))


def _longer(value: str | list[Json] | dict[str, Json], size: int) -> Json:
    if isinstance(value, str):
        return value + "x" * max(0, size - len(value))
    if isinstance(value, list):
        return [*value, *(value[:1] or [None]) * (size - len(value))] if size > len(value) else value
    return {**value, **{f"k{i}": next(iter(value.values()), None) for i in range(size)}}


def _shorter(value: str | list[Json] | dict[str, Json], size: int) -> Json:
    if isinstance(value, dict):
        return dict(list(value.items())[:size])
    return value[:size]


REMOVE = object()
# The mutation that puts an int beyond the Rust type where no bound was written: pydantic takes
# it (its int is unbounded), Rust refuses it (README: never a wrap). A documented difference.
BEYOND_RUST = "int_beyond_rust_type"


def apply(doc: Json, path: Path, replacement: Json) -> Json:
    """A copy of `doc` with the value at `path` replaced (or removed, for REMOVE)."""
    if not path:
        return replacement
    out = copy.deepcopy(doc)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    if replacement is REMOVE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return out
