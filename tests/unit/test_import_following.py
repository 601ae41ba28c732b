"""Import following (issue 12): the files given are entry points, and what they import from
the project's other files is read from those files, statically, as Python would find them.

Each case is a small project in a temporary folder; only the entry file is given. The same
project is then imported for real, so pydantic says what the classes are.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import static
from dspygen.ir import nodes

MODELS = """\
from enum import Enum

from pydantic import BaseModel

from app.common.base import Stamped
from shared.tags import Tag


class Priority(str, Enum):
    LOW = "low"
    HIGH = "high"


class Ticket(Stamped):
    title: str
    priority: Priority
    tags: list[Tag] = []


class NotUsed(BaseModel):
    broken: UndefinedName  # a followed file's unreached declaration: never reported
"""

SIGNATURES = """\
import dspy

import app.models as m
from app.models import Priority
from .models import Ticket


class Triage(dspy.Signature):
    \"\"\"Set the ticket's priority.\"\"\"

    ticket: Ticket = dspy.InputField()
    priority: Priority = dspy.OutputField()
    again: m.Ticket = dspy.OutputField()
"""

BASE = """\
from pydantic import BaseModel


class Stamped(BaseModel):
    created: str
"""

TAGS = """\
from pydantic import BaseModel


class Tag(BaseModel):
    name: str
"""


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def project(root: Path, prefix: str = "") -> Path:
    """app/ (a package; common/ inside it) beside shared/ (a namespace package), under `prefix`."""
    write(
        root / prefix,
        {
            "app/__init__.py": "",
            "app/signatures.py": SIGNATURES,
            "app/models.py": MODELS,
            "app/common/__init__.py": "",
            "app/common/base.py": BASE,
            "shared/tags.py": TAGS,
        },
    )
    return root / prefix / "app" / "signatures.py"


def read(entries: list[Path], base: Path) -> tuple[nodes.Schema, Sink]:
    sink = Sink()
    return static.read(entries, base, sink), sink


def names(schema: nodes.Schema) -> tuple[list[str], list[str], list[str]]:
    return (
        sorted(m.id for m in schema.models),
        sorted(e.id for e in schema.enums),
        sorted(s.id for s in schema.signatures),
    )


def test_only_the_entry_file_given(tmp_path: Path) -> None:
    schema, sink = read([project(tmp_path)], tmp_path)
    assert not sink.items, sink.items
    assert names(schema) == (
        ["app.models:Ticket", "shared.tags:Tag"],  # the base class Stamped lends its fields, and is not emitted
        ["app.models:Priority"],
        ["app.signatures:Triage"],
    )
    ticket = next(m for m in schema.models if m.qualname == "Ticket")
    assert [f.name for f in ticket.fields] == ["created", "title", "priority", "tags"]
    followed = {s.path: s.followed for s in schema.sources}
    assert followed["app/signatures.py"] is False
    assert followed["app/models.py"] and followed["app/common/base.py"] and followed["shared/tags.py"]
    # The declarations record their file.
    assert ticket.span.path == "app/models.py"


def test_a_src_layout(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    entry = project(tmp_path, "src")
    schema, sink = read([entry], tmp_path)
    assert not sink.items, sink.items
    assert names(schema)[0] == ["app.models:Ticket", "shared.tags:Tag"]
    assert {s.path for s in schema.sources} >= {"src/app/models.py", "src/shared/tags.py"}


def test_a_file_reached_under_two_names_is_one_module(tmp_path: Path) -> None:
    """`from models import X` next to app/models.py (a script's sibling import) and
    `from app.models import X`: one file, one module, one class."""
    entry = project(tmp_path)
    entry.write_text(
        SIGNATURES.replace("from .models import Ticket", "from models import Ticket"),
        encoding="utf-8",
    )
    schema, sink = read([entry], tmp_path)
    assert not sink.items, sink.items
    assert names(schema)[0] == ["app.models:Ticket", "shared.tags:Tag"]
    assert [s.path for s in schema.sources].count("app/models.py") == 1


def test_given_and_followed_agree(tmp_path: Path) -> None:
    """Giving models.py too changes nothing but what is emitted from it: all of it, and what it
    imports (its base class Stamped, now an entry file's import)."""
    entry = project(tmp_path)
    (tmp_path / "app" / "models.py").write_text(MODELS.replace("    broken: UndefinedName", "    x: int"))
    alone, _ = read([entry], tmp_path)
    both, sink = read([entry, tmp_path / "app" / "models.py"], tmp_path)
    assert not sink.items
    assert names(both)[0] == ["app.common.base:Stamped", "app.models:NotUsed", "app.models:Ticket", "shared.tags:Tag"]
    ticket = [m for m in alone.models if m.qualname == "Ticket"]
    assert ticket == [m for m in both.models if m.qualname == "Ticket"]


def test_a_name_imported_by_the_entry_is_emitted(tmp_path: Path) -> None:
    """An entry file's program uses what it imports: `from app.models import Priority` emits
    Priority even when no signature field names it."""
    entry = project(tmp_path)
    write(tmp_path, {"main.py": "from app.models import Priority, Ticket\nfrom app.signatures import Triage\n"})
    schema, sink = read([tmp_path / "main.py"], tmp_path)
    assert not sink.items, sink.items
    assert names(schema) == (
        ["app.models:Ticket", "shared.tags:Tag"],
        ["app.models:Priority"],
        ["app.signatures:Triage"],
    )
    assert entry.exists()


def test_errors_in_reached_declarations_are_reported_where_they_are(tmp_path: Path) -> None:
    entry = project(tmp_path)
    (tmp_path / "app" / "common" / "base.py").write_text(BASE + "    when: complex\n")
    _, sink = read([entry], tmp_path)
    [error] = [d for d in sink.items if d.code is Code.UNSUPPORTED_TYPE]
    assert error.span is not None and (error.span.path, error.span.line) == ("app/common/base.py", 6)


def test_installed_packages_and_the_standard_library_are_never_followed(tmp_path: Path) -> None:
    """A folder named like the standard library or pydantic does not shadow it, and a module
    outside the project (an installed package) stays a diagnostic naming it."""
    write(
        tmp_path,
        {
            "enum.py": "raise SystemExit('never read')\nclass Enum: ...\n",
            "pydantic/__init__.py": "class BaseModel: ...\n",
            "sigs.py": """\
                import dspy
                from enum import Enum
                from pydantic import BaseModel
                from some_installed_package.models import Thing


                class Color(str, Enum):
                    RED = "red"


                class Box(BaseModel):
                    thing: Thing


                class Paint(dspy.Signature):
                    box: Box = dspy.InputField()
                    color: Color = dspy.OutputField()
            """,
        },
    )
    schema, sink = read([tmp_path / "sigs.py"], tmp_path)
    assert {s.path for s in schema.sources} == {"sigs.py"}
    [error] = [d for d in sink.items if d.level.value == "error"]
    assert error.code is Code.UNSUPPORTED_TYPE and "some_installed_package.models" in error.message
    assert "not a file of this project" in error.message


def test_a_symbolic_link_out_of_the_project_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"models.py": TAGS})
    inside = tmp_path / "repo"
    write(inside, {"sigs.py": "import dspy\nfrom models import Tag\n\nclass S(dspy.Signature):\n"})
    (inside / "sigs.py").write_text(
        "import dspy\nfrom models import Tag\n\n\nclass S(dspy.Signature):\n    t: Tag = dspy.InputField()\n"
        "    a: str = dspy.OutputField()\n"
    )
    os.symlink(outside / "models.py", inside / "models.py")
    schema, sink = read([inside / "sigs.py"], inside)
    assert {s.path for s in schema.sources} == {"sigs.py"}
    assert any(d.code is Code.UNSUPPORTED_TYPE for d in sink.items)


def test_pydantic_agrees_on_the_followed_classes(tmp_path: Path) -> None:
    """What Python itself builds from the project: the same fields, in the same order."""
    entry = project(tmp_path)
    (tmp_path / "app" / "models.py").write_text(MODELS.replace("    broken: UndefinedName", "    x: int"))
    schema, sink = read([entry], tmp_path)
    assert not sink.items
    probe = (
        "import json, sys; sys.path.insert(0, '.'); import app.signatures as s\n"
        "print(json.dumps({n: list(getattr(s, n).model_fields) for n in ('Ticket',)}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    ticket = next(m for m in schema.models if m.qualname == "Ticket")
    assert done.stdout.strip() == '{"Ticket": ' + str([f.name for f in ticket.fields]).replace("'", '"') + "}"


@pytest.mark.parametrize("name", ["01_basic_setup", "example-response-format-usage"])
def test_a_file_python_cannot_import_by_statement_is_read(name: str, tmp_path: Path) -> None:
    """importlib (and PyO3's import) take names no `import` statement can spell."""
    write(tmp_path, {f"{name}.py": TAGS})
    schema, sink = read([tmp_path / f"{name}.py"], tmp_path)
    assert not sink.items, sink.items
    assert [m.id for m in schema.models] == [f"{name}:Tag"]


def test_a_file_no_import_can_name_warns_and_takes_an_import_name(tmp_path: Path) -> None:
    write(tmp_path, {"models.v2.py": TAGS})
    schema, sink = read([tmp_path / "models.v2.py"], tmp_path)
    [warning] = sink.items
    assert warning.code is Code.NOT_IMPORTABLE and warning.level.value == "warning"
    assert [m.qualname for m in schema.models] == ["Tag"]
    sink = Sink()
    given = {tmp_path / "models.v2.py": "models_v2"}
    named = static.read([tmp_path / "models.v2.py"], tmp_path, sink, import_names=given)
    assert not sink.items and [m.id for m in named.models] == ["models_v2:Tag"]


def _cli(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DSPYGEN_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "dspygen", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("frontend", ["static", "import"])
def test_editing_only_a_followed_file_makes_check_fail(frontend: str, tmp_path: Path) -> None:
    """The fingerprint covers the followed files (the static frontend's) and the imported ones
    (the import frontend's): the hook rebuilds when a module the source imports changes."""
    project(tmp_path)
    (tmp_path / "app" / "models.py").write_text(MODELS.replace("    broken: UndefinedName", "    x: int"))
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dspygen]\nsources = ["app/signatures.py"]\nout = "out"\ncrate-name = "helpdesk_rs"\n'
    )
    cache = tmp_path / "cache"
    built = _cli("build", "--frontend", frontend, cwd=tmp_path, cache=cache)
    assert built.returncode == 0, built.stderr
    assert "pub struct Ticket" in (tmp_path / "out" / "src" / "models.rs").read_text()
    assert (
        _cli("check", "--frontend", frontend, cwd=tmp_path, cache=cache).returncode == 0
    )  # the fast path, from the record
    record = next(cache.glob("*.fingerprint")).read_text()
    assert str((tmp_path / "app" / "models.py").resolve()) in record

    base = tmp_path / "app" / "common" / "base.py"
    base.write_text(BASE + "    editor: str = ''\n")
    stale = _cli("check", "--frontend", frontend, cwd=tmp_path, cache=cache)
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "+    pub editor: ::std::string::String," in stale.stdout
    assert _cli("build", "--frontend", frontend, cwd=tmp_path, cache=cache).returncode == 0
    assert _cli("check", "--frontend", frontend, cwd=tmp_path, cache=cache).returncode == 0
