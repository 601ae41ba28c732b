//! Integers: bounds beyond what the Rust type holds (`Field(ge=1)` on a `u64`), and the keys
//! of `dict[int, V]`.
use pyo3::prelude::*;

fn check_within<E: serde::de::Error, const MIN: i128, const MAX: i128>(
    value: i128,
) -> Result<(), E> {
    if value < MIN {
        Err(E::custom(format!(
            "input should be greater than or equal to {MIN}, not {value}"
        )))
    } else if value > MAX {
        Err(E::custom(format!(
            "input should be less than or equal to {MAX}, not {value}"
        )))
    } else {
        Ok(())
    }
}

/// An integer field with `Field(ge=..., le=...)` bounds (inclusive `MIN..=MAX`), checked as pydantic does.
pub fn int_within<'de, D, T, const MIN: i128, const MAX: i128>(
    deserializer: D,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Copy + Into<i128>,
{
    let value = T::deserialize(deserializer)?;
    check_within::<D::Error, MIN, MAX>(value.into())?;
    Ok(value)
}

/// `int_within` for an `Optional` field (which this makes required, as pydantic does without a default).
pub fn opt_int_within<'de, D, T, const MIN: i128, const MAX: i128>(
    deserializer: D,
) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Copy + Into<i128>,
{
    let value = <Option<T> as serde::Deserialize>::deserialize(deserializer)?;
    if let Some(v) = value {
        check_within::<D::Error, MIN, MAX>(v.into())?;
    }
    Ok(value)
}

/// The key of `dict[int, V]`: JSON keys are strings, read as pydantic reads an int from a string
/// (surrounding whitespace, a sign, leading zeros, `_` between digits, a `.000` tail); written
/// as its digits. An `i64` (a key beyond it is an error, as for `int` fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct IntKey(pub i64);

impl IntKey {
    fn parse(text: &str) -> Option<i64> {
        match crate::lax::int_of_str(text) {
            crate::lax::IntText::Int(n) => i64::try_from(n).ok(),
            _ => None,
        }
    }
}

impl From<i64> for IntKey {
    fn from(n: i64) -> Self {
        Self(n)
    }
}

impl serde::Serialize for IntKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for IntKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = IntKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an int key")
            }
            fn visit_i64<E>(self, v: i64) -> Result<IntKey, E> {
                Ok(IntKey(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<IntKey, E> {
                i64::try_from(v)
                    .map(IntKey)
                    .map_err(|_| E::custom(format!("the key {v} does not fit in i64")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IntKey, E> {
                IntKey::parse(v)
                    .map(IntKey)
                    .ok_or_else(|| E::custom(format!("the key {v:?} is not an int within i64")))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for IntKey {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Self(obj.extract::<i64>()?))
    }
}

impl<'py> IntoPyObject<'py> for IntKey {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pyo3::types::PyInt::new(py, self.0).into_any())
    }
}

crate::into_py_by_value!(IntKey);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_keys_are_read_as_python_reads_an_int() {
        let key = |text: &str| {
            serde_json::from_str::<indexmap::IndexMap<IntKey, u8>>(text)
                .map(|m| m.keys().next().unwrap().0)
        };
        assert_eq!(key(r#"{" -0_1.00 ": 1}"#).unwrap(), -1);
        assert!(key(r#"{"1_": 1}"#).is_err());
        assert!(key(r#"{"9223372036854775808": 1}"#).is_err());
    }

    #[test]
    fn bounds_are_checked() {
        let mut de = serde_json::Deserializer::from_str("300");
        assert!(int_within::<_, u64, 0, 255>(&mut de).is_err());
        let mut de = serde_json::Deserializer::from_str("null");
        assert_eq!(opt_int_within::<_, i64, 0, 1>(&mut de).unwrap(), None);
    }
}
