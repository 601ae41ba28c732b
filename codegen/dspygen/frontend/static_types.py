"""Frontend stage: a type annotation (libcst expression) -> an IR type.

Knows which Python spellings mean which IR type (`Optional[X]`, `X | None`,
`typing.List`, string forward references, ...). Anything it cannot map exactly is a
diagnostic, never a widening to str.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from dspygen.diagnostics import Code, Sink, Span
from dspygen.frontend.resolve import Index, SourceModule, string_value
from dspygen.ir import types as t

PRIMITIVES: dict[str, t.PrimitiveName] = {
    "builtins.str": "str",
    "builtins.int": "int",
    "builtins.float": "float",
    "builtins.bool": "bool",
    "builtins.None": "none",
}
TYPING = ("typing.", "typing_extensions.")
LIST = {"builtins.list", "typing.List", "typing_extensions.List"}
DICT = {"builtins.dict", "typing.Dict", "typing_extensions.Dict"}
OPTIONAL = {"typing.Optional", "typing_extensions.Optional"}
UNION = {"typing.Union", "typing_extensions.Union"}
LITERAL = {"typing.Literal", "typing_extensions.Literal"}


@dataclass
class TypeContext:
    """What converting one annotation needs: where it is, and how to resolve class names."""

    module: SourceModule
    index: Index
    sink: Sink
    # Maps a class symbol (spelled `expr`) to an IR ref, or reports why it cannot be a type.
    named: Callable[[str, cst.BaseExpression, TypeContext], t.Type | None]
    # Node whose span stands for the annotation (string annotations have no inner spans).
    anchor: cst.CSTNode | None = None
    # Bare names known without an import (DSPy resolves `Optional` in a string signature).
    implicit: dict[str, str] | None = None

    def span(self, node: cst.CSTNode) -> Span:
        return self.module.span(self.anchor or node)


def convert(expr: cst.BaseExpression, ctx: TypeContext) -> t.Type | None:
    """The IR type of `expr`, or None after reporting why it has none."""
    if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
        return _forward_ref(expr, ctx)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        return _union([*_flatten_or(expr)], expr, ctx)
    if isinstance(expr, cst.Subscript):
        return _subscript(expr, ctx)
    symbol = _symbol(expr, ctx)
    if symbol is None:
        _error(ctx, expr, Code.UNRESOLVED_NAME, f"cannot resolve the type `{text(expr)}`")
        return None
    if symbol in PRIMITIVES:
        return t.Primitive(PRIMITIVES[symbol])
    if symbol in LIST or symbol in DICT:
        example = "list[str]" if symbol in LIST else "dict[str, int]"
        hint = f"say what it holds, e.g. {example}"
        _error(ctx, expr, Code.BAD_TYPE_ARGS, f"bare `{text(expr)}` has no item type", hint)
        return None
    if ctx.index.class_of(symbol) is not None:
        return ctx.named(symbol, expr, ctx)
    _error(ctx, expr, Code.UNSUPPORTED_TYPE, f"the type `{text(expr)}` ({symbol}) is not supported")
    return None


def _symbol(expr: cst.BaseExpression, ctx: TypeContext) -> str | None:
    symbol = ctx.index.symbol(ctx.module, expr)
    if symbol is None and ctx.implicit and isinstance(expr, cst.Name):
        return ctx.implicit.get(expr.value)
    return symbol


def _subscript(expr: cst.Subscript, ctx: TypeContext) -> t.Type | None:
    symbol = _symbol(expr.value, ctx)
    args = [e.slice.value for e in expr.slice if isinstance(e.slice, cst.Index)]
    if len(args) != len(expr.slice):
        _error(ctx, expr, Code.UNSUPPORTED_TYPE, f"`{text(expr)}` uses a slice, not a type")
        return None
    if symbol in LITERAL:
        return _literal(args, expr, ctx)
    if symbol in OPTIONAL:
        if len(args) != 1:
            _error(ctx, expr, Code.BAD_TYPE_ARGS, "Optional takes exactly one type")
            return None
        inner = convert(args[0], ctx)
        return None if inner is None else _optional(inner)
    if symbol in UNION:
        return _union(args, expr, ctx)
    if symbol in LIST:
        if len(args) != 1:
            _error(ctx, expr, Code.BAD_TYPE_ARGS, "list takes exactly one type")
            return None
        item = convert(args[0], ctx)
        return None if item is None else t.ListOf(item)
    if symbol in DICT:
        if len(args) != 2:
            _error(ctx, expr, Code.BAD_TYPE_ARGS, "dict takes a key type and a value type")
            return None
        key, value = convert(args[0], ctx), convert(args[1], ctx)
        if key is not None and key != t.STR:
            _error(ctx, args[0], Code.DICT_KEY, f"dict keys of type `{text(args[0])}` are not supported")
            return None
        return None if key is None or value is None else t.DictOf(key, value)
    name = symbol or text(expr.value)
    _error(ctx, expr, Code.UNSUPPORTED_TYPE, f"the type `{text(expr)}` ({name}) is not supported")
    return None


def _optional(inner: t.Type) -> t.Type:
    return inner if isinstance(inner, t.OptionalOf) else t.OptionalOf(inner)


def _union(args: list[cst.BaseExpression], expr: cst.CSTNode, ctx: TypeContext) -> t.Type | None:
    converted = [convert(a, ctx) for a in args]
    if any(c is None for c in converted):
        return None
    members = [c for c in converted if c is not None]
    none = t.Primitive("none")
    rest = [m for m in members if m != none]
    if len(rest) == 1 and len(rest) < len(members):
        return _optional(rest[0])
    if len(rest) == 1:
        return rest[0]
    _error(
        ctx,
        expr,
        Code.UNSUPPORTED_TYPE,
        f"the union `{text(expr)}` is not supported; only `T | None` is",
    )
    return None


def _flatten_or(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        return [*_flatten_or(expr.left), *_flatten_or(expr.right)]
    return [expr]


def _literal(args: list[cst.BaseExpression], expr: cst.CSTNode, ctx: TypeContext) -> t.Type | None:
    values = []
    for arg in args:
        value = string_value(arg)
        if value is None:
            _error(ctx, arg, Code.LITERAL_VALUE, f"the Literal value `{text(arg)}` is not a string")
            return None
        values.append(value)
    if not values:
        _error(ctx, expr, Code.BAD_TYPE_ARGS, "Literal needs at least one value")
        return None
    return t.LiteralOf(tuple(dict.fromkeys(values)))


def _forward_ref(expr: cst.SimpleString | cst.ConcatenatedString, ctx: TypeContext) -> t.Type | None:
    text = string_value(expr)
    try:
        inner = cst.parse_expression(text.strip()) if text is not None else None
    except cst.ParserSyntaxError:
        inner = None
    if inner is None:
        _error(ctx, expr, Code.FORWARD_REF, f"the forward reference {text(expr)} is not a type")
        return None
    anchored = dataclasses.replace(ctx, anchor=ctx.anchor or expr)
    return convert(inner, anchored)


def _error(
    ctx: TypeContext, node: cst.CSTNode, code: Code, message: str, hint: str | None = None
) -> None:
    ctx.sink.error(code, message, ctx.span(node), hint)


def text(node: cst.CSTNode) -> str:
    """The source text of a node."""
    return cst.Module(body=[]).code_for_node(node)
