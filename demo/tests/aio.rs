//! The README's async example ("From async Rust"), on a generated crate (rag_rs's `Classify`
//! standing for the README's `Triage`): `acall` and `batch` awaited on tokio, with the runtime's
//! test LM answering typed outputs after 20 ms; then a stream, whose completed field reads back
//! as the generated enum.
use std::time::Duration;

use pyo3::prelude::*;
use qa_demo::init;
use rag_rs::runtime::aio::{BatchOptions, StreamEvent, StreamExt};
use rag_rs::runtime::{Lm, Settings};
use rag_rs::{Classify, ClassifyInput, ClassifyLabel, ClassifyOutput, Predict};

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_async_example_runs() -> Result<(), Box<dyn std::error::Error>> {
    init()?;
    let (classify, settings) = Python::attach(|py| -> PyResult<_> {
        // A test LM answering typed outputs after 20 ms; a real one is `Lm::new(py, "openai/gpt-4o-mini")?`.
        let lm = Lm::answering::<Classify, _>(
            py,
            "test/classify",
            Duration::from_millis(20),
            |prompt| {
                let label = if prompt.contains("great") {
                    ClassifyLabel::Positive
                } else {
                    ClassifyLabel::Negative
                };
                Ok(ClassifyOutput { label })
            },
        )?;
        Ok((
            Predict::<Classify>::new(py)?,
            Settings::new(py).lm(py, &lm)?,
        ))
    })?;

    // One call: DSPy's acall runs on an asyncio loop the runtime owns; waiting holds no GIL.
    let input = ClassifyInput {
        text: "a great day".into(),
    };
    let pred = settings.scope_future(classify.acall(&input)).await?;
    assert_eq!(pred.label, ClassifyLabel::Positive);

    // Many: in input order, 16 at a time, each result its own.
    let inputs: Vec<ClassifyInput> = ["great", "awful", "great again"]
        .iter()
        .map(|text| ClassifyInput {
            text: text.to_string(),
        })
        .collect();
    let mut labels = Vec::new();
    for result in settings
        .scope_future(classify.batch(&inputs, BatchOptions::default()))
        .await
    {
        labels.push(result?.label);
    }
    assert_eq!(
        labels,
        [
            ClassifyLabel::Positive,
            ClassifyLabel::Negative,
            ClassifyLabel::Positive
        ]
    );

    // Streamed: `label` is no `str`, so no chunks: its value once complete, then the prediction.
    let mut events = classify.stream(&ClassifyInput {
        text: "a great day".into(),
    });
    let mut seen = Vec::new();
    settings
        .scope_future(async {
            while let Some(event) = events.next().await {
                match event? {
                    StreamEvent::Chunk { field, .. } => seen.push(format!("chunk {field}")),
                    StreamEvent::Field(field) => {
                        let label = field.extract::<ClassifyLabel>()?;
                        seen.push(format!("{}: {label:?}", field.name));
                    }
                    StreamEvent::Done(pred) => seen.push(format!("done: {:?}", pred.label)),
                }
            }
            Ok::<_, Box<dyn std::error::Error>>(())
        })
        .await?;
    assert_eq!(seen, ["label: Positive", "done: Positive"]);
    Ok(())
}
