"""Frontend stage: pydantic model classes -> IR models: fields, config and root models.

Field declarations are read the way pydantic reads them, without running them. Generic
models (one IR model per instantiation) are frontend/generic_models.py.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Literal, cast

import libcst as cst

from dspygen.diagnostics import Code, Span
from dspygen.frontend import aliases, constraint_rules, union_types
from dspygen.frontend import computed as aliases_computed
from dspygen.frontend.class_syntax import assignments, body, decl_id, string, target_name
from dspygen.frontend.field_args import FieldArgs, call_symbol, read_call_args, read_default
from dspygen.frontend.resolve import SourceModule
from dspygen.frontend.static_types import mapping_hint, text
from dspygen.ir import nodes
from dspygen.ir import types as t

if TYPE_CHECKING:
    from dspygen.frontend.classes import ClassReader

Extra = Literal["ignore", "forbid", "allow"]
# Model config keys that change neither the JSON nor which values are valid.
HARMLESS_CONFIG = frozenset(
    {"frozen", "title", "json_schema_extra", "protected_namespaces", "use_attribute_docstrings"}
)
PYDANTIC_FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field"})
ROOT_MODEL = frozenset({"pydantic.RootModel", "pydantic.root_model.RootModel"})
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


class ModelClasses:
    """The pydantic-model part of a ClassReader: results go to `reader.models`, `.extra`, `.names`, `.raw_names`."""

    def __init__(self, reader: ClassReader) -> None:
        self.reader = reader
        self.index = reader.index
        self.sink = reader.sink

    def read_model(self, module: SourceModule, qualname: str, node: cst.ClassDef, instance: str = "") -> None:
        """Read a model, or with `instance` (`Page[Item]`) one instantiation of a generic model."""
        fields: dict[str, nodes.ModelField] = {}
        extra: Extra = "ignore"
        json = nodes.JsonConfig()
        root = False
        names, raw = aliases.NameSettings(), dict[str, aliases.RawNames]()
        computed: dict[str, nodes.ComputedField] = {}
        for base in self.reader.base_decls(module, node):
            if base in self.reader.models:
                fields.update((f.name, f) for f in self.reader.models[base].fields)
                extra = self.reader.extra.get(base, extra)
                json = self.reader.models[base].json
                names = self.reader.names.get(base, names).copy()
                raw.update(self.reader.raw_names.get(base, {}))
                computed.update((c.name, c) for c in self.reader.models[base].computed)
                root = root or self.reader.models[base].root
        root_field = self.root_field(module, node)
        if root_field is not None:
            fields, root = {"root": root_field}, True
        self.check_body(module, node)
        computed.update(
            (c.name, c) for c in aliases_computed.read(self.index, module, node, self.reader.type_of, self.sink)
        )
        inherited = self.reader.generic_models.generic_base(module, node, qualname)
        if isinstance(inherited, nodes.Model):
            fields.update((f.name, f) for f in inherited.fields)
            extra, json = self.reader.extra.get(inherited.id, extra), inherited.json
        generic = inherited is False
        for small in [] if generic else assignments(node):
            if isinstance(small, cst.Assign) and target_name(small) == "model_config":
                extra, json = self.read_config(module, small.value, extra, json, names)
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                if small.target.value == "model_config":
                    if small.value is not None:
                        extra, json = self.read_config(module, small.value, extra, json, names)
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
        self.reader.extra[ident] = extra
        self.reader.names[ident], self.reader.raw_names[ident] = names, raw
        aliases.check_settings(names, module, node.name, self.sink)
        self.reader.models[ident] = nodes.Model(
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

    def check_body(self, module: SourceModule, node: cst.ClassDef) -> None:
        for stmt in body(node):
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

    def read_config(
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
                choice = string(arg.value)
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
            elif key == "extra" and string(arg.value) in EXTRA_VALUES:
                extra = cast(Extra, string(arg.value))
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

    def model_field(self, module: SourceModule, node: cst.AnnAssign) -> nodes.ModelField | None:
        assert isinstance(node.target, cst.Name)
        name = node.target.value
        annotation = node.annotation.annotation
        if name.startswith("_") or self.reader.is_classvar(module, annotation):
            return None
        ftype = self.reader.type_of(module, annotation)
        args = FieldArgs()
        if node.value is not None:
            if isinstance(node.value, cst.Call) and call_symbol(self.index, module, node.value) in PYDANTIC_FIELD:
                args = read_call_args(self.index, module, node.value, self.sink, model_field=True)
            else:
                args = FieldArgs(default=read_default(self.index, module, node.value, self.sink))
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
