//! DSPy's LM and settings set from Rust (`dspygen_runtime::{Lm, Settings}`): a scripted LM
//! answering with typed outputs, a scope that ends, and settings carried to another thread.
use dspygen_runtime::{Lm, Settings};
use pyo3::prelude::*;
use qa_demo::init;
use qa_rs::{Answer, AnswerVerdict, Citation, Confidence, Predict, QAInput, QAOutput, QA};
use rag_rs::{Classify, ClassifyInput, ClassifyLabel, ClassifyOutput};

fn answer() -> QAOutput {
    QAOutput {
        answer: Answer {
            text: "Paris \"the capital\"".into(),
            confidence: Confidence::High,
            citations: vec![Citation {
                source_id: 3,
                quote: "Paris is the capital of France.".into(),
                url: None,
            }],
            verdict: AnswerVerdict::Supported,
            scores: [("relevance".to_owned(), 0.5)].into_iter().collect(),
        },
    }
}

fn question() -> QAInput {
    QAInput {
        context: vec!["Paris is the capital of France.".into()],
        question: "What is the capital of France?".into(),
    }
}

#[test]
fn a_scripted_lm_answers_what_it_was_given() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let lm = Lm::scripted::<QA>(py, &[answer(), answer()])?;
        let settings = Settings::new(py).lm(py, &lm)?;
        let got = settings.scope(py, || -> PyResult<QAOutput> {
            let qa = Predict::<QA>::new(py)?;
            Ok(qa.call(py, &question())?.into_output())
        })??;
        assert_eq!(got, answer());
        assert_eq!(lm.calls(py)?, 1);
        // The scope ended: no LM is configured on this thread any more.
        let outside = Predict::<QA>::new(py)?.call(py, &question());
        assert!(outside.is_err(), "a call outside the scope found an LM");
        assert_eq!(lm.calls(py)?, 1);
        Ok(())
    })
}

#[test]
fn an_enum_output_is_answered_by_its_value() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let answers =
            [ClassifyLabel::Negative, ClassifyLabel::Neutral].map(|label| ClassifyOutput { label });
        let lm = Lm::scripted::<Classify>(py, &answers)?;
        let settings = Settings::new(py).lm(py, &lm)?;
        let labels = settings.scope(py, || -> PyResult<Vec<ClassifyLabel>> {
            let classify = Predict::<Classify>::new(py)?;
            ["meh", "fine"]
                .iter()
                .map(|text| {
                    Ok(classify
                        .call(
                            py,
                            &ClassifyInput {
                                text: (*text).into(),
                            },
                        )?
                        .label)
                })
                .collect()
        })??;
        assert_eq!(labels, [ClassifyLabel::Negative, ClassifyLabel::Neutral]);
        Ok(())
    })
}

#[test]
fn settings_are_a_value_another_thread_enters() -> PyResult<()> {
    init()?;
    let settings = Python::attach(|py| -> PyResult<Settings> {
        Settings::new(py).lm(py, &Lm::scripted::<QA>(py, &[answer()])?)
    })?;
    let carried = settings.clone();
    let got = std::thread::spawn(move || {
        Python::attach(|py| {
            carried.scope(py, || -> PyResult<QAOutput> {
                Ok(Predict::<QA>::new(py)?.call(py, &question())?.into_output())
            })?
        })
    })
    .join()
    .expect("the thread ran")?;
    assert_eq!(got, answer());
    Ok(())
}

#[test]
fn an_lm_by_model_name_is_dspy_lm() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let options = pyo3::types::PyDict::new(py);
        options.set_item("temperature", 0.25)?;
        let lm = Lm::with_options(py, "openai/gpt-4o-mini", &options)?;
        let bound = lm.as_py().bind(py);
        assert_eq!(
            bound.getattr("model")?.extract::<String>()?,
            "openai/gpt-4o-mini"
        );
        assert_eq!(
            bound
                .getattr("kwargs")?
                .get_item("temperature")?
                .extract::<f64>()?,
            0.25
        );
        let by_object = Lm::from_object(bound.clone());
        assert!(by_object.as_py().bind(py).is(bound));
        Ok(())
    })
}
