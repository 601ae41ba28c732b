"""Frontend stage: class declarations -> IR models, enums and class signatures.

A class's kind comes from what its bases resolve to, transitively through the set.
Field declarations are read the way pydantic and DSPy read them, without running them.
"""

from __future__ import annotations

from typing import Literal

import libcst as cst

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import dspy_rules as rules
from dspygen.frontend.field_args import FieldArgs, call_symbol, read_call_args, read_default
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.frontend.static_types import TypeContext, convert
from dspygen.ir import nodes
from dspygen.ir import types as t

Kind = Literal["signature", "model", "enum"]
ROOTS: dict[str, Kind] = {
    **{s: "signature" for s in rules.SIGNATURE_BASES},
    "pydantic.BaseModel": "model",
    "pydantic.main.BaseModel": "model",
    "enum.Enum": "enum",
    "enum.StrEnum": "enum",
}
# Model config keys that change neither the JSON nor which values are valid.
HARMLESS_CONFIG = frozenset(
    {"frozen", "title", "json_schema_extra", "protected_namespaces", "use_attribute_docstrings"}
)
UNSUPPORTED_DECORATORS = frozenset(
    {"field_validator", "model_validator", "field_serializer", "model_serializer", "computed_field",
     "validator", "root_validator"}
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
        self.extra: dict[str, str] = {}
        self._kinds: dict[str, Kind | None] = {}
        self._busy: set[str] = set()

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
            symbol = self.index.symbol(module, arg.value)
            if symbol is not None:
                out.append(symbol)
        return out

    def named(self, symbol: str, expr: cst.BaseExpression, ctx: TypeContext) -> t.Type | None:
        """The IR type for a class used in an annotation."""
        span = ctx.span(expr)
        kind = self.kind_of(symbol)
        found = self.index.class_of(symbol)
        if found is None or kind is None:
            self.sink.error(
                Code.UNSUPPORTED_TYPE,
                f"`{symbol}` is neither a pydantic model nor an Enum",
                span,
            )
            return None
        if kind == "signature":
            self.sink.error(
                Code.UNSUPPORTED_TYPE, f"the signature `{symbol}` cannot be a field type", span
            )
            return None
        return t.Named(decl_id(*found))

    def type_of(self, module: SourceModule, expr: cst.BaseExpression) -> t.Type | None:
        return convert(expr, TypeContext(module, self.index, self.sink, self.named))

    # -- reading ----------------------------------------------------------------------

    def read_class(self, module: SourceModule, qualname: str) -> None:
        kind = self.kind_of(f"{module.module}.{qualname}")
        ident = decl_id(module, qualname)
        if kind is None or ident in self._busy or self._done(ident):
            return
        self._busy.add(ident)
        node = module.classes[qualname]
        if kind == "enum":
            self._read_enum(module, qualname, node)
        elif kind == "model":
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
            elif symbol in {"typing.Generic", "typing_extensions.Generic"}:
                self.sink.error(Code.UNSUPPORTED_MODEL, "generic models are not supported yet", module.span(node))
        return out

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
            value = _string(small.value)
            if value is None:
                self.sink.error(
                    Code.ENUM_VALUE,
                    f"the member `{target.value}` of `{qualname}` does not have a string value",
                    module.span(small),
                )
                continue
            members.append(nodes.EnumMember(target.value, value, module.span(target)))
        ident = decl_id(module, qualname)
        self.enums[ident] = nodes.Enum(
            ident, node.name.value, module.module, qualname, node.get_docstring(), tuple(members), module.span(node)
        )

    def _read_model(self, module: SourceModule, qualname: str, node: cst.ClassDef) -> None:
        fields: dict[str, nodes.ModelField] = {}
        extra = "ignore"
        for base in self._base_decls(module, node):
            if base in self.models:
                fields.update((f.name, f) for f in self.models[base].fields)
                extra = self.extra.get(base, extra)
        self._check_decorators(module, node)
        for small in self._assignments(node):
            if isinstance(small, cst.Assign) and _target_name(small) == "model_config":
                extra = self._read_config(module, small.value, extra)
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                field = self._model_field(module, small)
                if field is not None:
                    fields[field.name] = field  # an override keeps its base's slot
        ident = decl_id(module, qualname)
        self.extra[ident] = extra
        self.models[ident] = nodes.Model(
            ident,
            node.name.value,
            module.module,
            qualname,
            node.get_docstring(),
            tuple(fields.values()),
            extra,
            module.span(node),
        )

    def _check_decorators(self, module: SourceModule, node: cst.ClassDef) -> None:
        for stmt in self._body(node):
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
                    )

    def _read_config(self, module: SourceModule, value: cst.BaseExpression, extra: str) -> str:
        if not isinstance(value, cst.Call) or self.index.symbol(module, value.func) not in {
            "pydantic.ConfigDict",
            "pydantic.config.ConfigDict",
        }:
            self.sink.error(Code.UNSUPPORTED_MODEL, "model_config must be a ConfigDict(...) call", module.span(value))
            return extra
        for arg in value.args:
            key = arg.keyword.value if arg.keyword is not None else ""
            if key == "extra" and _string(arg.value) in {"ignore", "forbid"}:
                extra = _string(arg.value) or extra
            elif key not in HARMLESS_CONFIG:
                self.sink.error(
                    Code.UNSUPPORTED_MODEL,
                    f"the model setting `{key or '**'}` is not supported yet",
                    module.span(arg),
                )
        return extra

    def _model_field(self, module: SourceModule, node: cst.AnnAssign) -> nodes.ModelField | None:
        assert isinstance(node.target, cst.Name)
        name = node.target.value
        annotation = node.annotation.annotation
        if name.startswith("_") or self._is_classvar(module, annotation):
            return None
        ftype = self.type_of(module, annotation)
        args = FieldArgs()
        if node.value is not None:
            if isinstance(node.value, cst.Call) and call_symbol(self.index, module, node.value) in {
                "pydantic.Field",
                "pydantic.fields.Field",
            }:
                args = read_call_args(self.index, module, node.value, self.sink, model_field=True)
            else:
                args = FieldArgs(default=read_default(self.index, module, node.value, self.sink))
        if ftype is None or args.failed:
            return None
        return nodes.ModelField(name, ftype, args.default, args.description, args.alias, module.span(node.target))

    def _is_classvar(self, module: SourceModule, annotation: cst.BaseExpression) -> bool:
        head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        return self.index.symbol(module, head) in {"typing.ClassVar", "typing_extensions.ClassVar"}

    def _read_signature(self, module: SourceModule, qualname: str, node: cst.ClassDef) -> None:
        fields: dict[str, nodes.SignatureField] = {}
        instructions = node.get_docstring()
        for base in self._base_decls(module, node):
            if base in self.signatures:
                fields.update((f.name, f) for f in self.signatures[base].fields)
                if instructions is None:
                    instructions = self.signatures[base].instructions
        for small in self._assignments(node):
            field = self._signature_field(module, qualname, small)
            if field is not None:
                fields[field.name] = field
        ordered = [f for f in fields.values() if f.role == "input"] + [
            f for f in fields.values() if f.role == "output"
        ]
        if instructions is None:
            instructions = rules.default_instructions(
                [f.name for f in ordered if f.role == "input"], [f.name for f in ordered if f.role == "output"]
            )
        ident = decl_id(module, qualname)
        self.signatures[ident] = nodes.Signature(
            ident, node.name.value, module.module, "class", qualname, "", instructions, tuple(ordered), (),
            module.span(node),
        )

    def _signature_field(
        self, module: SourceModule, qualname: str, small: cst.BaseSmallStatement
    ) -> nodes.SignatureField | None:
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            target, annotation, value = small.target, small.annotation.annotation, small.value
        elif isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            target, annotation, value = small.targets[0].target, None, small.value
        else:
            return None
        name = target.value
        role = self._field_role(module, value)
        if role is None:
            if annotation is not None and value is None and not self._is_classvar(module, annotation):
                self.sink.error(
                    Code.BARE_ANNOTATION, f"`{name}` in `{qualname}` has a type but no InputField/OutputField",
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
            name, role, ftype,
            args.desc if args.desc is not None else (args.description or rules.default_desc(name)),
            args.prefix if args.prefix is not None else rules.default_prefix(name),
            annotation is None, module.span(target),
        )

    def _field_role(self, module: SourceModule, value: cst.BaseExpression | None) -> Literal["input", "output"] | None:
        if not isinstance(value, cst.Call):
            return None
        symbol = call_symbol(self.index, module, value)
        if symbol in rules.INPUT_FIELD:
            return "input"
        if symbol in rules.OUTPUT_FIELD:
            return "output"
        return None


def _target_name(node: cst.Assign) -> str | None:
    target = node.targets[0].target if len(node.targets) == 1 else None
    return target.value if isinstance(target, cst.Name) else None


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None
