"""The constructs real code writes (issue 14), read statically and compared with what Python
and pydantic build from the same source: auto() values, type aliases, configuration spellings,
bare containers, validators (warnings) and v1 field arguments."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from dspygen.diagnostics import Code, Level, Sink
from dspygen.frontend import static
from dspygen.ir import nodes
from dspygen.ir import types as t


def read(tmp_path: Path, text: str, name: str = "mod") -> tuple[nodes.Schema, Sink]:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    sink = Sink()
    return static.read([path], tmp_path, sink), sink


def python(tmp_path: Path, code: str) -> Any:
    """What Python itself says about the module `mod` in tmp_path (run in a subprocess)."""
    probe = "import json, sys, warnings; warnings.simplefilter('ignore'); sys.path.insert(0, '.'); import mod\n" + code
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


ENUMS = """\
    from enum import Enum, IntEnum, StrEnum, auto


    class Plain(Enum):
        A = auto()
        B = 5
        C = auto()


    class Mixin(str, Enum):
        A = auto()
        B = auto()


    class Named(StrEnum):
        FooBar = auto()
        BAZ = auto()


    class Ints(IntEnum):
        X = 3
        Y = auto()


    class Written(str, Enum):
        A = "a"
        B = auto()
"""


def test_auto_values_are_python_s(tmp_path: Path) -> None:
    schema, sink = read(tmp_path, ENUMS)
    assert not sink.items
    ours = {e.name: [m.value for m in e.members] for e in schema.enums}
    names = ("Plain", "Mixin", "Named", "Ints", "Written")
    theirs = python(tmp_path, f"print(json.dumps({{c: [m.value for m in getattr(mod, c)] for c in {names!r}}}))")
    assert ours == theirs


def test_int_subclasses_are_told_from_plain_int_enums(tmp_path: Path) -> None:
    """pydantic's lax mode reads `"3"` into an int subclass only (lax::int_text)."""
    schema, _ = read(tmp_path, ENUMS + "\n\n    class IntMixin(int, Enum):\n        A = 1\n")
    subclasses = {e.name: e.int_subclass for e in schema.enums}
    theirs = python(
        tmp_path, f"print(json.dumps({{c: issubclass(getattr(mod, c), int) for c in {list(subclasses)!r}}}))"
    )
    assert subclasses == theirs
    assert subclasses["Ints"] and subclasses["IntMixin"] and not subclasses["Plain"]


ALIASES = """\
    from typing import Annotated, Dict, List, Literal, NewType, Optional, Union

    from pydantic import BaseModel, Field
    from typing_extensions import TypeAlias, TypeAliasType


    class Cat(BaseModel):
        kind: Literal["cat"]


    class Dog(BaseModel):
        kind: Literal["dog"]


    Pet = Annotated[Union[Cat, Dog], Field(discriminator="kind")]
    Tags: TypeAlias = list[str]
    Maybe = Optional[Tags]
    Scores = TypeAliasType("Scores", Dict[str, float])
    UserId = NewType("UserId", int)
    JSON = TypeAliasType("JSON", Union[Dict[str, "JSON"], List["JSON"], str, int, float, bool, None])


    class Owner(BaseModel):
        id: UserId
        pet: Pet
        tags: Tags
        maybe: Maybe = None
        scores: Scores
        data: JSON
"""


def test_type_aliases_in_every_spelling(tmp_path: Path) -> None:
    schema, sink = read(tmp_path, ALIASES)
    assert not sink.items
    owner = next(m for m in schema.models if m.name == "Owner")
    types = {f.name: f.type for f in owner.fields}
    assert types["id"] == t.Primitive("int")
    assert isinstance(types["pet"], t.UnionOf) and types["pet"].discriminator == "kind"
    assert types["tags"] == t.ListOf(t.STR)
    assert types["maybe"] == t.OptionalOf(t.ListOf(t.STR))
    assert types["scores"] == t.DictOf(t.STR, t.Primitive("float"))
    assert types["data"] == t.Primitive("json_value")
    # pydantic reads the same: the discriminated union, and the JSON alias as a JSON value.
    owner_doc = '{"id": 1, "pet": {"kind": "dog"}, "tags": [], "scores": {}, "data": {"a": [1, 2.5, null]}}'
    dumped = python(tmp_path, f"print(json.dumps(mod.Owner.model_validate_json({owner_doc!r}).model_dump_json()))")
    assert json.loads(dumped) == json.loads(owner_doc) | {"maybe": None}


def test_an_alias_from_another_module_resolves_there(tmp_path: Path) -> None:
    (tmp_path / "shared.py").write_text("from typing import Optional\nfrom pkg_types import Name\nTags = list[Name]\n")
    (tmp_path / "pkg_types.py").write_text("Name = str\n")
    schema, sink = read(
        tmp_path, "from pydantic import BaseModel\nfrom shared import Tags\n\nclass A(BaseModel):\n    t: Tags\n"
    )
    assert not sink.items, sink.items
    assert schema.models[0].fields[0].type == t.ListOf(t.STR)


def test_a_recursive_alias_that_is_not_json_is_refused(tmp_path: Path) -> None:
    _, sink = read(
        tmp_path,
        """\
        from pydantic import BaseModel
        from typing_extensions import TypeAliasType
        Tree = TypeAliasType("Tree", list["Tree"])
        class A(BaseModel):
            t: Tree
        """,
    )
    assert [d.code for d in sink.items] == [Code.UNSUPPORTED_TYPE]


CONFIG = """\
    from pydantic import BaseModel, ConfigDict, Field


    class Dict_(BaseModel):
        model_config = {"extra": "forbid", "str_strip_whitespace": True, "validate_assignment": True}
        name: str
        names: list[str] = []


    class V1(BaseModel):
        class Config:
            extra = "forbid"
            use_enum_values = True

        x: int


    class Lowered(BaseModel):
        model_config = ConfigDict(str_to_lower=True, str_max_length=5)
        handle: str


    class Items(BaseModel):
        tags: list[int] = Field(default=[], min_items=1, max_items=3, title="t", example=[1], repr=False)
"""


def test_configuration_spellings(tmp_path: Path) -> None:
    schema, sink = read(tmp_path, CONFIG)
    assert not sink.items, sink.items
    models = {m.name: m for m in schema.models}
    assert models["Dict_"].extra == "forbid" and models["V1"].extra == "forbid"
    name = models["Dict_"].fields[0].type
    assert isinstance(name, t.Constrained) and name.strip_whitespace
    names = models["Dict_"].fields[1].type
    assert isinstance(names, t.ListOf) and isinstance(names.item, t.Constrained) and names.item.strip_whitespace
    handle = models["Lowered"].fields[0].type
    assert isinstance(handle, t.Constrained) and handle.to_lower and handle.max_length == 5
    tags = models["Items"].fields[0].type
    assert isinstance(tags, t.Constrained) and (tags.min_length, tags.max_length) == (1, 3)
    # pydantic does the same with these settings.
    out = python(
        tmp_path,
        "print(json.dumps([mod.Dict_(name=' a ', names=[' b ']).model_dump(), mod.Lowered(handle='ABC').handle]))",
    )
    assert out == [{"name": "a", "names": ["b"]}, "abc"]


def test_v1_keys_pydantic_ignores_are_said_and_ignored(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        "from pydantic import BaseModel\nclass A(BaseModel):\n    class Config:\n        orm_mode = True\n    x: str\n",
    )
    [warning] = sink.items
    assert warning.level is Level.WARNING and "orm_mode" in warning.message
    assert schema.models[0].fields[0].type == t.STR


def test_regex_is_refused_as_pydantic_refuses_it(tmp_path: Path) -> None:
    _, sink = read(
        tmp_path, "from pydantic import BaseModel, Field\nclass A(BaseModel):\n    s: str = Field(regex='^a')\n"
    )
    assert [d.code for d in sink.items] == [Code.FIELD_ARGUMENT]
    assert "pattern=" in sink.items[0].hint


def test_bare_containers_hold_any(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        """\
        from typing import Dict, List
        from pydantic import BaseModel
        class A(BaseModel):
            a: list
            b: dict
            c: List
            d: Dict
            e: tuple
        """,
    )
    assert not sink.items
    any_ = t.Primitive("any")
    assert [f.type for f in schema.models[0].fields] == [
        t.ListOf(any_),
        t.DictOf(t.STR, any_),
        t.ListOf(any_),
        t.DictOf(t.STR, any_),
        t.TupleOf((any_,), variadic=True),
    ]


@pytest.mark.parametrize("decorator", ["field_validator('x')", "model_validator(mode='after')", "validator('x')"])
def test_validators_warn_and_keep_the_fields(decorator: str, tmp_path: Path) -> None:
    name = decorator.partition("(")[0]
    schema, sink = read(
        tmp_path,
        f"""\
        from pydantic import BaseModel, {name}
        class A(BaseModel):
            x: int
            @{decorator}
            def check(cls, value):
                return value
        """,
    )
    [warning] = sink.items
    assert warning.level is Level.WARNING and warning.code is Code.VALIDATOR
    assert "does not run it" in warning.message and "goes through pydantic" in warning.message
    assert [f.name for f in schema.models[0].fields] == ["x"]
    assert schema.models[0].validated == (("",) if name == "model_validator" else ("x",))


def test_dspy_fields_given_in_annotated_metadata(tmp_path: Path) -> None:
    """`text: Annotated[str, dspy.InputField(desc=...)]`: pydantic takes the field from the
    metadata, and DSPy reads it as any other input."""
    schema, sink = read(
        tmp_path,
        """\
        import dspy
        from typing_extensions import Annotated
        from pydantic import Field


        class Extract(dspy.Signature):
            \"\"\"Extract.\"\"\"

            text: Annotated[str, dspy.InputField(desc="the text")]
            n: Annotated[int, Field(ge=0), dspy.InputField(desc="a count")]
            entities: Annotated[list[str], dspy.OutputField(desc="found")]
        """,
    )
    assert not sink.items, sink.items
    ours = [(f.name, f.role, f.desc) for f in schema.signatures[0].fields]
    theirs = python(
        tmp_path,
        "print(json.dumps([[n, f.json_schema_extra['__dspy_field_type'], f.json_schema_extra['desc']]"
        " for n, f in mod.Extract.fields.items()]))",
    )
    assert [list(x) for x in ours] == theirs
    assert schema.signatures[0].fields[1].type == t.Constrained(t.Primitive("int"), ge=0)


def test_classes_under_module_level_branches_are_read(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        """\
        import sys
        from pydantic import BaseModel
        try:
            from typing import Self
        except ImportError:
            pass
        if sys.version_info >= (3, 8):
            class A(BaseModel):
                x: int
        else:
            class A(BaseModel):
                x: str
        """,
    )
    assert not sink.items
    assert [(m.name, m.fields[0].type) for m in schema.models] == [("A", t.Primitive("int"))]


def test_classes_defined_in_functions_are_left_out_with_a_warning(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        """\
        from pydantic import BaseModel
        def make():
            class Local(BaseModel):
                x: int
            return Local
        class Top(BaseModel):
            y: int
        """,
    )
    assert [m.name for m in schema.models] == ["Top"]
    [warning] = sink.items
    assert warning.level is Level.WARNING and "`Local`" in warning.message and "`make`" in warning.message


def test_identifiers_are_nfkc_normalised_as_python_does(tmp_path: Path) -> None:
    """`ﬁeld` is the attribute `field` to Python, and the key pydantic writes; aliases, defaults
    and descriptions stay as written (issue 17)."""
    schema, sink = read(
        tmp_path,
        "from pydantic import BaseModel, Field\n\n\nclass M(BaseModel):\n    \ufb01eld: int\n"
        '    \uff57ide: str = Field(alias="\ufb01x", description="\ufb01")\n    note: str = "\ufb01"\n',
    )
    assert not sink.items
    ours = [(f.name, f.alias, f.description) for f in schema.models[0].fields]
    theirs = python(tmp_path, "print(json.dumps([[n, f.alias, f.description] for n, f in mod.M.model_fields.items()]))")
    assert [list(x) for x in ours] == theirs
    assert schema.models[0].fields[2].default is not None and schema.models[0].fields[2].default.value == "\ufb01"


FACTORIES = """\
    import datetime as dt
    import time
    import uuid
    from datetime import UTC, date, datetime, timezone
    from uuid import uuid4

    from pydantic import BaseModel, Field


    def stamp() -> str:
        return "x"


    class Inner(BaseModel):
        n: int = 0


    class Needy(BaseModel):
        n: int


    class Event(BaseModel):
        a: datetime = Field(default_factory=datetime.now)
        b: datetime = Field(default_factory=dt.datetime.utcnow)
        c: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
        d: datetime = Field(default_factory=lambda: dt.datetime.now(tz=UTC))
        e: date = Field(default_factory=date.today)
        f: uuid.UUID = Field(default_factory=uuid4)
        g: str = Field(default_factory=lambda: str(uuid.uuid4()))
        h: str = Field(default_factory=lambda: uuid4().hex)
        i: float = Field(default_factory=time.time)
        j: int = Field(default_factory=lambda: int(time.time()))
        k: datetime = Field(default_factory=datetime.today)
        inner: Inner = Field(default_factory=Inner)
        needy: Needy = Field(default_factory=Needy)
        mine: str = Field(default_factory=stamp)
        more: datetime = Field(default_factory=lambda: datetime.now().replace(microsecond=0))
        local: datetime = Field(default_factory=lambda: datetime.now(dt.timezone(dt.timedelta(hours=2))))
        fixed: datetime = datetime.now()
        wrong: int = Field(default_factory=datetime.now)
"""


@pytest.mark.parametrize("frontend", ["static", "import"])
def test_default_factories_are_read_as_what_they_compute(frontend: str, tmp_path: Path) -> None:
    path = tmp_path / "mod.py"
    path.write_text(textwrap.dedent(FACTORIES), encoding="utf-8")
    sink = Sink()
    if frontend == "static":
        schema = static.read([path], tmp_path, sink)
    else:
        from dspygen.frontend import importing

        schema = importing.read([path], tmp_path, sink)
    assert not sink.items, sink.items  # the frontends read; lowering says what Rust cannot mirror
    event = next(m for m in schema.models if m.name == "Event")
    got = {f.name: f.default for f in event.fields}
    computed = {k: v.computed for k, v in got.items() if v is not None and v.kind == "computed"}
    assert computed == {
        "a": "now",
        "b": "utcnow",
        "c": "now_utc",
        "d": "now_utc",
        "e": "today",
        "f": "uuid4",
        "g": "uuid4_str",
        "h": "uuid4_hex",
        "i": "time",
        "j": "time_int",
        "k": "now",
        "wrong": "now",
    }
    assert got["inner"] == nodes.Default("model", value="mod:Inner")
    assert got["needy"] == nodes.Default("model", value="mod:Needy")
    assert {k for k, v in got.items() if v is not None and v.kind == "unmirrored"} == {"mine", "more", "local", "fixed"}


def test_what_rust_cannot_compute_is_required_and_said(tmp_path: Path) -> None:
    from dspygen.lower.crate import CrateOptions, lower

    schema, _ = read(tmp_path, FACTORIES)
    lowered = Sink()
    view = lower(schema, CrateOptions("mod_rs", "out", "mod_rs"), lowered)
    warned = [(d.span.line, d.message.split("`")[1]) for d in lowered.items if d.code is Code.UNMIRRORED_DEFAULT]
    # `wrong` (line 40): datetime.now makes a datetime, not an int (pydantic does not check defaults).
    assert sorted(warned) == [(36, "mine"), (37, "more"), (38, "local"), (39, "fixed"), (40, "now")]
    assert not lowered.has_errors
    event = next(s for s in view.models if s.ident == "Event")
    defaults = {f.ident: [a for a in f.attrs if "default" in a] for f in event.fields}
    assert all(defaults[k] for k in "abcdefghijk") and defaults["inner"]
    assert not any(defaults[k] for k in ("needy", "mine", "more", "local", "fixed", "wrong"))


def test_constraints_and_configs_from_module_constants(tmp_path: Path) -> None:
    (tmp_path / "limits.py").write_text(
        'from pydantic import ConfigDict\n\nMAX = 64000\nSHARED = ConfigDict(extra="forbid")\n', encoding="utf-8"
    )
    schema, sink = read(
        tmp_path,
        """\
        from pydantic import BaseModel, Field

        from limits import MAX, SHARED

        _LOW = 2
        TWICE = 1
        TWICE = 3


        class Chunk(BaseModel):
            model_config = SHARED

            size: int = Field(default=12, gt=_LOW, lt=MAX)
        """,
    )
    assert not sink.has_errors, sink.items
    (chunk,) = schema.models
    assert chunk.extra == "forbid"
    ty = chunk.fields[0].type
    assert isinstance(ty, t.Constrained) and (ty.gt, ty.lt) == (2, 64000)
    _, refused = read(
        tmp_path,
        "from pydantic import BaseModel, Field\nTWICE = 1\nTWICE = 3\n\n\n"
        "class C(BaseModel):\n    n: int = Field(lt=TWICE)\n",
        "other",
    )
    assert [d.code for d in refused.items] == [Code.FIELD_ARGUMENT]  # a name bound twice has no single value


def test_a_strict_model_is_read_where_serde_is_as_strict(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        """\
        from datetime import datetime

        from pydantic import BaseModel, ConfigDict


        class Base(BaseModel):
            model_config = ConfigDict(strict=True)

            n: int
            names: list[str]


        class Timed(Base):
            at: datetime
        """,
    )
    assert [(d.code, d.span.line if d.span else 0) for d in sink.items] == [(Code.CONSTRAINT, 14)]
    assert "strict=True` on a `datetime`" in sink.items[0].message
    assert [m.name for m in schema.models] == ["Base"]  # the refused one is dropped, its error said
