//! Tools written in Rust (`Tool`) in a `dspy.ReAct` run, end to end with the real dspy and its
//! scripted LM (`dspy.utils.DummyLM`): typed arguments reach the closure, a typed result reaches
//! the LM, and an `Err`, a panic or arguments that do not fit become observations, not crashes.
// The shared test signature (tests/common) needs `async` as well as `embed`.
#![cfg(all(feature = "async", feature = "embed"))]

mod common;

use std::sync::{Arc, Mutex};

use common::{init, question, Qa};
use dspygen_runtime::pyo3::prelude::*;
use dspygen_runtime::pyo3::types::{PyDict, PyList};
use dspygen_runtime::{JsonSchema, Lm, ReAct, Settings, Step, Tool};
use serde::{Deserialize, Serialize};

/// The arguments of the forecast tool, written by hand as dspygen generates a model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Forecast {
    city: String,
    unit: Unit,
    #[serde(default = "one")]
    days: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
enum Unit {
    #[serde(rename = "celsius")]
    Celsius,
    #[serde(rename = "fahrenheit")]
    Fahrenheit,
}

/// What pydantic gives `class Forecast(BaseModel): city: str; unit: Unit; days: int = 1`
/// (checked below against pydantic itself).
impl JsonSchema for Forecast {
    const JSON_SCHEMA: &'static str = r##"{"$defs": {"Unit": {"enum": ["celsius", "fahrenheit"], "title": "Unit", "type": "string"}}, "properties": {"city": {"title": "City", "type": "string"}, "unit": {"$ref": "#/$defs/Unit"}, "days": {"default": 1, "title": "Days", "type": "integer"}}, "required": ["city", "unit"], "title": "Forecast", "type": "object"}"##;
}

/// A typed result: the LM sees it as the dict of its JSON.
#[derive(Debug, Serialize)]
struct Weather {
    city: String,
    degrees: Vec<i32>,
}

/// The arguments of a tool that takes none.
#[derive(Debug, Deserialize)]
struct NoArgs {}

impl JsonSchema for NoArgs {
    const JSON_SCHEMA: &'static str = r#"{"properties": {}, "title": "NoArgs", "type": "object"}"#;
}

fn reply(fields: &[(&str, &str)]) -> PyResult<Py<PyAny>> {
    Python::attach(|py| {
        let dict = PyDict::new(py);
        for (key, value) in fields {
            dict.set_item(key, value)?;
        }
        Ok(dict.into_any().unbind())
    })
}

/// The ReAct steps (thought, tool, JSON arguments), then `finish`, then the extract step's answer.
fn scripted(py: Python<'_>, calls: &[(&str, &str)], answer: &str) -> PyResult<Lm> {
    let replies = PyList::empty(py);
    for (i, (tool, args)) in calls.iter().enumerate() {
        let thought = format!("step {i}");
        replies.append(reply(&[
            ("next_thought", thought.as_str()),
            ("next_tool_name", tool),
            ("next_tool_args", args),
        ])?)?;
    }
    replies.append(reply(&[
        ("next_thought", "Done."),
        ("next_tool_name", "finish"),
        ("next_tool_args", "{}"),
    ])?)?;
    replies.append(reply(&[
        ("reasoning", "The tools said so."),
        ("answer", answer),
    ])?)?;
    let lm = py
        .import("dspy")?
        .getattr("utils")?
        .getattr("DummyLM")?
        .call1((replies,))?;
    Ok(Lm::from_object(lm))
}

fn forecast_tool(py: Python<'_>, seen: Arc<Mutex<Vec<Forecast>>>) -> PyResult<Tool> {
    Tool::new(
        py,
        "forecast",
        "The temperatures in a city over the next days.",
        move |args: Forecast| -> Result<Weather, String> {
            seen.lock().unwrap().push(args.clone());
            let base = match args.unit {
                Unit::Celsius => 10,
                Unit::Fahrenheit => 50,
            };
            Ok(Weather {
                city: args.city,
                degrees: (0..args.days as i32).map(|d| base + d).collect(),
            })
        },
    )
}

#[test]
fn react_calls_rust_tools_with_typed_arguments_and_reports_errors_and_panics() {
    init();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (answer, steps) = Python::attach(|py| -> PyResult<_> {
        let forecast = forecast_tool(py, Arc::clone(&seen))?;
        let broken = Tool::new(
            py,
            "broken",
            "A service that is down.",
            |_: NoArgs| -> Result<String, String> { Err("the service is down".into()) },
        )?;
        let crashing = Tool::new(
            py,
            "crashing",
            "A tool with a bug.",
            |_: NoArgs| -> Result<String, String> { panic!("index out of range: the bug") },
        )?;
        let lm = scripted(
            py,
            &[
                (
                    "forecast",
                    r#"{"city": "Oslo", "unit": "celsius", "days": 2}"#,
                ),
                ("broken", "{}"),
                ("crashing", "{}"),
                ("forecast", r#"{"city": "Bergen"}"#),
                ("forecast", r#"{"city": "Rome", "unit": "fahrenheit"}"#),
            ],
            "Cold in Oslo, warm in Rome.",
        )?;
        let agent = ReAct::<Qa>::with_tools(py, [forecast, broken, crashing], 10)?;
        let settings = Settings::new(py).lm(py, &lm)?;
        let acted = settings.scope(py, || agent.call(py, &question("Weather?")))??;
        Ok((acted.answer.clone(), acted.steps.clone()))
    })
    .expect("the agent runs to its answer");

    assert_eq!(answer, "Cold in Oslo, warm in Rome.");
    // The closure got the typed struct, its default filled in; the call missing `unit` never
    // reached it.
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            Forecast {
                city: "Oslo".into(),
                unit: Unit::Celsius,
                days: 2
            },
            Forecast {
                city: "Rome".into(),
                unit: Unit::Fahrenheit,
                days: 1
            },
        ]
    );
    let observations: Vec<&str> = steps.iter().map(|s| s.observation.as_str()).collect();
    assert_eq!(steps.len(), 6, "{steps:#?}");
    assert_eq!(
        steps[0],
        Step {
            thought: "step 0".into(),
            tool_name: "forecast".into(),
            tool_args: serde_json::json!({"city": "Oslo", "unit": "celsius", "days": 2}),
            observation: "{'city': 'Oslo', 'degrees': [10, 11]}".into(),
        }
    );
    assert!(
        observations[1].starts_with("Execution error in broken:")
            && observations[1].contains("RuntimeError: the service is down"),
        "{}",
        observations[1]
    );
    assert!(
        observations[2].starts_with("Execution error in crashing:")
            && observations[2]
                .contains("RuntimeError: the tool crashing panicked: index out of range: the bug"),
        "{}",
        observations[2]
    );
    assert!(
        observations[3].starts_with("Execution error in forecast:")
            && observations[3].contains("the arguments do not fit the tool forecast")
            && observations[3].contains("missing field `unit`"),
        "{}",
        observations[3]
    );
    assert_eq!(observations[4], "{'city': 'Rome', 'degrees': [50]}");
    assert_eq!(steps[5].tool_name, "finish");
    assert_eq!(observations[5], "Completed.");
}

#[test]
fn dspy_sees_an_ordinary_tool_with_the_arguments_schema_inlined() {
    init();
    Python::attach(|py| -> PyResult<()> {
        // The hand-written schema is pydantic's own.
        let globals = PyDict::new(py);
        py.run(
            c"import enum, json, pydantic
class Unit(str, enum.Enum):
    celsius = 'celsius'
    fahrenheit = 'fahrenheit'
class Forecast(pydantic.BaseModel):
    city: str
    unit: Unit
    days: int = 1
schema = json.dumps(Forecast.model_json_schema())",
            Some(&globals),
            None,
        )?;
        let schema: String = globals.get_item("schema")?.unwrap().extract()?;
        assert_eq!(schema, Forecast::JSON_SCHEMA);

        let tool = forecast_tool(py, Arc::default())?;
        let tool = tool.as_py().bind(py);
        assert!(tool.is_instance(&py.import("dspy")?.getattr("Tool")?)?);
        assert_eq!(tool.getattr("name")?.extract::<String>()?, "forecast");
        assert_eq!(
            tool.getattr("desc")?.extract::<String>()?,
            "The temperatures in a city over the next days."
        );
        let args: String = py
            .import("json")?
            .call_method1("dumps", (tool.getattr("args")?,))?
            .extract()?;
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&args).unwrap(),
            serde_json::json!({
                "city": {"title": "City", "type": "string"},
                "unit": {"enum": ["celsius", "fahrenheit"], "title": "Unit", "type": "string"},
                "days": {"default": 1, "title": "Days", "type": "integer"},
            })
        );
        // The function-calling form DSPy gives LMs requires the arguments without a default.
        let call = tool.call_method0("format_as_litellm_function_call")?;
        let required: Vec<String> = call
            .get_item("function")?
            .get_item("parameters")?
            .get_item("required")?
            .extract()?;
        assert_eq!(required, ["city", "unit"]);
        // Called directly, as DSPy calls it: the typed result comes back as Python values.
        let kwargs = PyDict::new(py);
        kwargs.set_item("city", "Oslo")?;
        kwargs.set_item("unit", "fahrenheit")?;
        let result = tool.call((), Some(&kwargs))?;
        assert_eq!(
            result.str()?.to_string(),
            "{'city': 'Oslo', 'degrees': [50]}"
        );
        // A value outside the schema is refused by DSPy before the closure runs.
        kwargs.set_item("unit", "kelvin")?;
        let err = tool.call((), Some(&kwargs)).unwrap_err();
        assert!(err.to_string().contains("Arg unit is invalid"), "{err}");
        Ok(())
    })
    .expect("the tool behaves as a dspy.Tool");
}

#[test]
fn a_tool_holding_a_schema_with_a_recursive_reference_still_builds() {
    #[derive(Deserialize)]
    struct Tree {
        #[allow(dead_code)]
        name: String,
    }
    impl JsonSchema for Tree {
        const JSON_SCHEMA: &'static str = r##"{"$defs": {"Node": {"properties": {"children": {"items": {"$ref": "#/$defs/Node"}, "type": "array"}}, "title": "Node", "type": "object"}}, "properties": {"name": {"type": "string"}, "root": {"$ref": "#/$defs/Node", "description": "the root"}}, "title": "Tree", "type": "object"}"##;
    }
    init();
    Python::attach(|py| -> PyResult<()> {
        let tool = Tool::new(py, "tree", "A tree.", |t: Tree| -> Result<String, String> {
            Ok(t.name)
        })?;
        let args: String = py
            .import("json")?
            .call_method1("dumps", (tool.as_py().bind(py).getattr("args")?,))?
            .extract()?;
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&args).unwrap(),
            serde_json::json!({
                "name": {"type": "string"},
                "root": {
                    "properties": {"children": {"items": {}, "type": "array"}},
                    "title": "Node",
                    "type": "object",
                    "description": "the root",
                },
            })
        );
        Ok(())
    })
    .expect("the tool builds");
}

/// Async tools, awaited by DSPy's `acall` on the runtime's asyncio loop, with a sync tool beside
/// them; an `Err` and a panic of a future are observations too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn react_acall_awaits_async_rust_tools_and_reports_their_errors_and_panics() {
    use std::time::Duration;

    init();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (agent, settings) = Python::attach(|py| -> PyResult<_> {
        let record = Arc::clone(&seen);
        let slow_forecast = Tool::new_async(
            py,
            "slow_forecast",
            "The forecast, after a while.",
            move |args: Forecast| {
                let record = Arc::clone(&record);
                async move {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    record.lock().unwrap().push(args.clone());
                    Ok::<_, String>(format!("{} days of rain in {}", args.days, args.city))
                }
            },
        )?;
        let failing = Tool::new_async(py, "failing", "Fails.", |_: NoArgs| async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            Err::<String, _>("timed out upstream")
        })?;
        let panicking = Tool::new_async(py, "panicking", "Panics.", |_: NoArgs| async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            panic!("the future panicked");
            #[allow(unreachable_code)]
            Ok::<String, String>(String::new())
        })?;
        let sync = forecast_tool(py, Arc::clone(&seen))?;
        let lm = scripted(
            py,
            &[
                (
                    "slow_forecast",
                    r#"{"city": "Oslo", "unit": "celsius", "days": 3}"#,
                ),
                ("failing", "{}"),
                ("panicking", "{}"),
                ("forecast", r#"{"city": "Rome", "unit": "fahrenheit"}"#),
            ],
            "Rain in Oslo.",
        )?;
        let agent = ReAct::<Qa>::with_tools(py, [slow_forecast, failing, panicking, sync], 10)?;
        Ok((agent, Settings::new(py).lm(py, &lm)?))
    })
    .expect("the agent builds");

    let acted = settings
        .scope_future(agent.acall(&question("Weather?")))
        .await
        .expect("the agent runs to its answer");
    assert_eq!(acted.answer, "Rain in Oslo.");
    let observations: Vec<&str> = acted.steps.iter().map(|s| s.observation.as_str()).collect();
    assert_eq!(observations.len(), 5, "{:#?}", acted.steps);
    assert_eq!(observations[0], "3 days of rain in Oslo");
    assert!(
        observations[1].starts_with("Execution error in failing:")
            && observations[1].contains("RuntimeError: timed out upstream"),
        "{}",
        observations[1]
    );
    assert!(
        observations[2].starts_with("Execution error in panicking:")
            && observations[2]
                .contains("RuntimeError: the tool panicking panicked: the future panicked"),
        "{}",
        observations[2]
    );
    assert_eq!(observations[3], "{'city': 'Rome', 'degrees': [50]}");
    assert_eq!(observations[4], "Completed.");
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            Forecast {
                city: "Oslo".into(),
                unit: Unit::Celsius,
                days: 3
            },
            Forecast {
                city: "Rome".into(),
                unit: Unit::Fahrenheit,
                days: 1
            },
        ]
    );
}

/// A sync run cannot await an async tool: DSPy's refusal is the observation, not a crash.
#[test]
fn a_sync_run_shows_the_lm_that_an_async_tool_needs_acall() {
    init();
    let steps = Python::attach(|py| -> PyResult<_> {
        let tool = Tool::new_async(py, "later", "Async.", |_: NoArgs| async {
            Ok::<_, String>("never")
        })?;
        let lm = scripted(py, &[("later", "{}")], "No.")?;
        let agent = ReAct::<Qa>::with_tools(py, [tool], 5)?;
        let settings = Settings::new(py).lm(py, &lm)?;
        let acted = settings.scope(py, || agent.call(py, &question("Now?")))??;
        Ok(acted.steps.clone())
    })
    .expect("the agent runs to its answer");
    assert!(
        steps[0]
            .observation
            .starts_with("Execution error in later:")
            && steps[0].observation.contains("please use `acall`"),
        "{}",
        steps[0].observation
    );
}
