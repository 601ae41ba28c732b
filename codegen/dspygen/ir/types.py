"""IR stage: the closed union of Python types that dspygen understands.

Types are Python facts (`list[str]`, `Optional[Answer]`), never Rust ones. Each node is
frozen and hashable, and `kind` names it in the JSON dump.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeAlias

from dspygen.registry import scalars

# The scalars dspygen supports, each registered with all its facts in registry/scalars.py.
PrimitiveName = Literal[
    "str",
    "int",
    "float",
    "bool",
    "none",
    # datetime.datetime (naive or aware at run time), pydantic.AwareDatetime / NaiveDatetime
    "datetime",
    "aware_datetime",
    "naive_datetime",
    "date",
    "time",  # datetime.time, with or without a UTC offset
    "timedelta",
    "uuid",
    "decimal",
    "bytes",
    "ipv4_address",  # ipaddress.IPv4Address
    "ipv6_address",  # ipaddress.IPv6Address
    "ipvany_address",  # pydantic.IPvAnyAddress
    "ipv4_network",  # ipaddress.IPv4Network
    "ipv6_network",
    "ipv4_interface",
    "ipv6_interface",
    "ipvany_network",  # pydantic.IPvAnyNetwork
    "ipvany_interface",
    "path",  # pathlib.Path
    "pure_path",
    "posix_path",
    "pure_posix_path",
    "any_url",  # pydantic.AnyUrl
    "any_http_url",
    "http_url",
    "file_url",
    "ftp_url",
    "any_websocket_url",
    "websocket_url",
    "email_str",  # pydantic.EmailStr
    "name_email",  # pydantic.NameEmail
    "secret_str",  # pydantic.SecretStr
    "secret_bytes",  # pydantic.SecretBytes
    "any",  # typing.Any
    "json_value",  # pydantic.JsonValue
]
LiteralValue: TypeAlias = str | int | bool | None  # bool before int where it matters: True == 1


def literal_key(value: LiteralValue) -> tuple[str, LiteralValue]:
    """`value` told apart from an equal value of another type (`1`, `True`), as `Literal` does."""
    return (type(value).__name__, value)


def unique_literals(values: list[LiteralValue]) -> tuple[LiteralValue, ...]:
    """`values` without repeats, in order; `1` and `True` both stay."""
    return tuple({literal_key(v): v for v in values}.values())


@dataclass(frozen=True)
class Primitive:
    kind: ClassVar[str] = "primitive"
    name: PrimitiveName


@dataclass(frozen=True)
class ListOf:
    kind: ClassVar[str] = "list"
    item: Type


@dataclass(frozen=True)
class TupleOf:
    """`tuple[A, B]` (fixed: one type per position) or `tuple[T, ...]` (variadic: `items` is `(T,)`)."""

    kind: ClassVar[str] = "tuple"
    items: tuple[Type, ...]
    variadic: bool = False


@dataclass(frozen=True)
class SetOf:
    """`set[T]` or `frozenset[T]`."""

    kind: ClassVar[str] = "set"
    item: Type
    frozen: bool = False


@dataclass(frozen=True)
class DictOf:
    kind: ClassVar[str] = "dict"
    key: Type
    value: Type


@dataclass(frozen=True)
class OptionalOf:
    kind: ClassVar[str] = "optional"
    inner: Type


@dataclass(frozen=True)
class LiteralOf:
    kind: ClassVar[str] = "literal"
    values: tuple[LiteralValue, ...]


# A bound or multiple_of as Python gives it: an int, a float, or a Decimal as `str(Decimal)` writes it.
Bound: TypeAlias = int | float | str
# Every constraint a Constrained node may hold, in the order pydantic-core checks them.
CONSTRAINT_KEYS = (
    "strict",
    "allow_inf_nan",
    "strip_whitespace",
    "min_length",
    "max_length",
    "pattern",
    "to_lower",
    "to_upper",
    "multiple_of",
    "ge",
    "gt",
    "le",
    "lt",
    "max_digits",
    "decimal_places",
)


@dataclass(frozen=True)
class Constrained:
    """`inner` with pydantic constraints (`Field(gt=0)`, `Annotated[str, StringConstraints(...)]`,
    `conint(...)`, annotated_types `Gt(0)`, ...), as Python gives them; None: not set.

    One node for every constraint, so a type is constrained in one place whatever spelled it.
    Bounds of an int field are ints (they also choose its Rust width: lower/scalars.py int_choice).
    """

    kind: ClassVar[str] = "constrained"
    inner: Type
    ge: Bound | None = None
    gt: Bound | None = None
    le: Bound | None = None
    lt: Bound | None = None
    multiple_of: Bound | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    max_digits: int | None = None
    decimal_places: int | None = None
    allow_inf_nan: bool | None = None
    strict: bool | None = None
    strip_whitespace: bool | None = None
    to_lower: bool | None = None
    to_upper: bool | None = None

    def interval(self) -> tuple[int | None, int | None]:
        """The inclusive (lowest, highest) ints allowed by int bounds; None where unbounded."""
        ge, gt, le, lt = (v if isinstance(v, int) and not isinstance(v, bool) else None for v in self.bounds())
        lows = [v for v in (ge, None if gt is None else gt + 1) if v is not None]
        highs = [v for v in (le, None if lt is None else lt - 1) if v is not None]
        return (max(lows) if lows else None, min(highs) if highs else None)

    def bounds(self) -> tuple[Bound | None, Bound | None, Bound | None, Bound | None]:
        return (self.ge, self.gt, self.le, self.lt)

    def given(self) -> dict[str, object]:
        """The constraints that are set, by name."""
        return {k: getattr(self, k) for k in CONSTRAINT_KEYS if getattr(self, k) is not None}


Bounded = Constrained  # the earlier name, when only int bounds existed


@dataclass(frozen=True)
class Named:
    """A reference to a model or enum declared in the source set, by its IR id."""

    kind: ClassVar[str] = "named"
    ref: str


# DSPy's own types, by their qualified name inside the `dspy` package (`dspy.ToolCalls.ToolCall`).
DspyTypeName = Literal[
    "Image",
    "Audio",
    "File",
    "History",
    "Code",
    "Reasoning",
    "ToolCalls",
    "ToolCalls.ToolCall",
    "ToolCallResults",
    "ToolCallResults.ToolCallResult",
]


@dataclass(frozen=True)
class DspyType:
    """One of DSPy's own pydantic types (`dspy.Image`, `dspy.Code["python"]`, ...).

    A node of its own rather than a synthesised `Model` with module "dspy": these classes are
    not plain models. Their serializers are custom (`Image.model_dump_json()` is a prompt
    fragment no validator reads back, `Code` dumps to a bare string), their constructors
    normalise input, and `dspy.Code["python"]` builds a new class on every subscript, which
    no `module:qualname` names. So the IR records only which DSPy class is meant (and the
    language of a `Code[...]`); the Rust side of each is written once, by hand, against the
    fields of the installed dspy (lower/dspy_types.py, templates/src/dspy_types.rs.j2).
    """

    kind: ClassVar[str] = "dspy"
    name: DspyTypeName
    language: str | None = None  # `dspy.Code["python"]` -> "python"; None for the bare class


@dataclass(frozen=True)
class UnionOf:
    """`A | B`, `Union[A, B]`: two or more arms in declared order, None never among them
    (`A | B | None` is `OptionalOf(UnionOf((A, B)))`). `discriminator` is the field named by
    `Field(discriminator=...)`, whose Literal value in each arm (a model) picks the arm."""

    kind: ClassVar[str] = "union"
    arms: tuple[Type, ...]
    discriminator: str | None = None


@dataclass(frozen=True)
class Mapped:
    """A class the configuration maps to a Rust type of the user's (`types` in [tool.dspygen]),
    by its qualified Python name (`shop.money.Money`): what the class is, dspygen does not read."""

    kind: ClassVar[str] = "mapped"
    name: str


@dataclass(frozen=True)
class JsonOf:
    """`pydantic.Json[T]` (bare `Json`: `Json[Any]`): JSON text holding a `T`, read from a string
    and written as the `T` itself (`model_dump_json()` does not write the text again)."""

    kind: ClassVar[str] = "json"
    inner: Type


Type: TypeAlias = (
    Primitive
    | ListOf
    | TupleOf
    | SetOf
    | DictOf
    | OptionalOf
    | LiteralOf
    | Constrained
    | Named
    | DspyType
    | UnionOf
    | Mapped
    | JsonOf
)

STR = Primitive("str")
NONE = Primitive("none")
# Nodes a dict key may be besides `str` and `int`, checked further where lowered (lower/fields.py):
# a Literal, an Enum, a constrained str or int.
KEY_NODES = (LiteralOf, Named, Constrained)


def children(t: Type) -> tuple[Type, ...]:
    """The direct type arguments of `t`."""
    get = _CHILDREN.get(type(t))
    return () if get is None else get(t)


# By exact class (the union is closed: no node is subclassed). A dozen walkers ask for the
# children of every field's type, about 275,000 times in a build of 1,000 models and 1,000
# signatures, where a chain of `isinstance(t, A | B)` built a union object per test.
_CHILDREN: dict[type, Callable[[Any], tuple[Type, ...]]] = {
    ListOf: lambda t: (t.item,),
    SetOf: lambda t: (t.item,),
    TupleOf: lambda t: t.items,
    UnionOf: lambda t: t.arms,
    DictOf: lambda t: (t.key, t.value),
    OptionalOf: lambda t: (t.inner,),
    Constrained: lambda t: (t.inner,),
    JsonOf: lambda t: (t.inner,),
}


def optional(inner: Type) -> Type:
    """`Optional[inner]` as typing reads it: `Optional[None]` is `None` (a generic's `Optional[T]`
    with `T = None` too), and `Optional[Optional[T]]` is `Optional[T]`."""
    return inner if inner == NONE or isinstance(inner, OptionalOf) else OptionalOf(inner)


def with_children(t: Type, new: tuple[Type, ...]) -> Type:
    """`t` with its direct type arguments (as `children` lists them) replaced by `new`."""
    if isinstance(t, ListOf | SetOf):
        return dataclasses.replace(t, item=new[0])
    if isinstance(t, TupleOf):
        return dataclasses.replace(t, items=new)
    if isinstance(t, UnionOf):
        return dataclasses.replace(t, arms=new)
    if isinstance(t, DictOf):
        return dataclasses.replace(t, key=new[0], value=new[1])
    if isinstance(t, OptionalOf):
        return optional(new[0])
    if isinstance(t, Bounded | JsonOf):
        return dataclasses.replace(t, inner=new[0])
    return t


def mapped_names(t: Type) -> list[str]:
    """Every Mapped class inside `t`, in order."""
    if isinstance(t, Mapped):
        return [t.name]
    return [n for c in children(t) for n in mapped_names(c)]


def refs(t: Type) -> list[str]:
    """Every Named reference inside `t`, in order."""
    if isinstance(t, Named):
        return [t.ref]
    return [r for c in children(t) for r in refs(c)]


def python_text(t: Type, names: dict[str, str]) -> str:
    """The type as Python source, with `names` giving the class name of each ref."""
    if isinstance(t, Primitive):
        return scalars.scalar(t.name).python.spelled
    if isinstance(t, Bounded):
        return python_text(t.inner, names)
    if isinstance(t, ListOf):
        return f"list[{python_text(t.item, names)}]"
    if isinstance(t, SetOf):
        return f"{'frozenset' if t.frozen else 'set'}[{python_text(t.item, names)}]"
    if isinstance(t, TupleOf):
        inner = ", ".join(python_text(i, names) for i in t.items)
        return f"tuple[{inner}, ...]" if t.variadic else f"tuple[{inner}]"
    if isinstance(t, DictOf):
        return f"dict[{python_text(t.key, names)}, {python_text(t.value, names)}]"
    if isinstance(t, OptionalOf):
        return f"{python_text(t.inner, names)} | None"
    if isinstance(t, LiteralOf):
        return "Literal[" + ", ".join(repr(v) for v in t.values) + "]"
    if isinstance(t, DspyType):
        return f"dspy.{t.name}" if t.language is None else f"dspy.{t.name}[{t.language!r}]"
    if isinstance(t, UnionOf):  # the discriminator is an argument of Field(...), not of the type
        return " | ".join(python_text(a, names) for a in t.arms)
    if isinstance(t, Mapped):
        return t.name.rpartition(".")[2]
    if isinstance(t, JsonOf):
        return f"Json[{python_text(t.inner, names)}]"
    return names[t.ref]


def shown(t: Type) -> str:
    """The type as Python source for messages, each class by its qualified name in its module."""
    return python_text(t, {ref: ref.rpartition(":")[2] for ref in refs(t)})
