"""The fast path of `dspygen check`: a recorded fingerprint skips all work, and is never
trusted past a change to the sources, the outputs or dspygen itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SIGNATURE = """\
import dspy


class Greet(dspy.Signature):
    name: str = dspy.InputField()
    greeting: str = dspy.OutputField()
"""

# Runs `dspygen check` in-process and reports whether the heavy stages (libcst; Jinja and the IR) were
# loaded, and tomlkit (about 40 ms to import and parse with: only `init` and a merge of a user's
# edited Cargo.toml need it).
PROBE = """
import sys
from dspygen.cli import main
try:
    main(["check"])
except SystemExit as exit:
    code = exit.code
heavy = "jinja2" in sys.modules or "dspygen.ir" in sys.modules
print("exit", code, "libcst" in sys.modules, heavy, "tomlkit" in sys.modules)
"""


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    (tmp_path / "app.py").write_text(SIGNATURE)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dspygen]\nsources = ["app.py"]\nout = "out"\ncrate-name = "greet_rs"\n'
    )
    env = {**os.environ, "DSPYGEN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "dspygen", "build"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return tmp_path, env


def probe(project: Path, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=project, env=env, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def test_unchanged_project_is_checked_without_loading_the_pipeline(project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    assert probe(root, env) == "exit 0 False False False"
    assert list((root / "cache").glob("*.fingerprint"))


def test_changed_source_runs_the_pipeline_and_is_stale(project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    (root / "app.py").write_text(SIGNATURE + "    mood: str = dspy.OutputField()\n")
    assert probe(root, env) == "exit 1 True True False"


def test_edited_output_is_stale(project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    lib = root / "out" / "src" / "lib.rs"
    lib.write_text(lib.read_text() + "// edited\n")
    assert probe(root, env) == "exit 1 True True False"


def test_deleted_output_is_stale(project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    (root / "out" / "src" / "models.rs").unlink()
    assert probe(root, env) == "exit 1 True True False"


def test_missing_record_falls_back_to_the_full_check(project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    for record in (root / "cache").glob("*.fingerprint"):
        record.unlink()
    assert probe(root, env) == "exit 0 True True False"
    assert probe(root, env) == "exit 0 False False False"  # the full check recorded a fresh fingerprint


def test_changed_target_option_runs_the_pipeline(project: tuple[Path, dict[str, str]]) -> None:
    """Every option of the target is part of the record, its type mappings too (they decide
    the output as much as the sources do)."""
    root, env = project
    config = root / "pyproject.toml"
    config.write_text(config.read_text() + 'types = { "app.Money" = "money::Money" }\n')
    assert probe(root, env) == "exit 0 True True False"
    assert probe(root, env) == "exit 0 False False False"


def test_an_edit_to_the_runtime_changes_the_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runtime's sources are copied into the output: editing them must rebuild the copy
    (a build after an edit to runtime/src once reported "0 written")."""
    from dspygen import fingerprint

    runtime = tmp_path / "runtime"
    (runtime / "src").mkdir(parents=True)
    (runtime / "Cargo.toml").write_text('[package]\nname = "dspygen-runtime"\n')
    (runtime / "src" / "lib.rs").write_text("pub fn one() {}\n")
    monkeypatch.setattr(fingerprint, "_shipped_runtime", lambda: runtime)
    shared = fingerprint._shared_hash.__wrapped__  # uncached
    before = shared(None)
    assert shared(None) == before
    (runtime / "src" / "lib.rs").write_text("pub fn two() {}\n")
    assert shared(None) != before
