//! A field typed `None` (`x: None`): pydantic's `none_schema` reads only `null` (JSON) or `None`
//! (Python), in lax mode too, and writes `null`. Rust's `()` writes `null` as well but crosses
//! into Python as the empty tuple, so the field holds this type instead.
use pyo3::prelude::*;
use pyo3::types::PyNone;

/// Python's `None` as a value of its own type, `types.NoneType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NoneType;

impl serde::Serialize for NoneType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de> serde::Deserialize<'de> for NoneType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = NoneType;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("null (the input should be None)")
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<NoneType, E> {
                Ok(NoneType)
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<NoneType, E> {
                Ok(NoneType)
            }
        }
        deserializer.deserialize_unit(Visitor)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for NoneType {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            Ok(Self)
        } else {
            Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "expected None, got {}",
                obj.get_type().name()?
            )))
        }
    }
}

impl<'py> IntoPyObject<'py> for NoneType {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyNone::get(py).to_owned().into_any())
    }
}

crate::into_py_by_value!(NoneType);

#[cfg(test)]
mod tests {
    use super::NoneType;

    #[test]
    fn reads_and_writes_only_null() {
        assert_eq!(serde_json::from_str::<NoneType>("null").unwrap(), NoneType);
        for refused in ["0", "\"\"", "\"null\"", "[]", "{}", "false"] {
            assert!(
                serde_json::from_str::<NoneType>(refused).is_err(),
                "{refused}"
            );
        }
        assert_eq!(serde_json::to_string(&NoneType).unwrap(), "null");
        assert_eq!(
            serde_json::to_string(&vec![NoneType, NoneType]).unwrap(),
            "[null,null]"
        );
    }
}
