// The positive control: the same calls, typed correctly, compile (and this `main` runs).
use pyo3::prelude::*;
use qa_rs::{Answer, Predict, Prediction, QAInput, Signature, Summarize, SummarizeInput, QA};

fn ask(py: Python<'_>, qa: &Predict<QA>, input: &QAInput) -> PyResult<Answer> {
    let pred: Prediction<QA> = qa.call(py, input)?;
    Ok(pred.answer.clone())
}

fn summarize(py: Python<'_>, input: &SummarizeInput) -> PyResult<(String, Vec<String>)> {
    let pred = Predict::<Summarize>::new(py)?.call(py, input)?;
    let output = pred.into_output();
    Ok((output.summary, output.key_points))
}

fn main() {
    let _ = (ask, summarize);
    assert_eq!(QA::NAME, "QA");
    assert_eq!(Summarize::output_fields().count(), 2);
}
