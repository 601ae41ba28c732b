//! `ipaddress.IPv4Address`, `IPv6Address` and pydantic's `IPvAnyAddress` (feature `ip`): written
//! as pydantic writes them, `str(address)`, and read as pydantic reads them: that text, or an
//! integer within 32 bits (IPv6: within u64, as serde_json reads ints), or a bool (`true` is
//! 0.0.0.1: a bool is an int in Python).
//! An IPv4 text is four decimal octets, no leading zeros, nothing around them; an IPv6 text is
//! read and written by CPython 3.10-3.12's rules (`ipaddress`; 3.13 writes an IPv4-mapped
//! address in dotted form, which this does not follow): hextets of one to four hex digits,
//! one `::`, a dotted IPv4 tail, a `%scope` suffix kept as written; written in lower case with
//! the longest run of two or more zero hextets (the first of equal runs) as `::`, and an
//! IPv4 tail as two hextets (`"::ffff:1.2.3.4"` -> `"::ffff:102:304"`).
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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

/// An IPv6 text as CPython's `ipaddress.IPv6Address(text)` reads it: the address and its scope.
fn parse_ipv6(text: &str) -> Option<(u128, Option<String>)> {
    if text.contains('/') {
        return None;
    }
    let (address, scope) = match text.split_once('%') {
        None => (text, None),
        Some((_, "")) => return None,
        Some((_, scope)) if scope.contains('%') => return None,
        Some((address, scope)) => (address, Some(scope.to_owned())),
    };
    if address.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = address.split(':').map(str::to_owned).collect();
    if parts.len() < 3 {
        return None;
    }
    if parts.last().is_some_and(|last| last.contains('.')) {
        let v4 = u32::from(parts.pop()?.parse::<Ipv4Addr>().ok()?);
        parts.push(format!("{:x}", v4 >> 16));
        parts.push(format!("{:x}", v4 & 0xffff));
    }
    if parts.len() > 9 {
        return None;
    }
    let mut skip = None;
    for (i, part) in parts.iter().enumerate().take(parts.len() - 1).skip(1) {
        if part.is_empty() {
            if skip.is_some() {
                return None; // more than one `::`
            }
            skip = Some(i);
        }
    }
    let (high, low, skipped) = match skip {
        Some(i) => {
            let mut high = i;
            let mut low = parts.len() - i - 1;
            if parts[0].is_empty() {
                high -= 1;
                if high > 0 {
                    return None; // a leading `:` that is not `::`
                }
            }
            if parts[parts.len() - 1].is_empty() {
                low -= 1;
                if low > 0 {
                    return None; // a trailing `:` that is not `::`
                }
            }
            let skipped = 8usize.checked_sub(high + low)?;
            if skipped < 1 {
                return None;
            }
            (high, low, skipped)
        }
        None => {
            if parts.len() != 8 || parts[0].is_empty() || parts[7].is_empty() {
                return None;
            }
            (8, 0, 0)
        }
    };
    let hextet = |part: &str| -> Option<u128> {
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u128::from_str_radix(part, 16).ok()
    };
    let mut value: u128 = 0;
    for part in &parts[..high] {
        value = (value << 16) | hextet(part)?;
    }
    // all eight skipped (`::`): a shift by 128 bits, of a value that is 0 anyway
    value = value.checked_shl(16 * skipped as u32).unwrap_or(0);
    for part in &parts[parts.len() - low..] {
        value = (value << 16) | hextet(part)?;
    }
    Some((value, scope))
}

/// `str(IPv6Address(...))`: lower-case hextets, the longest run of zeros (two or more, the
/// first of equal runs) as `::`, then the scope.
fn format_ipv6(address: Ipv6Addr, scope: Option<&str>) -> String {
    let hextets = address.segments();
    let (mut best_start, mut best_len, mut start, mut len) = (0, 0, 0, 0);
    for (i, h) in hextets.iter().enumerate() {
        if *h == 0 {
            if len == 0 {
                start = i;
            }
            len += 1;
            if len > best_len {
                (best_start, best_len) = (start, len);
            }
        } else {
            len = 0;
        }
    }
    let join = |hs: &[u16]| {
        hs.iter()
            .map(|h| format!("{h:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    let mut out = if best_len > 1 {
        let end = best_start + best_len;
        format!(
            "{}::{}",
            join(&hextets[..best_start]),
            join(&hextets[end..])
        )
    } else {
        join(&hextets)
    };
    if let Some(scope) = scope {
        out.push('%');
        out.push_str(scope);
    }
    out
}

/// A Python `ipaddress.IPv6Address`, with its scope (`"fe80::1%eth0"`) when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv6Address {
    /// The address.
    pub address: Ipv6Addr,
    /// The scope after `%`, as written.
    pub scope_id: Option<String>,
}

impl Ipv6Address {
    /// The address `text` names, read as `ipaddress.IPv6Address(text)` reads it.
    pub fn parse(text: &str) -> Option<Self> {
        parse_ipv6(text).map(|(value, scope_id)| Self {
            address: Ipv6Addr::from(value),
            scope_id,
        })
    }
}

impl std::fmt::Display for Ipv6Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_ipv6(self.address, self.scope_id.as_deref()))
    }
}

impl serde::Serialize for Ipv6Address {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Ipv6Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Ipv6Address;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an IPv6 address")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Ipv6Address, E> {
                Ipv6Address::parse(v).ok_or_else(|| E::custom("input is not a valid IPv6 address"))
            }
            // serde_json reads an integer beyond u64 as a float: refused (README).
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Ipv6Address, E> {
                Ok(Ipv6Address {
                    address: Ipv6Addr::from(u128::from(v)),
                    scope_id: None,
                })
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Ipv6Address, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom("input is not a valid IPv6 address"))
                    .and_then(|n| self.visit_u64(n))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Ipv6Address, E> {
                self.visit_u64(u64::from(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Ipv6Address {
    type Error = PyErr;

    /// An `ipaddress.IPv6Address`, by its text (which keeps the scope).
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let text = obj.str()?;
        Self::parse(text.to_str()?)
            .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("expected an IPv6 address"))
    }
}

crate::into_py_by_class!(Ipv6Address, "ipaddress", "IPv6Address", |value, py| value
    .to_string());

/// pydantic's `IPvAnyAddress`: an IPv4 address if the value is one, else an IPv6 address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IpvAnyAddress {
    /// An `ipaddress.IPv4Address`.
    V4(Ipv4Address),
    /// An `ipaddress.IPv6Address`.
    V6(Ipv6Address),
}

impl std::fmt::Display for IpvAnyAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::V4(a) => a.0.fmt(f),
            Self::V6(a) => a.fmt(f),
        }
    }
}

impl serde::Serialize for IpvAnyAddress {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for IpvAnyAddress {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = IpvAnyAddress;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an IPv4 or IPv6 address")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IpvAnyAddress, E> {
                if let Ok(v4) = v.parse::<Ipv4Addr>() {
                    return Ok(IpvAnyAddress::V4(Ipv4Address(v4)));
                }
                Ipv6Address::parse(v)
                    .map(IpvAnyAddress::V6)
                    .ok_or_else(|| E::custom("value is not a valid IPv4 or IPv6 address"))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<IpvAnyAddress, E> {
                Ok(match u32::try_from(v) {
                    Ok(n) => IpvAnyAddress::V4(Ipv4Address(Ipv4Addr::from(n))),
                    Err(_) => IpvAnyAddress::V6(Ipv6Address {
                        address: Ipv6Addr::from(u128::from(v)),
                        scope_id: None,
                    }),
                })
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<IpvAnyAddress, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom("value is not a valid IPv4 or IPv6 address"))
                    .and_then(|n| self.visit_u64(n))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<IpvAnyAddress, E> {
                self.visit_u64(u64::from(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for IpvAnyAddress {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let text = obj.str()?;
        let text = text.to_str()?;
        if let Ok(v4) = text.parse::<Ipv4Addr>() {
            return Ok(Self::V4(Ipv4Address(v4)));
        }
        Ipv6Address::parse(text).map(Self::V6).ok_or_else(|| {
            pyo3::exceptions::PyValueError::new_err("expected an IPv4 or IPv6 address")
        })
    }
}

impl<'py> IntoPyObject<'py> for &IpvAnyAddress {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            IpvAnyAddress::V4(a) => a.into_pyobject(py),
            IpvAnyAddress::V6(a) => a.into_pyobject(py),
        }
    }
}

crate::into_py_by_ref!(IpvAnyAddress);

#[cfg(test)]
mod tests {
    use super::{Ipv4Address, Ipv6Address, IpvAnyAddress};

    #[test]
    fn ipv6_as_cpython_reads_and_writes_it() {
        let write = |text: &str| Ipv6Address::parse(text).map(|a| a.to_string());
        for (given, written) in [
            ("::ffff:1.2.3.4", "::ffff:102:304"),
            ("FE80::0:0:1", "fe80::1"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
            ("::1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7"),
            ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
            ("::", "::"),
            ("fe80::1%eth0", "fe80::1%eth0"),
        ] {
            assert_eq!(write(given).as_deref(), Some(written), "{given}");
        }
        for bad in [
            "1::2::3",
            "fe80::1%",
            "fe80::1%a%b",
            "01234::",
            "1.2.3.4",
            " ::1",
            "::1/128",
            ":1::",
            "1:2",
        ] {
            assert_eq!(write(bad), None, "{bad}");
        }
        let any = |text: &str| {
            serde_json::to_string(&serde_json::from_str::<IpvAnyAddress>(text).unwrap()).unwrap()
        };
        assert_eq!(any("1"), r#""0.0.0.1""#);
        assert_eq!(any("4294967296"), r#""::1:0:0""#);
        assert_eq!(any(r#""::1""#), r#""::1""#);
    }

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
