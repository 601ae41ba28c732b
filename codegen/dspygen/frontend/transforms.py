"""Frontend stage: what DSPy's signature algebra computes, from literal arguments.

`with_instructions`, `append_instructions`, `append` / `prepend` / `insert`, `delete`,
`with_updated_fields`, chains of these (on class signatures, string signatures and other
such variables), and `dspy.make_signature({...})` / `dspy.Signature({...})` with a dict
literal: each computed the way dspy 3.x does (dspy/signatures/signature.py) without running
anything. An argument only running code knows raises `Dynamic`; what DSPy itself would
raise on is reported and raises `Failed`. derived.py finds the assignments to evaluate.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import libcst as cst

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import dspy_rules as rules
from dspygen.frontend import literals
from dspygen.frontend.field_args import read_call_args
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.frontend.static_types import TypeContext, convert
from dspygen.frontend.static_types import text as source_text
from dspygen.frontend.string_signatures import build_string_signature
from dspygen.ir import nodes
from dspygen.ir import types as t

if TYPE_CHECKING:
    from dspygen.frontend.classes import ClassReader

METHODS = rules.SIGNATURE_METHODS
# Keys of with_updated_fields(**kwargs) that change what dspygen records (json_schema_extra).
UPDATABLE = frozenset({"desc", "prefix"})


class Dynamic(Exception):
    """The expression needs values only running code knows."""

    def __init__(self, node: cst.CSTNode, what: str) -> None:
        super().__init__(what)
        self.node, self.what = node, what


class Failed(Exception):
    """DSPy would raise here; already reported."""


class LeftOutBase(Exception):
    """The signature it starts from is left out on purpose (skipping.py), so it goes too."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass(frozen=True)
class Value:
    """A signature class as DSPy holds it: fields in `model_fields` order, and its instructions."""

    fields: tuple[nodes.SignatureField, ...]
    instructions: str


def _instructions(fields: list[nodes.SignatureField], text: str | None) -> str:
    """make_signature(fields, text): the docstring, or the default when none (or "") is given."""
    if text:
        return inspect.cleandoc(text)  # the `instructions` property cleans __doc__
    return rules.default_instructions(
        [f.name for f in fields if f.role == "input"], [f.name for f in fields if f.role == "output"]
    )


def ordered(fields: list[nodes.SignatureField]) -> list[nodes.SignatureField]:
    """`cls.fields`: inputs first, then outputs, each in model_fields order."""
    return [f for f in fields if f.role == "input"] + [f for f in fields if f.role == "output"]


def _as_dict(pairs: list[nodes.SignatureField]) -> list[nodes.SignatureField]:
    """dict(pairs): a repeated name keeps its first place and takes its last value."""
    out: dict[str, nodes.SignatureField] = {}
    for field in pairs:
        out[field.name] = field
    return list(out.values())


def _args(call: cst.Call, names: tuple[str, ...]) -> tuple[dict[str, cst.Arg], list[cst.Arg]]:
    """Bind a call's arguments to the parameter `names`; the rest are extra keywords."""
    bound: dict[str, cst.Arg] = {}
    extra: list[cst.Arg] = []
    for position, arg in enumerate(call.args):
        if arg.star:
            raise Dynamic(arg, f"`{arg.star}` unpacking")
        key = arg.keyword.value if arg.keyword is not None else (names[position] if position < len(names) else None)
        if key in names:
            bound[key] = arg
        else:
            extra.append(arg)
    return bound, extra


class Evaluator:
    """Computes the signature an expression evaluates to, or None when it is not one."""

    def __init__(self, index: Index, reader: ClassReader, sink: Sink) -> None:
        self.index, self.reader, self.sink = index, reader, sink
        self._busy: set[tuple[str, str]] = set()
        self._values: dict[tuple[str, str], Value | Dynamic | Failed | None] = {}
        # module -> each name its top-level statements assign (through if / try / with / loops) -> the values
        self.bindings: dict[str, dict[str, list[cst.BaseExpression]]] = {}
        self.loop_bound: dict[str, set[str]] = {}  # module -> names assigned inside module-level loops

    # -- roots --------------------------------------------------------------------------

    def value(self, module: SourceModule, expr: cst.BaseExpression) -> Value | None:
        if isinstance(expr, cst.Call):
            return self._call(module, expr)
        if isinstance(expr, cst.Name | cst.Attribute):
            return self._named(module, expr)
        return None

    def _named(self, module: SourceModule, expr: cst.Name | cst.Attribute) -> Value | None:
        symbol = self.index.symbol(module, expr)
        if isinstance(expr, cst.Name) and symbol is None and expr.value in self.bindings.get(module.module, {}):
            symbol = f"{module.module}.{expr.value}"
        if symbol is None:
            return None
        if self.reader.kind_of(symbol) == "signature":
            found = self.index.class_of(symbol)
            if found is None:
                return None
            self.reader.read_class(*found)
            ident = f"{found[0].module}:{found[1]}"
            if ident in self.reader.left_out:
                raise LeftOutBase(found[1])
            sig = self.reader.signatures.get(ident)
            if sig is None:
                raise Failed
            return Value(sig.fields, sig.instructions)
        located = self.index.locate(symbol, module)
        bound = self.bindings.get(located[0].module, {}) if located is not None else {}
        if located is None or located[1] not in bound:
            return None
        owner, name = located
        if len(bound[name]) > 1 or name in self.loop_bound.get(owner.module, set()):
            if any(self._is_signature_expr(owner, value) for value in bound[name]):
                how = (
                    "a loop assigns"
                    if name in self.loop_bound.get(owner.module, set())
                    else "is assigned more than once"
                )
                raise Dynamic(expr, f"`{name}`, which {how}")
            return None
        key = (owner.module, name)
        if key in self._busy:
            return None  # a cycle: Python would not get past a NameError
        if key not in self._values:  # each variable once: chains of variables stay linear
            self._busy.add(key)
            try:
                # Its own assignment reports its problems: evaluate it quietly here.
                self._values[key] = self.quietly(owner, bound[name][0])
            except (Dynamic, Failed) as exc:
                self._values[key] = exc
            finally:
                self._busy.discard(key)
        known = self._values[key]
        if isinstance(known, Dynamic):
            raise Dynamic(expr, f"`{name}`, which is built from {known.what}")
        if isinstance(known, Failed):
            raise Failed
        return known

    def quietly(self, module: SourceModule, expr: cst.BaseExpression) -> Value | None:
        """`value`, reporting nothing (the expression's own statement reports its problems)."""
        sink, self.sink = self.sink, Sink()
        try:
            return self.value(module, expr)
        finally:
            self.sink = sink

    def _is_signature_expr(self, module: SourceModule, expr: cst.BaseExpression) -> bool:
        try:
            return self.quietly(module, expr) is not None
        except Dynamic:
            return True
        except Failed:
            return False

    def _call(self, module: SourceModule, call: cst.Call) -> Value | None:
        symbol = self.index.symbol(module, call.func)
        if symbol in rules.SIGNATURE_BUILDERS and "ensure_signature" not in symbol:
            return self._build(module, call)
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in METHODS:
            base = self.value(module, call.func.value)
            if base is None:
                return None
            return self._method(module, call, call.func.attr.value, base)
        return None

    def _build(self, module: SourceModule, call: cst.Call) -> Value | None:
        bound, extra = _args(call, ("signature", "instructions", "signature_name", "custom_types"))
        if "signature" not in bound:
            return None
        arg = bound["signature"].value
        if literals.string(arg) is not None:
            scratch = Sink()
            sig = build_string_signature(module, self.index, self.reader, scratch, call, arg, "StringSignature")
            # Only the end of a chain needs an output field (derived.py warns about it there).
            self.sink.items.extend(d for d in scratch.items if d.code is not Code.EMPTY_SIGNATURE)
            if sig is None:
                raise Failed
            return Value(tuple(_string_field(f) for f in sig.fields), sig.instructions)
        if not isinstance(arg, cst.Dict):
            raise Dynamic(arg, f"`{source_text(arg)}`, not a literal")
        for other in extra:
            raise Dynamic(other, f"`{source_text(other.value)}`, an argument dspygen does not know")
        fields = self._dict_fields(module, arg)
        text = self._instructions_arg(module, bound["instructions"].value) if "instructions" in bound else None
        return Value(tuple(fields), _instructions(fields, text))

    def _dict_fields(self, module: SourceModule, node: cst.Dict) -> list[nodes.SignatureField]:
        pairs = []
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                raise Dynamic(element, "`**` unpacking in the dict")
            name = self._text(module, element.key, "the field name")
            value, type_expr = element.value, None
            if isinstance(value, cst.Tuple) and len(value.elements) == 2:
                type_expr, value = value.elements[0].value, value.elements[1].value
            pairs.append(self._new_field(module, name, element.key, value, type_expr))
        return _as_dict(pairs)

    # -- the transforms -----------------------------------------------------------------

    def _method(self, module: SourceModule, call: cst.Call, method: str, base: Value) -> Value:
        fields = list(base.fields)
        if method in {"with_instructions", "append_instructions"}:
            bound, extra = _args(call, ("instructions",))
            self._no_extra(module, extra, method)
            given = self._required(module, call, bound, "instructions", method)
            if method == "with_instructions":
                return Value(tuple(fields), _instructions(fields, self._instructions_arg(module, given)))
            # An f-string in DSPy: None is appended as "None".
            more = "None" if _is_none(given) else self._text(module, given, "instructions")
            return Value(tuple(fields), _instructions(fields, f"{base.instructions}\n\n{more}"))
        if method == "delete":
            bound, extra = _args(call, ("name",))
            self._no_extra(module, extra, method)
            name = self._text(module, self._required(module, call, bound, "name", method), "the field name")
            return self._rebuild([f for f in fields if f.name != name], base)
        if method == "with_updated_fields":
            return self._update(module, call, fields, base)
        names = ("name", "field", "type_") if method in {"append", "prepend"} else ("index", "name", "field", "type_")
        bound, extra = _args(call, names)
        self._no_extra(module, extra, method)
        index = {"append": -1, "prepend": 0}.get(method)
        if index is None:
            index_node = self._required(module, call, bound, "index", method)
            index = literals.integer(index_node, arithmetic=True)
            if index is None:
                raise Dynamic(index_node, f"`{source_text(index_node)}`, not an int literal")
        name_node = self._required(module, call, bound, "name", method)
        name = self._text(module, name_node, "the field name")
        type_expr = bound["type_"].value if "type_" in bound else None
        new = self._new_field(module, name, name_node, self._required(module, call, bound, "field", method), type_expr)
        inputs = [f for f in fields if f.role == "input"]
        outputs = [f for f in fields if f.role == "output"]
        side = inputs if new.role == "input" else outputs
        at = index + len(side) + 1 if index < 0 else index
        if not 0 <= at <= len(side):
            self.sink.error(
                Code.SIGNATURE_TRANSFORM,
                f"DSPy raises ValueError: invalid index to insert: {at}, index must be in the range of "
                f"[{len(side) - 1}, {len(side)}] for {new.role} fields",
                module.span(call),
            )
            raise Failed
        side.insert(at, new)
        return self._rebuild(_as_dict(inputs + outputs), base)

    def _update(self, module: SourceModule, call: cst.Call, fields: list[nodes.SignatureField], base: Value) -> Value:
        bound, extra = _args(call, ("name", "type_"))
        name = self._text(module, self._required(module, call, bound, "name", "with_updated_fields"), "the field name")
        where = [i for i, f in enumerate(fields) if f.name == name]
        if not where:
            self.sink.error(
                Code.SIGNATURE_TRANSFORM,
                f"DSPy raises KeyError: the signature has no field `{name}` to update",
                module.span(bound["name"]),
                hint=f"update one of its fields: {', '.join(f.name for f in fields) or 'it has none'}",
            )
            raise Failed
        field = fields[where[0]]
        for arg in extra:
            key = arg.keyword.value if arg.keyword is not None else ""
            if key not in UPDATABLE:
                self.sink.error(
                    Code.SIGNATURE_TRANSFORM,
                    f"with_updated_fields(`{key}=`) is not mirrored; dspygen reads desc= and prefix=",
                    module.span(arg),
                )
                raise Failed
            value = self._text(module, arg.value, key)
            field = replace(field, desc=value) if key == "desc" else replace(field, prefix=value)
        if "type_" in bound and not _is_none(bound["type_"].value):
            ftype = self._type(module, bound["type_"].value)
            field = replace(field, type=ftype)
        fields[where[0]] = field
        return self._rebuild(fields, base)

    def _rebuild(self, fields: list[nodes.SignatureField], base: Value) -> Value:
        """Signature(fields, cls.instructions): the fields keep their desc and prefix."""
        return Value(tuple(fields), _instructions(fields, base.instructions))

    # -- arguments ----------------------------------------------------------------------

    def _new_field(
        self,
        module: SourceModule,
        name: str,
        name_node: cst.CSTNode,
        value: cst.BaseExpression,
        type_expr: cst.BaseExpression | None,
    ) -> nodes.SignatureField:
        """A literal InputField(...) / OutputField(...) added under `name` (type_ None means str)."""
        symbol = self.index.symbol(module, value.func) if isinstance(value, cst.Call) else None
        if symbol not in rules.INPUT_FIELD | rules.OUTPUT_FIELD:
            raise Dynamic(value, f"`{source_text(value)}`, not a literal dspy.InputField(...) or dspy.OutputField(...)")
        assert isinstance(value, cst.Call)
        if name in rules.RESERVED_FIELDS or name.startswith("_"):
            self.sink.error(Code.RESERVED_FIELD, f"DSPy cannot use `{name}` as a field name", module.span(name_node))
            raise Failed
        args = read_call_args(self.index, module, value, self.sink, model_field=False)
        ftype = t.STR if type_expr is None or _is_none(type_expr) else self._type(module, type_expr)
        if args.failed:
            raise Failed
        desc = args.desc if args.desc is not None else args.description
        return nodes.SignatureField(
            name,
            "input" if symbol in rules.INPUT_FIELD else "output",
            ftype,
            desc if desc is not None else rules.default_desc(name),
            args.prefix if args.prefix is not None else rules.default_prefix(name),
            False,  # an annotation is always given (str at least): no IS_TYPE_UNDEFINED
            module.span(name_node),
            schema_unknown=args.schema_unknown,
        )

    def _type(self, module: SourceModule, expr: cst.BaseExpression) -> t.Type:
        ftype = convert(expr, TypeContext(module, self.index, self.sink, self.reader.named))
        if ftype is None:
            raise Failed
        return ftype

    def _instructions_arg(self, module: SourceModule, node: cst.BaseExpression) -> str | None:
        """Instructions given to make_signature: None (or "") means DSPy's default."""
        return None if _is_none(node) else self._text(module, node, "instructions")

    def _text(self, module: SourceModule, node: cst.BaseExpression, what: str) -> str:
        value = literals.string(node)
        value = self.index.constant(module, node) if value is None else value
        if value is None:
            raise Dynamic(node, f"`{source_text(node)}` as {what}, not a string literal")
        return value

    def _required(
        self, module: SourceModule, call: cst.Call, bound: dict[str, cst.Arg], key: str, method: str
    ) -> cst.BaseExpression:
        if key not in bound:
            self.sink.error(Code.SIGNATURE_TRANSFORM, f"`{method}` needs its `{key}` argument", module.span(call))
            raise Failed
        return bound[key].value

    def _no_extra(self, module: SourceModule, extra: list[cst.Arg], method: str) -> None:
        for arg in extra:
            what = f"no argument `{arg.keyword.value}`" if arg.keyword is not None else "no more positional arguments"
            self.sink.error(
                Code.SIGNATURE_TRANSFORM, f"DSPy raises TypeError: `{method}` takes {what}", module.span(arg)
            )
            raise Failed


# A string signature's typed input: DSPy writes `IS_TYPE_UNDEFINED: false` in its json_schema_extra, which the
# fields of the signatures derived from it keep; the IR records the key only where it is true (type_undefined).
STRING_INPUT_UNKNOWN = "an input of the string signature it is derived from (`IS_TYPE_UNDEFINED: false`)"


def _string_field(field: nodes.SignatureField) -> nodes.SignatureField:
    if field.role != "input" or field.type_undefined or field.schema_unknown:
        return field
    return replace(field, schema_unknown=STRING_INPUT_UNKNOWN)


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
