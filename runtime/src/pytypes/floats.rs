//! Floats of models that write non-finite values (feature `floats`): pydantic's
//! `ser_json_inf_nan="strings"` and `"constants"` (its default, `"null"`, is a plain `f64`).
use pyo3::prelude::*;

/// A float as pydantic reads it in a model with non-finite floats written out: numbers,
/// and (lax mode) numeric strings and booleans.
fn read_float<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = f64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a number")
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<f64, E> {
            Ok(if v { 1.0 } else { 0.0 })
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<f64, E> {
            crate::lax::float_of_str(v)
                .ok_or_else(|| E::custom(format!("{v:?} is not a valid number")))
        }
    }
    deserializer.deserialize_any(Visitor)
}

fn non_finite_name(v: f64) -> &'static str {
    if v.is_nan() {
        "NaN"
    } else if v > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

/// A float in a model with `ser_json_inf_nan='strings'`: infinities and NaN are written
/// A float in a model with `ser_json_inf_nan='strings'`: infinities and NaN are written
/// as the strings `"Infinity"`, `"-Infinity"` and `"NaN"`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct InfNanStrings(pub f64);

impl serde::Serialize for InfNanStrings {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            serializer.serialize_f64(self.0)
        } else {
            serializer.serialize_str(non_finite_name(self.0))
        }
    }
}

/// A float in a model with `ser_json_inf_nan='constants'`: infinities and NaN are written
/// as the bare tokens `Infinity`, `-Infinity` and `NaN`, as pydantic does. They are not
/// JSON, and serde_json cannot read them back: only a serde_json serializer writes them
/// (through its raw-value hook); other serializers get an error.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct InfNanConstants(pub f64);

impl serde::Serialize for InfNanConstants {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        if self.0.is_finite() {
            return serializer.serialize_f64(self.0);
        }
        // serde_json's (feature `raw_value`) token for text written verbatim
        const RAW: &str = "$serde_json::private::RawValue";
        let mut raw = serializer.serialize_struct(RAW, 1)?;
        raw.serialize_field(RAW, non_finite_name(self.0))?;
        raw.end()
    }
}

/// What both float types share: reading (`read_float`) and crossing into Python as a `float`.
macro_rules! float_conversions {
    ($($ty:ident),*) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                read_float(deserializer).map(Self)
            }
        }

        impl<'a, 'py> FromPyObject<'a, 'py> for $ty {
            type Error = PyErr;

            fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                Ok(Self(obj.extract()?))
            }
        }

        impl<'py> IntoPyObject<'py> for $ty {
            type Target = PyAny;
            type Output = Bound<'py, PyAny>;
            type Error = PyErr;

            fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(pyo3::types::PyFloat::new(py, self.0).into_any())
            }
        }

        crate::into_py_by_value!($ty);
    )*};
}

float_conversions!(InfNanStrings, InfNanConstants);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_values_are_written_as_pydantic_writes_them() {
        assert_eq!(
            serde_json::to_string(&InfNanStrings(f64::NEG_INFINITY)).unwrap(),
            r#""-Infinity""#
        );
        assert_eq!(
            serde_json::to_string(&InfNanConstants(f64::NAN)).unwrap(),
            "NaN"
        );
        assert_eq!(serde_json::to_string(&InfNanConstants(1.5)).unwrap(), "1.5");
        assert_eq!(
            serde_json::from_str::<InfNanStrings>(r#""1_0""#).unwrap().0,
            10.0
        );
        assert_eq!(
            serde_json::from_str::<InfNanStrings>("true").unwrap().0,
            1.0
        );
    }
}
