"""Compiled templates are kept in the user's cache folder (render/env.py): a run loads them
instead of compiling, renders the same text, and a cache it cannot use costs only time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dspygen.render import env as render_env
from dspygen.render.sandbox import TemplateSandbox

TEMPLATES = ["src/models.rs.j2", "src/bindings.rs.j2", "Cargo.toml.j2"]


class _Counting(TemplateSandbox):
    """The sandbox, counting the templates it compiles from source."""

    compiled = 0

    def compile(self, *args: Any, **kwargs: Any) -> Any:
        type(self).compiled += 1
        return super().compile(*args, **kwargs)


def _load(folder: Path) -> None:
    """The templates, loaded by a fresh environment (a new run) caching in `folder`."""
    sandbox = _Counting([render_env.shipped_templates()], bytecode_cache=render_env._Compiled(str(folder)))
    for name in TEMPLATES:
        sandbox.get_template(name)


def test_a_second_run_loads_what_the_first_compiled(tmp_path: Path) -> None:
    _Counting.compiled = 0
    _load(tmp_path / "compiled")
    assert _Counting.compiled == len(TEMPLATES)
    assert len(list((tmp_path / "compiled").iterdir())) == len(TEMPLATES)
    _Counting.compiled = 0
    _load(tmp_path / "compiled")
    assert _Counting.compiled == 0


def test_corrupt_records_are_compiled_again(tmp_path: Path) -> None:
    _load(tmp_path / "compiled")
    for record in (tmp_path / "compiled").iterdir():
        record.write_bytes(b"not a compiled template")
    _Counting.compiled = 0
    _load(tmp_path / "compiled")
    assert _Counting.compiled == len(TEMPLATES)


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would go")
    _Counting.compiled = 0
    _load(blocked / "compiled")
    _load(blocked / "compiled")
    assert _Counting.compiled == 2 * len(TEMPLATES)


def test_the_cached_templates_render_what_fresh_ones_render(tmp_path: Path) -> None:
    """The fixture outputs prove it for the shipped templates (`dspygen check`); here a
    user's template, edited between two runs, renders its new text."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "x.j2").write_text("one {{ 1 + 1 }}\n")
    cache = render_env._Compiled(str(tmp_path / "compiled"))
    assert TemplateSandbox([folder], bytecode_cache=cache).get_template("x.j2").render() == "one 2\n"
    (folder / "x.j2").write_text("two {{ 2 + 2 }}\n")
    assert TemplateSandbox([folder], bytecode_cache=cache).get_template("x.j2").render() == "two 4\n"
