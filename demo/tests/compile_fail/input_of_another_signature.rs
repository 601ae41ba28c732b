// `Predict::<QA>::call` takes `&QAInput`: another signature's inputs do not compile.
use pyo3::prelude::*;
use qa_rs::{Predict, SummarizeInput, QA};

fn ask(py: Python<'_>, qa: &Predict<QA>) -> PyResult<()> {
    let input = SummarizeInput {
        document: "not a question".into(),
    };
    qa.call(py, &input)?;
    Ok(())
}

fn main() {
    let _ = ask;
}
