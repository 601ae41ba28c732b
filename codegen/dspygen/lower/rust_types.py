"""Lowering stage: IR types -> Rust types, and how values of each cross into Python.

Decides Vec / IndexMap / Option / Box, which types are Copy (passed to PyO3 by value,
as clippy wants) and the extraction expression for boxed fields, which PyO3 cannot
extract directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from dspygen.ir import types as t

PRIMITIVES = {"str": "String", "int": "i64", "float": "f64", "bool": "bool"}
COPY_PRIMITIVES = {"int", "float", "bool"}


@dataclass(frozen=True)
class TypeNames:
    """How the lowering named the declarations and inline Literals it will emit."""

    declarations: dict[str, str]  # IR ref -> Rust type name
    enums: frozenset[str]  # IR refs that are (Copy) enums


@dataclass(frozen=True)
class RustType:
    text: str
    copy: bool
    boxed: bool  # Box<T> or Option<Box<T>> at the top
    unboxed_text: str  # the same type without Box, for extraction


def rust_type(ty: t.Type, names: TypeNames, literal_name: str | None, boxed: bool = False) -> RustType:
    """The Rust type of `ty`; `literal_name` names a Literal found inside it."""
    if isinstance(ty, t.Primitive):
        return RustType(PRIMITIVES[ty.name], ty.name in COPY_PRIMITIVES, False, PRIMITIVES[ty.name])
    if isinstance(ty, t.LiteralOf):
        assert literal_name is not None
        return RustType(literal_name, True, False, literal_name)
    if isinstance(ty, t.Named):
        name = names.declarations[ty.ref]
        if boxed:
            return RustType(f"Box<{name}>", False, True, name)
        return RustType(name, ty.ref in names.enums, False, name)
    if isinstance(ty, t.OptionalOf):
        inner = rust_type(ty.inner, names, literal_name, boxed)
        return RustType(f"Option<{inner.text}>", inner.copy, inner.boxed, f"Option<{inner.unboxed_text}>")
    if isinstance(ty, t.ListOf):
        item = rust_type(ty.item, names, literal_name).text
        return RustType(f"Vec<{item}>", False, False, f"Vec<{item}>")
    assert isinstance(ty, t.DictOf)
    value = rust_type(ty.value, names, literal_name).text
    text = f"IndexMap<String, {value}>"
    return RustType(text, False, False, text)


def from_py(rt: RustType, python_name: str, source: str = "obj") -> str:
    """Expression reading attribute `python_name` of `source` into `rt`."""
    get = f'{source}.getattr(intern!(py, "{python_name}"))?'
    if not rt.boxed:
        return f"{get}.extract()?"
    if rt.text.startswith("Option<"):
        return f"{get}.extract::<{rt.unboxed_text}>()?.map(Box::new)"
    return f"Box::new({get}.extract::<{rt.unboxed_text}>()?)"


def to_py(rt: RustType, ident: str) -> str:
    """Expression giving a PyO3-convertible value for field `ident` of `self`."""
    if rt.boxed:
        return f"self.{ident}.as_deref()" if rt.text.startswith("Option<") else f"&*self.{ident}"
    return f"self.{ident}" if rt.copy else f"&self.{ident}"
