"""`dspygen init`: add dspygen to an existing project, keeping the user's formatting.

Adds a [tool.dspygen] table to pyproject.toml (tomlkit keeps comments and layout) and
the regenerate hook to .pre-commit-config.yaml (inserted as text at the end of the
`repos:` list, so the rest of the file is untouched byte for byte). Without `--sources`, the
files that declare DSPy signatures are the entry points (import following finds the rest).
The hook installs dspygen from where this one came from (a git URL, a wheel, a folder), so
that a commit works without `dspygen` on PATH; where that is unknown, it says so.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

import tomlkit
import tomlkit.exceptions

from dspygen.sources import SKIPPED

DISTRIBUTION = "dspygen-rs"
SIGNATURE_HINTS = ("dspy.Signature", "InputField(", "OutputField(", "(dspy.Signature)")

HOOK_MARKER = "id: dspygen"


@dataclass(frozen=True)
class InitResult:
    pyproject_changed: bool
    precommit_changed: bool


def likely_sources(root: Path, limit: int = 2000) -> list[str]:
    """The project's files that declare DSPy signatures (a cheap text scan, no parsing),
    relative to `root`; models are reached from them by import following."""
    found = []
    for count, path in enumerate(sorted(root.rglob("*.py"))):
        rel = path.relative_to(root)
        if count > limit or any(part in SKIPPED or part.startswith(".") for part in rel.parts[:-1]):
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace") if path.stat().st_size < 1_000_000 else ""
        except OSError:
            continue
        if "dspy" in text and any(hint in text for hint in SIGNATURE_HINTS):
            found.append(rel.as_posix())
    return found


def install_spec() -> str | None:
    """What pip installs this dspygen from (PEP 610's direct_url.json): `dspygen-rs @ <url>`
    for a git URL, a folder or a wheel; None when installed from an index or unknown."""
    try:
        text = importlib.metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    info = json.loads(text)
    url = info.get("url")
    if not isinstance(url, str):
        return None
    vcs = info.get("vcs_info", {})
    if vcs.get("vcs") == "git":
        return f"{DISTRIBUTION} @ git+{url}@{vcs.get('commit_id', vcs.get('requested_revision', 'HEAD'))}"
    return f"{DISTRIBUTION} @ {url}"


def has_tool_table(pyproject: Path) -> bool:
    """Whether pyproject.toml has [tool.dspygen]; ValueError when it is not TOML with a `tool` table."""
    try:
        doc = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise ValueError(f"not readable TOML: {exc}") from exc
    tool = doc.get("tool")
    if tool is not None and not isinstance(tool, MutableMapping):
        raise ValueError("`tool` in pyproject.toml is not a table")
    return tool is not None and "dspygen" in tool


def add_tool_table(text: str, sources: list[str], out: str, crate_name: str, force: bool = False) -> str | None:
    """pyproject.toml text with [tool.dspygen] added (replaced with `force`), or None when it
    already has one."""
    doc = tomlkit.parse(text)
    tool = doc.get("tool")
    if tool is not None and not isinstance(tool, MutableMapping):
        raise ValueError("`tool` in pyproject.toml is not a table")
    if tool is not None and "dspygen" in tool and not force:
        return None
    table = tomlkit.table()
    table.add(tomlkit.comment("Regenerate with `dspygen build`; `dspygen check` fails when stale."))
    table.add("sources", sources)
    table.add("out", out)
    table.add("crate-name", crate_name)
    if tool is None:
        tool = tomlkit.table(is_super_table=True)
        doc.add(tomlkit.nl())
        doc.add("tool", tool)
    tool["dspygen"] = table
    return tomlkit.dumps(doc)


def hook_block(indent: str, spec: str | None = None) -> str:
    """The hook: pre-commit installs dspygen from `spec` into the hook's own environment, so no
    `dspygen` on PATH is needed; without a spec, it runs the `dspygen` on PATH."""
    lines = [
        "- repo: local",
        "  hooks:",
        "    - id: dspygen",
        "      name: dspygen (regenerate the Rust bindings)",
        "      entry: dspygen build",
        f"      language: {'python' if spec else 'system'}",
        *([f"      additional_dependencies: [{json.dumps(spec)}]"] if spec else []),
        "      pass_filenames: false",
        "      files: \\.(py|toml)$",
    ]
    return "".join(f"{indent}{line}\n" for line in lines)


def add_hook(text: str | None, spec: str | None = None) -> str | None:
    """.pre-commit-config.yaml text with the dspygen hook, or None when it has one."""
    if text is None or not text.strip():
        return "repos:\n" + hook_block("  ", spec)
    if HOOK_MARKER in text:
        return None
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^repos:\s*(#.*)?$", line)), None)
    if start is None:
        sep = "" if text.endswith("\n") else "\n"
        return f"{text}{sep}repos:\n{hook_block('  ', spec)}"
    end = start + 1
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.strip() and not line.startswith((" ", "-", "#")):
            break  # the next top-level key
        if line.strip() and not line.lstrip().startswith("#"):
            end = i + 1
    items = [m for line in lines[start + 1 : end] if (m := re.match(r"^(\s*)- ", line))]
    indent = items[0].group(1) if items else "  "
    if end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    lines.insert(end, hook_block(indent, spec))
    return "".join(lines)


def init(
    root: Path, sources: list[str], out: str, crate_name: str, pre_commit: bool, force: bool = False
) -> InitResult:
    pyproject = root / "pyproject.toml"
    new_pyproject = add_tool_table(pyproject.read_text(encoding="utf-8"), sources, out, crate_name, force)
    if new_pyproject is not None:
        pyproject.write_text(new_pyproject, encoding="utf-8")
    new_config = None
    if pre_commit:
        config = root / ".pre-commit-config.yaml"
        old = config.read_text(encoding="utf-8") if config.is_file() else None
        new_config = add_hook(old, install_spec())
        if new_config is not None:
            config.write_text(new_config, encoding="utf-8")
    return InitResult(new_pyproject is not None, new_config is not None)
