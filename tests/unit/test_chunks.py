"""Rust files formatted item by item (chunks.py, format_cache.py) are the bytes rustfmt gives
for the whole file, and a rebuild formats only the items whose render changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dspygen import chunks, format_cache, pipeline
from dspygen import format as fmt
from dspygen.config import Target, load_targets
from dspygen.diagnostics import Sink
from dspygen.render.plan import Rendered

ROOT = Path(__file__).resolve().parents[2]


def _targets() -> list[Target]:
    sink = Sink()
    targets = load_targets(ROOT / "pyproject.toml", "pyproject.toml", sink)
    assert not sink.has_errors
    return targets


def _rendered(target: Target) -> Rendered:
    done = pipeline.render_target(target, ROOT, Sink())
    assert done is not None, target.crate_name
    return done[1]


@pytest.fixture(scope="module")
def rendered() -> dict[Path, Rendered]:
    return {t.out: _rendered(t) for t in _targets()}


def test_the_marker_lines_leave_the_render_as_it_was(rendered: dict[Path, Rendered]) -> None:
    """The manifests' render hashes (and so `dspygen check`) see the text without the markers."""
    cut = {rel for done in rendered.values() for rel in done.cuts}
    assert cut == {"src/models.rs", "src/signatures.rs", "src/bindings.rs", "tests/json_samples.rs"}
    for done in rendered.values():
        for rel, text in done.files.items():
            assert chunks.MARK not in text, rel


def test_items_formatted_apart_are_the_whole_file_formatted(rendered: dict[Path, Rendered]) -> None:
    """...for every fixture's Rust files: the checked-in bytes, and rustfmt's for the whole file."""
    rust = {out / rel: (done.files[rel], done.cuts[rel]) for out, done in rendered.items() for rel in done.cuts}
    texts = {str(path): text for path, (text, _) in rust.items()}
    whole = fmt.format_files(texts, Sink())
    apart = fmt.format_files(texts, Sink(), cuts={str(path): cuts for path, (_, cuts) in rust.items()})
    assert len(whole) == len(rust) > 50
    for path in rust:
        assert apart[str(path)] == whole[str(path)], path
        assert apart[str(path)] == path.read_text(encoding="utf-8"), path


def test_split_counts_the_blank_lines_between_items() -> None:
    text = "use a;\n\nstruct A;\n\n\nstruct B;\nstruct C;\n   \n\nstruct D;\n"
    # The cut before the blank-only stretch makes an empty item: its blank lines count as the gap.
    cuts = tuple(text.index(s) for s in ("struct A", "struct B", "struct C", "   \n", "struct D"))
    items = chunks.split(text, cuts)
    assert [i.text.strip() for i in items] == ["use a;", "struct A;", "struct B;", "struct C;", "struct D;"]
    assert [i.blank_before for i in items] == [False, True, True, False, True]
    formatted = fmt.format_files({"x.rs": text}, Sink())["x.rs"]
    assert fmt.format_files({"x.rs": text}, Sink(), cuts={"x.rs": cuts})["x.rs"] == formatted


def test_unpack_refuses_separators_that_did_not_come_back_as_sent() -> None:
    sent = chunks.payload(["struct A;", "struct B;"])
    assert chunks.unpack(sent, 2) == ["struct A;\n", "struct B;\n"]
    assert chunks.unpack(sent, 3) is None
    assert chunks.unpack(sent.replace(f"{chunks.MARK}\n", f"    {chunks.MARK}\n", 1), 2) is None
    assert chunks.unpack(sent + "struct C;\n", 2) is None


MODELS = "\n".join(f"#[derive(Debug)] pub struct M{i} {{ pub a: u32, pub b: Vec<u32> }}" for i in range(6))


def _runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts rustfmt is given from now on."""
    seen: list[str] = []
    real = fmt._rustfmt_one

    def recording(rustfmt: str, rel: str, text: str, scratch: Path) -> str | fmt._Failure:
        seen.append(text)
        return real(rustfmt, rel, text, scratch)

    monkeypatch.setattr(fmt, "_rustfmt_one", recording)
    return seen


def _cut(text: str) -> tuple[int, ...]:
    return tuple(i for i in range(1, len(text)) if text[i - 1] == "\n")


def test_a_rebuild_formats_only_the_items_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSPYGEN_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    text = f"{MODELS}\n"
    first = fmt.format_files({"m.rs": text}, Sink(), cuts={"m.rs": _cut(text)}, output=out)
    assert first == fmt.format_files({"m.rs": text}, Sink())
    seen = _runs(monkeypatch)
    edited = text.replace("pub struct M3 { pub a: u32", "pub struct M3 { pub a: u64")
    again = fmt.format_files({"m.rs": edited}, Sink(), cuts={"m.rs": _cut(edited)}, output=out)
    assert again == fmt.format_files({"m.rs": edited}, Sink())
    assert len(seen) == 2  # the changed item, then the whole file for the comparison
    assert "M3" in seen[0] and "M2" not in seen[0] and "M4" not in seen[0]
    # Nothing changed: nothing to format.
    seen.clear()
    fmt.format_files({"m.rs": edited}, Sink(), cuts={"m.rs": _cut(edited)}, output=out)
    assert seen == []


@pytest.mark.parametrize("record", ["not json", '{"key": [1, "other rustfmt"], "items": {}}', '{"key": 3}'])
def test_a_corrupt_or_foreign_record_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record: str) -> None:
    monkeypatch.setenv("DSPYGEN_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    text = f"{MODELS}\n"
    fmt.format_files({"m.rs": text}, Sink(), cuts={"m.rs": _cut(text)}, output=out)
    [path] = (tmp_path / "cache" / "format").iterdir()
    path.write_text(record, encoding="utf-8")
    seen = _runs(monkeypatch)
    again = fmt.format_files({"m.rs": text}, Sink(), cuts={"m.rs": _cut(text)}, output=out)
    assert again == fmt.format_files({"m.rs": text}, Sink())
    assert all(f"M{i}" in seen[0] for i in range(6))  # every item formatted again


def test_a_forged_record_from_another_rustfmt_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record names the rustfmt that wrote it: another version's items are formatted again."""
    monkeypatch.setenv("DSPYGEN_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    text = f"{MODELS}\n"
    items = chunks.split(text, _cut(text))
    format_cache.ItemCache(out, "rustfmt 0.0.0-other").store("m.rs", {i.sha: "garbage\n" for i in items})
    done = fmt.format_files({"m.rs": text}, Sink(), cuts={"m.rs": _cut(text)}, output=out)
    assert "garbage" not in done["m.rs"]
