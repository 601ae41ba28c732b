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
from dspygen.lower import dspy_types, naming, scalars, symbols
from dspygen.lower.config import Wire, serde_keys
from dspygen.lower.literals import doc_attrs, rust_float, rust_str
from dspygen.lower.rust_types import MODEL_VALUE, Lowered, TypeNames, from_py, rust_type, to_py
from dspygen.lower.unions import union_default_arms, union_variant
from dspygen.lower.view import DefaultFn, FieldView, VariantView
from dspygen.registry import scalars as registry


@dataclass
class LiteralEnum:
    """An inline `Literal[...]` that becomes a Rust enum named after its field."""

    ident: str
    values: tuple[t.LiteralValue, ...]
    span: Span
    variants: tuple[VariantView, ...] = ()


@dataclass
class FieldLowering:
    """Shared state while lowering all fields of one crate."""

    names: TypeNames
    sink: Sink
    enums: dict[str, nodes.Enum]
    models: dict[str, nodes.Model]
    literals: dict[str, LiteralEnum] = field(default_factory=dict)
    default_fns: list[DefaultFn] = field(default_factory=list)
    default_names: set[str] = field(default_factory=set)  # of default_fns
    needs: set[str] = field(default_factory=set)  # what the fields need of pytypes (lower/scalars.py)

    def literal_for(self, owner: str, name: str, ty: t.Type, span: Span) -> str | None:
        lit = _find_literal(ty)
        if lit is None:
            return None
        if len({tuple(map(t.literal_key, lit.values)) for lit in _all_literals(ty)}) > 1:
            self.sink.error(
                Code.UNSUPPORTED_TYPE,
                f"`{name}` holds more than one distinct Literal, which is not supported yet",
                span,
                hint="give every Literal inside the field the same values",
            )
        ident = owner + naming.type_name(naming.pascal(name) or "Value")
        other = self.literals.get(ident)
        if other is not None and list(map(t.literal_key, other.values)) != list(map(t.literal_key, lit.values)):
            # `Foo.bar_baz` and `FooBar.baz` both name their Literal `FooBarBaz`: one enum
            # would silently take the other's values.
            self.sink.error(
                Code.NAME_COLLISION,
                f"the Literal of `{name}` and the Literal at {other.span.render()} both become the Rust enum `{ident}`",
                span,
                hint="rename one of the fields or types, or give both fields the same Literal",
            )
            return ident
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
        json: nodes.JsonConfig = scalars.DEFAULT_JSON,
        wire: Wire | None = None,
        exclude: bool = False,
    ) -> FieldView:
        name = naming.field_name(python_name)
        self._check_sets(python_name, ty, span)
        self._check_keys(python_name, ty, span)
        literal = self.literal_for(owner, python_name, ty, span)
        rt = rust_type(ty, self.names, literal, boxed, json)
        scalars.needs(ty, json, self.needs)
        dspy_types.needs(ty, self.needs, span, self.sink)
        attrs = list(doc_attrs(doc))
        serde: list[str] = []
        if wire is not None:  # a model field: the keys pydantic reads and writes (lower/config.py)
            serde.extend(serde_keys(python_name, name.rename is not None, wire))
        elif name.rename is not None:
            serde.append(f"rename = {rust_str(name.rename)}")
        if wire is None and alias is not None and alias != python_name:
            serde.append(f"alias = {rust_str(alias)}")
        defaulted = self._default(owner, name.ident, ty, rt, default, span, literal, json, python_name)
        serde.extend(defaulted)
        if exclude:  # `Field(exclude=True)`: pydantic reads it and never writes it
            serde.append("skip_serializing")
        bounds = self._bounds(python_name, ty, span)
        if bounds is not None:
            serde.append(bounds)
        elif isinstance(ty, t.OptionalOf) and not defaulted:
            # pydantic requires an Optional field without a default; serde would not.
            serde.append(f'deserialize_with = "{symbols.REQUIRED}"')
        if serde:
            attrs.append(f"#[serde({', '.join(serde)})]")
        into_py = to_py(rt, name.ident, MODEL_VALUE if wire is not None else "self")
        if wire is not None and dspy_types.validated(ty):  # a model: model_validate refuses others' Code[...]
            into_py = dspy_types.for_validation(into_py)
        return FieldView(
            name.ident,
            python_name,
            rt.ty.render(),
            tuple(attrs),
            from_py(rt, python_name, by_fields=wire is not None),
            into_py,
            rust_str(wire.py_key if wire is not None else python_name),
            shown_type=rt.ty.shown(),
            default_expr=_default_value(defaulted),
            name_key=rust_str(python_name),
        )

    def _check_keys(self, python_name: str, ty: t.Type, span: Span) -> None:
        """Dict keys Rust writes as pydantic does: str, int, and Enums and Literals of strings."""
        if isinstance(ty, t.DictOf):
            key = ty.key
            ok = isinstance(key, t.Primitive) and registry.scalar(key.name).containers.dict_key is not None
            ok |= isinstance(key, t.LiteralOf) and all(isinstance(v, str) for v in key.values)
            enum = self.enums.get(key.ref) if isinstance(key, t.Named) else None
            ok |= enum is not None and all(isinstance(m.value, str) for m in enum.members)
            ok |= isinstance(key, t.Constrained) and _constrained_key(key)
            if not ok:
                shown = t.shown(key)
                self.sink.error(
                    Code.DICT_KEY,
                    f"`{python_name}`: dict keys of type `{shown}` are not supported",
                    span,
                    hint="use str or int keys, or an Enum or Literal of strings",
                )
                return
        for child in t.children(ty):
            self._check_keys(python_name, child, span)

    def _check_sets(self, python_name: str, ty: t.Type, span: Span) -> None:
        """A set's items must be hashable in Rust: strings, ints, bools, enums, Literals, tuples of them."""
        if isinstance(ty, t.SetOf) and not self._hashable(ty.item):
            shown = t.shown(ty)
            self.sink.error(
                Code.UNSUPPORTED_TYPE,
                f"`{python_name}`: the set `{shown}` holds items dspygen cannot hash yet",
                span,
                hint="sets of str, int, bool, Enum or Literal values (or fixed tuples of them) are supported",
            )
            return
        for child in t.children(ty):
            self._check_sets(python_name, child, span)

    def _hashable(self, ty: t.Type) -> bool:
        if isinstance(ty, t.Primitive):
            return registry.scalar(ty.name).containers.set_item
        if isinstance(ty, t.Constrained):
            return self._hashable(ty.inner)
        if isinstance(ty, t.LiteralOf):
            return True
        if isinstance(ty, t.Named):
            return ty.ref in self.enums
        if isinstance(ty, t.OptionalOf):
            return self._hashable(ty.inner)
        if isinstance(ty, t.TupleOf):
            return not ty.variadic and all(self._hashable(i) for i in ty.items)
        return False

    def _bounds(self, python_name: str, ty: t.Type, span: Span) -> str | None:
        """The serde attribute checking an int's `Field(ge=, le=, ...)` bounds, if it needs one."""
        optional = isinstance(ty, t.OptionalOf)
        inner = ty.inner if isinstance(ty, t.OptionalOf) else ty
        if not isinstance(inner, t.Constrained) or inner.inner != t.Primitive("int"):
            return None
        choice = scalars.int_choice(inner)
        if choice is None:
            self.sink.error(
                Code.UNSUPPORTED_TYPE,
                f"the bounds of `{python_name}` reach beyond 128-bit integers, which Rust cannot hold",
                span,
                hint="give bounds within -2**127 .. 2**127 - 1",
            )
            return None
        if not choice.checked:
            return None
        fn = symbols.OPT_INT_WITHIN if optional else symbols.INT_WITHIN
        args = f"_, {choice.rust}, {scalars.const_arg(choice.low)}, {scalars.const_arg(choice.high)}"
        return f'deserialize_with = "{fn}::<{args}>"'

    def _default(
        self,
        owner: str,
        ident: str,
        ty: t.Type,
        rt: Lowered,
        default: nodes.Default | None,
        span: Span,
        literal: str | None,
        json: nodes.JsonConfig = scalars.DEFAULT_JSON,
        python_name: str = "",
    ) -> list[str]:
        if default is None:
            return []
        if default.kind == "unmirrored":
            self.sink.warning(
                Code.UNMIRRORED_DEFAULT,
                f"the default of `{python_name}` is computed by Python code dspygen does not run (a "
                "default_factory, or an expression run at import): Rust requires the field where pydantic "
                "fills it in; the field keeps its type, and a value Rust hands to Python always has it",
                span,
            )
            return []
        if default.kind in ("computed", "model"):
            expr = self._computed_expr(ty, default, json)
            if expr is None and not self._model_required(ty, default):
                what = f"`{default.computed}`" if default.kind == "computed" else f"a `{default.value}`"
                self.sink.warning(
                    Code.UNMIRRORED_DEFAULT,
                    f"the default_factory makes {what}, which is not a value of the field's type `{t.shown(ty)}` "
                    "(pydantic does not check defaults): Rust requires the field",
                    span,
                )
            return [] if expr is None else self._default_fn(owner, ident, rt, expr)
        json_value = isinstance(ty, t.Primitive) and ty.name in scalars.JSON_VALUES
        empty = default.kind == "factory" or (default.kind == "value" and default.value in (None, [], {}))
        if isinstance(ty, t.LiteralOf | t.UnionOf) or (isinstance(ty, t.TupleOf) and not ty.variadic):
            empty = False  # a fixed tuple has no empty value; a Literal may hold None; a union, an arm
        # Any / JsonValue: `serde_json::Value::default()` is null, right only for a None default
        some_empty = False  # `Optional[list[T]] = []`: Some(vec![]), where serde's default is None
        if empty and not (json_value and (default.kind == "factory" or default.value is not None)):
            if default.kind == "value" and default.value is None:
                if not (isinstance(ty, t.OptionalOf) or json_value or ty == t.Primitive("none")):
                    self._mismatch(span, "None", ty)
                return ["default"]
            fits = _empty_fits(ty, default)
            if fits is False:  # `x: int = []`: Rust would say 0 where pydantic writes []
                self._mismatch(span, _empty_text(default), ty)
                return []
            if not isinstance(ty, t.OptionalOf):
                return ["default"]
            some_empty = True
        expr = f"{symbols.SOME}({symbols.DEFAULT})" if some_empty else self._default_expr(ty, default, literal, json)
        if expr is None:
            self._mismatch(span, repr(default.value if default.kind == "value" else default.member), ty)
            return []
        return self._default_fn(owner, ident, rt, expr)

    def _default_fn(self, owner: str, ident: str, rt: Lowered, expr: str) -> list[str]:
        """`default = "fn"`, and the function returning `expr`."""
        fn = f"default_{naming.snake(owner)}_{ident.removeprefix('r#')}"
        # `HTTPServer.port` and `HttpServer.port` both snake_case to `http_server_port`.
        unique, n = fn, 1
        while unique in self.default_names:
            n += 1
            unique = f"{fn}_{n}"
        fn = unique
        self.default_names.add(fn)
        self.default_fns.append(DefaultFn(fn, rt.ty.render(), expr))
        return [f"default = {rust_str(f'crate::models::{fn}')}"]  # signatures.rs names it too

    def _computed_expr(self, ty: t.Type, default: nodes.Default, json: nodes.JsonConfig) -> str | None:
        """What Rust computes for a mirrored `default_factory`, if it is a value of `ty`; None
        where pydantic would put a value of another type in the field, or where `default_factory=Model`
        fails in pydantic too (the model has required fields): then Rust requires the field."""
        if isinstance(ty, t.OptionalOf):
            inner = self._computed_expr(ty.inner, default, json)
            return None if inner is None else f"{symbols.SOME}({inner})"
        if default.kind == "model":
            model = self.models.get(str(default.value))
            if not isinstance(ty, t.Named) or ty.ref != default.value or model is None or model.root:
                return None
            if self._model_required(ty, default):
                return None
            name = symbols.model(self.names.declarations[ty.ref])
            return f'{symbols.SERDE_JSON}::from_str::<{name}>("{{}}").expect("every field has a default")'
        found = FACTORY_EXPRS.get((default.computed or "", ty.name if isinstance(ty, t.Primitive) else ""))
        if found is None:
            return None
        path, feature = found
        if feature is not None:
            self.needs.add(feature)
        expr = f"{symbols.runtime_item(path)}()"
        newtype = scalars.float_newtype(json)
        return f"{newtype}({expr})" if ty == t.Primitive("float") and newtype is not None else expr

    def _model_required(self, ty: t.Type, default: nodes.Default) -> bool:
        """`default_factory=Model` where `Model()` raises in pydantic (a field without a default):
        a missing field is an error on both sides, so Rust requires it as pydantic does."""
        model = self.models.get(str(default.value)) if default.kind == "model" else None
        inner = ty.inner if isinstance(ty, t.OptionalOf) else ty
        if model is None or not isinstance(inner, t.Named) or inner.ref != default.value:
            return False
        return not all(nodes.defaulted(f.default) for f in model.fields)

    def _json_default(self, default: nodes.Default) -> str | None:
        if default.kind == "factory":
            return f"{symbols.SERDE_JSON}::json!({'[]' if default.factory == 'list' else '{}'})"
        if default.kind != "value":
            return None
        literal = _json_literal(default.value)
        return None if literal is None else f"{symbols.SERDE_JSON}::json!({literal})"

    def _mismatch(self, span: Span, value: str, ty: t.Type) -> None:
        shown = t.shown(ty)
        self.sink.error(
            Code.DEFAULT_MISMATCH, f"the default {value} is not a value of the field's type `{shown}`", span
        )

    def _default_expr(
        self, ty: t.Type, default: nodes.Default, literal: str | None, json: nodes.JsonConfig = scalars.DEFAULT_JSON
    ) -> str | None:
        if isinstance(ty, t.OptionalOf):
            inner = self._default_expr(ty.inner, default, literal, json)
            return None if inner is None else f"{symbols.SOME}({inner})"
        if isinstance(ty, t.UnionOf):  # the arm of the default's own Python type (pydantic keeps it as given)
            for i in union_default_arms(ty, default.value):
                arm = self._default_expr(ty.arms[i], default, literal, json)
                if arm is not None:
                    name = symbols.model(self.names.unions[ty])
                    return f"{name}::{union_variant(ty, i, self.names)}({arm})"
            return None
        if isinstance(ty, t.Constrained) and ty.inner != t.Primitive("int"):
            return self._default_expr(ty.inner, default, literal, json)
        if isinstance(ty, t.Constrained):
            choice = scalars.int_choice(ty)
            value = default.value
            if choice is None or not isinstance(value, int) or isinstance(value, bool):
                return None
            return str(value) if any(r == choice.rust and lo <= value <= hi for r, lo, hi in scalars.INTS) else None
        if isinstance(ty, t.Primitive) and ty.name in scalars.JSON_VALUES:
            return self._json_default(default)
        newtype = scalars.float_newtype(json)
        if isinstance(ty, t.Primitive) and ty.name == "float" and newtype is not None:
            plain = self._default_expr(ty, default, literal)
            return None if plain is None else f"{newtype}({plain})"
        if default.kind == "enum_member":
            enum = self.enums.get(str(default.value))
            if not isinstance(ty, t.Named) or ty.ref != default.value or enum is None:
                return None
            if default.member not in {m.name for m in enum.members}:
                return None
            variant = naming.variant_of([m.name for m in enum.members], default.member)
            return f"{symbols.model(self.names.declarations[ty.ref])}::{variant}"
        value = default.value
        if isinstance(ty, t.ListOf) and isinstance(value, list):
            items = [self._default_expr(ty.item, nodes.Default("value", value=v), literal) for v in value]
            return None if any(i is None for i in items) else f"{symbols.VEC_MACRO}[{', '.join(str(i) for i in items)}]"
        if isinstance(ty, t.TupleOf) and isinstance(value, list):
            if ty.variadic:
                return self._default_expr(t.ListOf(ty.items[0]), default, literal, json)
            if len(value) != len(ty.items):
                return None
            parts = [
                self._default_expr(i, nodes.Default("value", value=v), literal, json)
                for i, v in zip(ty.items, value, strict=True)
            ]
            if any(p is None for p in parts):
                return None
            return "(" + ", ".join(str(p) for p in parts) + ("," if len(parts) == 1 else "") + ")"
        keys = [t.literal_key(v) for v in ty.values] if isinstance(ty, t.LiteralOf) else []
        if isinstance(value, str | int | bool | None) and t.literal_key(value) in keys and literal:
            variant = naming.variant_names(literal_names(keys))[keys.index(t.literal_key(value))]
            return f"{symbols.model(literal)}::{variant}"
        if isinstance(ty, t.Named) and ty.ref in self.enums and isinstance(value, str):
            members = {m.value: m.name for m in self.enums[ty.ref].members}
            if value in members:
                variant = naming.variant_of([m.name for m in self.enums[ty.ref].members], members[value])
                return f"{symbols.model(self.names.declarations[ty.ref])}::{variant}"
            return None
        if not isinstance(ty, t.Primitive):
            return None
        if ty.name == "none" and value is None:  # `list[None] = [None]`: a unit struct is its own value
            return scalars.scalar("none", json)[0].render()
        if ty.name == "str" and isinstance(value, str):
            return f"{rust_str(value)}.to_owned()"
        if ty.name == "bool" and isinstance(value, bool):
            return "true" if value else "false"
        if ty.name == "int" and isinstance(value, int) and not isinstance(value, bool):
            return str(value) if -(2**63) <= value < 2**63 else None
        if ty.name == "float" and isinstance(value, int | float) and not isinstance(value, bool):
            return rust_float(float(value))
        return None


def _constrained_key(key: t.Constrained) -> bool:
    """A constrained str key, or an int key whose bounds `IntKey` (i64) holds; never strict: a
    JSON object's keys are strings, which a strict int or str reads differently."""
    if key.strict:
        return False
    if key.inner == t.STR:
        return True
    choice = scalars.int_choice(key) if key.inner == t.Primitive("int") else None
    return choice is not None and choice.rust == "i64"


def _default_value(serde: list[str]) -> str | None:
    """The Rust expression of a field's serde default (`default` or `default = "path"`), if any."""
    for attr in serde:
        if attr == "default":
            return symbols.DEFAULT
        if attr.startswith("default = "):
            return f"{attr.removeprefix('default = ').strip(chr(34))}()"
    return None


# (what the factory computes, the field's type) -> the runtime function computing it, and the
# runtime feature it needs beyond the type's own.
FACTORY_EXPRS: dict[tuple[str, str], tuple[str, str | None]] = {
    ("now", "datetime"): ("pytypes::Datetime::now", None),
    ("now", "naive_datetime"): ("pytypes::NaiveDatetime::now", None),
    ("utcnow", "datetime"): ("pytypes::Datetime::utcnow", None),
    ("utcnow", "naive_datetime"): ("pytypes::NaiveDatetime::utcnow", None),
    ("now_utc", "datetime"): ("pytypes::Datetime::now_utc", None),
    ("now_utc", "aware_datetime"): ("pytypes::AwareDatetime::now_utc", None),
    ("today", "date"): ("pytypes::Date::today", None),
    ("uuid4", "uuid"): ("factories::uuid4", None),
    ("uuid4", "str"): ("factories::uuid4_str", "uuid"),  # pydantic writes the UUID as its text
    ("uuid4_str", "str"): ("factories::uuid4_str", "uuid"),
    ("uuid4_str", "uuid"): ("factories::uuid4", None),
    ("uuid4_hex", "str"): ("factories::uuid4_hex", "uuid"),
    ("time", "float"): ("factories::unix_time", None),
    ("time_int", "int"): ("factories::unix_time_int", None),
}


def _json_literal(value: nodes.JsonValue) -> str | None:
    """`value` as the argument of `serde_json::json!`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -(2**63) <= value < 2**64 else None
    if isinstance(value, float):
        return rust_float(value)
    if isinstance(value, str):
        return rust_str(value)
    if isinstance(value, list):
        items = [_json_literal(v) for v in value]
        return None if any(i is None for i in items) else f"[{', '.join(str(i) for i in items)}]"
    if isinstance(value, dict) and not value:
        return "{}"
    return None


def _empty_text(default: nodes.Default) -> str:
    if default.kind == "factory":
        return f"{default.factory}()"
    return "[]" if default.value == [] else "{}"


def _empty_fits(ty: t.Type, default: nodes.Default) -> bool | None:
    """Whether an empty `[]` / `{}` (or `list` / `dict` factory) default is a value of `ty`;
    None where other rules decide (Any, JSON values, constrained types)."""
    container = default.factory if default.kind == "factory" else ("list" if default.value == [] else "dict")
    inner = ty.inner if isinstance(ty, t.OptionalOf) else ty
    if container == "list" and (
        isinstance(inner, t.ListOf | t.SetOf) or (isinstance(inner, t.TupleOf) and inner.variadic)
    ):
        return True
    if container == "dict" and isinstance(inner, t.DictOf):
        return True
    if isinstance(inner, t.Primitive) and inner.name in {"str", "int", "float", "bool"}:
        return False
    if isinstance(inner, t.LiteralOf | t.Named | t.ListOf | t.DictOf | t.SetOf | t.TupleOf):
        return False
    return None


def _find_literal(ty: t.Type) -> t.LiteralOf | None:
    if isinstance(ty, t.LiteralOf):
        return ty
    for child in t.children(ty):
        found = _find_literal(child)
        if found is not None:
            return found
    return None


def _all_literals(ty: t.Type) -> list[t.LiteralOf]:
    if isinstance(ty, t.LiteralOf):
        return [ty]
    return [lit for child in t.children(ty) for lit in _all_literals(child)]


def literal_names(keys: list[tuple[str, t.LiteralValue]]) -> list[str]:
    """The names a Literal's variants are made from: strings as they are, `1` as `V1`, `-1` as `Neg1`."""
    out = []
    for kind, value in keys:
        if kind == "str":
            out.append(str(value))
        elif kind == "int":
            out.append(f"V{value}" if isinstance(value, int) and value >= 0 else f"Neg{-int(str(value))}")
        else:
            out.append(str(value))  # True, False, None
    return out
