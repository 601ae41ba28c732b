"""Shared helpers for the unit tests: compiling small Rust programs with rustc."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

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
