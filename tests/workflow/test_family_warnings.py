"""Every family of types alone makes a warning-free crate (issue 16): a user whose input holds
only a discriminated union, only a `UUID`, only a string signature, ... builds with
`-D warnings` and clippy, not only the fixture sets, where each crate holds many families and
one family's code can hide another's unused item.

One crate per family (each registered scalar, bare, in an `Optional` and in a list; and each
construct that brings code of its own), all in one Cargo workspace sharing one runtime copy and
one target directory, checked by one `cargo clippy --workspace --all-targets -- -D warnings`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dspygen.registry import scalars as registry

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def scalar_family(name: str) -> str:
    scalar = registry.scalar(name)
    module, qualname = scalar.python.where
    spelled = scalar.python.spelled
    imports = "" if spelled == "None" or module == "builtins" else f"from {module} import {qualname}\n"
    return f"""\
from typing import Optional

from pydantic import BaseModel
{imports}

class Holder(BaseModel):
    value: {spelled}
    maybe: Optional[{spelled}] = None
    many: list[{spelled}] = []
"""


def _model(*lines: str, imports: str = "", before: str = "") -> str:
    """A module with one model `M` whose body is `lines`."""
    body = "\n".join(f"    {line}" for line in lines)
    head = f"{imports}\n\n" if imports else ""
    return f"{head}from pydantic import BaseModel\n\n{before}\n\n\nclass M(BaseModel):\n{body}\n"


CONSTRUCTS = {
    "discriminated_union": """\
from typing import Annotated, Literal, Union

from pydantic import BaseModel, Field


class Cat(BaseModel):
    kind: Literal["cat"]


class Dog(BaseModel):
    kind: Literal["dog"]


Pet = Annotated[Union[Cat, Dog], Field(discriminator="kind")]


class Owner(BaseModel):
    pet: Pet
""",
    "smart_union": _model("x: int | str"),
    "str_literal": _model('x: Literal["a", "b"]', imports="from typing import Literal"),
    "int_literal": _model("x: Literal[1, 2]", imports="from typing import Literal"),
    "str_enum": "import enum\n\n\nclass Color(str, enum.Enum):\n    RED = 'red'\n",
    "int_enum": "import enum\n\n\nclass Level(enum.IntEnum):\n    LOW = 1\n",
    "auto_enum": _model(
        "mode: Mode = Mode.FAST", imports="import enum", before="class Mode(enum.StrEnum):\n    FAST = enum.auto()"
    ),
    "generic": """\
from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]


class Catalog(BaseModel):
    page: Page[int]
""",
    "root_model": "from pydantic import RootModel\n\n\nclass Tags(RootModel[list[str]]):\n    pass\n",
    "computed": """\
from pydantic import BaseModel, computed_field


class Box(BaseModel):
    side: int

    @computed_field
    @property
    def area(self) -> int:
        return self.side * self.side
""",
    "pattern": _model('code: str = Field(pattern="^[A-Z]+$")', imports="from pydantic import Field"),
    "bounded_int": _model("n: int = Field(ge=0, le=10)", imports="from pydantic import Field"),
    "key_transform": _model(
        "d: dict[Annotated[str, StringConstraints(to_lower=True)], int]",
        imports="from typing import Annotated\n\nfrom pydantic import StringConstraints",
    ),
    "extra_allow": _model(
        'model_config = ConfigDict(extra="allow")', "x: int = 0", imports="from pydantic import ConfigDict"
    ),
    "aliases": _model('x: int = Field(alias="X")', imports="from pydantic import Field"),
    "strict": _model("model_config = ConfigDict(strict=True)", "x: int", imports="from pydantic import ConfigDict"),
    "now_factory": _model(
        "at: datetime = Field(default_factory=datetime.now)",
        imports="from datetime import datetime\n\nfrom pydantic import Field",
    ),
    "validator": """\
from pydantic import BaseModel, field_validator


class M(BaseModel):
    x: int

    @field_validator("x")
    @classmethod
    def positive(cls, v: int) -> int:
        return v
""",
    "containers": _model("d: dict[int, str]", "t: tuple[int, str]", "s: set[str]"),
    "json_text": _model("x: Json[list[int]]", imports="from pydantic import Json"),
    "class_signature": """\
import dspy


class QA(dspy.Signature):
    question: str = dspy.InputField()
    answer: str = dspy.OutputField()
""",
    "string_signature": 'import dspy\n\nsummarize = dspy.Predict("document -> summary")\n',
    "dspy_image": """\
import dspy


class Describe(dspy.Signature):
    image: dspy.Image = dspy.InputField()
    caption: str = dspy.OutputField()
""",
}


def families() -> dict[str, str]:
    out = {f"scalar_{s.name}": scalar_family(s.name) for s in registry.SCALARS}
    return {**out, **CONSTRUCTS}


def run(argv: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, **env}
    done = subprocess.run(argv, cwd=cwd, env=full, capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, f"{argv}\n{done.stdout[-3000:]}\n{done.stderr[-8000:]}"
    return done


@pytest.mark.cargo
def test_each_family_alone_builds_without_warnings(tmp_path: Path) -> None:
    found = families()
    (tmp_path / "fam").mkdir()
    targets = []
    for name, source in found.items():
        (tmp_path / "fam" / f"{name}.py").write_text(source, encoding="utf-8")
        targets.append(f'[[tool.dspygen.targets]]\nsources = ["fam/{name}.py"]\nout = "crates/{name}_rs"\n')
    config = '[tool.dspygen]\nruntime = "crates/dspygen-runtime"\n\n' + "\n".join(targets)
    (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    run([str(BIN / "dspygen"), "build"], tmp_path)
    members = ", ".join(f'"crates/{name}_rs"' for name in found)
    (tmp_path / "Cargo.toml").write_text(f'[workspace]\nresolver = "2"\nmembers = [{members}]\n', encoding="utf-8")
    target = str(ROOT / "generated" / "target" / "families")  # kept warm between runs
    run(
        ["cargo", "clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"],
        tmp_path,
        CARGO_TARGET_DIR=target,
        PYO3_PYTHON=sys.executable,
    )
