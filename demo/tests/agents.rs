//! The modules that wrap or drive a typed signature: `BestOfN<S>` (a reward written in Rust
//! over `S::Output`) and `ReAct<S>` (Python tools, a typed answer and the steps taken), all
//! through DummyLM.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use qa_demo::{init, lm_calls, with_dummy_lm};
use qa_rs::{BestOfN, ChainOfThought, Predict, ReAct, Step, Summarize, SummarizeInput};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn input() -> SummarizeInput {
    SummarizeInput {
        document: "Tides follow the moon.".into(),
    }
}

const LONG: &[(&str, &str)] = &[
    ("summary", "The moon pulls the sea, twice a day."),
    ("key_points", r#"["moon", "sea"]"#),
];
const SHORT: &[(&str, &str)] = &[("summary", "Moon tides."), ("key_points", r#"["moon"]"#)];

#[test]
fn best_of_n_keeps_the_first_attempt_the_rust_reward_accepts() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        with_dummy_lm(py, &[LONG, SHORT, LONG], |_lm| {
            let scored = Arc::new(AtomicUsize::new(0));
            let seen = Arc::clone(&scored);
            // The reward reads typed outputs: a summary of at most two words scores 1.
            let best = BestOfN::new(py, &Predict::<Summarize>::new(py)?, 3, 1.0, move |out| {
                seen.fetch_add(1, Ordering::SeqCst);
                if out.summary.split_whitespace().count() <= 2 {
                    1.0
                } else {
                    0.0
                }
            })?;
            let pred = best.call(py, &input())?;
            assert_eq!(pred.summary, "Moon tides.");
            assert_eq!(pred.key_points, vec!["moon".to_string()]);
            // Two attempts: the second reached the threshold, so the third never ran.
            assert_eq!(scored.load(Ordering::SeqCst), 2);
            Ok(())
        })
    })
}

#[test]
fn best_of_n_falls_back_to_the_best_score_and_wraps_chain_of_thought() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let long = [("reasoning", "r"), LONG[0], LONG[1]];
        let short = [("reasoning", "r"), SHORT[0], SHORT[1]];
        with_dummy_lm(py, &[&long, &short], |_lm| {
            let cot = ChainOfThought::<Summarize>::new(py)?;
            // No attempt reaches 10: the one with the highest score (the longer summary) wins.
            let best = BestOfN::new(py, &cot, 2, 10.0, |out| out.summary.len() as f64)?;
            let pred = best.call(py, &input())?;
            assert_eq!(pred.summary, "The moon pulls the sea, twice a day.");
            Ok(())
        })
    })
}

#[test]
fn react_calls_python_tools_and_returns_typed_outputs_and_steps() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let globals = PyDict::new(py);
        py.run(
            c"def lookup(city: str) -> str:
    'The weather in a city.'
    return f'sunny in {city}'",
            Some(&globals),
            None,
        )?;
        let lookup = globals.get_item("lookup")?.expect("defined above");
        let replies: &[&[(&str, &str)]] = &[
            &[
                ("next_thought", "Look it up."),
                ("next_tool_name", "lookup"),
                ("next_tool_args", r#"{"city": "Oslo"}"#),
            ],
            &[
                ("next_thought", "Done."),
                ("next_tool_name", "finish"),
                ("next_tool_args", "{}"),
            ],
            &[
                ("reasoning", "The tool said so."),
                ("summary", "Sunny in Oslo."),
                ("key_points", r#"["sunny"]"#),
            ],
        ];
        with_dummy_lm(py, replies, |lm| {
            let agent = ReAct::<Summarize>::new(py, &[lookup], 4)?;
            let pred = agent.call(py, &input())?;
            assert_eq!(pred.summary, "Sunny in Oslo.");
            assert_eq!(pred.key_points, vec!["sunny".to_string()]);
            assert_eq!(
                pred.steps,
                vec![
                    Step {
                        thought: "Look it up.".into(),
                        tool_name: "lookup".into(),
                        tool_args: serde_json::json!({"city": "Oslo"}),
                        observation: "sunny in Oslo".into(),
                    },
                    Step {
                        thought: "Done.".into(),
                        tool_name: "finish".into(),
                        tool_args: serde_json::json!({}),
                        observation: "Completed.".into(),
                    },
                ]
            );
            assert_eq!(lm_calls(lm)?, 3);
            Ok(())
        })
    })
}

/// The README's Rust-tool example, verbatim between the markers.
mod readme_rust_tool {
    // README: rust-tool
    use pyo3::prelude::*;
    use qa_rs::runtime::{Acted, Tool};
    use qa_rs::{Citation, ReAct, Summarize, SummarizeInput};

    pub fn summarize_checking_quotes(
        py: Python<'_>,
        input: &SummarizeInput,
        passages: Vec<String>,
    ) -> PyResult<Acted<Summarize>> {
        // The LM calls the tool with a `Citation` (a generated model: DSPy shows it the model's
        // JSON Schema); an `Err` or a panic becomes the step's observation, not a crash.
        let check = Tool::new(
            py,
            "check_quote",
            "Whether passage `source_id` holds `quote`.",
            move |citation: Citation| match usize::try_from(citation.source_id)
                .ok()
                .and_then(|i| passages.get(i))
            {
                Some(passage) => Ok(passage.contains(&citation.quote)),
                None => Err(format!("there is no passage {}", citation.source_id)),
            },
        )?;
        let agent = ReAct::<Summarize>::with_tools(py, [check], 5)?;
        Ok(agent.call(py, input)?)
    }
    // README: end
}
use readme_rust_tool::summarize_checking_quotes;

#[test]
fn react_calls_a_rust_tool_typed_by_a_generated_model() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let replies: &[&[(&str, &str)]] = &[
            &[
                ("next_thought", "Check the quote."),
                ("next_tool_name", "check_quote"),
                ("next_tool_args", r#"{"source_id": 0, "quote": "the moon"}"#),
            ],
            &[
                ("next_thought", "And another."),
                ("next_tool_name", "check_quote"),
                ("next_tool_args", r#"{"source_id": 3, "quote": "the sun"}"#),
            ],
            &[
                ("next_thought", "Done."),
                ("next_tool_name", "finish"),
                ("next_tool_args", "{}"),
            ],
            &[
                ("reasoning", "The first passage says so."),
                ("summary", "Tides follow the moon."),
                ("key_points", r#"["moon"]"#),
            ],
        ];
        with_dummy_lm(py, replies, |lm| {
            let passages = vec!["Tides follow the moon.".to_string()];
            let pred = summarize_checking_quotes(py, &input(), passages)?;
            assert_eq!(pred.summary, "Tides follow the moon.");
            let seen: Vec<(&str, &str)> = pred
                .steps
                .iter()
                .map(|s| (s.tool_name.as_str(), s.observation.as_str()))
                .collect();
            assert_eq!(seen[0], ("check_quote", "True"));
            assert!(
                seen[1].1.starts_with("Execution error in check_quote:")
                    && seen[1].1.contains("RuntimeError: there is no passage 3"),
                "{}",
                seen[1].1
            );
            assert_eq!(seen[2], ("finish", "Completed."));
            // DSPy showed the LM the model's fields as the tool's arguments.
            let prompt = lm
                .getattr("history")?
                .get_item(0)?
                .get_item("messages")?
                .str()?;
            assert!(
                prompt
                    .to_string()
                    .contains("Index of the passage in the context"),
                "{prompt}"
            );
            assert_eq!(lm_calls(lm)?, 4);
            Ok(())
        })
    })
}
