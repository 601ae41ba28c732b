"""One package's measurement: fetch, scan, `dspygen schema` per file, crates from files that read."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus import crates as crates_mod
from corpus.classify import CRASHED, LEFT_OUT, READ, REFUSED, FileRun, run_schema
from corpus.fetch import FetchError, fetch
from corpus.pins import Package
from corpus.scan import KINDS, scan


@dataclass
class Result:
    package: Package
    error: str = ""  # the package could not be fetched: nothing measured
    python_files: int = 0
    unparsable: int = 0
    skipped_members: dict[str, int] = field(default_factory=dict)
    runs: list[FileRun] = field(default_factory=list)
    crates: list[crates_mod.Crate] = field(default_factory=list)

    def outcomes(self) -> list[Any]:
        return [o for run in self.runs for o in run.outcomes]

    def figures(self) -> dict[str, Any]:
        """The counts reported per package and added up for the total (all plain ints)."""
        outcomes = self.outcomes()
        status = Counter(o.status for o in outcomes)
        figures: dict[str, Any] = {
            "files": len(self.runs),
            "files_read": sum(1 for r in self.runs if r.ok),
            "declarations": len(outcomes),
            "read": status[READ],
            "refused": status[REFUSED],
            "left_out": status[LEFT_OUT],
            "crashed": status[CRASHED],
            "crates_built": sum(1 for c in self.crates if c.built),
            "crates_compiling": sum(1 for c in self.crates if c.compiles),
        }
        for kind in KINDS:
            key = kind.replace(" ", "_") + "s"
            figures[key] = sum(1 for o in outcomes if o.declaration.kind == kind)
            figures[f"{key}_read"] = sum(1 for o in outcomes if o.declaration.kind == kind and o.status == READ)
        return figures

    def causes(self) -> Counter[str]:
        return Counter(f"{o.status}: {o.cause}" for o in self.outcomes() if o.status != READ)


def measure(package: Package, cache: Path, work: Path, *, jobs: int, build: bool, taken: set[str], log: Any) -> Result:
    result = Result(package)
    try:
        extracted = fetch(package, cache)
    except FetchError as err:
        result.error = str(err)
        return result
    result.skipped_members = extracted.skipped
    found = scan(extracted.root)
    result.python_files, result.unparsable = found.python_files, found.unparsable
    log(f"{package.name} {package.version}: {len(found.files)} of {found.python_files} files hold declarations")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        result.runs = list(
            pool.map(lambda item: run_schema(extracted.root, item[0], item[1]), sorted(found.files.items()))
        )
    if build:
        crates_dir = work / "crates"
        crates_dir.mkdir(parents=True, exist_ok=True)
        for run in result.runs:
            if run.ok and any(o.status == READ for o in run.outcomes):
                crate = crates_mod.Crate(package.name, run.path, crates_mod.crate_name(package.slug, run.path, taken))
                result.crates.append(crates_mod.build(extracted.root, crate, crates_dir))
    return result
