//! serde helpers the generated structs read through, so that serde accepts exactly what
//! pydantic accepts.

/// Deserializes a field serde would otherwise treat as optional, so that a missing
/// `Optional` field without a default is an error, as it is in pydantic.
pub fn required<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer)
}

/// Reads a `@computed_field` key of a model with `extra="ignore"`: pydantic ignores whatever
/// the input holds there and computes the value again, so any JSON value is accepted, and
/// kept only when it is a value of the field's type (Rust cannot run the property).
pub fn computed<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

/// [`computed`] for a `float` computed field: pydantic writes an infinite or NaN result as
/// `null` (ser_json_inf_nan="null"), so reading its own output back keeps a non-finite value,
/// which writes `null` again.
pub fn computed_float<'de, D>(deserializer: D) -> Result<Option<f64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    Ok(match value {
        serde_json::Value::Null => Some(f64::NAN),
        other => serde_json::from_value(other).ok(),
    })
}

/// A string borrowed from the input when serde_json can (no escapes, `from_str`), else owned.
/// (serde's own `Cow<str>` is always owned outside a derive's `#[serde(borrow)]`.)
pub(crate) struct Text<'de>(pub(crate) std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// A deserializer that reads structs from maps only. serde_json would also read a struct
/// from an array of its fields in order (`["Ann", 1]`, or `[]` when every field has a
/// default), which pydantic rejects; each generated struct's `Deserialize` goes through this.
/// A map (a struct with `#[serde(flatten)]` asks for one) is read as a struct too, so that
/// the wrappers a model is read through ([`crate::lax::Lax`]) see where a model begins.
pub struct MapOnly<D>(pub D);

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for MapOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, MapVisitor(visitor))
    }

    fn deserialize_map<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct("", &[], MapVisitor(visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct enum identifier ignored_any
    }
}

/// Passes a map on; anything else (an array of the fields) is the visitor's type error.
struct MapVisitor<V>(V);

impl<'de, V: serde::de::Visitor<'de>> serde::de::Visitor<'de> for MapVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.0.expecting(formatter)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Point {
        x: i64,
        #[serde(default)]
        y: i64,
    }

    fn point(text: &str) -> Result<Point, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde::Deserialize::deserialize(MapOnly(&mut de))
    }

    #[test]
    fn structs_are_read_from_objects_only() {
        assert_eq!(point(r#"{"x": 1}"#).unwrap(), Point { x: 1, y: 0 });
        assert!(point("[1, 2]").is_err());
        assert!(serde_json::from_str::<Point>("[1, 2]").is_ok()); // what serde alone accepts
    }

    #[test]
    fn computed_values_of_another_type_are_dropped() {
        let mut de = serde_json::Deserializer::from_str(r#""text""#);
        assert_eq!(computed::<_, i64>(&mut de).unwrap(), None);
        let mut de = serde_json::Deserializer::from_str("null");
        assert!(computed_float(&mut de).unwrap().unwrap().is_nan());
    }
}
