//! [`Atom`]: one value a `Literal` of ints, bools, None and strings may hold.
use pyo3::prelude::*;

/// One JSON or Python value a Literal of ints, bools, None and strings may hold, read strictly
/// (an int is never a bool, a float is never an int): what a generated Literal enum matches on.
#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    /// `null` / `None`.
    Null,
    /// `true` / `True`.
    Bool(bool),
    /// An integer (within i128).
    Int(i128),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// Anything else (a list, an object, an int beyond i128).
    Other,
}

impl Atom {
    /// The atom of a Python object: `bool` before `int`, as `True` is an `int` in Python.
    pub fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        use pyo3::types::{PyBool, PyInt, PyString};
        if obj.is_none() {
            Ok(Self::Null)
        } else if let Ok(b) = obj.cast::<PyBool>() {
            Ok(Self::Bool(b.is_true()))
        } else if obj.is_instance_of::<PyInt>() {
            Ok(obj.extract::<i128>().map_or(Self::Other, Self::Int))
        } else if let Ok(s) = obj.cast::<PyString>() {
            Ok(Self::Str(s.to_str()?.to_owned()))
        } else {
            Ok(Self::Other)
        }
    }

    /// The number Python's `==` sees in a bool, an int or a whole float (`True == 1 == 1.0`):
    /// pydantic matches a Literal by it when no value of the same type matches.
    pub fn number(&self) -> Option<i128> {
        match self {
            Self::Bool(b) => Some(i128::from(*b)),
            Self::Int(n) => Some(*n),
            Self::Float(f) if f.fract() == 0.0 && f.abs() < 1e30 => Some(*f as i128),
            _ => None,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Atom {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AtomVisitor;
        impl<'de> serde::de::Visitor<'de> for AtomVisitor {
            type Value = Atom;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an int, a bool, null or a string")
            }
            fn visit_unit<E>(self) -> Result<Atom, E> {
                Ok(Atom::Null)
            }
            fn visit_none<E>(self) -> Result<Atom, E> {
                Ok(Atom::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Atom, E> {
                Ok(Atom::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Atom, E> {
                Ok(Atom::Int(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Atom, E> {
                Ok(Atom::Int(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Atom, E> {
                Ok(Atom::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Atom, E> {
                Ok(Atom::Str(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Atom, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Atom::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Atom, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Atom::Other)
            }
        }
        deserializer.deserialize_any(AtomVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::Atom;

    #[test]
    fn json_values_keep_their_type() {
        let read = |text: &str| serde_json::from_str::<Atom>(text).unwrap();
        assert_eq!(read("1"), Atom::Int(1));
        assert_eq!(read("true"), Atom::Bool(true));
        assert_eq!(read("null"), Atom::Null);
        assert_eq!(read("[1]"), Atom::Other);
        assert_eq!(read("1.0").number(), Some(1));
        assert_eq!(read("true").number(), Some(1));
        assert_eq!(read("1.5").number(), None);
    }
}
