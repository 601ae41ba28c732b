"""Format stage: rustfmt for Rust, ruff for Python, each through stdin.

A missing or failing formatter is a diagnostic; the unformatted text is never written.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from dspygen.diagnostics import Code, Sink


def _ruff() -> str | None:
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


def _rustfmt() -> str | None:
    found = shutil.which("rustfmt")
    if found is None:
        cargo_bin = Path.home() / ".cargo" / "bin" / "rustfmt"
        found = str(cargo_bin) if cargo_bin.is_file() else None
    return found


def _run(argv: list[str], text: str, path: str, sink: Sink) -> str | None:
    try:
        done = subprocess.run(argv, input=text, capture_output=True, text=True, encoding="utf-8", check=False)
    except OSError as exc:
        sink.error(Code.TOOL_MISSING, f"cannot run {argv[0]} to format {path}: {exc}", None)
        return None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[:5]
        sink.error(Code.TOOL_FAILED, f"{Path(argv[0]).name} failed on {path}: {' | '.join(detail)}", None)
        return None
    return done.stdout


def format_files(files: dict[str, str], sink: Sink) -> dict[str, str]:
    """Formatted texts; on any failure the sink holds an error and the result is partial."""
    rustfmt, ruff = _rustfmt(), _ruff()
    out: dict[str, str] = {}
    for path, text in files.items():
        if path.endswith(".rs"):
            if rustfmt is None:
                sink.error(Code.TOOL_MISSING, "rustfmt is not installed", None)
                return out
            formatted = _run([rustfmt, "--edition", "2021", "--emit", "stdout", "--quiet"], text, path, sink)
        elif path.endswith((".py", ".pyi")):
            if ruff is None:
                sink.error(Code.TOOL_MISSING, "ruff is not installed", None)
                return out
            argv = [ruff, "format", "--isolated", "--line-length", "100", "--stdin-filename", path, "-"]
            formatted = _run(argv, text, path, sink)
        else:
            formatted = text
        if formatted is None:
            return out
        out[path] = formatted
    return out
