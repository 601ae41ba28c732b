//! Rust -> DSPy -> Rust through the generated typed API, with `DummyLM` as the LM.
//!
//! Every test asserts that the typed outputs equal what the LM was scripted to answer.
//! Tests run in parallel threads of one process: each uses `dspy.context` (thread-local)
//! rather than `dspy.configure` (process-wide, owned by one thread).
//!
//! Every generated crate depends on the one runtime crate, so one crate's `Predict` runs
//! another crate's signature (`cross_crate_predict_runs_another_crates_signature`).
use pyo3::prelude::*;
use qa_demo::{init, last_prompt, lm_calls, with_dummy_lm};
use qa_rs::runtime::SignatureInput;
use qa_rs::{
    Answer, AnswerVerdict, CheckCitations, CheckCitationsInput, Citation, Confidence, FollowUp,
    FollowUpInput, Predict, PredictError, QAInput, Summarize, SummarizeInput, QA,
};
use rag_rs::{
    Classify, ClassifyInput, ClassifyLabel, Passage, RAGRank, RAGRankInput, SearchResult,
    TriageTicket, TriageTicketInput,
};

/// A `dict[str, float]` field's value (an `IndexMap`), in the given order.
fn scores<T: FromIterator<(String, f64)>>(pairs: &[(&str, f64)]) -> T {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

const PARIS_JSON: &str = r#"{"text": "Paris.", "confidence": "high", "citations": [{"source_id": 0, "quote": "Paris is the capital of France.", "url": "https://example.org/paris"}, {"source_id": 2, "quote": "France's capital, Paris"}], "verdict": "supported", "scores": {"relevance": 0.9, "faithfulness": 1.0, "tiny": 1.5e-7}}"#;

fn paris() -> Answer {
    Answer {
        text: "Paris.".into(),
        confidence: Confidence::High,
        citations: vec![
            Citation {
                source_id: 0,
                quote: "Paris is the capital of France.".into(),
                url: Some("https://example.org/paris".into()),
            },
            Citation {
                source_id: 2,
                quote: "France's capital, Paris".into(),
                url: None,
            },
        ],
        verdict: AnswerVerdict::Supported,
        scores: scores(&[("relevance", 0.9), ("faithfulness", 1.0), ("tiny", 1.5e-7)]),
    }
}

fn qa_input() -> QAInput {
    QAInput {
        context: vec![
            "Paris is the capital of France.".into(),
            "Lyon is in France.".into(),
        ],
        question: "What is the capital of France?".into(),
    }
}

/// The Python class name behind a `PredictError`, e.g. `AdapterParseError`.
fn error_type(py: Python<'_>, err: &PredictError) -> String {
    py_type(py, err.py_err())
}

/// The Python class name of a `PyErr`.
fn py_type(py: Python<'_>, err: &PyErr) -> String {
    err.get_type(py)
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default()
}

#[test]
fn qa_nested_pydantic_output() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        with_dummy_lm(py, &[&[("answer", PARIS_JSON)]], |lm| {
            let qa = Predict::<QA>::new(py)?;
            let pred = qa.call(py, &qa_input())?;
            assert_eq!(pred.answer, paris());
            // Dict order is kept, as pydantic keeps it.
            let keys: Vec<&str> = pred.answer.scores.keys().map(String::as_str).collect();
            assert_eq!(keys, ["relevance", "faithfulness", "tiny"]);
            // The inputs reached the prompt.
            let prompt = last_prompt(lm, 0)?;
            assert!(
                prompt.contains("What is the capital of France?"),
                "{prompt}"
            );
            assert!(prompt.contains("Lyon is in France."), "{prompt}");
            assert_eq!(lm_calls(lm)?, 1);
            // The raw dspy.Prediction is still there.
            let raw_text: String = pred
                .raw()
                .bind(py)
                .getattr("answer")?
                .getattr("text")?
                .extract()?;
            assert_eq!(raw_text, "Paris.");
            Ok(())
        })
    })
}

#[test]
fn qa_defaults_fill_missing_fields() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        with_dummy_lm(py, &[&[("answer", r#"{"text": "unknown"}"#)]], |_| {
            let pred = Predict::<QA>::new(py)?.call(py, &qa_input())?;
            let expected = Answer {
                text: "unknown".into(),
                confidence: Confidence::Medium,
                citations: vec![],
                verdict: AnswerVerdict::Unknown,
                scores: scores(&[]),
            };
            assert_eq!(pred.into_output().answer, expected);
            Ok(())
        })
    })
}

#[test]
fn summarize_untyped_and_list_outputs() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let reply: &[(&str, &str)] = &[
            ("summary", "DSPy programs LMs; dspygen types them."),
            (
                "key_points",
                r#"["typed inputs", "typed outputs", "no network"]"#,
            ),
        ];
        with_dummy_lm(py, &[reply], |_| {
            let summarize = Predict::<Summarize>::new(py)?;
            let pred = summarize.call(
                py,
                &SummarizeInput {
                    document: "A long document.".into(),
                },
            )?;
            assert_eq!(pred.summary, "DSPy programs LMs; dspygen types them.");
            assert_eq!(
                pred.key_points,
                ["typed inputs", "typed outputs", "no network"]
            );
            Ok(())
        })
    })
}

#[test]
fn follow_up_inherits_qa_and_has_optional_output() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let reply: &[(&str, &str)] = &[
            ("answer", PARIS_JSON),
            ("follow_up", "What is the capital of Italy?"),
        ];
        with_dummy_lm(py, &[reply], |lm| {
            let follow_up = Predict::<FollowUp>::new(py)?;
            let input = FollowUpInput {
                context: qa_input().context,
                question: qa_input().question,
            };
            let pred = follow_up.call(py, &input)?;
            assert_eq!(pred.answer, paris());
            assert_eq!(
                pred.follow_up.as_deref(),
                Some("What is the capital of Italy?")
            );
            // The inherited instructions are FollowUp's own docstring.
            let system: String = lm
                .getattr("history")?
                .get_item(0)?
                .get_item("messages")?
                .get_item(0)?
                .get_item("content")?
                .extract()?;
            assert!(
                system.contains("Answer, then suggest a follow-up question."),
                "{system}"
            );
            Ok(())
        })
    })
}

#[test]
fn check_citations_takes_a_model_as_input() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let input = CheckCitationsInput { answer: paris() };

        // Rust -> pydantic: the kwarg is a real `qa.models.Answer`, enum and nested models included.
        let kwargs = input.to_kwargs(py)?;
        let answer = kwargs.get_item("answer")?.expect("answer kwarg");
        let models = py.import("qa.models")?;
        assert!(answer.is_instance(&models.getattr("Answer")?)?);
        assert!(answer
            .getattr("confidence")?
            .is(&models.getattr("Confidence")?.getattr("HIGH")?));
        assert!(answer
            .getattr("citations")?
            .get_item(0)?
            .is_instance(&models.getattr("Citation")?)?);
        let dumped: String = answer.call_method0("model_dump_json")?.extract()?;
        let expected: serde_json::Value = serde_json::from_str(PARIS_JSON).unwrap();
        let dumped: serde_json::Value = serde_json::from_str(&dumped).unwrap();
        // pydantic fills the defaulted `url` of the second citation.
        let mut expected = expected;
        expected["citations"][1]["url"] = serde_json::Value::Null;
        assert_eq!(dumped, expected);

        let reply: &[(&str, &str)] = &[
            (
                "valid",
                r#"[{"source_id": 0, "quote": "Paris is the capital of France.", "url": null}]"#,
            ),
            ("is_grounded", "false"),
        ];
        with_dummy_lm(py, &[reply], |lm| {
            let check = Predict::<CheckCitations>::new(py)?;
            let pred = check.call(py, &input)?;
            assert_eq!(
                pred.valid,
                [Citation {
                    source_id: 0,
                    quote: "Paris is the capital of France.".into(),
                    url: None,
                }]
            );
            assert!(!pred.is_grounded);
            // The model went into the prompt as pydantic's JSON.
            let prompt = last_prompt(lm, 0)?;
            assert!(prompt.contains(r#""confidence": "high""#), "{prompt}");
            assert!(prompt.contains("France's capital, Paris"), "{prompt}");
            Ok(())
        })
    })
}

#[test]
fn classify_string_signature_with_literal_output() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let replies: &[&[(&str, &str)]] = &[
            &[("label", "negative")],
            &[("label", "positive")],
            &[("label", "neutral")],
        ];
        with_dummy_lm(py, replies, |lm| {
            let classify = rag_rs::Predict::<Classify>::new(py)?;
            let mut labels = Vec::new();
            for text in ["awful", "great", "fine"] {
                let input = ClassifyInput { text: text.into() };
                labels.push(classify.call(py, &input)?.label);
            }
            assert_eq!(
                labels,
                [
                    ClassifyLabel::Negative,
                    ClassifyLabel::Positive,
                    ClassifyLabel::Neutral
                ]
            );
            assert_eq!(lm_calls(lm)?, 3);
            Ok(())
        })
    })
}

/// `qa_rs::Predict` over a `rag_rs` signature, and `rag_rs::ChainOfThought` over a `qa_rs` one:
/// both crates implement the runtime's one `Signature` trait, so in one Rust program the
/// modules of either crate take the signatures of both.
#[test]
fn cross_crate_predict_runs_another_crates_signature() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let replies: &[&[(&str, &str)]] = &[
            &[("label", "positive")],
            &[
                ("reasoning", "Short."),
                ("summary", "A."),
                ("key_points", r#"["a"]"#),
            ],
        ];
        with_dummy_lm(py, replies, |lm| {
            let classify = qa_rs::Predict::<Classify>::new(py)?;
            let input = ClassifyInput {
                text: "great".into(),
            };
            let prediction: qa_rs::Prediction<Classify> = classify.call(py, &input)?;
            assert_eq!(prediction.label, ClassifyLabel::Positive);
            let summarize = rag_rs::ChainOfThought::<Summarize>::new(py)?;
            let input = SummarizeInput {
                document: "A long text.".into(),
            };
            let reasoned = summarize.call(py, &input)?;
            assert_eq!(
                (reasoned.summary.as_str(), reasoned.reasoning.as_str()),
                ("A.", "Short.")
            );
            assert_eq!(reasoned.key_points, ["a"]);
            assert_eq!(lm_calls(lm)?, 2);
            Ok(())
        })
    })
}

#[test]
fn rag_rank_list_of_models_in_model_out() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let reply: &[(&str, &str)] = &[
            (
                "best",
                r#"{"title": "Paris", "text": "Paris is the capital of France.", "score": 0.8}"#,
            ),
            ("score", "0.75"),
        ];
        with_dummy_lm(py, &[reply], |lm| {
            let rank = rag_rs::Predict::<RAGRank>::new(py)?;
            let input = RAGRankInput {
                question: "capital of France?".into(),
                passages: vec![
                    Passage {
                        title: "Paris".into(),
                        text: "Paris is the capital of France.".into(),
                        score: None,
                    },
                    Passage {
                        title: "Lyon".into(),
                        text: "Lyon is in France.".into(),
                        score: Some(0.25),
                    },
                ],
            };
            let pred = rank.call(py, &input)?;
            assert_eq!(
                pred.best,
                Passage {
                    title: "Paris".into(),
                    text: "Paris is the capital of France.".into(),
                    score: Some(0.8),
                }
            );
            assert_eq!(pred.score, 0.75);
            // The passages went in as `rag_models.Passage` instances.
            let prompt = last_prompt(lm, 0)?;
            assert!(
                prompt
                    .contains(r#"{"title": "Lyon", "text": "Lyon is in France.", "score": 0.25}"#),
                "{prompt}"
            );
            Ok(())
        })
    })
}

#[test]
fn triage_ticket_optional_recursive_model() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let page = r#"{"query": "login fails", "passages": [{"title": "FAQ", "text": "Reset it."}], "next_page": {"query": "login fails p2", "passages": [], "next_page": null}}"#;
        let replies: &[&[(&str, &str)]] = &[&[("result", page)], &[("result", "None")]];
        with_dummy_lm(py, replies, |_| {
            let triage = rag_rs::Predict::<TriageTicket>::new(py)?;
            let input = TriageTicketInput {
                ticket: "I cannot log in".into(),
            };
            let found = triage.call(py, &input)?;
            let expected = SearchResult {
                query: "login fails".into(),
                passages: vec![Passage {
                    title: "FAQ".into(),
                    text: "Reset it.".into(),
                    score: None,
                }],
                next_page: Some(Box::new(SearchResult {
                    query: "login fails p2".into(),
                    passages: vec![],
                    next_page: None,
                })),
            };
            assert_eq!(found.result, Some(expected));
            let nothing = triage.call(py, &input)?;
            assert_eq!(nothing.result, None);
            Ok(())
        })
    })
}

#[test]
fn garbage_for_model_output_is_an_err() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        // ChatAdapter fails, then dspy retries once with JSONAdapter: two LM calls.
        let reply: &[(&str, &str)] = &[("answer", "not JSON at all")];
        with_dummy_lm(py, &[reply, reply], |_| {
            let err = Predict::<QA>::new(py)?
                .call(py, &qa_input())
                .err()
                .expect("garbage for a model output must fail");
            assert_eq!(error_type(py, &err), "AdapterParseError");
            assert!(matches!(err, PredictError::Parse(_)), "{err}");
            Ok(())
        })
    })
}

#[test]
fn garbage_for_float_and_bool_outputs_is_an_err() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let rank_reply: &[(&str, &str)] = &[
            ("best", r#"{"title": "t", "text": "x"}"#),
            ("score", "very high"),
        ];
        with_dummy_lm(py, &[rank_reply, rank_reply], |_| {
            let input = RAGRankInput {
                question: "q".into(),
                passages: vec![],
            };
            let err = rag_rs::Predict::<RAGRank>::new(py)?
                .call(py, &input)
                .err()
                .expect("garbage for a float output must fail");
            assert_eq!(py_type(py, err.py_err()), "AdapterParseError");
            assert!(matches!(err, rag_rs::PredictError::Parse(_)), "{err}");
            Ok(())
        })?;
        let check_reply: &[(&str, &str)] = &[("valid", "[]"), ("is_grounded", "maybe")];
        with_dummy_lm(py, &[check_reply, check_reply], |_| {
            let input = CheckCitationsInput { answer: paris() };
            let err = Predict::<CheckCitations>::new(py)?.call(py, &input).err();
            assert_eq!(
                err.map(|e| error_type(py, &e)).as_deref(),
                Some("AdapterParseError")
            );
            Ok(())
        })
    })
}

#[test]
fn literal_outside_its_values_is_an_err() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        let reply: &[(&str, &str)] = &[("label", "furious")];
        with_dummy_lm(py, &[reply, reply], |_| {
            let input = ClassifyInput { text: "grr".into() };
            let result = rag_rs::Predict::<Classify>::new(py)?.call(py, &input);
            assert!(result.is_err());
            Ok(())
        })
    })
}

#[test]
fn int_out_of_i64_range_is_an_err_on_the_rust_side() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        // pydantic accepts any Python int; the Rust `i64` cannot hold it. DSPy succeeds,
        // the conversion into Rust fails, and that comes back as a PyErr.
        let huge = r#"{"text": "x", "citations": [{"source_id": 100000000000000000000000000000, "quote": "q"}]}"#;
        with_dummy_lm(py, &[&[("answer", huge)]], |lm| {
            let err = Predict::<QA>::new(py)?
                .call(py, &qa_input())
                .err()
                .expect("an int beyond i64 must not convert");
            assert_eq!(error_type(py, &err), "OverflowError");
            assert!(matches!(err, PredictError::Conversion(_)), "{err}");
            assert_eq!(lm_calls(lm)?, 1);
            Ok(())
        })
    })
}

#[test]
fn lm_out_of_replies_is_an_err() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        with_dummy_lm(py, &[], |_| {
            let result = Predict::<Summarize>::new(py)?.call(
                py,
                &SummarizeInput {
                    document: "d".into(),
                },
            );
            assert!(result.is_err());
            Ok(())
        })
    })
}

#[test]
fn no_lm_configured_is_an_err() -> PyResult<()> {
    init()?;
    Python::attach(|py| {
        // No test configures dspy globally, and this thread has no `dspy.context`.
        let err = Predict::<QA>::new(py)?
            .call(py, &qa_input())
            .err()
            .expect("no LM must fail");
        assert_eq!(error_type(py, &err), "ValueError");
        assert!(matches!(err, PredictError::Lm(_)), "{err}");
        assert!(err.to_string().contains("No LM is loaded"), "{err}");
        Ok(())
    })
}
