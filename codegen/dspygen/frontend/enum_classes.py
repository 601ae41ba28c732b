"""Frontend stage: Enum classes -> IR enums.

Members are read from string or int literals and from `auto()`, whose values are computed as
Python computes them for the Enum's kind: the member's name in lower case for a `StrEnum`,
else one more than the largest int so far (1 first), as a string for a `str` mixin. An Enum
that overrides `_generate_next_value_`, and other computed values, would need the code run.
"""

from __future__ import annotations

import libcst as cst

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import literals
from dspygen.frontend.class_syntax import assignments, decl_id, int64
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.frontend.static_types import text
from dspygen.ir import nodes

AUTO = frozenset({"enum.auto"})
STR_ENUM = frozenset({"enum.StrEnum"})
STR_MIXIN = frozenset({"builtins.str"})
INT_SUBCLASS = frozenset({"enum.IntEnum", "enum.IntFlag", "builtins.int"})


def next_value(last_values: list[str | int]) -> int:
    """`Enum._generate_next_value_`: 1 first, then one more than the largest int so far (the
    last int written, where Python 3.11 meets a string it cannot add to)."""
    ints = [v for v in last_values if isinstance(v, int)]
    if not ints:
        return 1
    if len(ints) == len(last_values):
        return max(ints) + 1
    return ints[-1] + 1


class EnumClasses:
    """The Enum part of a ClassReader: an Enum needs no other class read."""

    def __init__(self, index: Index, sink: Sink) -> None:
        self.index = index
        self.sink = sink

    def read_enum(self, module: SourceModule, qualname: str, node: cst.ClassDef) -> nodes.Enum:
        members = []
        kind = self._auto_kind(module, node)
        raw: list[str | int] = []  # the values as written (auto's ints before the str mixin)
        for small in assignments(node):
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target = small.targets[0].target
            if not isinstance(target, cst.Name) or target.value.startswith("_"):
                continue
            text_value = literals.string(small.value)
            value = text_value if text_value is not None else int64(small.value)
            auto = isinstance(small.value, cst.Call) and self.index.symbol(module, small.value.func) in AUTO
            if auto and kind is not None:
                number = next_value(raw)
                raw.append(number)
                value = target.value.lower() if kind == "name" else str(number) if kind == "str" else number
            elif value is not None:
                raw.append(value)
            if value is None:
                self.sink.error(
                    Code.ENUM_VALUE,
                    f"the value of the member `{target.value}` of `{qualname}` is "
                    + (
                        "computed by `auto()` through the class's own `_generate_next_value_`"
                        if auto
                        else f"`{text(small.value)}`, not a string or int literal"
                    ),
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
        bases = {self.index.symbol(module, arg.value) for arg in node.bases}
        return nodes.Enum(
            ident,
            node.name.value,
            module.module,
            qualname,
            node.get_docstring(),
            tuple(members),
            module.span(node),
            int_subclass=bool(bases & INT_SUBCLASS),
        )

    def _auto_kind(self, module: SourceModule, node: cst.ClassDef) -> str | None:
        """How `auto()` computes values here: "name" (StrEnum), "str" (a str mixin: the int's
        text), "int"; None when the class overrides `_generate_next_value_` (code to run)."""
        for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == "_generate_next_value_":
                return None
        bases = {self.index.symbol(module, arg.value) for arg in node.bases}
        if bases & STR_ENUM:
            return "name"
        return "str" if bases & STR_MIXIN else "int"
