"""Frontend stage: generic pydantic models -> one IR model per instantiation.

pydantic builds a model for each distinct set of type arguments (`Page[Item]`), and reads
a generic model used without arguments with each parameter as `Any`; dspygen does the same.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from dspygen.diagnostics import Code, Span
from dspygen.frontend.class_reading import Reader
from dspygen.frontend.class_syntax import decl_id
from dspygen.frontend.resolve import SourceModule
from dspygen.frontend.static_types import TypeContext, convert, text
from dspygen.frontend.type_params import TypeParam, type_params
from dspygen.ir import generics, nodes
from dspygen.ir import types as t


class GenericModels:
    """The generic-model part of a ClassReader: it has the reader read and record each instantiation."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.index = reader.index
        self.sink = reader.sink
        self.typevars: dict[str, t.Type] | None = None  # while reading one instantiation of a generic model

    def instantiate(
        self, symbol: str, expr: cst.Subscript, args: list[cst.BaseExpression], ctx: TypeContext
    ) -> t.Type | None:
        """`Page[Item]`: the model pydantic builds for these arguments (read once per distinct arguments)."""
        found = self.index.class_of(symbol)
        assert found is not None
        module, qualname = found
        params = type_params(self.index, module, module.classes[qualname])
        if self.reader.kind_of(symbol) != "model" or params is None:
            self.sink.error(
                Code.BAD_TYPE_ARGS,
                f"`{qualname}` is not a generic model, so `{text(expr)}` has no meaning",
                ctx.span(expr),
                hint=f"write `{qualname}` without arguments, or declare it `class {qualname}(BaseModel, Generic[T])`",
            )
            return None
        if not self.params_supported(module, qualname, params, ctx.span(expr)):
            return None
        if len(args) != len(params):
            self.sink.error(
                Code.BAD_TYPE_ARGS,
                f"`{text(expr)}` gives {len(args)} type argument(s); `{qualname}` has {len(params)}",
                ctx.span(expr),
            )
            return None
        types = [convert(a, ctx) for a in args]
        if any(a is None for a in types):
            return None
        arguments = tuple(a for a in types if a is not None)
        odd = next((a for a in arguments if not generics.supported_argument(a)), None)
        if odd is not None:
            self.sink.error(
                Code.UNSUPPORTED_TYPE,
                f"`{t.shown(odd)}` as a type argument of `{qualname}` is not supported yet",
                ctx.span(expr),
                hint="use a plain type as the argument (no constraints, no DSPy types)",
            )
            return None
        names = {r: r.partition(":")[2] for a in arguments for r in t.refs(a)}
        instance = generics.parametrized_name(qualname, arguments, names)
        models = self.reader.models
        same = models.get(decl_id(module, instance))
        if same is not None and same.generic_origin and same.type_args != arguments:
            self.sink.error(  # `Page[a.Item]` and `Page[b.Item]`: pydantic names both `Page[Item]`
                Code.NAME_COLLISION,
                f"`{text(expr)}` and another instantiation of `{qualname}` are both named `{instance}` by pydantic",
                ctx.span(expr),
                hint="rename one of the argument classes",
            )
            return None
        self.read_instance(module, qualname, instance, dict(zip((p.name for p in params), arguments, strict=True)))
        ident = decl_id(module, instance)
        self.reader.record_model(dataclasses.replace(models[ident], generic_origin=qualname, type_args=arguments))
        return t.Named(ident)

    def bare_generic(self, module: SourceModule, qualname: str, params: list[TypeParam], span: Span) -> t.Type | None:
        """`Page` used without arguments: pydantic validates each plain parameter as `Any`."""
        if not self.params_supported(module, qualname, params, span):
            return None
        odd = next((p for p in params if p.extra), None)
        if odd is not None:
            self.sink.error(
                Code.UNSUPPORTED_MODEL,
                f"`{qualname}` is used without type arguments, and its parameter `{odd.name}` has a {odd.extra}, "
                "which pydantic then validates against; dspygen does not mirror that",
                span,
                hint=f"give the arguments: `{qualname}[...]`",
            )
            return None
        self.read_instance(module, qualname, qualname, {p.name: t.Primitive("any") for p in params})
        return t.Named(decl_id(module, qualname))

    def params_supported(self, module: SourceModule, qualname: str, params: list[TypeParam], span: Span) -> bool:
        bad = next((p for p in params if not p.supported), None)
        if bad is not None:
            self.sink.error(
                Code.UNSUPPORTED_MODEL,
                f"the type parameter `{bad.name or text(bad.node)}` of `{qualname}` is not a plain TypeVar",
                module.span(bad.node),
                hint='declare each parameter with `T = TypeVar("T")`; TypeVarTuple and ParamSpec are not supported',
            )
        return bad is None

    def read_instance(self, module: SourceModule, qualname: str, instance: str, typevars: dict[str, t.Type]) -> None:
        ident = decl_id(module, instance)
        if ident in self.reader.models or ident in self.reader.busy:
            return
        saved, self.typevars = self.typevars, typevars
        try:
            self.reader.read_instance(module, qualname, instance)
        finally:
            self.typevars = saved

    def generic_base(self, module: SourceModule, node: cst.ClassDef, qualname: str) -> nodes.Model | bool | None:
        """The instantiation a model derives from (`class IntPage(Page[int])`), whose fields it inherits
        with the arguments substituted; None when there is none; False after a diagnostic."""
        for arg in node.bases:
            value = arg.value
            head = value.value if isinstance(value, cst.Subscript) else value
            found = self.index.class_of(self.index.symbol(module, head) or "")
            if found is None or self.reader.kind_of(f"{found[0].module}.{found[1]}") != "model":
                continue
            if type_params(self.index, found[0], found[0].classes[found[1]]) is None:
                continue
            if not isinstance(value, cst.Subscript):
                self.sink.error(
                    Code.UNSUPPORTED_MODEL,
                    f"`{qualname}` derives from the generic model `{text(head)}` without type arguments, "
                    "which leaves it generic; that is not supported yet",
                    module.span(arg),
                    hint=f"give the arguments (`{text(head)}[int]`), or declare `{qualname}` generic too",
                )
                return False
            models = self.reader.models
            before = set(models)
            base = self.reader.type_of(module, value)
            if not isinstance(base, t.Named):
                return False
            model = models[base.ref]
            # pydantic builds `Page[int]` as a base; it is a model of its own only where a field uses it.
            if base.ref not in before and base.ref not in {r for f in model.fields for r in t.refs(f.type)}:
                self.reader.forget_model(base.ref)
            return model
        return None
