"""Path traversal and unsafe names: every case ends in a diagnostic with a code (or a click
usage error, exit 2), never a traceback, and nothing is written outside the output directory.

Each case runs the real CLI in a subprocess and compares every file under the test's folder
before and after, so a stray write anywhere (or a removal through a symbolic link) fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, assert_clean_failure, dspygen, files_under

from dspygen.manifest import records

MODELS = ROOT / "fixtures" / "qa" / "models.py"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder holding a copy of the qa models, the working directory of each case."""
    (tmp_path / "src").mkdir()
    shutil.copy(MODELS, tmp_path / "src" / "models.py")
    return tmp_path


BAD_NAMES = [
    ("--crate-name", "../x"),
    ("--crate-name", "/etc/x"),
    ("--crate-name", "a b"),
    ("--crate-name", "x\ny"),
    ("--crate-name", "My-Crate"),
    ("--crate-name", "class"),  # a Python keyword
    ("--crate-name", "fn"),  # Rust keywords, raw-able or not
    ("--crate-name", "self"),
    ("--crate-name", "crate"),
    ("--crate-name", "super"),
    ("--crate-name", "async"),
    ("--crate-name", "_"),
    ("--crate-name", "test"),  # sysroot and dependency crates, installed Python packages
    ("--crate-name", "std"),
    ("--crate-name", "serde"),
    ("--crate-name", "pyo3"),
    ("--crate-name", "pydantic"),
    ("--crate-name", ""),
    ("--module-name", "a/b"),
    ("--module-name", "../b"),
    ("--module-name", "a.b"),
    ("--module-name", "def"),
    ("--module-name", "json"),  # shadowed by the standard library
    ("--module-name", "dspy"),
]


@pytest.mark.parametrize(("option", "value"), BAD_NAMES, ids=[f"{o}={v!r}" for o, v in BAD_NAMES])
def test_unsafe_names_are_refused(project: Path, option: str, value: str) -> None:
    before = files_under(project)
    for command in ("check", "build"):
        done = dspygen(command, "src/models.py", "--out", "out", option, value, cwd=project)
        if value == "":
            # An empty name falls back to the default (the folder's name): it builds.
            assert done.returncode in (0, 1) and "Traceback" not in done.stderr
            continue
        assert_clean_failure(done, "DSG041")
        assert files_under(project) == before
        assert not (project / "out").exists()


@pytest.mark.parametrize("folder", ["test", "json", "serde", "fn"])
def test_a_default_crate_name_from_the_folder_is_checked_too(project: Path, folder: str) -> None:
    done = dspygen("build", "src/models.py", "--out", f"gen/{folder}", cwd=project)
    assert_clean_failure(done, "DSG041")
    assert not (project / "gen").exists()


def test_unsafe_names_in_pyproject_point_at_the_line(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\n\n[tool.dspygen]\nsources = ["src/*.py"]\nout = "out"\ncrate-name = "../../x"\n',
        encoding="utf-8",
    )
    before = files_under(project)
    done = dspygen("build", cwd=project)
    assert_clean_failure(done, "DSG041")
    assert done.stderr.startswith("pyproject.toml:7:1: error[DSG041]"), done.stderr
    assert files_under(project) == before


def test_output_directory_that_is_a_file(project: Path) -> None:
    (project / "taken").write_text("mine\n", encoding="utf-8")
    before = files_under(project)
    # On the command line click refuses it (usage error) ...
    assert_clean_failure(dspygen("build", "src/models.py", "--out", "taken", cwd=project), "", exit_code=2)
    # ... from pyproject.toml, or as a folder on the way, the writer does (DSG070).
    (project / "pyproject.toml").write_text(
        '[tool.dspygen]\nsources = ["src/models.py"]\nout = "taken"\ncrate-name = "qa_x"\n', encoding="utf-8"
    )
    before = files_under(project)
    assert_clean_failure(dspygen("build", cwd=project), "DSG070")
    assert_clean_failure(dspygen("build", "src/models.py", "--out", "taken/deeper", cwd=project), "DSG070")
    assert files_under(project) == before


def test_source_path_that_is_a_directory(project: Path) -> None:
    """A folder names the Python files below it (issue 16); one holding none is a usage error."""
    (project / "empty").mkdir()
    before = files_under(project)
    assert_clean_failure(dspygen("build", "empty", "--out", "out", cwd=project), "", exit_code=2)
    assert_clean_failure(dspygen("schema", "empty", cwd=project), "", exit_code=2)
    assert files_under(project) == before
    built = dspygen("build", "src", "--out", "out", cwd=project)
    assert built.returncode == 0, built.stderr
    assert (project / "out" / "src" / "models.rs").is_file()
    (project / "pyproject.toml").write_text('[tool.dspygen]\nsources = ["src"]\nout = "out2"\n', encoding="utf-8")
    assert dspygen("build", cwd=project).returncode == 0
    assert (project / "out2" / "src" / "models.rs").is_file()


def test_a_glob_skips_folders_and_other_files(project: Path) -> None:
    """`src/*` also matches `src/__pycache__` and a README: only the Python files are read."""
    (project / "src" / "__pycache__").mkdir()
    (project / "src" / "README.md").write_text("# not Python\n", encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.dspygen]\nsources = ["src/*", "**/*.py"]\nout = "out"\ncrate-name = "qa_x"\n', encoding="utf-8"
    )
    first = dspygen("build", cwd=project)
    assert first.returncode == 0, first.stderr
    # `**/*.py` matches the generated tests too; they are not read back as sources.
    second = dspygen("build", cwd=project)
    assert second.returncode == 0 and " 0 written" in second.stdout, second.stdout + second.stderr


def test_source_files_whose_module_name_is_not_an_identifier(project: Path) -> None:
    # `my-models.py` is importable by importlib (and PyO3), if by no `import` statement: read.
    for name in ("my models.py", "we\nird.py", 'quote".py', "bidi\u202e.py"):
        path = project / "src" / name
        shutil.copy(MODELS, path)
        before = files_under(project)
        done = dspygen("build", str(path), "--out", "out", "--crate-name", "qa_x", cwd=project)
        assert_clean_failure(done, "DSG041")
        assert "\n" not in done.stderr.splitlines()[0]  # the name is escaped, not printed raw
        assert "\u202e" not in done.stderr
        assert files_under(project) == before
        path.unlink()


def test_a_relative_out_escaping_upward_writes_only_there(tmp_path: Path) -> None:
    """`--out ../../bindings` is allowed; every file written is inside it."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    shutil.copy(MODELS, work / "models.py")
    before = files_under(tmp_path)
    done = dspygen("build", "models.py", "--out", "../../bindings", "--crate-name", "qa_x", cwd=work)
    assert done.returncode == 0, done.stderr
    after = files_under(tmp_path)
    added = sorted(set(after) - set(before))
    assert all(rel.startswith("bindings/") for rel in added), added
    assert {rel: after[rel] for rel in before} == before
    written = {rel.removeprefix("bindings/") for rel in added}
    listed = set(records((tmp_path / "bindings" / ".dspygen-manifest").read_text(encoding="utf-8")))
    assert written == listed | {".dspygen-manifest"}


def test_a_symbolic_link_inside_the_output_never_leads_a_write_outside(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = project / "out"
    out.mkdir()
    os.symlink(outside, out / "src")
    done = dspygen("build", "src/models.py", "--out", "out", "--crate-name", "qa_x", cwd=project)
    assert_clean_failure(done, "DSG070")
    assert list(outside.iterdir()) == []


def test_a_hostile_manifest_never_removes_files_outside(project: Path, tmp_path: Path) -> None:
    """The manifest lists files dspygen owns and removes once it no longer produces them: a
    checked-in manifest naming files through a link, `..` or an absolute path removes nothing."""
    outside = tmp_path / "outside"
    outside.mkdir()
    victims = {name: outside / name for name in ("linked", "dotdot", "absolute")}
    for path in victims.values():
        path.write_text("precious\n", encoding="utf-8")
    out = project / "out"
    out.mkdir()
    os.symlink(outside, out / "link")
    (out / ".dspygen-manifest").write_text(
        f"# Files written by dspygen\nlink/linked\n../../outside/dotdot\n{victims['absolute']}\n", encoding="utf-8"
    )
    done = dspygen("build", "src/models.py", "--out", "out", "--crate-name", "qa_x", cwd=project)
    assert_clean_failure(done, "DSG070")
    assert all(path.read_text(encoding="utf-8") == "precious\n" for path in victims.values())
    assert sorted(p.name for p in out.iterdir()) == [".dspygen-manifest", "link"]  # nothing written either
