"""Configuration: user type mappings, `types` in a [tool.dspygen] target.

A mapping names a Python class by its qualified name (a class of a library, or one of the
sources that is not a pydantic model) and the Rust type the user provides for it, with any
Cargo dependencies that type needs:

    [tool.dspygen.types."shop.money.Money"]
    rust = "shop_money::Money"
    dependencies = { shop_money = { path = "rust/shop_money" } }

or, with no dependency, `types = { "shop.money.Money" = "shop_money::Money" }`. The Rust type
must implement serde's Serialize / Deserialize (the JSON pydantic reads and writes) and
PyO3's FromPyObject and IntoPyObject for `&T` (README). Errors are DSG050 diagnostics.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dspygen.diagnostics import Code, Sink, Span

PYTHON_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
RUST_PATH = re.compile(r"^(::)?[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$")
ENTRY_KEYS = {"rust", "dependencies"}
# Crates the generated Cargo.toml writes itself: a mapping cannot redefine them.
OWN_CRATES = frozenset(
    {"pyo3", "serde", "serde_json", "indexmap", "chrono", "speedate", "uuid", "base64", "hex", "num-bigint"}
)
# A Cargo package name (cargo's own rule): ASCII letters, digits, `-` and `_`, at most 64.
CARGO_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
HINT = 'write `types = { "module.Class" = "my_crate::Type" }` (or a table with `rust` and `dependencies`)'


@dataclass(frozen=True)
class TypeMapping:
    python: str  # `shop.money.Money`: the class's module and qualified name
    rust: str  # `shop_money::Money`
    # (crate name, its Cargo value as JSON); a `path` is relative to the project (pyproject.toml)
    dependencies: tuple[tuple[str, str], ...] = ()


def read_types(table: Any, base: Path, text: str, display: str, sink: Sink) -> tuple[TypeMapping, ...]:
    """The mappings of one target's `types` table; each problem is reported on its line."""

    def at(needle: str) -> Span:
        line = next((n for n, row in enumerate(text.splitlines(), start=1) if needle in row), 1)
        return Span(display, line, 1)

    if not isinstance(table, dict):
        sink.error(Code.CONFIG, "`types` must be a table of Python class -> Rust type", at("types"), HINT)
        return ()
    out = []
    for python, entry in sorted(table.items()):
        where = at(python)
        if not PYTHON_NAME.match(python):
            sink.error(Code.CONFIG, f"`{python}` is not a qualified Python class name (`module.Class`)", where, HINT)
            continue
        spec = {"rust": entry} if isinstance(entry, str) else entry
        if not isinstance(spec, dict) or not isinstance(spec.get("rust"), str):
            sink.error(Code.CONFIG, f"the mapping of `{python}` needs `rust`, the Rust type's path", where, HINT)
            continue
        for unknown in sorted(set(spec) - ENTRY_KEYS):
            sink.error(Code.CONFIG, f"unknown key `{unknown}` in the mapping of `{python}`", at(unknown), HINT)
        rust = spec["rust"].strip()
        if not RUST_PATH.match(rust):
            sink.error(Code.CONFIG, f"`{rust}` is not a Rust type path (`my_crate::Money`)", where, HINT)
            continue
        deps = _dependencies(python, spec.get("dependencies", {}), base, at, sink)
        if deps is not None:
            out.append(TypeMapping(python, rust, deps))
    return tuple(out)


def _dependencies(python: str, deps: Any, base: Path, at: Any, sink: Sink) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(deps, dict):
        sink.error(Code.CONFIG, f"`dependencies` of `{python}` must be a table of crates", at("dependencies"))
        return None
    out = []
    for name, value in sorted(deps.items()):
        if not CARGO_NAME.match(name):
            sink.error(
                Code.CONFIG,
                f"`{name}` in the `dependencies` of `{python}` is not a Cargo package name",
                at(name),
                hint="a crate's name: ASCII letters, digits, `-` and `_` (cargo refuses others)",
            )
            return None
        if name in OWN_CRATES:
            sink.error(
                Code.CONFIG,
                f"the generated Cargo.toml already depends on `{name}`; the mapping of `{python}` cannot set it",
                at(name),
                hint="remove it from `dependencies`",
            )
            return None
        if not isinstance(value, str | dict):
            sink.error(Code.CONFIG, f"the dependency `{name}` must be a version or a table", at(name))
            return None
        problem = _value_problem(value)
        if problem is not None:
            sink.error(Code.CONFIG, f"the dependency `{name}` of `{python}`: {problem}", at(name))
            return None
        if isinstance(value, dict) and isinstance(value.get("path"), str):
            value = {**value, "path": (base / value["path"]).as_posix()}
        out.append((name, json.dumps(value, sort_keys=True)))
    return tuple(out)


# Keys of a Cargo dependency table whose values are strings, and those that are lists of strings.
DEPENDENCY_STRINGS = frozenset({"version", "path", "git", "branch", "tag", "rev", "package", "registry"})
DEPENDENCY_LISTS = frozenset({"features"})
DEPENDENCY_FLAGS = frozenset({"optional", "default-features", "default_features", "workspace"})


def _value_problem(value: str | dict[str, Any]) -> str | None:
    """Why a dependency value would not be a valid Cargo dependency, or None."""
    if isinstance(value, str):
        return None if "\0" not in value else "a NUL character"
    for key, item in value.items():
        if key in DEPENDENCY_STRINGS and not (isinstance(item, str) and "\0" not in item):
            return f"`{key}` must be a string"
        if key in DEPENDENCY_LISTS and not (isinstance(item, list) and all(isinstance(f, str) for f in item)):
            return f"`{key}` must be a list of strings"
        if key in DEPENDENCY_FLAGS and not isinstance(item, bool):
            return f"`{key}` must be true or false"
        if key not in DEPENDENCY_STRINGS | DEPENDENCY_LISTS | DEPENDENCY_FLAGS:
            return f"`{key}` is not a key of a Cargo dependency"
    return None


def cargo_lines(mappings: tuple[TypeMapping, ...], base: Path, out_dir: Path) -> tuple[str, ...]:
    """`name = ...` lines for the generated Cargo.toml; a path becomes relative to the crate."""
    lines: dict[str, str] = {}
    for mapping in mappings:
        for name, value_json in mapping.dependencies:
            value = json.loads(value_json)
            if isinstance(value, dict) and "path" in value:
                value["path"] = Path(os.path.relpath(base / value["path"], base / out_dir)).as_posix()
            lines[name] = f"{name} = {_toml(value)}"
    return tuple(lines[n] for n in sorted(lines))


def _toml(value: Any) -> str:
    """A TOML value on one line, inline tables as Cargo.toml writes them (`{ path = "..." }`)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    import tomlkit  # here, not at the top: see merge.py

    return str(tomlkit.item(value).as_string())


def _key(key: str) -> str:
    return key if re.match(r"^[A-Za-z0-9_-]+$", key) else json.dumps(key)
