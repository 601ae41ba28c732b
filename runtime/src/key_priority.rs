//! [`KeyPriority`]: a model whose fields have several keys, read as pydantic reads it.

/// Reads a model some of whose fields have several keys (aliases, `AliasChoices`, the name with
/// `validate_by_name`) as pydantic does when one field is given under two of them: the key
/// pydantic prefers wins and the other is an unknown key (ignored; an error under
/// `extra="forbid"`), where serde would reject a duplicate field. A field's keys other than
/// its first are held back (as `serde_json::Value`) until the whole map has been read.
pub struct KeyPriority<D> {
    /// The deserializer of the map.
    pub inner: D,
    /// The keys of each field that has several, the preferred first.
    pub groups: &'static [&'static [&'static str]],
    /// `extra="forbid"`: a losing key is an error rather than ignored.
    pub forbid: bool,
}

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for KeyPriority<D> {
    type Error = D::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(visitor)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (groups, forbid) = (self.groups, self.forbid);
        // As a struct, not a map, so that `lax::Lax` sees a model begin (a map, it would enter).
        self.inner.deserialize_struct(
            name,
            fields,
            PriorityVisitor {
                visitor,
                groups,
                forbid,
            },
        )
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

struct PriorityVisitor<V> {
    visitor: V,
    groups: &'static [&'static [&'static str]],
    forbid: bool,
}

impl<'de, V: serde::de::Visitor<'de>> serde::de::Visitor<'de> for PriorityVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.visitor.expecting(formatter)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(PriorityMap {
            map,
            groups: self.groups,
            forbid: self.forbid,
            first_seen: Seen::new(self.groups.len()),
            held: Vec::new(),
            value: None,
            draining: None,
        })
    }
}

type Held = (usize, usize, String, serde_json::Value); // (group, rank, key, value)

/// The groups whose first key the map has given: bits for up to 64 groups (no allocation per
/// model read), a `Vec` beyond.
enum Seen {
    Bits(u64),
    Many(Vec<bool>),
}

impl Seen {
    fn new(groups: usize) -> Self {
        if groups <= 64 {
            Self::Bits(0)
        } else {
            Self::Many(vec![false; groups])
        }
    }

    fn set(&mut self, group: usize) {
        match self {
            Self::Bits(bits) => *bits |= 1 << group,
            Self::Many(seen) => seen[group] = true,
        }
    }

    fn get(&self, group: usize) -> bool {
        match self {
            Self::Bits(bits) => *bits & (1 << group) != 0,
            Self::Many(seen) => seen[group],
        }
    }
}

/// Where a group's key sits: `(group, rank)`, rank 0 the preferred key.
fn locate(groups: &[&[&str]], key: &str) -> Option<(usize, usize)> {
    groups.iter().enumerate().find_map(|(group, keys)| {
        keys.iter()
            .position(|k| *k == key)
            .map(|rank| (group, rank))
    })
}

struct PriorityMap<A> {
    map: A,
    groups: &'static [&'static [&'static str]],
    forbid: bool,
    first_seen: Seen,
    held: Vec<Held>,
    value: Option<serde_json::Value>,
    draining: Option<std::vec::IntoIter<(String, serde_json::Value)>>,
}

impl<'de, A: serde::de::MapAccess<'de>> PriorityMap<A> {
    /// The held keys that win (the best rank of a field whose first key was not given; the
    /// last of equal keys, as a JSON object keeps the last); the others are unknown keys.
    fn resolve(&mut self) -> Result<Vec<(String, serde_json::Value)>, A::Error> {
        let held = std::mem::take(&mut self.held);
        let mut winners: Vec<Option<(usize, usize)>> = vec![None; self.groups.len()];
        for (i, (group, rank, _, _)) in held.iter().enumerate() {
            let better = winners[*group].is_none_or(|(best, _)| *rank <= best);
            if !self.first_seen.get(*group) && better {
                winners[*group] = Some((*rank, i));
            }
        }
        let mut out = Vec::new();
        for (i, (group, rank, key, value)) in held.into_iter().enumerate() {
            match winners[group] {
                Some((_, winner)) if winner == i => out.push((key, value)),
                Some((best, _)) if best == rank => {} // the same key given twice: the last one counts
                _ if self.forbid => {
                    return Err(serde::de::Error::custom(format!(
                        "unknown field `{key}`: the field it names is given under another key"
                    )))
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

impl<'de, A: serde::de::MapAccess<'de>> serde::de::MapAccess<'de> for PriorityMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        use serde::de::IntoDeserializer;
        let mut seed = Some(seed);
        if self.draining.is_none() {
            // Each key is looked at as the map gives it (borrowed from the input when it can
            // be) and handed to the struct's own key reader at once, unless it is a key to
            // hold back: only those become `String`s.
            loop {
                let peek = KeyPeek {
                    seed: &mut seed,
                    groups: self.groups,
                    first_seen: &mut self.first_seen,
                };
                match self.map.next_key_seed(peek)? {
                    Some(Peeked::Passed(key)) => return Ok(Some(key)),
                    Some(Peeked::Held(group, rank, key)) => {
                        let value = self.map.next_value::<serde_json::Value>()?;
                        self.held.push((group, rank, key, value));
                    }
                    None => break,
                }
            }
            self.draining = Some(self.resolve()?.into_iter());
        }
        match self.draining.as_mut().and_then(Iterator::next) {
            Some((key, value)) => {
                self.value = Some(value);
                // A seed is taken only by a key passed on, which returns at once.
                let seed = seed.expect("the key seed is still here");
                seed.deserialize(key.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, A::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value).map_err(serde::de::Error::custom),
            None => self.map.next_value_seed(seed),
        }
    }
}

/// What [`KeyPeek`] made of a key: passed to the struct's key reader, or held back (a field's
/// key other than its first) with its group and rank.
enum Peeked<T> {
    Passed(T),
    Held(usize, usize, String),
}

/// Reads one key as text and either passes it to `seed` (taking it) or holds it back.
struct KeyPeek<'a, K> {
    seed: &'a mut Option<K>,
    groups: &'static [&'static [&'static str]],
    first_seen: &'a mut Seen,
}

impl<'de, K: serde::de::DeserializeSeed<'de>> serde::de::DeserializeSeed<'de> for KeyPeek<'_, K> {
    type Value = Peeked<K::Value>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<K> KeyPeek<'_, K> {
    /// `Some((group, rank))` if `key` is a field's later key, to hold back; else, with the
    /// group of a field's first key noted, `None`: the key goes to the seed.
    fn hold(&mut self, key: &str) -> Option<(usize, usize)> {
        match locate(self.groups, key) {
            Some((group, rank)) if rank > 0 => Some((group, rank)),
            Some((group, _)) => {
                self.first_seen.set(group);
                None
            }
            None => None,
        }
    }

    fn seed(self) -> K {
        self.seed.take().expect("one key per seed")
    }
}

impl<'de, K: serde::de::DeserializeSeed<'de>> serde::de::Visitor<'de> for KeyPeek<'_, K> {
    type Value = Peeked<K::Value>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a key")
    }

    fn visit_borrowed_str<E: serde::de::Error>(mut self, v: &'de str) -> Result<Self::Value, E> {
        match self.hold(v) {
            Some((group, rank)) => Ok(Peeked::Held(group, rank, v.to_owned())),
            None => self
                .seed()
                .deserialize(serde::de::value::BorrowedStrDeserializer::new(v))
                .map(Peeked::Passed),
        }
    }

    fn visit_str<E: serde::de::Error>(mut self, v: &str) -> Result<Self::Value, E> {
        match self.hold(v) {
            Some((group, rank)) => Ok(Peeked::Held(group, rank, v.to_owned())),
            None => self
                .seed()
                .deserialize(serde::de::value::StrDeserializer::new(v))
                .map(Peeked::Passed),
        }
    }

    // A key that is already a `String` (read from a `serde_json::Value`) is moved, not copied.
    fn visit_string<E: serde::de::Error>(mut self, v: String) -> Result<Self::Value, E> {
        match self.hold(&v) {
            Some((group, rank)) => Ok(Peeked::Held(group, rank, v)),
            None => self
                .seed()
                .deserialize(serde::de::value::StringDeserializer::new(v))
                .map(Peeked::Passed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeyPriority;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Named {
        #[serde(rename = "alias", alias = "name")]
        value: i64,
    }

    fn read(text: &str, forbid: bool) -> Result<Named, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let groups: &'static [&'static [&'static str]] = &[&["alias", "name"]];
        serde::Deserialize::deserialize(KeyPriority {
            inner: &mut de,
            groups,
            forbid,
        })
    }

    #[test]
    fn the_preferred_key_wins_in_any_order() {
        assert_eq!(
            read(r#"{"name": 1, "alias": 2}"#, false).unwrap(),
            Named { value: 2 }
        );
        assert_eq!(
            read(r#"{"alias": 2, "name": 1}"#, false).unwrap(),
            Named { value: 2 }
        );
        assert_eq!(read(r#"{"name": 1}"#, false).unwrap(), Named { value: 1 });
    }

    #[test]
    fn keys_are_read_however_the_map_gives_them() {
        // escaped (copied out of the input), and owned (from a `serde_json::Value`)
        assert_eq!(
            read(r#"{"n\u0061me": 1, "alias": 2}"#, false).unwrap(),
            Named { value: 2 }
        );
        assert_eq!(
            read(r#"{"\u0061lias": 2, "name": 1}"#, false).unwrap(),
            Named { value: 2 }
        );
        let groups: &'static [&'static [&'static str]] = &[&["alias", "name"]];
        for (value, expected) in [
            (serde_json::json!({"name": 1, "alias": 2}), 2),
            (serde_json::json!({"name": 1}), 1),
        ] {
            let read: Result<Named, _> = serde::Deserialize::deserialize(KeyPriority {
                inner: value,
                groups,
                forbid: false,
            });
            assert_eq!(read.unwrap(), Named { value: expected });
        }
    }

    #[test]
    fn more_groups_than_bits() {
        let mut groups: Vec<&'static [&'static str]> = vec![&["x0", "y0"]; 70];
        groups.push(&["alias", "name"]);
        let groups: &'static [&'static [&'static str]] = Box::leak(groups.into_boxed_slice());
        let read = |text: &str| -> Result<Named, serde_json::Error> {
            let mut de = serde_json::Deserializer::from_str(text);
            serde::Deserialize::deserialize(KeyPriority {
                inner: &mut de,
                groups,
                forbid: true,
            })
        };
        assert!(read(r#"{"name": 1, "alias": 2}"#).is_err());
        assert_eq!(read(r#"{"alias": 2}"#).unwrap(), Named { value: 2 });
        assert_eq!(read(r#"{"name": 3}"#).unwrap(), Named { value: 3 });
    }

    #[test]
    fn the_losing_key_is_unknown_under_forbid() {
        assert!(read(r#"{"name": 1, "alias": 2}"#, true).is_err());
        assert!(read(r#"{"name": 1}"#, true).is_ok());
    }
}
