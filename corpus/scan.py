"""A cheap AST scan: which files of a package hold signatures or models, and their line ranges.

It decides what the corpus measures, independently of dspygen: a class is a signature when a
base names `Signature` (`dspy.Signature`, `from dspy import Signature`) or, transitively, a
signature class of the same package; a model when a base names `BaseModel` or `RootModel`
(`pydantic.BaseModel`, `RootModel[...]`) or a model class of the package. A string signature is
a string literal holding `->` given to one of the calls DSPy takes them in, wherever it stands.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from pathlib import Path

MAX_SOURCE = 2 * 2**20  # bytes; a larger .py file is generated data, not a declaration file
SIGNATURE_ROOTS = frozenset({"Signature"})
MODEL_ROOTS = frozenset({"BaseModel", "RootModel"})
STRING_SIGNATURE_CALLS = frozenset(
    {
        "Signature",
        "Predict",
        "ChainOfThought",
        "ReAct",
        "ProgramOfThought",
        "CodeAct",
        "make_signature",
        "ensure_signature",
    }
)

SIGNATURE, STRING_SIGNATURE, MODEL = "signature", "string signature", "model"
KINDS = (SIGNATURE, STRING_SIGNATURE, MODEL)


@dataclass(frozen=True)
class Declaration:
    kind: str
    name: str
    line: int  # first line (a decorator's, for a class)
    end: int  # last line
    scope: str = "module"  # "module", "block" (under a module-level if/try/...), "class" or "function"
    base_elsewhere: bool = False  # a class that reaches its root only through a class of another file

    def contains(self, line: int) -> bool:
        return self.line <= line <= self.end


def _parse(path: Path) -> ast.Module | None:
    try:
        if path.stat().st_size > MAX_SOURCE:
            return None
        with warnings.catch_warnings():  # invalid escape sequences in their strings are theirs
            warnings.simplefilter("ignore")
            return ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _base_name(node: ast.expr) -> str | None:
    """`dspy.Signature` -> Signature, `RootModel[list[X]]` -> RootModel, `Generic[T]` -> Generic."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _classes(tree: ast.Module) -> list[ast.ClassDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]


def _string_signature(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if name not in STRING_SIGNATURE_CALLS:
        return None
    candidates = node.args[:1] + [k.value for k in node.keywords if k.arg == "signature"]
    for arg in candidates:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "->" in arg.value:
            return arg.value
    return None


@dataclass
class Scan:
    """The declarations of each file of one package (relative POSIX path -> declarations)."""

    files: dict[str, list[Declaration]]
    python_files: int
    unparsable: int


def scan(root: Path) -> Scan:
    paths = sorted(p for p in root.rglob("*.py") if p.is_file() and not p.is_symlink())
    trees: dict[str, ast.Module] = {}
    unparsable = 0
    for path in paths:
        tree = _parse(path)
        if tree is None:
            unparsable += 1
        else:
            trees[path.relative_to(root).as_posix()] = tree
    # Kinds by class name across the package, to a fixed point: a base class may sit in
    # another module, and the order of files says nothing.
    signatures, models = set(SIGNATURE_ROOTS), set(MODEL_ROOTS)
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for cls in _classes(tree):
                bases = {_base_name(b) for b in cls.bases}
                if cls.name not in signatures and bases & signatures:
                    signatures.add(cls.name)
                    changed = True
                elif cls.name not in models and cls.name not in signatures and bases & models:
                    models.add(cls.name)
                    changed = True
    files: dict[str, list[Declaration]] = {}
    for rel, tree in trees.items():
        found = _declarations(tree, "module", signatures, models, _grounded(tree))
        if found:
            files[rel] = sorted(found, key=lambda d: (d.line, d.end, d.kind, d.name))
    return Scan(files, len(paths), unparsable)


def _grounded(tree: ast.Module) -> set[str]:
    """The classes of one file that reach Signature, BaseModel or RootModel through classes of
    this file alone; a declaration that does not depends on another file for its base."""
    grounded = set(SIGNATURE_ROOTS | MODEL_ROOTS)
    classes = _classes(tree)
    changed = True
    while changed:
        changed = False
        for cls in classes:
            if cls.name not in grounded and {_base_name(b) for b in cls.bases} & grounded:
                grounded.add(cls.name)
                changed = True
    return grounded


def _declarations(
    node: ast.AST, scope: str, signatures: set[str], models: set[str], grounded: set[str]
) -> list[Declaration]:
    """The declarations under NODE, each with the kind of scope it stands in."""
    found: list[Declaration] = []
    for child in ast.iter_child_nodes(node):
        inner = scope
        if isinstance(child, ast.ClassDef):
            bases = {_base_name(b) for b in child.bases}
            kind = SIGNATURE if bases & signatures else MODEL if bases & models else None
            if kind is not None:
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                elsewhere = not bases & grounded
                found.append(Declaration(kind, child.name, first, child.end_lineno or child.lineno, scope, elsewhere))
            inner = "class" if scope == "module" else scope
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inner = "function"
        elif isinstance(child, (ast.If, ast.Try, ast.With, ast.For, ast.While)) and scope == "module":
            inner = "block"  # `if dspy is not None:`, `try: ... except ImportError:`
        elif isinstance(child, ast.Call) and (text := _string_signature(child)) is not None:
            found.append(Declaration(STRING_SIGNATURE, text, child.lineno, child.end_lineno or child.lineno, scope))
        found += _declarations(child, inner, signatures, models, grounded)
    return found
