"""lower/literals.py: every string that reaches Rust evaluates to exactly itself.

The proof is rustc: one program holds every literal `rust_str` produced and prints the
bytes of each; they must be the UTF-8 bytes of the Python string.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dspygen.config import make_target
from dspygen.diagnostics import Code, Sink
from dspygen.lower.literals import doc_attrs, py_str, rust_float, rust_str
from dspygen.pipeline import generate

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
TRICKY = [
    "",
    "plain",
    'a "quoted" word',
    "back\\slash \\n \\u{41} \\",
    '"#',
    'r#"raw"#',
    '"##"###',
    "*/ /* nested */",
    "{{ view.x }} {% if %} {# c #}",
    "'single' `tick`",
    "\0",
    "".join(chr(c) for c in range(32)),
    "\x7f",
    "\x85 NEL",
    "line\u2028sep\u2029para",
    BIDI,
    "\u202eevil\u202c",
    "\u200b\ufeff\u00ad zero width",
    "emoji 👍🏽 👨‍👩‍👧 🇫🇷",
    "combining e\u0301 a\u0308",
    "\ue000 private, \U0010fffd plane 16",
    "\u0378 unassigned",
    "CRLF\r\nand CR\r",
    "tab\tvertical\x0bform\x0c",
    "x" * 20_000,
    "mixed " + 'é"\\\n' * 500,
]


def _random_strings(count: int) -> list[str]:
    rng = random.Random(20240611)
    out = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randint(0, 40)):
            code = rng.choice([rng.randint(0, 0x7F), rng.randint(0x80, 0xFFFF), rng.randint(0x10000, 0x10FFFF)])
            if 0xD800 <= code <= 0xDFFF:
                continue  # lone surrogates are not Unicode scalar values; see the test below
            chars.append(chr(code))
        out.append("".join(chars))
    return out


def _random_ascii(count: int) -> list[str]:
    """ASCII only: rust_str's own path for it (a regular expression, not a loop)."""
    rng = random.Random(20261207)
    return ["".join(chr(rng.randint(0, 0x7F)) for _ in range(rng.randint(0, 40))) for _ in range(count)]


ALL = TRICKY + _random_strings(300) + _random_ascii(200)


def _reference_rust_str(text: str) -> str:
    """rust_str as first written, one character at a time."""
    short = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
    unsafe = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
    body = [short.get(ch) or (f"\\u{{{ord(ch):x}}}" if unicodedata.category(ch) in unsafe else ch) for ch in text]
    return '"' + "".join(body) + '"'


def test_rust_str_agrees_with_the_character_loop() -> None:
    for text in ALL + [chr(code) for code in range(0x800)]:
        assert rust_str(text) == _reference_rust_str(text), repr(text[:80])


def test_rust_str_round_trips_through_rustc(run_rust) -> None:
    items = ",\n        ".join(rust_str(s) for s in ALL)
    docs = "".join("\n".join(doc_attrs(s)) + f"\n#[allow(dead_code)]\nstruct Doc{i};\n" for i, s in enumerate(ALL) if s)
    source = (
        docs
        + "fn main() {\n    let xs: &[&str] = &[\n        "
        + items
        + ",\n    ];\n"
        + '    for x in xs {\n        let hex: String = x.bytes().map(|b| format!("{b:02x}")).collect();\n'
        + '        println!("{hex}");\n    }\n}\n'
    )
    lines = run_rust(source).decode("ascii").split("\n")
    assert lines[-1] == ""
    assert len(lines) - 1 == len(ALL)
    for text, hexed in zip(ALL, lines, strict=False):
        assert bytes.fromhex(hexed) == text.encode("utf-8"), repr(text[:80])


def test_rust_str_is_one_line_of_printable_text() -> None:
    for text in ALL:
        literal = rust_str(text)
        assert literal.startswith('"') and literal.endswith('"')
        assert "\n" not in literal and "\r" not in literal
        assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in literal)


def _raw_controls(line: str) -> list[str]:
    return [ch for ch in line if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs"}]


@pytest.mark.parametrize("text", TRICKY)
def test_doc_attrs_tricky(text: str) -> None:
    for line in doc_attrs(text):
        assert not _raw_controls(line), repr(line)
        assert line.startswith(("///", "#[doc = "))


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_doc_attrs_never_emits_raw_control_characters(text: str) -> None:
    lines = doc_attrs(text)
    count = len(text.split("\n")) if text else 0
    # Text rustdoc would read as code gets a `text` fence: two more lines.
    assert len(lines) == count or (len(lines) == count + 2 and lines[0].startswith("/// ```"))
    for line in lines:
        assert not _raw_controls(line), repr(line)


def test_doc_attrs_plain_text_uses_line_comments() -> None:
    assert doc_attrs("Answer the question.\n\nRules:\n1. Quote.") == (
        "/// Answer the question.",
        "///",
        "/// Rules:",
        "/// 1. Quote.",
    )
    assert doc_attrs(None) == ()
    assert doc_attrs("") == ()


def test_py_str_round_trips() -> None:
    for text in ALL:
        literal = py_str(text)
        assert literal.isascii()
        assert eval(literal) == text  # a Python literal, evaluated by Python


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "1.0"),
        (0.5, "0.5"),
        (1e300, "1e+300"),
        (-2.0, "-2.0"),
        (float("nan"), "f64::NAN"),
        (float("inf"), "f64::INFINITY"),
        (float("-inf"), "f64::NEG_INFINITY"),
        (1e-7, "1e-07"),
    ],
)
def test_rust_float(value: float, expected: str) -> None:
    assert rust_float(value) == expected


def test_rust_float_compiles_to_the_same_value(run_rust) -> None:
    values = [0.1, 1 / 3, 1e300, 5e-324, -0.0, 2.0**60, 123456789.125, sys.float_info.max]
    body = "".join(f'    println!("{{:?}}", ({rust_float(v)} as f64).to_bits());\n' for v in values)
    out = run_rust("fn main() {\n" + body + "}\n").decode().split()
    import struct

    assert [int(x) for x in out] == [struct.unpack("<Q", struct.pack("<d", v))[0] for v in values]


def test_lone_surrogate_is_a_diagnostic_not_a_formatter_crash(tmp_path: Path) -> None:
    """Python allows "\\ud800" in a docstring; no Rust string can hold it."""
    source = tmp_path / "m.py"
    source.write_text(
        'from pydantic import BaseModel\n\n\nclass M(BaseModel):\n    """bad \\ud800 doc"""\n\n    x: str\n',
        encoding="utf-8",
    )
    sink = Sink()
    target = make_target([source], tmp_path / "out", "m_rs", None, None, sink)
    assert target is not None
    assert generate(target, tmp_path, sink) is None
    codes = {d.code for d in sink.items}
    assert Code.TOOL_FAILED not in codes, [d.message for d in sink.items]
    assert sink.has_errors
    assert any(d.span is not None and d.span.path == "m.py" for d in sink.items)


DOCSTRINGS_WITH_CODE = [
    "Answer the question.\n\nExample:\n\n    >>> predict(question='hi')\n    'hello'",
    "Fenced:\n\n```\nnot rust at all\n```",
    "Fenced python:\n\n```python\nx = 1\n```\nand ```` a longer run",
    "Tilde fence:\n\n~~~\nnot rust\n~~~",
    "Tab indented:\n\n\tprint('x')",
    "Args:\n    question: the question\n\n    context: passages\n        nested",
]


def test_docstrings_never_become_doctests(tmp_path: Path) -> None:
    """rustdoc compiles indented and fenced Markdown blocks as Rust; a Python example in a
    docstring must not fail `cargo test` of the generated crate."""
    rustdoc = shutil.which("rustdoc") or str(Path.home() / ".cargo" / "bin" / "rustdoc")
    assert Path(rustdoc).is_file(), "rustdoc is required (it comes with the Rust toolchain)"
    items = "".join("\n".join(doc_attrs(doc)) + f"\npub struct Doc{i};\n" for i, doc in enumerate(DOCSTRINGS_WITH_CODE))
    lib = tmp_path / "lib.rs"
    lib.write_text(items, encoding="utf-8")
    done = subprocess.run(
        [rustdoc, "--test", "--edition", "2021", "--crate-name", "docs", str(lib)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "running 0 tests" in done.stdout, done.stdout


def test_docstrings_with_code_keep_their_text() -> None:
    for doc in DOCSTRINGS_WITH_CODE:
        lines = doc_attrs(doc)
        assert lines[0].startswith("/// ```") and lines[0].endswith("text")
        assert lines[-1] == lines[0].removesuffix("text")
        inner = lines[1:-1]
        assert len(inner) == len(doc.split("\n"))
        for line, original in zip(inner, doc.split("\n"), strict=True):
            if line.startswith("///"):
                assert line == f"/// {original}".rstrip()
