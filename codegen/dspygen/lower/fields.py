"""Lowering stage: fields of models and signature sides -> FieldView, with serde attributes.

Owns the serde decisions for one field: wire name, accepted aliases, defaults, and
keeping `Optional` fields required (pydantic requires them unless they have a default,
while serde would quietly fill in `None`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dspygen.diagnostics import Code, Sink, Span
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import naming
from dspygen.lower.literals import doc_attrs, rust_float, rust_str
from dspygen.lower.rust_types import RustType, TypeNames, from_py, rust_type, to_py
from dspygen.lower.view import DefaultFn, FieldView, VariantView


@dataclass
class LiteralEnum:
    """An inline `Literal[...]` that becomes a Rust enum named after its field."""

    ident: str
    values: tuple[str, ...]
    span: Span
    variants: tuple[VariantView, ...] = ()


@dataclass
class FieldLowering:
    """Shared state while lowering all fields of one crate."""

    names: TypeNames
    sink: Sink
    enums: dict[str, nodes.Enum]
    literals: dict[str, LiteralEnum] = field(default_factory=dict)
    default_fns: list[DefaultFn] = field(default_factory=list)

    def literal_for(self, owner: str, name: str, ty: t.Type, span: Span) -> str | None:
        lit = _find_literal(ty)
        if lit is None:
            return None
        ident = owner + naming.type_name(naming.pascal(name) or "Value")
        self.literals[ident] = LiteralEnum(ident, lit.values, span)
        return ident

    def field(
        self,
        owner: str,
        python_name: str,
        ty: t.Type,
        span: Span,
        *,
        boxed: bool = False,
        doc: str | None = None,
        default: nodes.Default | None = None,
        alias: str | None = None,
    ) -> FieldView:
        name = naming.field_name(python_name)
        literal = self.literal_for(owner, python_name, ty, span)
        rt = rust_type(ty, self.names, literal, boxed)
        attrs = list(doc_attrs(doc))
        serde: list[str] = []
        if name.rename is not None:
            serde.append(f"rename = {rust_str(name.rename)}")
        if alias is not None and alias != python_name:
            serde.append(f"alias = {rust_str(alias)}")
        serde.extend(self._default(owner, name.ident, ty, rt, default, span, literal))
        if isinstance(ty, t.OptionalOf) and default is None:
            # pydantic requires an Optional field without a default; serde would not.
            serde.append('deserialize_with = "crate::runtime::required"')
        if serde:
            attrs.append(f"#[serde({', '.join(serde)})]")
        return FieldView(
            name.ident, python_name, rt.text, tuple(attrs), from_py(rt, python_name), to_py(rt, name.ident)
        )

    def _default(
        self,
        owner: str,
        ident: str,
        ty: t.Type,
        rt: RustType,
        default: nodes.Default | None,
        span: Span,
        literal: str | None,
    ) -> list[str]:
        if default is None:
            return []
        if default.kind == "factory" or (default.kind == "value" and default.value in (None, [], {})):
            if default.kind == "value" and default.value is None and not isinstance(ty, t.OptionalOf):
                self._mismatch(span, "None", ty)
            return ["default"]
        expr = self._default_expr(ty, default, literal)
        if expr is None:
            self._mismatch(span, repr(default.value if default.kind == "value" else default.member), ty)
            return []
        fn = f"default_{naming.snake(owner)}_{ident.removeprefix('r#')}"
        self.default_fns.append(DefaultFn(fn, rt.text, expr))
        return [f"default = {rust_str(fn)}"]

    def _mismatch(self, span: Span, value: str, ty: t.Type) -> None:
        shown = t.python_text(ty, {ref: ref.rpartition(":")[2] for ref in t.refs(ty)})
        self.sink.error(
            Code.DEFAULT_MISMATCH, f"the default {value} is not a value of the field's type `{shown}`", span
        )

    def _default_expr(self, ty: t.Type, default: nodes.Default, literal: str | None) -> str | None:
        if isinstance(ty, t.OptionalOf):
            inner = self._default_expr(ty.inner, default, literal)
            return None if inner is None else f"Some({inner})"
        if default.kind == "enum_member":
            enum = self.enums.get(str(default.value))
            if not isinstance(ty, t.Named) or ty.ref != default.value or enum is None:
                return None
            if default.member not in {m.name for m in enum.members}:
                return None
            return f"{self.names.declarations[ty.ref]}::{naming.variant_name(default.member)}"
        value = default.value
        if isinstance(ty, t.ListOf) and isinstance(value, list):
            items = [self._default_expr(ty.item, nodes.Default("value", value=v), literal) for v in value]
            return None if any(i is None for i in items) else f"vec![{', '.join(str(i) for i in items)}]"
        if isinstance(ty, t.LiteralOf) and isinstance(value, str) and value in ty.values and literal:
            return f"{literal}::{naming.variant_name(value)}"
        if isinstance(ty, t.Named) and ty.ref in self.enums and isinstance(value, str):
            members = {m.value: m.name for m in self.enums[ty.ref].members}
            if value in members:
                return f"{self.names.declarations[ty.ref]}::{naming.variant_name(members[value])}"
            return None
        if not isinstance(ty, t.Primitive):
            return None
        if ty.name == "str" and isinstance(value, str):
            return f"{rust_str(value)}.to_owned()"
        if ty.name == "bool" and isinstance(value, bool):
            return "true" if value else "false"
        if ty.name == "int" and isinstance(value, int) and not isinstance(value, bool):
            return str(value) if -(2**63) <= value < 2**63 else None
        if ty.name == "float" and isinstance(value, int | float) and not isinstance(value, bool):
            return rust_float(float(value))
        return None


def _find_literal(ty: t.Type) -> t.LiteralOf | None:
    if isinstance(ty, t.LiteralOf):
        return ty
    for child in t.children(ty):
        found = _find_literal(child)
        if found is not None:
            return found
    return None
