"""Render stage: the Jinja environment.

StrictUndefined, so a template that names a missing value fails instead of writing
an empty string; no autoescape (we emit Rust and TOML, escaped by lowering). A user
directory given with `--templates` overrides the shipped templates file by file.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2


def shipped_templates() -> Path:
    """Templates inside the wheel, or the repository's templates/ in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


@functools.cache
def environment(override: Path | None = None) -> jinja2.Environment:
    """One environment per template folder, so each template compiles once per run."""
    search = [str(override)] if override is not None else []
    search.append(str(shipped_templates()))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
