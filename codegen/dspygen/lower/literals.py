"""Lowering stage: Python strings and values as Rust source text.

Every string that reaches generated Rust passes through here, so no docstring or
description can break out of its literal: quotes, backslashes, control and bidi
characters are all escaped.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata

_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


# In ASCII, the characters _unsafe names are the C0 controls and DEL (category Cc): most text
# is ASCII, and a generated crate holds tens of thousands of literals, so they are found in C.
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_ESCAPED = re.compile(r'[\x00-\x1f\x7f\\"]')


def _has_unsafe(text: str) -> bool:
    if text.isascii():
        return _ASCII_CONTROL.search(text) is not None
    # Every character _unsafe names is one str.isprintable refuses (categories C* and Z*).
    return not text.isprintable() and any(_unsafe(ch) for ch in text)


def _escape(ch: str) -> str:
    return _SHORT.get(ch) or f"\\u{{{ord(ch):x}}}"


def rust_str(text: str) -> str:
    """A Rust string literal that evaluates to exactly `text`."""
    if text.isprintable():  # no character _unsafe names, nor any control: only `\\` and `"` to escape
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if text.isascii():
        return '"' + _ASCII_ESCAPED.sub(lambda m: _escape(m.group()), text) + '"'
    out = [_escape(ch) if ch in _SHORT or _unsafe(ch) else ch for ch in text]
    return '"' + "".join(out) + '"'


def rust_raw_str(text: str) -> str:
    """A raw Rust string literal (`r#"..."#`) that evaluates to exactly `text`, for long texts full
    of quotes (JSON); `rust_str`'s form where `text` holds anything but printable ASCII."""
    if not (text.isascii() and text.isprintable()):
        return rust_str(text)
    runs = re.findall('"(#+)', text) if '"#' in text else []  # a quote and hashes would end `r#"`
    hashes = "#" * (max([0, *map(len, runs)]) + 1)
    return f'r{hashes}"{text}"{hashes}'


def doc_attrs(text: str | None) -> tuple[str, ...]:
    """Doc comment lines for `text`: `///` where plain, `#[doc = ...]` where not."""
    if not text:
        return ()
    lines = text.split("\n")
    if any(_opens_code_block(line) for line in lines):
        # rustdoc compiles indented and ``` blocks as Rust doctests, so a Python
        # example in a docstring failed `cargo test`; a `text` fence longer than any
        # backtick run inside keeps the docstring verbatim and untested.
        fence = "`" * (max([2, *(len(run) for run in re.findall("`+", text))]) + 1)
        lines = [f"{fence}text", *lines, fence]
    out = []
    for line in lines:
        if _has_unsafe(line) or line.endswith("\\"):
            out.append(f"#[doc = {rust_str(' ' + line)}]")
        else:
            out.append(f"/// {line}".rstrip())
    return tuple(out)


def _opens_code_block(line: str) -> bool:
    """An indented (4+ columns) or fenced (``` / ~~~) line: Markdown code for rustdoc."""
    expanded = line.expandtabs(4)
    stripped = expanded.lstrip(" ")
    indent = len(expanded) - len(stripped)
    return bool(stripped) and (indent >= 4 or stripped.startswith(("```", "~~~")))


def py_str(text: str) -> str:
    """A Python string literal (for generated Python) that evaluates to `text`."""
    # Not json.dumps(ensure_ascii=True): it writes U+1F44D as the surrogate pair
    # "\ud83d\udc4d", which JSON joins but Python reads as two lone surrogates.
    body = json.dumps(text, ensure_ascii=False)
    if body.isascii() and "\x7f" not in body:  # json.dumps escaped the other controls
        return body
    return _NOT_PRINTABLE_ASCII.sub(_py_escape, body)


_NOT_PRINTABLE_ASCII = re.compile("[^ -~]")


def _py_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def rust_float(value: float) -> str:
    if math.isnan(value):
        return "f64::NAN"
    if math.isinf(value):
        return "f64::INFINITY" if value > 0 else "f64::NEG_INFINITY"
    text = repr(value)
    return text if any(c in text for c in ".eE") else f"{text}.0"
