//! `ipaddress.IPv4Network`, `IPv6Network`, `IPv4Interface`, `IPv6Interface` and pydantic's
//! `IPvAnyNetwork`, `IPvAnyInterface` (feature `ip`): read as CPython 3.11's constructors read
//! them (`"addr"` or `"addr/prefix"`: a prefix of ASCII digits, or for IPv4 a netmask or a
//! hostmask in dotted form; an int or a bool is the address alone, with the full prefix), a
//! network refusing host bits (pydantic builds it strict), and written as `str()` writes them:
//! `address/prefix` (`"1.2.3.0/255.255.255.0"` -> `"1.2.3.0/24"`). An IPv6 address keeps its
//! `%scope`.
use std::net::{Ipv4Addr, Ipv6Addr};

use pyo3::prelude::*;

use super::ip::Ipv6Address;

/// `"addr"` or `"addr/mask"`: more than one `/` is refused.
fn split(text: &str) -> Option<(&str, Option<&str>)> {
    let mut parts = text.split('/');
    let address = parts.next()?;
    let mask = parts.next();
    parts.next().is_none().then_some((address, mask))
}

/// A prefix length written in ASCII digits (leading zeros allowed), at most `max`.
fn prefix_digits(mask: &str, max: u8) -> Option<u8> {
    if mask.is_empty() || !mask.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = mask.trim_start_matches('0');
    if digits.len() > 3 {
        return None;
    }
    let value: u16 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    u8::try_from(value).ok().filter(|v| *v <= max)
}

/// The prefix length of a netmask `1*0*`, as `_prefix_from_ip_int`.
fn prefix_of_netmask(mask: u32) -> Option<u8> {
    let zeros = if mask == 0 { 32 } else { mask.trailing_zeros() };
    let ones = 32 - zeros;
    let rest = u64::from(mask) >> zeros;
    (rest == (1u64 << ones) - 1).then_some(ones as u8)
}

/// An IPv4 mask: a prefix length, else a netmask, else a hostmask.
fn prefix_v4(mask: &str) -> Option<u8> {
    prefix_digits(mask, 32).or_else(|| {
        let value = u32::from(mask.parse::<Ipv4Addr>().ok()?);
        prefix_of_netmask(value).or_else(|| prefix_of_netmask(!value))
    })
}

fn mask_v4(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask_v6(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

fn v4(text: &str) -> Option<(Ipv4Addr, u8)> {
    let (address, mask) = split(text)?;
    let prefix = match mask {
        None => 32,
        Some(mask) => prefix_v4(mask)?,
    };
    Some((address.parse().ok()?, prefix))
}

fn v6(text: &str) -> Option<(Ipv6Address, u8)> {
    let (address, mask) = split(text)?;
    let prefix = match mask {
        None => 128,
        Some(mask) => prefix_digits(mask, 128)?,
    };
    Some((Ipv6Address::parse(address)?, prefix))
}

/// A value as the constructors read it: a string, or an int (a bool too) as the address alone,
/// with the full prefix.
#[derive(Clone, Copy)]
enum Given<'a> {
    Text(&'a str),
    Int(u64),
}

macro_rules! ip_prefixed {
    ($($name:ident class $class:literal, from_text $from_text:expr, from_int $from_int:expr;)*) => {$(
        impl $name {
            /// `text` read as the Python constructor reads it; None where it refuses it.
            pub fn parse(text: &str) -> Option<Self> {
                Self::read(Given::Text(text))
            }

            fn read(given: Given<'_>) -> Option<Self> {
                match given {
                    Given::Text(text) => ($from_text)(text),
                    Given::Int(n) => ($from_int)(n),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("an ", $class))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::read(Given::Text(v)).ok_or_else(|| E::custom(concat!("input is not a valid ", $class)))
                    }
                    // serde_json reads an integer beyond u64 as a float: refused (README).
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$name, E> {
                        $name::read(Given::Int(v)).ok_or_else(|| E::custom(concat!("input is not a valid ", $class)))
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$name, E> {
                        u64::try_from(v)
                            .map_err(|_| E::custom(concat!("input is not a valid ", $class)))
                            .and_then(|n| self.visit_u64(n))
                    }
                    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<$name, E> {
                        self.visit_u64(u64::from(v))
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }

        impl<'a, 'py> FromPyObject<'a, 'py> for $name {
            type Error = PyErr;

            /// The Python object, by its text.
            fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                let text = obj.str()?;
                Self::parse(text.to_str()?).ok_or_else(|| {
                    pyo3::exceptions::PyValueError::new_err(concat!("expected an ", $class))
                })
            }
        }

        crate::into_py_by_class!($name, "ipaddress", $class, |value, py| value.to_string());
    )*};
}

/// A Python `ipaddress.IPv4Network`: no host bits set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Network {
    /// The network's first address.
    pub address: Ipv4Addr,
    /// The prefix length.
    pub prefix: u8,
}

/// A Python `ipaddress.IPv4Interface`: an address and the prefix of its network.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Interface {
    /// The address.
    pub address: Ipv4Addr,
    /// The prefix length.
    pub prefix: u8,
}

/// A Python `ipaddress.IPv6Network`: no host bits set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv6Network {
    /// The network's first address (with a scope, if written).
    pub address: Ipv6Address,
    /// The prefix length.
    pub prefix: u8,
}

/// A Python `ipaddress.IPv6Interface`: an address (with its scope) and the prefix of its network.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv6Interface {
    /// The address.
    pub address: Ipv6Address,
    /// The prefix length.
    pub prefix: u8,
}

fn v6_int(n: u64) -> Ipv6Address {
    Ipv6Address {
        address: Ipv6Addr::from(u128::from(n)),
        scope_id: None,
    }
}

fn network4(text: &str) -> Option<Ipv4Network> {
    let (address, prefix) = v4(text)?;
    (u32::from(address) & !mask_v4(prefix) == 0).then_some(Ipv4Network { address, prefix })
}

fn network6(text: &str) -> Option<Ipv6Network> {
    let (address, prefix) = v6(text)?;
    (u128::from(address.address) & !mask_v6(prefix) == 0).then_some(Ipv6Network { address, prefix })
}

fn interface4(text: &str) -> Option<Ipv4Interface> {
    v4(text).map(|(address, prefix)| Ipv4Interface { address, prefix })
}

fn interface6(text: &str) -> Option<Ipv6Interface> {
    v6(text).map(|(address, prefix)| Ipv6Interface { address, prefix })
}

ip_prefixed! {
    Ipv4Network class "IPv4Network", from_text network4,
        from_int |n: u64| Some(Ipv4Network { address: Ipv4Addr::from(u32::try_from(n).ok()?), prefix: 32 });
    Ipv4Interface class "IPv4Interface", from_text interface4,
        from_int |n: u64| Some(Ipv4Interface { address: Ipv4Addr::from(u32::try_from(n).ok()?), prefix: 32 });
    Ipv6Network class "IPv6Network", from_text network6,
        from_int |n: u64| Some(Ipv6Network { address: v6_int(n), prefix: 128 });
    Ipv6Interface class "IPv6Interface", from_text interface6,
        from_int |n: u64| Some(Ipv6Interface { address: v6_int(n), prefix: 128 });
}

impl std::fmt::Display for Ipv4Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

impl std::fmt::Display for Ipv4Interface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

impl std::fmt::Display for Ipv6Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

impl std::fmt::Display for Ipv6Interface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

macro_rules! ip_any {
    ($($name:ident { $v4:ident, $v6:ident } $what:literal;)*) => {$(
        impl $name {
            fn read(given: Given<'_>) -> Option<Self> {
                $v4::read(given).map(Self::V4).or_else(|| $v6::read(given).map(Self::V6))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    Self::V4(v) => v.fmt(f),
                    Self::V6(v) => v.fmt(f),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::read(Given::Text(v)).ok_or_else(|| E::custom(concat!("value is not a valid ", $what)))
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$name, E> {
                        $name::read(Given::Int(v)).ok_or_else(|| E::custom(concat!("value is not a valid ", $what)))
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$name, E> {
                        u64::try_from(v)
                            .map_err(|_| E::custom(concat!("value is not a valid ", $what)))
                            .and_then(|n| self.visit_u64(n))
                    }
                    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<$name, E> {
                        self.visit_u64(u64::from(v))
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }

        impl<'a, 'py> FromPyObject<'a, 'py> for $name {
            type Error = PyErr;

            fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                let text = obj.str()?;
                Self::read(Given::Text(text.to_str()?)).ok_or_else(|| {
                    pyo3::exceptions::PyValueError::new_err(concat!("expected an ", $what))
                })
            }
        }

        impl<'py> IntoPyObject<'py> for &$name {
            type Target = PyAny;
            type Output = Bound<'py, PyAny>;
            type Error = PyErr;

            fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                match self {
                    $name::V4(v) => v.into_pyobject(py),
                    $name::V6(v) => v.into_pyobject(py),
                }
            }
        }

        crate::into_py_by_ref!($name);
    )*};
}

/// pydantic's `IPvAnyNetwork`: an IPv4 network if the value is one, else an IPv6 network.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IpvAnyNetwork {
    /// An IPv4 network.
    V4(Ipv4Network),
    /// An IPv6 network.
    V6(Ipv6Network),
}

/// pydantic's `IPvAnyInterface`: an IPv4 interface if the value is one, else an IPv6 interface.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IpvAnyInterface {
    /// An IPv4 interface.
    V4(Ipv4Interface),
    /// An IPv6 interface.
    V6(Ipv6Interface),
}

ip_any! {
    IpvAnyNetwork { Ipv4Network, Ipv6Network } "IPv4 or IPv6 network";
    IpvAnyInterface { Ipv4Interface, Ipv6Interface } "IPv4 or IPv6 interface";
}

#[cfg(test)]
mod tests {
    use super::{Ipv4Interface, Ipv4Network, Ipv6Interface, Ipv6Network, IpvAnyNetwork};

    #[test]
    fn read_and_written_as_cpython_does() {
        let net4 = |t: &str| Ipv4Network::parse(t).map(|n| n.to_string());
        assert_eq!(net4("1.2.3.0/24").as_deref(), Some("1.2.3.0/24"));
        assert_eq!(net4("1.2.3.0/255.255.255.0").as_deref(), Some("1.2.3.0/24"));
        assert_eq!(net4("1.2.3.0/0.0.0.255").as_deref(), Some("1.2.3.0/24"));
        assert_eq!(net4("1.2.3.0/024").as_deref(), Some("1.2.3.0/24"));
        assert_eq!(net4("0.0.0.0/0.0.0.0").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(net4("1.2.3.4").as_deref(), Some("1.2.3.4/32"));
        for bad in [
            "1.2.3.4/24",
            "1.2.3.0/+24",
            "1.2.3.0/33",
            "1.2.3.0/255.0.255.0",
            "1.2.3.4/",
            "/24",
            "1.2.3.4/32/1",
        ] {
            assert_eq!(net4(bad), None, "{bad}");
        }
        assert_eq!(
            Ipv4Interface::parse("1.2.3.4/24").unwrap().to_string(),
            "1.2.3.4/24"
        );
        assert_eq!(
            Ipv6Network::parse("::1/0128").unwrap().to_string(),
            "::1/128"
        );
        assert_eq!(
            Ipv6Interface::parse("fe80::1%eth0/64").unwrap().to_string(),
            "fe80::1%eth0/64"
        );
        assert!(Ipv6Network::parse("::/ffff::").is_none());
        let any = |t: &str| {
            serde_json::to_string(&serde_json::from_str::<IpvAnyNetwork>(t).unwrap()).unwrap()
        };
        assert_eq!(any("4294967296"), r#""::1:0:0/128""#);
        assert_eq!(any("true"), r#""0.0.0.1/32""#);
    }
}
