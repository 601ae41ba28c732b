"""Writer stage: write-if-changed, the manifest of owned files, pruning and check/diff.

The only module that touches the output directory. It writes nothing outside it,
never overwrites a file it does not own, writes each file atomically (temporary file
and rename), and leaves files whose bytes are unchanged alone.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from dspygen.diagnostics import Code, Sink, Span, shown_path
from dspygen.merge import MERGED_FILES, merge_toml, same_toml

MANIFEST = ".dspygen-manifest"
MANIFEST_HEADER = "# Files written by dspygen; it removes those it no longer produces.\n"


@dataclass
class Changes:
    """What bringing the output directory up to date would do."""

    write: dict[str, str] = field(default_factory=dict)  # path -> new text
    unchanged: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.write or self.remove)


def owned(out_dir: Path) -> set[str]:
    """The files the manifest in `out_dir` lists (dspygen wrote them)."""
    try:
        text = (out_dir / MANIFEST).read_text(encoding="utf-8")
    except OSError:
        return set()
    return {line for line in text.splitlines() if line and not line.startswith("#") and _safe(line)}


def _safe(rel: str) -> bool:
    path = PurePosixPath(rel)
    return bool(rel) and not path.is_absolute() and ".." not in path.parts and "\\" not in rel


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def manifest_text(paths: list[str]) -> str:
    return MANIFEST_HEADER + "".join(f"{p}\n" for p in sorted(paths))


def plan_changes(out_dir: Path, files: dict[str, str], sink: Sink, merged: frozenset[str] = MERGED_FILES) -> Changes:
    """Compare rendered files (with the manifest) against the directory; `merged` files keep
    the keys a user added (merge.py)."""
    files = {**files, MANIFEST: manifest_text(list(files))}
    owned_now = owned(out_dir)
    changes = Changes()
    blocked: set[Path] = set()
    for rel in sorted(files):
        if not _safe(rel):
            sink.error(Code.OUTPUT_PATH, f"refusing to write {rel!r} outside {out_dir}", None)
            continue
        if _escapes(out_dir, rel, sink, "write"):
            continue
        target = out_dir / rel
        old = _read(target)
        if old is not None and rel in merged and rel in owned_now:
            files[rel] = merge_toml(old, files[rel])  # the user's extra keys survive
            if same_toml(old, files[rel]):
                files[rel] = old  # up to date; keep the user's layout of their keys
        if old == files[rel]:
            changes.unchanged.append(rel)
            continue
        blocker = _blocker(out_dir, rel)
        if blocker is not None:
            # A file where a folder must go (or a folder where a file must go) made
            # `apply` crash with a traceback half-way through writing.
            if blocker not in blocked:
                blocked.add(blocker)
                sink.error(
                    Code.OUTPUT_PATH,
                    f"{blocker} is in the way of {target}",
                    Span(str(blocker), 1, 1),
                    hint="move it away, or choose another output directory",
                )
            continue
        if target.exists() and rel not in owned_now and rel != MANIFEST:
            sink.error(
                Code.OUTPUT_PATH,
                f"{target} exists and was not written by dspygen; it would be overwritten",
                Span(str(target), 1, 1),
                hint="move the file away, or choose an empty output directory",
            )
            continue
        changes.write[rel] = files[rel]
        diff = difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            files[rel].splitlines(keepends=True),
            fromfile=f"{shown_path(target)} (on disk)" if old is not None else "/dev/null",
            tofile=f"{shown_path(target)} (generated)",
        )
        changes.diffs.append("".join(diff))
    for rel in sorted(owned_now - set(files)):
        if _escapes(out_dir, rel, sink, "remove"):
            continue
        if (out_dir / rel).is_file():
            changes.remove.append(rel)
            changes.diffs.append(f"--- {shown_path(out_dir / rel)} (on disk)\n+++ /dev/null (no longer generated)\n")
    return changes


def _escapes(out_dir: Path, rel: str, sink: Sink, verb: str) -> bool:
    """Report `rel` when a symbolic link inside `out_dir` leads it out of `out_dir`.

    A checked-out repository can hold such links (and the manifest naming them): without
    this, `build` wrote through `out/src -> ~/elsewhere` and removed `out/link/file`
    wherever `link` pointed.
    """
    root = out_dir.resolve()
    real = (out_dir / rel).resolve()
    if real == root or root in real.parents:
        return False
    sink.error(
        Code.OUTPUT_PATH,
        f"refusing to {verb} {out_dir / rel}: a symbolic link makes it {real}, outside {out_dir}",
        Span(str(out_dir / rel), 1, 1),
        hint="remove the symbolic link, or choose another output directory",
    )
    return True


def _blocker(out_dir: Path, rel: str) -> Path | None:
    """A non-folder standing where `rel` needs a folder, or a folder where it needs a file."""
    target = out_dir / rel
    for ancestor in out_dir.parents:  # `--out file/sub`: a file above the output folder
        if ancestor.exists():
            if not ancestor.is_dir():
                return ancestor
            break
    folders = [out_dir, *(out_dir / p for p in reversed(PurePosixPath(rel).parents[:-1]))]
    for folder in folders:
        if folder.exists() and not folder.is_dir():
            return folder
        if not folder.exists():
            return None
    return target if target.is_dir() else None


def _file_mode() -> int:
    """0o666 less the process umask (which can only be read by setting it)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def apply(out_dir: Path, changes: Changes) -> None:
    """Write the changed files atomically and remove owned files no longer produced."""
    mode = _file_mode()
    for rel, text in changes.write.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            # mkstemp creates the file 0600; give it the mode a plain open() would.
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    for rel in changes.remove:
        (out_dir / rel).unlink(missing_ok=True)
