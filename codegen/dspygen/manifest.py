"""The manifest of an output folder (`.dspygen-manifest`): the files dspygen wrote there, each
with the sha256 of the bytes it wrote and, for a formatted file, of its text before formatting.
Its own module, light (the standard library only), because `fingerprint.py` reads it before
anything heavy is imported, and `writer.py` writes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import PurePosixPath

MANIFEST = ".dspygen-manifest"
MANIFEST_HEADER = (
    "# Files written by dspygen, with the sha256 of what it wrote; it removes those it no longer\n"
    "# produces (only while they carry its header and that hash). A third column: the sha256 of the\n"
    "# text before formatting, so that an unchanged render is not formatted again.\n"
)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_text(files: dict[str, str], renders: Mapping[str, str] | None = None) -> str:
    """The manifest of `files`; `renders`: the sha256 of each formatted file's text before formatting."""
    renders = renders or {}
    lines = (f"{sha256(files[p])}  {p}" + (f"  {renders[p]}" if p in renders else "") for p in sorted(files))
    return MANIFEST_HEADER + "".join(f"{line}\n" for line in lines)


def records(text: str) -> dict[str, tuple[str | None, str | None]]:
    """Each path a manifest lists: (the sha256 written, the sha256 of its render before formatting)."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        digest, sep, rest = line.partition("  ")
        if not (sep and is_digest(digest)):
            digest, rest = "", line
        rel, sep, render = rest.rpartition("  ") if digest else (rest, "", "")
        if not (sep and is_digest(render)):
            rel, render = rest, ""
        if safe(rel):
            out[rel] = (digest or None, render or None)
    return out


def is_digest(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def safe(rel: str) -> bool:
    path = PurePosixPath(rel)
    return bool(rel) and not path.is_absolute() and ".." not in path.parts and "\\" not in rel
