"""Frontend stage: the type parameters of a generic model, read from source.

`class Page(BaseModel, Generic[T])` (T a module-level `TypeVar("T")`) and the PEP 695
`class Page[T](BaseModel)` both declare the parameter `T`. A parameter dspygen can
substitute faithfully is a plain one; a bound, constraints or a default change what
pydantic does where no argument is given, so they are reported where that happens.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from dspygen.frontend.resolve import Index, SourceModule

GENERIC = frozenset({"typing.Generic", "typing_extensions.Generic"})
TYPEVAR = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})
# TypeVar keywords that change nothing pydantic validates or writes.
HARMLESS = frozenset({"covariant", "contravariant", "infer_variance"})


@dataclass(frozen=True)
class TypeParam:
    name: str
    node: cst.CSTNode  # where it is declared or listed, for diagnostics
    # What pydantic would use for it without an argument, when that is not `Any`:
    # "bound", "constraints", "default", or "" (a plain parameter: `Any`).
    extra: str = ""
    supported: bool = True  # False for `*Ts` and `**P`


def type_params(index: Index, module: SourceModule, node: cst.ClassDef) -> list[TypeParam] | None:
    """The parameters of `node` in order, or None when it declares none."""
    if node.type_parameters is not None:
        return [_pep695(p) for p in node.type_parameters.params]
    for arg in node.bases:
        value = arg.value
        if isinstance(value, cst.Subscript) and index.symbol(module, value.value) in GENERIC:
            return [_listed(index, module, e) for e in value.slice]
    return None


def _pep695(param: cst.TypeParam) -> TypeParam:
    inner = param.param
    if not isinstance(inner, cst.TypeVar):
        return TypeParam(inner.name.value, param, supported=False)
    extra = "bound" if inner.bound is not None else ""
    if getattr(param, "default", None) is not None:
        extra = "default"
    return TypeParam(inner.name.value, param, extra)


def _listed(index: Index, module: SourceModule, element: cst.SubscriptElement) -> TypeParam:
    """One argument of `Generic[...]`: a name bound to a `TypeVar(...)` call."""
    value = element.slice.value if isinstance(element.slice, cst.Index) else None
    if not isinstance(value, cst.Name):
        return TypeParam("", element, supported=False)
    home, call = module, module.variables.get(value.value)
    if call is None and value.value in module.imports:  # `from .types import T`
        found = index.locate(index.symbol(module, value) or "", module)
        if found is not None:
            home, call = found[0], found[0].variables.get(found[1])
    if not isinstance(call, cst.Call) or index.symbol(home, call.func) not in TYPEVAR:
        return TypeParam(value.value, element, supported=False)
    extra = ""
    if sum(1 for a in call.args if a.keyword is None and a.star == "") > 1:
        extra = "constraints"
    for arg in call.args:
        key = arg.keyword.value if arg.keyword is not None else ""
        if key and key not in HARMLESS:  # bound=, default=, or one dspygen does not know
            extra = key
    return TypeParam(value.value, element, extra)
