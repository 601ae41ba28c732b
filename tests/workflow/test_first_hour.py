"""The command line a new user types first (issue 16): `dspygen build app/signatures.py` as
written, folders and quoted globs as FILES, `-V`, `schema` under the configuration, "did you
mean", a no-op build that counts its unchanged files, relative paths in diffs, and a closing
count of what was reported."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dspygen import runtime_crate

MODELS = """\
from pydantic import BaseModel


class Ticket(BaseModel):
    title: str
"""

SIGNATURES = """\
import dspy

from app.models import Ticket


class Triage(dspy.Signature):
    ticket: Ticket = dspy.InputField()
    team: str = dspy.OutputField()
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "DSPYGEN_CACHE_DIR": str(cwd / ".cache-dspygen")}
    return subprocess.run(
        [sys.executable, "-m", "dspygen", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "models.py").write_text(MODELS)
    (tmp_path / "app" / "signatures.py").write_text(SIGNATURES)
    return tmp_path


def test_build_with_only_the_entry_file(project: Path) -> None:
    done = run("build", "app/signatures.py", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "the crate `app_rs` in app_rs" in done.stdout
    assert (project / "app_rs" / "src" / "signatures.rs").is_file()
    assert "pub struct Ticket" in (project / "app_rs" / "src" / "models.rs").read_text()
    again = run("build", "app/signatures.py", cwd=project)
    # the crate's 10 files (with its manifest) and its own copy of the runtime crate
    files = 10 + len(runtime_crate.files())
    assert f"0 written, {files} unchanged" in again.stdout, again.stdout


def test_the_default_output_is_never_inside_the_package(project: Path) -> None:
    done = run("build", "signatures.py", cwd=project / "app")
    assert done.returncode == 0, done.stderr
    assert (project / "app_rs" / "Cargo.toml").is_file()
    assert not (project / "app" / "app_rs").exists()


@pytest.mark.parametrize("given", ["app", "app/*.py"])
def test_folders_and_globs_as_files(project: Path, given: str) -> None:
    done = run("build", given, "--out", "out", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "pub struct Ticket" in (project / "out" / "src" / "models.rs").read_text()
    assert run("build", "nowhere/*.py", cwd=project).returncode == 2


def test_version_flag(project: Path) -> None:
    done = run("-V", cwd=project)
    assert done.returncode == 0 and done.stdout.startswith("dspygen, version ")


def test_schema_reads_the_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.dspygen]\nsources = ["app/signatures.py"]\nout = "out"\nexclude = ["app.signatures.Triage"]\n'
    )
    done = run("schema", cwd=project)
    assert done.returncode == 0, done.stderr
    assert '"signatures": []' in done.stdout  # the target's `exclude` applied
    assert "note[DSG029]" in done.stderr


def test_did_you_mean(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.dspygen]\nsources = ["app/signatures.py"]\ncrate_name = "x"\n')
    done = run("check", cwd=project)
    assert "unknown key `crate_name` in [tool.dspygen]. Did you mean `crate-name`?" in done.stderr
    (project / "app" / "models.py").write_text(MODELS.replace("title: str", "title: Strr"))
    done = run("schema", "app/signatures.py", cwd=project)
    assert "cannot resolve the type `Strr`. Did you mean `str`?" in done.stderr


def test_diffs_show_relative_paths_and_runs_close_with_a_count(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.dspygen]\nsources = ["app/signatures.py"]\nout = "out"\n')
    assert run("build", cwd=project).returncode == 0
    (project / "app" / "models.py").write_text(MODELS + "    body: str\n")
    done = run("check", cwd=project)
    assert done.returncode == 1
    assert "--- out/src/models.rs (on disk)" in done.stdout
    assert str(project) not in done.stdout
    (project / "app" / "models.py").write_text(MODELS.replace("title: str", "title: complex\n    more: complex"))
    failed = run("check", cwd=project)
    assert failed.stderr.rstrip().splitlines()[-1] == "dspygen: 2 errors"


def test_a_warning_only_run_counts_its_warnings(project: Path) -> None:
    (project / "app" / "models.py").write_text(
        MODELS
        + textwrap.dedent(
            """
            from pydantic import field_validator
            class Checked(BaseModel):
                x: int
                @field_validator("x")
                @classmethod
                def positive(cls, value: int) -> int:
                    return value
            """
        )
    )
    done = run("build", "app/models.py", "--out", "out", cwd=project)
    assert done.returncode == 0
    assert done.stderr.rstrip().splitlines()[-1] == "dspygen: 1 warning"
