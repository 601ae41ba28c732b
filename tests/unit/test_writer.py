"""writer.py: write-if-changed, the manifest, pruning, refusals and check-mode diffs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dspygen.diagnostics import Code, Sink
from dspygen.writer import MANIFEST, MANIFEST_HEADER, Changes, apply, manifest_text, plan_changes

FILES = {
    "notes.txt": "generated notes\n",
    "src/lib.rs": "pub mod models;\n",
    "src/models.rs": "pub struct A;\n",
    "tests/deep/nested/t.py": "print('hi')\n",
}
OLD = 1_000_000_000  # an mtime far in the past, so any rewrite shows


def build(out: Path, files: dict[str, str]) -> tuple[Changes, Sink]:
    sink = Sink()
    changes = plan_changes(out, files, sink)
    if not sink.has_errors:
        apply(out, changes)
    return changes, sink


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under root: bytes, mtime and mode."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st = path.stat()
            out[path.relative_to(root).as_posix()] = (path.read_bytes(), st.st_mtime_ns, st.st_mode)
    return out


def age(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (OLD, OLD))


def test_first_build_writes_files_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    changes, sink = build(out, FILES)
    assert not sink.items
    assert sorted(changes.write) == sorted([*FILES, MANIFEST])
    for rel, text in FILES.items():
        assert (out / rel).read_bytes() == text.encode()
    manifest = (out / MANIFEST).read_text(encoding="utf-8")
    assert manifest == manifest_text(list(FILES))
    assert manifest.startswith(MANIFEST_HEADER)
    listed = [line for line in manifest.splitlines() if not line.startswith("#")]
    assert listed == sorted(FILES)
    assert MANIFEST not in listed


def test_written_files_get_the_umask_mode_and_no_temporaries_remain(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, FILES)
    umask = os.umask(0o022)
    os.umask(umask)
    for rel in [*FILES, MANIFEST]:
        assert (out / rel).stat().st_mode & 0o777 == 0o666 & ~umask, rel
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted([*FILES, MANIFEST])


def test_unchanged_bytes_are_not_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, FILES)
    age(out)
    before = snapshot(out)
    changes, sink = build(out, FILES)
    assert not sink.items
    assert changes.write == {}
    assert changes.remove == []
    assert not changes.stale
    assert sorted(changes.unchanged) == sorted([*FILES, MANIFEST])
    assert snapshot(out) == before


def test_only_the_changed_file_is_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, FILES)
    age(out)
    changes, _ = build(out, {**FILES, "src/models.rs": "pub struct B;\n"})
    assert list(changes.write) == ["src/models.rs"]
    after = snapshot(out)
    assert after["src/models.rs"][0] == b"pub struct B;\n"
    assert after["src/models.rs"][1] != OLD * 10**9
    assert all(mtime == OLD * 10**9 for rel, (_, mtime, _) in after.items() if rel != "src/models.rs")


def test_stale_owned_files_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, FILES)
    fewer = {k: v for k, v in FILES.items() if k != "src/models.rs"}
    changes, sink = build(out, fewer)
    assert not sink.items
    assert changes.remove == ["src/models.rs"]
    assert not (out / "src/models.rs").exists()
    assert (out / "src/lib.rs").exists()
    assert (out / MANIFEST).read_text(encoding="utf-8") == manifest_text(list(fewer))


def test_owned_file_deleted_by_hand_is_not_reported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, FILES)
    (out / "src/models.rs").unlink()
    fewer = {k: v for k, v in FILES.items() if k != "src/models.rs"}
    changes, _ = build(out, fewer)
    assert changes.remove == []


def test_files_next_to_the_output_that_dspygen_does_not_own_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, FILES)
    (out / "README.md").write_text("mine\n", encoding="utf-8")
    (out / "target").mkdir()
    (out / "target" / "junk").write_text("x", encoding="utf-8")
    changes, _ = build(out, FILES)
    assert changes.remove == []
    assert (out / "README.md").read_text(encoding="utf-8") == "mine\n"
    assert (out / "target" / "junk").exists()


def test_unowned_existing_file_is_refused_and_left_intact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "src").mkdir(parents=True)
    (out / "src/lib.rs").write_text("// my own code\n", encoding="utf-8")
    sink = Sink()
    changes = plan_changes(out, FILES, sink)
    errors = [d for d in sink.items if d.code is Code.OUTPUT_PATH]
    assert len(errors) == 1
    assert errors[0].code.id == "DSG070"
    assert errors[0].span is not None and errors[0].span.path.endswith("src/lib.rs")
    assert "src/lib.rs" not in changes.write
    apply(out, changes)  # even applied, the refused file is not touched
    assert (out / "src/lib.rs").read_text(encoding="utf-8") == "// my own code\n"


def test_unowned_file_with_identical_bytes_is_adopted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "src").mkdir(parents=True)
    (out / "src/lib.rs").write_text(FILES["src/lib.rs"], encoding="utf-8")
    changes, sink = build(out, FILES)
    assert not sink.items
    assert "src/lib.rs" in changes.unchanged
    assert "src/lib.rs" in (out / MANIFEST).read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("rel", ["../escape.rs", "src/../../escape.rs", "/tmp/dspygen-absolute.rs", "a\\..\\b.rs", ""])
def test_paths_leaving_the_output_are_refused(tmp_path: Path, rel: str) -> None:
    out = tmp_path / "out"
    sink = Sink()
    changes = plan_changes(out, {**FILES, rel: "evil\n"}, sink)
    assert [d.code for d in sink.items] == [Code.OUTPUT_PATH]
    assert rel not in changes.write
    apply(out, changes)
    assert not (tmp_path / "escape.rs").exists()
    assert not Path("/tmp/dspygen-absolute.rs").exists()


def test_a_tampered_manifest_cannot_remove_files_outside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, FILES)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    manifest = out / MANIFEST
    manifest.write_text(manifest.read_text(encoding="utf-8") + f"../victim.txt\n{victim}\n", encoding="utf-8")
    changes, sink = build(out, FILES)
    assert changes.remove == []
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not sink.items


def test_check_mode_diffs_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, FILES)
    (out / "src/models.rs").write_text("pub struct Edited;\n", encoding="utf-8")
    (out / "src/lib.rs").unlink()
    (out / "old.rs").write_text("stale\n", encoding="utf-8")
    (out / MANIFEST).write_text(manifest_text([*FILES, "old.rs"]), encoding="utf-8")
    age(out)
    before = snapshot(out)
    sink = Sink()
    changes = plan_changes(out, FILES, sink)  # check mode: plan, never apply
    assert not sink.items
    assert changes.stale
    assert sorted(changes.write) == [MANIFEST, "src/lib.rs", "src/models.rs"]
    assert changes.remove == ["old.rs"]
    text = "".join(changes.diffs)
    assert f"--- {out / 'src/models.rs'} (on disk)\n+++ {out / 'src/models.rs'} (generated)\n@@" in text
    assert "-pub struct Edited;\n+pub struct A;\n" in text
    assert f"--- /dev/null\n+++ {out / 'src/lib.rs'} (generated)\n" in text
    assert "+pub mod models;\n" in text
    assert f"--- {out / 'old.rs'} (on disk)\n+++ /dev/null" in text
    assert snapshot(out) == before


@pytest.mark.parametrize("blocker", ["", "src", "tests/deep"])
def test_a_file_where_a_folder_must_go_is_a_diagnostic(tmp_path: Path, blocker: str) -> None:
    out = tmp_path / "out"
    if blocker:
        out.mkdir()
    in_the_way = out / blocker if blocker else out
    in_the_way.parent.mkdir(parents=True, exist_ok=True)
    in_the_way.write_text("a file\n", encoding="utf-8")
    sink = Sink()
    changes = plan_changes(out, FILES, sink)
    assert sink.has_errors
    assert {d.code for d in sink.items} == {Code.OUTPUT_PATH}
    assert [d.span.path for d in sink.items if d.span is not None] == [str(in_the_way)]  # once, not per file
    assert in_the_way.read_text(encoding="utf-8") == "a file\n"
    assert not any(rel.startswith(f"{blocker}/") for rel in changes.write) if blocker else changes.write == {}


def test_a_folder_where_an_owned_file_must_go_is_a_diagnostic(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, FILES)
    (out / "src/models.rs").unlink()
    (out / "src/models.rs").mkdir()
    sink = Sink()
    changes = plan_changes(out, FILES, sink)
    assert [d.code for d in sink.items] == [Code.OUTPUT_PATH]
    assert "src/models.rs" not in changes.write
