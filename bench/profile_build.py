"""One `dspygen build` in this process, with its stage times and peak memory recorded and, optionally, cProfile.

    python -m bench.profile_build --json STAGES.json [--prof OUT.prof] -- BUILD-ARGS...

Stage times come from wrapping the pipeline's steps (frontend, lowering, rendering, formatting,
writing) where they are looked up; a step a later dspygen renames is simply not reported.
`summarize` turns a cProfile dump into exclusive time per area (libcst, dspygen stages,
Jinja, waiting for the rustfmt/ruff subprocesses), charging built-ins to their callers.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import sysconfig
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

STAGES: dict[str, float] = defaultdict(float)


def _wrap(owner: ModuleType | type | None, name: str, label: str) -> None:
    fn = getattr(owner, name, None)
    if not callable(fn):
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            STAGES[label] += time.perf_counter() - start

    setattr(owner, name, timed)


def instrument() -> None:
    from dspygen import cli, pipeline
    from dspygen.frontend import static
    from dspygen.lower import crate

    _wrap(pipeline, "read", "frontend (total)")
    _wrap(static, "load", "frontend: parse + positions (libcst)")
    _wrap(static, "find_string_signatures", "frontend: string-signature scan")
    _wrap(pipeline, "lower", "lower (total)")
    _wrap(getattr(crate, "_Lowering", None), "samples", "lower: JSON samples")
    _wrap(pipeline, "environment", "render: Jinja environment")
    _wrap(pipeline, "render", "render: templates")
    _wrap(pipeline, "format_files", "format: rustfmt + ruff subprocesses")
    _wrap(pipeline, "plan_changes", "writer: compare with disk")
    _wrap(cli, "apply", "writer: write")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True, help="where to write the stage times")
    parser.add_argument("--prof", type=Path, help="where to write a cProfile dump")
    parser.add_argument("build_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    build_args = [a for a in args.build_args if a != "--"]
    from dspygen.cli import main as dspygen_main

    instrument()
    profiler = cProfile.Profile() if args.prof else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    try:
        dspygen_main(["build", *build_args], standalone_mode=False)
    finally:
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.prof)
    total = time.perf_counter() - start
    # The peak of this process alone (KiB on Linux): rustfmt and ruff run as children.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    record = {"total": total, "stages": dict(STAGES), "peak_rss_kib": rss}
    args.json.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 0


AREAS: list[tuple[str, str]] = [
    ("libcst/_parser", "libcst: parse"),
    ("libcst/metadata", "libcst: position metadata"),
    ("dspygen/frontend/positions", "dspygen frontend: node positions (in libcst's codegen)"),
    ("libcst", "libcst: tree walks + codegen"),
    ("dspygen/frontend", "dspygen frontend"),
    ("dspygen/lower/samples", "dspygen lower: JSON samples"),
    ("dspygen/lower/literals", "dspygen lower: Rust string literals"),
    ("dspygen/lower", "dspygen lower: other"),
    ("dspygen/ir", "dspygen IR"),
    ("jinja2", "Jinja (compile + render)"),
    ("selectors.py", "waiting for rustfmt / ruff"),
    ("subprocess.py", "waiting for rustfmt / ruff"),
    ("dspygen", "dspygen: other"),
]


STDLIB = sysconfig.get_paths()["stdlib"]
OTHER = "other (click, ...)"


def _area(filename: str) -> str | None:
    """The area a function's own time belongs to; None to charge it to its callers."""
    for needle, area in AREAS:
        if needle in filename:
            return area
    if filename == "~" or filename.startswith((STDLIB, "<frozen")):
        return None
    return OTHER


def summarize(prof: Path, top: int = 12) -> tuple[list[tuple[str, float]], list[tuple[str, float, float]]]:
    """(exclusive seconds per area, biggest first; top functions as (name, tottime, cumtime)).

    Built-ins and standard-library functions are charged to their callers, pro rata of the
    time spent in each call edge, so `isinstance` inside libcst counts as libcst.
    """
    stats: dict[Any, Any] = pstats.Stats(str(prof)).stats  # type: ignore[attr-defined]
    shares: dict[Any, dict[str, float]] = {}

    def share(func: Any, visiting: frozenset[Any]) -> dict[str, float]:
        if func in shares:
            return shares[func]
        area = _area(func[0])
        callers = stats[func][4] if func in stats else {}
        if area is not None or not callers or func in visiting:
            result = {area or OTHER: 1.0}
        else:
            weights = {caller: edge[2] or edge[0] for caller, edge in callers.items()}
            total = sum(weights.values()) or 1.0
            result = defaultdict(float)
            for caller, weight in weights.items():
                for name, part in share(caller, visiting | {func}).items():
                    result[name] += part * weight / total
        shares[func] = dict(result)
        return shares[func]

    areas: dict[str, float] = defaultdict(float)
    for func, entry in stats.items():
        for name, part in share(func, frozenset()).items():
            areas[name] += entry[2] * part
    by_time: Callable[[tuple[Any, Any]], float] = lambda kv: kv[1][2]  # noqa: E731
    functions = [
        (f"{Path(func[0]).name}:{func[1]}({func[2]})", entry[2], entry[3])
        for func, entry in sorted(stats.items(), key=by_time, reverse=True)[:top]
    ]
    return sorted(areas.items(), key=lambda kv: kv[1], reverse=True), functions


if __name__ == "__main__":
    raise SystemExit(main())
