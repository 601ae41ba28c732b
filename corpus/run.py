"""`make corpus`: dspygen on published packages built on dspy and pydantic.

For each package pinned in corpus/packages.toml: download it (cached, sha256 checked), extract
it safely, find every .py file holding a signature or a model (corpus/scan.py), run the real
`dspygen schema` on each file, unmodified, from the package's root, and classify every
declaration (corpus/classify.py); build a crate from every file that reads without errors, and
`cargo check` all crates in one workspace. Prints the table, writes the JSON summary (all
declarations with their outcome) and, with --record, the run into docs/corpus.md.

Exit code: 0, or 1 when a package could not be fetched (a hash mismatch included) or a run
crashed; 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from corpus import crates as crates_mod
from corpus import report
from corpus.fetch import cache_dir
from corpus.measure import Result, measure
from corpus.pins import PinError, load, pin


def _tool(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip() or "not found"
    except OSError:
        return "not found"


def _info() -> dict[str, str]:
    commit = _tool(["git", "-C", str(report.ROOT), "rev-parse", "--short", "HEAD"])
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "dspygen": f"{metadata.version('dspygen-rs')} ({commit})",
        "python": platform.python_version(),
        "cargo": _tool(["cargo", "--version"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus", description="dspygen on published packages")
    parser.add_argument("--subset", action="store_true", help="only the packages marked subset (make test)")
    parser.add_argument("--package", action="append", default=[], help="only this package (repeatable)")
    parser.add_argument("--no-build", action="store_true", help="do not build crates (implies --no-cargo)")
    parser.add_argument("--no-cargo", action="store_true", help="build crates but do not cargo check them")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="dspygen runs at once (default 1)")
    parser.add_argument("--json", type=Path, help="where the JSON summary goes (default: in the cache)")
    parser.add_argument("--record", action="store_true", help="also write the run into docs/corpus.md")
    parser.add_argument("--pin", metavar="NAME[==VERSION]", help="print a packages.toml entry for NAME and exit")
    parser.add_argument("--category", default="tools", help="the category of --pin's entry")
    args = parser.parse_args(argv)
    if args.pin:
        name, _, version = args.pin.partition("==")
        print(pin(name, version or None, args.category))
        return 0
    try:
        packages = load()
    except PinError as err:
        print(f"corpus: {err}", file=sys.stderr)
        return 2
    if args.subset:
        packages = [p for p in packages if p.subset]
    if args.package:
        unknown = set(args.package) - {p.name for p in packages}
        if unknown:
            print(f"corpus: not pinned: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        packages = [p for p in packages if p.name in args.package]
    if args.record and (args.subset or args.package or args.no_build or args.no_cargo):
        print("corpus: --record needs the whole list, built and checked", file=sys.stderr)
        return 2
    cache = cache_dir()
    # Crates and the summary of a partial run (the test's subset) live apart from the full run's,
    # which a partial run would otherwise prune; downloads and extractions are shared.
    work = cache / ("full" if len(packages) == len(load()) else "subset" if args.subset else "partial")
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    info = _info()
    print(f"corpus: {len(packages)} packages; cache {cache}", flush=True)
    taken: set[str] = set()
    results: list[Result] = [
        measure(
            p, cache, work, jobs=args.jobs, build=not args.no_build, taken=taken, log=lambda s: print(s, flush=True)
        )
        for p in packages
    ]
    all_crates = [c for r in results for c in r.crates]
    checked = not (args.no_build or args.no_cargo)
    problem = ""
    if not args.no_build:
        crates_dir = work / "crates"
        crates_dir.mkdir(parents=True, exist_ok=True)
        crates_mod.write_workspace(crates_dir, all_crates)
        if checked:
            built = sum(1 for c in all_crates if c.built)
            print(f"cargo check of {built} crates in {crates_dir} ...", flush=True)
            problem = crates_mod.check(crates_dir, all_crates, cache / "target")
    info["seconds"] = f"{time.perf_counter() - started:.0f}"
    text = report.render(results, info, checked)
    print("\n" + text)
    for line in report.crashes(results):
        print(f"CRASH {line}")
    for r in results:
        if r.error:
            print(f"NOT MEASURED {r.error}", file=sys.stderr)
    if problem:
        print(f"cargo: {problem}", file=sys.stderr)
    out = args.json or work / "summary.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report.summary(results, info), indent=1) + "\n", encoding="utf-8")
    print(f"\ncorpus: summary in {out}")
    if args.record:
        report.record(text)
        print(f"recorded in {report.DOC.relative_to(report.ROOT)}")
    return 1 if any(r.error for r in results) or report.crashes(results) else 0
