"""Shared helpers for the hostile-input tests: run the real CLI, list what a run wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DSPYGEN = str(Path(sys.executable).parent / "dspygen")


def dspygen(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`dspygen ARGS` in a subprocess from `cwd`, without colour and without PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update({"NO_COLOR": "1", "COLUMNS": "80"})
    return subprocess.run(
        [DSPYGEN, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (symbolic links not followed), with its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return out


def assert_clean_failure(done: subprocess.CompletedProcess[str], code: str, exit_code: int = 1) -> None:
    """Exit `exit_code`, the diagnostic `code` in `path:line:col: error[...]` form (or a click
    usage error for exit 2), and no traceback anywhere."""
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    assert done.returncode == exit_code, output
    if exit_code == 2:
        assert "Error:" in done.stderr and "Usage:" in done.stderr, output
    else:
        assert f"error[{code}]" in done.stderr, output
        assert "  hint: " in done.stderr, output
