"""Format stage: rustfmt for Rust, ruff for Python.

rustfmt runs once per Rust file, ruff once per target, concurrently; `dspygen check` formats
only what the manifest does not pair with the bytes on disk (writer.formatted_before). A
missing or failing formatter is a diagnostic; unformatted text is never written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dspygen import chunks
from dspygen.diagnostics import Code, Sink
from dspygen.format_cache import ItemCache, rustfmt_identity

RUST = (".rs",)
PYTHON = (".py", ".pyi")


def _ruff() -> str | None:
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


def _rustfmt() -> str | None:
    found = shutil.which("rustfmt")
    if found is None:
        cargo_bin = Path.home() / ".cargo" / "bin" / "rustfmt"
        found = str(cargo_bin) if cargo_bin.is_file() else None
    return found


@dataclass(frozen=True)
class _Failure:
    """Why a formatter run failed: reported by the caller, in a fixed order (runs are concurrent)."""

    code: Code
    message: str


def _run(argv: list[str], what: str, scratch: Path, stdin: str | None = None) -> str | _Failure:
    """The tool's standard output, or why it failed."""
    try:
        done = subprocess.run(
            argv, input=stdin, capture_output=True, text=True, encoding="utf-8", check=False, cwd=scratch
        )
    except OSError as exc:
        return _Failure(Code.TOOL_MISSING, f"cannot run {argv[0]} to format {what}: {exc}")
    if done.returncode != 0:
        # The scratch folder's name means nothing to the user; the output's paths do.
        detail = (done.stderr or done.stdout).replace(f"{scratch}/", "").replace("<stdin>", what)
        lines = detail.strip().splitlines()[:5]
        return _Failure(Code.TOOL_FAILED, f"{Path(argv[0]).name} failed on {what}: {' | '.join(lines)}")
    return done.stdout


def _report(failure: _Failure, sink: Sink, templates: Path | None) -> None:
    if failure.code == Code.TOOL_FAILED and templates is not None:
        # the user's templates wrote what the formatter cannot parse
        hint = f"fix the templates in {templates}: they wrote invalid code"
        sink.error(Code.TEMPLATE, failure.message, None, hint=hint)
    else:
        sink.error(failure.code, failure.message, None)


def _rustfmt_one(rustfmt: str, rel: str, text: str, scratch: Path) -> str | _Failure:
    """One file through rustfmt's standard input: only that file is formatted (given a path,
    rustfmt also formats every module the file declares, so lib.rs's would be formatted twice).
    The configuration is our own file, rustfmt's defaults: the same bytes on every machine."""
    config = str(scratch / "rustfmt.toml")
    return _run([rustfmt, "--edition", "2021", "--quiet", "--config-path", config], rel, scratch, stdin=text)


def _rustfmt_items(
    rustfmt: str, rel: str, text: str, cuts: tuple[int, ...], scratch: Path, cache: ItemCache | None
) -> str | _Failure:
    """One file formatted item by item (chunks.py): the items the cache does not hold go
    through one rustfmt run, the file is assembled from all of them, and the cache then holds
    this build's items. Should the separators not come back as sent, the file is formatted
    whole, as without a cache."""
    items = chunks.split(text, cuts)
    known = cache.load(rel) if cache is not None else {}
    missing = list(dict.fromkeys(c.sha for c in items if c.sha not in known))
    if missing:
        texts = {c.sha: c.text for c in items}
        done = _rustfmt_one(rustfmt, rel, chunks.payload([texts[sha] for sha in missing]), scratch)
        if isinstance(done, _Failure):
            return _rustfmt_one(rustfmt, rel, text, scratch)  # the error as the whole file gives it
        unpacked = chunks.unpack(done, len(missing))
        if unpacked is None:
            return _rustfmt_one(rustfmt, rel, text, scratch)
        known = {**known, **dict(zip(missing, unpacked, strict=True))}
    formatted = {c.sha: known[c.sha] for c in items}
    if cache is not None and missing:
        cache.store(rel, formatted)
    return chunks.assemble(items, formatted)


def _ruff_batch(ruff: str, files: dict[str, str], scratch: Path) -> dict[str, str] | _Failure:
    """The Python files written to the scratch folder, formatted by one ruff run, read back."""
    folder = scratch / "python"
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8", newline="\n")
    # --no-cache: ruff would otherwise leave a .ruff_cache folder in the user's working directory.
    argv = [ruff, "format", "--isolated", "--no-cache", "--quiet", "--line-length", "100"]
    done = _run([*argv, *(str(folder / rel) for rel in sorted(files))], f"{len(files)} Python file(s)", folder)
    if isinstance(done, _Failure):
        return done
    return {rel: (folder / rel).read_text(encoding="utf-8") for rel in files}


def formats(path: str) -> bool:
    """Whether a formatter runs over the file at `path` (Rust and Python sources)."""
    return path.endswith(RUST + PYTHON)


def format_files(
    files: dict[str, str],
    sink: Sink,
    templates: Path | None = None,
    cuts: Mapping[str, tuple[int, ...]] | None = None,
    output: Path | None = None,
) -> dict[str, str]:
    """Formatted texts; on any failure the sink holds an error and the result is partial.
    `templates`: the user's folder of templates, which a formatter failure is blamed on;
    `cuts`: where each file's items begin (render/plan.py), which are then formatted apart
    and, with `output` (the output folder), kept in the cache for its next build (format_cache.py).

    rustfmt runs once per Rust file and ruff once over the Python files, all at once, as many
    at a time as the machine has cores: rustfmt is single-threaded, and the largest crates'
    few big files took most of a build's time one after another."""
    rust = {p: t for p, t in files.items() if p.endswith(RUST)}
    python = {p: t for p, t in files.items() if p.endswith(PYTHON)}
    out = {p: t for p, t in files.items() if p not in rust and p not in python}
    rustfmt, ruff = _rustfmt(), _ruff()
    if rust and rustfmt is None:
        sink.error(Code.TOOL_MISSING, "rustfmt is not installed", None)
        return out
    if python and ruff is None:
        sink.error(Code.TOOL_MISSING, "ruff is not installed", None)
        return out
    with tempfile.TemporaryDirectory(prefix="dspygen-fmt-") as folder, ThreadPoolExecutor(_WORKERS) as pool:
        scratch = Path(folder)
        (scratch / "rustfmt.toml").write_text("# dspygen: rustfmt's defaults\n", encoding="utf-8")
        # The largest first, so that the last to finish is a small one.
        order = sorted(rust, key=lambda rel: (-len(rust[rel]), rel))
        tool = rustfmt or "rustfmt"
        cuts = cuts or {}
        identity = rustfmt_identity(tool) if output is not None and any(rel in cuts for rel in rust) else None
        cache = ItemCache(output, identity) if output is not None and identity is not None else None
        formatted = {
            rel: pool.submit(_rustfmt_items, tool, rel, rust[rel], cuts[rel], scratch, cache)
            if rel in cuts
            else pool.submit(_rustfmt_one, tool, rel, rust[rel], scratch)
            for rel in order
        }
        by_ruff = pool.submit(_ruff_batch, ruff or "ruff", python, scratch) if python else None
        results = {rel: future.result() for rel, future in formatted.items()}
        python_result = by_ruff.result() if by_ruff is not None else {}
    failures = [r for _, r in sorted(results.items()) if isinstance(r, _Failure)]
    if isinstance(python_result, _Failure):
        failures.append(python_result)
        python_result = {}
    if failures:
        _report(failures[0], sink, templates)  # the first, as when the tools ran one after another
        return out
    return {**out, **{rel: text for rel, text in results.items() if isinstance(text, str)}, **python_result}


_WORKERS = max(2, os.cpu_count() or 1)
