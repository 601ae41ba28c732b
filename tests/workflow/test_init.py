"""`dspygen init` edits the user's files and keeps their comments and layout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tomlkit
import yaml

from dspygen.init import add_hook, add_tool_table

BIN = Path(sys.executable).parent

PYPROJECT = """\
# The user's project file; comments must survive.
[project]
name = "app"   # aligned comment
version = "0.1.0"

[tool.ruff]
line-length = 100  # house style
"""

PRECOMMIT = """\
# team hooks
repos:
-   repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.6.0
    hooks:
    -   id: ruff   # lint

default_stages: [pre-commit]
"""


def test_tool_table_is_added_and_everything_else_kept() -> None:
    new = add_tool_table(PYPROJECT, ["app/*.py"], "bindings", "app_rs")
    assert new is not None
    assert new.startswith(PYPROJECT)  # nothing before the new table changed, byte for byte
    table = tomlkit.parse(new)["tool"]["dspygen"]  # type: ignore[index]
    assert table == {"sources": ["app/*.py"], "out": "bindings", "crate-name": "app_rs"}
    assert add_tool_table(new, ["x.py"], "o", "o") is None  # idempotent


def test_tool_table_without_a_tool_section() -> None:
    new = add_tool_table('[project]\nname = "x"\n', ["s.py"], "out", "out")
    assert new is not None
    assert tomlkit.parse(new)["tool"]["dspygen"]["out"] == "out"  # type: ignore[index]


def test_hook_is_inserted_into_the_repos_list_only() -> None:
    new = add_hook(PRECOMMIT)
    assert new is not None
    head, tail = PRECOMMIT.split("\ndefault_stages")
    assert new.startswith(head)
    assert new.endswith("\ndefault_stages" + tail)
    config = yaml.safe_load(new)
    assert config["default_stages"] == ["pre-commit"]
    assert [r["repo"] for r in config["repos"]] == ["https://github.com/astral-sh/ruff-pre-commit", "local"]
    hook = config["repos"][1]["hooks"][0]
    assert hook["id"] == "dspygen" and hook["entry"] == "dspygen build" and hook["pass_filenames"] is False
    assert add_hook(new) is None


def test_hook_file_is_created_when_missing() -> None:
    new = add_hook(None)
    assert new is not None
    assert yaml.safe_load(new)["repos"][0]["hooks"][0]["id"] == "dspygen"


def test_init_command_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / ".pre-commit-config.yaml").write_text(PRECOMMIT)
    done = subprocess.run(
        [str(BIN / "dspygen"), "init", "-s", "app/signatures.py", "-o", "bindings"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "added [tool.dspygen]" in done.stdout and "added the dspygen hook" in done.stdout
    table = tomlkit.parse((tmp_path / "pyproject.toml").read_text())["tool"]["dspygen"]  # type: ignore[index]
    assert table["crate-name"] == "bindings"
    again = subprocess.run([str(BIN / "dspygen"), "init"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "already has" in again.stdout


def _init(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "dspygen"), "init", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_init_finds_the_files_declaring_signatures(tmp_path: Path) -> None:
    """Without --sources, the entry points are the files that declare signatures (issue 16)."""
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text("from pydantic import BaseModel\nclass A(BaseModel):\n    x: int\n")
    (tmp_path / "app" / "flows.py").write_text(
        "import dspy\nclass S(dspy.Signature):\n    a: str = dspy.InputField()\n    b: str = dspy.OutputField()\n"
    )
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "x.py").write_text("import dspy\nx = dspy.InputField()\n")
    done = _init("--no-pre-commit", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    table = tomlkit.parse((tmp_path / "pyproject.toml").read_text())["tool"]["dspygen"]  # type: ignore[index]
    assert table["sources"] == ["app/flows.py"]


def test_init_warns_on_a_missing_source_and_force_replaces(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    first = _init("-s", "signatures.py", "--no-pre-commit", cwd=tmp_path)
    assert "`signatures.py` matches no file" in first.stderr
    again = _init("-s", "app/*.py", "-o", "out", "--no-pre-commit", cwd=tmp_path)
    assert "already has [tool.dspygen]" in again.stdout and "--force" in again.stdout
    forced = _init("-s", "app/*.py", "-o", "out", "--no-pre-commit", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    table = tomlkit.parse((tmp_path / "pyproject.toml").read_text())["tool"]["dspygen"]  # type: ignore[index]
    assert table["sources"] == ["app/*.py"] and table["out"] == "out"
    assert (tmp_path / "pyproject.toml").read_text().startswith(PYPROJECT)  # the rest kept


def test_the_hook_installs_dspygen_from_where_it_came_from() -> None:
    """pre-commit installs the spec into the hook's own environment: no `dspygen` on PATH needed."""
    hook = yaml.safe_load(add_hook(None, "dspygen-rs @ git+https://example.org/dspygen@abc123") or "")
    spec = hook["repos"][0]["hooks"][0]
    assert spec["language"] == "python"
    assert spec["additional_dependencies"] == ["dspygen-rs @ git+https://example.org/dspygen@abc123"]
    without = yaml.safe_load(add_hook(None) or "")["repos"][0]["hooks"][0]
    assert without["language"] == "system" and "additional_dependencies" not in without


def test_a_malformed_pyproject_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("tool = 5\n")
    done = _init("-s", "x.py", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "not a table" in done.stderr
