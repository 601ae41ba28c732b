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
from dspygen.lower import dspy_types, scalars

PRIMITIVES = {"str": "String", "int": "i64", "float": "f64", "bool": "bool"}
COPY_PRIMITIVES = {"int", "float", "bool"}


@dataclass(frozen=True)
class TypeNames:
    """How the lowering named the declarations and inline Literals it will emit."""

    declarations: dict[str, str]  # IR ref -> Rust type name
    enums: frozenset[str]  # IR refs that are (Copy) enums
    unions: dict[t.UnionOf, str] = dataclasses.field(default_factory=dict)  # lower/unions.py names them
    mapped: dict[str, str] = dataclasses.field(default_factory=dict)  # config `types`: class -> the user's Rust type


@dataclass(frozen=True)
class RustType:
    text: str
    copy: bool
    boxed: bool  # Box<T> or Option<Box<T>> at the top
    unboxed_text: str  # the same type without Box, for extraction
    via_json: bool = False  # holds serde_json::Value parts: crosses into Python as JSON


def rust_type(
    ty: t.Type,
    names: TypeNames,
    literal_name: str | None,
    boxed: bool = False,
    json: nodes.JsonConfig = scalars.DEFAULT_JSON,
) -> RustType:
    """The Rust type of `ty` in a model with `json` config; `literal_name` names a Literal inside it."""
    if isinstance(ty, t.Primitive):
        special = scalars.scalar(ty.name, json)
        if special is not None:
            return RustType(special[0], special[1], False, special[0], ty.name in scalars.JSON_VALUES)
        return RustType(PRIMITIVES[ty.name], ty.name in COPY_PRIMITIVES, False, PRIMITIVES[ty.name])
    if isinstance(ty, t.Mapped):  # the user's own type (config `types`): their serde and PyO3 impls
        text = names.mapped.get(ty.name, "()")  # unmapped: reported by lower/crate.py
        return RustType(text, False, False, text)
    if isinstance(ty, t.DspyType):  # written by hand in the crate's dspy_types module
        text = dspy_types.rust_text(ty)
        return RustType(text, False, False, text)
    if isinstance(ty, t.Constrained) and ty.inner != t.Primitive("int"):
        return rust_type(ty.inner, names, literal_name, boxed, json)  # checked by lower/constraints.py
    if isinstance(ty, t.Constrained):  # an int's bounds choose its width
        choice = scalars.int_choice(ty)
        text = "i64" if choice is None else choice.rust  # too wide: reported by the field lowering
        return RustType(text, True, False, text)
    if isinstance(ty, t.LiteralOf):
        assert literal_name is not None
        return RustType(literal_name, True, False, literal_name)
    if isinstance(ty, t.UnionOf):  # its enum boxes the arms that may recurse
        return RustType(names.unions[ty], False, False, names.unions[ty])
    if isinstance(ty, t.Named):
        name = names.declarations[ty.ref]
        if boxed:
            return RustType(f"Box<{name}>", False, True, name)
        return RustType(name, ty.ref in names.enums, False, name)
    if isinstance(ty, t.OptionalOf):
        inner = rust_type(ty.inner, names, literal_name, boxed, json)
        return RustType(
            f"Option<{inner.text}>", inner.copy, inner.boxed, f"Option<{inner.unboxed_text}>", inner.via_json
        )
    if isinstance(ty, t.ListOf):
        item = rust_type(ty.item, names, literal_name, json=json)
        return RustType(f"Vec<{item.text}>", False, False, f"Vec<{item.text}>", item.via_json)
    if isinstance(ty, t.SetOf):  # an IndexSet newtype: the order read is kept (Python's is hash-seeded)
        item = rust_type(ty.item, names, literal_name, json=json)
        text = f"pytypes::{'FrozenSet' if ty.frozen else 'Set'}<{item.text}>"
        return RustType(text, False, False, text, item.via_json)
    if isinstance(ty, t.TupleOf) and ty.variadic:  # tuple[T, ...]: any length, like a list
        item = rust_type(ty.items[0], names, literal_name, json=json)
        return RustType(f"Vec<{item.text}>", False, False, f"Vec<{item.text}>", item.via_json)
    if isinstance(ty, t.TupleOf):  # tuple[A, B]: a Rust tuple, boxed whole when it closes a cycle
        items = [rust_type(i, names, literal_name, json=json) for i in ty.items]
        text = "(" + ", ".join(i.text for i in items) + ("," if len(items) == 1 else "") + ")"
        via_json = any(i.via_json for i in items)
        if boxed:
            return RustType(f"Box<{text}>", False, True, text, via_json)
        return RustType(text, all(i.copy for i in items), False, text, via_json)
    assert isinstance(ty, t.DictOf)
    # str, int, a str Enum or Literal (checked in lower/fields.py); an int key reads as pydantic's
    key = "pytypes::IntKey" if ty.key == t.Primitive("int") else rust_type(ty.key, names, literal_name).text
    value = rust_type(ty.value, names, literal_name, json=json)
    text = f"IndexMap<{key}, {value.text}>"
    return RustType(text, False, False, text, value.via_json)


def from_py(rt: RustType, python_name: str, source: str = "obj") -> str:
    """Expression reading attribute `python_name` of `source` into `rt`."""
    get = f'{source}.getattr(intern!(py, "{python_name}"))?'
    if rt.via_json:
        return f"crate::pytypes::from_json_py(&{get})?"
    if not rt.boxed:
        return f"{get}.extract()?"
    if rt.text.startswith("Option<"):
        return f"{get}.extract::<{rt.unboxed_text}>()?.map(Box::new)"
    return f"Box::new({get}.extract::<{rt.unboxed_text}>()?)"


def to_py(rt: RustType, ident: str) -> str:
    """Expression giving a PyO3-convertible value for field `ident` of `self`."""
    if rt.via_json:
        return f"crate::pytypes::to_json_py(py, &self.{ident})?"
    if rt.boxed:
        return f"self.{ident}.as_deref()" if rt.text.startswith("Option<") else f"&*self.{ident}"
    return f"self.{ident}" if rt.copy else f"&self.{ident}"
