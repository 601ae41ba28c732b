"""Frontend stage: what the class sub-readers ask of the ClassReader they are part of.

frontend/classes.py dispatches each class by kind to frontend/enum_classes.py,
frontend/model_classes.py (with frontend/generic_models.py) and frontend/signature_classes.py.
They see the reader through `Reader` only, so they never import classes.py (no import cycle),
and return what they read, which the reader records.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

import libcst as cst

from dspygen.diagnostics import Sink
from dspygen.frontend import aliases
from dspygen.frontend.model_config import Extra
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.ir import nodes
from dspygen.ir import types as t

Kind = Literal["signature", "model", "enum"]


@dataclass
class ModelSettings:
    """A model's settings as read, which its subclasses inherit."""

    extra: Extra
    scalars: dict[str, object]  # `str_*`, `allow_inf_nan`
    strict: bool
    names: aliases.NameSettings  # key settings
    raw_names: dict[str, aliases.RawNames]  # field -> aliases as written


@dataclass
class ModelRead:
    """What reading one model (or one instantiation of a generic model) gives."""

    model: nodes.Model
    settings: ModelSettings


class Reader(Protocol):
    """The ClassReader as its sub-readers see it: the tables read so far, and the questions
    that need the whole reader (a class's kind, its bases read first, a type's IR)."""

    @property
    def index(self) -> Index: ...

    @property
    def sink(self) -> Sink: ...

    @property
    def models(self) -> Mapping[str, nodes.Model]: ...

    @property
    def settings(self) -> Mapping[str, ModelSettings]: ...

    @property
    def signatures(self) -> Mapping[str, nodes.Signature]: ...

    @property
    def busy(self) -> Collection[str]: ...

    def kind_of(self, symbol: str) -> Kind | None: ...

    def base_decls(self, module: SourceModule, node: cst.ClassDef) -> list[str]: ...

    def type_of(self, module: SourceModule, expr: cst.BaseExpression) -> t.Type | None: ...

    # The names the body of the class being read binds to its nested classes (a default's `Status.OPEN`).
    def body_scope(self, module: SourceModule) -> Mapping[str, str] | None: ...

    # The `type` / TypeAliasType aliases the last `type_of` met (static_types.TypeContext).
    schema_aliases: tuple[str, ...]

    def is_classvar(self, module: SourceModule, annotation: cst.BaseExpression) -> bool: ...

    def unannotated(self, module: SourceModule, qualname: str, node: cst.Assign, hint: str | None) -> None: ...

    def generic_base(self, module: SourceModule, node: cst.ClassDef, qualname: str) -> nodes.Model | bool | None:
        """The instantiation a model derives from (frontend/generic_models.py)."""
        ...

    # A generic model's instantiation is read where a type names it, in the middle of reading
    # another class: its slot is reserved first and it is recorded at once, so these three write.

    def read_instance(self, module: SourceModule, qualname: str, instance: str) -> None:
        """Read and record the instantiation `instance` (`Page[Item]`) of the generic model `qualname`."""
        ...

    def record_model(self, model: nodes.Model) -> None: ...

    def forget_model(self, ident: str) -> None: ...
