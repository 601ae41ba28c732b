"""Frontend stage: which statements of a file the walks after class reading need to enter.

The walks for string signatures, unbound transforms and classes defined in functions look at
a few kinds of node anywhere in a file, and libcst's visitor costs about 15 µs a node: on real
code (long function bodies, no declarations) they took more than parsing did. Python's own
parser finds the lines of those nodes at C speed; a walk then enters only the statements whose
lines hold one (`walk`), so it meets the same nodes in the same enclosing classes, functions
and assignments as a walk over everything, and skips the rest.

The lines only narrow: every node a walk looks for is on a line listed here, and when the two
parsers could disagree on lines (a file Python 3.11 cannot parse, a lone carriage return) the
walk enters everything, as before.
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass

import libcst as cst

from dspygen.frontend import dspy_rules as rules
from dspygen.frontend.resolve import SourceModule, python_tree


@dataclass(frozen=True)
class Sites:
    """The lines (from 1) that hold each kind of node the walks look for."""

    string_calls: frozenset[int]  # a call given a string literal first, or as `signature=`
    transform_calls: frozenset[int]  # `x.append(...)`, `x.with_instructions(...)`, ... (SIGNATURE_METHODS)
    local_classes: frozenset[int]  # a class statement inside a function


def of(module: SourceModule) -> Sites | None:
    """The sites of `module`, found once; None when a walk must enter everything."""
    if "call_sites" not in module.memo:
        bound = frozenset(module.classes) | frozenset(module.imports)
        module.memo["call_sites"] = _find(module.text, bound, module.python)
    found = module.memo["call_sites"]
    return found if isinstance(found, Sites) else None


def _find(text: str, bound: frozenset[str], tree: ast.Module | None = None) -> Sites | None:
    """The sites of `text`, whose module binds the names `bound` by import or class statements:
    the only names `Index.symbol` resolves to something a walk reports (builtins never are),
    with those a function's own imports bind (local_imports.py), met on the way."""
    if "\r" in text:  # libcst breaks lines at a lone \r; leave such files to the full walk
        return None
    if tree is None:
        tree = python_tree(text)
    if tree is None:
        return None  # syntax newer than this Python's (libcst reads it): walk everything
    strings: list[tuple[int, str | None, bool]] = []
    transforms: list[tuple[int, str | None]] = []
    local: set[int] = set()
    imported: set[str] = set()  # by imports inside functions
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, in_function = stack.pop()
        if isinstance(node, ast.Call):
            if _string_call(node):
                strings.append((node.lineno, _root(node.func), _dspy_like(node.func)))
            if _transform_call(node):
                transforms.append((node.lineno, _root(_transformed(node.func))))
        elif isinstance(node, ast.ClassDef) and in_function:
            local.add(node.lineno)
        elif isinstance(node, ast.Import | ast.ImportFrom) and in_function:
            imported.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        stack.extend((child, inside) for child in ast.iter_child_nodes(node))
    names = bound | imported
    return Sites(
        frozenset(line for line, root, dspy_like in strings if dspy_like or root in names),
        frozenset(line for line, root in transforms if root in names),
        frozenset(local),
    )


def _dspy_like(func: ast.expr) -> bool:
    """Whether a call is spelled like one taking a string signature (`self._dspy.Predict`): the
    walk looks at it even where nothing binds its name, to say it cannot tell (string_signatures.py)."""
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return last in rules.STRING_SIGNATURE_NAMES


def _root(node: ast.expr) -> str | None:
    """The name a dotted name starts with (`dspy` of `dspy.Predict`); None for anything else."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _transform_call(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in rules.SIGNATURE_METHODS


def _transformed(method: ast.expr) -> ast.expr:
    """What derived.py's walk resolves for a transform `method` (`QA.append`): the start of its
    chain of transforms (`QA` of `QA.append(...).delete`), or the function a builder call calls."""
    assert isinstance(method, ast.Attribute)
    receiver = method.value
    while (
        isinstance(receiver, ast.Call)
        and isinstance(receiver.func, ast.Attribute)
        and receiver.func.attr in rules.SIGNATURE_METHODS
    ):
        receiver = receiver.func.value
    return receiver.func if isinstance(receiver, ast.Call) else receiver


def _is_string(node: ast.expr) -> bool:
    if isinstance(node, ast.Starred):
        node = node.value
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str | bytes))


def _string_call(call: ast.Call) -> bool:
    """What string_signatures.py's `_signature_arg` takes: the first argument when it has no
    keyword (libcst counts `*x` and `**x` as arguments too), or `signature=`."""
    first = call.args[0] if call.args else None
    if first is not None and _is_string(first):
        return True
    if first is None and call.keywords and call.keywords[0].arg is None and _is_string(call.keywords[0].value):
        return True  # `f(**"...")`: never valid, but libcst's walk would look at it
    return any(k.arg == "signature" and _is_string(k.value) for k in call.keywords)


class Walker(cst.CSTVisitor):
    """A visitor that `walk` runs over a file entering only the statements whose lines hold a
    site. A block's statements tile its lines: each runs from its first line (its first
    decorator's, for a decorated class or function) to the next one's, the last to the end of
    what holds the block; so a site on a line of a statement is in that statement's range."""

    _lines: list[int] | None = None

    def walk(self, module: SourceModule, lines: frozenset[int] | None) -> None:
        """`module.tree.visit(self)`, entering only the statements that span one of `lines`
        (every statement when `lines` is None)."""
        if lines is not None and not lines:
            return
        self._module, self._lines = module, None if lines is None else sorted(lines)
        self._ranges: dict[cst.CSTNode, tuple[int, int]] = {}
        self._skipped: set[cst.CSTNode] = set()
        self._ends: list[int] = []
        try:
            module.tree.visit(self)
        finally:
            self._lines = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._lines is not None:
            if isinstance(node, cst.Module | cst.IndentedBlock):
                self._tile(node)
            span = self._ranges.get(node)
            if span is not None:
                if not self._holds(span):
                    self._skipped.add(node)
                    return False
                self._module.starts.prepare(node)
                self._ends.append(span[1])
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self._lines is not None:
            if original_node in self._skipped:
                self._skipped.discard(original_node)
                return
            if original_node in self._ranges:
                self._ends.pop()
        super().on_leave(original_node)

    def _tile(self, block: cst.Module | cst.IndentedBlock) -> None:
        body = list(block.body)
        firsts = [self._first_line(stmt) for stmt in body]
        if None in firsts:
            return  # a statement without a known start: the block's statements are all entered
        lines = [line for line in firsts if line is not None]
        end = self._ends[-1] if self._ends else 1 << 62
        for i, stmt in enumerate(body):
            self._ranges[stmt] = (lines[i], lines[i + 1] if i + 1 < len(body) else end)

    def _first_line(self, stmt: cst.CSTNode) -> int | None:
        starts = self._module.starts
        top = starts.first_line(stmt)  # a top-level statement: known without placing its nodes
        if top is not None:
            return top
        if stmt not in starts:
            return None
        line = starts[stmt][0]
        for decorator in getattr(stmt, "decorators", ()):
            line = min(line, starts[decorator][0]) if decorator in starts else line
        return line

    def _holds(self, span: tuple[int, int]) -> bool:
        assert self._lines is not None
        at = bisect.bisect_left(self._lines, span[0])
        return at < len(self._lines) and self._lines[at] < span[1]
