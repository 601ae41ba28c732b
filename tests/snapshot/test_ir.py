"""Snapshot tests: `dspygen schema` (the IR as JSON) for the good fixtures, and the help texts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from dspygen.ir import nodes

ROOT = Path(__file__).resolve().parents[2]
DSPYGEN = str(Path(sys.executable).parent / "dspygen")
FIXTURE_SETS = ["qa", "rag", "library", "generics", "constraints"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    return subprocess.run(
        [DSPYGEN, *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env, check=False
    )


@pytest.mark.parametrize("name", FIXTURE_SETS)
def test_schema(name: str, snapshot: SnapshotAssertion) -> None:
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "fixtures" / name).glob("*.py"))
    done = run("schema", *files)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout)["schema_version"] == nodes.SCHEMA_VERSION
    assert done.stdout == snapshot


def test_schema_is_independent_of_argument_order() -> None:
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "fixtures" / "qa").glob("*.py"))
    assert run("schema", *files).stdout == run("schema", *reversed(files)).stdout


@pytest.mark.parametrize(
    "args", [("--help",), ("build", "--help"), ("check", "--help"), ("schema", "--help")], ids=" ".join
)
def test_help(args: tuple[str, ...], snapshot: SnapshotAssertion) -> None:
    done = run(*args)
    assert done.returncode == 0, done.stderr
    assert done.stdout == snapshot
