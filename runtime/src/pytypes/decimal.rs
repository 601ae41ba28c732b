//! `decimal.Decimal` (feature `decimal`), held as the text `str(Decimal)` gives, which is
//! what pydantic writes.
use pyo3::prelude::*;

/// A Python `Decimal`, held as the text `str(Decimal)` gives (`"1.10"`, `"1E+2"`, `"-0"`),
/// which is what pydantic writes. Only finite values, as pydantic allows by default.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// The value of `text` as `decimal.Decimal(text)` reads it (whitespace around it and
    /// underscores ignored), in canonical form; an error where Python or pydantic refuses it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let is_space = |c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c);
        let cleaned: String = text
            .trim_matches(is_space)
            .chars()
            .filter(|c| *c != '_')
            .collect();
        let invalid = || format!("{text:?} is not a valid decimal");
        let (negative, rest) = match cleaned.as_bytes().first() {
            Some(b'-') => (true, &cleaned[1..]),
            Some(b'+') => (false, &cleaned[1..]),
            _ => (false, cleaned.as_str()),
        };
        let lower = rest.to_ascii_lowercase();
        if ["inf", "infinity"].contains(&lower.as_str())
            || lower.starts_with("nan")
            || lower.starts_with("snan")
        {
            return Err("input should be a finite number".to_owned());
        }
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty())
            || !digits_only(whole)
            || !digits_only(fraction)
        {
            return Err(invalid());
        }
        let exponent: i128 = match exponent {
            None => 0,
            Some(e) => {
                let (sign, digits) = match e.as_bytes().first() {
                    Some(b'-') => (-1, &e[1..]),
                    Some(b'+') => (1, &e[1..]),
                    _ => (1, e),
                };
                if digits.is_empty() || !digits_only(digits) {
                    return Err(invalid());
                }
                let magnitude = digits.trim_start_matches('0');
                // Saturated: far beyond the limits checked below either way.
                let value = if magnitude.len() > 30 {
                    i128::from(i64::MAX)
                } else {
                    magnitude.parse().unwrap_or(0)
                };
                sign * value
            }
        };
        let all_digits = format!("{whole}{fraction}");
        let coefficient = match all_digits.trim_start_matches('0') {
            "" => "0",
            c => c,
        };
        let exponent = exponent - fraction.len() as i128;
        let n = coefficient.len() as i128;
        // libmpdec's limits for an exact conversion (MAX_EMAX and the smallest subnormal exponent)
        if exponent + n - 1 > 999_999_999_999_999_999 || exponent < -1_999_999_999_999_999_997 {
            return Err(format!("{text:?} is out of the range of Python decimals"));
        }
        // Python's Decimal.__str__ (to-scientific-string)
        let left = exponent + n;
        let dot = if exponent <= 0 && left > -6 { left } else { 1 };
        let mut out = String::with_capacity(coefficient.len() + 8);
        if negative {
            out.push('-');
        }
        if dot <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-dot) as usize));
            out.push_str(coefficient);
        } else if dot >= n {
            out.push_str(coefficient);
            out.extend(std::iter::repeat_n('0', (dot - n) as usize));
        } else {
            out.push_str(&coefficient[..dot as usize]);
            out.push('.');
            out.push_str(&coefficient[dot as usize..]);
        }
        if left != dot {
            out.push_str(&format!("E{:+}", left - dot));
        }
        Ok(Self(out))
    }

    /// The canonical text, as `str(Decimal)` writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Decimal {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text)
    }
}

impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Decimal;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a decimal as a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
                Decimal::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
                Ok(Decimal(v.to_string()))
            }
            // pydantic-core reads a JSON float as `Decimal(str(f64))` with Rust's float Display.
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Decimal, E> {
                Decimal::parse(&v.to_string()).map_err(E::custom)
            }
        }
        // The JSON text of the value (serde_json's `RawValue`), so that an integer token beyond
        // u64, which serde_json would hand over as an f64, keeps every digit.
        struct Raw;
        impl<'de> serde::de::Visitor<'de> for Raw {
            type Value = Decimal;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a decimal as a string or a number")
            }
            fn visit_newtype_struct<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Decimal, D::Error> {
                d.deserialize_any(Visitor)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Decimal, A::Error> {
                let _token = map.next_key::<serde::de::IgnoredAny>()?;
                // borrowed from the input when serde_json can (`from_str`), not copied
                let text = map.next_value::<crate::de::Text<'de>>()?.0;
                let text = text.trim();
                let integer = text
                    .starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
                    && !text.contains(['.', 'e', 'E']);
                if integer {
                    // as pydantic-core's int: `-0` is 0
                    return Ok(Decimal(
                        text.parse::<i128>()
                            .map_or_else(|_| text.to_owned(), |n| n.to_string()),
                    ));
                }
                let mut json = serde_json::Deserializer::from_str(text);
                serde::Deserializer::deserialize_any(&mut json, Visitor)
                    .map_err(serde::de::Error::custom)
            }
        }
        deserializer.deserialize_newtype_struct("$serde_json::private::RawValue", Raw)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Decimal {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let text = obj.str()?;
        Self::parse(text.to_str()?).map_err(pyo3::exceptions::PyValueError::new_err)
    }
}

crate::into_py_by_class!(Decimal, "decimal", "Decimal", |value, py| value.0.as_str());

#[cfg(test)]
mod tests {
    use super::Decimal;

    #[test]
    fn text_is_canonical_as_python_writes_it() {
        let canonical = |text: &str| Decimal::parse(text).unwrap().as_str().to_owned();
        assert_eq!(canonical("1.10"), "1.10");
        assert_eq!(canonical(" 1_000 "), "1000");
        assert_eq!(canonical("1e2"), "1E+2");
        assert_eq!(canonical("-0.0000001"), "-1E-7");
        assert_eq!(canonical("0.000001"), "0.000001");
        assert!(Decimal::parse("NaN").is_err());
        assert!(Decimal::parse("1.2.3").is_err());
        assert_eq!(
            serde_json::from_str::<Decimal>("12").unwrap().as_str(),
            "12"
        );
    }
}
