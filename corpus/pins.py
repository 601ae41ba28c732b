"""The pinned package list (corpus/packages.toml) and the helper that writes new entries."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
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
    url: str
    sha256: str
    subset: bool = False

    @property
    def filename(self) -> str:
        return urllib.parse.urlsplit(self.url).path.rsplit("/", 1)[-1]

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
                url=str(entry["url"]),
                sha256=str(entry["sha256"]).lower(),
                subset=bool(entry.get("subset", False)),
            )
        except KeyError as missing:
            raise PinError(f"{where}: missing key {missing}") from None
        # Only https downloads, and a file name that is a plain wheel or sdist name: the name
        # becomes a path in the cache.
        if urllib.parse.urlsplit(package.url).scheme != "https":
            raise PinError(f"{where}: {package.url!r} is not an https URL")
        if not re.fullmatch(r"[A-Za-z0-9_.+-]+\.(whl|tar\.gz|zip)", package.filename):
            raise PinError(f"{where}: {package.filename!r} is not a wheel or sdist file name")
        if not SHA256.fullmatch(package.sha256):
            raise PinError(f"{where}: sha256 must be 64 hex digits")
        packages.append(package)
    names = [p.name for p in packages]
    if len(set(names)) != len(names):
        raise PinError(f"{path.name}: a package is listed twice")
    return packages


def pin(name: str, version: str | None, category: str) -> str:
    """A packages.toml entry for NAME (its latest version, or VERSION) from PyPI's JSON API:
    the pure-Python wheel when there is one (it holds the sources), else the sdist."""
    path = f"{urllib.parse.quote(name)}/{urllib.parse.quote(version)}" if version else urllib.parse.quote(name)
    api = f"https://pypi.org/pypi/{path}/json"
    with urllib.request.urlopen(api, timeout=60) as response:
        meta = json.load(response)
    files = meta["urls"]
    wheels = [f for f in files if f["packagetype"] == "bdist_wheel" and f["filename"].endswith("-none-any.whl")]
    sdists = [f for f in files if f["packagetype"] == "sdist"]
    if not wheels and not sdists:
        raise PinError(f"{name}: no pure-Python wheel nor sdist")
    chosen = (wheels or sdists)[0]
    url = urllib.parse.urljoin(api, chosen["url"])
    # Some API answers give the file as a path relative to the API; the file host is canonical.
    if urllib.parse.urlsplit(url).netloc == "pypi.org" and "/packages/packages/" in url:
        url = "https://files.pythonhosted.org/packages/" + url.split("/packages/packages/", 1)[1]
    return (
        "[[package]]\n"
        f"name = {json.dumps(meta['info']['name'])}\n"
        f"version = {json.dumps(meta['info']['version'])}\n"
        f"category = {json.dumps(category)}\n"
        f"url = {json.dumps(url)}\n"
        f"sha256 = {json.dumps(chosen['digests']['sha256'])}\n"
    )
