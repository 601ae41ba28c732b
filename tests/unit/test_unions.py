"""unions: how the frontends spell them in the IR, how lowering names and orders them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dspygen.diagnostics import Sink
from dspygen.frontend import static, union_types
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import naming, unions
from dspygen.lower.rust_types import TypeNames

INT, FLOAT, STR = t.Primitive("int"), t.Primitive("float"), t.STR


def schema_of(tmp_path: Path, source: str) -> tuple[nodes.Schema, Sink]:
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    sink = Sink()
    return static.read([path], tmp_path, sink), sink


def field_types(tmp_path: Path, body: str) -> dict[str, t.Type]:
    head = """
        from typing import Annotated, Literal, Optional, Union
        from pydantic import BaseModel, Field

        class Cat(BaseModel):
            pet_type: Literal["cat"]

        class Dog(BaseModel):
            pet_type: Literal["dog"]

        class M(BaseModel):
    """
    schema, sink = schema_of(tmp_path, textwrap.dedent(head) + textwrap.indent(textwrap.dedent(body), "    "))
    assert not sink.has_errors, [d.message for d in sink.items]
    model = next(m for m in schema.models if m.name == "M")
    return {f.name: f.type for f in model.fields}


def test_spellings_of_a_union(tmp_path: Path) -> None:
    types = field_types(
        tmp_path,
        """
        a: Union[int, str]
        b: int | str
        c: Union[int, Union[str, int]]
        d: int | str | None
        e: Optional[Union[int, str]]
        f: Union[int, Optional[str]]
        g: int | int
        """,
    )
    both = t.UnionOf((INT, STR))
    assert types["a"] == types["b"] == types["c"] == both
    assert types["d"] == types["e"] == types["f"] == t.OptionalOf(both)
    assert types["g"] == INT


def test_discriminators(tmp_path: Path) -> None:
    types = field_types(
        tmp_path,
        """
        a: Cat | Dog = Field(discriminator="pet_type")
        b: Annotated[Union[Cat, Dog], Field(discriminator="pet_type")]
        c: list[Annotated[Cat | Dog, Field(discriminator="pet_type")]] = []
        d: Cat | Dog | None = Field(default=None, discriminator="pet_type")
        """,
    )
    cat, dog = (t.Named(f"m:{name}") for name in ("Cat", "Dog"))
    tagged = t.UnionOf((cat, dog), "pet_type")
    assert types["a"] == types["b"] == tagged
    assert types["c"] == t.ListOf(tagged)
    assert types["d"] == t.OptionalOf(tagged)


def test_union_of_keeps_a_discriminated_arm_whole() -> None:
    tagged = t.UnionOf((t.Named("m:A"), t.Named("m:B")), "k")
    assert union_types.union_of([tagged, INT], False) == t.UnionOf((tagged, INT))
    assert union_types.discriminate(INT, "k") is None


def test_names() -> None:
    assert naming.union_type_name(["Cat", "Dog"], None, set()) == "CatOrDog"
    assert naming.union_type_name(["Cat", "Dog"], "pet_type", set()) == "CatOrDogByPetType"
    assert naming.union_type_name(["Cat", "Dog"], None, {"CatOrDog"}) == "CatOrDog2"
    assert naming.union_variants(["Int", "Int", "Str"]) == ["Int", "Int2", "Str"]


@pytest.mark.parametrize(
    ("arms", "token", "order"),
    [
        ((INT, FLOAT), "Int", [0]),  # an int token never reaches the float arm
        ((FLOAT, INT), "Int", [1]),
        ((FLOAT, INT), "Float", [0]),
        ((t.Primitive("decimal"), FLOAT), "Float", [1]),  # float Exact: Decimal never tried
        ((t.Primitive("datetime"), STR), "Str", [0, 1]),  # a bare date skips the datetime arm: str
        ((t.Primitive("uuid"), t.Primitive("bytes")), "Str", [0, 1]),
        # lax matches last, in declared order: `"1"` is the str, `1.0` into `int | datetime` the int
        ((INT, STR), "Str", [1]),
        ((INT, FLOAT), "Str", [0, 1]),
        ((INT, t.Primitive("datetime")), "Float", [0, 1]),
        ((t.Primitive("datetime"), INT), "Float", [0, 1]),
        ((t.Primitive("bool"), INT), "Int", [1]),  # the int Exact: the bool never tried
    ],
)
def test_try_order(arms: tuple[t.Type, ...], token: str, order: list[int]) -> None:
    schema = nodes.Schema(nodes.SCHEMA_VERSION, (), (), (), ())
    lowering = unions.UnionLowering(schema, Sink())
    union = t.UnionOf(arms)
    names = TypeNames({}, frozenset(), {union: "U"})
    view = lowering.view(union, "U", names)
    body = "\n".join(view.from_json)
    section = body.split(f"Kind::{token} => {{", 1)[1].split("unions::Kind::", 1)[0]
    variants = naming.union_variants([unions.arm_word(a, {}, {}) for a in arms])
    tried = [
        i
        for line in section.splitlines()
        for i, v in enumerate(variants)
        if f"Self::{v})" in line or f"Self::{v}(" in line
    ]
    assert tried == order


def test_dump_and_load_keep_unions(tmp_path: Path) -> None:
    from dspygen.ir.dump import load, to_json

    schema, sink = schema_of(
        tmp_path,
        """
        from typing import Literal
        from pydantic import BaseModel, Field

        class Cat(BaseModel):
            pet_type: Literal["cat"]

        class Dog(BaseModel):
            pet_type: Literal["dog"]

        class M(BaseModel):
            a: Cat | Dog | None = Field(default=None, discriminator="pet_type")
            b: list[int | str] = []
        """,
    )
    assert not sink.has_errors
    assert load(to_json(schema)) == schema
