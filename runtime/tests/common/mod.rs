//! A DSPy signature written by hand as dspygen generates one (`question -> answer`), and the
//! test LM over it, for the tests of the `async` feature.
#![allow(dead_code)] // each test binary uses its own part

use std::time::Duration;

use dspygen_runtime::pyo3::prelude::*;
use dspygen_runtime::pyo3::sync::PyOnceLock;
use dspygen_runtime::pyo3::types::{PyDict, PyType};
use dspygen_runtime::{
    load_signature, FieldKind, FieldMeta, Lm, PythonSignature, Signature, SignatureInput,
    SignatureOutput,
};

#[derive(Debug, Clone, PartialEq)]
pub struct QaInput {
    pub question: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QaOutput {
    pub answer: String,
}

impl SignatureInput for QaInput {
    fn to_kwargs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("question", &self.question)?;
        Ok(kwargs)
    }
}

impl SignatureOutput for QaOutput {
    fn from_prediction(prediction: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            answer: prediction.getattr("answer")?.extract()?,
        })
    }

    fn to_kwargs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("answer", &self.answer)?;
        Ok(kwargs)
    }
}

pub struct Qa;

impl Signature for Qa {
    type Input = QaInput;
    type Output = QaOutput;
    const NAME: &'static str = "Qa";
    const INSTRUCTIONS: &'static str = "Answer the question.";
    const FIELDS: &'static [FieldMeta] = &[
        FieldMeta {
            name: "question",
            kind: FieldKind::Input,
            desc: "${question}",
            prefix: "Question:",
            python_type: "str",
        },
        FieldMeta {
            name: "answer",
            kind: FieldKind::Output,
            desc: "${answer}",
            prefix: "Answer:",
            python_type: "str",
        },
    ];
    const PYTHON: PythonSignature = PythonSignature::String {
        text: "question -> answer",
        custom_types: &[],
    };

    fn python_class(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
        static CELL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
        load_signature(py, &CELL, &Self::PYTHON, Self::INSTRUCTIONS, Self::NAME)
    }
}

/// Starts Python with the virtualenv the tests were built with (dspy's).
pub fn init() {
    dspygen_runtime::embed::start(&[]).expect("Python starts and finds dspy");
}

pub fn question(text: impl Into<String>) -> QaInput {
    QaInput {
        question: text.into(),
    }
}

/// The question the prompt asks (the ChatAdapter writes `[[ ## question ## ]]` then the value).
pub fn asked(prompt: &str) -> &str {
    let after = prompt
        .split("[[ ## question ## ]]")
        .nth(1)
        .expect("the prompt holds the question");
    after.trim_start().split("\n\n").next().unwrap_or("").trim()
}

/// A test LM answering `"<name>: <question>"`, after `latency`; a question holding "fail"
/// makes the LM fail.
pub fn echo_lm(name: &'static str, latency: Duration) -> Lm {
    Python::attach(|py| {
        Lm::answering::<Qa, _>(py, &format!("dspygen/{name}"), latency, move |prompt| {
            let question = asked(prompt);
            if question.contains("fail") {
                return Err(format!("the LM refuses {question:?}"));
            }
            Ok(QaOutput {
                answer: format!("{name}: {question}"),
            })
        })
    })
    .expect("the test LM builds")
}

/// A counter of the test LM's engine (`started`, `finished`, `cancelled`, `peak`).
pub fn engine_count(lm: &Lm, counter: &str) -> usize {
    Python::attach(|py| {
        lm.as_py()
            .bind(py)
            .getattr("engine")?
            .getattr(counter)?
            .extract()
    })
    .expect("the engine counts")
}

/// Waits (up to 5 s) until the engine counter reaches `want`; what it reached.
pub async fn eventually(lm: &Lm, counter: &str, want: usize) -> usize {
    let start = std::time::Instant::now();
    loop {
        let got = engine_count(lm, counter);
        if got >= want || start.elapsed() > Duration::from_secs(5) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
