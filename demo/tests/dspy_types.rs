//! DSPy's own types through the generated typed API (`dspy_types_rs`, fixtures/dspy_types),
//! with `DummyLM` as the LM: `dspy.History` and `dspy.Image` inputs reach the prompt, and
//! `dspy.Code["python"]`, `dspy.ToolCalls`, `dspy.Reasoning` outputs come back typed.
use dspy_types_rs::runtime::dspy_types::{
    Audio, Code, File, History, Image, ToolCall, ToolCallResult, ToolCallResults,
};
use dspy_types_rs::{
    Attachment, ChainOfThought, Describe, DescribeInput, PlanTools, PlanToolsInput, Predict,
    Transcribe, TranscribeInput, WriteCode, WriteCodeInput,
};
use indexmap::IndexMap;
use pyo3::prelude::*;
use qa_demo::{init, lm_calls, with_dummy_lm};
use serde_json::json;

/// Everything the LM was sent in its `index`-th call (`str()` of the messages: the media
/// parts of a message are a list, not a string).
fn sent(lm: &Bound<'_, PyAny>, index: usize) -> PyResult<String> {
    lm.getattr("history")?
        .get_item(index)?
        .get_item("messages")?
        .str()?
        .extract()
}

fn object(value: serde_json::Value) -> IndexMap<String, serde_json::Value> {
    serde_json::from_value(value).expect("a JSON object")
}

#[test]
fn history_and_image_in_code_out() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let reply: &[(&str, &str)] = &[
            ("code", "```python\nprint(sum([1, 2]))\n```"),
            ("summary", "Adds two numbers."),
        ];
        with_dummy_lm(py, &[reply], |lm| {
            let predict = Predict::<WriteCode>::new(py)?;
            let input = WriteCodeInput {
                task: "Add one and two.".into(),
                history: History {
                    messages: vec![object(json!({
                        "task": "Greet the user.",
                        "code": "print('hello')",
                        "summary": "Greets.",
                    }))],
                },
                image: Image {
                    url: "https://example.com/goal.png".into(),
                },
            };
            let pred = predict.call(py, &input)?;
            // DSPy stripped the Markdown fence; the type says which language it is.
            assert_eq!(pred.code.code, "print(sum([1, 2]))");
            assert_eq!(pred.code.language(), Some("python"));
            assert_eq!(pred.summary, "Adds two numbers.");
            let prompt = sent(lm, 0)?;
            assert!(prompt.contains("Greet the user."), "{prompt}"); // the history turn
            assert!(prompt.contains("https://example.com/goal.png"), "{prompt}"); // the image part
            assert!(prompt.contains("image_url"), "{prompt}");
            assert_eq!(lm_calls(lm)?, 1);
            Ok(())
        })
    })
}

#[test]
fn attachments_in_tool_calls_out() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let reply: &[(&str, &str)] = &[
            (
                "calls",
                r#"{"tool_calls": [{"name": "search", "args": {"q": "rust", "k": 3}}, {"name": "open", "args": {}}]}"#,
            ),
            ("port", "```rust\nfn main() {}\n```"),
        ];
        with_dummy_lm(py, &[reply], |lm| {
            let predict = Predict::<PlanTools>::new(py)?;
            let input = PlanToolsInput {
                question: "What is new in Rust?".into(),
                attachments: vec![Attachment {
                    images: vec![Image {
                        url: "https://example.com/chart.png".into(),
                    }],
                    audio: None,
                    file: None,
                    snippet: Some(Code::new("x = 1")),
                    calls: vec![],
                    results: None,
                    notes: IndexMap::new(),
                }],
                files: vec![File {
                    file_data: None,
                    file_id: Some("file-123".into()),
                    filename: Some("notes.txt".into()),
                }],
                previous: Some(ToolCallResults {
                    tool_call_results: vec![ToolCallResult {
                        call_id: Some("c0".into()),
                        name: "search".into(),
                        value: json!(["rust 1.90"]),
                        is_error: false,
                    }],
                }),
            };
            let pred = predict.call(py, &input)?;
            let calls = &pred.calls.tool_calls;
            assert_eq!(calls.len(), 2);
            assert_eq!(calls[0].name, "search");
            assert_eq!(calls[0].args, object(json!({"q": "rust", "k": 3})));
            assert_eq!(calls[1].name, "open");
            assert!(calls[1].args.is_empty());
            assert_eq!(pred.calls.tool_call_results, None);
            assert_eq!(pred.port.code, "fn main() {}");
            assert_eq!(pred.port.language(), Some("rust"));
            let prompt = sent(lm, 0)?;
            assert!(prompt.contains("https://example.com/chart.png"), "{prompt}");
            assert!(prompt.contains("rust 1.90"), "{prompt}");
            Ok(())
        })
    })
}

#[test]
fn chain_of_thought_with_reasoning_tool_call_and_code_outputs() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let reply: &[(&str, &str)] = &[
            ("reasoning", "A short greeting, then silence."),
            ("thoughts", "I hear a greeting."),
            ("text", "hello"),
            ("call", r#"{"name": "reply", "args": {"text": "hi"}}"#),
            ("script", "say('hi')"),
        ];
        with_dummy_lm(py, &[reply], |lm| {
            let cot = ChainOfThought::<Transcribe>::new(py)?;
            let input = TranscribeInput {
                recording: Audio {
                    data: "UklGRg==".into(),
                    audio_format: "wav".into(),
                },
            };
            let pred = cot.call(py, &input)?;
            // ChainOfThought's own `reasoning` is a `str` in dspy 3.4 (rationale_field_type=str).
            assert_eq!(pred.reasoning, "A short greeting, then silence.");
            assert_eq!(pred.thoughts.content, "I hear a greeting.");
            assert_eq!(pred.text, "hello");
            assert_eq!(
                pred.call,
                ToolCall {
                    id: None,
                    name: "reply".into(),
                    args: object(json!({"text": "hi"})),
                }
            );
            assert_eq!(pred.script.code, "say('hi')");
            assert_eq!(pred.script.language(), None); // the bare dspy.Code
            assert!(sent(lm, 0)?.contains("input_audio"));
            Ok(())
        })
    })
}

#[test]
fn string_signature_with_an_image_input() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let reply: &[(&str, &str)] = &[("answer", "A cat on a mat.")];
        with_dummy_lm(py, &[reply], |lm| {
            // `dspy.Predict("image: dspy.Image, question -> answer")`, rebuilt from its text
            let predict = Predict::<Describe>::new(py)?;
            let input = DescribeInput {
                image: Image {
                    url: "data:image/png;base64,iVBORw0KGgo=".into(),
                },
                question: "What is in the picture?".into(),
            };
            let pred = predict.call(py, &input)?;
            assert_eq!(pred.answer, "A cat on a mat.");
            assert!(sent(lm, 0)?.contains("data:image/png;base64,iVBORw0KGgo="));
            Ok(())
        })
    })
}
