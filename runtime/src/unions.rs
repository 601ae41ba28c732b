//! What a generated union enum reads before it chooses an arm. pydantic's smart mode ranks a
//! union's arms by the kind of JSON value given (dspygen's `lower/unions.py` orders the
//! tries); these helpers look at the JSON text of the value without reading it into an arm.

/// The kind of a JSON value, from its first character: pydantic ranks a union's arms per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// A number without a fraction or exponent.
    Int,
    /// A number with a fraction or exponent.
    Float,
    /// `true` or `false`.
    Bool,
    /// `null` (or anything unreadable).
    Null,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// The kind of the JSON value `text`.
pub fn kind(text: &str) -> Kind {
    let text = text.trim_start();
    match text.as_bytes().first() {
        Some(b'"') => Kind::Str,
        Some(b'[') => Kind::Array,
        Some(b'{') => Kind::Object,
        Some(b't' | b'f') => Kind::Bool,
        Some(b'-' | b'0'..=b'9') if text.contains(['.', 'e', 'E']) => Kind::Float,
        Some(b'-' | b'0'..=b'9') => Kind::Int,
        _ => Kind::Null,
    }
}

/// A JSON string holding a date alone (`"YYYY-MM-DD"`), which pydantic reads into a
/// datetime only in lax mode.
pub fn bare_date(text: &str) -> bool {
    let bytes = text.trim().as_bytes();
    bytes.len() == 12
        && bytes[0] == b'"'
        && bytes[11] == b'"'
        && bytes[1..11].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// The keys of a JSON object (none for other values).
pub fn keys(text: &str) -> Vec<String> {
    serde_json::from_str::<indexmap::IndexMap<String, serde::de::IgnoredAny>>(text)
        .map(|map| map.into_keys().collect())
        .unwrap_or_default()
}

/// How many of a model's fields (each given by the keys it is read from) `keys` sets.
pub fn fields_set(keys: &[String], fields: &[&[&str]]) -> usize {
    fields
        .iter()
        .filter(|names| names.iter().any(|name| keys.iter().any(|key| key == name)))
        .count()
}

/// The value of the tag field `name` of a discriminated union's object.
pub fn tag(text: &str, name: &str) -> Result<serde_json::Value, String> {
    let map = serde_json::from_str::<indexmap::IndexMap<String, serde_json::Value>>(text).map_err(
        |_| format!("expected an object holding the tag `{name}` (model_attributes_type)"),
    )?;
    map.get(name)
        .cloned()
        .ok_or_else(|| format!("the tag `{name}` is missing (union_tag_not_found)"))
}

/// An exact or strict try at an arm: `text` read as `T` with lax mode off all the way down
/// (a model arm whose fields need a coercion is only a lax match to pydantic).
pub fn strict<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    crate::lax::strictly(|| serde_json::from_str(text))
}

/// A lax try at an arm: `text` read as `T` in pydantic's lax mode; an error where the union is
/// read strictly (a strict field or model, or inside another union's strict try).
pub fn lax<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    crate::lax::from_str(text)
}

/// Reads a union's value: its JSON text first (serde_json's `RawValue`), which `from_json`
/// reads into the arm pydantic picks. So a union deserializes from serde_json's own
/// deserializers (`from_str`, `from_slice`, `from_reader`), not from a `serde_json::Value`.
#[cfg(feature = "unions")]
pub fn deserialize<'de, D, T>(
    deserializer: D,
    from_json: fn(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw = <Box<serde_json::value::RawValue> as serde::Deserialize>::deserialize(deserializer)?;
    from_json(raw.get()).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_first_character() {
        assert_eq!(kind(" 1"), Kind::Int);
        assert_eq!(kind("-1e3"), Kind::Float);
        assert_eq!(kind(r#""x""#), Kind::Str);
        assert_eq!(kind("null"), Kind::Null);
        assert!(bare_date(r#""2020-01-01""#));
        assert!(!bare_date(r#""2020-01-01T00:00""#));
    }

    #[test]
    fn fields_are_counted_under_any_of_their_keys() {
        let keys = keys(r#"{"a": 1, "B": 2}"#);
        assert_eq!(fields_set(&keys, &[&["a"], &["b", "B"], &["c"]]), 2);
        assert_eq!(
            tag(r#"{"kind": "cat"}"#, "kind").unwrap(),
            serde_json::json!("cat")
        );
        assert!(tag("[]", "kind").is_err());
    }
}
