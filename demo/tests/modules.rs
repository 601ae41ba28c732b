//! The other typed modules and their state: `ChainOfThought<S>` (reasoning + S's outputs),
//! typed demos (`Example<S>`), and loading a program state saved by Python (what an
//! optimizer leaves behind), all through DummyLM.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use qa_demo::{init, lm_calls, with_dummy_lm};
use qa_rs::{ChainOfThought, Example, Predict, Summarize, SummarizeInput, SummarizeOutput};

fn input() -> SummarizeInput {
    SummarizeInput {
        document: "Rust has ownership; Python has a GIL.".into(),
    }
}

const SUMMARY: &[(&str, &str)] = &[
    ("summary", "Two languages, two memory models."),
    ("key_points", r#"["ownership", "GIL"]"#),
];

/// Every message the LM saw in its `index`-th call, joined: system, demos and inputs.
fn whole_prompt(lm: &Bound<'_, PyAny>, index: usize) -> PyResult<String> {
    let messages = lm
        .getattr("history")?
        .get_item(index)?
        .get_item("messages")?;
    let mut text = String::new();
    for message in messages.try_iter()? {
        text.push_str(&message?.get_item("content")?.extract::<String>()?);
        text.push('\n');
    }
    Ok(text)
}

#[test]
fn chain_of_thought_gives_reasoning_and_typed_outputs() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let reply: &[(&str, &str)] = &[
            ("reasoning", "Compare how each manages memory."),
            ("summary", "Two languages, two memory models."),
            ("key_points", r#"["ownership", "GIL"]"#),
        ];
        with_dummy_lm(py, &[reply], |lm| {
            let cot = ChainOfThought::<Summarize>::new(py)?;
            let pred = cot.call(py, &input())?;
            assert_eq!(pred.reasoning, "Compare how each manages memory.");
            assert_eq!(pred.summary, "Two languages, two memory models.");
            assert_eq!(
                pred.key_points,
                vec!["ownership".to_string(), "GIL".to_string()]
            );
            // The prompt asked for the reasoning first: ChainOfThought, not Predict, ran.
            assert!(whole_prompt(lm, 0)?.contains("[[ ## reasoning ## ]]"));
            Ok(())
        })
    })
}

#[test]
fn typed_demos_reach_the_prompt() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        with_dummy_lm(py, &[SUMMARY], |lm| {
            let predict = Predict::<Summarize>::new(py)?;
            let demo = Example::<Summarize>::new(
                SummarizeInput {
                    document: "A demo document about tides.".into(),
                },
                SummarizeOutput {
                    summary: "Tides follow the moon.".into(),
                    key_points: vec!["moon".into()],
                },
            );
            predict.set_demos(py, &[demo])?;
            let pred = predict.call(py, &input())?;
            assert_eq!(pred.summary, "Two languages, two memory models.");
            let prompt = whole_prompt(lm, 0)?;
            assert!(prompt.contains("A demo document about tides."), "{prompt}");
            assert!(prompt.contains("Tides follow the moon."), "{prompt}");
            Ok(())
        })
    })
}

#[test]
fn a_state_saved_by_python_is_what_rust_runs() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        // In Python: "optimize" a Predict (new instructions and a demo) and save it.
        let dir = std::env::temp_dir().join(format!("dspygen-state-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("summarize.json");
        let path_text = path.to_str().expect("utf-8 path");
        let locals = PyDict::new(py);
        locals.set_item("path", path_text)?;
        py.run(
            c"import dspy
from qa.signatures import Summarize
p = dspy.Predict(Summarize)
p.signature = p.signature.with_instructions('OPTIMIZED: answer in five words.')
p.demos = [dspy.Example(document='Saved demo doc.', summary='Saved demo summary.', key_points=['s']).with_inputs('document')]
p.save(path)",
            None,
            Some(&locals),
        )?;
        with_dummy_lm(py, &[SUMMARY], |lm| {
            let predict = Predict::<Summarize>::new(py)?;
            predict.load(py, path_text)?;
            let pred = predict.call(py, &input())?;
            assert_eq!(pred.key_points.len(), 2);
            assert_eq!(lm_calls(lm)?, 1);
            let prompt = whole_prompt(lm, 0)?;
            assert!(
                prompt.contains("OPTIMIZED: answer in five words."),
                "{prompt}"
            );
            assert!(prompt.contains("Saved demo summary."), "{prompt}");
            Ok(())
        })
    })
}
