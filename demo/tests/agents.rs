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
