"""Frontend stage: the names functions bind by `import` statements of their own.

Real code imports dspy inside the function that uses it (`import dspy` in a method that builds
a signature class or calls `dspy.Predict("question -> answer")`), to keep the module cheap to
import. The walks that look inside functions resolve names through these bindings first, as
Python does: a function's own import shadows the module's name. Read from Python's tree of the
file; a file Python cannot parse binds nothing here (its walks resolve at module level only).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from dspygen.frontend.resolve import SourceModule, import_source


@dataclass(frozen=True)
class _Scope:
    """A function's lines (from its `def` to its last) and the names its imports bind."""

    first: int
    last: int
    names: dict[str, str]


def at(module: SourceModule, line: int) -> dict[str, str]:
    """The import bindings of the functions enclosing `line`, the innermost winning: each name
    to the dotted name it stands for (`dspy` -> "dspy", `S` of `from dspy import Signature as
    S` -> "dspy.Signature", relative imports made absolute in the module's package)."""
    found: dict[str, str] = {}
    for scope in _scopes(module):  # outer functions first: nested ones start later
        if scope.first <= line <= scope.last:
            found.update(scope.names)
    return found


def any_in(module: SourceModule) -> bool:
    """Whether some function of the module imports anything."""
    return bool(_scopes(module))


def _scopes(module: SourceModule) -> tuple[_Scope, ...]:
    if "local_imports" not in module.memo:
        scopes: list[_Scope] = []
        if module.python is not None:
            functions = [n for n in ast.walk(module.python) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
            for function in sorted(functions, key=lambda f: f.lineno):
                names: dict[str, str] = {}
                for node in _own_statements(function):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        names.update(_bindings(node, module.package))
                if names:
                    scopes.append(_Scope(function.lineno, function.end_lineno or function.lineno, names))
        module.memo["local_imports"] = tuple(scopes)
    found = module.memo["local_imports"]
    assert isinstance(found, tuple)
    return found


def _own_statements(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The statements of `function`'s body at any depth (if / try / with / loops), not those of
    the functions and classes it defines: they have scopes of their own."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        out.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))
            stack.extend(h for h in getattr(node, "handlers", ()) if isinstance(h, ast.ExceptHandler))
    return out


def _bindings(node: ast.Import | ast.ImportFrom, package: str) -> dict[str, str]:
    """What one import statement binds, as resolve.py's module-level index records it."""
    names: dict[str, str] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname is not None:
                names[alias.asname] = alias.name
            else:
                head = alias.name.split(".")[0]
                names[head] = head
        return names
    source = import_source(package, node.level, node.module or "")
    for alias in node.names:
        if alias.name != "*":
            names[alias.asname or alias.name] = f"{source}.{alias.name}" if source else alias.name
    return names
