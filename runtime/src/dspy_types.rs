//! DSPy's own types as Rust types: `dspy.Image`, `Audio`, `File`, `History`, `Code` /
//! `Code["python"]`, `Reasoning`, `ToolCalls` (with `ToolCalls.ToolCall`) and
//! `ToolCallResults` (with `ToolCallResults.ToolCallResult`), with the fields of dspy 3.4 (feature `dspy-types`).
//!
//! Python -> Rust reads the attributes of the dspy object (not `model_dump()`, which for
//! `Image`, `Audio` and `File` is a prompt fragment and for `Code` a bare string); Rust ->
//! Python calls the dspy class with keyword arguments, so DSPy's own validators run.
//!
//! The JSON form is what the dspy class validates from:
//! - `Image` `{"url": ..}`, `Audio` `{"data": .., "audio_format": ..}`, `File`
//!   `{"file_data": .., "file_id": .., "filename": ..}`: pydantic's `model_dump_json()` of
//!   these writes a `<<CUSTOM-TYPE-START-IDENTIFIER>>` prompt fragment no validator reads
//!   back, so here the JSON is the field object, which `model_validate_json` accepts.
//! - `History`, `ToolCallResults`: as `model_dump_json()` writes them (byte-identical).
//! - `Code`, `Reasoning`: a bare string, as `model_dump_json()` writes them; read from a
//!   string or `{"code": ..}` / `{"content": ..}`, a `Code` stripped of a Markdown fence as
//!   DSPy strips it.
//! - `ToolCalls`: `{"tool_calls": [{"name": .., "args": {..}}], "tool_call_results": ..}` as
//!   `model_dump_json()` writes it, except that a call's `id` is written when it has one
//!   (pydantic drops it, so its JSON does not round-trip; this one does).

use std::marker::PhantomData;

use indexmap::IndexMap;
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};
use pyo3::IntoPyObjectExt;
use serde::{Deserialize, Serialize};

use crate::pytypes::{from_json_py, to_json_py};
use crate::{import_class, MapOnly};

/// `dspy.<qualname>`, imported once per process.
fn class<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    qualname: &str,
) -> PyResult<Bound<'py, PyType>> {
    import_class(py, cell, "dspy", qualname)
}

/// Reads `obj` only when it is an instance of `dspy.<qualname>`, for a clear error otherwise.
fn checked<'a, 'py>(
    obj: Borrowed<'a, 'py, PyAny>,
    cell: &'static PyOnceLock<Py<PyType>>,
    qualname: &str,
) -> PyResult<Borrowed<'a, 'py, PyAny>> {
    if obj.is_instance(class(obj.py(), cell, qualname)?.as_any())? {
        Ok(obj)
    } else {
        let got = obj.get_type().fully_qualified_name()?;
        Err(PyTypeError::new_err(format!(
            "expected a dspy.{qualname}, got {got}"
        )))
    }
}

fn get<'py, T: FromPyObjectOwned<'py>>(obj: &Borrowed<'_, 'py, PyAny>, name: &str) -> PyResult<T> {
    obj.getattr(name)?.extract::<T>().map_err(Into::into)
}

/// Reads a struct from an object only (serde would also take an array of its fields, which
/// pydantic refuses).
fn map_only<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    T::deserialize(MapOnly(deserializer))
}

// `Image`, `File` and `History` have `str_strip_whitespace=True`: pydantic trims their strings
// (as Rust's `str::trim` does), and the keys of History's messages, on the way in.
fn stripped<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(String::deserialize(deserializer)?.trim().to_string())
}

fn stripped_option<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.map(|s| s.trim().to_string()))
}

fn stripped_keys<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<IndexMap<String, serde_json::Value>>, D::Error> {
    let messages = Vec::<IndexMap<String, serde_json::Value>>::deserialize(deserializer)?;
    // a key equal to another once trimmed overwrites it in place, as a Python dict does
    Ok(messages
        .into_iter()
        .map(|m| {
            m.into_iter()
                .map(|(k, v)| (k.trim().to_string(), v))
                .collect()
        })
        .collect())
}

/// `dspy.Image`: an image by URL or data URI (`url` as DSPy normalised it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Image {
    #[serde(deserialize_with = "stripped")]
    /// URL or data URI.
    pub url: String,
}

/// `dspy.Audio`: base64 audio data and its format (`"wav"`, `"mp3"`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Audio {
    /// The audio data, base64.
    pub data: String,
    /// `"wav"`, `"mp3"`, ....
    pub audio_format: String,
}

/// `dspy.File`: file data (a data URI), a provider's file id, a file name; at least one is set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct File {
    /// The file's data, a data URI.
    pub file_data: Option<String>,
    /// A provider's id of the file.
    pub file_id: Option<String>,
    /// The file's name.
    pub filename: Option<String>,
}

#[derive(Deserialize)]
#[serde(remote = "File", deny_unknown_fields)]
struct FileFields {
    #[serde(default, deserialize_with = "stripped_option")]
    file_data: Option<String>,
    #[serde(default, deserialize_with = "stripped_option")]
    file_id: Option<String>,
    #[serde(default, deserialize_with = "stripped_option")]
    filename: Option<String>,
}

impl<'de> Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // DSPy's validator: an object with at least one of the three keys (even a null one).
        let object = IndexMap::<String, serde_json::Value>::deserialize(deserializer)?;
        if !["file_data", "file_id", "filename"]
            .iter()
            .any(|k| object.contains_key(*k))
        {
            return Err(serde::de::Error::custom(
                "dspy.File must contain at least one of: file_data, file_id, or filename",
            ));
        }
        let value = serde_json::Value::Object(object.into_iter().collect());
        FileFields::deserialize(value).map_err(serde::de::Error::custom)
    }
}

/// `dspy.History`: the conversation so far, one JSON object per turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct History {
    #[serde(deserialize_with = "stripped_keys")]
    /// One JSON object per turn.
    pub messages: Vec<IndexMap<String, serde_json::Value>>,
}

/// The language of a `dspy.Code[...]`, as a type.
pub trait CodeLanguage: 'static {
    /// The string given to `dspy.Code[...]`; None for `dspy.Code` itself.
    const LANGUAGE: Option<&'static str>;
}

/// `dspy.Code` itself, without a language (DSPy's default class variable says "python").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Unspecified;

impl CodeLanguage for Unspecified {
    const LANGUAGE: Option<&'static str> = None;
}

/// A language of `dspy.Code[...]` as a type: `code_language!(Python = "python");` declares
/// the marker `Python`, for `Code<Python>` (`dspy.Code["python"]`). A generated crate declares
/// the languages it uses.
#[macro_export]
macro_rules! code_language {
    ($($name:ident = $language:literal),* $(,)?) => {$(
        #[doc = concat!("`dspy.Code[\"", $language, "\"]`.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;

        impl $crate::dspy_types::CodeLanguage for $name {
            const LANGUAGE: ::std::option::Option<&'static str> = ::std::option::Option::Some($language);
        }
    )*};
}

/// `dspy.Code` (`L` = [`Unspecified`]) or `dspy.Code["python"]` (`L` = a [`code_language!`] marker).
#[derive(Debug, Clone, PartialEq)]
pub struct Code<L: CodeLanguage = Unspecified> {
    /// The code (stripped of a Markdown fence when read from an LM).
    pub code: String,
    language: PhantomData<L>,
}

impl<L: CodeLanguage> Code<L> {
    /// `code` in the language `L`.
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            language: PhantomData,
        }
    }

    /// The language this type stands for (`None`: `dspy.Code` itself).
    pub fn language(&self) -> Option<&'static str> {
        L::LANGUAGE
    }
}

/// DSPy's `_filter_code`: the inside of the first Markdown code fence, stripped; else `code`.
fn filter_code(code: &str) -> String {
    let strip = |s: &str| {
        s.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
            .to_string()
    };
    // ```lang\n{code}``` : a fence, the rest of its line, then up to the next fence.
    for (start, _) in code.match_indices("```") {
        if let Some(newline) = code[start + 3..].find('\n') {
            let body = start + 3 + newline + 1;
            if let Some(end) = code[body..].find("```") {
                return strip(&code[body..body + end]);
            }
        }
    }
    // ```{code}``` on one line.
    if let Some(start) = code.find("```") {
        if let Some(end) = code[start + 3..].find("```") {
            return strip(&code[start + 3..start + 3 + end]);
        }
    }
    code.to_string()
}

#[derive(Deserialize)]
#[serde(untagged, bound = "T: Deserialize<'de>")]
enum TextOr<T> {
    Text(String),
    #[serde(deserialize_with = "map_only")]
    Object(T),
}

#[derive(Deserialize)]
struct CodeObject {
    code: String,
}

impl<L: CodeLanguage> Serialize for Code<L> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code)
    }
}

impl<'de, L: CodeLanguage> Deserialize<'de> for Code<L> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = match TextOr::<CodeObject>::deserialize(deserializer)? {
            TextOr::Text(code) | TextOr::Object(CodeObject { code }) => code,
        };
        Ok(Self::new(filter_code(&code)))
    }
}

/// `dspy.Reasoning`: the LM's reasoning, a string to DSPy's adapters.
#[derive(Debug, Clone, PartialEq)]
pub struct Reasoning {
    /// The reasoning text.
    pub content: String,
}

#[derive(Deserialize)]
struct ReasoningObject {
    content: String,
}

impl Serialize for Reasoning {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.content)
    }
}

impl<'de> Deserialize<'de> for Reasoning {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let content = match TextOr::<ReasoningObject>::deserialize(deserializer)? {
            TextOr::Text(content) | TextOr::Object(ReasoningObject { content }) => content,
        };
        Ok(Self { content })
    }
}

/// `dspy.ToolCalls.ToolCall`: one call of a tool by name, with its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct ToolCall {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The provider's id of the call, if any.
    pub id: Option<String>,
    /// The tool's name.
    pub name: String,
    /// Its arguments, as JSON.
    pub args: IndexMap<String, serde_json::Value>,
}

/// `dspy.ToolCalls`: the tool calls an LM asked for (and, once run, their results).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct ToolCalls {
    /// The calls, in order.
    pub tool_calls: Vec<ToolCall>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Their results, once run.
    pub tool_call_results: Option<serde_json::Value>,
}

/// `dspy.ToolCallResults.ToolCallResult`: what one tool call gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct ToolCallResult {
    #[serde(default)]
    /// The id of the call it answers.
    pub call_id: Option<String>,
    /// The tool's name.
    pub name: String,
    /// What the tool returned, as JSON.
    pub value: serde_json::Value,
    #[serde(default)]
    /// Whether the tool raised.
    pub is_error: bool,
}

/// `dspy.ToolCallResults`: the results of tool calls, to give back to the LM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct ToolCallResults {
    /// The results, in order.
    pub tool_call_results: Vec<ToolCallResult>,
}

crate::struct_serde!(map_only Image);
crate::struct_serde!(map_only Audio);
crate::struct_serde!(map_only History);
crate::struct_serde!(map_only ToolCall);
crate::struct_serde!(map_only ToolCallResult);

impl<'de> Deserialize<'de> for ToolCallResults {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // DSPy also takes the bare list of results, or one result.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            List(Vec<ToolCallResult>),
            #[serde(deserialize_with = "tool_call_results_object")]
            Object(ToolCallResults),
            One(ToolCallResult),
        }
        Ok(match Form::deserialize(deserializer)? {
            Form::List(tool_call_results) => ToolCallResults { tool_call_results },
            Form::Object(results) => results,
            Form::One(result) => ToolCallResults {
                tool_call_results: vec![result],
            },
        })
    }
}

fn tool_call_results_object<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<ToolCallResults, D::Error> {
    ToolCallResults::deserialize(MapOnly(deserializer))
}

impl Serialize for ToolCallResults {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Self::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for ToolCalls {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        tool_calls_from(serde_json::Value::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}

type JsonObject = serde_json::Map<String, serde_json::Value>;

/// DSPy's `ToolCalls.validate_input`: `{"tool_calls": [..], "tool_call_results": ..}`, the
/// bare list of calls, or one call; each call read as `_normalize_tool_call_dict` reads it.
fn tool_calls_from(data: serde_json::Value) -> Result<ToolCalls, String> {
    use serde_json::Value;
    let invalid = || format!("invalid value for dspy.ToolCalls: {data}");
    match &data {
        Value::Array(items)
            if items
                .iter()
                .all(|i| i.as_object().is_some_and(is_tool_call)) =>
        {
            Ok(ToolCalls {
                tool_calls: items
                    .iter()
                    .filter_map(Value::as_object)
                    .map(normalized_call)
                    .collect::<Result<_, _>>()?,
                tool_call_results: None,
            })
        }
        Value::Object(object) if object.contains_key("tool_calls") => {
            let Some(Value::Array(items)) = object.get("tool_calls") else {
                return Err(invalid());
            };
            let tool_calls = items
                .iter()
                .map(|item| {
                    item.as_object()
                        .ok_or_else(|| format!("a tool call must be an object: {item}"))
                })
                .map(|item| normalized_call(item?))
                .collect::<Result<_, _>>()?;
            let results = object
                .get("tool_call_results")
                .filter(|v| !v.is_null())
                .cloned();
            Ok(ToolCalls {
                tool_calls,
                tool_call_results: results,
            })
        }
        Value::Object(object) if is_tool_call(object) => Ok(ToolCalls {
            tool_calls: vec![normalized_call(object)?],
            tool_call_results: None,
        }),
        _ => Err(invalid()),
    }
}

/// DSPy's `_is_tool_call_dict`.
fn is_tool_call(object: &JsonObject) -> bool {
    (object.contains_key("name")
        && (object.contains_key("args") || object.contains_key("arguments")))
        || object.contains_key("function")
}

/// Python's truth value of a JSON value.
fn truthy(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// DSPy's `_normalize_tool_call_dict`, then `ToolCall`'s validation: `args` or `arguments` (a
/// JSON string is parsed; anything but an object is `{}`), or the provider's `function` shape;
/// `id`, else `call_id`.
fn normalized_call(call: &JsonObject) -> Result<ToolCall, String> {
    use serde_json::Value;
    let empty = Value::Object(JsonObject::new());
    let (arguments, name) = match call.get("function") {
        Some(function) => {
            let function = if truthy(function) { function } else { &empty };
            let Value::Object(function) = function else {
                return Err(format!(
                    "invalid function value for dspy.ToolCalls: {function}"
                ));
            };
            let name = function
                .get("name")
                .filter(|n| truthy(n))
                .or_else(|| call.get("name"));
            (function.get("arguments").unwrap_or(&empty).clone(), name)
        }
        None => (
            call.get("args")
                .or_else(|| call.get("arguments"))
                .unwrap_or(&empty)
                .clone(),
            call.get("name"),
        ),
    };
    let args = match arguments {
        // DSPy repairs broken JSON here (json_repair); these bindings read only valid JSON.
        Value::String(text) => match serde_json::from_str(&text) {
            Ok(Value::Object(args)) => args,
            _ => {
                return Err(format!(
                    "the arguments of a tool call are not a JSON object: {text:?}"
                ))
            }
        },
        Value::Object(args) => args,
        _ => JsonObject::new(),
    };
    let id = match call
        .get("id")
        .filter(|id| truthy(id))
        .or_else(|| call.get("call_id"))
    {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(other) => return Err(format!("the id of a tool call must be a string: {other}")),
    };
    let Some(Value::String(name)) = name else {
        return Err("a tool call needs a string `name`".to_string());
    };
    Ok(ToolCall {
        id,
        name: name.clone(),
        args: args.into_iter().collect(),
    })
}

impl Serialize for ToolCalls {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Self::serialize(self, serializer)
    }
}

static IMAGE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static AUDIO: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static FILE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static HISTORY: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CODE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static REASONING: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TOOL_CALL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TOOL_CALLS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TOOL_CALL_RESULT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TOOL_CALL_RESULTS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `dspy.<qualname>(**kwargs)`.
fn build<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    qualname: &str,
    kwargs: &[(&Bound<'py, PyAny>, Bound<'py, PyAny>)],
) -> PyResult<Bound<'py, PyAny>> {
    let dict = PyDict::new(py);
    for (key, value) in kwargs {
        dict.set_item(key, value)?;
    }
    class(py, cell, qualname)?.call((), Some(&dict))
}

impl<'a, 'py> FromPyObject<'a, 'py> for Image {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = checked(obj, &IMAGE, "Image")?;
        Ok(Self {
            url: get(&obj, "url")?,
        })
    }
}

impl<'py> IntoPyObject<'py> for &Image {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        build(
            py,
            &IMAGE,
            "Image",
            &[(
                intern!(py, "url").as_any(),
                self.url.as_str().into_pyobject(py)?.into_any(),
            )],
        )
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Audio {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = checked(obj, &AUDIO, "Audio")?;
        Ok(Self {
            data: get(&obj, "data")?,
            audio_format: get(&obj, "audio_format")?,
        })
    }
}

impl<'py> IntoPyObject<'py> for &Audio {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        build(
            py,
            &AUDIO,
            "Audio",
            &[
                (
                    intern!(py, "data").as_any(),
                    self.data.as_str().into_pyobject(py)?.into_any(),
                ),
                (
                    intern!(py, "audio_format").as_any(),
                    self.audio_format.as_str().into_pyobject(py)?.into_any(),
                ),
            ],
        )
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for File {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = checked(obj, &FILE, "File")?;
        Ok(Self {
            file_data: get(&obj, "file_data")?,
            file_id: get(&obj, "file_id")?,
            filename: get(&obj, "filename")?,
        })
    }
}

impl<'py> IntoPyObject<'py> for &File {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        build(
            py,
            &FILE,
            "File",
            &[
                (
                    intern!(py, "file_data").as_any(),
                    self.file_data.as_deref().into_pyobject(py)?.into_any(),
                ),
                (
                    intern!(py, "file_id").as_any(),
                    self.file_id.as_deref().into_pyobject(py)?.into_any(),
                ),
                (
                    intern!(py, "filename").as_any(),
                    self.filename.as_deref().into_pyobject(py)?.into_any(),
                ),
            ],
        )
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for History {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = checked(obj, &HISTORY, "History")?;
        Ok(Self {
            messages: from_json_py(&obj.getattr(intern!(obj.py(), "messages"))?)?,
        })
    }
}

impl<'py> IntoPyObject<'py> for &History {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        build(
            py,
            &HISTORY,
            "History",
            &[(
                intern!(py, "messages").as_any(),
                to_json_py(py, &self.messages)?,
            )],
        )
    }
}

/// The class of `Code<L>`: `dspy.Code`, or `dspy.Code[language]`. DSPy builds a new class
/// on every subscript; these bindings build one per language and keep it.
fn code_class<'py, L: CodeLanguage>(py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
    let base = class(py, &CODE, "Code")?;
    let Some(language) = L::LANGUAGE else {
        return Ok(base.into_any());
    };
    static BY_LANGUAGE: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
    let cache = BY_LANGUAGE
        .get_or_init(py, || PyDict::new(py).unbind())
        .bind(py);
    if let Some(found) = cache.get_item(language)? {
        return Ok(found);
    }
    let made = base.get_item(language)?;
    cache.set_item(language, &made)?;
    Ok(made)
}

impl<'a, 'py, L: CodeLanguage> FromPyObject<'a, 'py> for Code<L> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = checked(obj, &CODE, "Code")?;
        if let Some(language) = L::LANGUAGE {
            let got: String = get(&obj, "language")?;
            if got != language {
                return Err(PyTypeError::new_err(format!(
                    "expected dspy.Code[{language:?}], got code in {got:?}"
                )));
            }
        }
        Ok(Self::new(get::<String>(&obj, "code")?))
    }
}

impl<'py, L: CodeLanguage> IntoPyObject<'py> for &Code<L> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item(intern!(py, "code"), &self.code)?;
        code_class::<L>(py)?.call((), Some(&kwargs))
    }
}

impl<'py, L: CodeLanguage> IntoPyObject<'py> for Code<L> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        (&self).into_pyobject(py)
    }
}

/// `value` as a pydantic model's `model_validate` takes it: each `dspy.Code[...]` inside
/// becomes `{"code": ..}`. pydantic refuses an instance of another `Code[...]` class than the
/// model's own, and every `dspy.Code["python"]` is another class.
pub fn for_validation<'py, T: IntoPyObject<'py>>(
    py: Python<'py>,
    value: T,
) -> PyResult<Bound<'py, PyAny>> {
    unwrap_code(py, value.into_bound_py_any(py)?)
}

fn unwrap_code<'py>(py: Python<'py>, obj: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if obj.is_instance(class(py, &CODE, "Code")?.as_any())? {
        let dict = PyDict::new(py);
        dict.set_item(intern!(py, "code"), obj.getattr(intern!(py, "code"))?)?;
        return Ok(dict.into_any());
    }
    if let Ok(list) = obj.cast::<PyList>() {
        let items = list
            .iter()
            .map(|item| unwrap_code(py, item))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(PyList::new(py, items)?.into_any());
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        let items = tuple
            .iter()
            .map(|item| unwrap_code(py, item))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(PyTuple::new(py, items)?.into_any());
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let out = PyDict::new(py);
        for (key, item) in dict.iter() {
            out.set_item(key, unwrap_code(py, item)?)?;
        }
        return Ok(out.into_any());
    }
    Ok(obj)
}

impl<'a, 'py> FromPyObject<'a, 'py> for Reasoning {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = checked(obj, &REASONING, "Reasoning")?;
        Ok(Self {
            content: get(&obj, "content")?,
        })
    }
}

impl<'py> IntoPyObject<'py> for &Reasoning {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        build(
            py,
            &REASONING,
            "Reasoning",
            &[(
                intern!(py, "content").as_any(),
                self.content.as_str().into_pyobject(py)?.into_any(),
            )],
        )
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for ToolCall {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = checked(obj, &TOOL_CALL, "ToolCalls.ToolCall")?;
        Ok(Self {
            id: get(&obj, "id")?,
            name: get(&obj, "name")?,
            args: from_json_py(&obj.getattr(intern!(obj.py(), "args"))?)?,
        })
    }
}

impl<'py> IntoPyObject<'py> for &ToolCall {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        build(
            py,
            &TOOL_CALL,
            "ToolCalls.ToolCall",
            &[
                (
                    intern!(py, "id").as_any(),
                    self.id.as_deref().into_pyobject(py)?.into_any(),
                ),
                (
                    intern!(py, "name").as_any(),
                    self.name.as_str().into_pyobject(py)?.into_any(),
                ),
                (intern!(py, "args").as_any(), to_json_py(py, &self.args)?),
            ],
        )
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for ToolCalls {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = checked(obj, &TOOL_CALLS, "ToolCalls")?;
        let results = obj.getattr(intern!(obj.py(), "tool_call_results"))?;
        Ok(Self {
            tool_calls: get(&obj, "tool_calls")?,
            tool_call_results: if results.is_none() {
                None
            } else {
                Some(from_json_py(&results)?)
            },
        })
    }
}

impl<'py> IntoPyObject<'py> for &ToolCalls {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let results = match &self.tool_call_results {
            Some(value) => to_json_py(py, value)?,
            None => py.None().into_bound(py),
        };
        build(
            py,
            &TOOL_CALLS,
            "ToolCalls",
            &[
                (
                    intern!(py, "tool_calls").as_any(),
                    self.tool_calls.as_slice().into_pyobject(py)?.into_any(),
                ),
                (intern!(py, "tool_call_results").as_any(), results),
            ],
        )
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for ToolCallResult {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = checked(obj, &TOOL_CALL_RESULT, "ToolCallResults.ToolCallResult")?;
        Ok(Self {
            call_id: get(&obj, "call_id")?,
            name: get(&obj, "name")?,
            value: from_json_py(&obj.getattr(intern!(obj.py(), "value"))?)?,
            is_error: get(&obj, "is_error")?,
        })
    }
}

impl<'py> IntoPyObject<'py> for &ToolCallResult {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        build(
            py,
            &TOOL_CALL_RESULT,
            "ToolCallResults.ToolCallResult",
            &[
                (
                    intern!(py, "call_id").as_any(),
                    self.call_id.as_deref().into_pyobject(py)?.into_any(),
                ),
                (
                    intern!(py, "name").as_any(),
                    self.name.as_str().into_pyobject(py)?.into_any(),
                ),
                (intern!(py, "value").as_any(), to_json_py(py, &self.value)?),
                (
                    intern!(py, "is_error").as_any(),
                    self.is_error.into_pyobject(py)?.to_owned().into_any(),
                ),
            ],
        )
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for ToolCallResults {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = checked(obj, &TOOL_CALL_RESULTS, "ToolCallResults")?;
        Ok(Self {
            tool_call_results: get(&obj, "tool_call_results")?,
        })
    }
}

impl<'py> IntoPyObject<'py> for &ToolCallResults {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        build(
            py,
            &TOOL_CALL_RESULTS,
            "ToolCallResults",
            &[(
                intern!(py, "tool_call_results").as_any(),
                self.tool_call_results
                    .as_slice()
                    .into_pyobject(py)?
                    .into_any(),
            )],
        )
    }
}

crate::into_py_by_ref!(
    Image,
    Audio,
    File,
    History,
    Reasoning,
    ToolCall,
    ToolCalls,
    ToolCallResult,
    ToolCallResults
);
