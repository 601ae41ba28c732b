"""Frontend stage: where each node of a parsed file starts, for diagnostics' `line:col`.

libcst's PositionProvider gives the same starts (tests/unit/test_positions.py compares every
node of every file in the repository), but records a whole range per node through frozen
dataclasses and a generator-based context manager: about twice the cost of parsing the file.
Spans need only the start, so this is libcst's codegen with a state that records just that.
"""

from __future__ import annotations

import ast
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


class Starts:
    """The starts of a module's nodes, as `starts` gives them, worked out one top-level
    statement at a time and only when asked: a walk enters the statement, or a node inside it
    is asked for (a diagnostic's span: diagnostics.Span is placed when read). A file read
    without a diagnostic has none of its nodes placed.

    Where each top-level statement's text begins comes from Python's own parser (`ast`): its
    first token's line, less the comment and blank lines libcst keeps with it. A statement
    placed alone is checked against that plan (its first token where `ast` has it, its end
    where the next one begins); should anything disagree, every node is placed at once by
    `starts`: the answers are always its own."""

    def __init__(self, module: cst.Module, text: str, tree: ast.Module | None) -> None:
        self._module = module
        self._known: dict[cst.CSTNode, Start] = {}
        # per top-level statement: its first line, the line its text begins on, its line in `ast`
        self._plan = None if tree is None else _plan(module, text, tree)
        self._index: dict[cst.CSTNode, int] = {stmt: i for i, stmt in enumerate(module.body)}
        # The statements not placed yet, in file order (a dict: ordered, and quick to remove from).
        self._pending: dict[cst.CSTNode, None] = dict.fromkeys(module.body)
        self._everything = False  # every node placed by `starts`

    def get(self, node: cst.CSTNode) -> Start | None:
        found = self._known.get(node)
        if found is not None or self._everything:
            return found
        if self._plan is None:
            self._place_everything()
            return self._known.get(node)
        # Which statement holds the node is not known without walking: they are placed in
        # order until it is found (at most every statement once, as placing all at once would).
        for stmt in list(self._pending):
            if not self._place(stmt) or node in self._known:
                return self._known.get(node)
        self._place_everything()  # the module itself, its header and footer: in no statement
        return self._known.get(node)

    def __getitem__(self, node: cst.CSTNode) -> Start:
        found = self.get(node)
        if found is None:
            raise KeyError(node)
        return found

    def __contains__(self, node: object) -> bool:
        return isinstance(node, cst.CSTNode) and self.get(node) is not None

    def first_line(self, stmt: cst.CSTNode) -> int | None:
        """The first line of a top-level statement (its first decorator's), placed or not."""
        index = self._index.get(stmt)
        return None if self._plan is None or index is None else self._plan[index][0]

    def prepare(self, stmt: cst.CSTNode) -> None:
        """Place the nodes of a top-level statement now (a walk enters it)."""
        if stmt in self._pending and not self._everything:
            if self._plan is None:
                self._place_everything()
            else:
                self._place(stmt)

    def _place_everything(self) -> None:
        self._known, self._plan, self._everything = starts(self._module), None, True
        self._pending.clear()

    def _place(self, stmt: cst.CSTNode) -> bool:
        """Place a top-level statement alone; on any disagreement with the plan, every node."""
        assert self._plan is not None
        module, index = self._module, self._index[stmt]
        _, begins, line = self._plan[index]
        state = _StartState(default_indent=module.default_indent, default_newline=module.default_newline)
        state.line = begins
        stmt._codegen(state)
        ends = self._plan[index + 1][1] if index + 1 < len(self._plan) else None
        token = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) else stmt
        if state.starts.get(token, (0, 0))[0] != line or (ends is not None and (state.line, state.column) != (ends, 0)):
            self._place_everything()
            return False
        del self._pending[stmt]
        self._known.update(state.starts)
        return True


def _plan(module: cst.Module, text: str, tree: ast.Module) -> list[tuple[int, int, int]] | None:
    """Per top-level statement: its first line (its first decorator's), the line its text
    (with the comment and blank lines before it) begins on, and the line `ast` gives it; None
    when the two parsers may count lines apart or do not pair the statements up."""
    if "\r" in text or "\f" in text or "\v" in text:
        return None
    statements = iter(tree.body)
    plan = []
    for stmt in module.body:
        count = len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
        paired = [next(statements, None) for _ in range(count)]
        first = paired[0]
        if first is None or paired[-1] is None:
            return None
        decorators = getattr(stmt, "decorators", ())
        found = getattr(first, "decorator_list", [])
        if len(found) != len(decorators):
            return None
        top = found[0].lineno if found else first.lineno
        before = len(stmt.leading_lines) + (len(decorators[0].leading_lines) if decorators else 0)
        plan.append((top, top - before, first.lineno))
    return plan if next(statements, None) is None else None
