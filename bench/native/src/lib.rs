//! Timing entry points for `make bench`. Hand-written; not generated.
//!
//! Every `time_*` function runs its operation `n` times in a Rust loop and returns the elapsed
//! nanoseconds, so the cost of calling in from Python is paid once per batch, not once per
//! operation. The Python baselines (pydantic's `model_dump`, `model_validate_json`, ...) are
//! timed by the same kind of loop (`time_call0`, `time_call1`), so both sides of every ratio are
//! measured the same way.
//!
//! `proto_*` are hand-written prototypes of changes to the generated conversions
//! (templates/src/bindings.rs.j2), timed to size the fixes docs/benchmarks.md proposes.

use std::hint::black_box;
use std::time::Instant;

use bench_rs::{Order, Predict, ReviewOrder, ReviewOrderInput};
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

mod aio;
mod plain;
mod proto;

fn parse(data: &str) -> PyResult<Order> {
    serde_json::from_str(data).map_err(|e| PyValueError::new_err(e.to_string()))
}

fn elapsed<F: FnMut() -> PyResult<()>>(n: u64, mut f: F) -> PyResult<u64> {
    let start = Instant::now();
    for _ in 0..n {
        f()?;
    }
    Ok(start.elapsed().as_nanos() as u64)
}

/// Python -> Rust by the generated attribute path: `obj.extract::<Order>()`.
#[pyfunction]
fn time_extract_attr(obj: &Bound<'_, PyAny>, n: u64) -> PyResult<u64> {
    elapsed(n, || {
        black_box(obj.extract::<Order>()?);
        Ok(())
    })
}

/// Python -> Rust by JSON: `obj.model_dump_json()` then `serde_json::from_str::<Order>`.
#[pyfunction]
fn time_extract_json(obj: &Bound<'_, PyAny>, n: u64) -> PyResult<u64> {
    let py = obj.py();
    elapsed(n, || {
        let text = obj.call_method0(intern!(py, "model_dump_json"))?;
        black_box(parse(text.cast::<PyString>()?.to_str()?)?);
        Ok(())
    })
}

/// Rust -> Python through the generated `IntoPyObject` (an `Order` parsed once from `data`).
#[pyfunction]
fn time_into_py(py: Python<'_>, data: &str, n: u64) -> PyResult<u64> {
    let order = parse(data)?;
    elapsed(n, || {
        black_box((&order).into_pyobject(py)?);
        Ok(())
    })
}

/// Rust -> Python by JSON: `serde_json::to_string` then `Order.model_validate_json(by_name=True)`.
#[pyfunction]
fn time_into_py_json(cls: &Bound<'_, PyAny>, data: &str, n: u64) -> PyResult<u64> {
    let py = cls.py();
    let order = parse(data)?;
    let options = PyDict::new(py);
    options.set_item("by_name", true)?;
    let validate = cls.getattr(intern!(py, "model_validate_json"))?;
    elapsed(n, || {
        let text =
            serde_json::to_string(&order).map_err(|e| PyValueError::new_err(e.to_string()))?;
        black_box(validate.call((text,), Some(&options))?);
        Ok(())
    })
}

/// JSON -> Rust struct: `serde_json::from_str::<Order>` on a `str` already in Rust.
#[pyfunction]
fn time_serde_parse(data: &str, n: u64) -> PyResult<u64> {
    elapsed(n, || {
        black_box(parse(black_box(data))?);
        Ok(())
    })
}

/// The yardstick of `time_serde_parse`: the same JSON into serde's plain derive of the same
/// structs (`plain`), without dspygen's lax mode and map-only check.
#[pyfunction]
fn time_plain_serde_parse(data: &str, n: u64) -> PyResult<u64> {
    elapsed(n, || {
        black_box(
            serde_json::from_str::<plain::Order>(black_box(data))
                .map_err(|e| PyValueError::new_err(e.to_string()))?,
        );
        Ok(())
    })
}

/// `plain::Order` read and written back, for the bench's check that it reads what pydantic
/// wrote.
#[pyfunction]
fn plain_roundtrip(data: &str) -> PyResult<String> {
    let order = serde_json::from_str::<plain::Order>(data)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    serde_json::to_string(&order).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Rust struct -> JSON: `serde_json::to_string` (for reference).
#[pyfunction]
fn time_serde_dump(data: &str, n: u64) -> PyResult<u64> {
    let order = parse(data)?;
    elapsed(n, || {
        black_box(
            serde_json::to_string(black_box(&order))
                .map_err(|e| PyValueError::new_err(e.to_string()))?,
        );
        Ok(())
    })
}

/// A Python callable with no arguments (a bound method such as `order.model_dump`), `n` times.
#[pyfunction]
fn time_call0(f: &Bound<'_, PyAny>, n: u64) -> PyResult<u64> {
    elapsed(n, || {
        black_box(f.call0()?);
        Ok(())
    })
}

/// A Python callable with one argument (such as `Order.model_validate_json`), `n` times.
#[pyfunction]
fn time_call1(f: &Bound<'_, PyAny>, arg: &Bound<'_, PyAny>, n: u64) -> PyResult<u64> {
    elapsed(n, || {
        black_box(f.call1((arg,))?);
        Ok(())
    })
}

/// `n` typed calls through `Predict::<ReviewOrder>` (built once, as a program would).
#[pyfunction]
fn time_predict(py: Python<'_>, order: &str, note: &str, n: u64) -> PyResult<u64> {
    let predict = Predict::<ReviewOrder>::new(py)?;
    let input = ReviewOrderInput {
        order: parse(order)?,
        note: note.to_owned(),
    };
    elapsed(n, || {
        let prediction = predict.call(py, &input)?;
        black_box(prediction.approve);
        Ok(())
    })
}

/// One typed call through `Predict::<ReviewOrder>`, for checking: (approve, risk level, reasons).
#[pyfunction]
fn predict_once(py: Python<'_>, order: &str, note: &str) -> PyResult<(bool, String, Vec<String>)> {
    let predict = Predict::<ReviewOrder>::new(py)?;
    let input = ReviewOrderInput {
        order: parse(order)?,
        note: note.to_owned(),
    };
    let out = predict.call(py, &input)?.into_output();
    Ok((out.approve, out.risk.level.value().to_owned(), out.reasons))
}

/// The Order read by the attribute path, as JSON (to check it against pydantic's JSON).
#[pyfunction]
fn extract_attr_json(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    serde_json::to_string(&obj.extract::<Order>()?)
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The Order read by the prototype path, as JSON (to check it against pydantic's JSON).
#[pyfunction]
fn proto_extract_json(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    serde_json::to_string(&proto::order_from_py(obj)?)
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The pydantic instance the generated `IntoPyObject` builds from `data`.
#[pyfunction]
fn into_py<'py>(py: Python<'py>, data: &str) -> PyResult<Bound<'py, PyAny>> {
    (&parse(data)?).into_pyobject(py)
}

/// The pydantic instance the prototype builds from `data` (`validate`: see `time_proto_into_py`).
#[pyfunction]
fn proto_into_py<'py>(validate: &Bound<'py, PyAny>, data: &str) -> PyResult<Bound<'py, PyAny>> {
    proto::order_into_py(validate, &parse(data)?)
}

/// Prototype: Python -> Rust reading each model's `__dict__` and str-Enum members as `str`.
#[pyfunction]
fn time_proto_extract(obj: &Bound<'_, PyAny>, n: u64) -> PyResult<u64> {
    elapsed(n, || {
        black_box(proto::order_from_py(obj)?);
        Ok(())
    })
}

/// Prototype: Rust -> Python as one tree of dicts validated by one call of `validate`
/// (`Order.model_validate`, or `Order.__pydantic_validator__.validate_python`), `by_name=True`.
#[pyfunction]
fn time_proto_into_py(validate: &Bound<'_, PyAny>, data: &str, n: u64) -> PyResult<u64> {
    let order = parse(data)?;
    elapsed(n, || {
        black_box(proto::order_into_py(validate, &order)?);
        Ok(())
    })
}

/// Decomposition: the attribute path's `getattr`s and Enum `.value` reads, no conversion.
#[pyfunction]
fn time_walk_getattr(obj: &Bound<'_, PyAny>, n: u64) -> PyResult<u64> {
    let names = proto::Names::new(obj.py());
    elapsed(n, || proto::walk_getattr(obj, &names, true))
}

/// Decomposition: the same `getattr`s without the Enums' `.value`.
#[pyfunction]
fn time_walk_getattr_no_value(obj: &Bound<'_, PyAny>, n: u64) -> PyResult<u64> {
    let names = proto::Names::new(obj.py());
    elapsed(n, || proto::walk_getattr(obj, &names, false))
}

/// Prototype: Rust -> Python without validation (`model_construct` semantics, from Rust).
#[pyfunction]
fn time_proto_construct(py: Python<'_>, data: &str, n: u64) -> PyResult<u64> {
    let classes = proto::Classes::new(py)?;
    let order = parse(data)?;
    elapsed(n, || {
        black_box(proto::order_construct(py, &classes, &order)?);
        Ok(())
    })
}

/// The pydantic instance `time_proto_construct` builds from `data`.
#[pyfunction]
fn proto_construct<'py>(py: Python<'py>, data: &str) -> PyResult<Bound<'py, PyAny>> {
    proto::order_construct(py, &proto::Classes::new(py)?, &parse(data)?)
}

/// Decomposition: the tree of dicts `time_proto_into_py` validates, built and dropped.
#[pyfunction]
fn time_proto_dicts(py: Python<'_>, data: &str, n: u64) -> PyResult<u64> {
    let order = parse(data)?;
    elapsed(n, || {
        black_box(proto::order_dicts(py, &order)?);
        Ok(())
    })
}

#[pymodule]
mod bench_native {
    #[pymodule_export]
    use super::aio::{answering_lm, gil_wait_nanos, time_acall_batch, time_acall_sequential};
    #[pymodule_export]
    use super::{
        extract_attr_json, into_py, plain_roundtrip, predict_once, proto_construct,
        proto_extract_json, proto_into_py, time_call0, time_call1, time_extract_attr,
        time_extract_json, time_into_py, time_into_py_json, time_plain_serde_parse, time_predict,
        time_proto_construct, time_proto_dicts, time_proto_extract, time_proto_into_py,
        time_serde_dump, time_serde_parse, time_walk_getattr, time_walk_getattr_no_value,
    };
}
