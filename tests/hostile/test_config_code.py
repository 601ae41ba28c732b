"""A repository's configuration cannot make dspygen run code (issue 11).

`dspygen check` runs in CI on strangers' pull requests and in editors on open, so what a
repository's pyproject.toml names must not run anything:

- templates (`--templates` or `templates = ...`) render in a sandbox: no Python internals,
  no files outside the templates folder (also not through a symbolic link), a time limit;
  every template error is a located diagnostic;
- `frontend = "import"` (which imports the modules) is refused until the user trusts the
  repository on their own machine (`dspygen trust`), and runs once they have.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, assert_clean_failure, dspygen, files_under

SOURCE = """\
import dspy
from pydantic import BaseModel


class Answer(BaseModel):
    text: str


class QA(dspy.Signature):
    question: str = dspy.InputField()
    answer: Answer = dspy.OutputField()
"""

# Each tries to run `touch MARKER` or to copy SECRET (outside the templates folder) into the output.
HOSTILE_TEMPLATES = {
    "globals_of_a_builtin": "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "globals_of_a_joiner": "{{ joiner.__init__.__globals__['os'].system('touch MARKER') }}",
    "class_walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "format_string": "{{ '{0.__class__.__init__.__globals__}'.format(cycler) }}",
    "attr_filter": "{{ cycler | attr('__init__') | attr('__globals__') }}",
    "namespace_internals": "{% set ns = namespace() %}{{ ns.__init__.__globals__ }}",
    "include_parent": '{% include "../SECRET" %}',
    "include_absolute": "{% include SECRET_PATH %}",
    "include_link_out": '{% include "link_to_secret" %}',
    "import_parent": '{% import "../SECRET" as s %}',
    "view_internals": "{{ view.__class__.__init__.__globals__ }}",
    # A view's field read once is read without Jinja's checks after (sandbox.py): what the
    # value holds is still looked into by the sandbox.
    "internals_of_a_view_field": "{{ view.models }}{{ view.models.__class__.__mro__[1].__subclasses__() }}",
    "memory_bomb": "{{ 'x' * 100000000000 }}",
    "power_bomb": "{{ 10 ** 1000000000 }}",
}


def _project(tmp_path: Path, template: str) -> Path:
    (tmp_path / "signatures.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "SECRET").write_text("the secret 7f3a\n", encoding="utf-8")
    folder = tmp_path / "evil"
    (folder / "src").mkdir(parents=True)
    os.symlink(tmp_path / "SECRET", folder / "link_to_secret")
    text = template.replace("SECRET_PATH", repr(str(tmp_path / "SECRET")))
    (folder / "src" / "models.rs.j2").write_text(text + "\n", encoding="utf-8")
    return folder


def _pyproject(tmp_path: Path, extra: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.dspygen]\nsources = ["signatures.py"]\nout = "out"\ncrate-name = "safe_rs"\n{extra}',
        encoding="utf-8",
    )


def _assert_contained(tmp_path: Path, before: dict[str, bytes]) -> None:
    assert not (tmp_path / "MARKER").exists(), "a template ran a command"
    for path, data in files_under(tmp_path).items():
        assert b"7f3a" not in data or path == "SECRET", f"{path} holds the secret"
    assert files_under(tmp_path) == before, "the run wrote files"


@pytest.mark.parametrize("name", sorted(HOSTILE_TEMPLATES))
def test_a_hostile_template_from_the_command_line_is_a_diagnostic(name: str, tmp_path: Path) -> None:
    folder = _project(tmp_path, HOSTILE_TEMPLATES[name])
    before = files_under(tmp_path)
    for command in ("build", "check"):
        done = dspygen(command, "signatures.py", "--out", "out", "--templates", str(folder), cwd=tmp_path)
        assert_clean_failure(done, "DSG055")
        assert "models.rs.j2" in done.stderr
        _assert_contained(tmp_path, before)


@pytest.mark.parametrize("name", ["globals_of_a_builtin", "include_link_out", "include_parent"])
def test_a_hostile_template_from_pyproject_is_a_diagnostic(name: str, tmp_path: Path) -> None:
    _project(tmp_path, HOSTILE_TEMPLATES[name])
    _pyproject(tmp_path, 'templates = "evil"\n')
    before = files_under(tmp_path)
    for command in ("check", "build"):
        done = dspygen(command, cwd=tmp_path)
        assert_clean_failure(done, "DSG055")
        _assert_contained(tmp_path, before)


def test_a_template_that_loops_too_long_is_stopped(tmp_path: Path) -> None:
    from dspygen.diagnostics import Code, Sink
    from dspygen.render import sandbox
    from dspygen.render.plan import render

    folder = _project(tmp_path, "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
    env = sandbox.TemplateSandbox([folder, ROOT / "templates"])
    sink = Sink()
    original = sandbox.RENDER_SECONDS
    sandbox.RENDER_SECONDS = 0.5
    try:
        assert render(_view(tmp_path), env, sink) is None
    finally:
        sandbox.RENDER_SECONDS = original
    [diagnostic] = sink.items
    assert diagnostic.code is Code.TEMPLATE and "time limit" in diagnostic.message
    assert diagnostic.span is not None and diagnostic.span.path.endswith("models.rs.j2")


def _view(tmp_path: Path) -> object:
    from dspygen.diagnostics import Sink
    from dspygen.frontend import static
    from dspygen.lower.crate import CrateOptions, lower

    sink = Sink()
    schema = static.read([tmp_path / "signatures.py"], tmp_path, sink)
    return lower(schema, CrateOptions("safe_rs", "out", "safe_rs", {}, []), sink)


# Template errors a user makes: each a diagnostic at the template's file and line.
BROKEN_TEMPLATES = {
    "syntax": ("line one\n{% for x in %}\n", 2, "TemplateSyntaxError"),
    "undefined_name": ("line one\nline two\n{{ no_such_value }}\n", 3, "UndefinedError"),
    "undefined_attribute": ("{{ view.no_such_field }}\n", 1, "UndefinedError"),
    "missing_include": ('\n{% include "nowhere.j2" %}\n', 2, "nowhere.j2"),
    "division": ("\n\n\n{{ 1 // 0 }}\n", 4, "ZeroDivisionError"),
    "unclosed": ("{% if true %}\n", 1, "TemplateSyntaxError"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_TEMPLATES))
def test_every_template_error_is_located(name: str, tmp_path: Path) -> None:
    text, line, words = BROKEN_TEMPLATES[name]
    folder = tmp_path / "tpl" / "src"
    folder.mkdir(parents=True)
    (folder / "models.rs.j2").write_text(text, encoding="utf-8")
    (tmp_path / "signatures.py").write_text(SOURCE, encoding="utf-8")
    done = dspygen("build", "signatures.py", "--out", "out", "--templates", "tpl", cwd=tmp_path)
    assert_clean_failure(done, "DSG055")
    assert f"tpl/src/models.rs.j2:{line}:1: error[DSG055]" in done.stderr, done.stderr
    assert words in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_template_writing_invalid_rust_is_blamed_on_the_templates(tmp_path: Path) -> None:
    folder = tmp_path / "tpl" / "src"
    folder.mkdir(parents=True)
    (folder / "models.rs.j2").write_text("fn (\n", encoding="utf-8")
    (tmp_path / "signatures.py").write_text(SOURCE, encoding="utf-8")
    done = dspygen("build", "signatures.py", "--out", "out", "--templates", "tpl", cwd=tmp_path)
    assert_clean_failure(done, "DSG055")
    assert "src/models.rs:1:" in done.stderr and "dspygen-fmt" not in done.stderr
    assert "fix the templates in tpl" in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_override_that_includes_a_shipped_template_still_renders(tmp_path: Path) -> None:
    """The sandbox lets a template do what templates are for: read the view, loop, include."""
    folder = tmp_path / "tpl" / "src"
    folder.mkdir(parents=True)
    shipped = (ROOT / "templates" / "src" / "models.rs.j2").read_text(encoding="utf-8")
    (folder / "models.rs.j2").write_text(shipped + "// {{ view.crate_name | upper }}\n", encoding="utf-8")
    (tmp_path / "signatures.py").write_text(SOURCE, encoding="utf-8")
    done = dspygen("build", "signatures.py", "--out", "out", "--templates", "tpl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "// OUT" in (tmp_path / "out" / "src" / "models.rs").read_text(encoding="utf-8")


IMPORT_SOURCE = """\
import dspy

open(MARKER, "w").write("imported")


class QA(dspy.Signature):
    question: str = dspy.InputField()
    answer: str = dspy.OutputField()
"""


def _import_project(tmp_path: Path) -> Path:
    marker = tmp_path / "MARKER"
    (tmp_path / "signatures.py").write_text(f"MARKER = {str(marker)!r}\n" + IMPORT_SOURCE, encoding="utf-8")
    _pyproject(tmp_path, 'frontend = "import"\n')
    return marker


def _trust_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def test_import_frontend_from_an_untrusted_pyproject_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust_home(tmp_path / "elsewhere", monkeypatch)
    project = tmp_path / "repo"
    project.mkdir()
    marker = _import_project(project)
    for command in ("check", "build"):
        done = dspygen(command, cwd=project)
        assert_clean_failure(done, "DSG051")
        assert "pyproject.toml:5:1: error[DSG051]" in done.stderr, done.stderr
        assert "dspygen trust" in done.stderr
        assert not marker.exists(), "the repository's code ran"
    assert not (project / "out").exists()


def test_import_frontend_runs_once_the_repository_is_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = _trust_home(tmp_path / "elsewhere", monkeypatch)
    project = tmp_path / "repo"
    project.mkdir()
    marker = _import_project(project)
    trusted = dspygen("trust", cwd=project)
    assert trusted.returncode == 0, trusted.stderr
    assert str(project.resolve()) in (home / "dspygen" / "trusted").read_text(encoding="utf-8")
    assert str(project.resolve()) in dspygen("trust", "--list", cwd=project).stdout

    done = dspygen("build", cwd=project)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "imported"
    assert (project / "out" / "src" / "signatures.rs").is_file()

    marker.unlink()
    revoked = dspygen("trust", "--revoke", cwd=project)
    assert revoked.returncode == 0 and "no longer trusted" in revoked.stdout
    assert_clean_failure(dspygen("check", cwd=project), "DSG051")
    assert not marker.exists()


def test_a_trusted_repository_does_not_trust_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _trust_home(tmp_path / "elsewhere", monkeypatch)
    trusted, other = tmp_path / "trusted", tmp_path / "trusted-not"
    for folder in (trusted, other):
        folder.mkdir()
        _import_project(folder)
    assert dspygen("trust", cwd=trusted).returncode == 0
    assert_clean_failure(dspygen("check", cwd=other), "DSG051")
    assert not (other / "MARKER").exists()


def test_the_command_line_choice_needs_no_trust(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--frontend import` typed by the user runs the code; `--frontend static` reads it."""
    _trust_home(tmp_path / "elsewhere", monkeypatch)
    project = tmp_path / "repo"
    project.mkdir()
    marker = _import_project(project)
    static = dspygen("build", "--frontend", "static", cwd=project)
    assert static.returncode == 0, static.stderr
    assert not marker.exists()
    imported = dspygen("check", "--frontend", "import", cwd=project)
    assert marker.exists()
    assert "Traceback" not in imported.stderr


def test_a_repository_cannot_trust_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The list lives in the user's configuration folder, never in the repository: a
    `trusted` file shipped inside the repository (or in its .config) changes nothing."""
    _trust_home(tmp_path / "elsewhere", monkeypatch)
    project = tmp_path / "repo"
    project.mkdir()
    _import_project(project)
    for place in (project / "dspygen" / "trusted", project / ".config" / "dspygen" / "trusted"):
        place.parent.mkdir(parents=True)
        place.write_text(textwrap.dedent(f"{project.resolve()}\n"), encoding="utf-8")
    assert_clean_failure(dspygen("check", cwd=project), "DSG051")
