"""Format stage: rustfmt for Rust, ruff for Python.

Each tool runs once per target over a scratch copy of all its files (a process per file
cost more than everything else in `dspygen check`). A missing or failing formatter is a
diagnostic; unformatted text is never written.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from dspygen.diagnostics import Code, Sink

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


def _run(argv: list[str], what: str, sink: Sink, scratch: Path, templates: Path | None) -> bool:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", check=False)
    except OSError as exc:
        sink.error(Code.TOOL_MISSING, f"cannot run {argv[0]} to format {what}: {exc}", None)
        return False
    if done.returncode != 0:
        # The scratch folder's name means nothing to the user; the output's paths do.
        detail = (done.stderr or done.stdout).replace(f"{scratch}/", "").strip().splitlines()[:5]
        message = f"{Path(argv[0]).name} failed on {what}: {' | '.join(detail)}"
        if templates is None:
            sink.error(Code.TOOL_FAILED, message, None)
        else:  # the user's templates wrote what the formatter cannot parse
            sink.error(Code.TEMPLATE, message, None, hint=f"fix the templates in {templates}: they wrote invalid code")
        return False
    return True


def _format_batch(
    files: dict[str, str], argv: list[str], tool: str, sink: Sink, templates: Path | None, context: dict[str, str]
) -> dict[str, str] | None:
    """Write `files` to a scratch folder, run `argv + paths` once, read them back. `context`: files
    already formatted, written beside them: rustfmt also reads the modules a file declares."""
    if not files:
        return {}
    with tempfile.TemporaryDirectory(prefix="dspygen-fmt-") as scratch:
        root = Path(scratch)
        if tool == "Rust":
            # rustfmt takes the first rustfmt.toml above the file, else the user's config folder's:
            # one of our own, with the defaults, keeps the output the same bytes on every machine.
            (root / "rustfmt.toml").write_text("# dspygen: rustfmt's defaults\n", encoding="utf-8")
        for rel, text in {**context, **files}.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8", newline="\n")
        paths = [str(root / rel) for rel in sorted(files)]
        if not _run([*argv, *paths], f"{len(files)} {tool} file(s)", sink, root, templates):
            return None
        return {rel: (root / rel).read_text(encoding="utf-8") for rel in files}


def formats(path: str) -> bool:
    """Whether a formatter runs over the file at `path` (Rust and Python sources)."""
    return path.endswith(RUST + PYTHON)


def format_files(
    files: dict[str, str], sink: Sink, templates: Path | None = None, context: dict[str, str] | None = None
) -> dict[str, str]:
    """Formatted texts; on any failure the sink holds an error and the result is partial.
    `templates`: the user's folder of templates, which a formatter failure is blamed on.
    `context`: the target's other files, formatted already (not formatted again)."""
    context = context or {}
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
    rust_context = {p: t for p, t in context.items() if p.endswith(RUST)}
    formatted_rust = _format_batch(
        rust, [rustfmt or "rustfmt", "--edition", "2021", "--quiet"], "Rust", sink, templates, rust_context
    )
    if formatted_rust is None:
        return out
    # --no-cache: ruff would otherwise leave a .ruff_cache folder in the user's working directory.
    argv = [ruff or "ruff", "format", "--isolated", "--no-cache", "--quiet", "--line-length", "100"]
    formatted_python = _format_batch(python, argv, "Python", sink, templates, {})
    if formatted_python is None:
        return out
    return {**out, **formatted_rust, **formatted_python}
