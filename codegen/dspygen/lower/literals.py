"""Lowering stage: Python strings and values as Rust source text.

Every string that reaches generated Rust passes through here, so no docstring or
description can break out of its literal: quotes, backslashes, control and bidi
characters are all escaped.
"""

from __future__ import annotations

import json
import math
import unicodedata

_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def rust_str(text: str) -> str:
    """A Rust string literal that evaluates to exactly `text`."""
    out = []
    for ch in text:
        if ch in _SHORT:
            out.append(_SHORT[ch])
        elif _unsafe(ch):
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def doc_attrs(text: str | None) -> tuple[str, ...]:
    """Doc comment lines for `text`: `///` where plain, `#[doc = ...]` where not."""
    if not text:
        return ()
    out = []
    for line in text.split("\n"):
        if any(_unsafe(ch) for ch in line) or line.endswith("\\"):
            out.append(f"#[doc = {rust_str(' ' + line)}]")
        else:
            out.append(f"/// {line}".rstrip())
    return tuple(out)


def py_str(text: str) -> str:
    """A Python string literal (for generated Python) that evaluates to `text`."""
    return json.dumps(text, ensure_ascii=True)


def rust_float(value: float) -> str:
    if math.isnan(value):
        return "f64::NAN"
    if math.isinf(value):
        return "f64::INFINITY" if value > 0 else "f64::NEG_INFINITY"
    text = repr(value)
    return text if any(c in text for c in ".eE") else f"{text}.0"
