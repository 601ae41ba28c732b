"""Render stage: the Jinja environment.

StrictUndefined, so a template that names a missing value fails instead of writing
an empty string; no autoescape (we emit Rust and TOML, escaped by lowering). A user
directory given with `--templates` overrides the shipped templates file by file. Every
template renders in the sandbox (render/sandbox.py): a folder of templates may come
from a repository's configuration.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from pathlib import Path

import jinja2

from dspygen.render import sandbox
from dspygen.render.sandbox import TemplateSandbox
from dspygen.user_cache import cache_dir


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
    return TemplateSandbox([*folders, shipped_templates()], bytecode_cache=_Compiled(_compiled_folder()))


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the user's cache folder: compiling the shipped templates
    costs a run about 0.15 s, a fifth of `import dspy`. Jinja keys each by the template's
    name, file and source, and checks its own and Python's versions; a record it cannot read
    is compiled again. A cache folder that cannot be written only means compiling each run."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)


def _compiled_folder() -> str:
    """A folder per sandbox: its settings (sandbox.py) decide the code a template compiles to."""
    code = Path(sandbox.__file__).read_bytes()
    key = hashlib.sha256(code + jinja2.__version__.encode()).hexdigest()[:16]
    return str(cache_dir() / "templates" / key)
