"""Frontend stage: where each node of a parsed file starts, for diagnostics' `line:col`.

libcst's PositionProvider gives the same starts (tests/unit/test_positions.py compares every
node of every file in the repository), but records a whole range per node through frozen
dataclasses and a generator-based context manager: about twice the cost of parsing the file.
Spans need only the start, so this is libcst's codegen with a state that records just that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import TracebackType

import libcst as cst
from libcst._nodes.internal import CodegenState

Start = tuple[int, int]  # line (from 1), column (from 0)

_NEWLINE = re.compile(r"\r\n?|\n")  # what libcst counts as a line break


def starts(module: cst.Module) -> dict[cst.CSTNode, Start]:
    """The start of every node of `module`, as libcst's PositionProvider places it."""
    state = _StartState(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    return state.starts


@dataclass
class _StartState(CodegenState):
    starts: dict[cst.CSTNode, Start] = field(default_factory=dict)
    line: int = 1
    column: int = 0
    stack: list[Start] = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        # The code itself is not needed, only where it has got to.
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def pop_trailing_newline(self) -> None:
        pass  # no tokens are kept, and the end of the file starts no node

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.stack.pop()
        # A syntactic start (recorded below, without the node's own leading whitespace) wins.
        self.starts.setdefault(node, start)

    def record_syntactic_position(  # type: ignore[override]  # a plain context manager, not a generator
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node)


class _Syntactic:
    __slots__ = ("node", "start", "start_node", "state")

    def __init__(self, state: _StartState, node: cst.CSTNode, start_node: cst.CSTNode | None) -> None:
        self.state, self.node, self.start_node = state, node, start_node
        self.start = (0, 0)

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        starts = self.state.starts
        starts[self.node] = starts[self.start_node] if self.start_node is not None else self.start
