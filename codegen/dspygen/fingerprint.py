"""Writer stage helper: a machine-local fingerprint of each build, for a fast `check`.

After a build (or a check that found the output fresh), dspygen records in the user's
cache folder a hash of everything that decides the output (dspygen's own code, the
templates, the sources, the target's options, the formatters) and a hash of every file
it owns in the output directory. When both still match, the output is up to date
without parsing, rendering or formatting anything: the pre-commit hook and
`dspygen check` then cost a fraction of `import dspy`. A miss only means the full
pipeline runs, so a stale or missing record is never wrong, just slower. The record
holds machine-specific facts (tool paths), which is why it lives outside the repository.
This module must stay light: it is imported before libcst and Jinja.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

from dspygen.config import Target
from dspygen.limits import MAX_SOURCE_BYTES
from dspygen.manifest import MANIFEST, records
from dspygen.user_cache import cache_dir

PACKAGE = Path(__file__).resolve().parent

JOURNAL = ".dspygen-journal"  # writer.py's: a build into the folder was interrupted


def _record_path(target: Target) -> Path:
    key = hashlib.sha256(str(target.out.resolve()).encode()).hexdigest()[:32]
    return cache_dir() / f"{key}.fingerprint"


def _shipped_templates() -> Path:
    packaged = PACKAGE / "templates"
    return packaged if packaged.is_dir() else PACKAGE.parents[1] / "templates"


def _shipped_runtime() -> Path:
    """The runtime's sources (runtime_crate.py's rule; not imported: this module stays light)."""
    packaged = PACKAGE / "runtime"
    return packaged if packaged.is_dir() else PACKAGE.parents[1] / "runtime"


def _files(folder: Path, pattern: str) -> Iterable[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def _tool_identity(name: str) -> str:
    """Where a formatter is and which toolchains exist: a new rustfmt may format differently."""
    found = shutil.which(name)
    parts = [name, str(found)]
    if found:
        stat = Path(found).stat()
        parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
    toolchains = Path.home() / ".rustup" / "toolchains"
    if name == "rustfmt" and toolchains.is_dir():
        parts.extend(sorted(p.name for p in toolchains.iterdir()))
    return "|".join(parts)


class _Digest:
    def __init__(self) -> None:
        self.sha = hashlib.sha256()

    def add(self, label: str, data: bytes) -> None:
        self.sha.update(f"{label}\0{len(data)}\0".encode())
        self.sha.update(data)


@functools.cache
def _shared_hash(templates: Path | None) -> str:
    """What every target with these templates shares (dspygen's code, the templates, the
    formatters), hashed once per process: a project has many targets."""
    digest = _Digest()
    for path in _files(PACKAGE, "*.py"):
        digest.add(f"pkg:{path.relative_to(PACKAGE).as_posix()}", path.read_bytes())
    for folder in (_shipped_templates(), templates):
        if folder is not None and folder.is_dir():
            for path in _files(folder, "*"):
                digest.add(f"tpl:{folder}:{path.relative_to(folder).as_posix()}", path.read_bytes())
    runtime = _shipped_runtime()  # copied into the output: an edit to it must rebuild the copy
    for path in [runtime / "Cargo.toml", runtime / "README.md", *_files(runtime / "src", "*.rs")]:
        if path.is_file():
            digest.add(f"rt:{path.relative_to(runtime).as_posix()}", path.read_bytes())
    digest.add("tools", "\0".join(_tool_identity(t) for t in ("rustfmt", "ruff")).encode())
    return digest.sha.hexdigest()


def _source_bytes(path: Path) -> bytes:
    """A source's bytes; a marker for one that is missing, or not a regular file (a pipe would
    block, a link to /dev/zero never end): the pipeline then runs and reports it."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SOURCE_BYTES:
            return b"\0not a source file"
        return path.read_bytes()
    except OSError:
        return b"\0missing"


def inputs_hash(target: Target, base: Path, read: Iterable[Path] = ()) -> str:
    """`read`: every source file the build read besides the target's own (import following)."""
    digest = _Digest()
    digest.add("shared", _shared_hash(target.templates).encode())
    for source in sorted({*target.sources, *read}):
        data = _source_bytes(source)
        digest.add(f"src:{source.resolve()}", data)
    # every option of the target (its type mappings too), so that no config change is missed
    options = dataclasses.replace(target, sources=(), out=target.out.resolve())
    digest.add("options", f"{options!r}\0{base}".encode())
    return digest.sha.hexdigest()


def _outputs(target: Target) -> list[str] | None:
    """`sha  path` lines for the manifest and every file it lists, or None if one is missing."""
    try:
        manifest = (target.out / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = []
    for rel in [MANIFEST, *records(manifest)]:
        try:
            lines.append(f"{hashlib.sha256((target.out / rel).read_bytes()).hexdigest()}  {rel}")
        except OSError:
            return None
    return lines


def owned_files(target: Target) -> int:
    """How many files the target's manifest lists, with the manifest itself."""
    outputs = _outputs(target)
    return 0 if outputs is None else len(outputs)


def up_to_date(target: Target, base: Path) -> bool:
    """True when the last recorded build had these inputs and its outputs are untouched (and
    no build into the folder was interrupted since)."""
    if (target.out / JOURNAL).exists():
        return False
    try:
        recorded = _record_path(target).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    read = [Path(line[len(READ) :]) for line in recorded if line.startswith(READ)]
    rest = [line for line in recorded if not line.startswith(READ)]
    if not rest or rest[0] != f"inputs {inputs_hash(target, base, read)}":
        return False
    return rest[1:] == _outputs(target)


READ = "read "  # a record line naming a source file the build read (import following)


def record(target: Target, base: Path, read: Iterable[Path] = ()) -> None:
    """Remember that the output directory is up to date for the current inputs; `read`: the
    source files the build read, whose edits must make the next check run the pipeline."""
    outputs = _outputs(target)
    if outputs is None:
        return
    path = _record_path(target)
    read = sorted(set(read))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        lines = [f"inputs {inputs_hash(target, base, read)}", *(f"{READ}{p}" for p in read), *outputs]
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only makes the next check slower
