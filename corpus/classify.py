"""Runs `dspygen schema` on one file and classifies each of its declarations.

read: the schema has an item (signature, model or enum) starting inside the declaration.
refused: the run failed and an error is located inside the declaration (its cause is the
first such error); or the run failed with errors elsewhere only ("blocked").
left out: the run succeeded without the declaration: skipped on purpose (a note or warning
saying so), left out with another warning, or absent with no diagnostic at all.
crashed: a traceback, an exit code other than 0 and 1, a timeout, or a failure without any
diagnostic. Causes are short labels; the top-causes table groups messages more finely.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.scan import Declaration

TIMEOUT = 60.0  # seconds per file; the largest corpus file reads in about a second
# `path:line:col: error[DSG010]: message` (the location is absent when the problem has none).
DIAGNOSTIC = re.compile(
    r"^(?:(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): )?"
    r"(?P<level>error|warning|note)\[(?P<code>DSG\d+)\]: (?P<message>.*)$"
)
READ, REFUSED, LEFT_OUT, CRASHED = "read", "refused", "left out", "crashed"


@dataclass(frozen=True)
class Diagnostic:
    level: str
    code: str
    message: str
    path: str | None
    line: int
    col: int


@dataclass
class Outcome:
    declaration: Declaration
    status: str  # READ, REFUSED, LEFT_OUT or CRASHED
    cause: str = ""  # a short label, empty for READ
    diagnostic: Diagnostic | None = None  # the error or warning that decided it


@dataclass
class FileRun:
    path: str
    exit_code: int | None  # None: timed out
    seconds: float
    diagnostics: list[Diagnostic]
    outcomes: list[Outcome] = field(default_factory=list)
    crash: str = ""  # why the run counts as a crash, with the end of its stderr

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.crash


def parse_diagnostics(stderr: str) -> list[Diagnostic]:
    found = []
    for line in stderr.splitlines():
        if m := DIAGNOSTIC.match(line):
            found.append(
                Diagnostic(m["level"], m["code"], m["message"], m["path"], int(m["line"] or 0), int(m["col"] or 0))
            )
    return found


def cause_of(d: Diagnostic) -> str:
    """A short label for the lead's next fixes: where a declaration's type lives outside the
    files given is one cause, whatever its code; the rest by construct and code."""
    if "not among the files given" in d.message:
        return "outside type: from a project file not given"
    if d.code in ("DSG010", "DSG011") and re.search(r"comes from|not defined|cannot be resolved|unresolved", d.message):
        return f"outside type: {d.code}"
    if d.level == "note":  # dspygen notes only what is left out on purpose (skip, exclude)
        return "skipped"
    if d.level == "warning":
        return f"left out with a warning ({d.code})"
    return f"unsupported construct ({d.code})"


def innermost(declarations: list[Declaration], line: int) -> Declaration | None:
    holding = [d for d in declarations if d.contains(line)]
    return min(holding, key=lambda d: d.end - d.line) if holding else None


def _schema_lines(schema: dict[str, Any], path: str) -> list[int]:
    lines = []
    for key in ("signatures", "models", "enums"):
        for item in schema.get(key, []):
            span = item.get("span") or {}
            if span.get("path") == path and isinstance(span.get("line"), int):
                lines.append(span["line"])
    return lines


def run_schema(root: Path, path: str, declarations: list[Declaration], timeout: float = TIMEOUT) -> FileRun:
    """`dspygen schema PATH` with cwd ROOT (so displayed paths are PATH), classified."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "dspygen", "schema", path],
            cwd=root,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        run = FileRun(path, None, time.perf_counter() - started, [], crash=f"timed out after {timeout:.0f} s")
        run.outcomes = [Outcome(d, CRASHED, "timeout") for d in declarations]
        return run
    run = FileRun(path, proc.returncode, time.perf_counter() - started, parse_diagnostics(proc.stderr))
    tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
    schema: dict[str, Any] | None = None
    if "Traceback (most recent call last)" in proc.stderr:
        run.crash = f"traceback: {tail}"
    elif proc.returncode not in (0, 1):
        run.crash = f"exit code {proc.returncode}: {tail}"
    elif proc.returncode == 1 and not any(d.level == "error" for d in run.diagnostics):
        run.crash = f"exit 1 without an error diagnostic: {tail}"
    elif proc.returncode == 0:
        try:
            schema = json.loads(proc.stdout)
        except ValueError:
            run.crash = "exit 0 without a JSON schema on stdout"
    if run.crash:
        run.outcomes = [Outcome(d, CRASHED, run.crash.split(":", 1)[0]) for d in declarations]
        return run
    here = [d for d in run.diagnostics if d.path == path]
    if schema is not None:
        read = {id(decl) for line in _schema_lines(schema, path) if (decl := innermost(declarations, line))}
        for decl in declarations:
            if id(decl) in read:
                run.outcomes.append(Outcome(decl, READ))
                continue
            notes = [d for d in here if innermost(declarations, d.line) is decl]
            if notes:
                run.outcomes.append(Outcome(decl, LEFT_OUT, cause_of(notes[0]), notes[0]))
            else:
                run.outcomes.append(Outcome(decl, LEFT_OUT, f"absent without a diagnostic ({_why_absent(decl)})"))
        return run
    errors = [d for d in run.diagnostics if d.level == "error"]
    for decl in declarations:
        inside = [d for d in errors if d.path == path and innermost(declarations, d.line) is decl]
        if inside:
            run.outcomes.append(Outcome(decl, REFUSED, cause_of(inside[0]), inside[0]))
        elif any(d.path in (path, None) for d in errors):
            run.outcomes.append(Outcome(decl, REFUSED, "blocked by another error in the file"))
        else:
            run.outcomes.append(Outcome(decl, REFUSED, "blocked by an error in another file"))
    return run


def _why_absent(decl: Declaration) -> str:
    """What the scan knows about a declaration dspygen passed over in silence."""
    if decl.scope == "function":
        return "defined inside a function"
    if decl.base_elsewhere:
        return "its base class is in another file"
    if decl.scope == "class":
        return "nested in a class"
    if decl.scope == "block":
        return "under a module-level if/try/with block"
    return "at module level"
