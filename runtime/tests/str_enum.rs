//! `str_enum_py!`, the conversions of a generated enum of strings, against Python itself: a
//! Literal's values are interned strings, a Python Enum's are its members, and a value that is
//! neither is read by its text, or refused with the enum's name.
#![cfg(feature = "embed")]

use dspygen_runtime::pyo3::prelude::*;
use dspygen_runtime::pyo3::types::PyString;

/// A `Literal["fast", "slow"]`, written by hand as dspygen generates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Fast,
    Slow,
}

impl Mode {
    const ALL: &'static [Self] = &[Self::Fast, Self::Slow];

    const fn value(self) -> &'static str {
        match self {
            Self::Fast => "fast",
            Self::Slow => "slow",
        }
    }

    fn from_value(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.value() == value)
    }
}

dspygen_runtime::str_enum_py!(Mode, "Mode", literal);

/// Two members of the standard library's `http.HTTPMethod` (a `StrEnum`), in another order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Post,
    Get,
}

impl Method {
    const ALL: &'static [Self] = &[Self::Post, Self::Get];

    const fn value(self) -> &'static str {
        match self {
            Self::Post => "POST",
            Self::Get => "GET",
        }
    }

    fn from_value(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.value() == value)
    }
}

dspygen_runtime::str_enum_py!(Method, "Method", class "http", "HTTPMethod");

fn init() {
    dspygen_runtime::embed::start(&[]).expect("Python starts");
}

#[test]
fn a_literal_crosses_as_interned_strings_and_reads_any_equal_string() {
    init();
    Python::attach(|py| {
        let given = Mode::Slow.into_pyobject(py).unwrap();
        assert_eq!(given.extract::<String>().unwrap(), "slow");
        assert!(given.is(PyString::intern(py, "slow")));
        assert!((&Mode::Fast)
            .into_pyobject(py)
            .unwrap()
            .is(PyString::intern(py, "fast")));
        assert_eq!(given.extract::<Mode>().unwrap(), Mode::Slow);
        // A str built at run time is not the interned object: read by its text.
        let built = py.eval(c"''.join(['fa', 'st'])", None, None).unwrap();
        assert_eq!(built.extract::<Mode>().unwrap(), Mode::Fast);
        let refused = PyString::new(py, "medium").extract::<Mode>().unwrap_err();
        assert_eq!(
            refused.value(py).to_string(),
            "\"medium\" is not a value of Mode"
        );
        assert!(py
            .eval(c"3", None, None)
            .unwrap()
            .extract::<Mode>()
            .is_err());
    });
}

#[test]
fn an_enum_crosses_as_its_members_and_reads_a_member_or_its_value() {
    init();
    Python::attach(|py| {
        let http = py.import("http").unwrap();
        let get = http.getattr("HTTPMethod").unwrap().getattr("GET").unwrap();
        let given = Method::Get.into_pyobject(py).unwrap();
        assert!(given.is(&get), "the member itself, not a copy");
        assert_eq!(get.extract::<Method>().unwrap(), Method::Get);
        let post = http.getattr("HTTPMethod").unwrap().getattr("POST").unwrap();
        assert_eq!(post.extract::<Method>().unwrap(), Method::Post);
        // pydantic keeps a default such as `method: HTTPMethod = "POST"` as the plain str.
        assert_eq!(
            PyString::new(py, "POST").extract::<Method>().unwrap(),
            Method::Post
        );
        // A member this enum does not hold is read by its value, and refused.
        let delete = http
            .getattr("HTTPMethod")
            .unwrap()
            .getattr("DELETE")
            .unwrap();
        let refused = delete.extract::<Method>().unwrap_err();
        assert_eq!(
            refused.value(py).to_string(),
            "\"DELETE\" is not a value of Method"
        );
    });
}
