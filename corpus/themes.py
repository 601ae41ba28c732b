"""Themes: the diagnostics of a run grouped by what a fix in dspygen would be about.

A theme is finer than a code (DSG010 covers both a type alias and a URL type) and coarser than
a message (the names differ in every package). The rules are tried in order; a message none
of them knows keeps its code. For each theme the report counts the declarations it decided
(the first error inside them), every time it was reported, and the declarations of files whose
errors are all of this theme: what fixing this theme alone would let dspygen read.
"""

from __future__ import annotations

import re

from corpus.classify import Diagnostic

RULES: list[tuple[str, str]] = [
    (r"not among the files given", "type or base from another project file (not among the files given)"),
    (r"is a variable \(a type alias\?\)", "type alias (`X = ...`, `type X = ...`)"),
    (r"default_factory", "default_factory other than list/dict"),
    (r"^bare `", "bare dict / list / tuple without item types"),
    (r"defines when it runs", "defined inside a function (left out with a warning)"),
    (r"dict keys of type", "dict key types"),
    (r"validator|@model_serializer|@field_serializer", "validators and serializers"),
    (r"\bauto\(\)|\bauto\b", "Enum auto()"),
    (r"Url\b|Url`|\bURL", "URL types (HttpUrl, AnyUrl, ...)"),
    (r"pydantic v1|class Config|__fields__|\bv1\b", "pydantic v1 spellings"),
    (r"the field argument `", "Field/InputField argument not supported (DSG021)"),
    (r"must be a literal value|default must be", "default or argument not a literal"),
    (r"must be a static string", "description not a static string"),
    (r"model setting|model_config", "model configuration (model_config, settings)"),
    (r"no InputField/OutputField|not an InputField/OutputField", "signature field without InputField/OutputField"),
    (r"has no output field", "signature without output field"),
    (r"no module-level name holds it", "signature transform not bound to a module-level name"),
    (r"is neither a pydantic model nor an Enum", "class that is neither model nor Enum as a type"),
]
UNSUPPORTED_TYPE = re.compile(r"the type `[^`]*` \((?P<qualname>[^)]*)\) is not supported")


def theme(d: Diagnostic) -> str:
    if d.code == "DSG023":
        return "string signature dspygen cannot place or read (DSG023)"
    for pattern, name in RULES:
        if re.search(pattern, d.message):
            return name
    if m := UNSUPPORTED_TYPE.search(d.message):
        return f"unsupported {m['qualname'].rsplit('.', 1)[0]} types"
    return f"other {d.code}"


def detail(d: Diagnostic) -> str:
    """The type an unsupported-type theme is about (`EmailStr`), to list beside the theme."""
    m = UNSUPPORTED_TYPE.search(d.message)
    return m["qualname"].rsplit(".", 1)[-1] if m else ""
