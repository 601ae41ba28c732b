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

from dspygen import runtime_crate, trust
from dspygen.config import Target, default_crate_name, find_pyproject, load_targets, make_target
from dspygen.diagnostics import Sink, render
from dspygen.fingerprint import record, up_to_date
from dspygen.init import init as init_project
from dspygen.writer import Changes, apply


def _colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def _report(sink: Sink) -> None:
    colour = _colour()
    for diagnostic in sink.sorted():
        text = render(diagnostic)
        if colour:
            head, _, rest = text.partition("\n")
            word = diagnostic.level.value
            styled = click.style(word, fg="red" if word == "error" else "yellow", bold=True)
            text = head.replace(f" {word}[", f" {styled}[", 1) + "\n" + click.style(rest, dim=True)
        click.echo(text, err=True, color=colour)


def _display(path: Path) -> str:
    """A path as the user would type it from here."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


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
        if args.out is None:
            raise click.UsageError("--out is required when files are given")
        target = make_target(
            list(args.files),
            args.out,
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
        raise click.UsageError("give FILES and --out, or run where pyproject.toml has [tool.dspygen]")
    # The command line is the user's own choice; a frontend from configuration that runs
    # code needs the repository trusted on this machine (trust.py).
    may_run_code = args.frontend is not None or trust.is_trusted(pyproject.parent)
    targets = load_targets(pyproject, _display(pyproject), sink, may_run_code)
    if not targets and not sink.has_errors:
        raise click.UsageError(f"{pyproject} has no [tool.dspygen] table; give FILES and --out")
    if args.frontend is not None:
        targets = [dataclasses.replace(t, frontend=args.frontend) for t in targets]
    if args.runtime is not None:
        targets = [dataclasses.replace(t, runtime=args.runtime.resolve()) for t in targets]
    return base, targets


_target_options = [
    click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False)),
    click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False), help="Output crate directory."),
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
@click.version_option(package_name="dspygen-rs", prog_name="dspygen")
def main() -> None:
    """Typed Rust bindings for DSPy signatures and pydantic v2 models."""


@dataclass(frozen=True)
class Plan:
    base: Path
    targets: list[tuple[Target, Changes | None]]
    runtimes: list[tuple[Path, Changes]]  # shared runtime folders (runtime_crate.py)


def _plan(args: TargetArgs, sink: Sink) -> Plan:
    """Each target with the changes its output needs (None when the fingerprint record says
    it is up to date: same inputs, untouched outputs, which then needs no new record), and
    each runtime folder the targets share."""
    base, targets = _base_and_targets(args, sink)
    runtimes: list[tuple[Path, Changes]] = []
    for folder in runtime_crate.shared(targets):  # a few files to compare: no fast path needed
        changes = runtime_crate.changes(folder, sink)
        if changes is not None:
            runtimes.append((folder, changes))
    planned: list[tuple[Target, Changes | None]] = []
    for target in targets:
        if up_to_date(target, base):
            planned.append((target, None))
            continue
        from dspygen import pipeline  # libcst, Jinja and the rest load only when there is work

        changes = pipeline.changes(target, base, sink)
        if changes is not None:
            planned.append((target, changes))
    return Plan(base, planned, runtimes)


@main.command()
@target_options
@click.option("--verbose", "-v", is_flag=True, help="List every file written or removed.")
def build(verbose: bool, **options: Any) -> None:
    """Generate the Rust crate(s) from FILES or from [tool.dspygen]."""
    started = time.perf_counter()
    sink = Sink()
    plan = _plan(TargetArgs(**options), sink)
    _report(sink)
    if sink.has_errors:
        sys.exit(1)
    written = unchanged = removed = 0
    # written only once every target rendered cleanly; the shared runtimes first, which the crates need
    outputs = [*plan.runtimes, *((t.out, c) for t, c in plan.targets if c is not None)]
    for out, changes in outputs:
        apply(out, changes)
        written += len(changes.write)
        unchanged += len(changes.unchanged)
        removed += len(changes.remove)
        if verbose:
            for rel in changes.write:
                click.echo(f"wrote {out / rel}")
            for rel in changes.remove:
                click.echo(f"removed {out / rel}")
    for target, maybe in plan.targets:
        if maybe is not None:
            record(target, plan.base)
    elapsed = time.perf_counter() - started
    click.echo(f"dspygen: {written} written, {unchanged} unchanged, {removed} removed in {elapsed:.2f}s")


@main.command()
@target_options
@click.option("--diff/--quiet", default=True, help="Print a unified diff of stale files (default) or nothing.")
def check(diff: bool, **options: Any) -> None:
    """Exit 1 with a diff when the generated output is not up to date. Writes nothing."""
    sink = Sink()
    plan = _plan(TargetArgs(**options), sink)
    _report(sink)
    if sink.has_errors:
        sys.exit(1)
    outputs = [*plan.runtimes, *((t.out, c) for t, c in plan.targets if c is not None)]
    stale = [(out, changes) for out, changes in outputs if changes.stale]
    for out, changes in stale:
        if diff:
            for text in changes.diffs:
                click.echo(text, nl=False)
        click.echo(
            f"dspygen: {out} is stale ({len(changes.write)} to write, "
            f"{len(changes.remove)} to remove); run `dspygen build`",
            err=True,
        )
    if stale:
        sys.exit(1)
    for target, maybe in plan.targets:
        if maybe is not None:
            record(target, plan.base)
    click.echo(f"dspygen: {len(plan.targets)} target(s) up to date")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--frontend",
    type=click.Choice(["static", "import"]),
    default="static",
    show_default=True,
    help="static: read the source; import: introspect the real classes in a subprocess.",
)
def schema(files: tuple[Path, ...], frontend: str) -> None:
    """Print the intermediate schema of FILES as sorted JSON."""
    from dspygen import pipeline
    from dspygen.ir.dump import to_json  # the IR stays off the pre-commit path

    sink = Sink()
    result = pipeline.read(list(files), Path.cwd().resolve(), sink, frontend)
    _report(sink)
    if sink.has_errors:
        sys.exit(1)
    click.echo(to_json(result), nl=False)


@main.command()
@click.option(
    "--sources",
    "-s",
    multiple=True,
    default=("signatures.py",),
    show_default=True,
    help="Source files or globs, relative to pyproject.toml (repeatable).",
)
@click.option("--out", "-o", default="bindings", show_default=True, help="Output crate directory.")
@click.option("--crate-name", default=None, help="Crate and module name (default: the output folder's name).")
@click.option("--pre-commit/--no-pre-commit", default=True, help="Also add the hook to .pre-commit-config.yaml.")
def init(sources: tuple[str, ...], out: str, crate_name: str | None, pre_commit: bool) -> None:
    """Add [tool.dspygen] to pyproject.toml and the hook to .pre-commit-config.yaml."""
    pyproject = find_pyproject(Path.cwd())
    if pyproject is None:
        raise click.UsageError("no pyproject.toml here or above; create one first")
    crate = crate_name or default_crate_name(Path(out))
    result = init_project(pyproject.parent, list(sources), out, crate, pre_commit)
    done = "added [tool.dspygen]" if result.pyproject_changed else "already has [tool.dspygen]"
    click.echo(f"{pyproject}: {done}")
    if pre_commit:
        config = pyproject.parent / ".pre-commit-config.yaml"
        done = "added the dspygen hook" if result.precommit_changed else "already has the dspygen hook"
        click.echo(f"{config}: {done}")


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
