"""What a build reuses from the builds before it (the fingerprint, the compiled templates, each
file's formatted items: the user's cache folder) never changes its output: after each edit,
rename and deletion of a source file, a rebuild writes the bytes a first build into an empty
folder with an empty cache writes (issue 18, item 3, for the parts built so far)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

MODELS = '''from enum import Enum

from pydantic import BaseModel, Field


class Kind(str, Enum):
    A = "a"
    B = "b"


class Item(BaseModel):
    """An item."""

    name: str = Field(description="its name")
    kind: Kind = Kind.A
    tags: list[str] = []
'''

ORDERS = """from pydantic import BaseModel

from shop.models import Item


class Order(BaseModel):
    items: list[Item]
    note: str | None = None
"""

SIGNATURES = '''import dspy

from shop.models import Item


class Pick(dspy.Signature):
    """Pick the item that fits."""

    items: list[Item] = dspy.InputField()
    choice: Item = dspy.OutputField()


answer = dspy.Predict("question: str -> answer: str")
'''


def _build(project: Path, out: str, cache: Path) -> str:
    sources = sorted(p.relative_to(project).as_posix() for p in (project / "shop").glob("*.py"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(DSPYGEN_CACHE_DIR=str(cache), NO_COLOR="1")
    argv = [str(Path(sys.executable).parent / "dspygen"), "build", *sources, "--out", out, "--crate-name", "shop"]
    done = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _same_as_a_first_build(project: Path, tmp: Path, step: str) -> None:
    """The incremental output folder against a first build of the same sources."""
    cold = tmp / f"cold-{step}"
    shutil.rmtree(project / "first", ignore_errors=True)
    _build(project, "first", cold)
    assert _files(project / "out") == _files(project / "first"), step


def test_rebuilds_write_what_a_first_build_writes(tmp_path: Path) -> None:
    project, cache = tmp_path / "project", tmp_path / "cache"
    (project / "shop").mkdir(parents=True)
    (project / "shop" / "__init__.py").write_text("")
    (project / "shop" / "models.py").write_text(MODELS)
    (project / "shop" / "orders.py").write_text(ORDERS)
    (project / "shop" / "signatures.py").write_text(SIGNATURES)
    _build(project, "out", cache)
    _same_as_a_first_build(project, tmp_path, "first")
    assert list((cache / "format").iterdir()) and list((cache / "templates").iterdir())  # the cache is used

    # An edit: a field changes type, another is added (one model's items change, the rest not).
    models = project / "shop" / "models.py"
    models.write_text(MODELS.replace("tags: list[str] = []", "tags: list[int] = []\n    price: float = 0.0"))
    said = _build(project, "out", cache)
    assert "written" in said
    _same_as_a_first_build(project, tmp_path, "edit")

    # A rename: the module of Order changes, and with it its Python path in the bindings.
    (project / "shop" / "orders.py").rename(project / "shop" / "purchases.py")
    _build(project, "out", cache)
    _same_as_a_first_build(project, tmp_path, "rename")

    # A deletion: the signatures go (and the string signature with them).
    (project / "shop" / "signatures.py").unlink()
    _build(project, "out", cache)
    _same_as_a_first_build(project, tmp_path, "delete")

    # And back: the items of the first build come from the cache again.
    (project / "shop" / "signatures.py").write_text(SIGNATURES)
    _build(project, "out", cache)
    _same_as_a_first_build(project, tmp_path, "restore")

    # A corrupt cache (every record cut short) changes nothing either.
    for record in [*(cache / "format").iterdir(), *(cache / "templates").rglob("*.cache")]:
        record.write_bytes(record.read_bytes()[:10])
    models.write_text(MODELS)
    _build(project, "out", cache)
    _same_as_a_first_build(project, tmp_path, "corrupt")
