// `Prediction<QA>` derefs to `QAOutput`: `summary` belongs to `Summarize` and does not compile.
use pyo3::prelude::*;
use qa_rs::{Predict, QAInput, QA};

fn ask(py: Python<'_>, qa: &Predict<QA>, input: &QAInput) -> PyResult<String> {
    let pred = qa.call(py, input)?;
    Ok(pred.summary.clone())
}

fn main() {
    let _ = ask;
}
