"""The runtime crate's copy beside the generated crates (runtime_crate.py): where it goes, what
the crates' Cargo.toml says, and that dspygen owns it like any output (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tomlkit

from dspygen import runtime_crate
from dspygen.config import load_targets
from dspygen.diagnostics import Sink

ROOT = Path(__file__).resolve().parents[2]
DSPYGEN = str(Path(sys.executable).parent / "dspygen")
MODELS = "from pydantic import BaseModel\n\n\nclass Point(BaseModel):\n    x: int\n"


def dspygen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([DSPYGEN, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def runtime_dependency(crate: Path) -> dict[str, object]:
    cargo = tomlkit.parse((crate / "Cargo.toml").read_text(encoding="utf-8")).unwrap()
    dependency: dict[str, object] = cargo["dependencies"]["dspygen-runtime"]
    return dependency


def copied(folder: Path) -> dict[str, str]:
    """The runtime files under `folder`, as the shipped runtime names them."""
    return {rel: (folder / rel).read_text(encoding="utf-8") for rel in runtime_crate.files()}


def test_the_version_is_the_one_runtime_cargo_toml_declares() -> None:
    cargo = tomlkit.parse((ROOT / "runtime" / "Cargo.toml").read_text(encoding="utf-8")).unwrap()
    assert runtime_crate.version() == cargo["package"]["version"]
    assert runtime_crate.is_source(ROOT / "runtime")
    files = runtime_crate.files()
    assert {"Cargo.toml", "README.md", "src/lib.rs"} <= set(files)
    assert not [rel for rel in files if not (rel.endswith(".rs") or rel in {"Cargo.toml", "README.md"})]


def test_a_single_target_writes_its_own_copy_inside_its_output(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODELS, encoding="utf-8")
    done = dspygen("build", "m.py", "--out", "out", "--crate-name", "point_rs", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert runtime_dependency(out) == {
        "version": f"={runtime_crate.version()}",
        "path": "dspygen-runtime",
        "features": [],
    }
    assert copied(out / "dspygen-runtime") == runtime_crate.files()
    manifest = (out / ".dspygen-manifest").read_text(encoding="utf-8").splitlines()
    assert "dspygen-runtime/src/lib.rs" in manifest  # owned: pruned, checked, never left stale
    (out / "dspygen-runtime" / "src" / "lib.rs").write_text("// edited\n", encoding="utf-8")
    stale = dspygen("check", "m.py", "--out", "out", "--crate-name", "point_rs", cwd=tmp_path)
    assert stale.returncode == 1 and "dspygen-runtime/src/lib.rs" in stale.stdout
    assert dspygen("build", "m.py", "--out", "out", "--crate-name", "point_rs", cwd=tmp_path).returncode == 0
    assert copied(out / "dspygen-runtime") == runtime_crate.files()


def test_targets_share_the_runtime_folder_the_configuration_names(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(MODELS, encoding="utf-8")
    (tmp_path / "b.py").write_text(MODELS.replace("Point", "Line"), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dspygen]\nruntime = "rust/dspygen-runtime"\n\n'
        '[[tool.dspygen.targets]]\nsources = ["a.py"]\nout = "crates/a_rs"\n\n'
        '[[tool.dspygen.targets]]\nsources = ["b.py"]\nout = "crates/b_rs"\n',
        encoding="utf-8",
    )
    done = dspygen("build", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shared = tmp_path / "rust" / "dspygen-runtime"
    assert copied(shared) == runtime_crate.files()
    assert "Cargo.toml" in (shared / ".dspygen-manifest").read_text(encoding="utf-8").splitlines()
    for crate in ("a_rs", "b_rs"):
        assert runtime_dependency(tmp_path / "crates" / crate)["path"] == "../../rust/dspygen-runtime"
        assert not (tmp_path / "crates" / crate / "dspygen-runtime").exists()
    assert dspygen("check", cwd=tmp_path).returncode == 0
    (shared / "src" / "atom.rs").unlink()
    stale = dspygen("check", cwd=tmp_path)
    assert stale.returncode == 1 and "rust/dspygen-runtime is stale" in stale.stderr


def test_the_shipped_runtime_itself_is_used_as_it_is(tmp_path: Path) -> None:
    """This repository's configuration: the crates depend on runtime/, the source; nothing is written there."""
    (tmp_path / "m.py").write_text(MODELS, encoding="utf-8")
    before = copied(ROOT / "runtime")
    done = dspygen("build", "m.py", "--out", "out", "--runtime", str(ROOT / "runtime"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path = Path(str(runtime_dependency(tmp_path / "out")["path"]))
    assert ((tmp_path / "out") / path).resolve() == (ROOT / "runtime").resolve()
    assert not (ROOT / "runtime" / ".dspygen-manifest").exists()
    assert copied(ROOT / "runtime") == before
    assert not (tmp_path / "out" / "dspygen-runtime").exists()


def test_runtime_in_configuration(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(MODELS, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dspygen]\nsources = ["a.py"]\nout = "out"\nruntime = "rt"\n', encoding="utf-8"
    )
    sink = Sink()
    [target] = load_targets(tmp_path / "pyproject.toml", "pyproject.toml", sink)
    assert target.runtime_folder == tmp_path / "rt"
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dspygen]\nsources = ["a.py"]\nout = "out"\nruntime = 3\n', encoding="utf-8"
    )
    load_targets(tmp_path / "pyproject.toml", "pyproject.toml", sink)
    assert [d.code.id for d in sink.items] == ["DSG050"]
    assert sink.items[0].span is not None and sink.items[0].span.line == 4
