"""Configuration: [tool.dspygen] in pyproject.toml (read with tomllib) -> frozen Targets.

A target is one output crate: its sources, output directory and names. The table is
either a single target or an array `[[tool.dspygen.targets]]`. Errors are diagnostics
pointing into pyproject.toml.
"""

from __future__ import annotations

import dataclasses
import keyword
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import tomllib

from dspygen import sources as sources_of
from dspygen.diagnostics import Code, Sink, Span, did_you_mean
from dspygen.mapping import TypeMapping, read_types

CRATE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
KEYS = {"sources", "out", "crate-name", "module-name", "templates", "frontend", "types", "import-names", "exclude"}
KEYS |= {"runtime"}
RUNTIME_FOLDER = "dspygen-runtime"  # where a target's own copy of the runtime crate goes, under `out`


@dataclass(frozen=True)
class Target:
    sources: tuple[Path, ...]
    out: Path
    crate_name: str
    module_name: str
    templates: Path | None
    frontend: str = "static"  # "static" (libcst, the default) or "import" (introspection)
    types: tuple[TypeMapping, ...] = ()  # Python classes mapped to the user's Rust types (`types = {...}`)
    # The module name a source is imported by, for files Python cannot import by their own name
    # (`import-names = { "v1.2.py" = "models_v1" }`).
    import_names: tuple[tuple[Path, str], ...] = ()
    # Declarations left out on purpose, as `module.Name` (`exclude = ["app.models.Legacy"]`).
    exclude: tuple[str, ...] = ()
    # The folder of the runtime crate the generated crate depends on (runtime_crate.py); None: its
    # own copy, `<out>/dspygen-runtime`. Several targets of one Cargo workspace share one folder.
    runtime: Path | None = None

    @property
    def runtime_folder(self) -> Path:
        return self.runtime if self.runtime is not None else self.out / RUNTIME_FOLDER


FRONTENDS = ("static", "import")


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def default_crate_name(out: Path) -> str:
    try:
        folder = out.resolve()
    except (RuntimeError, OSError):  # a loop of links: refused later (sources.unsafe_out)
        folder = Path(os.path.abspath(out))
    name = re.sub(r"[^a-z0-9_]", "_", folder.name.lower()) or "bindings"
    return name if not name[0].isdigit() else f"_{name}"


def check_name(name: str, what: str, sink: Sink, span: Span | None) -> bool:
    from dspygen.lower.naming import KEYWORDS

    if not CRATE_NAME.match(name) or keyword.iskeyword(name) or name in KEYWORDS or name == "_":
        sink.error(
            Code.INVALID_NAME,
            f"the {what} {name!r} must be a lowercase identifier (letters, digits, _) and not a keyword",
            span,
        )
        return False
    taken = RESERVED_CRATES if what == "crate name" else RESERVED_MODULES
    if name in taken or (what != "crate name" and name in sys.stdlib_module_names):
        sink.error(
            Code.INVALID_NAME,
            f"the {what} {name!r} is taken: {taken.get(name, 'a module of the standard library')}",
            span,
            hint="choose a name of your own, such as the project's name with `_rs`",
        )
        return False
    return True


# A crate named like one it depends on (or like a sysroot crate) does not compile, and a
# Python distribution named like an installed package replaces it on `pip install`.
RESERVED_CRATES = {
    **{name: "a crate of Rust's standard library" for name in ("std", "core", "alloc", "proc_macro", "test")},
    **{
        name: "a crate the generated code depends on"
        for name in ("dspygen_runtime", "pyo3", "serde", "serde_json", "indexmap")
    },
    **{name: "a Python package the generated code needs" for name in ("pydantic", "pydantic_core", "dspy", "maturin")},
}
# An extension module named like one of these would be shadowed by it, or shadow it.
RESERVED_MODULES = {
    name: "a Python package the generated code needs"
    for name in ("pydantic", "pydantic_core", "dspy", "maturin", "typing_extensions", "pytest")
}


def make_target(
    sources: list[Path],
    out: Path,
    crate_name: str | None,
    module_name: str | None,
    templates: Path | None,
    sink: Sink,
    span: Span | None = None,
    *,
    module_span: Span | None = None,
    frontend: str = "static",
) -> Target | None:
    crate = crate_name or default_crate_name(out)
    module = module_name or crate
    module_span = module_span or span
    if not (check_name(crate, "crate name", sink, span) and check_name(module, "module name", sink, module_span)):
        return None
    return Target(tuple(sources), out, crate, module, templates, frontend)


def _parse_toml(text: str, display: str, sink: Sink) -> dict[str, Any] | None:
    """The document, read with tomllib (tomlkit, which reads pyproject.toml for `dspygen init`,
    costs about 40 ms to import and parse: a third of a `check` that finds nothing to do). Where
    tomllib refuses the text, tomlkit decides, as it always did here: its error has the line and
    column a diagnostic needs, and a document it reads is read as before."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        pass
    import tomlkit
    import tomlkit.exceptions

    try:
        found: dict[str, Any] = tomlkit.parse(text).unwrap()
    except tomlkit.exceptions.ParseError as exc:
        sink.error(Code.CONFIG, f"pyproject.toml is not valid TOML: {exc}", Span(display, exc.line, exc.col))
        return None
    return found


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 1


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]*?)\s*\]\]?\s*(#.*)?$")


class _Lines:
    """Lines of one target's table in pyproject.toml, for diagnostics.

    A plain search of the whole file for a key found the first line holding the
    text anywhere (`name` in [project], "dspygen" in a comment); this looks inside
    the target's own table: `[tool.dspygen]`, or the n-th `[[tool.dspygen.targets]]`.
    """

    def __init__(self, text: str, array: bool, index: int) -> None:
        self.text = text
        self.lines = text.splitlines()
        self.start = self.end = 0  # 1-based header line; the table ends before `end`
        wanted = ("[[", "tool.dspygen.targets") if array else ("[", "tool.dspygen")
        seen = -1
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if match is None:
                continue
            if self.start and not self.end:
                self.end = number
            name = re.sub(r"[\s\"']", "", match.group(2))
            if (match.group(1), name) == wanted:
                seen += 1
                if seen == index:
                    self.start, self.end = number, 0
        if self.start and not self.end:
            self.end = len(self.lines) + 1
        self.fallback = self.start or _line_of(text, "dspygen")

    def key(self, key: str) -> int:
        """The line setting `key` in the table, else the table's header."""
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        return self._find(lambda line: bool(pattern.match(line)))

    def containing(self, needle: str) -> int:
        return self._find(lambda line: needle in line)

    def _find(self, test: Callable[[str], bool]) -> int:
        if self.start:
            for number in range(self.start + 1, self.end):
                if test(self.lines[number - 1]):
                    return number
        return self.fallback


def load_targets(pyproject: Path, display: str, sink: Sink, may_run_code: bool = False) -> list[Target]:
    """The targets declared in `pyproject`; an absent table means none.

    `may_run_code`: whether settings that make dspygen run the repository's code (the
    import frontend) may come from this file: the user trusted the repository (trust.py)
    or chose the frontend on the command line. Otherwise such a setting is an error."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        sink.error(Code.CONFIG, f"pyproject.toml is not UTF-8 text: {exc.reason}", Span(display, 1, 1))
        return []
    except OSError as exc:
        sink.error(Code.CONFIG, f"cannot read pyproject.toml: {exc.strerror or exc}", Span(display, 1, 1))
        return []
    doc = _parse_toml(text, display, sink)
    if doc is None:
        return []
    tool = doc.get("tool", {})
    if not isinstance(tool, dict):
        sink.error(Code.CONFIG, "`tool` in pyproject.toml must be a table", Span(display, _line_of(text, "tool"), 1))
        return []
    table = tool.get("dspygen")
    if table is None:
        return []
    if not isinstance(table, dict):
        where = Span(display, _line_of(text, "dspygen"), 1)
        hint = "write [tool.dspygen] with sources and out"
        sink.error(Code.CONFIG, "[tool.dspygen] must be a table", where, hint=hint)
        return []
    base = pyproject.parent
    array = isinstance(table, dict) and "targets" in table
    entries: list[Any] = table.get("targets", [table]) if isinstance(table, dict) else []
    if array:
        # Keys beside [[tool.dspygen.targets]] were silently ignored; say so.
        top = _Lines(text, False, 0)
        for key in sorted(set(table) - {"targets", "runtime"}):
            sink.error(
                Code.CONFIG,
                f"`{key}` in [tool.dspygen] is ignored when [[tool.dspygen.targets]] is used",
                Span(display, top.key(key), 1),
                hint="move the key into each [[tool.dspygen.targets]] table",
            )
        if not isinstance(entries, list):
            sink.error(Code.CONFIG, "`targets` must be an array of tables", Span(display, top.key("targets"), 1))
            return []
    # One runtime folder for every target (`runtime` beside [[tool.dspygen.targets]]).
    shared = _runtime(table.get("runtime") if array else None, base, _Lines(text, False, 0), display, sink)
    out: list[Target] = []
    outs: dict[Path, int] = {}
    for i, entry in enumerate(entries):
        lines = _Lines(text, array, i)
        target = _target(entry, base, lines, display, sink, may_run_code)
        if target is not None and target.runtime is None and shared is not None:
            target = dataclasses.replace(target, runtime=shared)
        if target is None:
            continue
        # Two targets writing one folder would prune each other's files on every build.
        folder = target.out.resolve()
        if folder in outs:
            sink.error(
                Code.CONFIG,
                f"targets {outs[folder] + 1} and {i + 1} both write to `{entry['out']}`",
                Span(display, lines.key("out"), 1),
                hint="give each target its own `out` directory",
            )
            continue
        outs[folder] = i
        out.append(target)
    return out


def _runtime(value: Any, base: Path, lines: _Lines, display: str, sink: Sink) -> Path | None:
    """The runtime folder a `runtime = "..."` key names (relative to pyproject.toml)."""
    if value is None:
        return None
    if not _path_text(value):
        sink.error(
            Code.CONFIG, "`runtime` must be the folder of the runtime crate", Span(display, lines.key("runtime"), 1)
        )
        return None
    return base / value


def _path_text(value: Any) -> TypeGuard[str]:
    """A non-empty string that can name a file: no NUL, which no file system takes."""
    return isinstance(value, str) and bool(value) and "\0" not in value


def _glob(base: Path, pattern: str) -> list[Path]:
    """The Python files `pattern` matches: `app/*` also matches `app/__pycache__` and
    `app/README.md`, which are not sources. Only inside the project (the caller refuses an
    absolute pattern or one going up): `/**/*.py` would walk the whole disk."""
    try:
        found = list(base.glob(pattern))
    except (ValueError, NotImplementedError, OSError):
        return []
    root = base.resolve()
    return sorted(p for p in found if p.suffix == ".py" and p.is_file() and p.resolve().is_relative_to(root))


def _target(entry: Any, base: Path, lines: _Lines, display: str, sink: Sink, may_run_code: bool) -> Target | None:
    def at(line: int) -> Span:
        return Span(display, line, 1)

    if not isinstance(entry, dict):
        sink.error(Code.CONFIG, "[tool.dspygen] targets must be tables", at(lines.fallback))
        return None
    for unknown in sorted(set(entry) - KEYS):
        sink.error(
            Code.CONFIG,
            f"unknown key `{unknown}` in [tool.dspygen]"
            + (f".{guess}" if (guess := did_you_mean(unknown, KEYS)) else ""),
            at(lines.key(unknown)),
        )
    sources, out = entry.get("sources"), entry.get("out")
    if not isinstance(sources, list) or not sources or not all(_path_text(s) for s in sources):
        sink.error(Code.CONFIG, "`sources` must be a non-empty list of paths or globs", at(lines.key("sources")))
        return None
    if not _path_text(out):
        sink.error(Code.CONFIG, "`out` must be the output directory's path", at(lines.key("out")))
        return None
    for key in ("crate-name", "module-name", "templates"):  # an empty name falls back to the default
        if key in entry and not (_path_text(entry[key]) or (key != "templates" and entry[key] == "")):
            sink.error(Code.CONFIG, f"`{key}` must be a string", at(lines.key(key)))
            return None
    paths: list[Path] = []
    for pattern in sources:
        if any(c in pattern for c in "*?[") and (Path(pattern).anchor or ".." in Path(pattern).parts):
            sink.error(
                Code.CONFIG,
                f"the glob `{pattern}` reaches outside the project",
                at(lines.containing(pattern)),
                hint="write globs relative to pyproject.toml's folder, without `..` (list a file outside by its path)",
            )
            continue
        if any(c in pattern for c in "*?["):
            matched = _glob(base, pattern)
        elif (base / pattern).is_dir():  # a folder: the Python files below it
            matched = sources_of.expand((base / pattern,))[0]
        else:
            matched = [base / pattern]
        # `**/*.py` would also match the generated tests, and each build would read the last one's.
        generated = (base / out).resolve()
        matched = [p for p in matched if generated not in p.resolve().parents]
        if not matched:
            sink.error(Code.CONFIG, f"`{pattern}` matches no file", at(lines.containing(pattern)))
        paths.extend(matched)
    templates = entry.get("templates")
    frontend = entry.get("frontend", "static")
    if frontend not in FRONTENDS:
        sink.error(Code.CONFIG, f"`frontend` must be one of {', '.join(FRONTENDS)}", at(lines.key("frontend")))
        return None
    if frontend == "import" and not may_run_code:
        sink.error(
            Code.UNTRUSTED,
            '`frontend = "import"` would import this repository\'s modules, which runs their code, '
            "and this repository is not trusted on this machine",
            at(lines.key("frontend")),
            hint=f"if you trust its code, run `dspygen trust` in {base}; or choose on the command line: "
            "`--frontend import` (runs the code) or `--frontend static` (reads it)",
        )
        return None
    crate_key = "crate-name" if "crate-name" in entry else "out"  # the default comes from `out`
    errors = len(sink.items)
    types = read_types(entry.get("types", {}), base, lines.text, display, sink)
    if len(sink.items) > errors:
        return None  # building without a mapping would only add a diagnostic per field of the class
    target = make_target(
        paths,
        base / out,
        entry.get("crate-name"),
        entry.get("module-name"),
        base / templates if isinstance(templates, str) else None,
        sink,
        at(lines.key(crate_key)),
        module_span=at(lines.key("module-name" if "module-name" in entry else crate_key)),
        frontend=frontend,
    )
    import_names = _import_names(entry.get("import-names", {}), base, lines, display, sink)
    exclude = entry.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(e, str) and e for e in exclude):
        sink.error(Code.CONFIG, "`exclude` must be a list of `module.Name` strings", at(lines.key("exclude")))
        return None
    runtime = _runtime(entry.get("runtime"), base, lines, display, sink)
    if target is None or import_names is None:
        return None
    return dataclasses.replace(target, types=types, import_names=import_names, exclude=tuple(exclude), runtime=runtime)


def _import_names(
    table: Any, base: Path, lines: _Lines, display: str, sink: Sink
) -> tuple[tuple[Path, str], ...] | None:
    """`import-names = { "path/file.py" = "dotted.name" }`: each a file and a dotted identifier."""
    where = Span(display, lines.key("import-names"), 1)
    if not isinstance(table, dict):
        sink.error(Code.CONFIG, "`import-names` must be a table of file = module name", where)
        return None
    out = []
    for path, name in sorted(table.items()):
        if not isinstance(name, str) or not all(part.isidentifier() for part in name.split(".")):
            sink.error(Code.CONFIG, f"the import name of `{path}` must be a dotted Python name", where)
            return None
        out.append((base / path, name))
    return tuple(out)
