"""Safe regeneration: user edits to generated TOML survive, unowned files are never
touched, owned files no longer produced are pruned, and a failed run changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomlkit

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]

SIGNATURES = '''\
import dspy
from pydantic import BaseModel


class Reply(BaseModel):
    text: str


class Greet(dspy.Signature):
    """Greet someone by name."""

    name: str = dspy.InputField()
    reply: Reply = dspy.OutputField()
'''


def dspygen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "dspygen"), *args], cwd=cwd, capture_output=True, text=True, check=False)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "signatures.py").write_text(SIGNATURES)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dspygen]\nsources = ["app/signatures.py"]\nout = "bindings"\ncrate-name = "greet_rs"\n'
    )
    done = dspygen("build", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path


def test_user_keys_in_generated_toml_survive(project: Path) -> None:
    cargo = project / "bindings" / "Cargo.toml"
    text = cargo.read_text()
    text = text.replace("[dependencies]\n", '[dependencies]\nitoa = "1"  # added by the user\n')
    text += '\n[package.metadata.team]\nowner = "search"\n'
    cargo.write_text(text.replace("[features]\n", "[features]\nfast = []  # mine\n"))
    pyproject = project / "bindings" / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.maturin.extra]\nprofile = "release"\n')
    assert dspygen("check", cwd=project).returncode == 0, "user-only keys must not make the output stale"

    signatures = project / "app" / "signatures.py"
    signatures.write_text(SIGNATURES + "    mood: str = dspy.OutputField()\n")
    assert dspygen("build", cwd=project).returncode == 0
    merged = tomlkit.parse(cargo.read_text())
    assert merged["dependencies"]["itoa"] == "1"  # type: ignore[index]
    assert merged["features"]["fast"] == []  # type: ignore[index]
    assert merged["package"]["metadata"]["team"]["owner"] == "search"  # type: ignore[index]
    assert merged["dependencies"]["dspygen-runtime"]["version"] == "=0.1.0"  # type: ignore[index]
    assert "# added by the user" in cargo.read_text()
    assert tomlkit.parse(pyproject.read_text())["tool"]["maturin"]["extra"]["profile"] == "release"  # type: ignore[index]
    assert "pub mood: ::std::string::String" in (project / "bindings" / "src" / "signatures.rs").read_text()
    assert dspygen("check", cwd=project).returncode == 0

    # A key dspygen owns is put back.
    cargo.write_text(cargo.read_text().replace('version = "=0.1.0"', 'version = "=0.0.9"'))
    stale = dspygen("check", cwd=project)
    assert stale.returncode == 1 and '+dspygen-runtime = { version = "=0.1.0"' in stale.stdout


def test_merged_crate_still_builds(project: Path) -> None:
    cargo = project / "bindings" / "Cargo.toml"
    cargo.write_text(cargo.read_text().replace("[dependencies]\n", '[dependencies]\nitoa = "1"\n') + "\n[workspace]\n")
    env = {**os.environ, "CARGO_TARGET_DIR": str(ROOT / "generated" / "target")}
    done = subprocess.run(
        ["cargo", "check", "--quiet"], cwd=project / "bindings", env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_unowned_files_are_never_touched_and_stale_owned_files_pruned(project: Path) -> None:
    notes = project / "bindings" / "NOTES.md"
    notes.write_text("mine\n")
    (project / "pyproject.toml").write_text(
        '[tool.dspygen]\nsources = ["app/signatures.py"]\nout = "bindings"\ncrate-name = "hello_rs"\n'
    )
    done = dspygen("build", "-v", cwd=project)
    assert done.returncode == 0, done.stderr
    assert notes.read_text() == "mine\n"
    assert not (project / "bindings" / "greet_rs.pyi").exists()
    assert not (project / "bindings" / "tests" / "test_greet_rs.py").exists()
    assert (project / "bindings" / "hello_rs.pyi").exists()
    assert "removed" in done.stdout and "2 removed" in done.stdout


def test_failed_run_leaves_previous_output_intact(project: Path) -> None:
    before = snapshot(project / "bindings")
    (project / "app" / "signatures.py").write_text(SIGNATURES + "    broken: set[float] = dspy.OutputField()\n")
    done = dspygen("build", cwd=project)
    assert done.returncode == 1
    assert "error[DSG" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(project / "bindings") == before


def test_second_build_writes_nothing(project: Path) -> None:
    before = snapshot(project / "bindings")
    done = dspygen("build", cwd=project)
    assert done.returncode == 0
    assert "0 written" in done.stdout
    assert snapshot(project / "bindings") == before
