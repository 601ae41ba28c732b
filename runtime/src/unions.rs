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

/// The keys of a JSON object (none for other values), each once, in order.
pub fn keys(text: &str) -> Vec<String> {
    // Read key by key, the values skipped: no map is built to be thrown away.
    struct Keys;
    impl<'de> serde::de::Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Vec<String>, A::Error> {
            let mut keys: Vec<String> = Vec::new();
            while let Some(key) = map.next_key::<crate::de::Text<'de>>()? {
                map.next_value::<serde::de::IgnoredAny>()?;
                if !keys.iter().any(|k| *k == key.0) {
                    keys.push(key.0.into_owned());
                }
            }
            Ok(keys)
        }
    }
    let mut json = serde_json::Deserializer::from_str(text);
    serde::Deserializer::deserialize_map(&mut json, Keys).unwrap_or_default()
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
    // Only the tag's value is read (the last, if the key is given twice, as a JSON object
    // keeps the last); the other values are skipped, not built into a `serde_json::Value`.
    struct Tag<'a>(&'a str);
    impl<'de> serde::de::Visitor<'de> for Tag<'_> {
        type Value = Option<serde_json::Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<crate::de::Text<'de>>()? {
                if key.0 == self.0 {
                    found = Some(map.next_value::<serde_json::Value>()?);
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut json = serde_json::Deserializer::from_str(text);
    serde::Deserializer::deserialize_map(&mut json, Tag(name))
        .map_err(|_| {
            format!("expected an object holding the tag `{name}` (model_attributes_type)")
        })?
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
/// The text is borrowed from the input when it can be (`from_str`, `from_slice`), not copied.
#[cfg(feature = "unions")]
pub fn deserialize<'de, D, T>(
    deserializer: D,
    from_json: fn(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let text = deserializer.deserialize_newtype_struct(RAW_VALUE, RawText)?;
    from_json(&text).map_err(serde::de::Error::custom)
}

/// The name serde_json's `RawValue` asks for, and the one key of the map it answers with.
#[cfg(feature = "unions")]
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// serde_json's `RawValue` protocol, as `Box<RawValue>` reads it (a map of one key, whose
/// value is the text), keeping the text borrowed when serde_json gives it borrowed.
#[cfg(feature = "unions")]
struct RawText;

#[cfg(feature = "unions")]
impl<'de> serde::de::Visitor<'de> for RawText {
    type Value = std::borrow::Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key::<crate::de::Text<'de>>()? {
            Some(crate::de::Text(key)) if key == RAW_VALUE => {
                map.next_value::<crate::de::Text<'de>>().map(|t| t.0)
            }
            _ => Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Map,
                &self,
            )),
        }
    }
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

    #[test]
    fn keys_once_each_in_order_escapes_read() {
        assert_eq!(
            keys(r#"{"b": [1, {"x": 2}], "\u0061": 1, "b": 3}"#),
            ["b", "a"]
        );
        assert!(keys("[1]").is_empty());
        assert!(keys(r#""a""#).is_empty());
    }

    #[test]
    fn the_tag_is_the_last_given_and_the_rest_is_skipped() {
        let text = r#"{"kind": "dog", "deep": [[[{"kind": "x"}]]], "\u006bind": {"a": [1]}}"#;
        assert_eq!(tag(text, "kind").unwrap(), serde_json::json!({"a": [1]}));
        assert_eq!(
            tag(r#"{"other": 1}"#, "kind").unwrap_err(),
            "the tag `kind` is missing (union_tag_not_found)"
        );
        assert_eq!(
            tag("1", "kind").unwrap_err(),
            "expected an object holding the tag `kind` (model_attributes_type)"
        );
    }

    #[cfg(feature = "unions")]
    #[test]
    fn a_union_reads_its_text_from_every_serde_json_reader() {
        #[derive(Debug, PartialEq)]
        struct Text(String);
        impl<'de> serde::Deserialize<'de> for Text {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize(d, |text| Ok(Text(text.to_owned())))
            }
        }
        let text = r#"[{"a": "x\"y"}, 1, "s"]"#;
        let expected = [
            Text(r#"{"a": "x\"y"}"#.into()),
            Text("1".into()),
            Text(r#""s""#.into()),
        ];
        assert_eq!(serde_json::from_str::<Vec<Text>>(text).unwrap(), expected);
        assert_eq!(
            serde_json::from_slice::<Vec<Text>>(text.as_bytes()).unwrap(),
            expected
        );
        assert_eq!(
            serde_json::from_reader::<_, Vec<Text>>(text.as_bytes()).unwrap(),
            expected
        );
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let from_value = serde_json::from_value::<Vec<Text>>(value).unwrap();
        assert_eq!(from_value[1], Text("1".into()));
        let mut json = serde_json::Deserializer::from_str(r#"{"u": 1.5}"#);
        let read: Result<indexmap::IndexMap<String, Text>, _> =
            serde::Deserialize::deserialize(crate::lax::Lax(&mut json));
        assert_eq!(read.unwrap()["u"], Text("1.5".into()));
    }
}
