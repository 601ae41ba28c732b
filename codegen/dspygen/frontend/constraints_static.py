"""Frontend stage (static): constraints written in source, read without running it.

`Annotated[T, Field(gt=0)]`, `Annotated[int, Gt(0)]` (annotated_types: Gt, Ge, Lt, Le,
MultipleOf, MinLen, MaxLen, Len, Interval), pydantic's `Strict()` and `AllowInfNan(False)`,
`Annotated[str, StringConstraints(...)]` and
`conint(...)` / `constr(...)` / `confloat(...)` / `condecimal(...)` / `conbytes(...)` /
`conlist(T, ...)` / `conset(T, ...)` / `confrozenset(T, ...)`. Values must be literals
(numbers, strings, True/False, `Decimal("1.5")`); the rules of what applies where are
frontend/constraint_rules.py's, shared with the importing frontend.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import libcst as cst

from dspygen.diagnostics import Code
from dspygen.frontend import constraint_rules, literals
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.ir import types as t

if TYPE_CHECKING:
    from dspygen.frontend.static_types import TypeContext

Convert = Callable[[cst.BaseExpression, "TypeContext"], "t.Type | None"]

MISSING = object()
ANNOTATED = {"typing.Annotated", "typing_extensions.Annotated"}
FIELD = {"pydantic.Field", "pydantic.fields.Field"}
STRING_CONSTRAINTS = {"pydantic.StringConstraints", "pydantic.types.StringConstraints"}
# annotated_types classes taking one positional value -> the constraint it sets
SINGLE = {"Gt": "gt", "Ge": "ge", "Lt": "lt", "Le": "le", "MultipleOf": "multiple_of"}
SINGLE |= {"MinLen": "min_length", "MaxLen": "max_length"}
# pydantic's own metadata classes taking one flag, which is True when not given: `Strict()`.
FLAGS = {"Strict": "strict", "AllowInfNan": "allow_inf_nan"}
# Positional parameters of the annotated_types classes taking more than one.
POSITIONAL = {"Len": ("min_length", "max_length"), "Interval": ("gt", "ge", "lt", "le")}
# pydantic's con*() functions: the primitive they constrain ("" takes the item type first).
CON = {
    "conint": "int",
    "confloat": "float",
    "condecimal": "decimal",
    "constr": "str",
    "conbytes": "bytes",
    "conlist": "list",
    "conset": "set",
    "confrozenset": "frozenset",
}
# Field(...) arguments inside Annotated that change neither JSON nor validation.
HARMLESS = frozenset({"description", "title", "examples", "json_schema_extra"})


def value(index: Index, module: SourceModule, node: cst.BaseExpression, depth: int = 0) -> Any:
    """A constraint's literal value, or MISSING: 5, -5, 2**64 - 1, 0.5, -1e3, "^a", True, Decimal("1.5")."""
    ok, plain = literals.scalar(node, arithmetic=True)
    if ok:
        return plain
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus | cst.Plus):
        inner = value(index, module, node.expression, depth)
        if isinstance(inner, float):
            return -inner if isinstance(node.operator, cst.Minus) else inner
        return MISSING
    if isinstance(node, cst.Call) and index.symbol(module, node.func) == "decimal.Decimal" and len(node.args) == 1:
        literal = literals.string(node.args[0].value)
        number = literals.integer(node.args[0].value, arithmetic=True)
        try:
            return str(decimal.Decimal(literal if literal is not None else str(number)))  # as pydantic shows it
        except decimal.InvalidOperation:
            return MISSING
    found = index.variable(module, node) if depth < 20 else None  # `lt=MAX_TOKENS`, a module-level constant
    return MISSING if found is None else value(index, found[0], found[1], depth + 1)


def symbol_tail(index: Index, module: SourceModule, node: cst.BaseExpression, package: str) -> str | None:
    """`Gt` for annotated_types.Gt (when `package` is annotated_types), else None."""
    symbol = index.symbol(module, node)
    if symbol is None:
        return None
    head, _, tail = symbol.rpartition(".")
    return tail if head in {package, f"{package}.types"} else None


def metadata(
    index: Index, module: SourceModule, node: cst.BaseExpression
) -> tuple[dict[str, Any], list[tuple[str, cst.CSTNode]]]:
    """The constraints one `Annotated[...]` metadata item sets, and (message, node) for what it cannot read."""
    out: dict[str, Any] = {}
    problems: list[tuple[str, cst.CSTNode]] = []
    if not isinstance(node, cst.Call):
        return out, [("only calls such as Field(gt=0), Gt(0) or StringConstraints(...) are read here", node)]
    symbol = index.symbol(module, node.func)
    tail = symbol_tail(index, module, node.func, "annotated_types")
    flag = symbol_tail(index, module, node.func, "pydantic")
    if flag in FLAGS:  # Strict(), AllowInfNan(False): the flag, True unless given
        names: tuple[str, ...] = (FLAGS[flag],)
        out[FLAGS[flag]] = True
    elif tail in SINGLE and len(node.args) == 1:
        names = (SINGLE[tail],)
    elif tail in POSITIONAL:
        names = POSITIONAL[tail]
    elif symbol in FIELD or symbol in STRING_CONSTRAINTS:
        names = ()
    else:
        return out, [(f"the metadata `{_text(node)}` is not supported", node)]
    for position, arg in enumerate(node.args):
        if arg.star:
            problems.append(("`*` arguments cannot be read without running the code", arg))
            continue
        if arg.keyword is None and position < len(names):
            key = names[position]
        elif arg.keyword is not None:
            key = arg.keyword.value
        else:
            problems.append((f"`{_text(node.func)}` takes these arguments by keyword", arg))
            continue
        if symbol in FIELD and key in HARMLESS:
            continue
        found = value(index, module, arg.value)
        if found is MISSING:
            problems.append((f"`{key}=` must be a literal value", arg.value))
        else:
            out[key] = found
    return out, problems


def con_call(
    index: Index, module: SourceModule, call: cst.Call
) -> tuple[str, cst.BaseExpression | None, dict[str, Any], list[tuple[str, cst.CSTNode]]] | None:
    """(kind, item type expression, constraints, problems) of `conint(ge=0)`-style calls; None if not one."""
    tail = symbol_tail(index, module, call.func, "pydantic")
    if tail not in CON:
        return None
    kind = CON[tail]
    item: cst.BaseExpression | None = None
    out: dict[str, Any] = {}
    problems: list[tuple[str, cst.CSTNode]] = []
    for position, arg in enumerate(call.args):
        if kind in {"list", "set", "frozenset"} and position == 0 and arg.keyword is None:
            item = arg.value
            continue
        if arg.keyword is None or arg.star:
            problems.append((f"`{tail}` arguments must be given by keyword", arg))
            continue
        found = value(index, module, arg.value)
        if found is MISSING:
            problems.append((f"`{arg.keyword.value}=` must be a literal value", arg.value))
        else:
            out[arg.keyword.value] = found
    if kind in {"list", "set", "frozenset"} and item is None:
        problems.append((f"`{tail}` needs the item type as its first argument", call))
    return kind, item, out, problems


def annotated(args: list[cst.BaseExpression], expr: cst.CSTNode, ctx: TypeContext, convert: Convert) -> t.Type | None:
    """`Annotated[T, meta, ...]`: T under the constraints its metadata sets."""
    if len(args) < 2:
        ctx.sink.error(Code.BAD_TYPE_ARGS, "Annotated takes a type and at least one metadata item", ctx.span(expr))
        return None
    base = convert(args[0], ctx)
    given: dict[str, Any] = {}
    ok = True
    for item in args[1:]:
        found, problems = metadata(ctx.index, ctx.module, item)
        for message, node in problems:
            ctx.sink.error(Code.FIELD_ARGUMENT, message, ctx.span(node))
            ok = False
        given.update(found)
    return finish(base, given, expr, ctx) if ok and base is not None else None


def con(call: cst.Call, ctx: TypeContext, convert: Convert) -> tuple[bool, t.Type | None]:
    """(whether `call` is `conint(ge=0)`, `conlist(int, min_length=1)`, ..., the type it means)."""
    found = con_call(ctx.index, ctx.module, call)
    if found is None:
        return False, None
    kind, item_expr, given, problems = found
    for message, node in problems:
        ctx.sink.error(Code.FIELD_ARGUMENT, message, ctx.span(node))
    if problems:
        return True, None
    base: t.Type | None
    if item_expr is not None:
        item = convert(item_expr, ctx)
        if item is None:
            return True, None
        base = t.ListOf(item) if kind == "list" else t.SetOf(item, frozen=kind == "frozenset")
    else:
        base = t.Primitive(kind)  # type: ignore[arg-type]
    return True, finish(base, given, call, ctx)


def finish(base: t.Type | None, given: dict[str, Any], node: cst.CSTNode, ctx: TypeContext) -> t.Type | None:
    if base is None:
        return None
    out = constraint_rules.constrain(base, given)
    if isinstance(out, str):
        ctx.sink.error(Code.CONSTRAINT, out, ctx.span(node))
        return None
    return out


def _text(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)
