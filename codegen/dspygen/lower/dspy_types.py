"""Lowering stage: DSPy's own types (IR `DspyType`) -> the crate's `dspy_types` module.

The Rust side of each DSPy class is written once, by hand, in the runtime crate
(runtime/src/dspy_types.rs; fields as in the installed dspy: tests/unit/test_dspy_types.py
compares them); this module decides the Rust type, what the crate needs for them (the
languages of `dspy.Code[...]` it declares), the sample values the generated tests use, and
the classes `roundtrip()` / `roundtrip_json()` accept.
"""

from __future__ import annotations

from dspygen.diagnostics import Code, Sink, Span
from dspygen.ir import types as t
from dspygen.lower import naming, symbols
from dspygen.lower.literals import rust_str
from dspygen.lower.rust import RustType, of
from dspygen.lower.view import ClassEntry, LanguageView, TypeEntry

DSPY_VERSION = "3.4.1"  # whose fields the runtime mirrors
# The class's `__module__` in dspy (what `roundtrip()` matches an instance's class by).
MODULES: dict[t.DspyTypeName, str] = {
    "Image": "dspy.adapters.types.image",
    "Audio": "dspy.adapters.types.audio",
    "File": "dspy.adapters.types.file",
    "History": "dspy.adapters.types.history",
    "Code": "dspy.adapters.types.code",
    "Reasoning": "dspy.adapters.types.reasoning",
    "ToolCalls": "dspy.adapters.types.tool",
    "ToolCalls.ToolCall": "dspy.adapters.types.tool",
    "ToolCallResults": "dspy.adapters.types.tool",
    "ToolCallResults.ToolCallResult": "dspy.adapters.types.tool",
}
# The types whose `model_dump_json()` pydantic cannot read back (a prompt fragment): the
# generated tests compare no pydantic JSON of a model holding one.
PROMPT_JSON: frozenset[t.DspyTypeName] = frozenset({"Image", "Audio", "File"})
# A value of each, as the JSON given to pydantic and the JSON it writes back.
SAMPLES: dict[t.DspyTypeName, tuple[object, object]] = {
    "Image": ({"url": "https://example.com/cat.png"},) * 2,
    "Audio": ({"data": "UklGRg==", "audio_format": "wav"},) * 2,
    "File": ({"file_data": "data:text/plain;base64,aGk=", "file_id": None, "filename": "hi.txt"},) * 2,
    "History": ({"messages": [{"question": "Why?", "answer": 42}]},) * 2,
    # DSPy strips a Markdown fence from code it reads.
    "Code": ("```python\nprint('é')\n```", "print('é')"),
    "Reasoning": ("Step by step.",) * 2,
    "ToolCalls": ({"tool_calls": [{"name": "search", "args": {"q": "rust", "k": 2}}]},) * 2,
    "ToolCalls.ToolCall": ({"name": "search", "args": {"q": "rust"}},) * 2,
    "ToolCallResults": (
        {"tool_call_results": [{"call_id": "c1", "name": "search", "value": ["a", 1], "is_error": False}]},
    )
    * 2,
    "ToolCallResults.ToolCallResult": ({"call_id": None, "name": "f", "value": {"k": 1.5}, "is_error": True},) * 2,
}


def language_ident(language: str) -> str:
    return naming.type_name(language)


def rust_type(ty: t.DspyType) -> RustType:
    head = symbols.DSPY_TYPES.child(ty.name.rpartition(".")[2])
    if ty.language is None:
        return of(head)
    return of(head, of(symbols.LANGUAGES.child(language_ident(ty.language))))


def all_dspy(ty: t.Type) -> list[t.DspyType]:
    if isinstance(ty, t.DspyType):
        return [ty]
    return [d for child in t.children(ty) for d in all_dspy(child)]


def needs(ty: t.Type, out: set[str], span: Span, sink: Sink) -> None:
    """Add to `out` (the crate's needs, lower/scalars.py) what `ty`'s DSPy types need:
    the module itself, and JSON values (`History`, tool-call arguments) with key order kept.
    Reports a language of `Code[...]` that has no Rust name of its own."""
    for found in all_dspy(ty):
        out.add("json")
        if found.language is None:
            out.add(f"dspy:{found.name}")
            continue
        if f"dspy-language:{found.language}" in out:
            continue
        ident = language_ident(found.language)
        taken = sorted(n.partition(":")[2] for n in out if n.startswith("dspy-language:"))
        other = next((lang for lang in taken if language_ident(lang) == ident), None)
        if other is not None or not naming.is_ascii_identifier(ident) or ident in naming.KEYWORDS:
            sink.error(
                Code.NAME_COLLISION,
                f"the language {found.language!r} of dspy.Code[...] would be the Rust type `{ident}`"
                + (f", as {other!r} is" if other is not None else ", which is not a usable name"),
                span,
                hint="spell each language of dspy.Code[...] once, in letters and digits",
            )
            continue
        out.add(f"dspy-language:{found.language}")


def validated(ty: t.Type) -> bool:
    """Whether a model field of `ty` must go to pydantic without `Code[...]` instances (see
    `for_validation` in the template)."""
    return any(d.language is not None for d in all_dspy(ty))


def used(needs: set[str]) -> list[t.DspyType]:
    """The DSPy types a crate uses, sorted: each bare class, and `Code` per language."""
    out = [t.DspyType(n.partition(":")[2]) for n in needs if n.startswith("dspy:")]  # type: ignore[arg-type]
    out += [t.DspyType("Code", n.partition(":")[2]) for n in needs if n.startswith("dspy-language:")]
    return sorted(set(out), key=lambda d: (d.name, d.language or ""))


def languages(needs: set[str]) -> tuple[LanguageView, ...]:
    """The languages of `dspy.Code[...]` the crate declares (`code_language!`)."""
    found = sorted({d.language for d in used(needs) if d.language is not None})
    return tuple(LanguageView(language_ident(lang), rust_str(lang)) for lang in found)


def entries(needs: set[str]) -> tuple[list[TypeEntry], list[ClassEntry]]:
    """The names `roundtrip_json()` and the classes `roundtrip()` accept for the DSPy types used."""
    types, classes = [], []
    for found in used(needs):
        text = rust_type(found).render()
        plain = t.python_text(found, {})
        types.append(TypeEntry(rust_str(plain), plain, text))
        qualname = found.name if found.language is None else f"Code_{found.language}"
        classes.append(ClassEntry(rust_str(MODULES[found.name]), rust_str(qualname), text))
    return types, classes


def for_validation(expr: str) -> str:
    """The Rust expression giving a model field's value to pydantic's `model_validate`."""
    return f"{symbols.FOR_VALIDATION}(py, {expr})?"


def sample(ty: t.DspyType, *, pydantic_json: bool) -> tuple[object, object] | None:
    """(given, expected) JSON values of `ty`; None where pydantic's own JSON is wanted and a
    prompt fragment (`pydantic_json`: the sample of a model, which the generated test compares
    with `model_dump_json()`)."""
    if pydantic_json and ty.name in PROMPT_JSON:
        return None
    return SAMPLES[ty.name]
