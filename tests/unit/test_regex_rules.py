"""Patterns are decided as pydantic decides them (issue 17): pydantic-core compiles `pattern=`
with the Rust `regex` crate, so it is the oracle; the rules used without it must agree with it."""

from __future__ import annotations

import pytest
from pydantic_core import SchemaError, SchemaValidator, core_schema

from dspygen.frontend import regex_rules

# Patterns real code writes, and the ones where Python's `re` and the crate disagree.
PATTERNS = [
    # the crate refuses (Python's re takes them): the generated Regex::new would panic at run time
    r"\Z",
    r"a{,3}",
    r"(?a)x",
    r"(?#comment)x",
    r"[\b]",
    r"\N{EM DASH}",
    r"\0",
    r"\d{1,99999}",
    r"^(?=.*\d).{8,}$",
    r"(a)\1",
    r"(?L)a",
    r"(?>a)",
    # the crate takes (Python's re refuses some): pydantic builds the model
    r"\z",
    r"\p{L}+",
    r"(?<name>a)",
    r"(?P<name>a)",
    r"(?i)abc",
    r"(?x: a b )",
    r"\A\w+\z",
    r"^[a-z0-9_-]{3,16}$",
    r"^\+?[1-9]\d{1,14}$",
    r"^[\w.-]+@[\w-]+\.[\w.]+$",
    r"^#[0-9a-fA-F]{6}$",
    r"\b\w+\b",
    r"a++",
    r"x{1000}",
    r"[[:alpha:]]+",
]


def pydantic_refuses(pattern: str) -> bool:
    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError:
        return True
    return False


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_rules_agree_with_pydantic_core(pattern: str) -> None:
    assert (regex_rules._rules(pattern) is not None) == pydantic_refuses(pattern)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_verdict_is_pydantic_s(pattern: str) -> None:
    problem = regex_rules.problem(pattern)
    assert (problem is not None) == pydantic_refuses(pattern)
    if problem is not None:
        assert problem.startswith(f"pydantic refuses the pattern {pattern!r}")


def test_python_re_as_regex_engine_is_refused(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    from dspygen.diagnostics import Code, Sink
    from dspygen.frontend import static

    folder = Path(str(tmp_path))
    for engine, errors in (("python-re", 1), ("rust-regex", 0)):
        (folder / "m.py").write_text(
            "from pydantic import BaseModel, ConfigDict\n"
            f"class A(BaseModel):\n    model_config = ConfigDict(regex_engine={engine!r})\n    x: str\n"
        )
        sink = Sink()
        static.read([folder / "m.py"], folder, sink)
        assert [d.code for d in sink.items] == [Code.UNSUPPORTED_MODEL] * errors
