"""Frontend stage: class declarations -> IR models, enums and class signatures.

A class's kind comes from what its bases resolve to, transitively through the set.
Field declarations are read the way pydantic and DSPy read them, without running them.
"""

from __future__ import annotations

import dataclasses
from typing import Literal, cast

import libcst as cst

from dspygen.diagnostics import Code, Sink, Span
from dspygen.frontend import aliases, constraint_rules, union_types
from dspygen.frontend import computed as aliases_computed
from dspygen.frontend import dspy_rules as rules
from dspygen.frontend.field_args import FieldArgs, call_symbol, literal_value, read_call_args, read_default
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.frontend.static_types import TypeContext, convert, mapping_hint, text
from dspygen.frontend.type_params import TypeParam, type_params
from dspygen.ir import generics, nodes
from dspygen.ir import types as t

Kind = Literal["signature", "model", "enum"]
Extra = Literal["ignore", "forbid", "allow"]
ROOTS: dict[str, Kind] = {
    **{s: "signature" for s in rules.SIGNATURE_BASES},
    "pydantic.BaseModel": "model",
    "pydantic.main.BaseModel": "model",
    "pydantic.RootModel": "model",
    "pydantic.root_model.RootModel": "model",
    "enum.Enum": "enum",
    "enum.StrEnum": "enum",
    "enum.IntEnum": "enum",
}
# Model config keys that change neither the JSON nor which values are valid.
HARMLESS_CONFIG = frozenset(
    {"frozen", "title", "json_schema_extra", "protected_namespaces", "use_attribute_docstrings"}
)
PYDANTIC_FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field"})
ROOT_MODEL = frozenset({"pydantic.RootModel", "pydantic.root_model.RootModel"})
AUTO = frozenset({"enum.auto"})
GENERIC = frozenset({"typing.Generic", "typing_extensions.Generic"})
EXTRA_VALUES = frozenset({"ignore", "forbid", "allow"})
# Config keys that change the JSON of scalars: the values dspygen mirrors (the first is pydantic's default).
# Keys that are not fields of nodes.JsonConfig are accepted only at their default.
JSON_CONFIG: dict[str, tuple[str, ...]] = {
    "ser_json_bytes": ("utf8", "base64", "hex"),
    "val_json_bytes": ("utf8", "base64", "hex"),
    "ser_json_inf_nan": ("null", "constants", "strings"),
    "ser_json_timedelta": ("iso8601",),
    "ser_json_temporal": ("iso8601",),
    "val_temporal_unit": ("infer",),
}
UNSUPPORTED_DECORATORS = frozenset(
    {
        "field_validator",
        "model_validator",
        "field_serializer",
        "model_serializer",
        "validator",
        "root_validator",
    }
)


def decl_id(module: SourceModule, qualname: str) -> str:
    return f"{module.module}:{qualname}"


class ClassReader:
    """Reads each class once; results are kept in declaration order per kind."""

    def __init__(self, index: Index, sink: Sink) -> None:
        self.index = index
        self.sink = sink
        self.models: dict[str, nodes.Model] = {}
        self.enums: dict[str, nodes.Enum] = {}
        self.signatures: dict[str, nodes.Signature] = {}
        self.extra: dict[str, Extra] = {}
        self._kinds: dict[str, Kind | None] = {}
        self._busy: set[str] = set()
        self._extended: set[str] = set()  # ids of signatures other signatures derive from
        self.names: dict[str, aliases.NameSettings] = {}  # model id -> its key settings (inherited)
        self.raw_names: dict[str, dict[str, aliases.RawNames]] = {}  # model id -> field -> aliases as written
        self._typevars: dict[str, t.Type] | None = None  # while reading one instantiation of a generic model
        self.mapped: frozenset[str] = frozenset()  # classes mapped to the user's Rust types (config `types`)

    # -- classification -------------------------------------------------------------

    def kind_of(self, symbol: str) -> Kind | None:
        if symbol in ROOTS:
            return ROOTS[symbol]
        if symbol in self._kinds:
            return self._kinds[symbol]
        found = self.index.class_of(symbol)
        if found is None:
            return None
        self._kinds[symbol] = None  # guards inheritance cycles
        module, qualname = found
        kind = None
        for base in self._base_symbols(module, module.classes[qualname]):
            kind = self.kind_of(base)
            if kind is not None:
                break
        self._kinds[symbol] = kind
        return kind

    def _base_symbols(self, module: SourceModule, node: cst.ClassDef) -> list[str]:
        out = []
        for arg in node.bases:
            # `Generic[T]`, `Page[int]`: the subscripted class is the base.
            expr = arg.value.value if isinstance(arg.value, cst.Subscript) else arg.value
            symbol = self.index.symbol(module, expr)
            if symbol is not None:
                out.append(symbol)
        return out

    def named(self, symbol: str, expr: cst.BaseExpression, ctx: TypeContext) -> t.Type | None:
        """The IR type for a class used in an annotation."""
        span = ctx.span(expr)
        kind = self.kind_of(symbol)
        found = self.index.class_of(symbol)
        if found is None or kind is None:
            outside = (
                []
                if found is None
                else [
                    b
                    for b in self._base_symbols(found[0], found[0].classes[found[1]])
                    if b not in ROOTS and self.index.class_of(b) is None and not b.startswith("builtins.")
                ]
            )
            if outside:
                self.sink.error(
                    Code.UNSUPPORTED_TYPE,
                    f"`{text(expr)}` derives from `{outside[0]}`, which is not in the files given to dspygen",
                    span,
                    hint=f"give dspygen the file that defines `{outside[0].rpartition('.')[2]}` too",
                )
            else:
                self.sink.error(
                    Code.UNSUPPORTED_TYPE,
                    f"`{text(expr)}` is neither a pydantic model nor an Enum",
                    span,
                    hint=mapping_hint(symbol),
                )
            return None
        if kind == "signature":
            self.sink.error(
                Code.UNSUPPORTED_TYPE,
                f"the signature `{text(expr)}` cannot be a field type",
                span,
                hint="use a pydantic model for structured values; signatures do not nest",
            )
            return None
        params = type_params(self.index, found[0], found[0].classes[found[1]]) if kind == "model" else None
        if params is not None:  # a generic model without arguments: pydantic reads each parameter as Any
            return self._bare_generic(found[0], found[1], params, span)
        return t.Named(decl_id(*found))

    def type_of(self, module: SourceModule, expr: cst.BaseExpression) -> t.Type | None:
        ctx = TypeContext(module, self.index, self.sink, self.named, typevars=self._typevars, mapped=self.mapped)
        ctx.instantiate = self.instantiate
        return convert(expr, ctx)

    # -- generic models: one IR model per instantiation ----------------------------------

    def instantiate(
        self, symbol: str, expr: cst.Subscript, args: list[cst.BaseExpression], ctx: TypeContext
    ) -> t.Type | None:
        """`Page[Item]`: the model pydantic builds for these arguments (read once per distinct arguments)."""
        found = self.index.class_of(symbol)
        assert found is not None
        module, qualname = found
        params = type_params(self.index, module, module.classes[qualname])
        if self.kind_of(symbol) != "model" or params is None:
            self.sink.error(
                Code.BAD_TYPE_ARGS,
                f"`{qualname}` is not a generic model, so `{text(expr)}` has no meaning",
                ctx.span(expr),
                hint=f"write `{qualname}` without arguments, or declare it `class {qualname}(BaseModel, Generic[T])`",
            )
            return None
        if not self._params_supported(module, qualname, params, ctx.span(expr)):
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
        same = self.models.get(decl_id(module, instance))
        if same is not None and same.generic_origin and same.type_args != arguments:
            self.sink.error(  # `Page[a.Item]` and `Page[b.Item]`: pydantic names both `Page[Item]`
                Code.NAME_COLLISION,
                f"`{text(expr)}` and another instantiation of `{qualname}` are both named `{instance}` by pydantic",
                ctx.span(expr),
                hint="rename one of the argument classes",
            )
            return None
        self._read_instance(module, qualname, instance, dict(zip((p.name for p in params), arguments, strict=True)))
        ident = decl_id(module, instance)
        self.models[ident] = dataclasses.replace(self.models[ident], generic_origin=qualname, type_args=arguments)
        return t.Named(ident)

    def _bare_generic(self, module: SourceModule, qualname: str, params: list[TypeParam], span: Span) -> t.Type | None:
        """`Page` used without arguments: pydantic validates each plain parameter as `Any`."""
        if not self._params_supported(module, qualname, params, span):
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
        self._read_instance(module, qualname, qualname, {p.name: t.Primitive("any") for p in params})
        return t.Named(decl_id(module, qualname))

    def _params_supported(self, module: SourceModule, qualname: str, params: list[TypeParam], span: Span) -> bool:
        bad = next((p for p in params if not p.supported), None)
        if bad is not None:
            self.sink.error(
                Code.UNSUPPORTED_MODEL,
                f"the type parameter `{bad.name or text(bad.node)}` of `{qualname}` is not a plain TypeVar",
                module.span(bad.node),
                hint='declare each parameter with `T = TypeVar("T")`; TypeVarTuple and ParamSpec are not supported',
            )
        return bad is None

    def _read_instance(self, module: SourceModule, qualname: str, instance: str, typevars: dict[str, t.Type]) -> None:
        ident = decl_id(module, instance)
        if ident in self.models or ident in self._busy:
            return
        node = module.classes[qualname]
        # Reserve the slot first, as pydantic builds (and the importing frontend meets) the outer class first.
        self.models[ident] = _placeholder(ident, instance, module, node)
        self._busy.add(ident)
        saved, self._typevars = self._typevars, typevars
        try:
            self._read_model(module, qualname, node, instance=instance)
        finally:
            self._typevars = saved
            self._busy.discard(ident)

    # -- reading ----------------------------------------------------------------------

    def read_class(self, module: SourceModule, qualname: str) -> None:
        kind = self.kind_of(f"{module.module}.{qualname}")
        ident = decl_id(module, qualname)
        if kind is None or ident in self._busy or self._done(ident):
            return
        if kind == "model" and type_params(self.index, module, module.classes[qualname]) is not None:
            return  # a generic model becomes one model per use (`Page[Item]`), read where it is used
        if f"{module.module}.{qualname}" in self.mapped:
            return  # the user maps it to a Rust type of theirs (config `types`): not read
        self._busy.add(ident)
        node = module.classes[qualname]
        if kind == "enum":
            self._read_enum(module, qualname, node)
        elif kind == "model":
            # Reserve the slot first: the importing frontend meets a model before the ones it uses.
            self.models[ident] = _placeholder(ident, qualname, module, node)
            self._read_model(module, qualname, node)
        else:
            self._read_signature(module, qualname, node)
        self._busy.discard(ident)

    def _done(self, ident: str) -> bool:
        return ident in self.models or ident in self.enums or ident in self.signatures

    def _base_decls(self, module: SourceModule, node: cst.ClassDef) -> list[str]:
        """Ids of the bases defined in the set, read first so their fields are known."""
        out = []
        for symbol in self._base_symbols(module, node):
            found = self.index.class_of(symbol)
            if found is not None and self.kind_of(symbol) is not None:
                self.read_class(*found)
                out.append(decl_id(*found))
        return out

    def _generic(self, module: SourceModule, node: cst.ClassDef, qualname: str) -> bool:
        """Report a class with type parameters (`Generic[T]` base or `class C[T]`)."""
        where: cst.CSTNode | None = node.type_parameters
        for arg in node.bases:
            if isinstance(arg.value, cst.Subscript) and self.index.symbol(module, arg.value.value) in GENERIC:
                where = arg
        if where is None:
            return False
        self.sink.error(
            Code.UNSUPPORTED_MODEL,
            f"`{qualname}` is generic; generic models are not supported yet",
            module.span(where),
            hint="declare one model per concrete type, without type parameters",
        )
        return True

    def _body(self, node: cst.ClassDef) -> list[cst.BaseStatement]:
        return list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []

    def _assignments(self, node: cst.ClassDef) -> list[cst.BaseSmallStatement]:
        out: list[cst.BaseSmallStatement] = []
        for stmt in self._body(node):
            if isinstance(stmt, cst.SimpleStatementLine):
                out.extend(stmt.body)
        return out

    def _read_enum(self, module: SourceModule, qualname: str, node: cst.ClassDef) -> None:
        members = []
        for small in self._assignments(node):
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target = small.targets[0].target
            if not isinstance(target, cst.Name) or target.value.startswith("_"):
                continue
            text_value = _string(small.value)
            value = text_value if text_value is not None else _int(small.value)
            if value is None:
                auto = isinstance(small.value, cst.Call) and self.index.symbol(module, small.value.func) in AUTO
                self.sink.error(
                    Code.ENUM_VALUE,
                    f"the value of the member `{target.value}` of `{qualname}` is "
                    + ("computed by `auto()`" if auto else f"`{text(small.value)}`, not a string or int literal"),
                    module.span(small.value),
                    hint=f'write the value out: {target.value} = "{target.value.lower()}"' if auto else None,
                )
                continue
            members.append(nodes.EnumMember(target.value, value, module.span(target)))
        if len({type(m.value) for m in members}) > 1:
            self.sink.error(
                Code.ENUM_VALUE,
                f"the members of `{qualname}` mix string and int values, which is not supported yet",
                module.span(node.name),
                hint="give every member a string value, or every member an int value",
            )
        ident = decl_id(module, qualname)
        self.enums[ident] = nodes.Enum(
            ident, node.name.value, module.module, qualname, node.get_docstring(), tuple(members), module.span(node)
        )

    def _read_model(self, module: SourceModule, qualname: str, node: cst.ClassDef, instance: str = "") -> None:
        """Read a model, or with `instance` (`Page[Item]`) one instantiation of a generic model."""
        fields: dict[str, nodes.ModelField] = {}
        extra: Extra = "ignore"
        json = nodes.JsonConfig()
        root = False
        names, raw = aliases.NameSettings(), dict[str, aliases.RawNames]()
        computed: dict[str, nodes.ComputedField] = {}
        for base in self._base_decls(module, node):
            if base in self.models:
                fields.update((f.name, f) for f in self.models[base].fields)
                extra = self.extra.get(base, extra)
                json = self.models[base].json
                names = self.names.get(base, names).copy()
                raw.update(self.raw_names.get(base, {}))
                computed.update((c.name, c) for c in self.models[base].computed)
                root = root or self.models[base].root
        root_field = self._root_field(module, node)
        if root_field is not None:
            fields, root = {"root": root_field}, True
        self._check_body(module, node)
        computed.update((c.name, c) for c in aliases_computed.read(self.index, module, node, self.type_of, self.sink))
        inherited = self._generic_base(module, node, qualname)
        if isinstance(inherited, nodes.Model):
            fields.update((f.name, f) for f in inherited.fields)
            extra, json = self.extra.get(inherited.id, extra), inherited.json
        generic = inherited is False
        for small in [] if generic else self._assignments(node):
            if isinstance(small, cst.Assign) and _target_name(small) == "model_config":
                extra, json = self._read_config(module, small.value, extra, json, names)
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                if small.target.value == "model_config":
                    if small.value is not None:
                        extra, json = self._read_config(module, small.value, extra, json, names)
                    continue
                field = self._model_field(module, small)
                if field is not None:
                    fields[field.name] = field  # an override keeps its base's slot
                    raw[field.name] = aliases.RawNames(
                        field.alias, field.validation_alias or None, field.serialization_alias
                    )
            elif isinstance(small, cst.Assign):
                self._unannotated(module, qualname, small, "annotate it (`name: str = ...`) or mark it ClassVar")
        ident = decl_id(module, instance or qualname)
        self.extra[ident] = extra
        self.names[ident], self.raw_names[ident] = names, raw
        aliases.check_settings(names, module, node.name, self.sink)
        self.models[ident] = nodes.Model(
            ident,
            instance or node.name.value,
            module.module,
            instance or qualname,
            node.get_docstring(),
            aliases.apply(fields, raw, names.generator),
            extra,
            module.span(node),
            json,
            root=root,
            names=names.config,
            computed=tuple(
                dataclasses.replace(c, alias=aliases.computed_alias(c.name, c.alias, names.generator))
                for c in computed.values()
            ),
        )

    def _root_field(self, module: SourceModule, node: cst.ClassDef) -> nodes.ModelField | None:
        """The `root` field of `class Tags(RootModel[list[str]])` (bare `RootModel`: Any)."""
        for arg in node.bases:
            value = arg.value
            head = value.value if isinstance(value, cst.Subscript) else value
            if self.index.symbol(module, head) not in ROOT_MODEL:
                continue
            ftype: t.Type | None = t.Primitive("any")
            if isinstance(value, cst.Subscript):
                inner = value.slice[0].slice if len(value.slice) == 1 else None
                if not isinstance(inner, cst.Index):
                    self.sink.error(Code.BAD_TYPE_ARGS, "RootModel takes exactly one type", module.span(value))
                    return None
                ftype = self.type_of(module, inner.value)
            return None if ftype is None else nodes.ModelField("root", ftype, None, None, None, module.span(arg))
        return None

    def _generic_base(self, module: SourceModule, node: cst.ClassDef, qualname: str) -> nodes.Model | bool | None:
        """The instantiation a model derives from (`class IntPage(Page[int])`), whose fields it inherits
        with the arguments substituted; None when there is none; False after a diagnostic."""
        for arg in node.bases:
            value = arg.value
            head = value.value if isinstance(value, cst.Subscript) else value
            found = self.index.class_of(self.index.symbol(module, head) or "")
            if found is None or self.kind_of(f"{found[0].module}.{found[1]}") != "model":
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
            before = set(self.models)
            base = self.type_of(module, value)
            if not isinstance(base, t.Named):
                return False
            model = self.models[base.ref]
            # pydantic builds `Page[int]` as a base; it is a model of its own only where a field uses it.
            if base.ref not in before and base.ref not in {r for f in model.fields for r in t.refs(f.type)}:
                del self.models[base.ref]
            return model
        return None

    def _check_body(self, module: SourceModule, node: cst.ClassDef) -> None:
        for stmt in self._body(node):
            if isinstance(stmt, cst.ClassDef) and stmt.name.value == "Config":
                self.sink.error(
                    Code.UNSUPPORTED_MODEL,
                    f"the pydantic v1 `class Config` in `{node.name.value}` is not read",
                    module.span(stmt),
                    hint="use model_config = ConfigDict(...) instead, as pydantic v2 does",
                )
            if not isinstance(stmt, cst.FunctionDef):
                continue
            for deco in stmt.decorators:
                expr = deco.decorator.func if isinstance(deco.decorator, cst.Call) else deco.decorator
                symbol = self.index.symbol(module, expr) or ""
                if symbol.rpartition(".")[2] in UNSUPPORTED_DECORATORS and symbol.startswith("pydantic"):
                    self.sink.error(
                        Code.UNSUPPORTED_MODEL,
                        f"`@{symbol.rpartition('.')[2]}` on `{stmt.name.value}` runs Python code dspygen cannot mirror",
                        module.span(deco),
                        hint=f"remove it, or {mapping_hint(f'{module.module}.{node.name.value}')}",
                    )

    def _read_config(
        self,
        module: SourceModule,
        value: cst.BaseExpression,
        extra: Extra,
        json: nodes.JsonConfig,
        names: aliases.NameSettings | None = None,
    ) -> tuple[Extra, nodes.JsonConfig]:
        if not isinstance(value, cst.Call) or self.index.symbol(module, value.func) not in {
            "pydantic.ConfigDict",
            "pydantic.config.ConfigDict",
        }:
            self.sink.error(Code.UNSUPPORTED_MODEL, "model_config must be a ConfigDict(...) call", module.span(value))
            return extra, json
        for arg in value.args:
            key = arg.keyword.value if arg.keyword is not None else ""
            if key in JSON_CONFIG:
                choice = _string(arg.value)
                if choice in JSON_CONFIG[key]:
                    if key in {f.name for f in dataclasses.fields(nodes.JsonConfig)}:
                        json = dataclasses.replace(json, **{key: choice})  # type: ignore[arg-type]
                else:
                    allowed = ", ".join(repr(v) for v in JSON_CONFIG[key])
                    self.sink.error(
                        Code.UNSUPPORTED_MODEL,
                        f"`{key}={text(arg.value)}` is not supported; dspygen mirrors {allowed}",
                        module.span(arg),
                    )
            elif key == "extra" and _string(arg.value) in EXTRA_VALUES:
                extra = cast(Extra, _string(arg.value))
            elif key == "extra":
                self.sink.error(
                    Code.UNSUPPORTED_MODEL,
                    f"`extra={text(arg.value)}` is not supported",
                    module.span(arg),
                    hint='use extra="ignore" (the default), "forbid" or "allow", as a string literal',
                )
            elif names is not None and (key in aliases.NAME_KEYS or key == "alias_generator"):
                aliases.read_setting(self.index, module, key, arg.value, names, self.sink)
            elif key not in HARMLESS_CONFIG:
                self.sink.error(
                    Code.UNSUPPORTED_MODEL,
                    f"the model setting `{key or '**'}` is not supported yet",
                    module.span(arg),
                )
        return extra, json

    def _model_field(self, module: SourceModule, node: cst.AnnAssign) -> nodes.ModelField | None:
        assert isinstance(node.target, cst.Name)
        name = node.target.value
        annotation = node.annotation.annotation
        if name.startswith("_") or self._is_classvar(module, annotation):
            return None
        ftype = self.type_of(module, annotation)
        args = FieldArgs()
        if node.value is not None:
            if isinstance(node.value, cst.Call) and call_symbol(self.index, module, node.value) in PYDANTIC_FIELD:
                args = read_call_args(self.index, module, node.value, self.sink, model_field=True)
            else:
                args = FieldArgs(default=read_default(self.index, module, node.value, self.sink))
        if ftype is None or args.failed or not self._member_exists(module, node, args.default):
            return None
        if args.bounds:
            ftype = self._bounded(ftype, args.bounds, annotation, module)
            if ftype is None:
                return None
        if args.discriminator is not None:  # `x: Cat | Dog = Field(discriminator="pet_type")`
            ftype = union_types.discriminate(ftype, args.discriminator[0])
            if ftype is None:
                self.sink.error(
                    Code.BAD_DISCRIMINATOR,
                    f"`discriminator=` on the field `{name}` of type `{text(annotation)}`, which is not a union",
                    args.discriminator[1],
                    hint="a discriminator picks one arm of a union: use it on `A | B`",
                )
                return None
        return nodes.ModelField(
            name,
            ftype,
            args.default,
            args.description,
            args.alias,
            module.span(node.target),
            args.validation_alias or (),
            args.serialization_alias,
        )

    def _bounded(
        self,
        ftype: t.Type,
        bounds: dict[str, tuple[object, Span]],
        annotation: cst.BaseExpression,
        module: SourceModule,
    ) -> t.Type | None:
        """`ftype` under the constraints of its Field(...) (frontend/constraint_rules.py decides what applies)."""
        out = constraint_rules.constrain(ftype, {key: value for key, (value, _) in bounds.items()})
        if isinstance(out, str):
            self.sink.error(Code.CONSTRAINT, f"`{text(annotation)}`: {out}", next(iter(bounds.values()))[1])
            return None
        return out

    def _member_exists(self, module: SourceModule, node: cst.AnnAssign, default: nodes.Default | None) -> bool:
        """A default `Owner.NAME` must name a member of an Enum of the set."""
        if default is None or default.kind != "enum_member":
            return True
        owner_module, _, owner = str(default.value).partition(":")
        found = self.index.class_of(f"{owner_module}.{owner}" if owner_module else owner)
        if found is None:
            return True
        members = [
            s.targets[0].target.value
            for s in self._assignments(found[0].classes[found[1]])
            if isinstance(s, cst.Assign)
            and len(s.targets) == 1
            and isinstance(s.targets[0].target, cst.Name)
            and not s.targets[0].target.value.startswith("_")
        ]
        kind = self.kind_of(f"{owner_module}.{owner}" if owner_module else owner)
        if kind == "enum" and default.member in members:
            return True
        self.sink.error(
            Code.NON_STATIC if kind != "enum" else Code.UNRESOLVED_NAME,
            f"the Enum `{owner}` has no member `{default.member}`"
            if kind == "enum"
            else f"the default `{owner}.{default.member}` is not an Enum member",
            module.span(node.value or node),
            hint=f"use one of {', '.join(members) or 'its members'}"
            if kind == "enum"
            else "use a literal or a member of an Enum as the default",
        )
        return False

    def _is_classvar(self, module: SourceModule, annotation: cst.BaseExpression) -> bool:
        head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        return self.index.symbol(module, head) in {"typing.ClassVar", "typing_extensions.ClassVar"}

    def _read_signature(self, module: SourceModule, qualname: str, node: cst.ClassDef) -> None:
        fields: dict[str, nodes.SignatureField] = {}
        instructions = node.get_docstring()
        for base in self._base_decls(module, node):
            if base in self.signatures:
                self._extended.add(base)
                fields.update((f.name, f) for f in self.signatures[base].fields)
                if instructions is None:
                    instructions = self.signatures[base].instructions
        generic = self._generic(module, node, qualname)
        for small in [] if generic else self._assignments(node):
            field = self._signature_field(module, qualname, small)
            if field is not None:
                fields[field.name] = field
        ordered = [f for f in fields.values() if f.role == "input"] + [f for f in fields.values() if f.role == "output"]
        if instructions is None:
            instructions = rules.default_instructions(
                [f.name for f in ordered if f.role == "input"], [f.name for f in ordered if f.role == "output"]
            )
        ident = decl_id(module, qualname)
        self.signatures[ident] = nodes.Signature(
            ident,
            node.name.value,
            module.module,
            "class",
            qualname,
            "",
            instructions,
            tuple(ordered),
            (),
            module.span(node),
        )

    def _signature_field(
        self, module: SourceModule, qualname: str, small: cst.BaseSmallStatement
    ) -> nodes.SignatureField | None:
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            target, annotation, value = small.target, small.annotation.annotation, small.value
        elif (
            isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
        ):
            target, annotation, value = small.targets[0].target, None, small.value
        else:
            return None
        name = target.value
        role = self._field_role(module, value)
        if role is None:
            if annotation is None:
                assert isinstance(small, cst.Assign)
                self._unannotated(module, qualname, small, None)
            elif not name.startswith("_") and not self._is_classvar(module, annotation):
                what = "a type but no" if value is None else "a value that is not an"
                self.sink.error(
                    Code.BARE_ANNOTATION,
                    f"`{name}` in `{qualname}` has {what} InputField/OutputField",
                    module.span(target),
                )
            return None
        if name in rules.RESERVED_FIELDS or name.startswith("_"):
            self.sink.error(Code.RESERVED_FIELD, f"DSPy cannot use `{name}` as a field name", module.span(target))
            return None
        assert isinstance(value, cst.Call)
        args = read_call_args(self.index, module, value, self.sink, model_field=False)
        ftype = t.STR if annotation is None else self.type_of(module, annotation)
        if ftype is None or args.failed:
            return None
        return nodes.SignatureField(
            name,
            role,
            ftype,
            args.desc if args.desc is not None else (args.description or rules.default_desc(name)),
            args.prefix if args.prefix is not None else rules.default_prefix(name),
            annotation is None,
            module.span(target),
        )

    def _unannotated(self, module: SourceModule, qualname: str, node: cst.Assign, hint: str | None) -> None:
        """`name = "value"` in a class body: pydantic refuses an attribute without annotation."""
        name = _target_name(node)
        if name is None or name.startswith("_") or name == "model_config":
            return
        is_field = isinstance(node.value, cst.Call) and call_symbol(self.index, module, node.value) in PYDANTIC_FIELD
        if is_field or literal_value(node.value)[0]:
            self.sink.error(
                Code.BARE_ANNOTATION,
                f"`{name}` in `{qualname}` has no type annotation, which pydantic refuses",
                module.span(node.targets[0].target),
                hint,
            )

    def report_empty_signatures(self) -> None:
        """Warn about class signatures with no output field that no other signature extends."""
        for ident, sig in self.signatures.items():
            if ident not in self._extended and not any(f.role == "output" for f in sig.fields):
                found = self.index.class_of(f"{sig.module}.{sig.qualname}")
                if found is not None and not self._declares_output(*found):
                    self.sink.warning(
                        Code.EMPTY_SIGNATURE, f"the signature `{sig.qualname}` has no output field", sig.span
                    )

    def _declares_output(self, module: SourceModule, qualname: str) -> bool:
        """Whether the class body declares an output field (one that failed is reported already)."""
        for small in self._assignments(module.classes[qualname]):
            value = small.value if isinstance(small, cst.Assign | cst.AnnAssign) else None
            if self._field_role(module, value) == "output":
                return True
        return False

    def _field_role(self, module: SourceModule, value: cst.BaseExpression | None) -> Literal["input", "output"] | None:
        if not isinstance(value, cst.Call):
            return None
        symbol = call_symbol(self.index, module, value)
        if symbol in rules.INPUT_FIELD:
            return "input"
        if symbol in rules.OUTPUT_FIELD:
            return "output"
        return None


def _placeholder(ident: str, qualname: str, module: SourceModule, node: cst.ClassDef) -> nodes.Model:
    """A model's slot, reserved in reading order until its fields are read."""
    return nodes.Model(ident, qualname, module.module, qualname, None, (), "ignore", module.span(node))


def _target_name(node: cst.Assign) -> str | None:
    target = node.targets[0].target if len(node.targets) == 1 else None
    return target.value if isinstance(target, cst.Name) else None


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _int(node: cst.BaseExpression) -> int | None:
    """An int literal, maybe negative, within 64 bits (an Enum's value)."""
    negative = isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus)
    inner = node.expression if isinstance(node, cst.UnaryOperation) and negative else node
    if not isinstance(inner, cst.Integer):
        return None
    value = -int(inner.evaluated_value) if negative else int(inner.evaluated_value)
    return value if -(2**63) <= value < 2**63 else None
