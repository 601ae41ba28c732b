"""Every bad configuration value is a located diagnostic, never a traceback (issue 17): values of
the wrong type, NUL in paths, a pyproject that is not UTF-8, dependency names Cargo would not
take (or that would break the generated Cargo.toml), globs reaching outside the project."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_clean_failure, dspygen, files_under

TARGET = '[tool.dspygen]\nsources = ["m.py"]\nout = "o"\n'
MAPPING = TARGET + '[tool.dspygen.types."m.X"]\nrust = "a::B"\n'
CASES = {
    "tool_not_a_table": "tool = 5\n",
    "dspygen_not_a_table": "[tool]\ndspygen = 5\n",
    "crate_name_int": TARGET + "crate-name = 5\n",
    "module_name_list": TARGET + 'module-name = ["a"]\n',
    "templates_int": TARGET + "templates = 5\n",
    "nul_in_source": '[tool.dspygen]\nsources = ["m\\u0000.py"]\nout = "o"\n',
    "nul_in_out": '[tool.dspygen]\nsources = ["m.py"]\nout = "o\\u0000x"\n',
    "dependency_path_int": MAPPING + "dependencies = { a = { path = 5 } }\n",
    "dependency_name_with_space": MAPPING + 'dependencies = { "pyo3 " = "1" }\n',
    "dependency_name_breaking_toml": MAPPING + 'dependencies = { "x\\"\\n[evil]" = "1" }\n',
    "dependency_unknown_key": MAPPING + 'dependencies = { a = { version = "1", build = "x" } }\n',
    "glob_from_the_root": '[tool.dspygen]\nsources = ["/**/*.py"]\nout = "o"\n',
    "glob_going_up": '[tool.dspygen]\nsources = ["../*.py"]\nout = "o"\n',
    "exclude_not_a_list": TARGET + 'exclude = "m.X"\n',
    "import_names_not_a_table": TARGET + 'import-names = ["m"]\n',
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_configuration_values(name: str, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("from pydantic import BaseModel\n\n\nclass A(BaseModel):\n    x: int\n")
    (tmp_path / "pyproject.toml").write_text(CASES[name], encoding="utf-8")
    before = files_under(tmp_path)
    for command in ("check", "build"):
        assert_clean_failure(dspygen(command, cwd=tmp_path, timeout=30), "DSG050")
    assert files_under(tmp_path) == before


def test_a_pyproject_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.dspygen]\nsources = ["m.py"]\nout = "\xff"\n')
    assert_clean_failure(dspygen("build", cwd=tmp_path, timeout=30), "DSG050")


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_source_that_is_not_a_regular_file_is_refused_not_read(kind: str, tmp_path: Path) -> None:
    """A FIFO would block the read forever, a link to /dev/zero never end it."""
    import os

    source = tmp_path / "s.py"
    if kind == "fifo":
        os.mkfifo(source)
    else:
        os.symlink("/dev/zero", source)
    (tmp_path / "pyproject.toml").write_text('[tool.dspygen]\nsources = ["s.py"]\nout = "o"\n')
    for command in ("check", "build"):
        assert_clean_failure(dspygen(command, cwd=tmp_path, timeout=30), "DSG002")
    assert_clean_failure(dspygen("schema", "s.py", cwd=tmp_path, timeout=30), "DSG002")
