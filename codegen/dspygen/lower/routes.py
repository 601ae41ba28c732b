"""Lowering stage: which route a model takes into Python, built directly or validated by pydantic.

A model is built directly (pydantic's `model_construct`, runtime `construct.rs`) when Rust holds
every field exactly as pydantic stores it after validating the dict Rust would give it: str,
int, float and bool, an Enum member, a string Literal, a nested model (an instance of its class,
whatever its own route; not a generic model's instantiation), and `Optional`s, lists and
str-keyed dicts of those; and when pydantic would run nothing of its own: no validator, no
`extra="allow"` (extras), not a RootModel.
Anything else (constraints and the `str_*` settings, which Rust cannot promise a hand-built value
meets; tuples and sets, which pydantic converts; unions; the other scalars) is validated by
`model_validate`: once for a tree of validated models, the outermost validating the data of
those inside it (not under `strict`, which takes nested models only as instances). The runtime
checks the live class once more before building (a class edited after generation is validated);
tests/types/test_every_model_differential.py proves every route gives what validating each model
alone gives. Imports nothing from later stages.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower.literals import rust_str

_AS_STORED = frozenset({"str", "int", "float", "bool"})


@dataclass(frozen=True)
class Route:
    construct: bool
    doc: str  # the line the model's docs say it with
    new: str = ""  # the runtime `ModelRoute` expression, when built directly
    # Validated: with the outermost validated model holding it, in one validation (runtime
    # `validated_tree`), or alone (`strict`: pydantic's strict mode takes nested models as instances).
    nests: bool = True


def route(model: nodes.Model, keys: list[str], generic: Set[str] = frozenset()) -> Route:
    """The route of `model`; `keys` the keys of the dict `model_validate` is given, per field;
    `generic` the ids of the models that are instantiations of a generic model."""
    why = _why_validated(model, generic)
    if why and model.strict:
        return Route(False, f"Into Python: validated alone by `model_validate` (strict), as {why}.", nests=False)
    if why:
        return Route(
            False,
            f"Into Python: validated by `model_validate` (inside another validated model, in its one"
            f" validation), as {why}.",
        )
    names = ", ".join(rust_str(f.name) for f in model.fields)
    keyed = ", ".join(keys)
    return Route(
        True,
        "Into Python: built without validating again (`model_construct`), as Rust holds every field"
        " as pydantic stores it and pydantic runs no validator here; `model_validate` if the live"
        " class has changed since.",
        f"::dspygen_runtime::ModelRoute::new(&[{names}], &[{keyed}])",
    )


def _why_validated(model: nodes.Model, generic: Set[str]) -> str:
    if model.root:
        return "a RootModel"
    if model.validated:
        return "pydantic validators run on it"
    if model.extra == "allow":
        return 'extra="allow" keeps its extras'
    for field in model.fields:
        if not _as_stored(field.type, generic):
            return f"pydantic converts or checks `{field.name}` ({t.shown(field.type)})"
    return ""


def _as_stored(ty: t.Type, generic: Set[str]) -> bool:
    """Whether the Python value Rust gives for `ty` is the one pydantic would store."""
    if isinstance(ty, t.Primitive):
        return ty.name in _AS_STORED
    if isinstance(ty, t.OptionalOf):
        return _as_stored(ty.inner, generic)
    if isinstance(ty, t.ListOf):
        return _as_stored(ty.item, generic)
    if isinstance(ty, t.DictOf):
        return ty.key == t.STR and _as_stored(ty.value, generic)
    if isinstance(ty, t.LiteralOf):
        return all(isinstance(v, str) for v in ty.values)
    # An Enum (its member) or a model (an instance of its class). Not an instantiation of a generic
    # model: the class Rust builds (`Page[None]`) need not be the one pydantic made for the field
    # (`Page[NoneType]`), which validation would then build from it.
    return isinstance(ty, t.Named) and ty.ref not in generic
