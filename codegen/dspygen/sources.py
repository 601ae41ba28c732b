"""The source files a command line names, and where their crate goes when it says nowhere.

`dspygen build app/signatures.py` must work as written: FILES may be files, folders (every
Python file below, but hidden folders, caches and virtualenvs) or globs the shell did not
expand (`"app/*.py"`). Without `--out`, the crate is named after the entry's package (or the
file) with `_rs`, and written beside the project, never inside a package of the sources.
Reads names only, never file contents.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

GLOB = re.compile(r"[*?\[]")
# Folders whose Python files are not the project's sources.
SKIPPED = frozenset({"__pycache__", "node_modules", "site-packages", "build", "dist", "target"})


def expand(files: tuple[Path, ...]) -> tuple[list[Path], list[str]]:
    """The Python files `files` name, and the arguments that name none (to report)."""
    found: list[Path] = []
    empty: list[str] = []
    for given in files:
        text = str(given)
        if given.is_dir():
            matched = sorted(p for p in given.rglob("*.py") if p.is_file() and not _skipped(p.relative_to(given)))
        elif GLOB.search(text) and not given.exists():
            matched = sorted(Path(p) for p in glob.glob(text, recursive=True) if p.endswith(".py"))
            matched = [p for p in matched if p.is_file() and not _skipped(p)]
        else:
            matched = [given]
        if not matched:
            empty.append(text)
        found.extend(p for p in matched if p not in found)
    return found, empty


def _skipped(rel: Path) -> bool:
    return any(part in SKIPPED or (part.startswith(".") and part not in (".", "..")) for part in rel.parts[:-1])


def default_out(entries: list[Path], base: Path) -> Path:
    """Where the crate goes without `--out`: `<base>/<name>_rs`, `<name>` being the first
    entry's top package (or its file name); moved up beside the package when `base` lies
    inside a package of the sources, so that no crate lands inside importable code."""
    first = sorted(p.resolve() for p in entries)[0]
    folder, top = first.parent, first.stem
    while (folder / "__init__.py").is_file() and folder.name.isidentifier() and folder.parent != folder:
        top, folder = folder.name, folder.parent
    name = re.sub(r"\W", "_", top.lower()).strip("_") or "bindings"
    where = base.resolve()
    while (where / "__init__.py").is_file() and where.parent != where:
        where = where.parent
    return where / f"{name}_rs"


def unsafe_out(out: Path, sources: tuple[Path, ...]) -> str | None:
    """Why `out` may not be an output folder, or None: a filesystem root, the home folder, or a
    folder holding a source (a build prunes what it owns there; one edited manifest away from
    the user's own files); or no folder at all: a file, a symbolic link to nothing, a loop of them."""
    try:
        folder = out.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError on a loop of links
        return f"the output folder {out} is a loop of symbolic links"
    if out.is_symlink() and not folder.is_dir():
        return f"the output folder {out} is a symbolic link to {folder}, which is not a folder"
    if folder.exists() and not folder.is_dir():
        return f"the output folder {out} is a file, not a folder"
    if folder.parent == folder:
        return f"the output folder {out} is a filesystem root"
    if folder == Path.home().resolve():
        return f"the output folder {out} is your home folder"
    inside = next((s for s in sources if s.resolve().is_relative_to(folder)), None)
    if inside is not None:
        return f"the output folder {out} holds the source {inside}"
    return None
