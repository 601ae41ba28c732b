"""Differential: the JSON Schema constants dspygen emits against pydantic's `model_json_schema()`.

For every model of every [tool.dspygen] target of this repository (the fixtures), read as
`dspygen build` reads it, lower/json_schema.py's text in each mode must be byte for byte
`json.dumps(Model.model_json_schema(mode=...))` of the real class (key order included), and the
generated crate must hold that text as the model's `JSON_SCHEMA` / `JSON_SCHEMA_SERIALIZATION`.
The models whose schema dspygen cannot know (warning DSG039: no constants) are listed in
NO_CONSTANT, each with why; one appearing or disappearing fails the test. The counts are
printed at the end (with -s).

Every signature side the same way (`<Sig>Input` / `<Sig>Output`, named as the generated struct):
its constants must be `json.dumps` of `pydantic.create_model("<Sig>Input", **{name: (f.annotation, f)
for name, f in Sig.input_fields.items()}).model_json_schema(mode=...)` (`output_fields` for the
outputs), `Sig` the real signature (a string signature built by `dspy.Signature(text,
custom_types=...)` as the runtime builds it); the sides without constants are in SIDE_NO_CONSTANT.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from dspygen import pipeline
from dspygen.config import load_targets
from dspygen.diagnostics import Code, Sink, render
from dspygen.frontend import static
from dspygen.ir import nodes
from dspygen.lower import json_schema
from dspygen.lower.literals import rust_raw_str

ROOT = Path(__file__).resolve().parents[2]
MODES = ("validation", "serialization")
# Models whose JSON Schema depends on what dspygen does not compute: (target, model id) -> why.
NO_CONSTANT = {
    ("dspy_types_rs", "dspy_types.signatures:Attachment"): "dspy.Image: DSPy's own classes are not covered",
    ("mapped_rs", "mapped.models:Invoice"): "a class mapped to a Rust type of the user's",
    ("realworld_rs", "realworld.models:Owner"): "a TypeAliasType alias (pydantic gives it a $defs entry)",
    ("realworld_rs", "realworld.models:Event"): "a default computed at import (`datetime.now()`)",
}
# Signature sides without constants: (target, signature qualname) -> why (both sides, or the role named).
_STRING_INPUT = "an input of the string signature it derives from (IS_TYPE_UNDEFINED: false)"
SIDE_NO_CONSTANT = {
    ("transforms_rs", "Keywords", "output"): "a field added with `description=`",
    ("transforms_rs", "StringAppended", "input"): _STRING_INPUT,
    ("dspy_types_rs", "WriteCode"): "dspy.History, dspy.Code",
    ("dspy_types_rs", "PlanTools"): "dspy.Image, dspy.ToolCalls",
    ("dspy_types_rs", "Transcribe"): "dspy.Audio, dspy.Reasoning",
    ("dspy_types_rs", "describe", "input"): "dspy.Image",
    ("realworld_rs", "Triage", "input"): "Owner (a TypeAliasType alias)",
    ("realworld_rs", "Recall"): "Event (a default computed at import)",
}
COUNTS: dict[str, int] = {"compared": 0, "mismatches": 0, "dict-equal only": 0, "no constant": 0}
SIDE_COUNTS: dict[str, int] = {"compared": 0, "mismatches": 0, "no constant": 0}


def _loaded() -> list[tuple[str, nodes.Schema, Path]]:
    sink = Sink()
    out = []
    for target in load_targets(ROOT / "pyproject.toml", "pyproject.toml", sink):
        schema = pipeline.read_target(target, ROOT, sink)
        out.append((target.crate_name, schema, target.out))
    assert not sink.has_errors, [render(d) for d in sink.items]
    return out


LOADED = _loaded()
CASES = [
    pytest.param(crate, schema, out, m, id=f"{crate}:{m.qualname}")
    for crate, schema, out in LOADED
    for m in schema.models
]


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    print("\n[json schema] " + ", ".join(f"{n} {what}" for what, n in COUNTS.items()))
    print("[json schema, signature sides] " + ", ".join(f"{n} {what}" for what, n in SIDE_COUNTS.items()))


def _import(module: str, qualname: str) -> Any:
    __import__(module)
    obj: Any = sys.modules[module]
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def python_class(schema: nodes.Schema, model: nodes.Model) -> type[BaseModel]:
    """The pydantic class of `model`; a generic instantiation (`Page[Item]`) built as the bindings build it."""
    for source in schema.sources:
        root = str((ROOT / source.root).resolve())
        if root not in sys.path:
            sys.path.insert(0, root)
    if model.generic_origin:
        from dspygen.lower.generics import Instances

        obj: Any = eval(Instances(schema).python_expr(model), {"_class": _import}, {})
    else:
        obj = _import(model.module, model.qualname)
    assert isinstance(obj, type) and issubclass(obj, BaseModel), obj
    return obj


def _constants(out: Path) -> str:
    return (out / "src" / "models.rs").read_text(encoding="utf-8")


@pytest.mark.parametrize(("crate", "schema", "out", "model"), CASES)
def test_schema_equals_pydantic(crate: str, schema: nodes.Schema, out: Path, model: nodes.Model) -> None:
    cls = python_class(schema, model)
    try:
        ours = json_schema.schema_texts(schema, model)
    except json_schema.Unknown:
        COUNTS["no constant"] += 1
        assert (crate, model.id) in NO_CONSTANT, f"{model.id}: no constant, and NO_CONSTANT does not list it"
        return
    assert (crate, model.id) not in NO_CONSTANT, f"{model.id} has constants now: remove it from NO_CONSTANT"
    problems = []
    for mode, text in zip(MODES, ours, strict=True):
        COUNTS["compared"] += 1
        expected = json.dumps(cls.model_json_schema(mode=mode))
        if text != expected:
            COUNTS["mismatches"] += 1
            COUNTS["dict-equal only"] += json.loads(text) == json.loads(expected)
            problems.append(f"{mode}:\n  pydantic: {expected}\n  dspygen:  {text}")
    assert not problems, "\n".join(problems)
    generated = _constants(out)
    assert f"JSON_SCHEMA: &'static str = {rust_raw_str(ours[0])};" in generated
    second = "Self::JSON_SCHEMA" if ours[0] == ours[1] else rust_raw_str(ours[1])
    assert f"JSON_SCHEMA_SERIALIZATION: &'static str = {second};" in generated


def test_every_constant_in_the_generated_crates_is_valid_json() -> None:
    found = 0
    for _, _, out in LOADED:
        for path in ("models.rs", "signatures.rs"):
            text = (out / "src" / path).read_text(encoding="utf-8")
            for raw in re.findall(r'JSON_SCHEMA(?:_SERIALIZATION)?: &\'static str =\s+r(#+)"(.*?)"\1;', text):
                json.loads(raw[1])
                found += 1
    assert found > 200


# -- signature sides ---------------------------------------------------------------------------


def _side_names() -> dict[tuple[str, str], tuple[str, str]]:
    """(target, signature id) -> the generated side structs' names, as the crate names them."""
    from dspygen.lower.crate import CrateOptions, lower

    sink = Sink()
    out = {}
    for target in load_targets(ROOT / "pyproject.toml", "pyproject.toml", sink):
        schema = next(s for crate, s, _ in LOADED if crate == target.crate_name)
        options = CrateOptions(target.crate_name, "out", target.module_name, {m.python: m.rust for m in target.types})
        view = lower(schema, options, sink)
        for sig, sv in zip(schema.signatures, view.signatures, strict=True):
            out[target.crate_name, sig.id] = (sv.input.ident, sv.output.ident)
    return out


SIDE_NAMES = _side_names()
SIDE_CASES = [
    pytest.param(crate, schema, out, sig, role, id=f"{crate}:{sig.qualname}:{role}")
    for crate, schema, out in LOADED
    for sig in schema.signatures
    for role in ("input", "output")
]


def python_signature(schema: nodes.Schema, sig: nodes.Signature) -> Any:
    """The real DSPy signature: a class (or derived signature) imported, a string one built."""
    import dspy

    for source in schema.sources:
        root = str((ROOT / source.root).resolve())
        if root not in sys.path:
            sys.path.insert(0, root)
    if sig.form != "string":
        return _import(sig.module, sig.qualname)
    customs = {}
    for c in sig.custom_types:
        decl = schema.declaration(c.ref)
        customs[c.name] = _import(decl.module, decl.qualname)
    return dspy.Signature(sig.text, custom_types=customs)


@pytest.mark.parametrize(("crate", "schema", "out", "sig", "role"), SIDE_CASES)
def test_signature_side_schema_equals_pydantic(
    crate: str, schema: nodes.Schema, out: Path, sig: nodes.Signature, role: str
) -> None:
    from pydantic import create_model

    name = SIDE_NAMES[crate, sig.id][role == "output"]
    listed = (crate, sig.qualname) in SIDE_NO_CONSTANT or (crate, sig.qualname, role) in SIDE_NO_CONSTANT
    generated = (out / "src" / "signatures.rs").read_text(encoding="utf-8")
    block = re.search(rf"^impl {name} \{{\n(.*?)^\}}", re.sub(r"=\n\s+", "= ", generated), re.M | re.S)
    try:
        ours = json_schema.side_texts(schema, sig, role, name)
    except json_schema.Unknown:
        SIDE_COUNTS["no constant"] += 1
        assert listed, f"{name}: no constant, and SIDE_NO_CONSTANT does not list it"
        assert block is None
        return
    assert not listed, f"{name} has constants now: remove it from SIDE_NO_CONSTANT"
    cls = python_signature(schema, sig)
    fields = cls.input_fields if role == "input" else cls.output_fields
    model = create_model(name, **{n: (f.annotation, f) for n, f in fields.items()})
    problems = []
    for mode, text in zip(MODES, ours, strict=True):
        SIDE_COUNTS["compared"] += 1
        expected = json.dumps(model.model_json_schema(mode=mode))
        if text != expected:
            SIDE_COUNTS["mismatches"] += 1
            problems.append(f"{mode}:\n  pydantic: {expected}\n  dspygen:  {text}")
    assert not problems, "\n".join(problems)
    assert block is not None, f"no `impl {name}` in signatures.rs"
    assert f"JSON_SCHEMA: &'static str = {rust_raw_str(ours[0])};" in block[1]
    second = "Self::JSON_SCHEMA" if ours[0] == ours[1] else rust_raw_str(ours[1])
    assert f"JSON_SCHEMA_SERIALIZATION: &'static str = {second};" in block[1]


# -- what the fixtures do not hold: read from source, compared with the class itself -----------

SNIPPETS = {
    "field_schema_keys": """
        from typing import Optional
        from pydantic import BaseModel, ConfigDict, Field

        class Item(BaseModel):
            \"\"\"An item.\"\"\"

            name: str = Field(title="The name", examples=["a", "b"], deprecated=True)
            count: int = Field(3, json_schema_extra={"x-unit": "pieces", "minimum": 1})
            parent: Optional["Item"] = Field(None, description="The parent")
            model_config = ConfigDict(title="Thing", json_schema_extra={"x-kind": "item"})
        """,
    "recursion_and_factories": """
        from pydantic import BaseModel, Field

        class Node(BaseModel):
            children: list["Node"] = Field(default_factory=list)
            label: str = Field(default_factory=lambda: "root")
            weight: float = 1
        """,
    "config_str_lengths": """
        import pathlib
        from pydantic import BaseModel, ConfigDict, EmailStr, NameEmail, SecretStr

        class Base(BaseModel):
            model_config = ConfigDict(str_min_length=2, str_max_length=9)

        class Contact(Base):
            email: EmailStr
            named: NameEmail
            secret: SecretStr
            path: pathlib.Path
            tags: dict[str, list[str]] = {}
        """,
    "many_constructs": """
        import enum
        from decimal import Decimal
        from typing import Annotated, Literal, Union, Optional
        from pydantic import BaseModel, ConfigDict, Field

        class Color(str, enum.Enum):
            RED = "red"
            BLUE = "blue"

        class Level(enum.IntEnum):
            LOW = 1
            HIGH = 2

        class Cat(BaseModel):
            pet_type: Literal["cat"] = Field(alias="petType")
            lives: int = 9

        class Dog(BaseModel):
            pet_type: Literal["dog", "puppy"] = Field(alias="petType")

        class Box(BaseModel):
            model_config = ConfigDict(extra="forbid", ser_json_bytes="base64")
            color: Color = Color.RED
            level: Level = Level.HIGH
            lit: Literal[1, "a", None] = None
            pet: Union[Cat, Dog] = Field(discriminator="pet_type")
            maybe_pet: Optional[Union[Cat, Dog]] = Field(None, discriminator="pet_type")
            price: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)
            blob: bytes
            pair: tuple[int, str] = (1, "a")
            rest: tuple[int, ...] = ()
            tags: set[str]
            by_id: dict[int, str] = {}
            by_color: dict[Color, int] = {}
            name: Annotated[str, Field(min_length=1, max_length=5, pattern="^a")] = "a"
            nums: list[float] = Field(default=[1.5], min_length=1)
            ratio: float = Field(0.5, ge=0, lt=1, multiple_of=0.25)
            nested: Cat
            kw_title: int = Field(1, title="Custom")
            empty: dict[str, list[int]] = {}
            mixed: Union[int, str, None] = 3
        """,
}


def _read(tmp_path: Path, name: str, source: str) -> tuple[nodes.Schema, dict[str, Any], Sink]:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    sink = Sink()
    schema = static.read([path], tmp_path, sink)
    assert not sink.has_errors, [render(d) for d in sink.items]
    namespace: dict[str, Any] = {"__name__": name}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return schema, namespace, sink


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_schema_equals_pydantic(tmp_path: Path, name: str) -> None:
    schema, namespace, _ = _read(tmp_path, name, SNIPPETS[name])
    assert schema.models
    for model in schema.models:
        cls = namespace[model.qualname]
        cls.model_rebuild(_types_namespace=namespace)
        ours = json_schema.schema_texts(schema, model)
        for mode, text in zip(MODES, ours, strict=True):
            assert text == json.dumps(cls.model_json_schema(mode=mode)), (model.qualname, mode)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("x: int = Field(json_schema_extra=lambda s: None)", "`json_schema_extra=`"),
        ("x: int = Field(examples=EXAMPLES)", "`examples=`"),
        ("x: int = Field(0, example=1)", "the extra keyword `example=`"),
        ("model_config = ConfigDict(use_attribute_docstrings=True)", "model_config `use_attribute_docstrings`"),
        ("model_config = ConfigDict(json_schema_extra=lambda s: None)", "model_config `json_schema_extra`"),
    ],
)
def test_what_dspygen_cannot_read_leaves_the_constant_out(tmp_path: Path, source: str, why: str) -> None:
    text = f"""
        from pydantic import BaseModel, ConfigDict, Field

        EXAMPLES = [1, 2]

        class M(BaseModel):
            {source}
        """
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    sink = Sink()
    schema = static.read([path], tmp_path, sink)
    (model,) = schema.models
    with pytest.raises(json_schema.Unknown, match=re.escape(why)):
        json_schema.schema_texts(schema, model)


def test_the_warning_names_the_model(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("from pydantic import BaseModel, Field\n\nclass M(BaseModel):\n    x: int = Field(example=1)\n")
    from dspygen.lower.crate import CrateOptions, lower

    sink = Sink()
    schema = static.read([path], tmp_path, sink)
    options = CrateOptions("m_rs", "out", "m_rs")
    view = lower(schema, options, sink)
    warnings = [d for d in sink.items if d.code == Code.JSON_SCHEMA]
    assert len(warnings) == 1 and "`M` gets no JSON_SCHEMA constants" in warnings[0].message
    assert all(not s.json_schema for s in view.models)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ('x: str = dspy.InputField(description="The x")', "`description=` given"),
        ('x: str = dspy.InputField(alias="y")', "`alias=` given"),
        ("x: str = dspy.InputField(format=str)", "`format=` given"),
        ('x: str = dspy.InputField(desc=f"{WORDS}")', "a `desc` that is not a static string"),
    ],
)
def test_what_dspygen_cannot_read_leaves_the_side_constant_out(tmp_path: Path, source: str, why: str) -> None:
    text = f"""
        import dspy

        WORDS = ", ".join(["a", "b"])

        class S(dspy.Signature):
            {source}
            y_out: str = dspy.OutputField()
        """
    path = tmp_path / "s.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    sink = Sink()
    schema = static.read([path], tmp_path, sink)
    (sig,) = schema.signatures
    with pytest.raises(json_schema.Unknown, match=re.escape(why)):
        json_schema.side_texts(schema, sig, "input", "SInput")
    json_schema.side_texts(schema, sig, "output", "SOutput")
