"""Frontend stage (static): `@computed_field` properties of a model body.

pydantic writes a computed field's value after the fields, from the property's return
value. dspygen cannot run the property, so it records only what the JSON needs: the name,
the return annotation (required: it is the Rust type), the alias and the description
(`description=`, else the docstring, as pydantic takes it).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import libcst as cst

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import literals
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.ir import nodes
from dspygen.ir import types as t

COMPUTED = frozenset({"pydantic.computed_field", "pydantic.fields.computed_field"})
# Arguments that only feed JSON schema or repr: no effect on the JSON pydantic writes.
SCHEMA_ONLY = frozenset({"title", "examples", "json_schema_extra", "repr", "deprecated", "field_title_generator"})
# What nodes.ComputedField.schema_unknown says when one of them (but `repr`) is given.
COMPUTED_SCHEMA = "a JSON Schema argument of @computed_field"

TypeOf = Callable[[SourceModule, cst.BaseExpression], "t.Type | None"]


def is_computed(index: Index, module: SourceModule, deco: cst.Decorator) -> bool:
    expr = deco.decorator.func if isinstance(deco.decorator, cst.Call) else deco.decorator
    return index.symbol(module, expr) in COMPUTED


def read(
    index: Index, module: SourceModule, node: cst.ClassDef, type_of: TypeOf, sink: Sink
) -> list[nodes.ComputedField]:
    """The computed fields declared in `node`'s body, in order (aliases as written)."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    out = []
    for stmt in body:
        if not isinstance(stmt, cst.FunctionDef):
            continue
        deco = next((d for d in stmt.decorators if is_computed(index, module, d)), None)
        if deco is None:
            continue
        field = _field(index, module, stmt, deco, type_of, sink)
        if field is not None:
            out.append(field)
    return out


def _field(
    index: Index, module: SourceModule, stmt: cst.FunctionDef, deco: cst.Decorator, type_of: TypeOf, sink: Sink
) -> nodes.ComputedField | None:
    name = stmt.name.value
    alias: str | None = None
    description: str | None = None
    unknown = ""
    ok = True
    for arg in deco.decorator.args if isinstance(deco.decorator, cst.Call) else ():
        key = arg.keyword.value if arg.keyword is not None else None
        value = literals.string(arg.value)
        value = index.constant(module, arg.value) if value is None else value
        if key == "repr":
            continue
        if key in SCHEMA_ONLY:
            unknown = COMPUTED_SCHEMA
            continue
        if key in {"alias", "description"} and value is not None:
            alias, description = (value, description) if key == "alias" else (alias, value)
            continue
        sink.error(
            Code.COMPUTED_FIELD,
            f"the argument `{key or 'positional'}` of @computed_field on `{name}` is not supported"
            + ("" if key not in {"alias", "description"} else " (it must be a static string)"),
            module.span(arg),
            hint="dspygen reads alias= and description= (static strings) here",
        )
        ok = False
    if stmt.returns is None:
        sink.error(
            Code.COMPUTED_FIELD,
            f"the computed field `{name}` has no return annotation, so its JSON type is unknown",
            module.span(stmt.name),
            hint=f"annotate the property: `def {name}(self) -> T:`",
        )
        return None
    ftype = type_of(module, stmt.returns.annotation)
    if ftype is None or not ok:
        return None
    if description is None:
        doc = stmt.get_docstring(clean=False)
        description = inspect.cleandoc(doc) if doc else None
    return nodes.ComputedField(name, ftype, description, alias, module.span(stmt.name), unknown)
