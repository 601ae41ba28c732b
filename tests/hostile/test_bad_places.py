"""Issue 17, item 5: what used to end in a traceback is a diagnostic. A module that prints (8 MB
of it) or calls `sys.exit(0)` while the import frontend imports it; strings Python refuses to
compile (a NUL byte, `\\N{...}` naming no character); an output folder that is no folder (a
symbolic link to nothing, a loop of them); a write the operating system refuses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import assert_clean_failure, dspygen

from dspygen import cli

MODEL = "from pydantic import BaseModel\n\n\nclass A(BaseModel):\n    x: int\n"


def test_a_module_that_prints_while_imported_is_read(tmp_path: Path) -> None:
    loud = 'import os, sys\nprint("hello")\nsys.stdout.write("x" * 8_000_000)\nos.write(1, b"raw")\n'
    (tmp_path / "loud.py").write_text(loud + MODEL)
    done = dspygen("schema", "--frontend", "import", "loud.py", cwd=tmp_path)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert '"qualname": "A"' in done.stdout and "hello" not in done.stdout


def test_a_module_that_exits_while_imported_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "leaves.py").write_text("import sys\nsys.exit(0)\n" + MODEL)
    done = dspygen("schema", "--frontend", "import", "leaves.py", cwd=tmp_path)
    assert_clean_failure(done, "DSG044")
    assert "leaves.py:2:1: error[DSG044]: importing failed: it called sys.exit(0)" in done.stderr


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('from pydantic import BaseModel\n\n\nclass A(BaseModel):\n    x: str = "a\0b"\n', "5:16"),
        ('from pydantic import BaseModel\n\n\nclass A(BaseModel):\n    x: str = "\\N{NO SUCH NAME}"\n', "5:"),
    ],
    ids=["nul", "named_escape"],
)
def test_strings_python_refuses_are_syntax_errors(text: str, where: str, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(text)
    for args in (("schema", "m.py"), ("build", "m.py", "--out", "out")):
        done = dspygen(*args, cwd=tmp_path)
        assert_clean_failure(done, "DSG001")
        assert f"m.py:{where}" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_an_output_folder_that_is_no_folder_is_refused(kind: str, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODEL)
    if kind == "dangling":
        os.symlink(tmp_path / "nowhere", tmp_path / "out")
    else:
        os.symlink(tmp_path / "other", tmp_path / "out")
        os.symlink(tmp_path / "out", tmp_path / "other")
    for command in ("build", "check"):
        assert_clean_failure(dspygen(command, "m.py", "--out", "out", cwd=tmp_path), "DSG070")
    assert not (tmp_path / "nowhere").exists()


def test_a_write_the_system_refuses_is_a_diagnostic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only folder (which root, running these tests, may still write): the refusal itself."""
    (tmp_path / "m.py").write_text(MODEL)
    monkeypatch.chdir(tmp_path)

    def refused(out: Path, changes: object) -> None:
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr(cli, "apply", refused)
    done = CliRunner().invoke(cli.main, ["build", "m.py", "--out", "out"])
    assert done.exit_code == 1, done.output
    assert "error[DSG070]: cannot write into out: Permission denied" in done.output
