"""The repository's own Python files: real code, of every shape, that the frontend's shortcuts
are held to (prescan, positions, literals, call sites)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("fixtures", "tests", "codegen", "corpus", "bench")


def python_files(folders: tuple[str, ...] = FOLDERS) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))
