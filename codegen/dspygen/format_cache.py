"""Format stage helper: each big output file's formatted items, kept from its last build.

One record per output file in the user's cache folder (beside the fingerprints), holding the
formatted text of each of the file's items by the sha256 of its render, and which rustfmt
formatted them. Only the last build's items are kept, so the record never grows past the file.
A record that is missing, unreadable, foreign or from another rustfmt is simply not used: the
items are formatted again, so the cache can make a build slower, never different.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

from dspygen.user_cache import cache_dir

VERSION = 1


@functools.cache
def rustfmt_identity(rustfmt: str) -> str | None:
    """rustfmt's own account of its version (a toolchain update changes it behind the same
    path), or None when it cannot say: then nothing is cached."""
    try:
        done = subprocess.run([rustfmt, "--version"], capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


class ItemCache:
    """The formatted items of the files of one output folder."""

    def __init__(self, out: Path, tool: str) -> None:
        self.out = str(out.resolve())
        self.tool = tool

    def _path(self, rel: str) -> Path:
        key = hashlib.sha256(f"{self.out}\0{rel}".encode()).hexdigest()[:32]
        return cache_dir() / "format" / f"{key}.json"

    def load(self, rel: str) -> dict[str, str]:
        try:
            record = json.loads(self._path(rel).read_text(encoding="utf-8", errors="surrogatepass"))
        except (OSError, ValueError):
            return {}
        if not isinstance(record, dict) or record.get("key") != [VERSION, self.tool, self.out, rel]:
            return {}
        items = record.get("items")
        if not isinstance(items, dict) or not all(isinstance(v, str) for v in items.values()):
            return {}
        return items

    def store(self, rel: str, items: dict[str, str]) -> None:
        path = self._path(rel)
        text = json.dumps({"key": [VERSION, self.tool, self.out, rel], "items": items}, ensure_ascii=False)
        with contextlib.suppress(OSError):  # a read-only cache only makes the next build slower
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as handle:
                    handle.write(text)
                os.replace(scratch, path)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(scratch)
