"""Downloads pinned files into the cache, checks their sha256, and extracts them safely.

Archives are strangers' files: a member is extracted only when it is a regular file with a
relative path that stays inside the extraction folder, within size limits; links, devices,
absolute and `../` paths are skipped and counted, never followed. Only what dspygen reads is
extracted (Python sources and pyproject.toml, which tells where a project's root is).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from corpus.pins import Package

MAX_DOWNLOAD = 64 * 2**20  # bytes; the largest pinned file is well under 2 MiB
MAX_MEMBER = 4 * 2**20  # one extracted file
MAX_TOTAL = 256 * 2**20  # all extracted files of one archive (a zip bomb stops here)
MAX_MEMBERS = 50_000
WANTED_SUFFIXES = (".py",)
WANTED_NAMES = ("pyproject.toml",)


class FetchError(Exception):
    """A download failed or its hash did not match: the package is not measured."""


def cache_dir() -> Path:
    """Outside every repository: dspygen looks for pyproject.toml upwards from where it runs,
    and must not find this repository's own."""
    if explicit := os.environ.get("DSPYGEN_CORPUS_CACHE"):
        return Path(explicit).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser().resolve() / "dspygen-corpus"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(package: Package, cache: Path, find_links: Path | None = None) -> Path:
    """The pinned file, from the cache when its hash matches, else fetched by pip (by name and
    version, the ordinary client) and checked against the pinned sha256. `find_links`: a
    folder to take the file from instead of the index (the offline tests)."""
    target = cache / "files" / package.sha256 / package.filename
    if target.is_file():
        if _sha256(target) == package.sha256:
            return target
        target.unlink()  # a corrupted cache entry is fetched again, never used
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".part-") as folder:
        argv = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
        argv += ["--ignore-requires-python"]  # only read, never installed: any Python the wheel asks for
        argv += ["--no-index", "--find-links", str(find_links)] if find_links is not None else []
        done = subprocess.run(
            [*argv, "-d", folder, f"{package.name}=={package.version}"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        got = Path(folder) / package.filename
        if done.returncode != 0 or not got.is_file():
            detail = (done.stderr.strip().splitlines() or ["no such file"])[-1]
            raise FetchError(f"{package.name}: pip did not download {package.filename}: {detail}")
        if got.stat().st_size > MAX_DOWNLOAD:
            raise FetchError(f"{package.name}: {package.filename} is larger than {MAX_DOWNLOAD} bytes")
        digest = _sha256(got)
        if digest != package.sha256:
            raise FetchError(
                f"{package.name}: sha256 of {package.filename} is {digest}, "
                f"not the pinned {package.sha256}; refusing to use it"
            )
        os.replace(got, target)
    return target


@dataclass
class Extracted:
    root: Path  # the project's root: where dspygen runs
    files: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def safe_relative(name: str) -> PurePosixPath | None:
    """NAME as a path inside the extraction folder, or None when it could leave it."""
    if "\x00" in name or "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    path = PurePosixPath(name)
    parts = [p for p in path.parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return PurePosixPath(*parts)


def _wanted(path: PurePosixPath) -> bool:
    return path.name.endswith(WANTED_SUFFIXES) or path.name in WANTED_NAMES


def _members(archive: Path) -> Iterator[tuple[str, IO[bytes] | None, int]]:
    """(name, a reader when the member is a regular file, declared size) for each member."""
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist()[: MAX_MEMBERS + 1]:
                # No file-type bits: a tool that records no Unix mode, or only permissions (a
                # plain file); any other type (a symbolic link above all) is not extracted.
                kind = stat.S_IFMT(info.external_attr >> 16)
                if info.is_dir() or kind not in (0, stat.S_IFREG):
                    yield info.filename, None, info.file_size
                    continue
                with z.open(info) as reader:
                    yield info.filename, reader, info.file_size
    else:
        with tarfile.open(archive, "r:*") as t:
            for n, member in enumerate(t):
                if n > MAX_MEMBERS:
                    break
                yield member.name, t.extractfile(member) if member.isreg() else None, member.size


def extract(archive: Path, dest: Path) -> Extracted:
    """Extract the wanted members of ARCHIVE into DEST (replaced whole; written to a temporary
    folder first, so an interrupted run never leaves a half folder that looks complete)."""
    marker = dest / ".complete"
    if marker.is_file():
        done = json.loads(marker.read_text(encoding="utf-8"))
        return Extracted(_project_root(archive, dest), done["files"], done["skipped"])
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".extract-"))
    result = Extracted(tmp)
    total = 0
    try:
        for count, (name, reader, size) in enumerate(_members(archive)):
            if count >= MAX_MEMBERS:
                result.skip("too many members")
                break
            rel = safe_relative(name)
            if rel is None:
                result.skip("unsafe path")
                continue
            if reader is None:
                if not name.endswith("/"):
                    result.skip("not a regular file")
                continue
            if not _wanted(rel):
                continue
            if size > MAX_MEMBER or total + size > MAX_TOTAL:
                result.skip("too large")
                continue
            try:
                data = reader.read(MAX_MEMBER + 1)  # the declared size may lie
            except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as err:
                result.skip(f"unreadable member ({type(err).__name__})")
                continue
            if len(data) > MAX_MEMBER:
                result.skip("too large")
                continue
            total += len(data)
            out = tmp / rel
            if not out.resolve().is_relative_to(tmp.resolve()) or out.exists():
                result.skip("unsafe or duplicate path")
                continue
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data)
            except OSError:  # a file where a folder should be, a name too long, ...
                result.skip("unwritable path")
                continue
            result.files += 1
        marker_text = json.dumps({"files": result.files, "skipped": result.skipped})
        (tmp / ".complete").write_text(marker_text, encoding="utf-8")
        if not marker.is_file():  # else another run finished the same extraction first: keep it
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(tmp, dest)
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError, ValueError) as err:
        raise FetchError(f"cannot extract {archive.name}: {err}") from err
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return Extracted(_project_root(archive, dest), result.files, result.skipped)


def _project_root(archive: Path, dest: Path) -> Path:
    """Where the package's layout starts: a wheel's root, or an sdist's single top folder."""
    if archive.name.endswith(".whl"):
        return dest
    entries = [p for p in dest.iterdir() if p.name != ".complete"]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else dest


def fetch(package: Package, cache: Path) -> Extracted:
    archive = download(package, cache)
    dest = cache / "src" / f"{package.slug}-{package.version}-{package.sha256[:12]}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    return extract(archive, dest)
