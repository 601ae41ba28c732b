//! The LM usage DSPy tracks for a call (`dspy.settings.track_usage`), typed: tokens per model.
use std::collections::BTreeMap;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde::Deserialize;

/// The tokens one model spent on a call, summed over the LM calls it made (a module may call
/// its LM more than once: retries, ReAct's steps). DSPy leaves out a count the provider did
/// not report; it reads as 0 here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct TokenUsage {
    /// Tokens of the prompt (`prompt_tokens`).
    pub prompt_tokens: u64,
    /// Tokens of the completion (`completion_tokens`).
    pub completion_tokens: u64,
    /// What the provider reported as the total (`total_tokens`): not always the sum.
    pub total_tokens: u64,
}

/// What `prediction.get_lm_usage()` reports: [`TokenUsage`] by model name (`"openai/gpt-4o"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Usage(pub BTreeMap<String, TokenUsage>);

impl Usage {
    /// The usage DSPy attached to `prediction`; empty when it tracked none.
    pub(crate) fn of(prediction: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = prediction.py();
        let usage = prediction.call_method0(intern!(py, "get_lm_usage"))?;
        if usage.is_none() {
            return Ok(Self::default());
        }
        // Through JSON: the entries are plain dicts whose details may be None or nested dicts.
        let json = py
            .import("pydantic_core")?
            .getattr("to_json")?
            .call1((usage,))?;
        serde_json::from_slice(json.cast::<PyBytes>()?.as_bytes())
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }

    /// The usage of `model`, if it was called.
    pub fn model(&self, model: &str) -> Option<&TokenUsage> {
        self.0.get(model)
    }

    /// Whether no model's usage was tracked.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
