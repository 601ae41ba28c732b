"""Generic models (one IR model per instantiation), RootModels and user type mappings:
static reading against real pydantic, Rust naming, and the `types` configuration."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, Literal, Optional, TypeVar
from uuid import UUID

import pytest
from pydantic import BaseModel

from dspygen.config import load_targets
from dspygen.diagnostics import Code, Sink
from dspygen.frontend import static
from dspygen.ir import generics, nodes
from dspygen.ir import types as t
from dspygen.lower import generics as lower_generics
from dspygen.lower.crate import CrateOptions, lower
from dspygen.mapping import cargo_lines

T = TypeVar("T")


class Box(BaseModel, Generic[T]):
    value: T


class Leaf(BaseModel):
    x: int


def read(
    tmp_path: Path, source: str, mapped: frozenset[str] = frozenset(), extra: list[Path] | None = None
) -> tuple[nodes.Schema, Sink]:
    path = tmp_path / "gm.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    sink = Sink()
    return static.read([path, *(extra or [])], tmp_path, sink, mapped), sink


@pytest.fixture
def on_path(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    sys.modules.pop("gm", None)


@pytest.mark.parametrize(
    ("arg", "ir"),
    [
        (int, t.Primitive("int")),
        (str, t.STR),
        (datetime, t.Primitive("datetime")),
        (UUID, t.Primitive("uuid")),
        (Decimal, t.Primitive("decimal")),
        (Any, t.Primitive("any")),
        (list[str], t.ListOf(t.STR)),
        (Optional[int], t.OptionalOf(t.Primitive("int"))),  # noqa: UP045
        (dict[str, list[int]], t.DictOf(t.STR, t.ListOf(t.Primitive("int")))),
        (tuple[int, str], t.TupleOf((t.Primitive("int"), t.STR))),
        (tuple[int, ...], t.TupleOf((t.Primitive("int"),), variadic=True)),
        (set[int], t.SetOf(t.Primitive("int"))),
        (frozenset[str], t.SetOf(t.STR, frozen=True)),
        (Literal["a", 1, None], t.LiteralOf(("a", 1, None))),
        (Leaf, t.Named("m:Leaf")),
        (Box[int], t.Named("m:Box[int]")),
    ],
)
def test_names_are_the_ones_pydantic_gives(arg: Any, ir: t.Type) -> None:
    """The static frontend names `Box[X]` as pydantic does; the bindings find the class by it."""
    names = {"m:Leaf": "Leaf", "m:Box[int]": "Box[int]"}
    assert generics.parametrized_name("Box", (ir,), names) == Box[arg].__name__


def test_static_reading_agrees_with_pydantic(on_path: Path) -> None:
    source = """
        from typing import Generic, Optional, TypeVar
        from pydantic import BaseModel, RootModel

        T = TypeVar("T")
        U = TypeVar("U", covariant=True)

        class Node(BaseModel, Generic[T]):
            value: T
            children: list["Node[T]"] = []

        class Two(BaseModel, Generic[T, U]):
            a: T
            b: Optional[dict[str, U]] = None

        class Wrapper(RootModel[list[T]], Generic[T]):
            pass

        class Holder(BaseModel):
            tree: Node[int]
            two: Two[str, Node[int]]
            wrapped: Wrapper[bool]
    """
    schema, sink = read(on_path, source)
    assert sink.items == []
    import gm  # type: ignore[import-not-found]

    models = {m.id: m for m in schema.models}
    assert list(models) == ["gm:Holder", "gm:Node[int]", "gm:Two[str, Node[int]]", "gm:Wrapper[bool]"]
    real = {"Holder": gm.Holder, **{f.annotation.__name__: f.annotation for f in gm.Holder.model_fields.values()}}
    for model in schema.models:
        cls = real[model.name]  # pydantic's class of that name: `Two[str, Node[int]]`
        assert list(cls.model_fields) == [f.name for f in model.fields], model.id
    assert models["gm:Wrapper[bool]"].root and models["gm:Wrapper[bool]"].fields[0].type == t.ListOf(
        t.Primitive("bool")
    )
    node = models["gm:Node[int]"]
    assert node.fields[1].type == t.ListOf(t.Named("gm:Node[int]"))  # the recursion closes on itself
    assert node.type_args == (t.Primitive("int"),)


def test_pep695_type_parameters(tmp_path: Path) -> None:
    """`class Page[T](BaseModel)` (Python 3.12) reads like `Generic[T]`; libcst parses it on any Python."""
    source = """
        from pydantic import BaseModel

        class Page[T](BaseModel):
            items: list[T]

        class Bounded[T: int](BaseModel):
            value: T

        class Catalog(BaseModel):
            page: Page[str]
            bounded: Bounded[int]
    """
    schema, sink = read(tmp_path, source)
    assert sink.items == []
    page = next(m for m in schema.models if m.generic_origin == "Page")
    assert page.name == "Page[str]" and page.fields[0].type == t.ListOf(t.STR)


def test_bare_generic_reads_its_parameters_as_any(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        """
        from typing import Generic, TypeVar
        from pydantic import BaseModel
        T = TypeVar("T")
        class Page(BaseModel, Generic[T]):
            items: list[T]
        class Catalog(BaseModel):
            page: Page
        """,
    )
    assert sink.items == []
    page = next(m for m in schema.models if m.id == "gm:Page")
    assert page.fields[0].type == t.ListOf(t.Primitive("any")) and not page.generic_origin
    assert Box.model_validate({"value": [1, "x"]}).value == [1, "x"]  # what pydantic does with a bare T


def test_rust_names_of_instantiations_and_their_collisions(tmp_path: Path) -> None:
    source = """
        from typing import Generic, Optional, TypeVar
        from pydantic import BaseModel
        T = TypeVar("T")
        class Page(BaseModel, Generic[T]):
            items: list[T]
        class PageInt(BaseModel):
            n: int
        class Catalog(BaseModel):
            a: Page[list[str]]
            b: Page[Optional[int]]
            c: Page[Page[dict[str, bool]]]
            d: Page[int]
    """
    schema, sink = read(tmp_path, source)
    assert sink.items == []
    instances = lower_generics.Instances(schema)
    names = {m.name: instances.rust_name(m) for m in schema.models}
    assert names["Page[list[str]]"] == "PageListStr"
    assert names["Page[Union[int, NoneType]]"] == "PageOptionInt"
    assert names["Page[Page[dict[str, bool]]]"] == "PagePageDictStrBool"
    lower(schema, CrateOptions("gm_rs", "out", "gm_rs"), sink)
    collisions = [d for d in sink.items if d.code is Code.NAME_COLLISION]
    assert len(collisions) == 1 and "`PageInt`" in collisions[0].message


def test_python_class_expressions(tmp_path: Path) -> None:
    source = """
        from typing import Generic, Optional, TypeVar
        from pydantic import BaseModel
        T = TypeVar("T")
        class Page(BaseModel, Generic[T]):
            items: list[T]
        class Catalog(BaseModel):
            a: Page[Optional[tuple[int, ...]]]
    """
    schema, _ = read(tmp_path, source)
    instances = lower_generics.Instances(schema)
    model = next(m for m in schema.models if m.generic_origin)
    text = instances.python_expr(model)
    tuple_text = '_class("builtins", "tuple")[_class("builtins", "int"), ...]'
    assert text == f'_class("gm", "Page")[_class("typing", "Optional")[{tuple_text}]]'
    rust = instances.python_class(model)
    assert rust.startswith("::dspygen_runtime::build_class(py, &CLASS, |py| ")
    assert "py.Ellipsis()" in rust


def test_unsupported_type_arguments_are_diagnostics(tmp_path: Path) -> None:
    _, sink = read(
        tmp_path,
        """
        from typing import Annotated, Generic, TypeVar
        from pydantic import BaseModel, Field
        T = TypeVar("T")
        class Page(BaseModel, Generic[T]):
            items: list[T]
        class Catalog(BaseModel):
            page: Page[Annotated[int, Field(gt=0)]]
        """,
    )
    assert [d.code for d in sink.items] == [Code.UNSUPPORTED_TYPE]


def test_mapped_class_becomes_a_mapped_type(tmp_path: Path) -> None:
    source = """
        from fractions import Fraction
        from pydantic import BaseModel
        class Money:
            pass
        class Invoice(BaseModel):
            total: Money
            hosts: list[Fraction]
    """
    schema, sink = read(tmp_path, source, frozenset({"gm.Money", "fractions.Fraction"}))
    assert sink.items == []
    fields = schema.models[0].fields
    assert fields[0].type == t.Mapped("gm.Money") and fields[1].type == t.ListOf(t.Mapped("fractions.Fraction"))
    _, unmapped = read(tmp_path, source)
    assert all("types = {" in d.hint for d in unmapped.items) and len(unmapped.items) == 2


def test_types_table_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [tool.dspygen]
            sources = ["app/*.py"]
            out = "gen/bindings"

            [tool.dspygen.types]
            "app.models.Money" = { rust = "money::Money", dependencies = { money = { path = "rust/money" } } }
            "uuid.UUID" = "my_uuid::Id"
            [tool.dspygen.types."app.models.Tag"]
            rust = "tags::Tag"
            dependencies = { tags = "1.2", other = { version = "2", features = ["x"] } }
            """
        )
    )
    sink = Sink()
    [target] = load_targets(tmp_path / "pyproject.toml", "pyproject.toml", sink)
    assert sink.items == []
    assert {m.python: m.rust for m in target.types} == {
        "app.models.Money": "money::Money",
        "uuid.UUID": "my_uuid::Id",
        "app.models.Tag": "tags::Tag",
    }
    assert cargo_lines(target.types, tmp_path, Path("gen/bindings")) == (
        'money = { path = "../../rust/money" }',
        'other = { features = ["x"], version = "2" }',
        'tags = "1.2"',
    )
    assert json.loads(dict(target.types[0].dependencies)["money"])["path"].endswith("rust/money")


def test_a_model_with_a_serializer_can_be_mapped(tmp_path: Path) -> None:
    """A model dspygen cannot mirror (a serializer) is the user's to map: it is then not read at all."""
    source = """
        from pydantic import BaseModel, field_serializer
        class Email(BaseModel):
            address: str
            @field_serializer("address")
            def lower(self, v: str) -> str:
                return v.lower()
        class Holder(BaseModel):
            email: Email
    """
    _, unmapped = read(tmp_path, source)
    assert [d.code for d in unmapped.items] == [Code.UNSUPPORTED_MODEL]
    assert "types = {" in unmapped.items[0].hint
    schema, sink = read(tmp_path, source, frozenset({"gm.Email"}))
    assert sink.items == []
    assert [m.id for m in schema.models] == ["gm:Holder"]
    assert schema.models[0].fields[0].type == t.Mapped("gm.Email")


def test_two_instantiations_pydantic_names_alike_are_a_collision(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from pydantic import BaseModel\nclass Item(BaseModel):\n    x: int\n")
    (tmp_path / "b.py").write_text("from pydantic import BaseModel\nclass Item(BaseModel):\n    y: str\n")
    _, sink = read(
        tmp_path,
        """
        from typing import Generic, TypeVar
        from pydantic import BaseModel
        import a, b
        T = TypeVar("T")
        class Page(BaseModel, Generic[T]):
            items: list[T]
        class Catalog(BaseModel):
            first: Page[a.Item]
            second: Page[b.Item]
        """,
        extra=[tmp_path / "a.py", tmp_path / "b.py"],
    )
    assert [d.code for d in sink.items] == [Code.NAME_COLLISION]
