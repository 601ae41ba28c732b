// `Predict<S>` needs `S: Signature`: a signature's input struct is not one.
use pyo3::prelude::*;
use qa_rs::{Predict, QAInput};

fn build(py: Python<'_>) -> PyResult<()> {
    let _predict = Predict::<QAInput>::new(py)?;
    Ok(())
}

fn main() {
    let _ = build;
}
