"""IR stage: declarations (models, enums, signatures) and the Schema that holds them.

Only Python facts live here: names as Python spells them, docs, defaults, spans and the
module each declaration belongs to. Lowering decides everything about Rust.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal, TypeAlias

from dspygen.diagnostics import Span
from dspygen.ir.types import Type

# 2: unions, constraints, aliases / extras / computed fields, generic and root models, mapped and
# DSPy types, derived signatures. 3: computed, model and unmirrored defaults; signature field defaults.
# 4: what only the JSON Schema shows (`schema`, `schema_unknown`), defaults from a factory lambda.
SCHEMA_VERSION = 4

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None


# What a `default_factory` computes each time pydantic calls it, where Rust computes the same:
# the current time (`datetime.now`: local, naive; `datetime.utcnow`: UTC, naive; `now_utc`: aware,
# `datetime.now(timezone.utc)`), today's date, a new UUID4 (as a UUID, or its `str` / `.hex`) and
# `time.time()` (seconds since the epoch, a float; `int(time.time())`, an int).
Computed: TypeAlias = Literal[
    "now", "utcnow", "now_utc", "today", "uuid4", "uuid4_str", "uuid4_hex", "time", "time_int"
]


@dataclass(frozen=True)
class Default:
    """A field default: a JSON-able literal, an empty container factory, an enum member, a value
    computed when the field is missing (`computed`), a model built from its own defaults
    (`model`: `default_factory=Settings`, `value` the model's id), or Python code dspygen does not
    run (`unmirrored`: Rust requires the field, said in a warning)."""

    kind: Literal["value", "factory", "enum_member", "computed", "model", "unmirrored"]
    value: JsonValue = None
    factory: Literal["list", "dict", ""] = ""
    member: str = ""
    computed: Computed | None = None
    # `default_factory=lambda: "x"`: the value is known, but pydantic's JSON Schema shows no default.
    from_factory: bool = False


def defaulted(default: Default | None) -> bool:
    """Whether a missing field takes a default in Rust (an unmirrored one leaves it required)."""
    return default is not None and default.kind != "unmirrored"


@dataclass(frozen=True)
class ModelField:
    name: str
    type: Type
    default: Default | None
    description: str | None
    alias: str | None
    span: Span
    # The keys pydantic reads the field from besides (or instead of) its name: `validation_alias`
    # (a str, or the strings of `AliasChoices` in order; `alias` when only that is given), and
    # the key `by_alias` writes (`serialization_alias`, else `alias`), alias generators applied.
    validation_alias: tuple[str, ...] = ()
    serialization_alias: str | None = None
    exclude: bool = False  # `Field(exclude=True)`: read, never written
    # What only pydantic's JSON Schema shows: `Field(title=..., examples=..., deprecated=...,
    # json_schema_extra={...})` as (key, value) in that order, literal values only; and, when
    # the schema depends on what dspygen does not read (a callable, a value that is no literal,
    # a `type` / TypeAliasType alias, which pydantic gives a `$defs` entry), what that is.
    schema: tuple[tuple[str, JsonValue], ...] = ()
    schema_unknown: str = ""


BytesMode: TypeAlias = Literal["utf8", "base64", "hex"]


@dataclass(frozen=True)
class JsonConfig:
    """The `model_config` keys that change how pydantic writes or reads JSON scalars."""

    ser_json_bytes: BytesMode = "utf8"
    val_json_bytes: BytesMode = "utf8"
    ser_json_inf_nan: Literal["null", "constants", "strings"] = "null"


@dataclass(frozen=True)
class ComputedField:
    """An `@computed_field` property: pydantic writes its value after the fields (and extras)."""

    name: str
    type: Type  # the property's return annotation
    description: str | None
    alias: str | None  # the key `by_alias` writes
    span: Span
    # `title=`, `examples=`, ... given: pydantic's JSON Schema shows them, dspygen does not compute it
    schema_unknown: str = ""


@dataclass(frozen=True)
class NameConfig:
    """The `model_config` keys that decide which keys pydantic reads and writes for fields."""

    validate_by_name: bool = False  # also True with `populate_by_name=True`
    validate_by_alias: bool = True
    serialize_by_alias: bool = False


@dataclass(frozen=True)
class Model:
    """A pydantic BaseModel subclass; `fields` are in pydantic's order (bases first)."""

    id: str
    name: str
    module: str
    qualname: str
    doc: str | None
    fields: tuple[ModelField, ...]
    extra: Literal["ignore", "forbid", "allow"]
    span: Span
    json: JsonConfig = JsonConfig()
    # A `RootModel[T]`: its one field is `root`, and its JSON is the bare value.
    root: bool = False
    # One instantiation of a generic model (`Page[Item]`): the generic class's qualname in
    # `module`, and its type arguments. `name` / `qualname` are the ones pydantic gives the
    # parametrised class; `fields` have the arguments substituted.
    generic_origin: str = ""
    type_args: tuple[Type, ...] = ()
    names: NameConfig = NameConfig()
    computed: tuple[ComputedField, ...] = ()
    # What pydantic's validators check or change, which Rust does not run: the names of the
    # fields a field validator names, "" for a model validator (the whole model).
    validated: tuple[str, ...] = ()
    # `strict=True`: no field is read in pydantic's lax mode (a field's own `strict` is its type's).
    strict: bool = False
    # The configuration only pydantic's JSON Schema shows (`title`, a `json_schema_extra` dict),
    # and what the schema depends on that dspygen does not read (as for ModelField).
    schema: tuple[tuple[str, JsonValue], ...] = ()
    schema_unknown: str = ""


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: str | int  # an Enum's members are all strings or all ints (`IntEnum`)
    span: Span


@dataclass(frozen=True)
class Enum:
    id: str
    name: str
    module: str
    qualname: str
    doc: str | None
    members: tuple[EnumMember, ...]
    span: Span
    # A subclass of int (`IntEnum`, `class E(int, Enum)`): pydantic's lax mode reads `"1"` into it
    # as into an int; a plain Enum of ints matches the value only (`1`, `1.0`, `true`).
    int_subclass: bool = False


@dataclass(frozen=True)
class SignatureField:
    name: str
    role: Literal["input", "output"]
    type: Type
    desc: str
    prefix: str
    type_undefined: bool
    span: Span
    default: Default | None = None  # `dspy.InputField(default=...)`: DSPy passes it when the input is missing
    # What the field's JSON Schema (pydantic's, of the signature side) depends on that dspygen does
    # not read: `description=`, `alias=`, `format=` / `parser=` given, a `desc` or `prefix` that is
    # no static string; "" where the schema is known.
    schema_unknown: str = ""


@dataclass(frozen=True)
class CustomType:
    """A name used inside a string signature and the declaration it resolves to."""

    name: str
    ref: str


@dataclass(frozen=True)
class Signature:
    """A DSPy signature: a class, a string given to Signature/Predict/ChainOfThought, or one
    derived from others by DSPy's signature algebra and bound to a module-level name."""

    id: str
    name: str
    module: str
    form: Literal["class", "string", "derived"]
    qualname: str
    text: str
    instructions: str
    fields: tuple[SignatureField, ...]
    custom_types: tuple[CustomType, ...]
    span: Span


@dataclass(frozen=True)
class Source:
    path: str
    module: str
    root: str
    # Not given but read because a file given imports from it (import following): only what
    # the files given reach was read from it.
    followed: bool = False


@dataclass(frozen=True)
class Schema:
    schema_version: int
    sources: tuple[Source, ...]
    models: tuple[Model, ...]
    enums: tuple[Enum, ...]
    signatures: tuple[Signature, ...]

    def declaration(self, ref: str) -> Model | Enum:
        return self._declarations[ref]

    @functools.cached_property
    def _declarations(self) -> dict[str, Model | Enum]:
        """Models and Enums by id, the first of each id (asked once per type reference:
        a scan each time made lowering quadratic in the number of models)."""
        index: dict[str, Model | Enum] = {}
        decls: list[Model | Enum] = [*self.models, *self.enums]
        for decl in decls:
            index.setdefault(decl.id, decl)
        return index
