"""lower/naming.py: Python names -> Rust identifiers, checked against rustc itself."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dspygen.lower import naming
from dspygen.lower.naming import RustName, field_name, qualified_type_name, type_name, variant_name

# Written out independently of naming.KEYWORDS, from the Rust reference (strict and
# reserved keywords, 2015-2024 editions), so that a keyword missing there fails here.
RUST_KEYWORDS = [
    *("as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if"),
    *("impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self"),
    *("static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while"),
    *("async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv"),
    *("typeof", "unsized", "virtual", "yield", "try", "gen"),
]
CANNOT_BE_RAW = {"self", "Self", "super", "crate"}
SNAKE = re.compile(r"^[a-z_][a-z0-9_]*$")
CAMEL_VARIANT = re.compile(r"^[A-Z][A-Za-z0-9]*_?$")


@pytest.mark.parametrize("keyword", RUST_KEYWORDS)
def test_every_keyword_field_is_raw_or_renamed(keyword: str) -> None:
    name = field_name(keyword)
    if keyword in CANNOT_BE_RAW:
        # `r#self` is not a Rust identifier: rename the field, keep the wire name.
        assert not name.ident.startswith("r#")
        assert name.ident not in RUST_KEYWORDS
        assert SNAKE.match(name.ident)
        assert name.rename == keyword
    else:
        assert name == RustName(f"r#{keyword}", None)  # serde strips r#: no rename needed


def test_keyword_table_covers_the_reference() -> None:
    assert set(RUST_KEYWORDS) <= naming.KEYWORDS
    assert CANNOT_BE_RAW <= naming.NOT_RAW


def test_keyword_fields_compile(run_rust) -> None:
    """Every identifier field_name picks for a keyword is accepted by rustc, lints denied."""
    names = {field_name(k).ident for k in RUST_KEYWORDS}
    fields = "".join(f"    {ident}: u8,\n" for ident in sorted(names))
    inits = ", ".join(f"{ident}: {i}" for i, ident in enumerate(sorted(names)))
    reads = " + ".join(f"u32::from(s.{ident})" for ident in sorted(names))
    source = (
        f'struct S {{\n{fields}}}\nfn main() {{\n    let s = S {{ {inits} }};\n    println!("{{}}", {reads});\n}}\n'
    )
    out = run_rust(source)
    assert int(out) == sum(range(len(names)))


@pytest.mark.parametrize(
    ("python", "expected"),
    [
        ("snake_case", RustName("snake_case", None)),
        ("x", RustName("x", None)),
        ("camelCase", RustName("camel_case", "camelCase")),
        ("HTTPServer", RustName("http_server", "HTTPServer")),
        ("getHTTPResponse", RustName("get_http_response", "getHTTPResponse")),
        ("userID", RustName("user_id", "userID")),
        ("ALLCAPS", RustName("allcaps", "ALLCAPS")),
        ("_private", RustName("private", "_private")),
        ("a__b", RustName("a_b", "a__b")),
        ("Type", RustName("r#type", "Type")),
        ("Self", RustName("self_", "Self")),
    ],
)
def test_field_name_table(python: str, expected: RustName) -> None:
    assert field_name(python) == expected


@pytest.mark.parametrize("python", ["version2", "item2Name", "utf8Encoding", "top10", "x1y2"])
def test_field_name_digits(python: str) -> None:
    name = field_name(python)
    assert SNAKE.match(name.ident)
    # Same letters and digits, in the same order: only underscores and case differ.
    assert name.ident.replace("_", "") == python.lower().replace("_", "")
    assert name.rename == (None if name.ident == python else python)


def test_field_name_never_starts_with_a_digit() -> None:
    name = field_name("2fa")
    assert SNAKE.match(name.ident)
    assert not name.ident[0].isdigit()
    assert name.rename == "2fa"


python_identifiers = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,20}\Z")


@settings(max_examples=400)
@given(python_identifiers)
def test_field_name_is_always_a_valid_rust_field(python: str) -> None:
    name = field_name(python)
    bare = name.ident.removeprefix("r#")
    assert SNAKE.match(bare), name
    if name.ident.startswith("r#"):
        assert bare in naming.KEYWORDS and bare not in naming.NOT_RAW
    else:
        assert bare not in naming.KEYWORDS
    # The wire name stays the Python one: renamed exactly when the spelling differs.
    assert (name.rename is None) == (bare == python)
    if name.rename is not None:
        assert name.rename == python


@pytest.mark.parametrize("python", ["Answer", "QA", "HTTPServer", "Model2", "SearchResult", "A"])
def test_type_name_keeps_upper_camel_case(python: str) -> None:
    assert type_name(python) == python


@pytest.mark.parametrize(
    ("python", "expected"),
    [
        ("answer", "Answer"),
        ("my_model", "MyModel"),
        ("myModel", "MyModel"),
        ("HTTP_server", "HttpServer"),
        ("_Private", "Private"),
        ("generate_answer", "GenerateAnswer"),
        ("2nd", "T2Nd"),
    ],
)
def test_type_name_converts_others(python: str, expected: str) -> None:
    assert type_name(python) == expected


def test_qualified_type_name_joins_parts() -> None:
    assert qualified_type_name("RAG.generate_answer") == "RAGGenerateAnswer"
    assert qualified_type_name("Outer.Inner") == "OuterInner"
    assert qualified_type_name("classify") == "Classify"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("in progress", "InProgress"),
        ("in-progress", "InProgress"),
        ("", "Empty"),
        ("1st", "V1St"),
        ("low", "Low"),
        ("HIGH", "High"),
        ("!!!", "Value"),
        ("snake_case", "SnakeCase"),
    ],
)
def test_variant_name_table(value: str, expected: str) -> None:
    assert variant_name(value) == expected


LITERAL_VALUES = [
    "in progress",
    "",
    "1st",
    "low",
    "HIGH",
    "!!!",
    "self",
    "Self",
    "SELF",
    "type",
    "crate",
    "super",
    "None",
    "Some",
    "Ok",
    "a b c",
    "x-1",
    "  padded  ",
]


def test_variant_name_self_is_not_the_keyword() -> None:
    # `enum E { Self }` does not compile; `Literal["self"]` is legal Python.
    for value in ("self", "Self", "SELF"):
        assert variant_name(value) not in naming.KEYWORDS


def test_variant_names_compile(run_rust) -> None:
    """All variant names of a table of Literal values are accepted by rustc, lints denied."""
    variants = sorted({variant_name(v) for v in LITERAL_VALUES})
    body = "".join(f"    {v},\n" for v in variants)
    arms = "".join(f'        E::{v} => "{v}",\n' for v in variants)
    source = (
        "#[derive(Clone, Copy)]\nenum E {\n" + body + "}\n"
        "fn name(e: E) -> &'static str {\n    match e {\n" + arms + "    }\n}\n"
        "fn main() {\n    let all = [" + ", ".join(f"E::{v}" for v in variants) + "];\n"
        '    for e in all { println!("{}", name(e)); }\n}\n'
    )
    assert run_rust(source).decode().split() == variants


@settings(max_examples=400)
@given(st.text(alphabet=string.printable + "\u00e9\u00fc\u2013\u00df", max_size=20))
def test_variant_name_is_always_a_valid_variant(value: str) -> None:
    ident = variant_name(value)
    assert CAMEL_VARIANT.match(ident), ident
    assert ident not in naming.KEYWORDS


def test_a_user_type_named_like_a_module_type_keeps_the_crate_root(tmp_path: Path) -> None:
    """A model called `Example` or `Step` is `crate::Example`; the typed DSPy module of that
    name is then only reached as `crate::runtime::Example`, never silently shadowing it."""
    from click.testing import CliRunner

    from dspygen.cli import main

    source = tmp_path / "models.py"
    source.write_text(
        "import pydantic\n\n\nclass Example(pydantic.BaseModel):\n    x: int\n\n\n"
        "class Step(pydantic.BaseModel):\n    y: int\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["build", str(source), "--out", str(out), "--crate-name", "ex_rs"])
    assert done.exit_code == 0, done.output
    lib = (out / "src" / "lib.rs").read_text(encoding="utf-8")
    exported = lib.split("pub use ::dspygen_runtime::{", 1)[1].split("}", 1)[0]
    names = {n.strip() for n in exported.split(",") if n.strip()}
    assert {"Example", "Step"}.isdisjoint(names)
    assert {"Predict", "ChainOfThought", "BestOfN", "ReAct", "Acted"} <= names
    assert "pub use models::*;" in lib
    assert "pub use ::dspygen_runtime as runtime;" in lib
