"""The pinned package list (corpus/packages.toml) and the helper that writes new entries.

A pin names a package, its version, the exact file (a pure-Python wheel, which holds the
sources) and that file's sha256. The file is fetched by pip, the ordinary client, by name and
version; the hash is checked by corpus/fetch.py, never trusted to the index.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import tomlkit

PINS = Path(__file__).resolve().parent / "packages.toml"
SHA256 = re.compile(r"[0-9a-f]{64}")


class PinError(Exception):
    """The pin file is malformed: the run stops before downloading anything."""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    category: str
    filename: str  # the pinned file: `name-version-py3-none-any.whl`
    sha256: str
    subset: bool = False

    @property
    def slug(self) -> str:
        """A folder and crate-name fragment: lowercase letters, digits and underscores."""
        return re.sub(r"[^a-z0-9]+", "_", self.name.lower()).strip("_")


def load(path: Path = PINS) -> list[Package]:
    data = tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
    packages: list[Package] = []
    for i, entry in enumerate(data.get("package", [])):
        where = f"{path.name}: package #{i + 1}"
        try:
            package = Package(
                name=str(entry["name"]),
                version=str(entry["version"]),
                category=str(entry["category"]),
                filename=str(entry["file"]),
                sha256=str(entry["sha256"]).lower(),
                subset=bool(entry.get("subset", False)),
            )
        except KeyError as missing:
            raise PinError(f"{where}: missing key {missing}") from None
        # A file name that is a plain wheel name: it becomes a path in the cache.
        if not re.fullmatch(r"[A-Za-z0-9_.+-]+\.whl", package.filename):
            raise PinError(f"{where}: {package.filename!r} is not a wheel file name")
        if not SHA256.fullmatch(package.sha256):
            raise PinError(f"{where}: sha256 must be 64 hex digits")
        packages.append(package)
    names = [p.name for p in packages]
    if len(set(names)) != len(names):
        raise PinError(f"{path.name}: a package is listed twice")
    return packages


def pin(name: str, version: str | None, category: str) -> str:
    """A packages.toml entry for NAME (its latest version, or VERSION): the pure-Python wheel
    pip downloads for it, with the sha256 of the file it got."""
    spec = f"{name}=={version}" if version else name
    with tempfile.TemporaryDirectory() as folder:
        argv = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
        argv += ["--ignore-requires-python"]  # only read, never installed: any Python the wheel asks for
        subprocess.run([*argv, "-d", folder, spec], check=True)
        [wheel] = [p for p in Path(folder).iterdir() if p.name.endswith("-none-any.whl")]
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    found_version = wheel.name.split("-")[1]
    return (
        "[[package]]\n"
        f"name = {json.dumps(name)}\n"
        f"version = {json.dumps(found_version)}\n"
        f"category = {json.dumps(category)}\n"
        f"file = {json.dumps(wheel.name)}\n"
        f"sha256 = {json.dumps(digest)}\n"
    )
