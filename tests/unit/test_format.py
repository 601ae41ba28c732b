"""The format stage gives the same bytes whatever rustfmt configuration the machine holds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dspygen import format as fmt
from dspygen.diagnostics import Sink

SOURCE = "pub fn f() -> Vec<u32> { vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20] }\n"


def test_a_rustfmt_toml_above_the_scratch_folder_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = fmt.format_files({"src/lib.rs": SOURCE}, Sink())
    (tmp_path / "rustfmt.toml").write_text("max_width = 40\nhard_tabs = true\n")
    # That configuration is one rustfmt would take for a file below it ...
    probe = tmp_path / "probe" / "lib.rs"
    probe.parent.mkdir()
    probe.write_text(SOURCE)
    rustfmt = shutil.which("rustfmt") or str(Path.home() / ".cargo" / "bin" / "rustfmt")
    subprocess.run([rustfmt, "--edition", "2021", str(probe)], check=True)
    assert probe.read_text() != plain["src/lib.rs"]
    # ... but not for dspygen's scratch folder, which holds its own.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert fmt.format_files({"src/lib.rs": SOURCE}, Sink()) == plain


# -- an unchanged render is not formatted again (issue 18, item 1) ------------------------------

MODELS = "from pydantic import BaseModel\n\n\nclass Point(BaseModel):\n    x: int\n    label: str = 'origin'\n"


def _dspygen(project: Path, *args: str, formatter: bool) -> subprocess.CompletedProcess[str]:
    """`dspygen ARGS` in `project`, where rustfmt cannot be found unless `formatter`."""
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "DSPYGEN_CACHE_DIR"}}
    env["DSPYGEN_CACHE_DIR"] = str(project / ".cache")  # no fingerprint shortcut: the work is done
    shutil.rmtree(project / ".cache", ignore_errors=True)
    if not formatter:
        env["PATH"], env["HOME"] = str(bin_dir), str(project / "home")  # neither PATH nor ~/.cargo/bin
    argv = [str(bin_dir / "dspygen"), *args]
    return subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, check=False)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    (tmp_path / "models.py").write_text(MODELS, encoding="utf-8")
    done = _dspygen(tmp_path, "build", "models.py", "--out", "out", formatter=True)
    assert done.returncode == 0, done.stderr
    return tmp_path


def test_check_and_build_of_an_unchanged_render_run_no_formatter(built: Path) -> None:
    check = _dspygen(built, "check", "models.py", "--out", "out", formatter=False)
    assert check.returncode == 0, check.stderr
    build = _dspygen(built, "build", "models.py", "--out", "out", formatter=False)
    assert build.returncode == 0, build.stderr
    assert " 0 written," in build.stdout, build.stdout


def test_check_without_the_formatter_agrees_with_check_with_it(built: Path) -> None:
    models = built / "out" / "src" / "models.rs"
    edited = models.read_text(encoding="utf-8").replace("pub x: i64", "pub x:    i64")
    models.write_text(edited, encoding="utf-8")  # bytes the manifest does not record
    with_it = _dspygen(built, "check", "models.py", "--out", "out", formatter=True)
    assert with_it.returncode == 1 and "stale" in with_it.stdout + with_it.stderr, with_it
    without = _dspygen(built, "check", "models.py", "--out", "out", formatter=False)
    assert without.returncode == 1 and "rustfmt is not installed" in without.stderr, without.stderr

    (built / "models.py").write_text(MODELS.replace("x: int", "x: float"), encoding="utf-8")
    _dspygen(built, "build", "models.py", "--out", "out", formatter=True)  # a new render, formatted
    again = _dspygen(built, "check", "models.py", "--out", "out", formatter=False)
    assert again.returncode == 0, again.stderr


def test_a_manifest_pairs_each_formatted_file_with_its_render(built: Path) -> None:
    from dspygen.manifest import MANIFEST
    from dspygen.writer import formatted_before, owned

    out = built / "out"
    lines = [line.split("  ") for line in (out / MANIFEST).read_text().splitlines() if not line.startswith("#")]
    columns = {parts[1]: len(parts) for parts in lines}
    assert columns["src/models.rs"] == 3 and columns["out.pyi"] == 3  # formatted: its render's hash too
    assert columns["Cargo.toml"] == 2  # not formatted
    assert owned(out)["src/models.rs"] == lines[[p[1] for p in lines].index("src/models.rs")][0]
    assert formatted_before(out, {"src/models.rs": "not the render"}) == {}
    # a manifest written before the third column: every file is formatted, as before
    (out / MANIFEST).write_text("".join(f"{p[0]}  {p[1]}\n" for p in lines))
    assert set(owned(out)) == set(columns)
    assert _dspygen(built, "check", "models.py", "--out", "out", formatter=False).returncode == 1
