"""Frontend stage: unions (`A | B`, `Union[A, B]`) and their discriminators, for both frontends.

Builds `UnionOf` the way typing and pydantic see a union: nested unions flattened, repeated
arms dropped, `None` lifted out as `OptionalOf`. Reads `Annotated[A | B, Field(discriminator="k")]`
without running code. Whether a discriminator fits its arms is checked in lowering
(lower/unions.py), where both frontends' IR meets the models' fields.
"""

from __future__ import annotations

import libcst as cst

from dspygen.frontend import literals
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.ir import types as t

ANNOTATED = {"typing.Annotated", "typing_extensions.Annotated"}
FIELD = {"pydantic.Field", "pydantic.fields.Field"}


def union_of(arms: list[t.Type], optional: bool) -> t.Type:
    """The type of a union of `arms` (None left out; `optional` when it was there).

    As typing does, `Union[A, Union[B, C]]` is `Union[A, B, C]` and `Union[A, A]` is `A`;
    an arm that is itself Optional makes the whole union Optional. A discriminated union
    stays one arm: its discriminator belongs to it.
    """
    flat: list[t.Type] = []
    for arm in arms:
        if isinstance(arm, t.OptionalOf):
            optional, arm = True, arm.inner
        inner = arm.arms if isinstance(arm, t.UnionOf) and arm.discriminator is None else (arm,)
        flat.extend(a for a in inner if a not in flat)
    core = flat[0] if len(flat) == 1 else t.UnionOf(tuple(flat))
    return t.optional(core) if optional else core


def discriminate(ty: t.Type, discriminator: str) -> t.Type | None:
    """`ty` with `Field(discriminator=...)` applied: to a union, or the union inside an Optional.
    None when `ty` is no union (pydantic refuses a discriminator there too)."""
    if isinstance(ty, t.OptionalOf):
        inner = discriminate(ty.inner, discriminator)
        return None if inner is None else t.OptionalOf(inner)
    if isinstance(ty, t.UnionOf):
        return t.UnionOf(ty.arms, discriminator)
    return None


def discriminator_of(
    args: list[cst.BaseExpression], index: Index, module: SourceModule
) -> tuple[cst.BaseExpression, str] | None:
    """`Annotated[X, Field(discriminator="k")]` (args of the subscript): X and "k".

    None for any other metadata, which the caller reports or reads itself."""
    if len(args) != 2 or not isinstance(args[1], cst.Call):
        return None
    call = args[1]
    if index.symbol(module, call.func) not in FIELD or len(call.args) != 1:
        return None
    arg = call.args[0]
    if arg.keyword is None or arg.keyword.value != "discriminator":
        return None
    name = literals.string(arg.value)
    return None if name is None else (args[0], name)
