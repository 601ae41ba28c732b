//! `pydantic.Json[T]`: a field whose JSON is a string holding the JSON of a `T`. pydantic reads
//! the string, parses it and validates a `T` (in the mode the field is read in); its attribute
//! holds the `T`, and `model_dump_json()` writes the `T` itself, not the text again (so pydantic
//! does not read its own output back, nor does Rust).
use pyo3::prelude::*;

/// A `T` read from the JSON text inside a JSON string, written as the `T`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> serde::Serialize for Json<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for Json<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<T: serde::de::DeserializeOwned> serde::de::Visitor<'_> for Visitor<T> {
            type Value = Json<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a string holding JSON (JSON input should be string, bytes or bytearray)",
                )
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Json<T>, E> {
                crate::lax::read_text(text)
                    .map(Json)
                    .map_err(|e| E::custom(format_args!("Invalid JSON: {e}")))
            }
        }
        deserializer.deserialize_str(Visitor(std::marker::PhantomData))
    }
}

impl<'a, 'py, T: serde::de::DeserializeOwned> FromPyObject<'a, 'py> for Json<T> {
    type Error = PyErr;

    /// The attribute pydantic holds (the `T`, parsed), read through pydantic's own JSON of it.
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        super::from_json_py(&obj.to_owned()).map(Json)
    }
}

impl<'py, T: serde::Serialize> IntoPyObject<'py> for &Json<T> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    /// The JSON text of the `T`: what pydantic validates a `Json[T]` field from.
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(&self.0)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        Ok(pyo3::types::PyString::new(py, &text).into_any())
    }
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn reads_the_text_and_writes_the_value() {
        let read: Json<Vec<i64>> = serde_json::from_str(r#"" [1, 2] ""#).unwrap();
        assert_eq!(read, Json(vec![1, 2]));
        assert_eq!(serde_json::to_string(&read).unwrap(), "[1,2]");
        for refused in ["[1, 2]", r#""[1, 2"#, r#""[1, 2] x""#, r#""""#, "null", "1"] {
            assert!(
                serde_json::from_str::<Json<Vec<i64>>>(refused).is_err(),
                "{refused}"
            );
        }
    }
}
