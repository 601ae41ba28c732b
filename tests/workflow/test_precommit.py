"""The pre-commit hooks, driven through the real `pre-commit` and `git` in a scratch repo.

The hooks are installed from this repository at its HEAD commit, as a user's
.pre-commit-config.yaml would name it, so this tests what is committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

SIGNATURES = '''\
import dspy


class Greet(dspy.Signature):
    """Greet someone by name."""

    name: str = dspy.InputField()
    greeting: str = dspy.OutputField()
'''

PYPROJECT = """\
[project]
name = "app"  # the user's project
version = "0.1.0"

[tool.dspygen]
sources = ["app/signatures.py"]
out = "bindings"
crate-name = "app_rs"
"""


def _run(cmd: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{cmd} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    if shutil.which("git") is None:
        pytest.fail("git is required")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    work = tmp_path_factory.mktemp("precommit")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(work / "cache"),
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "NO_COLOR": "1",
    }
    project = work / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "signatures.py").write_text(SIGNATURES)
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / ".pre-commit-config.yaml").write_text(
        textwrap.dedent(
            f"""\
            repos:
              - repo: {ROOT}
                rev: {head.stdout.strip()}
                hooks:
                  - id: dspygen
            """
        )
    )
    _run(["git", "init", "-q", "-b", "main"], project, env)
    _run([str(BIN / "dspygen"), "build"], project, env)
    _run(["git", "add", "-A"], project, env)
    _run(["git", "commit", "-q", "-m", "initial bindings"], project, env)
    _run([str(BIN / "pre-commit"), "install"], project, env)
    _run([str(BIN / "pre-commit"), "install-hooks"], project, env)
    return project, env


def test_commit_with_nothing_changed_passes(repo: tuple[Path, dict[str, str]]) -> None:
    project, env = repo
    signatures = project / "app" / "signatures.py"
    signatures.write_text(signatures.read_text() + "# a comment changes no binding\n")
    _run(["git", "add", "app/signatures.py"], project, env)
    started = time.perf_counter()
    done = _run(["git", "commit", "-m", "notes"], project, env, check=False)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    output = done.stdout + done.stderr  # git prints hook output on stderr
    assert "dspygen (regenerate the Rust bindings)" in output and "Passed" in output
    print(f"commit through the hook, nothing to regenerate: {elapsed:.2f}s")


def test_changed_signature_regenerates_and_stops_the_commit(repo: tuple[Path, dict[str, str]]) -> None:
    project, env = repo
    signatures = project / "app" / "signatures.py"
    signatures.write_text(SIGNATURES + "    mood: str = dspy.OutputField()\n")
    _run(["git", "add", "app/signatures.py"], project, env)
    started = time.perf_counter()
    done = _run(["git", "commit", "-m", "add mood"], project, env, check=False)
    elapsed = time.perf_counter() - started
    assert done.returncode != 0, "the commit must stop until the regenerated bindings are staged"
    assert "files were modified by this hook" in done.stdout + done.stderr
    assert "pub mood: ::std::string::String" in (project / "bindings" / "src" / "signatures.rs").read_text()
    print(f"commit through the hook, regenerating: {elapsed:.2f}s")
    _run(["git", "add", "-A"], project, env)
    again = _run(["git", "commit", "-m", "add mood"], project, env, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    status = _run(["git", "status", "--porcelain"], project, env)
    assert status.stdout == ""


def test_check_hook_fails_on_stale_bindings_and_writes_nothing(repo: tuple[Path, dict[str, str]]) -> None:
    project, env = repo
    signatures = project / "app" / "signatures.py"
    signatures.write_text(signatures.read_text() + "    tone: str = dspy.OutputField()\n")
    before = (project / "bindings" / "src" / "signatures.rs").read_text()
    done = _run(
        [str(BIN / "pre-commit"), "try-repo", str(ROOT), "dspygen-check", "--all-files"], project, env, check=False
    )
    assert done.returncode != 0
    assert "+    pub tone: ::std::string::String," in done.stdout
    assert (project / "bindings" / "src" / "signatures.rs").read_text() == before
    _run(["git", "checkout", "--", "app/signatures.py"], project, env)


def test_hook_environment_has_no_dspy(repo: tuple[Path, dict[str, str]]) -> None:
    """The hook runs in pre-commit's own virtualenv, which never installs dspy: it cannot import it."""
    project, env = repo
    pythons = sorted(Path(env["PRE_COMMIT_HOME"]).glob("repo*/py_env-*/bin/python"))
    assert pythons, "pre-commit did not create the hook's environment"
    code = "import dspygen, importlib.util as u; print(u.find_spec('dspy'))"
    probe = _run([str(pythons[0]), "-c", code], project, env)
    assert probe.stdout.strip() == "None"
