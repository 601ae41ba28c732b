//! pydantic's `SecretStr` and `SecretBytes` (feature `secret`): read as a `str` (`bytes` in the
//! model's `val_json_bytes` mode), written as pydantic writes them, `"**********"` for a
//! non-empty secret and `""` for an empty one. Debug and Display mask the secret too; only
//! `get_secret_value()` gives it, as in Python. So a secret does not survive JSON, by design:
//! JSON written here (or by pydantic) reads back as the ten stars.
use pyo3::prelude::*;

use super::bytes::{read_base64, read_hex, read_utf8};

/// What pydantic writes for a secret: ten stars, or nothing for an empty one.
fn masked(empty: bool) -> &'static str {
    if empty {
        ""
    } else {
        "**********"
    }
}

/// `pydantic.SecretStr`.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct SecretStr(String);

impl SecretStr {
    /// A secret holding `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself (pydantic's `get_secret_value()`).
    pub fn get_secret_value(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretStr({:?})", masked(self.0.is_empty()))
    }
}

impl std::fmt::Display for SecretStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(masked(self.0.is_empty()))
    }
}

impl serde::Serialize for SecretStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(masked(self.0.is_empty()))
    }
}

impl<'de> serde::Deserialize<'de> for SecretStr {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for SecretStr {
    type Error = PyErr;

    /// A `pydantic.SecretStr`, through `get_secret_value()`.
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        obj.call_method0("get_secret_value")?.extract().map(Self)
    }
}

crate::into_py_by_class!(SecretStr, "pydantic", "SecretStr", |value, py| value
    .0
    .as_str());

/// One type per way a model reads bytes (`val_json_bytes`); each writes the mask.
macro_rules! secret_bytes {
    ($($(#[$doc:meta])* $name:ident: $read:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Default)]
        pub struct $name(Vec<u8>);

        impl $name {
            /// A secret holding `value`.
            pub fn new(value: impl Into<Vec<u8>>) -> Self {
                Self(value.into())
            }

            /// The secret itself (pydantic's `get_secret_value()`).
            pub fn get_secret_value(&self) -> &[u8] {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "SecretBytes({:?})", masked(self.0.is_empty()))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(masked(self.0.is_empty()))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("secret bytes as a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $read(v).map($name).map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }

        impl<'a, 'py> FromPyObject<'a, 'py> for $name {
            type Error = PyErr;

            /// A `pydantic.SecretBytes`, through `get_secret_value()`.
            fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                let secret = obj.call_method0("get_secret_value")?;
                Ok(Self(secret.cast::<pyo3::types::PyBytes>()?.as_bytes().to_vec()))
            }
        }

        crate::into_py_by_class!($name, "pydantic", "SecretBytes", |value, py| pyo3::types::PyBytes::new(py, &value.0));
    )*};
}

secret_bytes! {
    /// `pydantic.SecretBytes`, read as UTF-8 text (the default `val_json_bytes`).
    SecretBytes: read_utf8;
    /// `pydantic.SecretBytes` in a model with `val_json_bytes="base64"` (named after how it reads:
    /// it writes the mask).
    SecretBase64Bytes: read_base64;
    /// `pydantic.SecretBytes` in a model with `val_json_bytes="hex"`.
    SecretHexBytes: read_hex;
}

#[cfg(test)]
mod tests {
    use super::{SecretBase64Bytes, SecretStr};

    #[test]
    fn written_and_shown_masked() {
        let secret: SecretStr = serde_json::from_str(r#""hunter2""#).unwrap();
        assert_eq!(secret.get_secret_value(), "hunter2");
        assert_eq!(serde_json::to_string(&secret).unwrap(), r#""**********""#);
        assert_eq!(format!("{secret:?}"), r#"SecretStr("**********")"#);
        assert_eq!(
            serde_json::to_string(&SecretStr::default()).unwrap(),
            r#""""#
        );
        assert!(serde_json::from_str::<SecretStr>("1").is_err());
        let bytes: SecretBase64Bytes = serde_json::from_str(r#""aGk=""#).unwrap();
        assert_eq!(bytes.get_secret_value(), b"hi");
        assert_eq!(format!("{bytes:?}"), r#"SecretBytes("**********")"#);
        assert!(serde_json::from_str::<SecretBase64Bytes>(r#""!!""#).is_err());
    }
}
