"""Crash-safe builds and ownership (issue 17): a build killed (SIGKILL, as `kill -9`) at every
step of its writes leaves a folder the next run finishes or rolls back by itself, with no temp
file left; `check` reports the interrupted build; concurrent builds take turns; a manifest
edited to list other files removes nothing of theirs; `build` never computes a diff.

The kill points are the writer's own (writer.py `_step`, the test seam KILL_AT_ENV): after the
journal, after each staged file, after the commit mark, after each rename and removal, after
the journal is gone. Every one of them is tried, on a fresh build and on an update.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from conftest import DSPYGEN, ROOT, dspygen, files_under

from dspygen.manifest import MANIFEST
from dspygen.writer import JOURNAL, KILL_AT_ENV, STAGED, owned

FIRST = """\
from pydantic import BaseModel


class Point(BaseModel):
    x: int
    y: int = 0
"""
# An update that rewrites files and removes one (the stub of the renamed module).
SECOND = (
    FIRST
    + """

class Line(BaseModel):
    start: Point
    end: Point
"""
)
# A runtime folder of its own, unless DSPYGEN_CRASH_QUICK names dspygen's source runtime (never
# written): then the kill points are the crate's alone, a third as many.
RUNTIME = str(ROOT / "runtime") if os.environ.get("DSPYGEN_CRASH_QUICK") else "rt"
ARGS = ("build", "m.py", "--out", "out", "--crate-name", "point_rs", "--runtime", RUNTIME)


def _killed_build(folder: Path, step: int, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update({"NO_COLOR": "1", KILL_AT_ENV: str(step)})
    return subprocess.run(
        [DSPYGEN, *ARGS, *extra], cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _clean(tmp_path: Path, source: str, *extra: str) -> dict[str, bytes]:
    folder = tmp_path / "clean"
    folder.mkdir(exist_ok=True)
    (folder / "m.py").write_text(source, encoding="utf-8")
    done = dspygen(*ARGS, *extra, cwd=folder)
    assert done.returncode == 0, done.stderr
    return files_under(folder / "out") | {f"rt/{k}": v for k, v in files_under(folder / "rt").items()}


def _out(tree: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in tree.items() if not k.startswith("rt/")}


def _runtime(tree: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in tree.items() if k.startswith("rt/")}


def _tree(folder: Path) -> dict[str, bytes]:
    return files_under(folder / "out") | {f"rt/{k}": v for k, v in files_under(folder / "rt").items()}


@pytest.mark.parametrize(("before", "after", "extra"), [("", FIRST, ()), (FIRST, SECOND, ("--module-name", "lines"))])
def test_a_build_killed_at_any_step_is_finished_or_rolled_back(
    tmp_path: Path, before: str, after: str, extra: tuple[str, ...]
) -> None:
    expected = _clean(tmp_path, after, *extra)
    prepared = tmp_path / "before"
    prepared.mkdir()
    if before:
        (prepared / "m.py").write_text(before, encoding="utf-8")
        assert dspygen(*ARGS, cwd=prepared).returncode == 0
    start = _tree(prepared)
    step, tried = 0, 0
    while True:
        step += 1
        folder = tmp_path / f"run{step}"
        shutil.copytree(prepared, folder, symlinks=True)
        (folder / "m.py").write_text(after, encoding="utf-8")
        done = _killed_build(folder, step, *extra)
        if done.returncode == 0:  # the build has fewer steps: every one was tried
            break
        assert done.returncode == -signal.SIGKILL, done.stderr
        tried += 1
        middle = _tree(folder)
        if (folder / "out" / JOURNAL).exists() or (folder / "rt" / JOURNAL).exists():
            check = dspygen("check", *ARGS[1:], *extra, cwd=folder)
            assert check.returncode == 1 and "was interrupted before it finished" in check.stderr, check.stderr
            assert _tree(folder) == middle  # check writes nothing
        else:  # each folder killed before its journal (nothing written) or after it was gone (all written)
            for part in (_out, _runtime):
                assert part(middle) in (part(start), part(expected)), step
        again = dspygen(*ARGS, *extra, cwd=folder)
        assert again.returncode == 0, again.stderr
        got = _tree(folder)
        assert got == expected, f"step {step}: {sorted(set(got) ^ set(expected))}"
        assert not [p for p in got if p.endswith(STAGED) or JOURNAL in p], step
    assert tried >= 10, f"only {tried} kill points"
    print(f"[crash safety] {tried} kill points tried, each finished or rolled back by the next build")


def test_concurrent_builds_into_one_folder_take_turns(tmp_path: Path) -> None:
    expected = _clean(tmp_path, SECOND)
    folder = tmp_path / "both"
    folder.mkdir()
    (folder / "m.py").write_text(SECOND, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    runs = [
        subprocess.Popen([DSPYGEN, *ARGS], cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()
    assert _tree(folder) == expected


def test_a_tampered_manifest_removes_nothing_it_names(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(FIRST, encoding="utf-8")
    assert dspygen(*ARGS, cwd=tmp_path).returncode == 0
    out = tmp_path / "out"
    (out / "NOTES.md").write_text("my notes\n", encoding="utf-8")
    manifest = out / MANIFEST
    import hashlib

    digest = hashlib.sha256(b"my notes\n").hexdigest()
    manifest.write_text(manifest.read_text(encoding="utf-8") + f"{digest}  NOTES.md\n", encoding="utf-8")
    (tmp_path / "m.py").write_text(SECOND, encoding="utf-8")
    done = dspygen(*ARGS, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (out / "NOTES.md").read_text(encoding="utf-8") == "my notes\n"
    assert "NOTES.md is no longer generated, but it does not carry dspygen's header: kept" in done.stderr
    assert "NOTES.md" not in owned(out)


def test_an_edited_stale_generated_file_is_kept(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(FIRST, encoding="utf-8")
    assert dspygen(*ARGS, cwd=tmp_path).returncode == 0
    stub = tmp_path / "out" / "point_rs.pyi"
    stub.write_text(stub.read_text(encoding="utf-8") + "# my addition\n", encoding="utf-8")
    done = dspygen(*ARGS, "--module-name", "lines", cwd=tmp_path)  # the stub is renamed: the old one is stale
    assert done.returncode == 0, done.stderr
    assert stub.exists() and "was edited since dspygen wrote it: kept" in done.stderr


def test_build_never_computes_a_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A diff is printed by `check --diff` only; computing one for every rewritten file made a
    rebuild of 800 models take 6 times a fresh build."""
    import difflib

    from click.testing import CliRunner

    from dspygen.cli import main

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("build computed a diff")

    monkeypatch.setattr(difflib, "unified_diff", refuse)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text(FIRST, encoding="utf-8")
    assert CliRunner().invoke(main, list(ARGS)).exit_code == 0
    (tmp_path / "m.py").write_text(SECOND, encoding="utf-8")
    result = CliRunner().invoke(main, list(ARGS))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("out", ["/", "HOME", ".", "pkg/.."])
def test_output_folders_that_hold_more_than_a_crate_are_refused(tmp_path: Path, out: str) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(FIRST, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"HOME": str(home), "NO_COLOR": "1"}
    where = str(home) if out == "HOME" else out
    done = subprocess.run(
        [DSPYGEN, "build", "pkg/m.py", "--out", where],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "error[DSG070]: the output folder" in done.stderr, done.stderr
    assert files_under(home) == {} and sorted(files_under(tmp_path)) == ["pkg/m.py"]


def test_a_copy_written_before_headers_and_hashes_is_taken_over(tmp_path: Path) -> None:
    """A runtime copy an earlier dspygen wrote (no header, a manifest of bare paths) is
    overwritten with the headed copy, not refused as someone else's."""
    (tmp_path / "m.py").write_text(FIRST, encoding="utf-8")
    assert dspygen("build", "m.py", "--out", "out", cwd=tmp_path).returncode == 0
    out = tmp_path / "out"
    listed = owned(out)
    for rel in listed:
        path = out / rel
        if rel.startswith("dspygen-runtime/"):
            path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")  # no header
    (out / MANIFEST).write_text("# old\n" + "".join(f"{rel}\n" for rel in sorted(listed)), encoding="utf-8")
    done = dspygen("build", "m.py", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (out / "dspygen-runtime" / "src" / "lib.rs").read_text(encoding="utf-8").startswith("// @generated")
    assert all(digest is not None for digest in owned(out).values())
