"""Frontend stage: class declarations -> IR models, enums and class signatures.

A class's kind comes from what its bases resolve to, transitively through the set. This
module holds the kinds, the reader's tables and the dispatch by kind; the kinds are read by
frontend/enum_classes.py, frontend/model_classes.py (with frontend/generic_models.py) and
frontend/signature_classes.py, which see the ClassReader as frontend/class_reading.py's
`Reader` and return what they read, recorded here.
"""

from __future__ import annotations

import ast
import weakref
from collections.abc import Mapping

import libcst as cst

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import dspy_rules as rules
from dspygen.frontend import literals
from dspygen.frontend.class_reading import Kind, ModelRead, ModelSettings
from dspygen.frontend.class_syntax import decl_id, target_name
from dspygen.frontend.enum_classes import EnumClasses
from dspygen.frontend.field_args import call_symbol
from dspygen.frontend.generic_models import GenericModels
from dspygen.frontend.model_classes import PYDANTIC_FIELD, Extra, ModelClasses, placeholder
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.frontend.signature_classes import SignatureClasses
from dspygen.frontend.skipping import LeftOut, class_marked, explain_errors
from dspygen.frontend.static_types import TypeContext, convert, mapping_hint, text
from dspygen.frontend.type_params import type_params
from dspygen.ir import nodes
from dspygen.ir import types as t

__all__ = ["ROOTS", "ClassReader", "Extra", "Kind", "decl_id"]

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


class ClassReader:
    """Reads each class once; results are kept in declaration order per kind."""

    def __init__(self, index: Index, sink: Sink) -> None:
        self.index = index
        self.sink = sink
        self.models: dict[str, nodes.Model] = {}
        self.enums: dict[str, nodes.Enum] = {}
        self.signatures: dict[str, nodes.Signature] = {}
        self.settings: dict[str, ModelSettings] = {}  # model id -> the settings its subclasses inherit
        self._kinds: dict[str, Kind | None] = {}
        self.busy: set[str] = set()  # ids being read: guards cycles through bases and instantiations
        self.mapped: frozenset[str] = frozenset()  # classes mapped to the user's Rust types (config `types`)
        self.excluded: frozenset[str] = frozenset()  # `module.Name`s the target's `exclude` leaves out
        self.excluded_met: set[str] = set()  # the ones met: an entry never met is a typo, said so
        self.schema_aliases: tuple[str, ...] = ()  # the aliases the last type_of met
        self.left_out: dict[str, LeftOut] = {}  # id -> why it is left out on purpose (skipping.py)
        # The classes being read, innermost last: their bodies' nested classes are names to
        # their annotations (`items: list[Item]` of a model defining `class Item(BaseModel)`).
        self.reading: list[tuple[SourceModule, str]] = []
        self.failed: set[str] = set()  # ids whose reading reported an error
        self.enum_classes = EnumClasses(index, sink)
        # The parts hold the reader by a weak proxy: a cycle would keep every syntax tree alive
        # past the frontend, until the collector walks them all (pipeline.render_target).
        reader: ClassReader = weakref.proxy(self)
        self.model_classes = ModelClasses(reader)
        self.generic_models = GenericModels(reader)
        self.signature_classes = SignatureClasses(reader)

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
        for base in self.base_symbols(module, module.classes[qualname]):
            kind = self.kind_of(base)
            if kind is not None:
                break
        self._kinds[symbol] = kind
        return kind

    def base_symbols(
        self, module: SourceModule, node: cst.ClassDef, local: Mapping[str, str] | None = None
    ) -> list[str]:
        """The symbols of the class's bases; `local`: as for Index.symbol (a class in a function)."""
        out = []
        for arg in node.bases:
            # `Generic[T]`, `Page[int]`: the subscripted class is the base.
            expr = arg.value.value if isinstance(arg.value, cst.Subscript) else arg.value
            symbol = self.index.symbol(module, expr, local)
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
                    for b in self.base_symbols(found[0], found[0].classes[found[1]])
                    if b not in ROOTS and self.index.class_of(b) is None and not b.startswith("builtins.")
                ]
            )
            made = dataclass_kind(self.index, found[0], found[0].classes[found[1]]) if found is not None else None
            if made is not None:
                self.sink.error(
                    Code.UNSUPPORTED_TYPE,
                    f"`{text(expr)}` is a {made} dataclass, which dspygen does not read yet",
                    span,
                    hint="derive it from pydantic's BaseModel (the same fields write the same JSON), or map the "
                    "class to a Rust type: " + mapping_hint(symbol),
                )
            elif any(b in rules.CUSTOM_TYPE_BASES for b in outside):
                self.sink.error(
                    Code.UNSUPPORTED_TYPE,
                    f"`{text(expr)}` is a custom dspy.Type: pydantic writes it as what its `format()` returns, "
                    "Python code that Rust cannot run",
                    span,
                    hint="give the field a pydantic model or a scalar type, or map the class to a Rust type: "
                    + mapping_hint(symbol),
                )
            elif outside:
                self.sink.error(
                    Code.UNSUPPORTED_TYPE,
                    f"`{text(expr)}` derives from `{outside[0]}`, which is not a file of this project",
                    span,
                    hint=f"make the module defining `{outside[0].rpartition('.')[2]}` importable from the files "
                    "given (dspygen follows imports through their packages, a src/ folder and the folder of "
                    "pyproject.toml), or map the class to a Rust type: " + mapping_hint(symbol),
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
            return self.generic_models.bare_generic(found[0], found[1], params, span)
        if found[0].followed:
            self.read_class(*found)  # a followed file's class is read where it is reached
        return t.Named(decl_id(*found))

    def type_of(self, module: SourceModule, expr: cst.BaseExpression) -> t.Type | None:
        ctx = TypeContext(
            module, self.index, self.sink, self.named, typevars=self.generic_models.typevars, mapped=self.mapped
        )
        if self.reading and self.reading[-1][0] is module:
            qualname = self.reading[-1][1]
            ctx.local = class_scope(module, qualname, postponed(module)) or None
            ctx.lazy_local = class_scope(module, qualname, lazy=True) or None
        ctx.instantiate = self.generic_models.instantiate
        found = convert(expr, ctx)
        self.schema_aliases = tuple(ctx.schema_aliases)  # read by the caller right after
        return found

    def body_scope(self, module: SourceModule) -> Mapping[str, str] | None:
        """What a name in the body of the class being read finds first, run as it is when the
        class is created (a default): the classes nested in that body (class_scope)."""
        if not self.reading or self.reading[-1][0] is not module:
            return None
        return class_scope(module, self.reading[-1][1], lazy=False) or None

    # -- reading ----------------------------------------------------------------------

    def read_class(self, module: SourceModule, qualname: str) -> None:
        symbol = f"{module.module}.{qualname}"
        kind = self.kind_of(symbol)
        ident = decl_id(module, qualname)
        if kind is None or ident in self.busy or self._done(ident) or ident in self.left_out:
            return
        if kind == "model" and type_params(self.index, module, module.classes[qualname]) is not None:
            return  # a generic model becomes one model per use (`Page[Item]`), read where it is used
        if symbol in self.mapped:
            return  # the user maps it to a Rust type of theirs (config `types`): not read
        node = module.classes[qualname]
        why = self._skipped(module, symbol, node)
        if why is not None:
            self.left_out[ident] = LeftOut(qualname, module.span(node), why)
            return
        self.busy.add(ident)
        start = len(self.sink.items)
        self._read_kind(kind, module, qualname, node)
        self.busy.discard(ident)
        if any(d.level.value == "error" for d in self.sink.items[start:]):
            self.failed.add(ident)
            explain_errors(self.sink, start, qualname, symbol)

    def _skipped(self, module: SourceModule, symbol: str, node: cst.ClassDef) -> str | None:
        """Why the class is left out on purpose, or None: marked, excluded, or deriving from
        a class left out (whose fields it would need)."""
        if class_marked(module, node):
            return "`# dspygen: skip`"
        if symbol in self.excluded:
            self.excluded_met.add(symbol)
            return "`exclude` in the target"
        for base in self.base_symbols(module, node):
            found = self.index.class_of(base)
            if found is not None and self.kind_of(base) is not None:
                self.read_class(*found)
                if decl_id(*found) in self.left_out:
                    return f"it derives from `{found[1]}`, which is left out"
        return None

    def _read_kind(self, kind: Kind, module: SourceModule, qualname: str, node: cst.ClassDef) -> None:
        ident = decl_id(module, qualname)
        self.reading.append((module, qualname))
        try:
            if kind == "enum":
                self.enums[ident] = self.enum_classes.read_enum(module, qualname, node)
            elif kind == "model":
                # Reserve the slot first: the importing frontend meets a model before the ones it uses.
                self.models[ident] = placeholder(ident, qualname, module, node)
                self._record(self.model_classes.read_model(module, qualname, node))
            else:
                self.signatures[ident] = self.signature_classes.read_signature(module, qualname, node)
        finally:
            self.reading.pop()

    def _record(self, read: ModelRead) -> None:
        self.settings[read.model.id] = read.settings
        self.models[read.model.id] = read.model

    # -- for the sub-readers (class_reading.Reader) ---------------------------------------

    def read_instance(self, module: SourceModule, qualname: str, instance: str) -> None:
        ident = decl_id(module, instance)
        node = module.classes[qualname]
        # Reserve the slot first, as pydantic builds (and the importing frontend meets) the outer class first.
        self.models[ident] = placeholder(ident, instance, module, node)
        self.busy.add(ident)
        self.reading.append((module, qualname))
        try:
            self._record(self.model_classes.read_model(module, qualname, node, instance=instance))
        finally:
            self.reading.pop()
            self.busy.discard(ident)

    def record_model(self, model: nodes.Model) -> None:
        self.models[model.id] = model

    def forget_model(self, ident: str) -> None:
        del self.models[ident]

    def generic_base(self, module: SourceModule, node: cst.ClassDef, qualname: str) -> nodes.Model | bool | None:
        return self.generic_models.generic_base(module, node, qualname)

    def read_imported(self, module: SourceModule) -> list[str]:
        """The classes an entry file imports from other files of the project (followed files),
        which the entry file's program uses (`from app.models import Ticket`): their ids."""
        out = []
        for dotted in module.imports.values():
            found = self.index.class_of(self.index.canonical(module, dotted))
            if found is not None and found[0].followed and self.kind_of(f"{found[0].module}.{found[1]}"):
                self.read_class(*found)
                out.append(decl_id(*found))
        return out

    def report_empty_signatures(self) -> None:
        """Warn about class signatures with no output field that no other signature extends."""
        self.signature_classes.report_empty_signatures(self.signatures)

    def _done(self, ident: str) -> bool:
        return ident in self.models or ident in self.enums or ident in self.signatures

    def base_decls(self, module: SourceModule, node: cst.ClassDef) -> list[str]:
        """Ids of the bases defined in the set, read first so their fields are known."""
        out = []
        for symbol in self.base_symbols(module, node):
            found = self.index.class_of(symbol)
            if found is not None and self.kind_of(symbol) is not None:
                self.read_class(*found)
                out.append(decl_id(*found))
        return out

    def is_classvar(self, module: SourceModule, annotation: cst.BaseExpression) -> bool:
        head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        return self.index.symbol(module, head) in {"typing.ClassVar", "typing_extensions.ClassVar"}

    def unannotated(self, module: SourceModule, qualname: str, node: cst.Assign, hint: str | None) -> None:
        """`name = "value"` in a class body: pydantic refuses an attribute without annotation."""
        name = target_name(node)
        if name is None or name.startswith("_") or name == "model_config":
            return
        is_field = isinstance(node.value, cst.Call) and call_symbol(self.index, module, node.value) in PYDANTIC_FIELD
        if is_field or literals.value(node.value)[0]:
            self.sink.error(
                Code.BARE_ANNOTATION,
                f"`{name}` in `{qualname}` has no type annotation, which pydantic refuses",
                module.span(node.targets[0].target),
                hint,
            )


def class_scope(module: SourceModule, qualname: str, lazy: bool) -> dict[str, str]:
    """The bare names an annotation in the body of class `qualname` finds before the module's:
    the classes nested in that body (each name -> its dotted path). Evaluated lazily (a string,
    or the module's `from __future__ import annotations`), pydantic resolves it in the namespace
    the class was defined in next, that of the class around it (one level, checked against
    pydantic); evaluated eagerly, Python sees no class body but the class's own."""
    nested = _nested_classes(module)
    own = nested.get(qualname, {})
    parent = qualname.rpartition(".")[0]
    if not lazy or not parent or parent not in nested:
        return own
    return {**nested[parent], **own}


def _nested_classes(module: SourceModule) -> dict[str, dict[str, str]]:
    """Each class's directly nested classes (qualname -> name -> dotted path), one pass per module."""
    found = module.memo.get("nested classes")
    if isinstance(found, dict):
        return found
    nested: dict[str, dict[str, str]] = {}
    for qualname in module.classes:
        parent, _, name = qualname.rpartition(".")
        if parent:
            nested.setdefault(parent, {})[name] = f"{module.module}.{qualname}"
    module.memo["nested classes"] = nested
    return nested


def postponed(module: SourceModule) -> bool:
    """Whether the module's annotations are evaluated lazily (`from __future__ import annotations`)."""
    found = module.memo.get("postponed annotations")
    if not isinstance(found, bool):
        body = module.python.body if module.python is not None else []
        found = module.memo["postponed annotations"] = any(
            isinstance(stmt, ast.ImportFrom)
            and stmt.module == "__future__"
            and any(alias.name == "annotations" for alias in stmt.names)
            for stmt in body
        )
    return found


# The decorators that make a class a dataclass, stdlib's or pydantic's (`@dataclass`, `@dataclass(...)`).
DATACLASS = {"dataclasses.dataclass": "stdlib", "pydantic.dataclasses.dataclass": "pydantic"}


def dataclass_kind(index: Index, module: SourceModule, node: cst.ClassDef) -> str | None:
    """ "stdlib" or "pydantic" for a class made a dataclass by its decorator, else None."""
    for decorator in node.decorators:
        expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        made = DATACLASS.get(index.symbol(module, expr) or "")
        if made is not None:
            return made
    return None
