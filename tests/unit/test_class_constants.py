"""Keys kept in classes (`Field(alias=Keys.INPUT)`), read as pydantic reads them: a member of a
str Enum (`StrEnum`, `str, Enum`, `auto()` included) and a plain class's string attribute are
the str they hold; a member of an Enum that is no str is refused, as pydantic refuses it. Each
case is compared with the aliases and descriptions of the real class."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pydantic_core
import pytest

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import static

KEYS = """
    import enum
    from enum import StrEnum, auto

    from pydantic import BaseModel, Field


    class Key(StrEnum):
        INPUT = "input"
        TREE = auto()


    class Mixed(str, enum.Enum):
        FIRST = auto()
        SECOND = "second-key"


    class Keys:
        NAME = "full-name"
        LABEL: str = "the label"


    class Record(BaseModel):
        a: int = Field(alias=Key.INPUT)
        b: int = Field(default=0, validation_alias=Key.TREE, serialization_alias=Mixed.FIRST)
        c: str = Field(default="", alias=Mixed.SECOND, description=Keys.LABEL)
        d: str = Field(default="", alias=Keys.NAME)
"""


def test_keys_in_classes_are_the_strings_pydantic_takes(tmp_path: Path, own_modules: Any) -> None:
    (tmp_path / "keyed.py").write_text(textwrap.dedent(KEYS), encoding="utf-8")
    sink = Sink()
    schema = static.read([tmp_path / "keyed.py"], tmp_path, sink)
    assert not sink.has_errors, [d.message for d in sink.items]
    (record,) = [m for m in schema.models if m.name == "Record"]
    real = own_modules("keyed").Record
    for field in record.fields:
        info = real.model_fields[field.name]
        # each as the plain str it holds (a str Enum member's own text is its value)
        assert field.alias == (None if info.alias is None else str.__str__(info.alias)), field.name
        validation = () if info.validation_alias is None else (str.__str__(info.validation_alias),)
        assert field.validation_alias == validation, field.name
        serialization = None if info.serialization_alias is None else str.__str__(info.serialization_alias)
        assert field.serialization_alias == serialization, field.name
        assert field.description == (None if info.description is None else str.__str__(info.description))
    assert real.model_validate({"input": 1, "tree": 2}).model_dump_json(by_alias=True) == (
        '{"input":1,"1":2,"second-key":"","full-name":""}'
    )


def test_a_member_of_an_enum_that_is_no_str_is_refused_as_pydantic_refuses_it(tmp_path: Path) -> None:
    source = "import enum\nfrom pydantic import BaseModel, Field\n\n\nclass Colour(enum.Enum):\n    RED = 'red'\n"
    body = "\n\nclass Paint(BaseModel):\n    a: int = Field(alias=Colour.RED)\n"
    (tmp_path / "paint.py").write_text(source + body, encoding="utf-8")
    sink = Sink()
    static.read([tmp_path / "paint.py"], tmp_path, sink)
    assert [d.code for d in sink.items if d.level.value == "error"] == [Code.NON_STATIC]
    with pytest.raises(pydantic_core.SchemaError, match="ValidationAlias"):  # the oracle refuses it too
        exec(compile(source + body, "paint.py", "exec"), {"__name__": "paint"})
