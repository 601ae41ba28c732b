"""Frontend stage: a class attribute read as a static string (`alias=Keys.INPUT`).

Real code keeps its JSON keys in one place, as the members of a str Enum (`class Keys(StrEnum)`,
`class Keys(str, Enum)`) or as plain class attributes (`class Keys: INPUT = "input"`), and
writes `Field(alias=Keys.INPUT)`. pydantic takes such a value as the str it is: a member of a
str Enum is a str holding its value. A member of an Enum that is no str is not a string at all.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from dspygen.diagnostics import Sink
from dspygen.frontend import literals
from dspygen.frontend.class_syntax import assignments, target_name
from dspygen.frontend.enum_classes import INT_SUBCLASS, STR_ENUM, STR_MIXIN, EnumClasses
from dspygen.frontend.resolve import Index, SourceModule

# An Enum's own bases: a class deriving from one of them holds members, not plain attributes.
ENUM_BASES = frozenset({"enum.Enum", "enum.IntEnum", "enum.Flag", "enum.IntFlag"}) | STR_ENUM | INT_SUBCLASS


def static_string(
    index: Index, module: SourceModule, node: cst.BaseExpression, local: Mapping[str, str] | None = None
) -> str | None:
    """The str a key argument is, as pydantic takes it: a string literal, a module-level constant
    (Index.constant), or a class attribute (`string`); None when only running code tells."""
    text = literals.string(node)
    text = index.constant(module, node) if text is None else text
    return string(index, module, node, local) if text is None else text


def string(
    index: Index, module: SourceModule, node: cst.BaseExpression, local: Mapping[str, str] | None = None
) -> str | None:
    """The str `Owner.NAME` is, for a class of the set: a str Enum's member value, or a plain
    class's attribute assigned a string literal once; None for anything else."""
    if not isinstance(node, cst.Attribute) or not isinstance(node.value, cst.Name | cst.Attribute):
        return None
    owner = index.symbol(module, node.value, local)
    found = index.class_of(owner) if owner is not None else None
    if found is None:
        return None
    where, qualname = found
    cls = where.classes[qualname]
    bases = {index.symbol(where, arg.value) for arg in cls.bases}
    name = node.attr.value
    if bases & (STR_ENUM | STR_MIXIN):
        # The members as the Enum reader works them out (`auto()` too); its diagnostics belong
        # to the Enum's own reading, not to this use.
        members = EnumClasses(index, Sink()).read_enum(where, qualname, cls).members
        return next((m.value for m in members if m.name == name and isinstance(m.value, str)), None)
    if bases & ENUM_BASES:
        return None  # a member of an Enum that is no str: not a string
    values = [
        small.value
        for small in assignments(cls)
        if (isinstance(small, cst.Assign) and target_name(small) == name)
        or (isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == name)
    ]
    return literals.string(values[0]) if len(values) == 1 and values[0] is not None else None
