"""Shared helpers for the unit tests: compiling small Rust programs with rustc, importing a test's own
Python modules for real (pydantic and dspy are the oracles)."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest


def _rustc() -> str | None:
    found = shutil.which("rustc")
    if found is None:
        candidate = Path.home() / ".cargo" / "bin" / "rustc"
        found = str(candidate) if candidate.is_file() else None
    return found


RustRunner = Callable[..., bytes]


@pytest.fixture
def run_rust(tmp_path: Path) -> RustRunner:
    """Compile `source` with rustc (edition 2021, warnings denied) and return its stdout bytes."""
    rustc = _rustc()
    assert rustc is not None, "rustc is required (it comes with the Rust toolchain)"

    def run(source: str, *, execute: bool = True, crate_type: str = "bin") -> bytes:
        src = tmp_path / "main.rs"
        src.write_text(source, encoding="utf-8")
        exe = tmp_path / "main"
        argv = [rustc, "--edition", "2021", "--crate-type", crate_type, "-D", "warnings", "-o", str(exe), str(src)]
        done = subprocess.run(argv, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        if not execute:
            return b""
        ran = subprocess.run([str(exe)], capture_output=True, check=False)
        assert ran.returncode == 0, ran.stderr.decode("utf-8", "replace")
        return ran.stdout

    return run


@pytest.fixture
def own_modules(tmp_path: Path) -> Iterator[Callable[[str], ModuleType]]:
    """Import the modules a test wrote to tmp_path for real, and forget them (only them)
    afterwards: pydantic imports its own submodules lazily, and forgetting those too would
    split its classes in two for the tests that follow."""
    sys.path.insert(0, str(tmp_path))

    def load(name: str) -> ModuleType:
        importlib.invalidate_caches()
        return importlib.import_module(name)

    yield load
    sys.path[:] = [p for p in sys.path if p != str(tmp_path)]
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]
