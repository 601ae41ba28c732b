"""Differential tests of DSPy's own types (dspy.Image, Audio, File, History, Code,
Reasoning, ToolCalls, ToolCallResults) against the installed dspy, through the generated
`dspy_types_rs` module (fixtures/dspy_types, built by `make bindings`).

For hypothesis-generated instances of each type (and hand-written edges):
- Python -> Rust -> Python gives an equal object of the same dspy class (`roundtrip`);
- JSON -> Rust -> JSON (`roundtrip_json`) is byte-identical to pydantic's `model_dump_json()`
  where pydantic's own JSON round-trips (History, Code, Reasoning, ToolCallResults, ToolCalls
  without call ids); for Image, Audio and File, whose `model_dump_json()` is a prompt fragment
  nothing reads back, the Rust JSON is the field object and pydantic must read it back to an
  equal object;
- JSON that pydantic rejects, Rust rejects too.
The counts (cases run, mismatches) are printed at the end with `-s`.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from typing import Any

import dspy
import pytest
import support
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

support.fixtures_on_path()

import dspy_types_rs as native  # noqa: E402  (built by `make bindings`: maturin develop)
from dspy_types import signatures as sigs  # noqa: E402

SETTINGS = support.family_settings("DSPY_TYPES_EXAMPLES", 200)  # more: DSPY_TYPES_EXAMPLES=5000
RUNS: Counter[str] = Counter()
MISMATCHES: Counter[str] = Counter()
CodePython = dspy.Code["python"]
CodeRust = dspy.Code["rust"]


report = support.report_fixture(RUNS, [(MISMATCHES, "mismatches")])
_rust = support.rust_side(native)  # (type_name, data): JSON, or None when Rust rejects


def _pydantic(cls: type[BaseModel], data: str) -> BaseModel | None:
    try:
        return cls.model_validate_json(data)
    except (ValidationError, ValueError, TypeError):
        return None


def _check(family: str, ok: bool, what: object) -> None:
    RUNS[family] += 1
    if not ok:
        MISMATCHES[family] += 1
    assert ok, f"{family}: {what!r}"


def same_code(a: Any, b: Any) -> bool:
    """Two `dspy.Code[...]` objects alike: each `dspy.Code["python"]` is a class of its own,
    so pydantic's `==` (which compares classes) cannot be used across them."""
    return (type(a).__name__, a.language, a.code) == (type(b).__name__, b.language, b.code)


def python_roundtrip(family: str, value: BaseModel) -> BaseModel:
    back = native.roundtrip(value)
    if isinstance(value, dspy.Code) and type(value) is not dspy.Code:
        _check(family, same_code(back, value), value)
    else:
        _check(family, type(back) is type(value) and back == value, value)
    return back


def json_roundtrip(family: str, type_name: str, cls: type[BaseModel], value: BaseModel) -> None:
    """pydantic's own JSON through Rust: byte-identical, and what pydantic reads back."""
    dumped = value.model_dump_json()
    _check(family, _rust(type_name, dumped) == dumped, dumped)


def field_json(family: str, type_name: str, cls: type[BaseModel], value: BaseModel, fields: dict[str, Any]) -> None:
    """Image / Audio / File: Rust writes the field object, which pydantic reads back equal."""
    data = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    got = _rust(type_name, data)
    _check(family, got == data, data)
    assert got is not None
    _check(family, cls.model_validate_json(got) == value, got)


def rejects_alike(family: str, type_name: str, cls: type[BaseModel], data: str) -> None:
    """JSON pydantic rejects, Rust rejects (and the converse for these structural inputs)."""
    expected = _pydantic(cls, data)
    got = _rust(type_name, data)
    _check(family, (expected is None) == (got is None), data)


# -- strategies ---------------------------------------------------------------------------

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
json_values = st.recursive(
    st.none() | st.booleans() | ints | floats | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
json_objects = st.dictionaries(text, json_values, max_size=4)
path = st.text(alphabet="abcxyz0123456789-_/.", min_size=1, max_size=12)
urls = st.one_of(
    st.builds(lambda p: f"https://example.com/{p}", path),
    st.builds(lambda p: f"gs://bucket/{p}.png", path),
    st.builds(lambda b: "data:image/png;base64," + base64.b64encode(b).decode(), st.binary(max_size=24)),
)
b64 = st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode())
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
# Code as an LM writes it: sometimes inside a Markdown fence, sometimes with stray backticks.
code_text = (
    st.lists(st.sampled_from(["```", "```python\n", "\n", "x = 1", " ", "é", "`", "\x1c", "print()"]), max_size=8).map(
        "".join
    )
    | text
)


# -- Image, Audio, File --------------------------------------------------------------------


@SETTINGS
@given(urls)
def test_image(url: str) -> None:
    image = dspy.Image(url=url)
    python_roundtrip("image", image)
    field_json("image", "dspy.Image", dspy.Image, image, {"url": image.url})


@SETTINGS
@given(b64, st.sampled_from(["wav", "mp3", "ogg", "flac"]))
def test_audio(data: str, audio_format: str) -> None:
    audio = dspy.Audio(data=data, audio_format=audio_format)
    python_roundtrip("audio", audio)
    field_json("audio", "dspy.Audio", dspy.Audio, audio, {"data": audio.data, "audio_format": audio.audio_format})


@SETTINGS
@given(st.none() | b64.map(lambda d: "data:text/plain;base64," + d), st.none() | names, st.none() | path)
def test_file(file_data: str | None, file_id: str | None, filename: str | None) -> None:
    file = dspy.File(file_data=file_data, file_id=file_id, filename=filename)
    python_roundtrip("file", file)
    fields = {"file_data": file.file_data, "file_id": file.file_id, "filename": file.filename}
    field_json("file", "dspy.File", dspy.File, file, fields)


MEDIA_REJECTED = [
    ("dspy.Image", dspy.Image, ["{}", '{"url": 1}', '{"url": "https://a", "x": 1}', '["https://a"]', "null", "1"]),
    (
        "dspy.Audio",
        dspy.Audio,
        ['{"data": "AA=="}', '{"data": "AA==", "audio_format": "wav", "x": 1}', '["AA==", "wav"]', '"x"'],
    ),
    ("dspy.File", dspy.File, ["{}", '{"file_id": 1}', '{"filename": "a", "x": 1}', '["a"]', "null"]),
]


@pytest.mark.parametrize(("type_name", "cls", "inputs"), MEDIA_REJECTED, ids=lambda v: str(v)[:20])
def test_media_rejects_what_dspy_rejects(type_name: str, cls: type[BaseModel], inputs: list[str]) -> None:
    for data in inputs:
        rejects_alike("media-invalid", type_name, cls, data)


def test_media_model_dump_json_is_a_prompt_fragment() -> None:
    """Why the Rust JSON of these is the field object: pydantic cannot read its own back."""
    for value in (dspy.Image(url="https://a/b.png"), dspy.Audio(data="AA==", audio_format="wav")):
        dumped = value.model_dump_json()
        assert "CUSTOM-TYPE-START-IDENTIFIER" in dumped
        assert _pydantic(type(value), dumped) is None


# -- History --------------------------------------------------------------------------------


@SETTINGS
@given(st.lists(json_objects, max_size=4))
def test_history(messages: list[dict[str, Any]]) -> None:
    history = dspy.History(messages=messages)
    python_roundtrip("history", history)
    json_roundtrip("history", "dspy.History", dspy.History, history)


@pytest.mark.parametrize("data", ["{}", '{"messages": {}}', '{"messages": [1]}', '{"messages": [], "x": 1}', "[[]]"])
def test_history_rejects_what_pydantic_rejects(data: str) -> None:
    rejects_alike("history-invalid", "dspy.History", dspy.History, data)


# -- Code, Reasoning ------------------------------------------------------------------------

CODES = [("dspy.Code", dspy.Code), ("dspy.Code['python']", CodePython), ("dspy.Code['rust']", CodeRust)]


@SETTINGS
@given(code_text, st.sampled_from(CODES))
def test_code(code: str, kind: tuple[str, type[BaseModel]]) -> None:
    type_name, cls = kind
    value = cls(code=code)  # DSPy strips a Markdown fence here
    python_roundtrip("code", value)
    json_roundtrip("code", type_name, cls, value)
    # what an LM writes, as text or as an object: Rust strips the fence as DSPy does
    for data in (json.dumps(code), json.dumps({"code": code, "other": 1})):
        expected = cls.model_validate_json(data).model_dump_json()
        _check("code-read", _rust(type_name, data) == expected, data)


@pytest.mark.parametrize("data", ["{}", '{"code": 1}', "1", "null", '["x"]', "true"])
def test_code_rejects_what_dspy_rejects(data: str) -> None:
    for type_name, cls in CODES:
        rejects_alike("code-invalid", type_name, cls, data)


def test_code_language_is_kept() -> None:
    back = native.roundtrip(CodeRust(code="fn main() {}"))
    assert type(back).__name__ == "Code_rust" and back.language == "rust"
    assert type(native.roundtrip(dspy.Code(code="x"))) is dspy.Code


@SETTINGS
@given(text)
def test_reasoning(content: str) -> None:
    value = dspy.Reasoning(content=content)
    python_roundtrip("reasoning", value)
    json_roundtrip("reasoning", "dspy.Reasoning", dspy.Reasoning, value)
    data = json.dumps({"content": content})
    _check("reasoning-read", _rust("dspy.Reasoning", data) == json.dumps(content, ensure_ascii=False), data)


@pytest.mark.parametrize("data", ["{}", '{"content": 1}', "1", "null", '["x"]'])
def test_reasoning_rejects_what_dspy_rejects(data: str) -> None:
    rejects_alike("reasoning-invalid", "dspy.Reasoning", dspy.Reasoning, data)


# -- ToolCalls, ToolCallResults -------------------------------------------------------------

tool_calls = st.builds(
    lambda i, n, a: dspy.ToolCalls.ToolCall(id=i, name=n, args=a), st.none() | names, names, json_objects
)


@SETTINGS
@given(st.lists(tool_calls, max_size=3), st.none() | json_values.filter(lambda v: v is not None))
def test_tool_calls(calls: list[Any], results: Any) -> None:
    value = dspy.ToolCalls(tool_calls=calls, tool_call_results=results)
    python_roundtrip("tool_calls", value)
    rust = _rust("dspy.ToolCalls", value.model_dump_json())
    if all(c.id is None for c in calls):
        json_roundtrip("tool_calls", "dspy.ToolCalls", dspy.ToolCalls, value)
    # Rust writes a call's id (pydantic drops it): its JSON reads back to the same calls
    assert rust is not None
    ours = json.dumps(
        {
            "tool_calls": [
                {**({"id": c.id} if c.id is not None else {}), "name": c.name, "args": c.args} for c in calls
            ],
            **({"tool_call_results": results} if results is not None else {}),
        },
        ensure_ascii=False,
    )
    again = _rust("dspy.ToolCalls", ours)
    assert again is not None
    _check("tool_calls-ids", dspy.ToolCalls.model_validate_json(again) == value, again)


@SETTINGS
@given(tool_calls)
def test_tool_call(call: Any) -> None:
    python_roundtrip("tool_call", call)
    if call.id is None:
        json_roundtrip("tool_call", "dspy.ToolCalls.ToolCall", dspy.ToolCalls.ToolCall, call)


TOOL_CALLS_INPUTS = [
    "{}",
    '{"tool_calls": {}}',
    '{"tool_calls": [{"name": "f"}]}',
    '{"tool_calls": [{"name": 1, "args": {}}]}',
    '{"tool_calls": [{"name": "f", "args": {}}]}',
    '[{"name": "f", "args": {"x": 1}}]',
    '{"name": "f", "args": {"x": 1}}',
    "[]",
    "null",
    '"f"',
    # provider shapes and DSPy's normalisation of them
    '{"tool_calls": [{"function": {"name": "f", "arguments": "{\\"x\\": 1}"}, "id": "c1"}]}',
    '[{"function": {"name": "f", "arguments": {"x": 1}}}]',
    '{"tool_calls": [{"name": "f", "arguments": {"x": 1}, "call_id": "c2"}]}',
    '{"tool_calls": [{"name": "f", "args": null, "id": ""}]}',
    '{"tool_calls": [{"name": "f", "args": [1], "id": 0, "call_id": "c"}]}',
    '{"tool_calls": [{"name": "f", "args": {}, "id": 5}]}',
    '{"tool_calls": [{"function": null, "name": "f"}]}',
    '{"tool_calls": [{"function": [1], "name": "f"}]}',
    '{"tool_calls": ["f"]}',
    '{"tool_calls": [], "tool_call_results": null}',
    '{"tool_calls": [], "tool_call_results": [1, {"a": 2}]}',
]

# A tool call as an LM or a provider might write one: the keys DSPy looks at, any values.
call_keys = st.sampled_from(["id", "call_id", "name", "args", "arguments", "function", "other"])
call_values = json_values | json_objects | st.builds(json.dumps, json_objects) | names
raw_calls = st.dictionaries(call_keys, call_values, max_size=4) | st.builds(
    lambda f, rest: {**rest, "function": f},
    st.dictionaries(st.sampled_from(["name", "arguments"]), call_values, max_size=2),
    st.dictionaries(call_keys, call_values, max_size=2),
)


def _repaired(call: Any) -> bool:
    """Whether DSPy would repair the call's arguments (json_repair), which Rust does not."""
    holders = [call, call.get("function")] if isinstance(call, dict) else []
    for holder in holders:
        for key in ("args", "arguments"):
            value = holder.get(key) if isinstance(holder, dict) else None
            if isinstance(value, str):
                try:
                    json.loads(value)
                except ValueError:
                    return True
    return False


@SETTINGS
@given(
    st.one_of(
        st.lists(raw_calls, max_size=3).map(lambda c: {"tool_calls": c}), st.lists(raw_calls, max_size=3), raw_calls
    )
)
def test_tool_calls_read_like_dspy_fuzzed(data: Any) -> None:
    calls = data.get("tool_calls", [data]) if isinstance(data, dict) else data
    if any(_repaired(c) for c in calls):
        return  # json_repair's guesses are not mirrored (README)
    text = json.dumps(data)
    expected = _pydantic(dspy.ToolCalls, text)
    got = _rust("dspy.ToolCalls", text)
    _check("tool_calls-fuzz", (expected is None) == (got is None), text)
    if expected is not None:
        again = dspy.ToolCalls.model_validate_json(got) if got is not None else None
        if again is not None and any(c.id == "" for c in expected.tool_calls):
            # README: DSPy reads `"id": ""` back as no id (`id or call_id`): the one difference
            again = again.model_copy(
                update={
                    "tool_calls": [_empty_id(a, e) for a, e in zip(again.tool_calls, expected.tool_calls, strict=True)]
                }
            )
        _check("tool_calls-fuzz", again == expected, text)


def _empty_id(again: Any, expected: Any) -> Any:
    """`again`'s call with the empty id DSPy dropped on reading Rust's JSON put back."""
    return again.model_copy(update={"id": ""}) if expected.id == "" and again.id is None else again


@pytest.mark.parametrize("data", TOOL_CALLS_INPUTS)
def test_tool_calls_read_like_dspy(data: str) -> None:
    expected = _pydantic(dspy.ToolCalls, data)
    got = _rust("dspy.ToolCalls", data)
    _check("tool_calls-read", (expected is None) == (got is None), data)
    if expected is not None:  # Rust writes the ids pydantic drops: compare what pydantic reads back
        _check("tool_calls-read", got is not None and dspy.ToolCalls.model_validate_json(got) == expected, data)


tool_results = st.builds(
    lambda i, n, v, e: dspy.ToolCallResults.ToolCallResult(call_id=i, name=n, value=v, is_error=e),
    st.none() | names,
    names,
    json_values,
    st.booleans(),
)


@SETTINGS
@given(st.lists(tool_results, max_size=3))
def test_tool_call_results(results: list[Any]) -> None:
    value = dspy.ToolCallResults(tool_call_results=results)
    python_roundtrip("tool_call_results", value)
    json_roundtrip("tool_call_results", "dspy.ToolCallResults", dspy.ToolCallResults, value)


@pytest.mark.parametrize(
    "data",
    [
        "{}",
        '{"tool_call_results": [{"name": "f"}]}',
        '{"tool_call_results": [{"name": "f", "value": 1}]}',
        '[{"name": "f", "value": null, "is_error": true}]',
        '{"name": "f", "value": [1]}',
        "null",
        '"x"',
    ],
)
def test_tool_call_results_read_like_dspy(data: str) -> None:
    expected = _pydantic(dspy.ToolCallResults, data)
    got = _rust("dspy.ToolCallResults", data)
    _check("tool_call_results-read", (expected is None) == (got is None), data)
    if expected is not None:
        _check("tool_call_results-read", got == expected.model_dump_json(), data)


# -- inside a model ---------------------------------------------------------------------------


@SETTINGS
@given(
    st.lists(urls.map(lambda u: dspy.Image(url=u)), max_size=2),
    st.none() | code_text.map(lambda c: {"code": c}),  # the model's own Code["python"] class builds it
    st.lists(tool_calls, max_size=2),
    st.dictionaries(names, text.map(lambda c: dspy.Reasoning(content=c)), max_size=2),
    st.none() | st.lists(tool_results, max_size=2).map(lambda r: dspy.ToolCallResults(tool_call_results=r)),
)
def test_inside_a_model(images: list[Any], snippet: Any, calls: list[Any], notes: dict[str, Any], results: Any) -> None:
    value = sigs.Attachment(images=images, snippet=snippet, calls=calls, notes=notes, results=results)
    back = python_roundtrip("model", value)
    assert back.snippet is None or type(back.snippet) is type(value.snippet)  # the model's own Code class
    if not images and all(c.id is None for c in calls):  # pydantic's JSON of these round-trips
        json_roundtrip("model", "Attachment", sigs.Attachment, value)


def test_python_to_rust_checks_the_class_and_the_language() -> None:
    """A value of the wrong class (or a Code of another language) is a TypeError, not a guess.
    `model_construct` skips pydantic's validation, as a value set by hand after it would."""
    wrong_language = sigs.Attachment.model_construct(images=[], snippet=CodeRust(code="fn f() {}"))
    with pytest.raises(TypeError, match="Code"):
        native.roundtrip(wrong_language)
    not_an_image = sigs.Attachment.model_construct(images=[{"url": "https://a"}])
    with pytest.raises(TypeError, match=r"dspy\.Image"):
        native.roundtrip(not_an_image)
    RUNS["wrong-class"] += 2


# JSON as it might arrive (from an LM or another program): strings with whitespace around them,
# which File and History trim (str_strip_whitespace), wrong types, missing and extra keys.
spaced = st.text(alphabet=" \t\n\u00a0\u2003\x1cab", max_size=6)
loose = st.none() | spaced | ints | st.booleans()


def read_alike(family: str, type_name: str, cls: type[BaseModel], data: Any) -> None:
    text = json.dumps(data)
    expected = _pydantic(cls, text)
    got = _rust(type_name, text)
    _check(family, (expected is None) == (got is None), text)
    if expected is not None:
        _check(family, got is not None and cls.model_validate_json(got) == expected, text)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["file_data", "file_id", "filename", "other"]), loose, max_size=3))
def test_file_read_like_dspy(data: dict[str, Any]) -> None:
    read_alike("file-read", "dspy.File", dspy.File, data)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["data", "audio_format", "other"]), loose, max_size=3))
def test_audio_read_like_dspy(data: dict[str, Any]) -> None:
    read_alike("audio-read", "dspy.Audio", dspy.Audio, data)


@SETTINGS
@given(st.lists(st.dictionaries(spaced, json_values, max_size=3) | loose, max_size=3))
def test_history_read_like_pydantic(messages: list[Any]) -> None:
    read_alike("history-read", "dspy.History", dspy.History, {"messages": messages})


raw_results = st.dictionaries(
    st.sampled_from(["call_id", "name", "value", "is_error", "other"]), loose | json_objects, max_size=4
)


@SETTINGS
@given(
    st.one_of(
        st.lists(raw_results, max_size=3).map(lambda r: {"tool_call_results": r}),
        st.lists(raw_results, max_size=3),
        raw_results,
    )
)
def test_tool_call_results_read_like_dspy_fuzzed(data: Any) -> None:
    read_alike("tool_call_results-fuzz", "dspy.ToolCallResults", dspy.ToolCallResults, data)
