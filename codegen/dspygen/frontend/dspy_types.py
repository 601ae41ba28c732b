"""Frontend stage: DSPy's own types (`dspy.Image`, `dspy.Code["python"]`, ...) by their import.

The static frontend recognises them the way it recognises `dspy.Signature`: by the symbol
an annotation resolves to through the file's imports, never by importing dspy. The
importing frontend maps the real classes to the same IR (`introspected`).
"""

from __future__ import annotations

import re
from typing import Any, get_args

from dspygen.ir import types as t

# Where dspy exports each class (3.x): the top level, `dspy.adapters`, `dspy.adapters.types`
# and the defining module.
_HOMES: dict[str, str] = {
    "Image": "image",
    "Audio": "audio",
    "File": "file",
    "History": "history",
    "Code": "code",
    "Reasoning": "reasoning",
    "ToolCalls": "tool",
    "ToolCallResults": "tool",
    "Tool": "tool",
}
_NESTED = {"ToolCalls": "ToolCall", "ToolCallResults": "ToolCallResult"}


def _symbols(name: str) -> list[str]:
    prefixes = ("dspy", "dspy.adapters", "dspy.adapters.types", f"dspy.adapters.types.{_HOMES[name]}")
    return [f"{prefix}.{name}" for prefix in prefixes]


NAMES: tuple[t.DspyTypeName, ...] = get_args(t.DspyTypeName)
# symbol -> the IR name, e.g. "dspy.adapters.types.tool.ToolCalls.ToolCall" -> "ToolCalls.ToolCall"
SYMBOLS: dict[str, t.DspyTypeName] = {
    symbol: name
    for name in NAMES
    for symbol in (
        _symbols(name)
        if "." not in name
        else [f"{outer}.{_NESTED[name.partition('.')[0]]}" for outer in _symbols(name.partition(".")[0])]
    )
}
TOOL = frozenset(_symbols("Tool"))
CODE = frozenset(_symbols("Code"))


def tool_message(text: str) -> str:
    what = "" if text == "dspy.Tool" else " (a dspy.Tool)"
    return f"`{text}`{what} holds a Python function, so it cannot be a field type"


# A language name as code fences write one (`python`, `c++`, `objective-c`): it becomes a Rust
# type name, a class name (`Code_python`) and a string in generated Rust and Python.
LANGUAGE = re.compile(r"[A-Za-z][A-Za-z0-9_+#.-]{0,39}")
LANGUAGE_HINT = 'name the language in ASCII letters, digits and _+#.-, e.g. dspy.Code["python"]'


def static(symbol: str) -> t.DspyType | None:
    """The IR type of a DSPy class named by `symbol`, or None when it is not one."""
    name = SYMBOLS.get(symbol)
    return None if name is None else t.DspyType(name)


def introspected(dspy: Any, tp: Any) -> t.DspyType | None:
    """The IR type of a real class of the imported dspy (`dspy.Code["python"]` included)."""
    if not isinstance(tp, type):
        return None
    for name in NAMES:
        outer, _, inner = name.partition(".")
        cls = getattr(dspy, outer)
        if inner:
            cls = getattr(cls, inner)
        if tp is cls:
            return t.DspyType(name)
    if issubclass(tp, dspy.Code):  # `Code["python"]`: a new subclass per subscript, its language a ClassVar
        language = str(getattr(tp, "language", "python"))
        if not LANGUAGE.fullmatch(language):
            raise TypeError(f"the language {language!r} of {tp!r}: {LANGUAGE_HINT}")
        return t.DspyType("Code", language)
    return None


def is_tool(dspy: Any, tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dspy.Tool)
