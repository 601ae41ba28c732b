"""Frontend stage: type aliases, followed to the type they name.

Python spells an alias four ways, and pydantic reads each as the type it names:
`Tags = list[str]`, `Tags: TypeAlias = list[str]`, `type Tags = list[str]` (PEP 695) and
`Tags = TypeAliasType("Tags", list[str])`; `UserId = NewType("UserId", int)` is its base type.
An alias may live in another module (imported like a class) and may use other aliases. The
one recursive alias real code writes, a JSON value (`JSON = dict[str, "JSON"] | list["JSON"] |
str | int | float | bool | None`), declared with `type` or `TypeAliasType` (pydantic refuses a
plain assignment that refers to itself), is pydantic's `JsonValue`; other recursion needs a model.

It finds what an alias stands for; static_types.py converts that expression where it was
written (names inside an alias resolve in the alias's own module).
"""

from __future__ import annotations

import libcst as cst

from dspygen.frontend import literals
from dspygen.frontend.resolve import Index, SourceModule

TYPEVAR = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})
NEWTYPE = frozenset({"typing.NewType", "typing_extensions.NewType"})
ALIAS_TYPE = frozenset({"typing.TypeAliasType", "typing_extensions.TypeAliasType"})
UNION = frozenset({"typing.Union", "typing_extensions.Union", "typing.Optional", "typing_extensions.Optional"})
JSON_LEAVES = frozenset({"builtins.str", "builtins.int", "builtins.float", "builtins.bool", "builtins.None"})
JSON_CONTAINERS = {
    "builtins.dict": 2,
    "typing.Dict": 2,
    "typing.Mapping": 2,
    "collections.abc.Mapping": 2,
    "builtins.list": 1,
    "typing.List": 1,
    "typing.Sequence": 1,
    "collections.abc.Sequence": 1,
}


def target(index: Index, module: SourceModule, name: str) -> cst.BaseExpression | None:
    """The type expression the module-level name `name` aliases, or None when it is not an alias
    (not bound by an assignment, a TypeVar, or a value that is no type expression)."""
    value = module.variables.get(name)
    if value is None:
        return None
    if isinstance(value, cst.Call):
        symbol = index.symbol(module, value.func)
        if symbol in NEWTYPE | ALIAS_TYPE and len(value.args) >= 2:
            return value.args[1].value  # TypeAliasType's may be a string (a forward reference)
        return None  # a TypeVar, or a value computed by a call
    if isinstance(value, cst.Subscript | cst.BinaryOperation | cst.Name | cst.Attribute):
        return value
    if isinstance(value, cst.SimpleString) and name in module.type_statements:
        return value
    return None


def may_recurse(index: Index, module: SourceModule, name: str) -> bool:
    """Declared so that it may refer to itself: `type X = ...` or `TypeAliasType(...)`; pydantic
    overflows its stack on a plain assignment that does."""
    value = module.variables.get(name)
    if name in module.type_statements:
        return True
    return isinstance(value, cst.Call) and index.symbol(module, value.func) in ALIAS_TYPE


def is_json(index: Index, module: SourceModule, name: str, value: cst.BaseExpression) -> bool:
    """`value` is the recursive JSON alias: a union of JSON scalars and dicts / lists of
    `name` itself (named, or as the string "name"), with scalars and recursion both."""
    text = literals.string(value)
    if text is not None:  # TypeAliasType("JSON", "dict[str, JSON] | ...")
        try:
            value = cst.parse_expression(text.strip())
        except cst.ParserSyntaxError:
            return False
    arms = _arms(index, module, value)
    recursive = leaves = False
    for arm in arms:
        symbol = index.symbol(module, arm) if isinstance(arm, cst.Name | cst.Attribute) else None
        if symbol in JSON_LEAVES or (isinstance(arm, cst.Name) and arm.value == "None"):
            leaves = True
            continue
        if not isinstance(arm, cst.Subscript):
            return False
        wanted = JSON_CONTAINERS.get(index.symbol(module, arm.value) or "")
        args = [e.slice.value for e in arm.slice if isinstance(e.slice, cst.Index)]
        if wanted is None or len(args) != wanted or not _is_self(args[-1], name):
            return False
        if wanted == 2 and index.symbol(module, args[0]) != "builtins.str":
            return False
        recursive = True
    return recursive and leaves


def _arms(index: Index, module: SourceModule, value: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.BitOr):
        return [*_arms(index, module, value.left), *_arms(index, module, value.right)]
    if isinstance(value, cst.Subscript) and index.symbol(module, value.value) in UNION:
        args = [e.slice.value for e in value.slice if isinstance(e.slice, cst.Index)]
        if (index.symbol(module, value.value) or "").endswith("Optional"):
            args.append(cst.Name("None"))
        return [a for arg in args for a in _arms(index, module, arg)]
    return [value]


def _is_self(node: cst.BaseExpression, name: str) -> bool:
    if isinstance(node, cst.Name):
        return node.value == name
    text = literals.string(node)
    return text is not None and text.strip() == name
