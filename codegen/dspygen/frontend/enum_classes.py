"""Frontend stage: Enum classes -> IR enums.

Only members written out as string or int literals are read; `auto()` and computed
values would need the code run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from dspygen.diagnostics import Code
from dspygen.frontend.class_syntax import assignments, decl_id, integer, string
from dspygen.frontend.resolve import SourceModule
from dspygen.frontend.static_types import text
from dspygen.ir import nodes

if TYPE_CHECKING:
    from dspygen.frontend.classes import ClassReader

AUTO = frozenset({"enum.auto"})


class EnumClasses:
    """The Enum part of a ClassReader: results go to `reader.enums`."""

    def __init__(self, reader: ClassReader) -> None:
        self.reader = reader
        self.index = reader.index
        self.sink = reader.sink

    def read_enum(self, module: SourceModule, qualname: str, node: cst.ClassDef) -> None:
        members = []
        for small in assignments(node):
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target = small.targets[0].target
            if not isinstance(target, cst.Name) or target.value.startswith("_"):
                continue
            text_value = string(small.value)
            value = text_value if text_value is not None else integer(small.value)
            if value is None:
                auto = isinstance(small.value, cst.Call) and self.index.symbol(module, small.value.func) in AUTO
                self.sink.error(
                    Code.ENUM_VALUE,
                    f"the value of the member `{target.value}` of `{qualname}` is "
                    + ("computed by `auto()`" if auto else f"`{text(small.value)}`, not a string or int literal"),
                    module.span(small.value),
                    hint=f'write the value out: {target.value} = "{target.value.lower()}"' if auto else None,
                )
                continue
            members.append(nodes.EnumMember(target.value, value, module.span(target)))
        if len({type(m.value) for m in members}) > 1:
            self.sink.error(
                Code.ENUM_VALUE,
                f"the members of `{qualname}` mix string and int values, which is not supported yet",
                module.span(node.name),
                hint="give every member a string value, or every member an int value",
            )
        ident = decl_id(module, qualname)
        self.reader.enums[ident] = nodes.Enum(
            ident, node.name.value, module.module, qualname, node.get_docstring(), tuple(members), module.span(node)
        )
