"""The stage order holds in the imports, and the generator never imports dspy or pydantic."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "codegen" / "dspygen"

# Each stage may import only from its own layer or earlier ones.
ORDER = ["diagnostics", "ir", "frontend", "lower", "render", "format", "writer", "config", "pipeline", "cli"]
# Modules outside the pipeline proper, placed where they sit in it.
PLACED = {
    "merge": "writer",  # the writer's TOML merge
    "manifest": "writer",  # the format of the output folder's manifest, which fingerprint reads too
    "init": "config",  # `dspygen init` writes [tool.dspygen]
    "fingerprint": "config",  # the fast path of `check`, keyed by a target
    "mapping": "config",  # `types` in a target: user type mappings
    "trust": "config",  # which repositories' config may run their code (`dspygen trust`)
    "runtime_crate": "config",  # the runtime crate's copy beside the generated crates, keyed by targets
    "registry": "ir",  # the registry of scalar types: facts every stage reads, importing nothing
    "sources": "config",  # the files a command line names, and the default output
    "__init__": "diagnostics",  # the package marker imports nothing
    "limits": "diagnostics",  # constants every reading stage shares
    "workers": "pipeline",  # the targets of a run planned side by side, each through the pipeline
    "chunks": "render",  # where a render's top-level items begin, which the formatter reuses
    "format_cache": "format",  # the formatted items of each output file's last build
    "user_cache": "diagnostics",  # where the user's cache folder is: imports nothing
    "beside": "diagnostics",  # work run in a forked second process: imports nothing of dspygen
    "__main__": "cli",
}
FORBIDDEN = {"dspy", "pydantic", "pydantic_core", "litellm"}


def layer_of(module: str) -> str:
    """`dspygen.lower.naming` -> "lower"."""
    parts = module.split(".")
    assert parts[0] == "dspygen", module
    head = parts[1] if len(parts) > 1 else "__init__"
    head = PLACED.get(head, head)
    assert head in ORDER, f"{module}: put it in a layer (ORDER or PLACED in {__file__})"
    return head


def python_files() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20
    return files


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[str, int]]:
    """Every module imported anywhere in the file (functions and TYPE_CHECKING blocks too)."""
    return imports_of(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")


def imports_of(source: str, module: str, is_package: bool) -> list[tuple[str, int]]:
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            out.append((target, node.lineno))
            # `from dspygen import pipeline` imports the submodule `dspygen.pipeline`.
            if target == "dspygen":
                out.extend((f"dspygen.{alias.name}", node.lineno) for alias in node.names)
    return out


@pytest.mark.parametrize("path", python_files(), ids=lambda p: module_name(p))
def test_no_stage_imports_a_later_one(path: Path) -> None:
    own = layer_of(module_name(path))
    for target, line in imports(path):
        if not target.startswith("dspygen.") or target == "dspygen":
            continue
        other = layer_of(target)
        assert ORDER.index(other) <= ORDER.index(own), f"{path.name}:{line}: {own} imports {target} ({other})"


# Runs only in the subprocess of `--frontend import`, never in the dspygen process itself.
INTROSPECTION = {"dspygen.frontend.introspect"}
# Asks pydantic-core whether a `pattern=` compiles, lazily, only when a pattern is read: the
# oracle pydantic itself is (issue 17); never on the fast path (test_dspygen_check_never_loads_dspy).
ORACLES = {"dspygen.frontend.regex_rules": {"pydantic_core"}}


@pytest.mark.parametrize("path", python_files(), ids=lambda p: module_name(p))
def test_nothing_imports_dspy_or_pydantic(path: Path) -> None:
    if module_name(path) in INTROSPECTION:
        return
    allowed = ORACLES.get(module_name(path), set())
    for target, line in imports(path):
        head = target.split(".")[0]
        assert head not in FORBIDDEN or head in allowed, f"{path.name}:{line} imports {target}"


def test_frontend_and_ir_boundaries() -> None:
    for path in python_files():
        layer = layer_of(module_name(path))
        targets = {layer_of(t) for t, _ in imports(path) if t.startswith("dspygen.")}
        if layer == "frontend":
            assert not targets & {"lower", "render"}, path
        if layer == "ir":
            assert not targets & {"frontend", "lower"}, path


def violations(source: str, module: str) -> list[str]:
    own = layer_of(module)
    return [
        t
        for t, _ in imports_of(source, module, False)
        if t.startswith("dspygen.") and ORDER.index(layer_of(t)) > ORDER.index(own)
    ]


def test_the_checker_sees_violations() -> None:
    """The import reader itself: relative, lazy and `from dspygen import x` forms are all seen."""
    assert violations("from ..lower import naming\n", "dspygen.ir.fake") == ["dspygen.lower"]
    assert violations("def f():\n    from dspygen import pipeline\n", "dspygen.writer") == ["dspygen.pipeline"]
    assert violations("from . import nodes\nfrom dspygen.diagnostics import Sink\n", "dspygen.ir.fake") == []
    assert violations("if TYPE_CHECKING:\n    import dspygen.render.plan\n", "dspygen.frontend.x") == [
        "dspygen.render.plan"
    ]


CHECK_WITHOUT_DSPY = """
import runpy, sys
sys.argv = ["dspygen", "check"]
try:
    runpy.run_module("dspygen", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {forbidden!r})
print("LOADED", loaded)
sys.exit(code if not loaded else 99)
"""


def test_dspygen_check_never_loads_dspy() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        # pydantic-core (the pattern oracle, ORACLES) may load when the pipeline reads a pattern.
        [sys.executable, "-c", CHECK_WITHOUT_DSPY.format(forbidden=FORBIDDEN - {"pydantic_core"})],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "LOADED []" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert "up to date" in done.stdout


def test_dspygen_check_importtime_has_no_dspy() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dspygen", "check", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert "dspygen.cli" in imported
    assert not [m for m in imported if m.split(".")[0] in FORBIDDEN]


def test_only_the_subprocess_runs_introspection() -> None:
    """`--frontend import` runs introspect.py with `python -m`; nothing may import it in-process."""
    for path in python_files():
        for target, line in imports(path):
            assert target not in INTROSPECTION, f"{path.name}:{line} imports {target}"


def import_graph() -> dict[str, set[str]]:
    """Module -> the dspygen modules it imports (anywhere in the file, TYPE_CHECKING too)."""
    modules = {module_name(p): p for p in python_files()}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {target for target, _ in imports(path) if target in modules and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


# No cycle, TYPE_CHECKING imports included: a module that needs its caller sees it through a
# Protocol of a module both import (the class sub-readers see the ClassReader as
# frontend/class_reading.py's `Reader`, and return what they read).
KNOWN_CYCLES: list[list[str]] = []


def test_no_import_cycles_inside_a_stage() -> None:
    assert cycles(import_graph()) == KNOWN_CYCLES == []


def test_the_cycle_finder_sees_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
