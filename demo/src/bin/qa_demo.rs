//! Rust calls DSPy through the generated, typed API: `Predict::<QA>` takes a `QAInput`
//! and gives back a `Prediction<QA>` whose `answer` is the Rust `Answer` struct.
//! The LM is `dspy.utils.DummyLM`, so nothing leaves the machine.
use pyo3::prelude::*;
use qa_rs::{Predict, QAInput, Signature, QA};

/// What the scripted LM answers for the output field `answer` (typed `Answer` in Python).
const ANSWER_JSON: &str = r#"{
    "text": "Paris is the capital of France.",
    "confidence": "high",
    "citations": [{"source_id": 0, "quote": "Paris is the capital and largest city of France."}],
    "verdict": "supported",
    "scores": {"relevance": 0.92, "faithfulness": 0.87}
}"#;

fn main() -> PyResult<()> {
    qa_demo::init()?;
    Python::attach(|py| {
        let run = || -> PyResult<()> {
            qa_demo::configure_dummy_lm(py, &[&[("answer", ANSWER_JSON)]])?;

            let qa = Predict::<QA>::new(py)?;
            let pred = qa.call(
                py,
                &QAInput {
                    context: vec![
                        "Paris is the capital and largest city of France.".into(),
                        "Lyon is known for its cuisine.".into(),
                    ],
                    question: "What is the capital of France?".into(),
                },
            )?;

            println!("signature: {} ({} fields)", QA::NAME, QA::FIELDS.len());
            println!("answer.text: {}", pred.answer.text);
            println!("answer.confidence: {:?}", pred.answer.confidence);
            println!("answer.verdict: {:?}", pred.answer.verdict);
            for citation in &pred.answer.citations {
                println!(
                    "answer.citations: [{}] {:?} (url: {:?})",
                    citation.source_id, citation.quote, citation.url
                );
            }
            for (name, score) in &pred.answer.scores {
                println!("answer.scores[{name}]: {score}");
            }
            let answer = serde_json::to_string(&pred.answer)
                .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
            println!("answer as JSON: {answer}");
            Ok(())
        };
        run().inspect_err(|err| err.display(py))
    })
}
