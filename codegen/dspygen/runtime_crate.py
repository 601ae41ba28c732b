"""The runtime crate (runtime/ in a source checkout, `dspygen/runtime` in the wheel): its
version, its files, and the copy of it a build writes.

Every generated crate depends on the runtime by version and path. Until the runtime is
published, dspygen writes a copy of it where the configuration says (`runtime` in
[tool.dspygen], `--runtime`; by default `<out>/dspygen-runtime`) and owns that copy like any
output: a manifest, write-if-changed, `check` reports it stale. A folder that holds another
crate, or a runtime dspygen did not write, is a diagnostic, never overwritten. Naming the
folder dspygen ships the runtime from (a source checkout of dspygen, as this repository's own
configuration does) uses it as it is: it is the source, and nothing is written there.

This module must stay light: the fingerprint fast path of `check` imports it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from dspygen.config import Target
from dspygen.diagnostics import Code, Sink, Span
from dspygen.writer import Changes, owned, plan_changes

PACKAGE = Path(__file__).resolve().parent
_VERSION = re.compile(r'^version\s*=\s*"([^"]+)"', re.MULTILINE)


def shipped() -> Path:
    """The runtime's sources inside the wheel, or the repository's runtime/ in a source checkout."""
    packaged = PACKAGE / "runtime"
    return packaged if packaged.is_dir() else PACKAGE.parents[1] / "runtime"


def version() -> str:
    """The runtime's version, from its Cargo.toml (the one place it is written)."""
    found = _VERSION.search((shipped() / "Cargo.toml").read_text(encoding="utf-8"))
    assert found is not None, "runtime/Cargo.toml names its version"
    return found.group(1)


def files() -> dict[str, str]:
    """The files of a copy: the manifest, the README and the sources (no lock file, no build
    output), by their path in the folder."""
    root = shipped()
    paths = [root / "Cargo.toml", root / "README.md", *sorted((root / "src").rglob("*.rs"))]
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in paths}


def is_source(folder: Path) -> bool:
    """Whether `folder` is the runtime dspygen ships (a source checkout's runtime/)."""
    return folder.resolve() == shipped().resolve()


def check_folder(folder: Path, sink: Sink, owner: Path | None = None) -> bool:
    """Report a runtime folder dspygen may not write: one holding a crate it did not write.
    `owner`: the output folder whose manifest lists the copy (a target's own copy), else the
    runtime folder's own."""
    cargo = folder / "Cargo.toml"
    manifest_dir = owner if owner is not None else folder
    listed = Path(os.path.relpath(cargo.resolve(), manifest_dir.resolve())).as_posix()
    if is_source(folder) or not cargo.is_file() or listed in owned(manifest_dir):
        return True
    try:
        text = cargo.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    found = _VERSION.search(text)
    if 'name = "dspygen-runtime"' in text and found is not None:
        what = f"dspygen-runtime {found.group(1)}, which dspygen did not write (this dspygen writes {version()})"
    else:
        what = "a crate dspygen did not write"
    sink.error(
        Code.RUNTIME_FOLDER,
        f"the runtime folder {folder} holds {what}",
        Span(str(cargo), 1, 1),
        hint=f"point `runtime` at a new folder, or remove {folder} (dspygen then owns the copy it writes)",
    )
    return False


def changes(folder: Path, sink: Sink) -> Changes | None:
    """What bringing a shared runtime folder up to date would do; None for the source itself
    or when the folder is not dspygen's to write."""
    if is_source(folder) or not check_folder(folder, sink):
        return None
    planned = plan_changes(folder, files(), sink, merged=frozenset())
    return None if sink.has_errors else planned


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def shared(targets: list[Target]) -> list[Path]:
    """The runtime folders outside every target's output that a target depends on, once each
    (a target's own copy is one more file of its output: pipeline.py)."""
    found: dict[Path, Path] = {}
    for target in targets:
        folder = target.runtime_folder
        if not inside(folder, target.out) and not is_source(folder):
            found.setdefault(folder.resolve(), folder)
    return list(found.values())
