//! `bytes` (feature `bytes`) in each of pydantic's JSON modes: a model's `ser_json_bytes`
//! (how it writes bytes: `utf8`, `base64`, `hex`) and `val_json_bytes` (how it reads them),
//! one newtype per pair, named `<Write>Bytes` when both are the same, else
//! `<Write>Read<Read>Bytes` (`Base64ReadUtf8Bytes`).
use pyo3::prelude::*;

fn write_utf8<S: serde::Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serializer.serialize_str(text),
        Err(e) => Err(serde::ser::Error::custom(format!(
            "invalid utf-8 in bytes: {e}"
        ))),
    }
}

pub(super) fn read_utf8(text: &str) -> Result<Vec<u8>, String> {
    Ok(text.as_bytes().to_vec())
}

fn write_base64<S: serde::Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    use base64::Engine;
    serializer.serialize_str(&base64::engine::general_purpose::URL_SAFE.encode(bytes))
}

/// pydantic-core's decoder: URL-safe, then standard alphabet, padding optional.
pub(super) fn read_base64(text: &str) -> Result<Vec<u8>, String> {
    use base64::engine::{
        general_purpose::GeneralPurpose, DecodePaddingMode, GeneralPurposeConfig,
    };
    use base64::{alphabet, DecodeError, Engine};
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    GeneralPurpose::new(&alphabet::URL_SAFE, config)
        .decode(text)
        .or_else(|err| match err {
            DecodeError::InvalidByte(_, b'/' | b'+') => {
                GeneralPurpose::new(&alphabet::STANDARD, config).decode(text)
            }
            _ => Err(err),
        })
        .map_err(|e| format!("data should be valid base64: {e}"))
}

fn write_hex<S: serde::Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&hex::encode(bytes))
}

pub(super) fn read_hex(text: &str) -> Result<Vec<u8>, String> {
    hex::decode(text).map_err(|e| format!("data should be valid hex: {e}"))
}

/// One newtype over `Vec<u8>` per (write, read) pair of modes.
macro_rules! bytes_types {
    ($($name:ident: $write:ident / $read:ident, $shown:literal;)*) => {$(
        #[doc = concat!("Python `bytes`, written and read in JSON as ", $shown, ".")]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub struct $name(pub Vec<u8>);

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $write(&self.0, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("bytes as a string (", $shown, ")"))
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

            fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                Ok(Self(obj.cast::<pyo3::types::PyBytes>()?.as_bytes().to_vec()))
            }
        }

        impl<'py> IntoPyObject<'py> for &$name {
            type Target = PyAny;
            type Output = Bound<'py, PyAny>;
            type Error = PyErr;

            fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(pyo3::types::PyBytes::new(py, &self.0).into_any())
            }
        }

        crate::into_py_by_ref!($name);
    )*};
}

bytes_types! {
    Utf8Bytes: write_utf8 / read_utf8, "UTF-8 text";
    Base64Bytes: write_base64 / read_base64, "base64";
    HexBytes: write_hex / read_hex, "hex";
    Utf8ReadBase64Bytes: write_utf8 / read_base64, "UTF-8 text, read as base64";
    Utf8ReadHexBytes: write_utf8 / read_hex, "UTF-8 text, read as hex";
    Base64ReadUtf8Bytes: write_base64 / read_utf8, "base64, read as UTF-8 text";
    Base64ReadHexBytes: write_base64 / read_hex, "base64, read as hex";
    HexReadUtf8Bytes: write_hex / read_utf8, "hex, read as UTF-8 text";
    HexReadBase64Bytes: write_hex / read_base64, "hex, read as base64";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mode_writes_and_reads_its_own_form() {
        let bytes = vec![0xff, 0xfe, b'h', b'i'];
        assert_eq!(
            serde_json::to_string(&Base64Bytes(bytes.clone())).unwrap(),
            r#""__5oaQ==""#
        );
        assert_eq!(
            serde_json::to_string(&HexBytes(bytes.clone())).unwrap(),
            r#""fffe6869""#
        );
        assert!(serde_json::to_string(&Utf8Bytes(bytes.clone())).is_err());
        // pydantic-core reads the standard alphabet too, with or without padding
        assert_eq!(
            serde_json::from_str::<Base64Bytes>(r#""//5oaQ""#)
                .unwrap()
                .0,
            bytes
        );
        assert_eq!(
            serde_json::from_str::<HexReadBase64Bytes>(r#""__5oaQ==""#)
                .unwrap()
                .0,
            bytes
        );
    }
}
