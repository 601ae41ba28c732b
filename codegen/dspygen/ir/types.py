"""IR stage: the closed union of Python types that dspygen understands.

Types are Python facts (`list[str]`, `Optional[Answer]`), never Rust ones. Each node is
frozen and hashable, and `kind` names it in the JSON dump.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, TypeAlias

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


# How Python spells each primitive in an annotation (for docs and DSPy metadata).
PYTHON_NAMES: dict[str, str] = {
    "none": "None",
    "aware_datetime": "AwareDatetime",
    "naive_datetime": "NaiveDatetime",
    "uuid": "UUID",
    "decimal": "Decimal",
    "any": "Any",
    "json_value": "JsonValue",
}


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


@dataclass(frozen=True)
class Bounded:
    """`inner` with the bounds of `Field(ge=, gt=, le=, lt=)`, as Python gives them (None: no bound)."""

    kind: ClassVar[str] = "bounded"
    inner: Type
    ge: int | None = None
    gt: int | None = None
    le: int | None = None
    lt: int | None = None

    def interval(self) -> tuple[int | None, int | None]:
        """The inclusive (lowest, highest) values allowed; None where unbounded."""
        lows = [v for v in (self.ge, None if self.gt is None else self.gt + 1) if v is not None]
        highs = [v for v in (self.le, None if self.lt is None else self.lt - 1) if v is not None]
        return (max(lows) if lows else None, min(highs) if highs else None)


@dataclass(frozen=True)
class Named:
    """A reference to a model or enum declared in the source set, by its IR id."""

    kind: ClassVar[str] = "named"
    ref: str


Type: TypeAlias = Primitive | ListOf | TupleOf | SetOf | DictOf | OptionalOf | LiteralOf | Bounded | Named

STR = Primitive("str")


def children(t: Type) -> tuple[Type, ...]:
    """The direct type arguments of `t`."""
    if isinstance(t, ListOf | SetOf):
        return (t.item,)
    if isinstance(t, TupleOf):
        return t.items
    if isinstance(t, DictOf):
        return (t.key, t.value)
    if isinstance(t, OptionalOf | Bounded):
        return (t.inner,)
    return ()


def refs(t: Type) -> list[str]:
    """Every Named reference inside `t`, in order."""
    if isinstance(t, Named):
        return [t.ref]
    return [r for c in children(t) for r in refs(c)]


def python_text(t: Type, names: dict[str, str]) -> str:
    """The type as Python source, with `names` giving the class name of each ref."""
    if isinstance(t, Primitive):
        return PYTHON_NAMES.get(t.name, t.name)
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
    return names[t.ref]


def shown(t: Type) -> str:
    """The type as Python source for messages, each class by its qualified name in its module."""
    return python_text(t, {ref: ref.rpartition(":")[2] for ref in refs(t)})
