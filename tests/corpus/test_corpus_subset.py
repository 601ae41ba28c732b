"""The corpus on its small pinned subset (`make test`): real published packages, downloaded by
hash from PyPI into the cache (never committed), read by the real `dspygen schema`.

No run may crash, and every declaration recorded as read in expected.toml must still be read
(improvements are fine). The subset builds its crates but skips `cargo check`: compiling pyo3
and serde from cold would take minutes, and `make corpus` checks every crate.

After an improvement, record the new figures: `DSPYGEN_CORPUS_UPDATE=1 pytest tests/corpus`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomlkit

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).with_name("expected.toml")

pytestmark = pytest.mark.network


def _read(package: dict[str, Any]) -> list[str]:
    return sorted(
        f"{f['path']}:{d['line']}:{d['name']}"
        for f in package["files"]
        for d in f["declarations"]
        if d["status"] == "read"
    )


def _record(summary: dict[str, Any]) -> None:
    doc = tomlkit.document()
    doc.add(tomlkit.comment("The corpus subset's figures (tests/corpus/test_corpus_subset.py): at least these."))
    doc.add(tomlkit.comment("Rewritten by `DSPYGEN_CORPUS_UPDATE=1 pytest tests/corpus`."))
    for package in summary["packages"]:
        table = tomlkit.table()
        table["version"] = package["version"]
        table["declarations"] = package["declarations"]
        table["crates_built"] = package["crates_built"]
        read = tomlkit.array()
        read.extend(_read(package))
        table["read"] = read.multiline(True)
        doc[package["name"]] = table
    EXPECTED.write_text(tomlkit.dumps(doc), encoding="utf-8")


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("corpus") / "summary.json"
    proc = subprocess.run(
        [sys.executable, "-m", "corpus", "--subset", "--no-cargo", "--jobs", "2", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"python -m corpus --subset failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    if os.environ.get("DSPYGEN_CORPUS_UPDATE"):
        _record(data)
    return data


def test_no_crash(summary: dict[str, Any]) -> None:
    assert summary["totals"]["crashed"] == 0
    for package in summary["packages"]:
        assert package["error"] == ""
        assert [f["path"] for f in package["files"] if f["crash"]] == []


def test_at_least_the_recorded_figures(summary: dict[str, Any]) -> None:
    expected = tomlkit.parse(EXPECTED.read_text(encoding="utf-8")).unwrap()
    packages = {p["name"]: p for p in summary["packages"]}
    assert set(packages) == set(expected), "the subset in corpus/packages.toml and expected.toml differ"
    for name, want in expected.items():
        got = packages[name]
        assert got["version"] == want["version"], f"{name}: re-record expected.toml after changing the pin"
        # The scan is dspygen-independent: the same pinned files hold the same declarations.
        assert got["declarations"] == want["declarations"], name
        no_longer_read = sorted(set(want["read"]) - set(_read(got)))
        assert no_longer_read == [], f"{name}: declarations no longer read"
        assert got["crates_built"] >= want["crates_built"], name


def test_subset_is_the_pinned_subset() -> None:
    pins = tomlkit.parse((ROOT / "corpus" / "packages.toml").read_text(encoding="utf-8")).unwrap()
    subset = [p for p in pins["package"] if p.get("subset")]
    assert 2 <= len(subset) <= 3
    assert all(len(p["sha256"]) == 64 for p in subset)
