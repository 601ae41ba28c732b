"""Render stage: the Jinja environment.

StrictUndefined, so a template that names a missing value fails instead of writing
an empty string; no autoescape (we emit Rust and TOML, escaped by lowering). A user
directory given with `--templates` overrides the shipped templates file by file. Every
template renders in the sandbox (render/sandbox.py): a folder of templates may come
from a repository's configuration.
"""

from __future__ import annotations

import functools
from pathlib import Path

from dspygen.render.sandbox import TemplateSandbox


def shipped_templates() -> Path:
    """Templates inside the wheel, or the repository's templates/ in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


@functools.cache
def environment(override: Path | None = None) -> TemplateSandbox:
    """One environment per template folder, so each template compiles once per run."""
    folders = [override] if override is not None else []
    return TemplateSandbox([*folders, shipped_templates()])
