//! pydantic's lax mode, mirrored: the coercions pydantic-core makes when it validates JSON
//! without `strict` (`"3"`, `3.0` and `true` into an `int`; `"0.25"`, `"nan"` and `false` into
//! a `float`; `"on"` and `1` into a `bool`), and none that it refuses.
//!
//! A generated model reads its fields through [`Fields`], which hands each value that is not
//! strict to its type wrapped in [`Lax`]: a deserializer that turns the JSON value into the
//! token the type asks for when pydantic would, and otherwise passes the request through
//! untouched, so that a value already of the right JSON type takes serde's own path. `Lax`
//! reaches into lists, dicts, tuples and `Option`s, and stops at a nested model, which reads
//! its own fields as its own configuration says (`strict=True` or not), as pydantic does.
//!
//! Whether the value being read is lax is also kept per thread ([`active`]), for the readers
//! that do not see the wrapper: a union reads its value's JSON text and chooses an arm after,
//! and a union's exact and strict tries are read with lax mode off ([`strictly`]), as pydantic
//! ranks a lax match below them.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The strings pydantic reads as `false` and as `true` (ASCII case aside; `"0"` and `"1"` as
/// written), from pydantic-core's `str_as_bool`.
pub const FALSE_WORDS: &[&str] = &["0", "off", "f", "false", "n", "no"];
/// See [`FALSE_WORDS`].
pub const TRUE_WORDS: &[&str] = &["1", "on", "t", "true", "y", "yes"];

/// pydantic-core refuses to parse an integer from a string longer than this (`int_parsing_size`).
const MAX_INT_TEXT: usize = 4300;

// -- the rules, on text ------------------------------------------------------------------

/// What pydantic makes of a string given for an `int`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntText {
    /// An integer within `i128`.
    Int(i128),
    /// An integer pydantic reads that no Rust integer here holds.
    TooLarge,
    /// Not an integer (`int_parsing`).
    Invalid,
}

/// pydantic-core's `str_as_int`: surrounding whitespace, a sign, leading zeros, `_` between
/// two digits, and a tail of zeros after a point (`"3.00"`) are accepted.
pub fn int_of_str(text: &str) -> IntText {
    let text = text.trim();
    if text.len() > MAX_INT_TEXT {
        return IntText::Invalid;
    }
    match python_int(text) {
        IntText::Invalid => match text.split_once('.') {
            Some((whole, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => {
                python_int(whole)
            }
            _ => IntText::Invalid,
        },
        found => found,
    }
}

/// The digits as Python's `int()` reads them, else pydantic-core's last try:
/// [`after_leading_zeros`].
fn python_int(text: &str) -> IntText {
    match digits(text) {
        IntText::Invalid => after_leading_zeros(text),
        found => found,
    }
}

/// pydantic-core drops a sign, then the leading zeros and `_`s, and reads what is left as a
/// JSON integer with the sign put back: so `"0__1"` is 1, and `"0-1"` is -1 (the `-` is what
/// is left), while `"0+1"`, `"0-01"` and `"-0-1"` are refused (measured against pydantic-core
/// 2.50 over every string of up to five of `0 1 2 - + _ . e` and space, and of up to seven of
/// `0 1 - _`).
fn after_leading_zeros(text: &str) -> IntText {
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'-') => ("-", &text[1..]),
        Some(b'+') => ("", &text[1..]),
        _ => ("", text),
    };
    if !rest.starts_with('0') || rest.ends_with('_') {
        return IntText::Invalid;
    }
    let kept = rest.trim_start_matches(['0', '_']);
    let number = format!("{sign}{}", if kept.is_empty() { "0" } else { kept });
    if number.contains('_') && (number.starts_with('_') || number.contains("__")) {
        return IntText::Invalid;
    }
    json_int(&number.replace('_', ""))
}

/// A JSON integer: `-?(0|[1-9][0-9]*)`.
fn json_int(text: &str) -> IntText {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let well_formed = !unsigned.is_empty()
        && unsigned.bytes().all(|b| b.is_ascii_digit())
        && (unsigned == "0" || !unsigned.starts_with('0'));
    if well_formed {
        digits(text)
    } else {
        IntText::Invalid
    }
}

/// A signed run of ASCII digits, `_` allowed only between two digits, as Python's `int()`.
fn digits(text: &str) -> IntText {
    let bytes = text.as_bytes();
    let between_digits = |i: usize| {
        i > 0
            && i + 1 < bytes.len()
            && bytes[i - 1].is_ascii_digit()
            && bytes[i + 1].is_ascii_digit()
    };
    if (0..bytes.len()).any(|i| bytes[i] == b'_' && !between_digits(i)) {
        return IntText::Invalid;
    }
    let plain = text.replace('_', "");
    match plain.parse::<i128>() {
        Ok(n) => IntText::Int(n),
        Err(e)
            if matches!(
                e.kind(),
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
            ) =>
        {
            IntText::TooLarge
        }
        Err(_) => IntText::Invalid,
    }
}

/// pydantic-core's `str_as_float`: Rust's own float syntax after trimming (so `"inf"`,
/// `"-Infinity"`, `"nan"` in any case, `"1e3"`, `".5"`), then once more without `_` between
/// digits.
pub fn float_of_str(text: &str) -> Option<f64> {
    text.trim().parse().ok().or_else(|| {
        let ok = !text.starts_with('_')
            && !text.ends_with('_')
            && text.contains('_')
            && !text.contains("__");
        if ok {
            text.replace('_', "").parse().ok()
        } else {
            None
        }
    })
}

/// pydantic-core's `str_as_bool`: one of [`FALSE_WORDS`] or [`TRUE_WORDS`].
pub fn bool_of_str(text: &str) -> Option<bool> {
    let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(text));
    if is(FALSE_WORDS) {
        Some(false)
    } else if is(TRUE_WORDS) {
        Some(true)
    } else {
        None
    }
}

/// pydantic-core's `float_as_int`: a finite float with no fractional part.
fn int_of_float<E: de::Error>(v: f64) -> Result<i128, E> {
    if !v.is_finite() {
        return Err(E::custom("Input should be a finite number (finite_number)"));
    }
    if v.fract() != 0.0 {
        return Err(E::custom(
            "Input should be a valid integer, got a number with a fractional part (int_from_float)",
        ));
    }
    // pydantic takes a whole float strictly within i64 only (`int_parsing_size` beyond). So does
    // Rust; serde_json hands an integer token beyond u64 over as an f64, which loses digits:
    // such a token is refused here too, rather than read as another number.
    if v <= -9_223_372_036_854_775_808.0 || v >= 9_223_372_036_854_775_808.0 {
        return Err(E::custom(format!(
            "{v} is not an integer within i64 (int_parsing_size): pydantic reads a float into an \
             int only strictly within i64, and Rust an integer token beyond u64 only in a bounded \
             128-bit field"
        )));
    }
    Ok(v as i128)
}

/// An `IntEnum`'s value as pydantic's lax mode reads it: a numeric string is its int (`"1"`,
/// `" 01 "`), when lax mode is on; a plain Enum of ints matches the value as given.
pub fn int_text(atom: crate::Atom) -> crate::Atom {
    match &atom {
        crate::Atom::Str(text) if active() => match int_of_str(text) {
            IntText::Int(n) => crate::Atom::Int(n),
            _ => atom,
        },
        _ => atom,
    }
}

// -- the mode of the value being read -----------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Lax,
    Strict,
    /// A union's exact or strict try: strict all the way down, whatever the models say.
    ForcedStrict,
}

thread_local! {
    static MODE: Cell<Mode> = const { Cell::new(Mode::Lax) };
}

/// Whether the value being read may be coerced: outside any model (a value read on its own,
/// as `TypeAdapter.validate_json` does) it may.
pub fn active() -> bool {
    MODE.get() == Mode::Lax
}

fn with_mode<T>(mode: Mode, read: impl FnOnce() -> T) -> T {
    with_mode_from(MODE.get(), mode, read)
}

/// [`with_mode`] given the mode in force, `current`, already read: a thread-local costs a call
/// in an extension module (`__tls_get_addr`), and a model reads it once.
fn with_mode_from<T>(current: Mode, mode: Mode, read: impl FnOnce() -> T) -> T {
    if current == mode {
        return read(); // the common case, a lax model's lax field: nothing to set or restore
    }
    struct Restore(Mode);
    impl Drop for Restore {
        fn drop(&mut self) {
            MODE.set(self.0);
        }
    }
    let _restore = Restore(MODE.replace(mode));
    read()
}

/// Runs `read` with lax mode off all the way down, nested models included: a union's exact
/// and strict tries.
pub fn strictly<T>(read: impl FnOnce() -> T) -> T {
    with_mode(Mode::ForcedStrict, read)
}

/// Reads `text` as `T` the way pydantic reads a value on its own: lax unless a union's strict
/// try is being made ([`strictly`]), in which case this is an error.
pub fn from_str<T: de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    if !active() {
        return Err(de::Error::custom("no lax coercion here (strict)"));
    }
    let mut json = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Lax(&mut json))?;
    json.end()?;
    Ok(value)
}

/// Reads the JSON `text` inside a `Json[T]` string as `T`, in the mode the string is read in
/// (pydantic validates the parsed value as it would the field's own).
pub fn read_text<T: de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut json = serde_json::Deserializer::from_str(text);
    let value = if active() {
        T::deserialize(Lax(&mut json))?
    } else {
        T::deserialize(&mut json)?
    };
    json.end()?;
    Ok(value)
}

// -- the model's side ---------------------------------------------------------------------

/// How a model reads its fields: every field lax but those read under `strict` keys, or, for
/// a `strict=True` model, none.
#[derive(Debug, Clone, Copy)]
pub enum Reading {
    /// Lax, but for the fields read under these keys (`Field(strict=True)`, `Strict*` types).
    Lax(&'static [&'static str]),
    /// `model_config = ConfigDict(strict=True)`.
    Strict,
}

/// The deserializer a generated model reads its map through (see the module docs).
pub struct Fields<D> {
    /// The deserializer of the model's map.
    pub inner: D,
    /// How the model reads its fields.
    pub reading: Reading,
}

/// How [`Fields`] asks its deserializer for the model: as a struct or as a map.
trait Ask<'de, D: Deserializer<'de>> {
    fn ask<V: Visitor<'de>>(self, deserializer: D, visitor: V) -> Result<V::Value, D::Error>;
}

struct AsStruct(&'static str, &'static [&'static str]);

impl<'de, D: Deserializer<'de>> Ask<'de, D> for AsStruct {
    fn ask<V: Visitor<'de>>(self, deserializer: D, visitor: V) -> Result<V::Value, D::Error> {
        deserializer.deserialize_struct(self.0, self.1, visitor)
    }
}

struct AsMap;

impl<'de, D: Deserializer<'de>> Ask<'de, D> for AsMap {
    fn ask<V: Visitor<'de>>(self, deserializer: D, visitor: V) -> Result<V::Value, D::Error> {
        deserializer.deserialize_map(visitor)
    }
}

impl<'de, D: Deserializer<'de>> Fields<D> {
    fn read<V: Visitor<'de>>(
        self,
        visitor: V,
        ask: impl Ask<'de, D>,
    ) -> Result<V::Value, D::Error> {
        // The mode is read once here and handed to the visitor, which sets lax mode only if
        // it is not already on (a lax model inside a lax one, the common case, sets nothing).
        let current = MODE.get();
        match self.reading {
            Reading::Lax(_) | Reading::Strict if current == Mode::ForcedStrict => {
                ask.ask(self.inner, visitor)
            }
            // A model with no strict field (most) reads its keys as they are: its visitor is
            // another type, in which the strict keys' path is not compiled at all.
            Reading::Lax(strict) if strict.is_empty() => ask.ask(
                self.inner,
                FieldsVisitor::<V, false> {
                    visitor,
                    strict,
                    current,
                },
            ),
            Reading::Lax(strict) => ask.ask(
                self.inner,
                FieldsVisitor::<V, true> {
                    visitor,
                    strict,
                    current,
                },
            ),
            Reading::Strict => {
                with_mode_from(current, Mode::Strict, || ask.ask(self.inner, visitor))
            }
        }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Fields<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.read(visitor, AsStruct(name, fields))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.read(visitor, AsMap)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct enum identifier ignored_any
    }
}

/// `STRICT`: whether the model has strict fields, whose keys are looked for.
struct FieldsVisitor<V, const STRICT: bool> {
    visitor: V,
    strict: &'static [&'static str],
    /// The mode in force when the model began ([`Fields::read`] read it).
    current: Mode,
}

impl<'de, V: Visitor<'de>, const STRICT: bool> Visitor<'de> for FieldsVisitor<V, STRICT> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.visitor.expecting(f)
    }

    // Lax mode is set once per model rather than per value (a thread-local costs a call in an
    // extension module), and only a strict field's value sets it again.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let fields = FieldsMap::<A, STRICT> {
            map,
            strict: self.strict,
            next_is_strict: Cell::new(false),
        };
        with_mode_from(self.current, Mode::Lax, || self.visitor.visit_map(fields))
    }
}

struct FieldsMap<A, const STRICT: bool> {
    map: A,
    strict: &'static [&'static str],
    next_is_strict: Cell<bool>,
}

impl<'de, A: MapAccess<'de>, const STRICT: bool> MapAccess<'de> for FieldsMap<A, STRICT> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if !STRICT {
            return self.map.next_key_seed(seed);
        }
        self.next_is_strict.set(false);
        self.map.next_key_seed(KeySeed {
            seed,
            strict: self.strict,
            found: &self.next_is_strict,
        })
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if STRICT && self.next_is_strict.get() {
            with_mode(Mode::Strict, || self.map.next_value_seed(seed))
        } else {
            self.map.next_value_seed(LaxSeed(seed))
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Reads a key, noting whether it is one of the strict fields'.
struct KeySeed<'a, K> {
    seed: K,
    strict: &'static [&'static str],
    found: &'a Cell<bool>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K::Value, D::Error> {
        self.seed.deserialize(KeyDeserializer {
            inner: deserializer,
            strict: self.strict,
            found: self.found,
        })
    }
}

struct KeyDeserializer<'a, D> {
    inner: D,
    strict: &'static [&'static str],
    found: &'a Cell<bool>,
}

impl<'a, D> KeyDeserializer<'a, D> {
    fn noting<V>(self, visitor: V) -> (D, KeyVisitor<'a, V>) {
        let noted = KeyVisitor {
            visitor,
            strict: self.strict,
            found: self.found,
        };
        (self.inner, noted)
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.noting(visitor);
        inner.deserialize_any(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.noting(visitor);
        inner.deserialize_identifier(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.noting(visitor);
        inner.deserialize_str(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.noting(visitor);
        inner.deserialize_string(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum ignored_any
    }
}

struct KeyVisitor<'a, V> {
    visitor: V,
    strict: &'static [&'static str],
    found: &'a Cell<bool>,
}

impl<V> KeyVisitor<'_, V> {
    fn note(&self, key: &str) {
        self.found.set(self.strict.contains(&key));
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.note(v);
        self.visitor.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.note(v);
        self.visitor.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.note(&v);
        self.visitor.visit_string(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.visitor.visit_u64(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.visitor.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.visitor.visit_borrowed_bytes(v)
    }
}

/// Reads a RootModel's value (`RootModel[list[int]]`): as a newtype, so that an enclosing
/// [`Lax`] passes it through, then lax unless `strict` (`strict=True` on the RootModel) or a
/// union's strict try.
pub fn root<'de, D: Deserializer<'de>, T: de::Deserialize<'de>>(
    deserializer: D,
    strict: bool,
) -> Result<T, D::Error> {
    deserializer
        .deserialize_newtype_struct("RootModel", RootVisitor(std::marker::PhantomData, strict))
}

struct RootVisitor<T>(std::marker::PhantomData<T>, bool);

impl<'de, T: de::Deserialize<'de>> Visitor<'de> for RootVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the value of a RootModel")
    }

    fn visit_newtype_struct<D2: Deserializer<'de>>(self, d: D2) -> Result<T, D2::Error> {
        let current = MODE.get(); // once (see `with_mode_from`)
        if current == Mode::ForcedStrict {
            T::deserialize(d)
        } else if self.1 {
            with_mode_from(current, Mode::Strict, || T::deserialize(d))
        } else {
            with_mode_from(current, Mode::Lax, || T::deserialize(Lax(d)))
        }
    }
}

// -- the value's side ---------------------------------------------------------------------

/// A value read in lax mode (see the module docs).
pub struct Lax<D>(pub D);

/// The name serde_json's `RawValue` asks for: the JSON text of a value, as written.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

macro_rules! coerced {
    ($($method:ident => $visitor:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.deserialize_any($visitor(visitor))
        }
    )*};
}

macro_rules! passed {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(visitor)
        }
    )*};
}

macro_rules! deep {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Deep(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Lax<D> {
    type Error = D::Error;

    coerced! {
        deserialize_bool => BoolVisitor,
        deserialize_i8 => IntVisitor, deserialize_i16 => IntVisitor, deserialize_i32 => IntVisitor,
        deserialize_i64 => IntVisitor,
        deserialize_u8 => IntVisitor, deserialize_u16 => IntVisitor, deserialize_u32 => IntVisitor,
        deserialize_u64 => IntVisitor,
        deserialize_f32 => FloatVisitor, deserialize_f64 => FloatVisitor,
    }

    // serde_json reads an integer token beyond u64 as an f64 when asked for any value, which
    // loses digits an i128 holds: the 128-bit integers read the token's text instead.
    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_newtype_struct(RAW_VALUE, WideIntVisitor(visitor))
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_newtype_struct(RAW_VALUE, WideIntVisitor(visitor))
    }

    // Strings, bytes and the formats read from them take no coercion in JSON (a number is not
    // a `str`); a nested model reads its own fields; an Enum's value is matched as written.
    passed! {
        deserialize_char, deserialize_str, deserialize_string, deserialize_bytes, deserialize_byte_buf,
        deserialize_unit, deserialize_identifier, deserialize_ignored_any,
    }

    deep! { deserialize_any, deserialize_option, deserialize_seq, deserialize_map }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    // A newtype reads its own way: a RootModel (its own configuration, [`root`]), or serde_json's
    // `RawValue` (a union's text, a 128-bit int's).
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Deep(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Deep(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

struct LaxSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for LaxSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Lax(deserializer))
    }
}

/// Hands the values inside a list, dict, tuple or `Option` on in lax mode.
struct Deep<V>(V);

/// The visits every wrapping visitor passes on as they are.
macro_rules! forward_visits {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Deep<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visits! {
        visit_bool(bool), visit_i64(i64), visit_i128(i128), visit_u64(u64), visit_u128(u128),
        visit_f64(f64), visit_str(&str), visit_borrowed_str(&'de str), visit_string(String),
        visit_bytes(&[u8]), visit_borrowed_bytes(&'de [u8]), visit_byte_buf(Vec<u8>),
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<V::Value, D2::Error> {
        self.0.visit_some(Lax(d))
    }

    fn visit_newtype_struct<D2: Deserializer<'de>>(self, d: D2) -> Result<V::Value, D2::Error> {
        self.0.visit_newtype_struct(Lax(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(LaxSeq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(LaxMap(map))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(data)
    }
}

struct LaxSeq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for LaxSeq<A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        self.0.next_element_seed(LaxSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A dict's values in lax mode; its keys as written (the key types read their own text).
struct LaxMap<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for LaxMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.0.next_value_seed(LaxSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// The visits a coercing visitor (`IntVisitor`, ...) shares: text goes to its own `text`, the
/// values it never coerces to the wrapped visitor, which refuses them in its own words.
macro_rules! text_and_the_rest {
    () => {
        fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
            self.text(v)
        }

        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
            self.text(v)
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
            self.text(&v)
        }

        fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
            self.0.visit_none()
        }

        fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
            self.0.visit_unit()
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
            self.0.visit_seq(seq)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
            self.0.visit_map(map)
        }
    };
}

/// An `int`: a whole float, a bool, a numeric string.
struct IntVisitor<V>(V);

impl<'de, V: Visitor<'de>> IntVisitor<V> {
    fn int<E: de::Error>(self, n: i128) -> Result<V::Value, E> {
        match i64::try_from(n) {
            Ok(small) => self.0.visit_i64(small),
            Err(_) => self.0.visit_i128(n),
        }
    }

    fn text<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        match int_of_str(v) {
            IntText::Int(n) => self.int(n),
            IntText::TooLarge => Err(E::custom(format!("the integer {v} is beyond 128 bits"))),
            IntText::Invalid => Err(E::custom(
                "Input should be a valid integer, unable to parse string as an integer (int_parsing)",
            )),
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for IntVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visits! {
        visit_i64(i64), visit_i128(i128), visit_u64(u64), visit_u128(u128),
        visit_bytes(&[u8]), visit_borrowed_bytes(&'de [u8]), visit_byte_buf(Vec<u8>),
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.0.visit_u64(u64::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        let n = int_of_float(v)?;
        self.int(n)
    }

    text_and_the_rest!();
}

/// A 128-bit `int`, from the JSON text of its value (serde_json's `RawValue`), so that an
/// integer token keeps every digit; other deserializers give the value itself.
struct WideIntVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for WideIntVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_newtype_struct<D2: Deserializer<'de>>(self, d: D2) -> Result<V::Value, D2::Error> {
        d.deserialize_any(IntVisitor(self.0))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V::Value, A::Error> {
        let _token = map.next_key::<de::IgnoredAny>()?;
        let text = map.next_value::<crate::de::Text<'de>>()?.0; // borrowed when it can be
        let text = text.trim();
        let ints = IntVisitor(self.0);
        match text.as_bytes().first() {
            Some(b'"') => {
                let inner = serde_json::from_str::<String>(text).map_err(de::Error::custom)?;
                ints.text(&inner)
            }
            Some(b't') => ints.visit_bool(true),
            Some(b'f') => ints.visit_bool(false),
            Some(b'-' | b'0'..=b'9') if !text.contains(['.', 'e', 'E']) => match digits(text) {
                IntText::Int(n) => ints.int(n),
                _ => Err(de::Error::custom(format!(
                    "the integer {text} is beyond 128 bits"
                ))),
            },
            Some(b'-' | b'0'..=b'9') => {
                let v = text.parse::<f64>().map_err(de::Error::custom)?;
                ints.visit_f64(v)
            }
            Some(b'n') => Err(de::Error::invalid_type(de::Unexpected::Unit, &ints)),
            Some(b'[') => Err(de::Error::invalid_type(de::Unexpected::Seq, &ints)),
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &ints)),
        }
    }
}

/// A `float`: an int, a bool, a numeric string (`"nan"`, `"inf"` among them).
struct FloatVisitor<V>(V);

impl<'de, V: Visitor<'de>> FloatVisitor<V> {
    fn text<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        match float_of_str(v) {
            Some(x) => self.0.visit_f64(x),
            None => Err(E::custom(
                "Input should be a valid number, unable to parse string as a number (float_parsing)",
            )),
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for FloatVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visits! {
        visit_i64(i64), visit_i128(i128), visit_u64(u64), visit_u128(u128), visit_f64(f64),
        visit_bytes(&[u8]), visit_borrowed_bytes(&'de [u8]), visit_byte_buf(Vec<u8>),
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.0.visit_f64(if v { 1.0 } else { 0.0 })
    }

    text_and_the_rest!();
}

/// A `bool`: `0` or `1`, one of the words pydantic reads.
struct BoolVisitor<V>(V);

impl<'de, V: Visitor<'de>> BoolVisitor<V> {
    fn number<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        if v == 0.0 {
            self.0.visit_bool(false)
        } else if v == 1.0 {
            self.0.visit_bool(true)
        } else {
            Err(E::custom(
                "Input should be a valid boolean, unable to interpret input (bool_parsing)",
            ))
        }
    }

    fn text<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        match bool_of_str(v) {
            Some(b) => self.0.visit_bool(b),
            None => Err(E::custom(
                "Input should be a valid boolean, unable to interpret input (bool_parsing)",
            )),
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for BoolVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visits! {
        visit_bool(bool), visit_bytes(&[u8]), visit_borrowed_bytes(&'de [u8]), visit_byte_buf(Vec<u8>),
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.number(if v == 0 || v == 1 { v as f64 } else { f64::NAN })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.number(if v <= 1 { v as f64 } else { f64::NAN })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.number(v)
    }

    text_and_the_rest!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lax<T: de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
        from_str(text)
    }

    #[test]
    fn ints_from_floats_bools_and_text() {
        assert_eq!(lax::<i64>("3.0").unwrap(), 3);
        assert_eq!(lax::<i64>("true").unwrap(), 1);
        assert_eq!(lax::<i64>(r#"" +1_000 ""#).unwrap(), 1000);
        assert_eq!(lax::<i64>(r#""3.00""#).unwrap(), 3);
        assert_eq!(lax::<u8>(r#""7""#).unwrap(), 7);
        assert!(lax::<u8>(r#""-7""#).is_err());
        for bad in [
            "3.5", r#""3.5""#, r#""1e3""#, r#""_1""#, r#""""#, "null", "[1]",
        ] {
            assert!(lax::<i64>(bad).is_err(), "{bad}");
        }
        assert_eq!(
            lax::<i128>(r#""170141183460469231731687303715884105727""#).unwrap(),
            i128::MAX
        );
    }

    #[test]
    fn ints_after_leading_zeros_as_pydantic_core_reads_them() {
        for (text, int) in [
            ("0__1", 1),
            ("0-1", -1),
            ("0_-_1", -1),
            ("+0-1", -1),
            ("-0__1", -1),
            ("0-1_1", -11),
            ("0-1.0", -1),
            ("00-0", 0),
        ] {
            assert_eq!(int_of_str(text), IntText::Int(int), "{text}");
        }
        for text in [
            "0+1", "0-01", "-0-1", "+-1", "+_1", "0_", "0-1_", "0-1__1", "0-0-1", "-_1",
        ] {
            assert_eq!(int_of_str(text), IntText::Invalid, "{text}");
        }
    }

    #[test]
    fn floats_from_ints_bools_and_text() {
        assert_eq!(lax::<f64>(r#"" 0.25 ""#).unwrap(), 0.25);
        assert!(lax::<f64>(r#""NaN""#).unwrap().is_nan());
        assert_eq!(lax::<f64>(r#""-Infinity""#).unwrap(), f64::NEG_INFINITY);
        assert_eq!(lax::<f64>("false").unwrap(), 0.0);
        assert!(lax::<f64>(r#""x""#).is_err());
    }

    #[test]
    fn bools_from_numbers_and_words() {
        assert!(lax::<bool>(r#""on""#).unwrap());
        assert!(!lax::<bool>(r#""No""#).unwrap());
        assert!(lax::<bool>("1").unwrap());
        assert!(lax::<bool>("2").is_err());
        assert!(lax::<bool>(r#""maybe""#).is_err());
    }

    #[test]
    fn containers_pass_lax_mode_to_their_items() {
        assert_eq!(
            lax::<Vec<i64>>(r#"["1", 2.0, true]"#).unwrap(),
            vec![1, 2, 1]
        );
        assert_eq!(lax::<Option<f64>>(r#""1.5""#).unwrap(), Some(1.5));
        assert_eq!(lax::<Option<f64>>("null").unwrap(), None);
        let map = lax::<indexmap::IndexMap<String, bool>>(r#"{"a": "yes"}"#).unwrap();
        assert!(map["a"]);
        assert_eq!(
            lax::<(i64, String)>(r#"["2", "x"]"#).unwrap(),
            (2, "x".to_owned())
        );
        assert!(lax::<String>("1").is_err());
    }

    #[derive(Debug, PartialEq)]
    struct Scores {
        root: Vec<i64>,
    }

    impl<'de> serde::Deserialize<'de> for Scores {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            root(d, false).map(|root| Self { root })
        }
    }

    #[test]
    fn root_models_are_lax_alone_and_inside_lax_values() {
        assert_eq!(
            serde_json::from_str::<Scores>(r#"["1", 2.0]"#)
                .unwrap()
                .root,
            vec![1, 2]
        );
        assert_eq!(lax::<Vec<Scores>>(r#"[["1"]]"#).unwrap()[0].root, vec![1]);
        assert!(strictly(|| serde_json::from_str::<Scores>(r#"["1"]"#)).is_err());
    }

    #[test]
    fn int_enums_read_numeric_text_in_lax_mode_only() {
        assert_eq!(
            int_text(crate::Atom::Str(" 02 ".into())),
            crate::Atom::Int(2)
        );
        assert_eq!(
            int_text(crate::Atom::Str("x".into())),
            crate::Atom::Str("x".into())
        );
        assert_eq!(
            strictly(|| int_text(crate::Atom::Str("2".into()))),
            crate::Atom::Str("2".into())
        );
    }

    #[test]
    fn a_strict_try_coerces_nothing() {
        assert!(strictly(|| lax::<i64>(r#""3""#)).is_err());
        assert!(active());
    }

    #[derive(Debug, serde::Deserialize)]
    struct Point {
        x: i64,
        y: i64,
    }

    fn point(text: &str, reading: Reading) -> Result<Point, serde_json::Error> {
        let mut json = serde_json::Deserializer::from_str(text);
        serde::Deserialize::deserialize(Fields {
            inner: &mut json,
            reading,
        })
    }

    #[test]
    fn models_read_their_fields_as_their_configuration_says() {
        let text = r#"{"x": "1", "y": 2.0}"#;
        assert_eq!(point(text, Reading::Lax(&[])).unwrap().x, 1);
        assert!(point(text, Reading::Lax(&["x"])).is_err());
        assert_eq!(
            point(r#"{"x": 1, "y": 2.0}"#, Reading::Lax(&["x"]))
                .unwrap()
                .y,
            2
        );
        assert!(point(text, Reading::Strict).is_err());
        assert!(strictly(|| point(text, Reading::Lax(&[]))).is_err());
    }
}
