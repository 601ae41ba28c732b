"""DSPy's own types (dspy.Image, Code["python"], ToolCalls, ...): how the static frontend
recognises them by import, what lowering makes of them, and that the hand-written Rust side
(templates/src/dspy_types.rs.j2) still has the fields of the installed dspy."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest

from dspygen.diagnostics import Code, Sink, Span
from dspygen.frontend import static
from dspygen.ir import dump, nodes
from dspygen.ir import types as t
from dspygen.lower import dspy_types
from dspygen.lower.crate import CrateOptions, lower

ROOT = Path(__file__).resolve().parents[2]


def read(tmp_path: Path, source: str) -> tuple[nodes.Schema, Sink]:
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    sink = Sink()
    return static.read([path], tmp_path, sink), sink


def test_recognised_by_import_in_every_spelling(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        """
        import dspy
        import dspy as d
        from dspy import History, Code
        from dspy.adapters.types import Image as Picture
        from dspy.adapters.types.tool import ToolCalls
        from pydantic import BaseModel

        class M(BaseModel):
            a: dspy.Image
            b: Picture
            c: d.Audio | None
            d: list[History]
            e: Code["python"]
            f: dspy.Code
            g: dict[str, ToolCalls.ToolCall]
            h: dspy.ToolCallResults.ToolCallResult
            i: d.adapters.File
            j: "dspy.Reasoning"
        """,
    )
    assert not sink.items
    types = [f.type for f in schema.models[0].fields]
    assert types == [
        t.DspyType("Image"),
        t.DspyType("Image"),
        t.OptionalOf(t.DspyType("Audio")),
        t.ListOf(t.DspyType("History")),
        t.DspyType("Code", "python"),
        t.DspyType("Code"),
        t.DictOf(t.STR, t.DspyType("ToolCalls.ToolCall")),
        t.DspyType("ToolCallResults.ToolCallResult"),
        t.DspyType("File"),
        t.DspyType("Reasoning"),
    ]
    assert [t.shown(x) for x in types[4:6]] == ["dspy.Code['python']", "dspy.Code"]


def test_a_users_own_class_named_image_is_not_dspys(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        """
        from pydantic import BaseModel

        class Image(BaseModel):
            url: str

        class M(BaseModel):
            a: Image
        """,
    )
    assert not sink.items
    assert schema.models[1].fields[0].type == t.Named("m:Image")


@pytest.mark.parametrize(
    ("annotation", "code"),
    [
        ("dspy.Tool", Code.DSPY_TOOL),
        ("list[dspy.Tool]", Code.DSPY_TOOL),
        ("dspy.Code[1]", Code.BAD_TYPE_ARGS),
        ('dspy.Code["a", "b"]', Code.BAD_TYPE_ARGS),
        ('dspy.Code["py\\"thon"]', Code.BAD_TYPE_ARGS),  # it lands in generated Rust and Python
        ('dspy.Code[""]', Code.BAD_TYPE_ARGS),
    ],
)
def test_what_cannot_be_mapped_is_a_diagnostic(tmp_path: Path, annotation: str, code: Code) -> None:
    _, sink = read(
        tmp_path,
        f"""
        import dspy

        class S(dspy.Signature):
            x: {annotation} = dspy.InputField()
            y: str = dspy.OutputField()
        """,
    )
    assert [d.code for d in sink.items] == [code]
    assert sink.items[0].hint


def test_two_languages_with_one_rust_name_are_reported(tmp_path: Path) -> None:
    schema, sink = read(
        tmp_path,
        """
        import dspy

        class S(dspy.Signature):
            x: dspy.Code["python"] = dspy.InputField()
            y: dspy.Code["Python"] = dspy.OutputField()
        """,
    )
    assert not sink.items
    lower(schema, CrateOptions("c", "out", "c"), sink)
    assert [d.code for d in sink.items] == [Code.NAME_COLLISION]


def test_ir_dump_and_load_keep_them(tmp_path: Path) -> None:
    schema, _ = read(
        tmp_path,
        """
        import dspy

        class S(dspy.Signature):
            x: list[dspy.Image] = dspy.InputField()
            y: dspy.Code["rust"] | None = dspy.OutputField()
        """,
    )
    text = dump.to_json(schema)
    assert '"kind": "dspy"' in text
    assert dump.load(text) == schema


def test_lowering_names_and_entries() -> None:
    assert dspy_types.rust_type(t.DspyType("ToolCalls.ToolCall")).render() == "::dspygen_runtime::dspy_types::ToolCall"
    code = dspy_types.rust_type(t.DspyType("Code", "python"))
    assert code.render() == "::dspygen_runtime::dspy_types::Code<crate::lang::Python>"
    assert code.shown() == "dspy_types::Code<lang::Python>"
    needs: set[str] = set()
    dspy_types.needs(t.ListOf(t.DspyType("Code", "python")), needs, Span("m.py", 1, 1), Sink())
    assert dspy_types.validated(t.ListOf(t.DspyType("Code", "python")))
    assert not dspy_types.validated(t.DspyType("Code"))
    types, classes = dspy_types.entries(needs)
    assert [e.plain_name for e in types] == ["dspy.Code['python']"]
    assert [(c.module, c.qualname) for c in classes] == [('"dspy.adapters.types.code"', '"Code_python"')]
    assert "json" in needs  # serde_json's preserve_order: JSON objects keep Python's key order


# The fields the hand-written Rust types have (runtime/src/dspy_types.rs).
RUST_FIELDS = {
    "Image": ["url"],
    "Audio": ["data", "audio_format"],
    "File": ["file_data", "file_id", "filename"],
    "History": ["messages"],
    "Code": ["code"],
    "Reasoning": ["content"],
    "ToolCalls": ["tool_calls", "tool_call_results"],
    "ToolCalls.ToolCall": ["id", "name", "args"],
    "ToolCallResults": ["tool_call_results"],
    "ToolCallResults.ToolCallResult": ["call_id", "name", "value", "is_error"],
}

INSTALLED = """
import json, dspy
out = {"version": dspy.__version__, "classes": {}}
for name in NAMES:
    cls = dspy
    for part in name.split("."):
        cls = getattr(cls, part)
    out["classes"][name] = {"fields": list(cls.model_fields), "module": cls.__module__}
cot = dspy.ChainOfThought("question -> answer")
out["reasoning"] = repr(cot.predict.signature.output_fields["reasoning"].annotation)
print(json.dumps(out))
"""


def test_the_rust_side_has_the_fields_of_the_installed_dspy() -> None:
    """In a subprocess: the generator itself never imports dspy (test_layers.py)."""
    code = f"NAMES = {sorted(RUST_FIELDS)!r}\n{INSTALLED}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    found = json.loads(done.stdout)
    assert set(RUST_FIELDS) == set(typing.get_args(t.DspyTypeName))
    modules: dict[str, str] = {str(k): v for k, v in dspy_types.MODULES.items()}
    for name, fields in RUST_FIELDS.items():
        assert found["classes"][name]["fields"] == fields, name
        assert found["classes"][name]["module"] == modules[name], name
    source = (ROOT / "runtime" / "src" / "dspy_types.rs").read_text(encoding="utf-8")
    for fields in RUST_FIELDS.values():
        for field in fields:
            assert f"pub {field}:" in source, field
    # ChainOfThought's own `reasoning` is a str (not dspy.Reasoning): runtime/src/modules.rs reads a String.
    assert found["reasoning"] == "<class 'str'>"
    assert found["version"].split(".")[:2] == dspy_types.DSPY_VERSION.split(".")[:2]
