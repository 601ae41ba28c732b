"""The command line (click): the only place that prints and chooses exit codes.

Exit codes: 0 ok, 1 errors in the input or stale output, 2 usage errors.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from dspygen import runtime_crate, sources, trust
from dspygen.config import Target, default_crate_name, find_pyproject, load_targets, make_target
from dspygen.diagnostics import Code, Sink, render, shown_path
from dspygen.fingerprint import owned_files, record, up_to_date
from dspygen.writer import Changes, apply


def _colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def _report(sink: Sink) -> None:
    colour = _colour()
    shown = sink.sorted()
    for diagnostic in shown:
        text = render(diagnostic)
        if colour:
            head, _, rest = text.partition("\n")
            word = diagnostic.level.value
            styled = click.style(word, fg={"error": "red", "warning": "yellow"}.get(word, "cyan"), bold=True)
            text = head.replace(f" {word}[", f" {styled}[", 1) + "\n" + click.style(rest, dim=True)
        click.echo(text, err=True, color=colour)
    counts = [(sum(d.level.value == level for d in shown), level) for level in ("error", "warning", "note")]
    said = [f"{n} {level}{'s' if n != 1 else ''}" for n, level in counts if n]
    if said:
        click.echo(f"dspygen: {', '.join(said)}", err=True)


@dataclass(frozen=True)
class TargetArgs:
    """The command-line options that describe target(s); the rest come from [tool.dspygen]."""

    files: tuple[Path, ...]
    out: Path | None
    crate_name: str | None
    module_name: str | None
    templates: Path | None
    frontend: str | None
    config: Path | None
    runtime: Path | None


def _base_and_targets(args: TargetArgs, sink: Sink) -> tuple[Path, list[Target]]:
    pyproject = args.config or find_pyproject(Path.cwd())
    base = pyproject.parent.resolve() if pyproject is not None else Path.cwd().resolve()
    if args.files:
        files, empty = sources.expand(args.files)
        if empty:
            raise click.UsageError(f"{', '.join(empty)}: no Python file there")
        out = args.out or sources.default_out(files, base)
        target = make_target(
            files,
            out,
            args.crate_name,
            args.module_name,
            args.templates,
            sink,
            frontend=args.frontend or "static",
        )
        if target is not None and args.runtime is not None:
            target = dataclasses.replace(target, runtime=args.runtime)
        return base, [target] if target is not None else []
    if pyproject is None:
        raise click.UsageError("give FILES, or run where pyproject.toml has [tool.dspygen]")
    # The command line is the user's own choice; a frontend from configuration that runs
    # code needs the repository trusted on this machine (trust.py).
    may_run_code = args.frontend is not None or trust.is_trusted(pyproject.parent)
    targets = load_targets(pyproject, shown_path(pyproject), sink, may_run_code)
    if not targets and not sink.has_errors:
        raise click.UsageError(f"{pyproject} has no [tool.dspygen] table; give FILES (or run `dspygen init`)")
    if args.frontend is not None:
        targets = [dataclasses.replace(t, frontend=args.frontend) for t in targets]
    if args.runtime is not None:
        targets = [dataclasses.replace(t, runtime=args.runtime.resolve()) for t in targets]
    return base, targets


def _safe_outputs(targets: list[Target], sink: Sink) -> list[Target]:
    """The targets whose output folder dspygen may write; the others are reported."""
    out = []
    for target in targets:
        why = sources.unsafe_out(target.out, target.sources)
        if why is None:
            out.append(target)
        else:
            sink.error(Code.OUTPUT_PATH, why, None, hint="give --out (or `out`) a folder of its own, such as `rust/`")
    return out


_target_options = [
    click.argument("files", nargs=-1, type=click.Path(path_type=Path)),
    click.option(
        "--out",
        "-o",
        type=click.Path(path_type=Path, file_okay=False),
        help="Output crate directory (default with FILES: <package>_rs beside the project).",
    ),
    click.option("--crate-name", help="Cargo and Python package name (default: the output folder's name)."),
    click.option("--module-name", help="Python module to import (default: the crate name)."),
    click.option(
        "--templates",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        help="A folder of templates overriding the shipped ones.",
    ),
    click.option(
        "--frontend",
        type=click.Choice(["static", "import"]),
        default=None,
        help="static: read the source, never running it (default); import: introspect the real classes.",
    ),
    click.option(
        "--config",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="pyproject.toml to read [tool.dspygen] from (default: the nearest one).",
    ),
    click.option(
        "--runtime",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder of the runtime crate the crates depend on, written there (default: OUT/dspygen-runtime).",
    ),
]


F = TypeVar("F", bound=Callable[..., Any])


def target_options(func: F) -> F:
    """The options every target-taking command shares."""
    for option in reversed(_target_options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "-V", "--version", package_name="dspygen-rs", prog_name="dspygen")
def main() -> None:
    """Typed Rust bindings for DSPy signatures and pydantic v2 models."""


@dataclass(frozen=True)
class _Work:
    changes: Changes
    read: tuple[Path, ...]  # the source files read, for the fingerprint


@dataclass(frozen=True)
class Plan:
    base: Path
    targets: list[tuple[Target, _Work | None]]
    runtimes: list[tuple[Path, Changes]]  # shared runtime folders (runtime_crate.py)


def _plan(args: TargetArgs, sink: Sink, *, writing: bool) -> Plan:
    """Each target with the changes its output needs (None when the fingerprint record says
    it is up to date: same inputs, untouched outputs, which then needs no new record), and
    each runtime folder the targets share."""
    base, targets = _base_and_targets(args, sink)
    targets = _safe_outputs(targets, sink)
    runtimes: list[tuple[Path, Changes]] = []
    for folder in runtime_crate.shared(targets):  # a few files to compare: no fast path needed
        changes = runtime_crate.changes(folder, sink, writing=writing)
        if changes is not None:
            runtimes.append((folder, changes))
    fresh = [up_to_date(t, base) for t in targets]
    work = [t for t, ok in zip(targets, fresh, strict=True) if not ok]
    results = []
    if work:
        from dspygen import workers  # libcst, Jinja and the rest load only when there is work

        results = workers.plan(work, base, list(sink.items), writing=writing)
    planned: list[tuple[Target, _Work | None]] = []
    outcomes = iter(results)
    for target, ok in zip(targets, fresh, strict=True):
        if ok:
            planned.append((target, None))
            continue
        done, diagnostics = next(outcomes)
        sink.items.extend(diagnostics)
        if done is not None:
            planned.append((target, _Work(done.changes, done.read)))
    return Plan(base, planned, runtimes)


@main.command()
@target_options
@click.option("--verbose", "-v", is_flag=True, help="List every file written or removed.")
def build(verbose: bool, **options: Any) -> None:
    """Generate the Rust crate(s) from FILES or from [tool.dspygen]."""
    started = time.perf_counter()
    sink = Sink()
    plan = _plan(TargetArgs(**options), sink, writing=True)
    planned = plan.targets
    _report(sink)
    if sink.has_errors:
        sys.exit(1)
    written = unchanged = removed = 0
    # written only once every target rendered cleanly; the shared runtimes first, which the crates need
    outputs = [*plan.runtimes, *((t.out, w.changes) for t, w in planned if w is not None)]
    for out, changes in outputs:
        try:
            apply(out, changes)
        except OSError as exc:  # a read-only folder, a full disk: the next run finishes or rolls back
            sink.error(
                Code.OUTPUT_PATH,
                f"cannot write into {shown_path(out)}: {exc.strerror or exc}",
                None,
                hint="make the folder writable (or free space), then build again: it finishes what this began",
            )
            _report(sink)
            sys.exit(1)
        written += len(changes.write)
        unchanged += len(changes.unchanged)
        removed += len(changes.remove)
        if verbose:
            for rel in changes.write:
                click.echo(f"wrote {out / rel}")
            for rel in changes.remove:
                click.echo(f"removed {out / rel}")
    for target, maybe in planned:
        if maybe is None:  # up to date by the fingerprint: every owned file unchanged
            unchanged += owned_files(target)
        else:
            record(target, plan.base, maybe.read)
    elapsed = time.perf_counter() - started
    where = f" (the crate `{planned[0][0].crate_name}` in {shown_path(planned[0][0].out)})" if len(planned) == 1 else ""
    click.echo(f"dspygen: {written} written, {unchanged} unchanged, {removed} removed in {elapsed:.2f}s{where}")


@main.command()
@target_options
@click.option("--diff/--quiet", default=True, help="Print a unified diff of stale files (default) or nothing.")
def check(diff: bool, **options: Any) -> None:
    """Exit 1 with a diff when the generated output is not up to date. Writes nothing."""
    sink = Sink()
    plan = _plan(TargetArgs(**options), sink, writing=False)
    planned = plan.targets
    _report(sink)
    if sink.has_errors:
        sys.exit(1)
    outputs = [*plan.runtimes, *((t.out, w.changes) for t, w in planned if w is not None)]
    stale = [(out, changes) for out, changes in outputs if changes.stale]
    for out, changes in stale:
        if diff:
            for text in changes.diffs():
                click.echo(text, nl=False)
        click.echo(
            f"dspygen: {out} is stale ({len(changes.write)} to write, "
            f"{len(changes.remove)} to remove); run `dspygen build`",
            err=True,
        )
    if stale:
        sys.exit(1)
    for target, maybe in planned:
        if maybe is not None:
            record(target, plan.base, maybe.read)
    click.echo(f"dspygen: {len(planned)} target(s) up to date")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--frontend",
    type=click.Choice(["static", "import"]),
    default=None,
    help="static: read the source (default); import: introspect the real classes in a subprocess.",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="pyproject.toml to read [tool.dspygen] from (default: the nearest one).",
)
def schema(files: tuple[Path, ...], frontend: str | None, config: Path | None) -> None:
    """Print the intermediate schema of FILES, or of the [tool.dspygen] targets, as sorted JSON.

    Without FILES, each target is read under its options (exclude, import-names, types, ...);
    several targets print one object, keyed by crate name."""
    import json

    from dspygen import pipeline
    from dspygen.ir.dump import to_json  # the IR stays off the pre-commit path

    sink = Sink()
    # With FILES no crate is written: the output options only need to be valid.
    args = TargetArgs(files, Path("."), "schema" if files else None, None, None, frontend, config, None)
    base, targets = _base_and_targets(args, sink)
    base = Path.cwd().resolve() if files else base  # paths shown as given
    schemas = {t.crate_name: pipeline.read_target(t, base, sink) for t in targets}
    _report(sink)
    if sink.has_errors:
        sys.exit(1)
    if files or len(schemas) == 1:
        click.echo(to_json(next(iter(schemas.values()))), nl=False)
    else:
        plain = {name: json.loads(to_json(s)) for name, s in schemas.items()}
        click.echo(json.dumps(plain, indent=2, sort_keys=True, ensure_ascii=False))


@main.command()
@click.option(
    "--sources",
    "-s",
    multiple=True,
    help="Entry files or globs, relative to pyproject.toml (repeatable; default: the files declaring signatures).",
)
@click.option("--out", "-o", default="bindings", show_default=True, help="Output crate directory.")
@click.option("--crate-name", default=None, help="Crate and module name (default: the output folder's name).")
@click.option("--pre-commit/--no-pre-commit", default=True, help="Also add the hook to .pre-commit-config.yaml.")
@click.option("--force", is_flag=True, help="Replace an existing [tool.dspygen] table.")
def init(sources: tuple[str, ...], out: str, crate_name: str | None, pre_commit: bool, force: bool) -> None:
    """Add [tool.dspygen] to pyproject.toml and the hook to .pre-commit-config.yaml."""
    import glob

    from dspygen.init import has_tool_table, install_spec, likely_sources
    from dspygen.init import init as init_project

    pyproject = find_pyproject(Path.cwd())
    if pyproject is None:
        raise click.UsageError("no pyproject.toml here or above; create one first")
    root = pyproject.parent
    try:
        configured = has_tool_table(pyproject) and not force
    except (ValueError, OSError) as exc:  # an unreadable or malformed pyproject.toml
        raise click.ClickException(f"{shown_path(pyproject)}: {exc}") from exc
    chosen = list(sources) or ([] if configured else likely_sources(root))
    if not chosen and not configured:
        raise click.UsageError("found no file declaring a DSPy signature here; name the entry files with --sources")
    for source in chosen:
        if not glob.glob(str(root / source), recursive=True):
            click.echo(f"dspygen: warning: `{source}` matches no file under {shown_path(root)}", err=True)
    crate = crate_name or default_crate_name(Path(out))
    try:
        result = init_project(root, chosen, out, crate, pre_commit, force)
    except (ValueError, OSError) as exc:  # an unreadable or malformed pyproject.toml / hook file
        raise click.ClickException(f"{shown_path(pyproject)}: {exc}") from exc
    done = (
        f"added [tool.dspygen] with sources {', '.join(chosen)}"
        if result.pyproject_changed
        else "already has [tool.dspygen] (--force replaces it)"
    )
    click.echo(f"{shown_path(pyproject)}: {done}")
    if pre_commit:
        config = root / ".pre-commit-config.yaml"
        done = "added the dspygen hook" if result.precommit_changed else "already has the dspygen hook"
        click.echo(f"{shown_path(config)}: {done}")
        if result.precommit_changed and install_spec() is None:
            click.echo(
                "dspygen: the hook runs the `dspygen` on PATH (`language: system`): this dspygen was installed "
                "from a package index or in a way pip did not record, so the hook cannot install it itself",
                err=True,
            )


@main.command(name="trust")
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--revoke", is_flag=True, help="Take the trust back.")
@click.option("--list", "listing", is_flag=True, help="List the trusted repositories.")
def trust_command(folder: Path | None, revoke: bool, listing: bool) -> None:
    """Let this repository's [tool.dspygen] run its code (frontend = "import") on this machine.

    FOLDER: the repository (default: the folder of the nearest pyproject.toml). The list is
    kept outside every repository, so a repository cannot trust itself.
    """
    if listing:
        for entry in trust.trusted():
            click.echo(entry)
        return
    if folder is None:
        pyproject = find_pyproject(Path.cwd())
        if pyproject is None:
            raise click.UsageError("no pyproject.toml here or above; give the repository's folder")
        folder = pyproject.parent
    root = folder.resolve()
    if revoke:
        done = "no longer trusted" if trust.revoke(root) else "was not trusted"
    else:
        done = "trusted: its [tool.dspygen] may run its code" if trust.trust(root) else "already trusted"
    click.echo(f"{root}: {done} (list: {trust.store()})")
