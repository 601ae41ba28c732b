"""`make bench`: the compiler's speed and scaling, and the generated bindings against pydantic.

Prints one table of medians and ratios (each ratio measured side by side, round by round, in
this run), then the profile of the largest build. Writes bench/out/ (table.md, results.json,
build-time.png, profile.txt); with --record, also the recorded-run section of
docs/benchmarks.md and docs/img/bench-build-time.png.

Run it through `make bench`, which builds what it needs first (the bench_rs bindings and
bench/native, release mode) and sets CARGO_TARGET_DIR, PYO3_PYTHON and VIRTUAL_ENV.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import compiler, plot
from bench.timing import seconds, times

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:begin (written by `make bench BENCH_ARGS=--record`) -->", "<!-- bench:end -->"


@dataclass
class Row:
    section: str
    what: str
    a: str
    b: str
    ratio: str
    target: str = ""
    result: str = ""


# Issue 18: serde parsing of the small order at least 3x as fast as pydantic, of the large one 2.5x.
SERDE_TARGET = {"small": 3.0, "large": 2.5}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def machine() -> dict[str, str]:
    def tool(argv: list[str]) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return "not found"

    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor() or "unknown",
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("dspy", "pydantic", "pydantic-core", "libcst"))
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "rustc": tool(["rustc", "--version"]),
        "cargo": tool(["cargo", "--version"]),
        "packages": versions,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def compiler_rows(results: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    check = results["check"]
    m = check["median"]
    rows.append(
        Row(
            "compiler",
            f"`dspygen check` on the fixtures ({'up to date' if check['check_exit'] == 0 else 'stale, same work'}; "
            'fingerprint recorded, as in the pre-commit hook) vs `python -c "import dspy"`, whole processes',
            seconds(m["check"]),
            seconds(m["import_dspy"]),
            f"A/B {check['check_over_import']:.2f}",
            "≤ 0.25",
            verdict(check["check_over_import"] <= 0.25),
        )
    )
    rows.append(
        Row(
            "compiler",
            "`dspygen check` with no recorded fingerprint (the whole pipeline, as on a fresh CI machine) "
            'vs `python -c "import dspy"`',
            seconds(m["check_full"]),
            seconds(m["import_dspy"]),
            f"A/B {check['check_full_over_import']:.2f}",
            "≤ 1",
            verdict(check["check_full_over_import"] <= 1),
        )
    )
    rows.append(Row("compiler", "(floor) `python -c pass`", seconds(m["python"]), "", ""))
    scaling = results["scaling"]
    for n in sorted(scaling["wall"]):
        inside, per_item = scaling["inside"][n], scaling["per_item_unformatted"][n]
        rows.append(
            Row(
                "compiler",
                f"`dspygen build` {n} models + {n} signatures: whole process (A), inside (B); "
                f"of which the formatter {seconds(scaling['format'][n])}; peak memory "
                f"{scaling['peak_rss_kib'][n] / 1024:.0f} MiB",
                seconds(scaling["wall"][n]),
                seconds(inside),
                f"{per_item * 1e3:.2f} ms/item without the formatter",
                "≤ 4 ms/item" if n == 1000 else "",
                verdict(per_item <= 4e-3) if n == 1000 else "",
            )
        )
    if 100 in scaling["wall"]:
        over = scaling["wall_over_import"][100]
        rows.append(
            Row(
                "compiler",
                '`dspygen build` 100 models + 100 signatures (A) vs `python -c "import dspy"` (B), whole processes',
                seconds(scaling["wall"][100]),
                seconds(scaling["import_dspy"]),
                f"A/B {over:.2f}",
                "≤ 1.5",
                verdict(over <= 1.5),
            )
        )
    rss = scaling["peak_rss_kib"]
    if {10, 1000, 5000} <= set(rss):
        # Growth above the 10-item baseline: 5,000 items may add at most 5x what 1,000 add.
        growth = (rss[5000] - rss[10]) / max(1, rss[1000] - rss[10])
        rows.append(
            Row(
                "compiler",
                "peak memory of `dspygen build`, above the 10-item baseline: 5,000 items (A) vs 1,000 items (B)",
                f"{(rss[5000] - rss[10]) / 1024:.0f} MiB",
                f"{(rss[1000] - rss[10]) / 1024:.0f} MiB",
                f"A/B {growth:.2f} (linear = 5)",
                "≤ 5",
                verdict(growth <= 5),
            )
        )
    if "growth_inside" in scaling:
        growth = scaling["growth_inside"]
        rows.append(
            Row(
                "compiler",
                "growth 100 → 1,000 items: inside (A), whole process (B)",
                times(growth),
                times(scaling["growth_wall"]),
                "linear = 10x",
                "≤ 10x",
                verdict(growth <= 10.0),
            )
        )
    noop = results["noop"]
    rows.append(
        Row(
            "compiler",
            f"no-op rebuild of bench/bindings: `dspygen build` ({noop['written']} written) (A), "
            f"then `cargo build` ({'nothing to do' if noop['cargo_fresh'] else 'recompiled'}) (B)",
            seconds(noop["dspygen_build"]),
            seconds(noop["cargo_build"]),
            "",
            "0 written, cargo fresh",
            verdict(noop["written"] == 0 and noop["cargo_fresh"]),
        )
    )
    edited = results["edit"]
    rows.append(
        Row(
            "compiler",
            f"rebuild after a model is added (A, {edited['written']} written) vs a fresh build (B), "
            f"{edited['n']} models + {edited['n']} signatures",
            seconds(edited["rebuild"]),
            seconds(edited["fresh"]),
            f"A/B {edited['ratio']:.2f}",
            "≤ 1.2",
            verdict(edited["ratio"] <= 1.2),
        )
    )
    rows.append(
        Row(
            "compiler",
            f'rebuild after one of {edited["files"]} source files changed (A) vs `python -c "import dspy"` (B), '
            "the pre-commit hook's case",
            seconds(edited["rebuild"]),
            seconds(edited["import_dspy"]),
            f"A/B {edited['rebuild_over_import']:.2f}",
            "≤ 0.5",
            verdict(edited["rebuild_over_import"] <= 0.5),
        )
    )
    return rows


def bindings_rows(results: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for size, data in results["conversions"].items():
        m, r = data["median"], data["ratio"]
        label = f"{size} ({data['items']} items, {data['json_bytes'] / 1000:.1f} kB)"
        rows += [
            Row(
                "Py→Rust",
                f"{label}: attribute path `extract::<Order>()` (A) vs JSON route "
                "`model_dump_json` + `serde_json::from_str` (B)",
                seconds(m["attr"]),
                seconds(m["json_route"]),
                f"B/A {times(r['json_route/attr'])}",
                "≥ 2.5x",
                verdict(r["json_route/attr"] >= 2.5),
            ),
            Row(
                "Py→Rust",
                f"{label}: attribute path (A) vs the limit: a hand-written PyO3 extraction of the same struct "
                "(`__dict__` lookups, Enums read as str; bench/native/src/proto.rs) (B)",
                seconds(m["attr"]),
                seconds(m["proto_extract"]),
                f"A/B {r['attr/proto_extract']:.2f}",
                "≤ 1.2",
                verdict(r["attr/proto_extract"] <= 1.2),
            ),
            Row(
                "Py→Rust",
                f"{label}: attribute path (A) vs pydantic `model_dump()` (B)",
                seconds(m["attr"]),
                seconds(m["model_dump"]),
                f"B/A {times(r['model_dump/attr'])}",
            ),
            Row(
                "Rust→Py",
                f"{label}: generated `IntoPyObject` (A) vs `Order.model_validate_json` (B)",
                seconds(m["into_py"]),
                seconds(m["model_validate_json"]),
                f"B/A {times(r['model_validate_json/into_py'])}",
                "≥ 1.25x",
                verdict(r["model_validate_json/into_py"] >= 1.25),
            ),
            Row(
                "JSON→Rust",
                f"{label}: `serde_json::from_str::<Order>` (A) vs `Order.model_validate_json` (B)",
                seconds(m["serde_parse"]),
                seconds(m["model_validate_json"]),
                f"B/A {times(r['model_validate_json/serde_parse'])}",
                f"≥ {SERDE_TARGET[size]:g}x",
                verdict(r["model_validate_json/serde_parse"] >= SERDE_TARGET[size]),
            ),
        ]
    p = results["predict"]
    rows.append(
        Row(
            "Predict",
            f"`Predict::<ReviewOrder>::call` from Rust (A) vs `dspy.Predict(ReviewOrder)(...)` from Python "
            f"(B), DummyLM, small Order; overhead {seconds(p['overhead'])}/call",
            seconds(p["median"]["rust_predict"]),
            seconds(p["median"]["dspy_predict"]),
            f"A/B {p['rust_over_python']:.3f}",
        )
    )
    a = results["acall"]
    rows.append(
        Row(
            "acall",
            f"{a['calls']} calls of {a['latency'] * 1e3:.0f} ms, {a['concurrency']} at a time (ideal "
            f"{seconds(a['ideal'])}): `Predict::<ReviewOrder>::batch` (acall) on tokio (A) vs `asyncio.gather` "
            "over `dspy.Predict.acall` (B), one test LM",
            seconds(a["median"]["rust_acall"]),
            seconds(a["median"]["python_gather"]),
            f"A/B {a['rust_over_python']:.3f}",
            "≤ 1.05",
            verdict(a["rust_over_python"] <= 1.05),
        )
    )
    rows.append(
        Row(
            "acall",
            "the same batch: time the Rust tasks waited for the GIL, in all (A), against the batch's time (B)",
            seconds(a["gil_wait"]),
            seconds(a["median"]["rust_acall"]),
            f"A/B {a['gil_wait'] / a['median']['rust_acall']:.3f}",
        )
    )
    o = results["acall_overhead"]
    rows.append(
        Row(
            "acall",
            f"the Rust side's own cost: {o['calls']} sequential calls, a test LM with no latency: "
            "`Predict::acall` from tokio (A) vs `dspy.Predict.acall` from Python (B), per call",
            seconds(o["per_call"]["rust_acall"]),
            seconds(o["per_call"]["python_acall"]),
            f"(A - B)/B {o['extra_over_python'] * 100:+.1f}%",
            "≤ +10%",
            verdict(o["extra_over_python"] <= 0.10),
        )
    )
    rows.append(
        Row(
            "acall",
            "the floor of a loop on its own thread: the same Python calls, each handed to a loop on "
            "another thread (`run_coroutine_threadsafe(...).result()`) (A) vs on this thread's loop (B)",
            seconds(o["per_call"]["python_other_thread"]),
            seconds(o["per_call"]["python_acall"]),
            f"(A - B)/B {o['hand_off_over_python'] * 100:+.1f}%",
        )
    )
    for size, data in results["conversions"].items():
        m, r = data["median"], data["ratio"]
        rows += [
            Row(
                "limit",
                f"{size}: Py→Rust by the hand-written extraction (A) vs JSON route (B)",
                seconds(m["proto_extract"]),
                seconds(m["json_route"]),
                f"B/A {times(r['json_route/proto_extract'])}",
            ),
            Row(
                "limit",
                f"{size}: JSON→Rust by serde's plain `#[derive(Deserialize)]` of the same structs, no lax mode "
                "(bench/native/src/plain.rs) (A) vs `Order.model_validate_json` (B)",
                seconds(m["plain_serde_parse"]),
                seconds(m["model_validate_json"]),
                f"B/A {times(r['model_validate_json/plain_serde_parse'])}",
            ),
            Row(
                "limit",
                f"{size}: JSON→Rust, the generated `Deserialize` (A) vs serde's plain derive (B)",
                seconds(m["serde_parse"]),
                seconds(m["plain_serde_parse"]),
                f"A/B {r['serde_parse/plain_serde_parse']:.2f}",
            ),
            Row(
                "prototype",
                f"{size}: Rust→Py one dict tree + one `validate_python` (A) vs `model_validate_json` (B)",
                seconds(m["proto_validate_once"]),
                seconds(m["model_validate_json"]),
                f"B/A {times(r['model_validate_json/proto_validate_once'])}",
                "(≥ 1x)",
                f"({verdict(r['model_validate_json/proto_validate_once'] >= 1)})",
            ),
            Row(
                "prototype",
                f"{size}: Rust→Py built without re-validation (`model_construct` semantics) (A) "
                "vs `model_validate_json` (B)",
                seconds(m["proto_construct"]),
                seconds(m["model_validate_json"]),
                f"B/A {times(r['model_validate_json/proto_construct'])}",
                "(≥ 1x)",
                f"({verdict(r['model_validate_json/proto_construct'] >= 1)})",
            ),
            Row(
                "where",
                f"{size}: `getattr` per field (the path before `__dict__`), split: `getattr`s (A), Enum `.value` (B), "
                "conversion to Rust (ratio col.)",
                seconds(m["walk_getattr_no_value"]),
                seconds(m["walk_getattr"] - m["walk_getattr_no_value"]),
                f"conversion {seconds(m['attr'] - m['walk_getattr'])}",
            ),
            Row(
                "where",
                f"{size}: Rust→Py, split: building dicts (A), pydantic validating them (B); JSON route (ratio col.)",
                seconds(m["proto_dicts"]),
                seconds(m["model_validate_dict"]),
                f"{seconds(m['into_py_json'])}",
            ),
        ]
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| section | measurement | A | B | ratio | target | result |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    lines += [f"| {r.section} | {r.what} | {r.a} | {r.b} | {r.ratio} | {r.target} | {r.result} |" for r in rows]
    return "\n".join(lines)


def profile_text(results: dict[str, Any]) -> str:
    prof = results["profile"]
    n = prof["profiled"]
    total = sum(v for _, v in prof["areas"])
    lines = [f"Profile of `dspygen build` with {n} models + {n} signatures (cProfile; times under the profiler):", ""]
    lines += [f"  {area:<40} {secs:7.2f} s  {secs / total:6.1%}" for area, secs in prof["areas"]]
    lines += ["", "Stage times (wall, under the profiler):", ""]
    sizes = sorted(prof["stages"], key=int)
    header = "  " + f"{'stage':<42}" + "".join(f"{str(s) + ' items':>14}" for s in sizes)
    if len(sizes) == 2:
        header += f"{'growth':>10}"
    lines.append(header)
    names = list(prof["stages"][sizes[-1]]["stages"])
    for name in names:
        vals = [prof["stages"][s]["stages"].get(name, 0.0) for s in sizes]
        line = "  " + f"{name:<42}" + "".join(f"{v:13.2f}s" for v in vals)
        if len(sizes) == 2 and vals[0] > 0:
            line += f"{vals[1] / vals[0]:9.1f}x"
        lines.append(line)
    totals = [prof["stages"][s]["total"] for s in sizes]
    line = "  " + f"{'total':<42}" + "".join(f"{v:13.2f}s" for v in totals)
    if len(sizes) == 2:
        line += f"{totals[1] / totals[0]:9.1f}x"
    lines += [line, "", "Top functions by own time:", ""]
    lines += [f"  {tot:7.2f} s own {cum:7.2f} s cumulative  {name}" for name, tot, cum in prof["functions"]]
    return "\n".join(lines)


def record(report: str, png: Path) -> None:
    image = ROOT / "docs" / "img" / "bench-build-time.png"
    image.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, image)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{BEGIN}\n{report}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dspygen benchmarks (make bench)")
    parser.add_argument("--quick", action="store_true", help="few repeats, small inputs: a smoke test")
    parser.add_argument("--only", choices=["compiler", "bindings"], help="run one half")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="where results go")
    parser.add_argument("--record", action="store_true", help="also write the recorded run into docs/")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = machine()
    print(f"dspygen benchmarks on {info['cpu']} ({info['nproc']} cores), load {info['load']}", flush=True)
    results: dict[str, Any] = {"machine": info}
    rows: list[Row] = []
    args.out.mkdir(parents=True, exist_ok=True)
    png = args.out / "build-time.png"
    with tempfile.TemporaryDirectory(prefix="dspygen-bench-") as tmp:
        if args.only in (None, "compiler"):
            q = args.quick
            print("compiler: dspygen check vs import dspy ...", flush=True)
            results["check"] = compiler.check_vs_import(3 if q else 9)
            print("compiler: synthetic builds ...", flush=True)
            rounds = {10: 2, 100: 2} if q else {10: 5, 100: 5, 1000: 3, 5000: 1}
            results["scaling"] = compiler.scaling(Path(tmp), rounds)
            print("compiler: no-op rebuild ...", flush=True)
            results["noop"] = compiler.noop(2 if q else 5)
            print("compiler: rebuild after an edit ...", flush=True)
            results["edit"] = compiler.edit_rebuild(Path(tmp), 80 if q else 1000, 1 if q else 3)
            print("compiler: profile ...", flush=True)
            results["profile"] = compiler.profile(Path(tmp), (10, 100) if q else (100, 1000))
            plot.build_time(results["scaling"], png)
            rows += compiler_rows(results)
        if args.only in (None, "bindings"):
            from bench import interop  # imports dspy and the extension modules

            print("bindings: conversions ...", flush=True)
            results["conversions"] = interop.conversions(5 if args.quick else 15, 0.004 if args.quick else 0.015)
            print("bindings: Predict<S> vs dspy.Predict ...", flush=True)
            results["predict"] = interop.predict(3 if args.quick else 15, 5 if args.quick else 20)
            print("bindings: acall from tokio vs asyncio.gather ...", flush=True)
            # More rounds than the conversions get: a round here is one sample of a thread hand-off
            # pattern, which wanders far more from round to round than a conversion's timing.
            results["acall"] = interop.acall(3 if args.quick else 21)
            print("bindings: acall's own cost, sequential ...", flush=True)
            results["acall_overhead"] = interop.acall_overhead(3 if args.quick else 41)
            rows += bindings_rows(results)
    info["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    elapsed = time.perf_counter() - started
    report = [
        f"Run of {info['date']}: {info['cpu']}, {info['nproc']} cores, {info['memory']}; {info['os']}; "
        f"Python {info['python']}; {info['rustc']}; {info['packages']}. Load average {info['load']} before, "
        f"{info['load_after']} after (the machine is shared). The suite took {elapsed:.0f} s.",
        "",
        "A and B are medians; a ratio is the median of the per-round ratios (A and B interleaved in the same "
        "rounds). Rows in parentheses are prototypes of template changes, not the generated code.",
        "",
        table(rows),
    ]
    if "profile" in results:
        report += ["", "```text", profile_text(results), "```", "", "![build time](img/bench-build-time.png)"]
    text = "\n".join(report)
    print("\n" + text)
    (args.out / "table.md").write_text(text + "\n", encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    if args.record:
        if "profile" not in results or "conversions" not in results:
            print("--record needs the whole suite (no --only)", file=sys.stderr)
            return 2
        record(text, png)
        print(f"\nrecorded in {DOC.relative_to(ROOT)}")
    where = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"\nbench: {elapsed:.0f} s; results in {where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
