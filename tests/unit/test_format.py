"""The format stage gives the same bytes whatever rustfmt configuration the machine holds."""

from __future__ import annotations

import shutil
import subprocess
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
