"""The static frontend executes nothing: source files whose import would write a file, exit,
loop forever, import a module doing so, define a module `__getattr__` or a metaclass with side
effects are read like any other. `dspygen build` and `dspygen schema` finish quickly, with the
exit code the declarations call for and no side effect (no file created but the output)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import assert_clean_failure, dspygen, files_under

# Each writes MARKER (an absolute path in the test's folder) when it runs.
PAYLOADS = {
    "writes_a_file": """
        open(MARKER, "w").write("ran")
    """,
    "exits": """
        import sys
        open(MARKER, "w").write("ran")
        sys.exit(3)
    """,
    "loops_forever": """
        while True:
            pass
    """,
    "raises_at_import": """
        open(MARKER, "w").write("ran")
        raise SystemExit("imported")
    """,
    "os_exit": """
        import os
        open(MARKER, "w").write("ran")
        os._exit(4)
    """,
    "module_getattr": """
        def __getattr__(name):
            open(MARKER, "w").write("ran " + name)
            raise SystemExit(5)
    """,
    "metaclass": """
        class Meta(type(BaseModel)):
            def __new__(mcs, name, bases, ns, **kw):
                open(MARKER, "w").write("ran")
                return super().__new__(mcs, name, bases, ns, **kw)


        class Sneaky(BaseModel, metaclass=Meta):
            value: int = 0
    """,
    "class_body": """
        class Body(BaseModel):
            open(MARKER, "w").write("ran")
            value: int = 0
    """,
    "decorated_and_default_factory": """
        def record(cls):
            open(MARKER, "w").write("ran")
            return cls


        @record
        class Decorated(BaseModel):
            value: int = 0
    """,
    "annotations_evaluated": """
        class Lazy(BaseModel):
            value: "__import__('os').system('touch ' + MARKER) or int" = 0
    """,
}

HEADER = """\
import dspy
from pydantic import BaseModel, Field

MARKER = {marker!r}
"""

DECLARATIONS = """

class Answer(BaseModel):
    text: str = Field(description="the answer")


class QA(dspy.Signature):
    \"\"\"Answer the question.\"\"\"

    question: str = dspy.InputField()
    answer: Answer = dspy.OutputField()
"""


def write_case(folder: Path, name: str) -> tuple[Path, Path]:
    marker = folder / "MARKER"
    payload = textwrap.dedent(PAYLOADS[name])
    source = folder / "signatures.py"
    source.write_text(HEADER.format(marker=str(marker)) + payload + DECLARATIONS, encoding="utf-8")
    return source, marker


# The forward reference in `annotations_evaluated` is not a type dspygen can resolve: DSG011.
EXPECTED_EXIT = {"annotations_evaluated": 1}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_top_level_code_never_runs(name: str, tmp_path: Path) -> None:
    source, marker = write_case(tmp_path, name)
    before = files_under(tmp_path)
    out = tmp_path / "out"

    schema = dspygen("schema", str(source), cwd=tmp_path, timeout=30)
    built = dspygen("build", str(source), "--out", str(out), "--crate-name", "safe_rs", cwd=tmp_path, timeout=30)
    checked = dspygen("check", str(source), "--out", str(out), "--crate-name", "safe_rs", cwd=tmp_path, timeout=30)

    assert not marker.exists(), f"{name}: the source ran: {marker.read_text()}"
    after = {rel: data for rel, data in files_under(tmp_path).items() if not rel.startswith("out/")}
    assert after == before, f"{name}: files changed outside the output: {sorted(set(after) ^ set(before))}"
    expected = EXPECTED_EXIT.get(name, 0)
    for done in (schema, built, checked):
        assert "Traceback" not in done.stdout + done.stderr
        assert done.returncode == expected, done.stdout + done.stderr
    if expected == 0:
        assert '"qualname": "Answer"' in schema.stdout
        assert (out / "src" / "models.rs").is_file()
    else:
        assert_clean_failure(built, "DSG011")
        assert not out.exists()


def test_imported_module_with_side_effects_is_read_not_run(tmp_path: Path) -> None:
    """The models live in a module whose import exits and writes: given to dspygen too, it
    is parsed; `signatures.py` imports it (relatively and absolutely) without running it."""
    package = tmp_path / "app"
    package.mkdir()
    marker = tmp_path / "MARKER"
    (package / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('package ran')\n", encoding="utf-8")
    (package / "evil.py").write_text(
        textwrap.dedent(
            f"""
            import sys
            from pydantic import BaseModel

            open({str(marker)!r}, "w").write("evil ran")
            sys.exit(7)


            class Answer(BaseModel):
                text: str
            """
        ),
        encoding="utf-8",
    )
    (package / "signatures.py").write_text(
        textwrap.dedent(
            """
            import dspy
            import app.evil
            from .evil import Answer


            class QA(dspy.Signature):
                question: str = dspy.InputField()
                answer: Answer = dspy.OutputField()
                again: app.evil.Answer = dspy.OutputField()
            """
        ),
        encoding="utf-8",
    )
    before = files_under(tmp_path)
    sources = [str(package / "evil.py"), str(package / "signatures.py")]
    out = tmp_path / "out"
    schema = dspygen("schema", *sources, cwd=tmp_path, timeout=30)
    built = dspygen("build", *sources, "--out", str(out), "--crate-name", "safe_rs", cwd=tmp_path, timeout=30)
    assert not marker.exists()
    assert schema.returncode == 0 and built.returncode == 0, schema.stderr + built.stderr
    assert '"module": "app.evil"' in schema.stdout
    after = {rel: data for rel, data in files_under(tmp_path).items() if not rel.startswith("out/")}
    assert after == before


def test_an_import_of_a_file_not_given_is_followed_by_reading_not_importing(tmp_path: Path) -> None:
    """`from evil import Answer` where evil.py is not given: import following parses evil.py
    (which defines no class Answer: reported), and never imports it."""
    marker = tmp_path / "MARKER"
    (tmp_path / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n", encoding="utf-8")
    source = tmp_path / "signatures.py"
    source.write_text(
        textwrap.dedent(
            """
            import dspy
            from evil import Answer


            class QA(dspy.Signature):
                question: str = dspy.InputField()
                answer: Answer = dspy.OutputField()
            """
        ),
        encoding="utf-8",
    )
    done = dspygen("build", str(source), "--out", str(tmp_path / "out"), "--crate-name", "safe_rs", cwd=tmp_path)
    assert not marker.exists()
    assert_clean_failure(done, "DSG011")
    assert "evil.py defines no class `Answer`" in done.stderr
    assert not (tmp_path / "out").exists()
