"""Targets planned in worker processes (workers.py) give what one process gives: the same
diagnostics, the same exit code, the same files written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dspygen import workers

GOOD = """\
import dspy
from pydantic import BaseModel


class Item(BaseModel):
    name: str
    count: int = 0


class Pick(dspy.Signature):
    items: list[Item] = dspy.InputField()
    best: Item = dspy.OutputField()
"""

WARNED = """\
from pydantic import BaseModel, field_validator


class Ticket(BaseModel):
    title: str

    @field_validator("title")
    @classmethod
    def upper(cls, v: str) -> str:
        return v.upper()
"""

BROKEN = """\
from pydantic import BaseModel


class Bad(BaseModel):
    when: Unknowable
"""


def _project(root: Path, broken: bool) -> None:
    (root / "good.py").write_text(GOOD)
    (root / "warned.py").write_text(WARNED)
    (root / "broken.py").write_text(BROKEN)
    tables = [("good", "good.py"), ("warned", "warned.py")] + ([("broken", "broken.py")] if broken else [])
    text = "".join(
        f'[[tool.dspygen.targets]]\nsources = ["{src}"]\nout = "{name}_rs"\ncrate-name = "{name}_rs"\n\n'
        for name, src in tables
    )
    (root / "pyproject.toml").write_text(text)


def _run(root: Path, command: str, jobs: int) -> tuple[int, str, dict[str, bytes]]:
    env = {**os.environ, "DSPYGEN_JOBS": str(jobs), "DSPYGEN_CACHE_DIR": str(root / f"cache{jobs}")}
    done = subprocess.run(
        [sys.executable, "-m", "dspygen", command], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    files = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "_rs" in p.relative_to(root).parts[0]
    }
    said = done.stderr + done.stdout.split(" in ")[0]  # the build line ends with a time
    return done.returncode, said, files


@pytest.mark.parametrize("broken", [False, True], ids=["clean", "one-target-broken"])
def test_one_worker_and_two_agree(tmp_path: Path, broken: bool) -> None:
    outcomes = []
    for jobs in (1, 2):
        root = tmp_path / f"jobs{jobs}"
        root.mkdir()
        _project(root, broken)
        outcomes.append(_run(root, "build", jobs))
        outcomes.append(_run(root, "check", jobs))
    assert outcomes[0] == outcomes[2] and outcomes[1] == outcomes[3]
    assert outcomes[0][0] == (1 if broken else 0)
    assert "DSG034" in outcomes[0][1]  # the warned target's validator, reported in either case
    if broken:
        assert "error[" in outcomes[0][1] and not outcomes[0][2]  # an error anywhere: nothing written
    else:
        assert any(p.startswith("good_rs/src/") for p in outcomes[0][2])


def test_jobs_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSPYGEN_JOBS", "1")
    assert workers.jobs(5) == 1
    monkeypatch.setenv("DSPYGEN_JOBS", "8")
    assert workers.jobs(3) == (3 if sys.platform == "linux" else 1)
