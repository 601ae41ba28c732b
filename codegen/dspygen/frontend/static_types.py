"""Frontend stage: a type annotation (libcst expression) -> an IR type.

Knows which Python spellings mean which IR type (`Optional[X]`, `X | None`,
`typing.List`, string forward references, ...). Anything it cannot map exactly is a
diagnostic, never a widening to str.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import cast

import libcst as cst

from dspygen.diagnostics import Code, Sink, Span, did_you_mean
from dspygen.frontend import constraint_rules, constraints_static, dspy_types, literals, type_aliases, union_types
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.ir import types as t
from dspygen.registry import scalars

# Every spelling of each registered scalar (`datetime.datetime`, `pydantic.types.AwareDatetime`).
PRIMITIVES: dict[str, t.PrimitiveName] = {
    name: cast(t.PrimitiveName, scalar.name) for scalar in scalars.SCALARS for name in scalar.python.names
}
NONE = "builtins.None"
TYPING = ("typing.", "typing_extensions.")
LIST = {"builtins.list", "typing.List", "typing_extensions.List"}
DICT = {"builtins.dict", "typing.Dict", "typing_extensions.Dict"}
# The abstract spellings real code annotates with: pydantic reads and writes JSON arrays and
# objects for them exactly as for list and dict, and validates a Mapping into a dict. (It keeps
# a tuple given to a Sequence from Python; Rust hands back a list, which it reads the same.)
SEQUENCE = {"typing.Sequence", "typing.MutableSequence", "collections.abc.Sequence", "collections.abc.MutableSequence"}
MAPPING = {"typing.Mapping", "typing.MutableMapping", "collections.abc.Mapping", "collections.abc.MutableMapping"}
TUPLE = {"builtins.tuple", "typing.Tuple", "typing_extensions.Tuple"}
SET = {"builtins.set", "typing.Set", "typing_extensions.Set"}
FROZENSET = {"builtins.frozenset", "typing.FrozenSet", "typing_extensions.FrozenSet"}
OPTIONAL = {"typing.Optional", "typing_extensions.Optional"}
UNION = {"typing.Union", "typing_extensions.Union"}
LITERAL = {"typing.Literal", "typing_extensions.Literal"}
JSON = {"pydantic.Json", "pydantic.types.Json"}
# Where a type is a library's, not a model in a file the user forgot to pass.
ANY = t.Primitive("any")
# Type names Python knows without an import, for a "did you mean".
PYTHON_TYPE_NAMES = ("str", "int", "float", "bool", "bytes", "list", "dict", "set", "frozenset", "tuple", "None")
KNOWN_PACKAGES = frozenset(
    {*sys.stdlib_module_names, "builtins", "pydantic", "pydantic_core", "dspy", "typing_extensions", "annotated_types"}
)
TYPEVAR = {"typing.TypeVar", "typing_extensions.TypeVar"}


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
    # Bare names bound before the module's, as Index.symbol's `local`: the classes nested in the
    # class whose annotation this is (classes.class_scope); `lazy_local` inside a string annotation.
    local: Mapping[str, str] | None = None
    lazy_local: Mapping[str, str] | None = None
    # Inside one instantiation of a generic model: each type parameter's argument.
    typevars: dict[str, t.Type] | None = None
    # Maps a subscripted class of the set (`Page[Item]`) to an IR ref, or reports why it cannot.
    instantiate: Callable[[str, cst.Subscript, list[cst.BaseExpression], TypeContext], t.Type | None] | None = None
    # Qualified names of the classes the configuration maps to the user's Rust types.
    mapped: frozenset[str] = frozenset()
    # The type aliases being followed (`module.Name`), innermost last: one met again is recursive.
    aliases: tuple[str, ...] = ()
    # The `type` / TypeAliasType aliases met (pydantic gives each a `$defs` entry of its JSON
    # Schema), shared by the contexts `dataclasses.replace` derives from this one.
    schema_aliases: list[str] = field(default_factory=list)

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
    if isinstance(expr, cst.Call):  # conint(ge=0), constr(pattern=...), conlist(T, ...)
        is_con, constrained = constraints_static.con(expr, ctx, convert)
        if is_con:
            return constrained
    if isinstance(expr, cst.Name) and ctx.typevars and expr.value in ctx.typevars:
        return ctx.typevars[expr.value]
    symbol = _symbol(expr, ctx)
    if symbol is None and isinstance(expr, cst.Name) and type_aliases.target(ctx.index, ctx.module, expr.value):
        return _alias(ctx.module, expr.value, expr, ctx)
    if symbol is None:
        if not (isinstance(expr, cst.Name) and _variable(expr, expr.value, ctx.module, ctx)):
            known = [*ctx.module.classes, *ctx.module.imports, *ctx.module.variables, *PYTHON_TYPE_NAMES]
            guess = did_you_mean(text(expr), known) if isinstance(expr, cst.Name) else ""
            _error(ctx, expr, Code.UNRESOLVED_NAME, f"cannot resolve the type `{text(expr)}`.{guess}".rstrip("."))
        return None
    if symbol in ctx.mapped:  # before everything: a mapping may also replace a supported type
        return t.Mapped(symbol)
    if symbol in PRIMITIVES:
        return t.Primitive(PRIMITIVES[symbol])
    if symbol in constraint_rules.ALIAS_SYMBOLS:  # PositiveInt: int with gt=0, as Field(gt=0) builds it
        base, given = constraint_rules.ALIASES[constraint_rules.ALIAS_SYMBOLS[symbol]]
        return constraints_static.finish(t.Primitive(cast(t.PrimitiveName, base)), given, expr, ctx)
    if symbol in dspy_types.TOOL:
        _error(ctx, expr, Code.DSPY_TOOL, dspy_types.tool_message(text(expr)))
        return None
    if symbol in dspy_types.SYMBOLS:
        return dspy_types.static(symbol)
    if symbol == NONE:  # `x: None` holds only None (in `T | None` the union takes it first)
        return t.Primitive("none")
    if symbol in JSON:  # a bare `Json` is `Json[Any]`
        return t.JsonOf(ANY)
    if symbol in LIST or symbol in SEQUENCE:  # pydantic reads a bare container's items (and keys) as Any
        return t.ListOf(ANY)
    if symbol in DICT or symbol in MAPPING:
        return t.DictOf(t.STR, ANY)  # a JSON object's keys are strings
    if symbol in TUPLE:
        return t.TupleOf((ANY,), variadic=True)
    if symbol in SET or symbol in FROZENSET:
        hint = f"say what it holds, e.g. {'set[str]' if symbol in SET else 'frozenset[str]'}"
        message = f"bare `{text(expr)}` holds Any, which Rust cannot hash into a set"
        _error(ctx, expr, Code.BAD_TYPE_ARGS, message, hint)
        return None
    if symbol in OPTIONAL or symbol in UNION or symbol in LITERAL:
        examples = {"Optional": "Optional[str]", "Union": "Union[str, None]", "Literal": 'Literal["a", "b"]'}
        hint = f"say what it holds, e.g. {examples[symbol.rpartition('.')[2]]}"
        _error(ctx, expr, Code.BAD_TYPE_ARGS, f"bare `{text(expr)}` needs type arguments", hint)
        return None
    if ctx.index.class_of(symbol) is not None:
        return ctx.named(symbol, expr, ctx)
    found = ctx.index.locate(symbol, ctx.module)
    if found is not None and found[1] and type_aliases.target(ctx.index, found[0], found[1]) is not None:
        return _alias(found[0], found[1], expr, ctx)  # an alias imported from another module
    if found is not None and found[1]:
        # Imported from a file of the set that binds no class by that name.
        module, rest = found
        if not _variable(expr, rest, module, ctx):
            _error(ctx, expr, Code.UNRESOLVED_NAME, f"{module.display} defines no class `{rest}`")
        return None
    home = symbol.rpartition(".")[0]
    if home and home.split(".")[0] not in KNOWN_PACKAGES:
        # Most likely a model of the user's in a file dspygen was not given.
        _error(
            ctx,
            expr,
            Code.UNSUPPORTED_TYPE,
            f"`{text(expr)}` comes from `{home}`, which is not a file of this project (an installed package?)",
            f"if `{home}` is yours, make it importable from the files given (dspygen follows imports through "
            "their packages, a src/ folder and the folder of pyproject.toml); otherwise " + mapping_hint(symbol),
        )
        return None
    message = f"the type `{text(expr)}` ({symbol}) is not supported"
    _error(ctx, expr, Code.UNSUPPORTED_TYPE, message, mapping_hint(symbol))
    return None


def mapping_hint(symbol: str) -> str:
    """Where a class dspygen cannot read can still go: a Rust type of the user's, mapped in the configuration."""
    return (
        f'map it to a Rust type of yours in pyproject.toml: types = {{ "{symbol}" = "my_crate::Type" }} '
        "in [tool.dspygen] (README: user type mappings)"
    )


def _alias(module: SourceModule, name: str, expr: cst.BaseExpression, ctx: TypeContext) -> t.Type | None:
    """The type the alias `name` of `module` names, converted where the alias is written."""
    value = type_aliases.target(ctx.index, module, name)
    assert value is not None
    key = f"{module.module}.{name}"
    if name in module.rebound:
        message = f"the type alias `{name}` is assigned more than once: which one a class sees depends on the run"
        _error(ctx, expr, Code.UNSUPPORTED_TYPE, message, "assign the alias once")
        return None
    json = type_aliases.is_json(ctx.index, module, name, value)
    if type_aliases.may_recurse(ctx.index, module, name) and name not in ctx.schema_aliases:
        ctx.schema_aliases.append(name)
    if json and type_aliases.may_recurse(ctx.index, module, name):
        return t.Primitive("json_value")  # pydantic's JsonValue is this very alias
    if json or key in ctx.aliases:
        plain = not type_aliases.may_recurse(ctx.index, module, name)
        message = (
            f"the type alias `{name}` refers to itself in a plain assignment, which pydantic cannot build a model with"
            if plain
            else f"the type alias `{name}` refers to itself, and is not a JSON value"
        )
        hint = (
            f"declare it as `type {name} = ...` or with TypeAliasType"
            if plain
            else "name the recursive part with a model"
        )
        _error(ctx, expr, Code.UNSUPPORTED_TYPE, message, hint)
        return None
    # Names inside the alias resolve in its own module, and its errors point there.
    inner = dataclasses.replace(
        ctx, module=module, anchor=None, implicit=None, typevars=None, aliases=(*ctx.aliases, key)
    )
    return convert(value, inner)


def _variable(expr: cst.BaseExpression, name: str, module: SourceModule, ctx: TypeContext) -> bool:
    """Report a name bound by an assignment (a TypeVar or a type alias) rather than a class."""
    value = module.variables.get(name)
    if value is None:
        return False
    if isinstance(value, cst.Call) and ctx.index.symbol(module, value.func) in TYPEVAR:
        _error(
            ctx,
            expr,
            Code.UNSUPPORTED_TYPE,
            f"`{name}` is a type variable, and this is not a field of a generic model that declares it",
            "declare the model generic (`class Page(BaseModel, Generic[T])`) and use it as `Page[int]`",
        )
    else:
        _error(
            ctx,
            expr,
            Code.UNSUPPORTED_TYPE,
            f"`{name}` is a variable, not a class nor a type alias",
            "use a class or a type alias (`Name = list[str]`) here",
        )
    return True


def _symbol(expr: cst.BaseExpression, ctx: TypeContext) -> str | None:
    symbol = ctx.index.symbol(ctx.module, expr, ctx.local)
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
    if symbol in union_types.ANNOTATED:
        found = union_types.discriminator_of(args, ctx.index, ctx.module)
        if found is not None:  # Annotated[A | B, Field(discriminator="kind")]
            return _discriminated(found[0], found[1], ctx)
        return constraints_static.annotated(args, expr, ctx, convert)  # Annotated[int, Gt(0)], ...
    if symbol in dspy_types.CODE:
        return _code(args, expr, ctx)
    if symbol in JSON:
        return _wrapping("Json", t.JsonOf, args, expr, ctx)
    if symbol in OPTIONAL:
        return _wrapping("Optional", t.optional, args, expr, ctx)
    if symbol in UNION:
        return _union(args, expr, ctx)
    if symbol in LIST or symbol in SEQUENCE:
        if len(args) != 1:
            _error(ctx, expr, Code.BAD_TYPE_ARGS, f"{_container(symbol, 'list')} takes exactly one type")
            return None
        item = convert(args[0], ctx)
        return None if item is None else t.ListOf(item)
    if symbol in TUPLE:
        return _tuple(args, expr, ctx)
    if symbol in SET or symbol in FROZENSET:
        if len(args) != 1:
            _error(ctx, expr, Code.BAD_TYPE_ARGS, f"{'set' if symbol in SET else 'frozenset'} takes exactly one type")
            return None
        item = convert(args[0], ctx)
        return None if item is None else t.SetOf(item, frozen=symbol in FROZENSET)
    if symbol in DICT or symbol in MAPPING:
        kind = _container(symbol, "dict")
        if len(args) != 2:
            _error(ctx, expr, Code.BAD_TYPE_ARGS, f"{kind} takes a key type and a value type")
            return None
        key, value = convert(args[0], ctx), convert(args[1], ctx)
        if key is not None and not (key in (t.STR, t.Primitive("int")) or isinstance(key, t.KEY_NODES)):
            _error(ctx, args[0], Code.DICT_KEY, f"{kind} keys of type `{text(args[0])}` are not supported")
            return None
        return None if key is None or value is None else t.DictOf(key, value)
    if symbol is not None and ctx.instantiate is not None and ctx.index.class_of(symbol) is not None:
        return ctx.instantiate(symbol, expr, args, ctx)  # a generic model: `Page[Item]`
    if symbol is None:
        if not (isinstance(expr.value, cst.Name) and _variable(expr.value, expr.value.value, ctx.module, ctx)):
            _error(ctx, expr.value, Code.UNRESOLVED_NAME, f"cannot resolve the type `{text(expr.value)}`")
        return None
    _error(ctx, expr, Code.UNSUPPORTED_TYPE, f"the type `{text(expr)}` ({symbol}) is not supported")
    return None


def _container(symbol: str, concrete: str) -> str:
    """How a message names the container: `list` / `dict` for theirs, `Sequence`, `Mapping`, ... as spelled."""
    return symbol.rpartition(".")[2] if symbol in SEQUENCE | MAPPING else concrete


def _tuple(args: list[cst.BaseExpression], expr: cst.CSTNode, ctx: TypeContext) -> t.Type | None:
    variadic = len(args) == 2 and isinstance(args[1], cst.Ellipsis)
    if not args or any(isinstance(a, cst.Ellipsis) for a in args[: 1 if variadic else None]):
        _error(ctx, expr, Code.BAD_TYPE_ARGS, f"`{text(expr)}` is not a tuple type dspygen supports", TUPLE_HINT)
        return None
    if isinstance(args[0], cst.Tuple) and not args[0].elements:
        _error(ctx, expr, Code.UNSUPPORTED_TYPE, "the empty tuple `tuple[()]` is not supported", TUPLE_HINT)
        return None
    items = [convert(a, ctx) for a in (args[:1] if variadic else args)]
    if any(i is None for i in items):
        return None
    return t.TupleOf(tuple(i for i in items if i is not None), variadic)


def _code(args: list[cst.BaseExpression], expr: cst.CSTNode, ctx: TypeContext) -> t.Type | None:
    """`dspy.Code["python"]`: DSPy builds a subclass whose `language` is the string given."""
    language = literals.string(args[0]) if len(args) == 1 else None
    if language is None or not dspy_types.LANGUAGE.fullmatch(language):
        _error(ctx, expr, Code.BAD_TYPE_ARGS, f"`{text(expr)}` takes one language name", dspy_types.LANGUAGE_HINT)
        return None
    return t.DspyType("Code", language)


TUPLE_HINT = "use tuple[A, B] (one type per position) or tuple[T, ...]"


def _wrapping(
    name: str, wrap: Callable[[t.Type], t.Type], args: list[cst.BaseExpression], expr: cst.CSTNode, ctx: TypeContext
) -> t.Type | None:
    """`Optional[T]`, `Json[T]`: exactly one type, wrapped."""
    if len(args) != 1:
        _error(ctx, expr, Code.BAD_TYPE_ARGS, f"{name} takes exactly one type")
        return None
    inner = convert(args[0], ctx)
    return None if inner is None else wrap(inner)


def _union(args: list[cst.BaseExpression], expr: cst.CSTNode, ctx: TypeContext) -> t.Type | None:
    types = [a for a in args if _symbol(a, ctx) != NONE]
    converted = [convert(a, ctx) for a in types]
    if any(c is None for c in converted):
        return None
    rest = [c for c in converted if c is not None]
    if not rest:  # `Union[None, None]` is None, as typing reads it
        return t.NONE
    return union_types.union_of(rest, len(types) < len(args))


def _discriminated(expr: cst.BaseExpression, name: str, ctx: TypeContext) -> t.Type | None:
    inner = convert(expr, ctx)
    if inner is None:
        return None
    found = union_types.discriminate(inner, name)
    if found is None:
        hint = "a discriminator picks one arm of a union: use it on `A | B`"
        _error(ctx, expr, Code.BAD_DISCRIMINATOR, f"`discriminator=` on `{text(expr)}`, which is not a union", hint)
    return found


def _flatten_or(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        return [*_flatten_or(expr.left), *_flatten_or(expr.right)]
    return [expr]


def _literal(args: list[cst.BaseExpression], expr: cst.CSTNode, ctx: TypeContext) -> t.Type | None:
    values: list[t.LiteralValue] = []
    for arg in args:
        found, value = _literal_value(arg)
        if not found:
            hint = "use strings, ints, True/False or None"
            _error(ctx, arg, Code.LITERAL_VALUE, f"the Literal value `{text(arg)}` is not supported", hint)
            return None
        values.append(value)
    if not values:
        _error(ctx, expr, Code.BAD_TYPE_ARGS, "Literal needs at least one value")
        return None
    return t.LiteralOf(t.unique_literals(values))


def _literal_value(arg: cst.BaseExpression) -> tuple[bool, t.LiteralValue]:
    """A Literal's value: a string, an int (maybe negative), True, False or None; no float."""
    found, value = literals.scalar(arg)
    return (True, value) if found and not isinstance(value, float) else (False, None)


def _forward_ref(expr: cst.SimpleString | cst.ConcatenatedString, ctx: TypeContext) -> t.Type | None:
    value = literals.string(expr)
    try:
        inner = cst.parse_expression(value.strip()) if value is not None else None
    except cst.ParserSyntaxError:
        inner = None
    if inner is None:
        _error(ctx, expr, Code.FORWARD_REF, f"the forward reference {text(expr)} is not a type expression")
        return None
    anchored = dataclasses.replace(ctx, anchor=ctx.anchor or expr, local=ctx.lazy_local or ctx.local)
    return convert(inner, anchored)


def _error(ctx: TypeContext, node: cst.CSTNode, code: Code, message: str, hint: str | None = None) -> None:
    ctx.sink.error(code, message, ctx.span(node), hint)


def text(node: cst.CSTNode) -> str:
    """The source text of a node."""
    return cst.Module(body=[]).code_for_node(node)
