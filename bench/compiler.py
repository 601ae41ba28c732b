"""The compiler's benchmarks: static check against `import dspy`, scaling, no-op rebuild, rebuild
after an edit, profile."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.profile_build import summarize
from bench.synth import write_package
from bench.timing import interleave, median, ratio, run

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DSPYGEN = BIN / "dspygen"
BENCH_BUILD = ["bench/models.py", "bench/signatures.py", "--out", "bench/bindings", "--crate-name", "bench_rs"]
REPORTED = re.compile(r"dspygen: (\d+) written, (\d+) unchanged, (\d+) removed in ([0-9.]+)s")


def check_vs_import(rounds: int) -> dict[str, Any]:
    """`dspygen check` on the repository's fixtures against `python -c "import dspy"`, whole processes."""
    _, output, code = run([DSPYGEN, "check", "--quiet"], ROOT)  # warm-up, and whether generated/ is fresh
    run([sys.executable, "-c", "import dspy"], ROOT)
    # Without a recorded fingerprint (an empty cache folder each time) check runs the whole
    # pipeline: what CI sees on a fresh machine. With one, what the pre-commit hook sees.
    empty_cache = Path(tempfile.mkdtemp(prefix="dspygen-bench-cache-"))

    def check_full() -> float:
        shutil.rmtree(empty_cache)  # the fingerprints, and the compiled templates: a fresh machine has neither
        empty_cache.mkdir()
        return run([DSPYGEN, "check", "--quiet"], ROOT, {**os.environ, "DSPYGEN_CACHE_DIR": str(empty_cache)})[0]

    cases = {
        "check": lambda: run([DSPYGEN, "check", "--quiet"], ROOT)[0],
        "check_full": check_full,
        "import_dspy": lambda: run([sys.executable, "-c", "import dspy"], ROOT)[0],
        "python": lambda: run([sys.executable, "-c", "pass"], ROOT)[0],
    }
    samples = interleave(cases, rounds)
    return {
        "rounds": rounds,
        "check_exit": code,
        "check_said": output.strip().splitlines()[-1] if output.strip() else "",
        "median": {name: median(values) for name, values in samples.items()},
        "check_over_import": ratio(samples["check"], samples["import_dspy"]),
        "check_full_over_import": ratio(samples["check_full"], samples["import_dspy"]),
        "samples": samples,
    }


FORMAT_STAGE = "format: rustfmt + ruff subprocesses"


def _empty(folder: Path) -> Path:
    """`folder`, emptied: a cache folder as on a machine that never ran dspygen."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def scaling(tmp: Path, rounds: dict[int, int]) -> dict[str, Any]:
    """`dspygen build` of N synthetic models + N signatures into an empty folder, with an empty
    cache folder (no compiled templates, no formatted items kept), for each N,
    with `python -c "import dspy"` once per round beside them. Each build runs through
    bench.profile_build (without cProfile): its stage times give the formatter's share, and
    its peak memory is that of dspygen's own process."""
    inputs = {n: write_package(tmp / f"in{n}", n) for n in rounds}
    wall: dict[int, list[float]] = {n: [] for n in rounds}
    inside: dict[int, list[float]] = {n: [] for n in rounds}
    formatting: dict[int, list[float]] = {n: [] for n in rounds}
    rss: dict[int, list[int]] = {n: [] for n in rounds}
    import_dspy: list[float] = []
    paired: dict[int, list[float]] = {n: [] for n in rounds}  # the import of the same round, per build
    size: dict[int, int] = {}
    for r in range(max(rounds.values())):
        sizes = [n for n in rounds if r < rounds[n]]
        imported = run([sys.executable, "-c", "import dspy"], ROOT)[0]
        import_dspy.append(imported)
        for n in sizes if r % 2 == 0 else reversed(sizes):
            out, stages = tmp / f"out{n}", tmp / f"stages{n}.json"
            shutil.rmtree(out, ignore_errors=True)
            argv = [sys.executable, "-m", "bench.profile_build", "--json", stages, "--"]
            argv += [*inputs[n], "--out", out, "--crate-name", f"synth_{n}"]
            seconds, output, code = run(argv, ROOT, {"DSPYGEN_CACHE_DIR": str(_empty(tmp / "cache"))})
            said = REPORTED.search(output)
            if code != 0 or said is None:
                raise RuntimeError(f"dspygen build of {n} synthetic items failed:\n{output[-3000:]}")
            record = json.loads(stages.read_text(encoding="utf-8"))
            wall[n].append(seconds)
            inside[n].append(float(said.group(4)))
            formatting[n].append(record["stages"].get(FORMAT_STAGE, 0.0))
            rss[n].append(record["peak_rss_kib"])
            paired[n].append(imported)
            size[n] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    result: dict[str, Any] = {
        "rounds": rounds,
        "wall": {n: median(v) for n, v in wall.items()},
        "inside": {n: median(v) for n, v in inside.items()},
        "format": {n: median(v) for n, v in formatting.items()},
        # per item, the formatter apart: the median over rounds of (inside - formatter) / n
        "per_item_unformatted": {
            n: median([(i - f) / n for i, f in zip(inside[n], formatting[n], strict=True)]) for n in rounds
        },
        "peak_rss_kib": {n: max(v) for n, v in rss.items()},
        "import_dspy": median(import_dspy),
        "wall_over_import": {n: ratio(wall[n], paired[n]) for n in rounds},
        "output_bytes": size,
        "samples_wall": wall,
        "samples_inside": inside,
        "source_lines": {n: sum(len(p.read_text().splitlines()) for p in inputs[n]) for n in inputs},
    }
    if 100 in rounds and 1000 in rounds:  # per round: the 1,000 build against the 100 build of the same round
        both = min(rounds[100], rounds[1000])
        result["growth_inside"] = ratio(inside[1000][:both], inside[100][:both])
        result["growth_wall"] = ratio(wall[1000][:both], wall[100][:both])
    return result


def noop(rounds: int) -> dict[str, Any]:
    """A rebuild with nothing changed: `dspygen build` writes nothing, then `cargo build` has nothing to do."""
    manifest = ["--manifest-path", "bench/bindings/Cargo.toml"]
    run([DSPYGEN, "build", *BENCH_BUILD], ROOT)
    warm, warm_output, code = run(["cargo", "build", *manifest], ROOT)  # compiles whatever is missing
    if code != 0:
        raise RuntimeError(f"cargo build of bench/bindings failed:\n{warm_output[-3000:]}")
    build: list[float] = []
    cargo: list[float] = []
    written: list[int] = []
    fresh = True
    for _ in range(rounds):
        seconds, output, code = run([DSPYGEN, "build", *BENCH_BUILD], ROOT)
        said = REPORTED.search(output)
        if code != 0 or said is None:
            raise RuntimeError(f"dspygen build of bench/bindings failed:\n{output[-3000:]}")
        build.append(seconds)
        written.append(int(said.group(1)) + int(said.group(3)))
        seconds, output, code = run(["cargo", "build", *manifest], ROOT)
        cargo.append(seconds)
        fresh = fresh and code == 0 and "Compiling" not in output
    return {
        "rounds": rounds,
        "dspygen_build": median(build),
        "written": max(written),
        "cargo_build": median(cargo),
        "cargo_fresh": fresh,
        "cargo_warmup": warm,
        "warmup_compiled": "Compiling" in warm_output,
    }


def edit_rebuild(tmp: Path, n: int, rounds: int) -> dict[str, Any]:
    """A rebuild after one source file changes (a model is added), against a fresh build of the
    same `n` models and signatures (each round: a fresh build into an empty folder, then the
    edit and the rebuild), and against `import dspy` in the same round: the pre-commit hook's case."""
    fresh: list[float] = []
    rebuilt: list[float] = []
    imported: list[float] = []
    written: list[int] = []
    for r in range(rounds):
        imported.append(run([sys.executable, "-c", "import dspy"], ROOT)[0])
        files = write_package(tmp / f"edit_in{r}", n)
        out = tmp / f"edit_out{r}"
        argv = [DSPYGEN, "build", *files, "--out", out, "--crate-name", f"edit_{n}"]
        # A first build (nothing in the cache folder), then the rebuild with what it left there.
        cache = {"DSPYGEN_CACHE_DIR": str(_empty(tmp / f"edit_cache{r}"))}
        seconds, output, code = run(argv, ROOT, cache)
        if code != 0:
            raise RuntimeError(f"dspygen build of {n} synthetic items failed:\n{output[-3000:]}")
        fresh.append(seconds)
        models = next(p for p in files if p.name.startswith("models_"))
        models.write_text(models.read_text(encoding="utf-8") + "\n\nclass Edited(BaseModel):\n    added: int = 0\n")
        seconds, output, code = run(argv, ROOT, cache)
        said = REPORTED.search(output)
        if code != 0 or said is None:
            raise RuntimeError(f"dspygen rebuild after an edit failed:\n{output[-3000:]}")
        rebuilt.append(seconds)
        written.append(int(said.group(1)))
    return {
        "n": n,
        "fresh": median(fresh),
        "rebuild": median(rebuilt),
        "written": max(written),
        "ratio": ratio(rebuilt, fresh),
        "files": len(files),
        "import_dspy": median(imported),
        "rebuild_over_import": ratio(rebuilt, imported),
    }


def profile(tmp: Path, sizes: tuple[int, ...] = (100, 1000)) -> dict[str, Any]:
    """Stage times and a cProfile of one build per size (under the profiler: about 2x slower)."""
    result: dict[str, Any] = {"stages": {}}
    for n in sizes:
        files = write_package(tmp / f"prof_in{n}", n)
        stages, prof = tmp / f"stages{n}.json", tmp / f"build{n}.prof"
        argv = [sys.executable, "-m", "bench.profile_build", "--json", stages, "--prof", prof, "--"]
        _, output, code = run([*argv, *files, "--out", tmp / f"prof_out{n}", "--crate-name", f"synth_{n}"], ROOT)
        if code != 0:
            raise RuntimeError(f"profiled build of {n} items failed:\n{output[-3000:]}")
        result["stages"][n] = json.loads(stages.read_text(encoding="utf-8"))
        if n == max(sizes):
            areas, functions = summarize(prof)
            result["areas"], result["functions"], result["profiled"] = areas, functions, n
    return result
