"""frontend: name resolution and class reading, compared with what dspy and pydantic build.

Each case is a small source tree written to a temporary folder. dspygen reads it
statically; the same files are then imported for real and dspy / pydantic say what
the classes are. The two must agree.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import dspy
import pydantic

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import static
from dspygen.ir import nodes
from dspygen.ir import types as t

# dspy still stores `prefix=` (and dspygen mirrors it) but warns that it is deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:The 'prefix' argument:DeprecationWarning")


def write(root: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        paths.append(path)
    return paths


def read(root: Path, files: dict[str, str]) -> tuple[nodes.Schema, Sink]:
    paths = [p for p in write(root, files) if p.suffix == ".py"]
    sink = Sink()
    return static.read(paths, root, sink), sink


def ok(root: Path, files: dict[str, str]) -> nodes.Schema:
    schema, sink = read(root, files)
    assert not sink.has_errors, [(d.code.id, d.message, d.span) for d in sink.items]
    return schema


@pytest.fixture
def importer(tmp_path: Path) -> Iterator[Any]:
    """Import modules from tmp_path for real; forget them afterwards."""
    before = set(sys.modules)
    sys.path.insert(0, str(tmp_path))

    def load(name: str, folder: Path | None = None) -> ModuleType:
        if folder is not None:
            sys.path.insert(0, str(folder))
        importlib.invalidate_caches()
        return importlib.import_module(name)

    yield load
    sys.path[:] = [p for p in sys.path if not p.startswith(str(tmp_path))]
    for name in set(sys.modules) - before:
        del sys.modules[name]


def signature(schema: nodes.Schema, qualname: str) -> nodes.Signature:
    found = [s for s in schema.signatures if s.qualname == qualname]
    assert len(found) == 1, [s.qualname for s in schema.signatures]
    return found[0]


def model(schema: nodes.Schema, qualname: str) -> nodes.Model:
    found = [m for m in schema.models if m.qualname == qualname]
    assert len(found) == 1, [m.qualname for m in schema.models]
    return found[0]


def assert_same_signature(ours: nodes.Signature, real: type[dspy.Signature]) -> None:
    """Field names, order, roles, desc, prefix and instructions as dspy has them."""
    assert [f.name for f in ours.fields if f.role == "input"] == list(real.input_fields)
    assert [f.name for f in ours.fields if f.role == "output"] == list(real.output_fields)
    for f in ours.fields:
        extra = real.fields[f.name].json_schema_extra
        assert (f.desc, f.prefix) == (extra["desc"], extra["prefix"]), f.name
    assert ours.instructions == real.instructions


def assert_same_model(ours: nodes.Model, real: type[pydantic.BaseModel]) -> None:
    """Field names, order, requiredness and aliases as pydantic has them."""
    assert [f.name for f in ours.fields] == list(real.model_fields)
    for f in ours.fields:
        info = real.model_fields[f.name]
        assert (f.default is None) == info.is_required(), f.name
        assert f.alias == info.alias, f.name
        assert f.description == info.description, f.name


# -- how dspy is imported ------------------------------------------------------------

ALIASES = {
    "plain": """
        import dspy

        class QA(dspy.Signature):
            question: str = dspy.InputField()
            answer: str = dspy.OutputField()
    """,
    "from_import_with_aliases": """
        from dspy import Signature, InputField as In, OutputField as Out

        class QA(Signature):
            question: str = In()
            answer: str = Out()
    """,
    "module_alias": """
        import dspy as d

        class QA(d.Signature):
            question: str = d.InputField()
            answer: str = d.OutputField()
    """,
    "submodule_path": """
        import dspy.signatures.signature
        from dspy.signatures.field import InputField, OutputField

        class QA(dspy.signatures.signature.Signature):
            question: str = InputField()
            answer: str = OutputField()
    """,
}


@pytest.mark.parametrize("case", sorted(ALIASES))
def test_dspy_import_aliases(tmp_path: Path, importer: Any, case: str) -> None:
    schema = ok(tmp_path, {f"sig_{case}.py": ALIASES[case]})
    ours = signature(schema, "QA")
    assert [(f.name, f.role) for f in ours.fields] == [("question", "input"), ("answer", "output")]
    assert_same_signature(ours, importer(f"sig_{case}").QA)


def test_a_same_named_class_that_is_not_dspy_is_not_a_signature(tmp_path: Path) -> None:
    schema, _ = read(
        tmp_path,
        {
            "m.py": """
                class Signature:
                    pass

                class NotDspy(Signature):
                    x: str = "a"
            """
        },
    )
    assert schema.signatures == ()


# -- inheritance -----------------------------------------------------------------------

INHERITANCE = {
    "inherit/__init__.py": "",
    "inherit/base.py": '''
        import dspy

        class Documented(dspy.Signature):
            """Answer the question.

                Indented line kept as dspy keeps it.
            """

            question: str = dspy.InputField()
            answer: str = dspy.OutputField(desc="short")

        class Undocumented(dspy.Signature):
            question: str = dspy.InputField()
            answer: str = dspy.OutputField()
    ''',
    "inherit/child.py": '''
        import dspy

        from .base import Documented, Undocumented

        class AddsOutput(Documented):
            reasoning: str = dspy.OutputField(prefix="Why:")

        class AddsInputFirst(Documented):
            context: list[str] = dspy.InputField(desc="passages")

        class Overrides(Documented):
            answer: int = dspy.OutputField(desc="a number")
            extra = dspy.OutputField()

        class OwnDoc(Documented):
            """Own instructions."""

        class FromUndocumented(Undocumented):
            hint: str = dspy.InputField()

        class Grandchild(AddsOutput):
            score: float = dspy.OutputField()
    ''',
}


@pytest.mark.parametrize(
    "qualname",
    [
        "Documented",
        "Undocumented",
        "AddsOutput",
        "AddsInputFirst",
        "Overrides",
        "OwnDoc",
        "FromUndocumented",
        "Grandchild",
    ],
)
def test_subclass_fields_and_docstring_as_dspy(tmp_path: Path, importer: Any, qualname: str) -> None:
    schema = ok(tmp_path, INHERITANCE)
    base = importer("inherit.base")
    child = importer("inherit.child")
    real = getattr(base, qualname, None) or getattr(child, qualname)
    assert_same_signature(signature(schema, qualname), real)


# -- models across modules -------------------------------------------------------------

MODELS = """
    from __future__ import annotations

    from pydantic import BaseModel, Field

    class Citation(BaseModel):
        source_id: int = Field(description="index")
        quote: str

    class Answer(BaseModel):
        text: str
        citations: list[Citation] = Field(default_factory=list)
        best: Citation | None = None
        next: "Answer | None" = Field(None, alias="nextAnswer")
"""
SIGNATURES = """
    import dspy

    {import_line}

    class QA(dspy.Signature):
        question: str = dspy.InputField()
        answer: Answer = dspy.OutputField()
        cited: list[Citation] = dspy.OutputField()
"""


def test_relative_import_in_a_package(tmp_path: Path, importer: Any) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/models.py": MODELS,
        "pkg/signatures.py": SIGNATURES.format(import_line="from .models import Answer, Citation"),
    }
    schema = ok(tmp_path, files)
    qa = signature(schema, "QA")
    answer = model(schema, "Answer")
    assert answer.id == "pkg.models:Answer"
    assert {f.name: f.type for f in qa.fields}["answer"] == t.Named("pkg.models:Answer")
    assert {f.name: f.type for f in qa.fields}["cited"] == t.ListOf(t.Named("pkg.models:Citation"))
    assert_same_signature(qa, importer("pkg.signatures").QA)
    real = importer("pkg.models")
    assert_same_model(answer, real.Answer)
    assert_same_model(model(schema, "Citation"), real.Citation)


def test_sibling_import_without_a_package(tmp_path: Path, importer: Any) -> None:
    files = {
        "app/models.py": MODELS,
        "app/program.py": SIGNATURES.format(import_line="from models import Answer, Citation"),
    }
    schema = ok(tmp_path, files)
    qa = signature(schema, "QA")
    answer = model(schema, "Answer")
    assert {f.name: f.type for f in qa.fields}["answer"] == t.Named(answer.id)
    assert_same_signature(qa, importer("program", tmp_path / "app").QA)
    assert_same_model(answer, importer("models", tmp_path / "app").Answer)


def test_future_annotations_forward_and_self_references(tmp_path: Path, importer: Any) -> None:
    files = {
        "fut.py": """
            from __future__ import annotations

            from typing import Optional

            from pydantic import BaseModel

            class Tree(BaseModel):
                name: str
                children: list[Tree] = []
                parent: Optional[Tree] = None
                leaf: Leaf | None = None

            class Leaf(BaseModel):
                value: "int"
        """,
    }
    schema = ok(tmp_path, files)
    tree = model(schema, "Tree")
    types = {f.name: f.type for f in tree.fields}
    assert types == {
        "name": t.STR,
        "children": t.ListOf(t.Named("fut:Tree")),
        "parent": t.OptionalOf(t.Named("fut:Tree")),
        "leaf": t.OptionalOf(t.Named("fut:Leaf")),
    }
    assert {f.name: f.type for f in model(schema, "Leaf").fields} == {"value": t.Primitive("int")}
    real = importer("fut")
    assert_same_model(tree, real.Tree)
    assert_same_model(model(schema, "Leaf"), real.Leaf)


# -- descriptions from constants -------------------------------------------------------


def test_module_level_string_constants_as_desc(tmp_path: Path, importer: Any) -> None:
    files = {
        "consts.py": '''
            import dspy
            from pydantic import BaseModel, Field

            NOTE = "may contain irrelevant passages"
            TYPED: str = "typed " "and concatenated"
            ANSWER_DESC = """multi
            line"""

            class QA(dspy.Signature):
                context: list[str] = dspy.InputField(desc=NOTE)
                question: str = dspy.InputField(desc=TYPED)
                answer: str = dspy.OutputField(desc=ANSWER_DESC, prefix=TYPED)

            class Doc(BaseModel):
                body: str = Field(description=NOTE)
        ''',
    }
    schema = ok(tmp_path, files)
    qa = signature(schema, "QA")
    assert [f.desc for f in qa.fields] == ["may contain irrelevant passages", "typed and concatenated", "multi\nline"]
    real = importer("consts")
    assert_same_signature(qa, real.QA)
    assert_same_model(model(schema, "Doc"), real.Doc)


def test_string_constant_imported_from_another_module_as_desc(tmp_path: Path, importer: Any) -> None:
    """`from .prompts import NOTE` is as static as a local constant, and common."""
    files = {
        "prompts_pkg/__init__.py": "",
        "prompts_pkg/prompts.py": 'NOTE = "from the prompts module"\n',
        "prompts_pkg/sigs.py": """
            import dspy

            from .prompts import NOTE

            class QA(dspy.Signature):
                question: str = dspy.InputField(desc=NOTE)
                answer: str = dspy.OutputField()
        """,
    }
    schema = ok(tmp_path, files)
    assert_same_signature(signature(schema, "QA"), importer("prompts_pkg.sigs").QA)


def test_constant_is_read_as_it_was_when_the_class_ran(tmp_path: Path, importer: Any) -> None:
    """A constant rebound after the class: dspy saw the first value. Reading the last one
    silently changes the prompt; a diagnostic would do too, a wrong value would not."""
    files = {
        "rebound.py": """
            import dspy

            NOTE = "first"

            class QA(dspy.Signature):
                question: str = dspy.InputField(desc=NOTE)
                answer: str = dspy.OutputField()

            NOTE = "second"
        """,
    }
    schema, sink = read(tmp_path, files)
    # Never the last value: a warning, and the docs keep DSPy's default (the prompt is Python's).
    assert [(d.code, d.level.value) for d in sink.items] == [(Code.NON_STATIC, "warning")]
    question = next(f for f in signature(schema, "QA").fields if f.name == "question")
    assert question.desc == "${question}"


def test_a_non_constant_desc_is_a_warning(tmp_path: Path) -> None:
    _, sink = read(
        tmp_path,
        {
            "dyn.py": """
                import dspy

                def make():
                    return "x"

                class QA(dspy.Signature):
                    question: str = dspy.InputField(desc=make())
                    answer: str = dspy.OutputField()
            """
        },
    )
    # A warning: the desc only feeds the prompt (Python's) and Rust's docs, which leave it out.
    assert not sink.has_errors
    assert [(d.code, d.level.value) for d in sink.items] == [(Code.NON_STATIC, "warning")]


# -- nothing runs --------------------------------------------------------------------


def test_reading_never_executes_user_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    files = {
        "danger.py": f"""
            import sys
            import dspy

            open({str(marker)!r}, "w").write("module body ran")
            sys.exit(3)

            class QA(dspy.Signature):
                open({str(marker)!r}, "w").write("class body ran")
                question: str = dspy.InputField(desc="q")
                answer: str = dspy.OutputField()

            raise SystemExit("never")
        """,
        "danger_pkg/__init__.py": f"""
            import os
            open({str(marker)!r}, "w").write("package init ran")
            os._exit(4)
        """,
        "danger_pkg/models.py": """
            from pydantic import BaseModel

            class Item(BaseModel):
                name: str
        """,
    }
    modules_before = set(sys.modules)
    schema = ok(tmp_path, files)
    assert not marker.exists()
    assert [s.qualname for s in schema.signatures] == ["QA"]
    assert [m.id for m in schema.models] == ["danger_pkg.models:Item"]
    assert not {m for m in set(sys.modules) - modules_before if m.startswith(("danger", "dspy"))}
