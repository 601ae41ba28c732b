"""The routes into Python (runtime `construct.rs`): a model built directly (its docs say so)
reaches Python without any `model_validate` call, a live class that no longer matches what was
generated (here: a field validator added after generation) is validated, and a tree of
validated models is validated once, by the outermost.

Each case runs in a fresh interpreter: the route is decided once per process, from the class
the first conversion finds. Calls are observed with `sys.setprofile` (every Python function
call, `model_validate` included), not by replacing anything of pydantic's. Needs config_rs and
constraints_rs (`make bindings`). That both routes build equal instances is proven over every model by
test_every_model_differential.py (`roundtrip_validated`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import support

GENERATED = Path(support.__file__).resolve().parents[2] / "generated" / "crates" / "config_rs" / "src" / "models.rs"

PRELUDE = """
import json, sys
import config_rs
from config import models

calls = []

def count(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "model_validate":
        calls.append(frame.f_code.co_filename)

def validations(convert, instance):
    calls.clear()
    sys.setprofile(count)
    try:
        back = convert(instance)
    finally:
        sys.setprofile(None)
    return back, len(calls)
"""

UNCHANGED = (
    PRELUDE
    + """
given = models.Aliased.model_validate({"plain": 1, "userId": 2, "fullName": "ada", "score": 1.5})
direct, direct_calls = validations(config_rs.roundtrip, given)
validated, validated_calls = validations(config_rs.roundtrip_validated, given)
print(json.dumps([direct == given, validated == given, direct_calls, validated_calls]))
"""
)

EDITED = (
    PRELUDE
    + """
from pydantic import field_validator

class Aliased(models.Aliased):
    @field_validator("full_name")
    @classmethod
    def exclaim(cls, value: str) -> str:
        return value + "!"

Aliased.__module__, Aliased.__qualname__ = "config.models", "Aliased"
models.Aliased = Aliased  # the class the bindings find is no longer the one they were generated from
given = Aliased.model_validate({"plain": 1, "userId": 2, "fullName": "ada", "score": 1.5})
back, back_calls = validations(config_rs.roundtrip, given)
print(json.dumps([type(back) is Aliased, back.full_name, back.user_id, back_calls]))
"""
)


# constraints.models.Order: validated (constraints), holding three validated models.
ORDER = (
    '{"numbers":{"positive":1,"percent":100,"even":6,"step":5,"big":18446744073709551615,"ratio":0.5,'
    '"scale":1.25,"tenth":1.2,"finite":1.5,"price":"1.5","rate":"1.5","count":1000,"weight":1.5,"maybe":null},'
    '"texts":{"name":"name","code":"AAA-00","slug":"aa","shout":"SHOUT","word":"a","short":"sho","blob":"b",'
    '"note":null},"collections":{"tags":["t"],"ids":[],"scores":{},"pair":[29,29],"items":[36],"positives":[],'
    '"counts":{},"names":[],"lowered":[],"point":[0,"po"],"maybe_tags":null,"by_code":{},"by_rank":{}},'
    '"quantity":99}'
)
NESTED = PRELUDE.replace("import config_rs", "import constraints_rs").replace("from config", "from constraints") + (
    f"given = models.Order.model_validate_json({ORDER!r})\n"
    "tree, tree_calls = validations(constraints_rs.roundtrip, given)\n"
    "alone, alone_calls = validations(constraints_rs.roundtrip_validated, given)\n"
    "print(json.dumps([tree == given, alone == given, tree_calls, alone_calls]))\n"
)


def _run(script: str) -> list[object]:
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=support.FIXTURES,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(result, list)
    return result


def test_the_docs_name_the_direct_route() -> None:
    text = GENERATED.read_text()
    head = text[: text.index("pub struct Aliased")]
    assert "Into Python: built without validating again" in head.rsplit("pub struct", 1)[-1]


def test_a_direct_model_is_not_validated_again() -> None:
    direct_equal, validated_equal, direct_calls, validated_calls = _run(UNCHANGED)
    assert direct_equal and validated_equal
    assert direct_calls == 0
    assert validated_calls == 1


def test_a_class_changed_since_generation_is_validated() -> None:
    same_class, full_name, user_id, calls = _run(EDITED)
    assert same_class and user_id == 2
    assert full_name == "ada!!"  # read back as "ada!", then validated again: the validator ran
    assert calls == 1


def test_a_tree_of_validated_models_is_validated_once() -> None:
    tree_equal, alone_equal, tree_calls, alone_calls = _run(NESTED)
    assert tree_equal and alone_equal
    assert tree_calls == 1  # the outermost model validates the data of the three inside it
    assert alone_calls == 4


def test_the_differential_comparison_sees_what_a_wrong_construction_would_change() -> None:
    """support.same_instance, which holds `roundtrip` to `roundtrip_validated`: every way a
    direct build could go wrong is a difference (checked on pydantic's own instances)."""
    from pydantic import BaseModel

    class Inner(BaseModel):
        word: str = "a"

    class Outer(BaseModel):
        pair: tuple[int, int] = (1, 2)
        inner: Inner = Inner()
        table: dict[str, int] = {"x": 1, "y": 2}

    good = Outer.model_validate({"pair": [1, 2], "inner": {"word": "a"}, "table": {"x": 1, "y": 2}})
    assert support.same_instance(good, Outer.model_validate(good.model_dump())) == ""
    fields = {"pair": (1, 2), "inner": Inner(word="a"), "table": {"x": 1, "y": 2}}
    assert support.same_instance(good, Outer.model_construct(**fields)) == ""
    wrong = {
        "a list for a tuple": Outer.model_construct(**{**fields, "pair": [1, 2]}),
        "a dict for a model": Outer.model_construct(**{**fields, "inner": {"word": "a"}}),
        "keys out of order": Outer.model_construct(**{**fields, "table": {"y": 2, "x": 1}}),
        "fewer fields set": Outer.model_construct(pair=(1, 2), inner=Inner(word="a")),
        "a nested model with fewer fields set": Outer.model_construct(**{**fields, "inner": Inner()}),
        "a float for an int": Outer.model_construct(**{**fields, "table": {"x": 1.0, "y": 2}}),
    }
    for what, built in wrong.items():
        assert support.same_instance(good, built), what
