"""Configuration: [tool.dspygen] in pyproject.toml (read with tomlkit) -> frozen Targets.

A target is one output crate: its sources, output directory and names. The table is
either a single target or an array `[[tool.dspygen.targets]]`. Errors are diagnostics
pointing into pyproject.toml.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions

from dspygen.diagnostics import Code, Sink, Span

CRATE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
KEYS = {"sources", "out", "crate-name", "module-name", "templates"}


@dataclass(frozen=True)
class Target:
    sources: tuple[Path, ...]
    out: Path
    crate_name: str
    module_name: str
    templates: Path | None


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def default_crate_name(out: Path) -> str:
    name = re.sub(r"[^a-z0-9_]", "_", out.resolve().name.lower()) or "bindings"
    return name if not name[0].isdigit() else f"_{name}"


def check_name(name: str, what: str, sink: Sink, span: Span | None) -> bool:
    from dspygen.lower.naming import KEYWORDS

    if not CRATE_NAME.match(name) or keyword.iskeyword(name) or name in KEYWORDS:
        sink.error(
            Code.INVALID_NAME,
            f"the {what} {name!r} must be a lowercase identifier (letters, digits, _) and not a keyword",
            span,
        )
        return False
    return True


def make_target(
    sources: list[Path], out: Path, crate_name: str | None, module_name: str | None, templates: Path | None,
    sink: Sink, span: Span | None = None,
) -> Target | None:
    crate = crate_name or default_crate_name(out)
    module = module_name or crate
    if not (check_name(crate, "crate name", sink, span) and check_name(module, "module name", sink, span)):
        return None
    return Target(tuple(sources), out, crate, module, templates)


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 1


def load_targets(pyproject: Path, display: str, sink: Sink) -> list[Target]:
    """The targets declared in `pyproject`; an absent table means none."""
    text = pyproject.read_text(encoding="utf-8")
    try:
        doc = tomlkit.parse(text).unwrap()
    except tomlkit.exceptions.ParseError as exc:
        sink.error(Code.CONFIG, f"pyproject.toml is not valid TOML: {exc}", Span(display, exc.line, exc.col))
        return []
    table = doc.get("tool", {}).get("dspygen")
    if table is None:
        return []
    base = pyproject.parent
    entries: list[Any] = table.get("targets", [table]) if isinstance(table, dict) else []
    out = []
    for entry in entries:
        target = _target(entry, base, text, display, sink)
        if target is not None:
            out.append(target)
    return out


def _target(entry: Any, base: Path, text: str, display: str, sink: Sink) -> Target | None:
    span = Span(display, _line_of(text, "dspygen"), 1)
    if not isinstance(entry, dict):
        sink.error(Code.CONFIG, "[tool.dspygen] targets must be tables", span)
        return None
    keys = set(entry) - {"targets"}
    for unknown in sorted(keys - KEYS):
        sink.error(Code.CONFIG, f"unknown key `{unknown}` in [tool.dspygen]", Span(display, _line_of(text, unknown), 1))
    sources, out = entry.get("sources"), entry.get("out")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        sink.error(Code.CONFIG, "`sources` must be a non-empty list of paths or globs", span)
        return None
    if not isinstance(out, str):
        sink.error(Code.CONFIG, "`out` must be the output directory", span)
        return None
    paths: list[Path] = []
    for pattern in sources:
        matched = sorted(base.glob(pattern)) if any(c in pattern for c in "*?[") else [base / pattern]
        if not matched:
            sink.error(Code.CONFIG, f"`{pattern}` matches no file", Span(display, _line_of(text, pattern), 1))
        paths.extend(matched)
    templates = entry.get("templates")
    return make_target(
        paths,
        base / out,
        entry.get("crate-name"),
        entry.get("module-name"),
        base / templates if isinstance(templates, str) else None,
        sink,
        span,
    )
