"""Frontend stage: pydantic model classes -> IR models: fields, config and root models.

Field declarations are read the way pydantic reads them, without running them. Generic
models (one IR model per instantiation) are frontend/generic_models.py.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from dspygen.diagnostics import Code, Span
from dspygen.frontend import aliases, constraint_rules, literals, model_config, union_types
from dspygen.frontend import computed as aliases_computed
from dspygen.frontend.class_reading import ModelRead, ModelSettings, Reader
from dspygen.frontend.class_syntax import assignments, body, decl_id, target_name
from dspygen.frontend.field_args import SCHEMA_KEYS, FieldArgs, call_symbol, read_call_args, read_default
from dspygen.frontend.resolve import SourceModule
from dspygen.frontend.static_types import mapping_hint, text
from dspygen.ir import nodes
from dspygen.ir import types as t

Extra = model_config.Extra
PYDANTIC_FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field"})
ROOT_MODEL = frozenset({"pydantic.RootModel", "pydantic.root_model.RootModel"})
# Serializers change the JSON pydantic writes, which Rust could not match: refused.
UNSUPPORTED_DECORATORS = frozenset({"field_serializer", "model_serializer"})
# Validators run Python code on values; the shape of the data stays what the types say, so
# Rust mirrors the types and says what it does instead (a warning, not a wall).
VALIDATORS = frozenset({"field_validator", "model_validator", "validator", "root_validator"})


class ModelClasses:
    """The pydantic-model part of a ClassReader: a model read with the settings its subclasses inherit."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.index = reader.index
        self.sink = reader.sink

    def read_model(self, module: SourceModule, qualname: str, node: cst.ClassDef, instance: str = "") -> ModelRead:
        """Read a model, or with `instance` (`Page[Item]`) one instantiation of a generic model."""
        fields: dict[str, nodes.ModelField] = {}
        config = model_config.ConfigRead()
        root = False
        names, raw = aliases.NameSettings(), dict[str, aliases.RawNames]()
        computed: dict[str, nodes.ComputedField] = {}
        validated: list[str] = []
        for base in self.reader.base_decls(module, node):
            if base in self.reader.models:
                model, inherited_settings = self.reader.models[base], self.reader.settings.get(base)
                validated += model.validated
                fields.update((f.name, f) for f in model.fields)
                config.json = model.json
                config.schema, config.schema_unknown = dict(model.schema), model.schema_unknown
                if inherited_settings is not None:
                    config.extra = inherited_settings.extra
                    config.scalars.update(inherited_settings.scalars)
                    config.strict = inherited_settings.strict
                    names = inherited_settings.names
                    raw.update(inherited_settings.raw_names)
                names = names.copy()
                computed.update((c.name, c) for c in model.computed)
                root = root or model.root
        root_field = self.root_field(module, node)
        if root_field is not None:
            fields, root = {"root": root_field}, True
        validated += self.check_body(module, node)
        computed.update(
            (c.name, c) for c in aliases_computed.read(self.index, module, node, self.reader.type_of, self.sink)
        )
        inherited = self.reader.generic_base(module, node, qualname)
        if isinstance(inherited, nodes.Model):
            fields.update((f.name, f) for f in inherited.fields)
            found = self.reader.settings.get(inherited.id)
            config.extra, config.json = found.extra if found is not None else config.extra, inherited.json
            config.schema, config.schema_unknown = dict(inherited.schema), inherited.schema_unknown
        generic = inherited is False
        for stmt in [] if generic else body(node):
            if isinstance(stmt, cst.ClassDef) and stmt.name.value == "Config":  # pydantic v1's spelling
                entries = model_config.class_entries(stmt)
                model_config.read(self.index, module, entries, config, names, self.sink, v1=True)
        for small in [] if generic else assignments(node):
            if isinstance(small, cst.Assign) and target_name(small) == "model_config":
                self.read_config(module, small.value, config, names)
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                if small.target.value == "model_config":
                    if small.value is not None:
                        self.read_config(module, small.value, config, names)
                    continue
                field = self.model_field(module, small)
                if field is not None:
                    fields[field.name] = field  # an override keeps its base's slot
                    raw[field.name] = aliases.RawNames(
                        field.alias, field.validation_alias or None, field.serialization_alias
                    )
            elif isinstance(small, cst.Assign):
                self.reader.unannotated(module, qualname, small, "annotate it (`name: str = ...`) or mark it ClassVar")
        ident = decl_id(module, instance or qualname)
        settings = ModelSettings(config.extra, config.scalars, config.strict, names, raw)
        fields = self.with_settings(fields, config.scalars)
        if config.strict:
            for field in fields.values():
                problem = constraint_rules.strict_problem(field.type)
                if problem is not None:
                    self.sink.error(Code.CONSTRAINT, f"`{field.name}`: {problem}", field.span)
        aliases.check_settings(names, module, node.name, self.sink)
        model = nodes.Model(
            ident,
            instance or node.name.value,
            module.module,
            instance or qualname,
            node.get_docstring(),
            aliases.apply(fields, raw, names.generator),
            config.extra,
            module.span(node),
            config.json,
            root=root,
            names=names.config,
            computed=tuple(
                dataclasses.replace(c, alias=aliases.computed_alias(c.name, c.alias, names.generator))
                for c in computed.values()
            ),
            validated=tuple(sorted(set(validated))),
            strict=config.strict,
            schema=model_config.schema_facts(config),
            schema_unknown=config.schema_unknown,
        )
        return ModelRead(model, settings)

    def root_field(self, module: SourceModule, node: cst.ClassDef) -> nodes.ModelField | None:
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
                ftype = self.reader.type_of(module, inner.value)
            return None if ftype is None else nodes.ModelField("root", ftype, None, None, None, module.span(arg))
        return None

    def check_body(self, module: SourceModule, node: cst.ClassDef) -> tuple[str, ...]:
        """Report decorators dspygen cannot mirror; the fields validators apply to ("" for the model)."""
        validated: list[str] = []
        for stmt in body(node):
            if not isinstance(stmt, cst.FunctionDef):
                continue
            for deco in stmt.decorators:
                expr = deco.decorator.func if isinstance(deco.decorator, cst.Call) else deco.decorator
                symbol = self.index.symbol(module, expr) or ""
                if symbol.rpartition(".")[2] in VALIDATORS and symbol.startswith("pydantic"):
                    validated += _validated_fields(deco.decorator, symbol)
                    self.sink.warning(
                        Code.VALIDATOR,
                        f"`@{symbol.rpartition('.')[2]}` on `{stmt.name.value}` in `{node.name.value}` is Python "
                        "code: Rust reads and writes the fields as their types say and does not run it; a value "
                        "Rust hands to Python goes through pydantic, which does",
                        module.span(deco),
                    )
                if symbol.rpartition(".")[2] in UNSUPPORTED_DECORATORS and symbol.startswith("pydantic"):
                    self.sink.error(
                        Code.UNSUPPORTED_MODEL,
                        f"`@{symbol.rpartition('.')[2]}` on `{stmt.name.value}` runs Python code dspygen cannot mirror",
                        module.span(deco),
                        hint=f"remove it, or {mapping_hint(f'{module.module}.{node.name.value}')}",
                    )
        return tuple(dict.fromkeys(validated))

    def read_config(
        self,
        module: SourceModule,
        value: cst.BaseExpression,
        config: model_config.ConfigRead,
        names: aliases.NameSettings | None = None,
    ) -> None:
        found = self.index.variable(module, value)  # `model_config = SHARED_CONFIG`, here or imported
        if found is not None and isinstance(found[1], cst.Call | cst.Dict):
            module, value = found
        entries = model_config.entries(self.index, module, value, self.sink)
        if entries is not None:
            model_config.read(self.index, module, entries, config, names, self.sink)

    def with_settings(
        self, fields: dict[str, nodes.ModelField], settings: dict[str, object]
    ) -> dict[str, nodes.ModelField]:
        """The fields with the model's scalar settings (`str_*`, `allow_inf_nan`) on their scalars."""
        out = {}
        for name, field in fields.items():
            ftype = constraint_rules.with_settings(field.type, settings)
            if isinstance(ftype, str):
                self.sink.error(Code.CONSTRAINT, f"the field `{name}` under the model's settings: {ftype}", field.span)
                ftype = field.type
            out[name] = dataclasses.replace(field, type=ftype)
        return out

    def model_field(self, module: SourceModule, node: cst.AnnAssign) -> nodes.ModelField | None:
        assert isinstance(node.target, cst.Name)
        name = node.target.value
        annotation = node.annotation.annotation
        if name.startswith("_") or self.reader.is_classvar(module, annotation):
            return None
        ftype = self.reader.type_of(module, annotation)
        aliases = self.reader.schema_aliases
        args = FieldArgs()
        if node.value is not None:
            local = self.reader.body_scope(module)
            if isinstance(node.value, cst.Call) and call_symbol(self.index, module, node.value) in PYDANTIC_FIELD:
                args = read_call_args(self.index, module, node.value, self.sink, model_field=True, local=local)
            else:
                args = FieldArgs(default=read_default(self.index, module, node.value, self.sink, local))
        if ftype is None or args.failed or not self.member_exists(module, node, args.default):
            return None
        if args.bounds:
            ftype = self.bounded(ftype, args.bounds, annotation, module)
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
            args.exclude,
            tuple((k, args.schema[k]) for k in SCHEMA_KEYS if k in args.schema),
            args.schema_unknown or (f"the type alias `{aliases[0]}`" if aliases else ""),
        )

    def bounded(
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

    def member_exists(self, module: SourceModule, node: cst.AnnAssign, default: nodes.Default | None) -> bool:
        """A default `Owner.NAME` must name a member of an Enum of the set."""
        if default is None or default.kind != "enum_member":
            return True
        owner_module, _, owner = str(default.value).partition(":")
        found = self.index.class_of(f"{owner_module}.{owner}" if owner_module else owner)
        if found is None:
            return True
        members = [
            s.targets[0].target.value
            for s in assignments(found[0].classes[found[1]])
            if isinstance(s, cst.Assign)
            and len(s.targets) == 1
            and isinstance(s.targets[0].target, cst.Name)
            and not s.targets[0].target.value.startswith("_")
        ]
        kind = self.reader.kind_of(f"{owner_module}.{owner}" if owner_module else owner)
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


def placeholder(ident: str, qualname: str, module: SourceModule, node: cst.ClassDef) -> nodes.Model:
    """A model's slot, reserved in reading order until its fields are read."""
    return nodes.Model(ident, qualname, module.module, qualname, None, (), "ignore", module.span(node))


def _validated_fields(decorator: cst.BaseExpression, symbol: str) -> list[str]:
    """The fields `@field_validator("a", "b")` / `@validator("a")` names; "" for a model
    validator (or a field validator over `"*"`, every field)."""
    if symbol.endswith(("model_validator", "root_validator")) or not isinstance(decorator, cst.Call):
        return [""]
    names = [literals.string(a.value) for a in decorator.args if a.keyword is None]
    return [""] if not names or None in names or "*" in names else [n for n in names if n is not None]
