"""Render stage: which output file comes from which template. The only owner of the
generated crate's layout."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from jinja2.exceptions import SecurityError

from dspygen import chunks
from dspygen.diagnostics import Code, Sink, Span, shown_path
from dspygen.lower.view import CrateView
from dspygen.render.sandbox import RenderTimeout, TemplateSandbox, template_location, time_limit


@dataclass(frozen=True)
class Planned:
    path: str  # relative to the output directory, POSIX separators
    template: str


def plan(view: CrateView) -> list[Planned]:
    # What every crate shares (the Signature trait, the modules, pydantic's scalar formats) is
    # the runtime crate's, not a file of each crate.
    return [
        Planned("Cargo.toml", "Cargo.toml.j2"),
        Planned("pyproject.toml", "pyproject.toml.j2"),
        Planned("src/lib.rs", "src/lib.rs.j2"),
        Planned("src/models.rs", "src/models.rs.j2"),
        Planned("src/signatures.rs", "src/signatures.rs.j2"),
        Planned("src/bindings.rs", "src/bindings.rs.j2"),
        Planned("tests/json_samples.rs", "tests/json_samples.rs.j2"),
        Planned(f"tests/test_{view.crate_name}.py", "tests/test_roundtrip.py.j2"),
        Planned(f"{view.module_name}.pyi", "module.pyi.j2"),
    ]


@dataclass(frozen=True)
class Rendered:
    """Every planned file's text, before formatting, and where each file's top-level items
    begin, as its template marked them (chunks.py; the formatter's unit of reuse)."""

    files: dict[str, str]
    cuts: dict[str, tuple[int, ...]]


def render(view: CrateView, env: TemplateSandbox, sink: Sink) -> Rendered | None:
    """Every planned file's text; None (and a diagnostic per failing template) when a template
    cannot be loaded, compiled or rendered."""
    files: dict[str, str] = {}
    cuts: dict[str, tuple[int, ...]] = {}
    for planned in plan(view):
        try:
            with time_limit(env):
                text = env.get_template(planned.template).render(view=view, chunk=chunks.MARK)
        except Exception as exc:  # anything a template raises is the template's error, not ours
            _report(exc, planned.template, env, sink)
            continue
        files[planned.path], found = chunks.strip(text)
        if found:
            cuts[planned.path] = found
    return None if len(files) < len(plan(view)) else Rendered(files, cuts)


def _report(exc: Exception, template: str, env: TemplateSandbox, sink: Sink) -> None:
    where = template_location(exc, env.folders)
    path, line = where if where is not None else (template, 1)
    if isinstance(exc, RenderTimeout):
        message = f"rendering {template} took longer than the time limit"
    elif isinstance(exc, jinja2.TemplateNotFound):
        message = f"template {exc.name!r} is not in the templates folder"
    elif isinstance(exc, SecurityError):
        message = f"the template does something templates may not do: {exc}"
    else:
        message = f"{type(exc).__name__}: {exc}"
    sink.error(Code.TEMPLATE, f"{template}: {message}", Span(shown_path(path), line, 1))
