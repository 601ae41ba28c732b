"""A generated crate whose runtime is a path dependency outside its folder still packages:
`maturin sdist` takes the runtime along, and `pip install` builds from the crate's folder and
from that sdist (issue 13). Builds use the dev profile and the target dir `make develop` uses, so
only the crate and its runtime copy compile."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODELS = '''\
from pydantic import BaseModel


class Point(BaseModel):
    """A point."""

    x: int
    label: str = "origin"
'''
ROUNDTRIP = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import point_rs
from models import Point
assert point_rs.roundtrip(Point(x=3)) == Point(x=3)
print(point_rs.roundtrip_json("Point", json.dumps({"x": 3})))
"""


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["CARGO_TARGET_DIR"] = str(ROOT / "generated" / "target" / "maturin")
    env["MATURIN_PEP517_ARGS"] = "--profile dev"
    env.setdefault("PYO3_PYTHON", sys.executable)
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done


def installed_roundtrip(target: Path, sources: Path) -> str:
    return run([sys.executable, "-c", ROUNDTRIP, str(target), str(sources)], sources).stdout.strip()


@pytest.mark.cargo
def test_sdist_and_pip_install_take_a_runtime_outside_the_crate(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text(MODELS, encoding="utf-8")
    run([str(BIN / "dspygen"), "build", "models.py", "--out", "crates/point_rs", "--runtime", "rt"], tmp_path)
    crate = tmp_path / "crates" / "point_rs"

    run([str(BIN / "maturin"), "sdist", "--out", str(tmp_path / "dist")], crate)
    [sdist] = (tmp_path / "dist").glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert any(n.endswith("/rt/src/lib.rs") for n in names), names
    assert any(n.endswith("/crates/point_rs/src/models.rs") for n in names), names

    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target"]
    run([*pip, str(tmp_path / "from_folder"), str(crate)], tmp_path)
    assert installed_roundtrip(tmp_path / "from_folder", tmp_path) == '{"x":3,"label":"origin"}'
    run([*pip, str(tmp_path / "from_sdist"), str(sdist)], tmp_path)
    assert installed_roundtrip(tmp_path / "from_sdist", tmp_path) == '{"x":3,"label":"origin"}'
