"""`dspygen init`: add dspygen to an existing project, keeping the user's formatting.

Adds a [tool.dspygen] table to pyproject.toml (tomlkit keeps comments and layout) and
the regenerate hook to .pre-commit-config.yaml (inserted as text at the end of the
`repos:` list, so the rest of the file is untouched byte for byte).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tomlkit

HOOK_MARKER = "id: dspygen"


@dataclass(frozen=True)
class InitResult:
    pyproject_changed: bool
    precommit_changed: bool


def add_tool_table(text: str, sources: list[str], out: str, crate_name: str) -> str | None:
    """pyproject.toml text with [tool.dspygen] added, or None when it already has one."""
    doc = tomlkit.parse(text)
    tool = doc.get("tool")
    if tool is not None and "dspygen" in tool:
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
    tool.add("dspygen", table)
    return tomlkit.dumps(doc)


def hook_block(indent: str) -> str:
    lines = [
        "- repo: local",
        "  hooks:",
        "    - id: dspygen",
        "      name: dspygen (regenerate the Rust bindings)",
        "      entry: dspygen build",
        "      language: system",
        "      pass_filenames: false",
        "      files: \\.(py|toml)$",
    ]
    return "".join(f"{indent}{line}\n" for line in lines)


def add_hook(text: str | None) -> str | None:
    """.pre-commit-config.yaml text with the dspygen hook, or None when it has one."""
    if text is None or not text.strip():
        return "repos:\n" + hook_block("  ")
    if HOOK_MARKER in text:
        return None
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^repos:\s*(#.*)?$", line)), None)
    if start is None:
        sep = "" if text.endswith("\n") else "\n"
        return f"{text}{sep}repos:\n{hook_block('  ')}"
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
    lines.insert(end, hook_block(indent))
    return "".join(lines)


def init(root: Path, sources: list[str], out: str, crate_name: str, pre_commit: bool) -> InitResult:
    pyproject = root / "pyproject.toml"
    new_pyproject = add_tool_table(pyproject.read_text(encoding="utf-8"), sources, out, crate_name)
    if new_pyproject is not None:
        pyproject.write_text(new_pyproject, encoding="utf-8")
    new_config = None
    if pre_commit:
        config = root / ".pre-commit-config.yaml"
        old = config.read_text(encoding="utf-8") if config.is_file() else None
        new_config = add_hook(old)
        if new_config is not None:
            config.write_text(new_config, encoding="utf-8")
    return InitResult(new_pyproject is not None, new_config is not None)
