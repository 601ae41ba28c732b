"""Lowering stage: IR types -> Rust types, and how values of each cross into Python.

Decides Vec / IndexMap / Option / Box, which types are Copy (passed to PyO3 by value,
as clippy wants) and the extraction expression for boxed fields, which PyO3 cannot
extract directly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import dspy_types, scalars, symbols
from dspygen.lower.rust import RustType, bare, of, tuple_of
from dspygen.registry import scalars as registry


@dataclass(frozen=True)
class TypeNames:
    """How the lowering named the declarations and inline Literals it will emit."""

    declarations: dict[str, str]  # IR ref -> Rust type name
    enums: frozenset[str]  # IR refs that are (Copy) enums
    unions: dict[t.UnionOf, str] = dataclasses.field(default_factory=dict)  # lower/unions.py names them
    mapped: dict[str, str] = dataclasses.field(default_factory=dict)  # config `types`: class -> the user's Rust type


@dataclass(frozen=True)
class Lowered:
    """A field's Rust type and what crossing into Python needs to know of it."""

    ty: RustType
    copy: bool  # passed to PyO3 by value
    boxed: bool  # Box<T> or Option<Box<T>> at the top
    via_json: bool = False  # holds serde_json::Value parts: crosses into Python as JSON

    @property
    def unboxed(self) -> RustType:
        """The same type without its Box (`Option<T>` for `Option<Box<T>>`), for extraction."""
        if not self.boxed:
            return self.ty
        if self.ty.is_(symbols.OPTION):
            return of(symbols.OPTION, self.ty.args[0].args[0])
        return self.ty.args[0]


def rust_type(
    ty: t.Type,
    names: TypeNames,
    literal_name: str | None,
    boxed: bool = False,
    json: nodes.JsonConfig = scalars.DEFAULT_JSON,
) -> Lowered:
    """The Rust type of `ty` in a model with `json` config; `literal_name` names a Literal inside it."""
    if isinstance(ty, t.Primitive):
        rust, copy = scalars.scalar(ty.name, json)
        return Lowered(rust, copy, False, ty.name in scalars.JSON_VALUES)
    if isinstance(ty, t.Mapped):  # the user's own type (config `types`): their serde and PyO3 impls
        path = names.mapped.get(ty.name, "()")  # unmapped: reported by lower/crate.py
        return Lowered(bare(path), False, False)
    if isinstance(ty, t.DspyType):  # written by hand in the runtime's dspy_types module
        return Lowered(dspy_types.rust_type(ty), False, False)
    if isinstance(ty, t.Constrained) and ty.inner != t.Primitive("int"):
        return rust_type(ty.inner, names, literal_name, boxed, json)  # checked by lower/constraints.py
    if isinstance(ty, t.Constrained):  # an int's bounds choose its width
        choice = scalars.int_choice(ty)
        return Lowered(bare("i64" if choice is None else choice.rust), True, False)  # too wide: reported
    if isinstance(ty, t.LiteralOf):
        assert literal_name is not None
        return Lowered(of(symbols.model(literal_name)), True, False)
    if isinstance(ty, t.UnionOf):  # its enum boxes the arms that may recurse
        return Lowered(of(symbols.model(names.unions[ty])), False, False)
    if isinstance(ty, t.Named):
        name = of(symbols.model(names.declarations[ty.ref]))
        if boxed:
            return Lowered(of(symbols.BOX, name), False, True)
        return Lowered(name, ty.ref in names.enums, False)
    if isinstance(ty, t.JsonOf):  # its own conversions: the JSON text into Python, the value out
        inner = rust_type(ty.inner, names, literal_name, boxed, json)
        return Lowered(of(symbols.JSON_TEXT, inner.ty), False, False)
    if isinstance(ty, t.OptionalOf):
        inner = rust_type(ty.inner, names, literal_name, boxed, json)
        return Lowered(of(symbols.OPTION, inner.ty), inner.copy, inner.boxed, inner.via_json)
    if isinstance(ty, t.ListOf):
        item = rust_type(ty.item, names, literal_name, json=json)
        return Lowered(of(symbols.VEC, item.ty), False, False, item.via_json)
    if isinstance(ty, t.SetOf):  # an IndexSet newtype: the order read is kept (Python's is hash-seeded)
        item = rust_type(ty.item, names, literal_name, json=json)
        return Lowered(of(symbols.FROZEN_SET if ty.frozen else symbols.SET, item.ty), False, False, item.via_json)
    if isinstance(ty, t.TupleOf) and ty.variadic:  # tuple[T, ...]: any length, like a list
        item = rust_type(ty.items[0], names, literal_name, json=json)
        return Lowered(of(symbols.VEC, item.ty), False, False, item.via_json)
    if isinstance(ty, t.TupleOf):  # tuple[A, B]: a Rust tuple, boxed whole when it closes a cycle
        items = [rust_type(i, names, literal_name, json=json) for i in ty.items]
        tup = tuple_of([i.ty for i in items])
        via_json = any(i.via_json for i in items)
        if boxed:
            return Lowered(of(symbols.BOX, tup), False, True, via_json)
        return Lowered(tup, all(i.copy for i in items), False, via_json)
    assert isinstance(ty, t.DictOf)
    # str, int, a str Enum or Literal (checked in lower/fields.py); a scalar key is the registry's
    # (an int key reads as pydantic reads an int from a string: `pytypes::IntKey`)
    plain = ty.key.inner if isinstance(ty.key, t.Constrained) else ty.key  # the checks are made in `validate`
    scalar_key = registry.scalar(plain.name).containers.dict_key if isinstance(plain, t.Primitive) else None
    key = of(scalars.rust_path(scalar_key)) if scalar_key else rust_type(ty.key, names, literal_name).ty
    value = rust_type(ty.value, names, literal_name, json=json)
    return Lowered(of(symbols.INDEXMAP, key, value.ty), False, False, value.via_json)


def getattr_expr(python_name: str, source: str = "obj") -> str:
    """The attribute `python_name` of `source` (a `Bound`), by its interned name."""
    return f'{symbols.GETATTR}({source}, "{python_name}")?'


def field_expr(python_name: str) -> str:
    """The field `python_name` of the model instance read into `fields` (the runtime's `Fields`:
    its `__dict__`, by an interned key)."""
    return f'{symbols.FIELD}(fields, "{python_name}")?'


def from_py(rt: Lowered, python_name: str, source: str = "obj", *, by_fields: bool = False) -> str:
    """Expression reading attribute `python_name` of `source` (or of a model's `fields`) into `rt`."""
    get = field_expr(python_name) if by_fields else getattr_expr(python_name, source)
    if rt.via_json:
        return f"{symbols.FROM_JSON_PY}(&{get})?"
    if rt.ty.is_(symbols.VEC) and by_fields:  # a list read by index (runtime `extract_vec`)
        return f"{symbols.EXTRACT_VEC}(&{get})?"
    if not rt.boxed:
        return f"{get}.extract()?"
    if rt.ty.is_(symbols.OPTION):
        return f"{get}.extract::<{rt.unboxed.render()}>()?.map({symbols.BOX}::new)"
    return f"{symbols.BOX}::new({get}.extract::<{rt.unboxed.render()}>()?)"


# The value a model's conversion into Python is written for (the runtime's `into_py!` names it);
# a signature side's `to_kwargs(&self)` reads `self`.
MODEL_VALUE = "value"


def to_py(rt: Lowered, ident: str, source: str = "self") -> str:
    """Expression giving a PyO3-convertible value for field `ident` of `source`."""
    if rt.via_json:
        return f"{symbols.TO_JSON_PY}(py, &{source}.{ident})?"
    if rt.boxed:
        return f"{source}.{ident}.as_deref()" if rt.ty.is_(symbols.OPTION) else f"&*{source}.{ident}"
    return f"{source}.{ident}" if rt.copy else f"&{source}.{ident}"
