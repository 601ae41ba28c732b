//! `ipaddress.IPv4Address` (feature `ip`): written as pydantic writes it, its dotted text
//! (`"127.0.0.1"`), and read as pydantic reads it: that text (four decimal octets, no leading
//! zeros, nothing around them), or an integer within 32 bits, or a bool (`true` is 0.0.0.1:
//! a bool is an int in Python).
use std::net::{IpAddr, Ipv4Addr};

use pyo3::prelude::*;

/// A Python `ipaddress.IPv4Address`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Address(pub Ipv4Addr);

impl serde::Serialize for Ipv4Address {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Ipv4Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Ipv4Address;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an IPv4 address")
            }
            // Rust's grammar is Python's: four octets 0-255, in decimal, without leading zeros.
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Ipv4Address, E> {
                v.parse()
                    .map(Ipv4Address)
                    .map_err(|_| E::custom("input is not a valid IPv4 address"))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Ipv4Address, E> {
                u32::try_from(v)
                    .map(|n| Ipv4Address(Ipv4Addr::from(n)))
                    .map_err(|_| E::custom("input is not a valid IPv4 address"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Ipv4Address, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom("input is not a valid IPv4 address"))
                    .and_then(|n| self.visit_u64(n))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Ipv4Address, E> {
                Ok(Ipv4Address(Ipv4Addr::from(u32::from(v))))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Ipv4Address {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.extract::<IpAddr>()? {
            IpAddr::V4(address) => Ok(Self(address)),
            IpAddr::V6(_) => Err(pyo3::exceptions::PyValueError::new_err(
                "expected an IPv4 address",
            )),
        }
    }
}

impl<'py> IntoPyObject<'py> for Ipv4Address {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.into_pyobject(py)
    }
}

crate::into_py_by_value!(Ipv4Address);

#[cfg(test)]
mod tests {
    use super::Ipv4Address;

    #[test]
    fn read_and_written_as_pydantic_does() {
        let read = |text: &str| {
            serde_json::from_str::<Ipv4Address>(text).map(|a| serde_json::to_string(&a).unwrap())
        };
        assert_eq!(read(r#""127.0.0.1""#).unwrap(), r#""127.0.0.1""#);
        assert_eq!(read("2130706433").unwrap(), r#""127.0.0.1""#);
        assert_eq!(read("true").unwrap(), r#""0.0.0.1""#);
        for bad in [
            r#""01.2.3.4""#,
            r#"" 1.2.3.4""#,
            r#""1.2.3""#,
            "4294967296",
            "-1",
            "1.0",
            "null",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
