"""frontend/dspy_rules.py reproduces dspy's own rules; the real dspy is the oracle."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import dspy
    from dspy.signatures.signature import infer_prefix as dspy_infer_prefix

from dspygen.frontend.dspy_rules import (
    SignatureSyntaxError,
    default_desc,
    default_instructions,
    default_prefix,
    infer_prefix,
    parse_string_signature,
)

TRICKY = [
    "",
    "_",
    "__",
    "a",
    "A",
    "question",
    "camelCaseText",
    "snake_case_text",
    "text2number",
    "HTMLParser",
    "HTTPServer2",
    "getHTTPResponse",
    "2text",
    "x1y2z3",
    "ABC123def",
    "already Spaced",
    "_leading",
    "trailing_",
    "double__underscore",
    "ALLCAPS",
    "mixed_CASE_words",
    "iOS",
    "v2",
    "a1B2c3",
    "IDs",
    "userID",
    "é",
    "straße",
    "naïveBayes",
    "Ωmega",
    "ÉCOLE",
    "ǅungla",
    "x_2_y",
    "HTML5Parser",
    "__init__",
    "a__B",
]


@pytest.mark.parametrize("name", TRICKY)
def test_infer_prefix_tricky(name: str) -> None:
    assert infer_prefix(name) == dspy_infer_prefix(name)


identifier_chars = st.sampled_from([*"abcxyzABCXYZ0129_", "é", "ß", "Ω", "ǅ", "İ", "ﬁ"])


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=identifier_chars, max_size=24))
def test_infer_prefix_matches_dspy(name: str) -> None:
    assert infer_prefix(name) == dspy_infer_prefix(name)


@settings(max_examples=300)
@given(st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,20}\Z"))
def test_default_prefix_and_desc_match_dspy(name: str) -> None:
    if name.startswith("_") or name in {"instructions", "signature", "fields", "model_config"}:
        return  # not a field name dspy accepts
    sig = dspy.Signature({name: (str, dspy.InputField()), f"{name}_out": (str, dspy.OutputField())})
    extra = sig.input_fields[name].json_schema_extra
    assert default_prefix(name) == extra["prefix"]
    assert default_desc(name) == extra["desc"]


@pytest.mark.parametrize(
    ("inputs", "outputs"),
    [
        (["question"], ["answer"]),
        (["context", "question"], ["reasoning", "answer"]),
        ([], ["answer"]),
        (["question"], ["a", "b", "c"]),
    ],
)
def test_default_instructions_match_a_class_without_docstring(inputs: list[str], outputs: list[str]) -> None:
    namespace: dict[str, object] = {"__annotations__": {}}
    for name in inputs:
        namespace[name] = dspy.InputField()
        namespace["__annotations__"][name] = str  # type: ignore[index]
    for name in outputs:
        namespace[name] = dspy.OutputField()
        namespace["__annotations__"][name] = str  # type: ignore[index]
    cls = type(dspy.Signature)("NoDoc", (dspy.Signature,), namespace)
    assert cls.instructions == default_instructions(inputs, outputs)


STRING_SIGNATURES = [
    "question -> answer",
    "context: list[str], question: str -> answer: str",
    "a, b, c -> d, e",
    "-> b",
    "a ->",
    "->",
    "a, a -> b",
    "a: int, a: str -> b",
    "a -> b, b",
    "a, /, b -> c",
    "a, /, -> b",
    "a, *, b -> c",
    "*, a -> b",
    "a, *args, **kw -> c",
    "a=1, b: int = 2 -> c",
    "a, -> b",
    "a, # a comment\n b -> c",
    "\n a,\n b\n ->\n c",
    "   spaced   ,   out   ->   result   ",
    "é -> b",
    "question: str, history: list[str] -> query: str",
    "x: dict[str, int] -> y: Optional[str]",
    "x: Literal['a', 'b'] -> y",
]


def _dspy_fields(text: str) -> tuple[list[str], list[str]]:
    sig = dspy.Signature(text)
    return list(sig.input_fields), list(sig.output_fields)


@pytest.mark.parametrize("text", STRING_SIGNATURES)
def test_parse_string_signature_agrees_with_dspy(text: str) -> None:
    parsed = parse_string_signature(text)
    ours = ([f.name for f in parsed.inputs], [f.name for f in parsed.outputs])
    assert ours == _dspy_fields(text)


@pytest.mark.parametrize("text", STRING_SIGNATURES)
def test_default_instructions_of_string_signature_agree_with_dspy(text: str) -> None:
    parsed = parse_string_signature(text)
    ours = default_instructions([f.name for f in parsed.inputs], [f.name for f in parsed.outputs])
    assert ours == dspy.Signature(text).instructions


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("a, /, b -> c", "drops the fields a"),
        ("a, *, b -> c", "drops the fields b"),
        ("a, *args, **kw -> c", "drops the fields args, kw"),
        ("a=1 -> c", "ignores the default given to `a`"),
        ("a: int, a: str -> b", "keeps one field `a`"),
    ],
)
def test_quirks_are_warned(text: str, warning: str) -> None:
    assert any(warning in w for w in parse_string_signature(text).warnings)


def test_duplicate_keeps_first_position_and_last_type() -> None:
    parsed = parse_string_signature("a: int, b, a: str -> c")
    assert [f.name for f in parsed.inputs] == ["a", "b"]
    annotation = parsed.inputs[0].annotation
    assert annotation is not None and getattr(annotation, "value", None) == "str"
    sig = dspy.Signature("a: int, b, a: str -> c")
    assert list(sig.input_fields) == ["a", "b"]
    assert sig.input_fields["a"].annotation is str


def test_plain_signature_has_no_warnings() -> None:
    assert parse_string_signature("context: list[str], question -> answer: str").warnings == ()


@pytest.mark.parametrize(
    "text",
    [
        "a -> b -> c",  # two arrows
        "a, b",  # no arrow
        "",  # no arrow
        "a -> a",  # the same name on both sides
        "a, b -> c, a",
        "x, x -> x",
        "a b -> c",  # not a parameter list
        "a, b -> c d",
        "1a -> b",
    ],
)
def test_raises_where_dspy_raises(text: str) -> None:
    with pytest.raises((ValueError, SyntaxError)):
        dspy.Signature(text)
    with pytest.raises(SignatureSyntaxError):
        parse_string_signature(text)


small_names = st.sampled_from(["a", "b", "c", "question", "answer", "x1"])
param = st.tuples(small_names, st.sampled_from(["", ": str", ": int", ": list[str]", " = 1", ": int = 2"]))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(param, max_size=4), st.lists(param, max_size=4), st.sampled_from([" -> ", "->", "\n->\n"]))
def test_generated_signatures_agree_with_dspy(
    inputs: list[tuple[str, str]], outputs: list[tuple[str, str]], arrow: str
) -> None:
    text = ", ".join(n + a for n, a in inputs) + arrow + ", ".join(n + a for n, a in outputs)
    try:
        expected = _dspy_fields(text)
    except (ValueError, SyntaxError):
        with pytest.raises(SignatureSyntaxError):
            parse_string_signature(text)
        return
    parsed = parse_string_signature(text)
    assert ([f.name for f in parsed.inputs], [f.name for f in parsed.outputs]) == expected
