"""The facets of a registered scalar, one dataclass each (registry/scalars.py fills them).

Plain data and small functions of a model's JSON settings: no import of dspygen, so the IR,
the frontends and lowering may all read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

Token = Literal["Str", "Int", "Float", "Bool", "Null", "Array", "Object"]  # the kinds of JSON value
# How exactly pydantic's smart-mode union matches a JSON value (pydantic-core's `Exactness`).
EXACT, STRICT, LAX = 3, 2, 1


class JsonModes(Protocol):
    """The model settings a scalar's JSON form depends on (ir.nodes.JsonConfig has them)."""

    @property
    def ser_json_bytes(self) -> str: ...
    @property
    def val_json_bytes(self) -> str: ...
    @property
    def ser_json_inf_nan(self) -> str: ...


@dataclass(frozen=True)
class Python:
    """How Python names the type."""

    names: tuple[str, ...]  # every `module.qualname` an annotation may spell it as (static frontend)
    spelled: str  # as an annotation writes it (docs, DSPy's field metadata): `UUID`
    qualname: str  # its `__qualname__` (pydantic's names of generic instantiations: `Page[UUID]`)
    where: tuple[str, str]  # (module, qualname) the class is found at, for the bindings and introspection


@dataclass(frozen=True)
class RustType:
    """The Rust type of a value in a model with given JSON settings."""

    path: str  # inside the runtime crate (`pytypes::Date`), std (`::std::string::String`), or a primitive
    copy: bool  # passed to PyO3 by value
    feature: str | None  # the runtime's Cargo feature it needs; None: none


@dataclass(frozen=True)
class Rust:
    type: Callable[[JsonModes], RustType]
    word: str  # the type in a generated name: `Page[UUID]` -> `PageUuid`, `int | str` -> `IntOrStr`


@dataclass(frozen=True)
class PyO3:
    """How a value crosses between Python and Rust."""

    conversion: Literal["native", "json"]  # the Rust type's own conversions, or pydantic's JSON
    exact: str | None  # the pyo3 type an exact instance check tells it by (`PyString`): a union's arm


@dataclass(frozen=True)
class Samples:
    """A value for the generated tests, as (the JSON given to pydantic, the JSON it writes back),
    given the field's name (`hint`) and the model's JSON settings."""

    make: Callable[[str, JsonModes], tuple[object, object]]


@dataclass(frozen=True)
class Union:
    """How pydantic's smart-mode union ranks an arm of this type (lower/unions.py); no
    `exactness`: dspygen cannot rank such an arm yet (a diagnostic)."""

    group: str  # arms ranked alike (`temporal`); unions of two arms of one group need care
    exactness: dict[Token, int]  # per kind of JSON value: EXACT, STRICT or LAX (absent: never)
    never_fails: frozenset[Token]  # where pydantic never fails: no later arm gets the value
    sample_token: Token  # the kind of JSON value its sample is
    formatted: bool  # a string with a format of its own (two such arms may read each other's)
    bare_date: Literal["lax", "only", None] = None  # `"YYYY-MM-DD"`: a lax match / the only strict one


@dataclass(frozen=True)
class Readers:
    """The kinds of JSON value the Rust type reads: as they are, and, in pydantic's lax mode
    only, coerced (runtime `lax`: `"3"` into an int). `lax` is measured against pydantic-core's
    own spellings for the families in tests/types/test_lax_differential.py (empty: nothing more
    than `strict`); None: not measured yet."""

    strict: frozenset[Token]
    lax: frozenset[Token] | None
    # JSON spellings from pydantic-core's own lax tables that each generated crate's tests give
    # its fields of this type (accepted or refused, pydantic is the oracle); none: not tested so.
    spellings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Constraints:
    """Which pydantic constraints apply (frontend/constraint_rules.py), and how a length is told."""

    applies: frozenset[str]
    strict_as_serde: bool  # `strict=True` reads what serde reads anyway
    length: tuple[str, str] | None  # (pydantic's word for the value, its unit): ("String", "characters")


@dataclass(frozen=True)
class Containers:
    """Where the type may stand in a container."""

    set_item: bool  # hashable in Rust
    dict_key: str | None  # the Rust type of a dict key of this type (a runtime path); None: not a key


@dataclass(frozen=True)
class Readme:
    """The README's type-support row (tests/unit/test_readme_types.py checks it against the code)."""

    row: str  # the start of the row's Python column
    annotation: str | None = None  # default: the row's first backticked Python spelling
    expected: str | None = None  # default: the row's first backticked Rust type


@dataclass(frozen=True)
class Scalar:
    """Everything dspygen knows about one scalar type. Every facet is required."""

    name: str  # the IR's name (`ir.types.PrimitiveName`)
    python: Python
    rust: Rust
    pyo3: PyO3
    samples: Samples
    union: Union
    readers: Readers
    constraints: Constraints
    containers: Containers
    json_schema: dict[str, object]  # as pydantic's `model_json_schema()` writes the type
    readme: Readme
