//! The checks behind pydantic's field constraints (feature `constraints`) (`Field(gt=0)`, `StringConstraints(...)`,
//! `conint(...)`, ...), called from each model's generated `validate`. Each reproduces
//! pydantic-core's own check, and its error names the field and the constraint as
//! pydantic's message does ("Input should be greater than 0").

/// `field: message`, the error every check returns.
fn fail(field: &str, message: std::fmt::Arguments<'_>) -> Result<(), String> {
    Err(format!("{field}: {message}"))
}

/// `gt`: the value is greater than the bound (`shown` as pydantic shows it).
pub fn gt<T: PartialOrd>(field: &str, value: T, bound: T, shown: &str) -> Result<(), String> {
    if value > bound {
        Ok(())
    } else {
        fail(field, format_args!("Input should be greater than {shown}"))
    }
}

/// `ge`: the value is at least the bound.
pub fn ge<T: PartialOrd>(field: &str, value: T, bound: T, shown: &str) -> Result<(), String> {
    if value >= bound {
        Ok(())
    } else {
        fail(
            field,
            format_args!("Input should be greater than or equal to {shown}"),
        )
    }
}

/// `lt`: the value is less than the bound.
pub fn lt<T: PartialOrd>(field: &str, value: T, bound: T, shown: &str) -> Result<(), String> {
    if value < bound {
        Ok(())
    } else {
        fail(field, format_args!("Input should be less than {shown}"))
    }
}

/// `le`: the value is at most the bound.
pub fn le<T: PartialOrd>(field: &str, value: T, bound: T, shown: &str) -> Result<(), String> {
    if value <= bound {
        Ok(())
    } else {
        fail(
            field,
            format_args!("Input should be less than or equal to {shown}"),
        )
    }
}

/// An int's `multiple_of`: exact, as Python's `%`.
pub fn int_multiple_of<T>(field: &str, value: T, of: T, shown: &str) -> Result<(), String>
where
    T: Copy + PartialEq + Default + std::ops::Rem<Output = T>,
{
    if value % of == T::default() {
        Ok(())
    } else {
        fail(field, format_args!("Input should be a multiple of {shown}"))
    }
}

/// `min_length`: `length` counted in `unit`s of a `what` (pydantic's words: "String", "characters").
pub fn min_length(
    field: &str,
    length: usize,
    min: usize,
    what: &str,
    unit: &str,
) -> Result<(), String> {
    if length >= min {
        Ok(())
    } else {
        fail(
            field,
            format_args!("{what} should have at least {min} {unit}"),
        )
    }
}

/// `max_length`, as [`min_length`].
pub fn max_length(
    field: &str,
    length: usize,
    max: usize,
    what: &str,
    unit: &str,
) -> Result<(), String> {
    if length <= max {
        Ok(())
    } else {
        fail(
            field,
            format_args!("{what} should have at most {max} {unit}"),
        )
    }
}

/// A `pattern`, compiled on first use with the `regex` crate pydantic-core compiles patterns
/// with (feature `regex`). The pattern was checked for what `regex` lacks (look-around,
/// back-references) when generated; pydantic refuses those patterns too.
#[cfg(feature = "regex")]
pub struct Pattern {
    text: &'static str,
    compiled: std::sync::OnceLock<regex::Regex>,
}

#[cfg(feature = "regex")]
impl Pattern {
    /// The pattern `text`, not compiled yet (a `static` of the generated code).
    pub const fn new(text: &'static str) -> Self {
        Self {
            text,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// Whether `value` holds a match anywhere (`Regex::is_match`), as pydantic searches.
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| regex::Regex::new(self.text).expect("a pattern pydantic compiles"))
            .is_match(value)
    }
}

/// A `pattern`: searched for anywhere in the string, not matched whole.
#[cfg(feature = "regex")]
pub fn pattern(field: &str, value: &str, pattern: &Pattern) -> Result<(), String> {
    if pattern.is_match(value) {
        Ok(())
    } else {
        let shown = pattern.text;
        fail(field, format_args!("String should match pattern '{shown}'"))
    }
}

/// `strip_whitespace`: Rust's `trim` (Unicode White_Space), which pydantic-core calls too.
pub fn strip(value: &mut String) {
    let trimmed = value.trim();
    if trimmed.len() != value.len() {
        *value = trimmed.to_owned();
    }
}

/// `to_lower`, after the length and pattern checks, as pydantic-core orders them.
pub fn lower(value: &mut String) {
    *value = value.to_lowercase();
}

/// `to_upper`, after the length and pattern checks, as pydantic-core orders them.
pub fn upper(value: &mut String) {
    *value = value.to_uppercase();
}

/// `allow_inf_nan=False`.
pub fn finite(field: &str, value: f64) -> Result<(), String> {
    if value.is_finite() {
        Ok(())
    } else {
        fail(field, format_args!("Input should be a finite number"))
    }
}

/// A float's `multiple_of`, with the tolerance pydantic-core allows for binary rounding
/// (`0.3` is a multiple of `0.1`): the value is within 1e-9 of the nearest multiple, a
/// quotient ending in .5 rounding away from zero (`f64::round`). NaN and the infinities pass,
/// as in pydantic-core (its comparison with the remainder is false for them); lax mode reads
/// them from `"nan"` and `"inf"`.
pub fn float_multiple_of(field: &str, value: f64, of: f64, shown: &str) -> Result<(), String> {
    let nearest = (value / of).round() * of;
    if (value - nearest).abs() > 1e-9 {
        fail(field, format_args!("Input should be a multiple of {shown}"))
    } else {
        Ok(())
    }
}

/// A decimal's text (as `str(Decimal)` writes it) as (negative, digits without leading or
/// trailing zeros, exponent): the value is `digits * 10**exponent`. Zero has no digits.
fn decimal_parts(text: &str) -> (bool, String, i64) {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], rest[at + 1..].parse::<i64>().unwrap_or(0)),
        None => (rest, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let trimmed = digits.trim_end_matches('0');
    if trimmed.is_empty() {
        return (negative, String::new(), 0);
    }
    let exponent = exponent - fraction.len() as i64 + (digits.len() - trimmed.len()) as i64;
    (negative, trimmed.to_owned(), exponent)
}

/// Compares two decimal texts exactly.
fn decimal_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (decimal_parts(a), decimal_parts(b));
    let sign = |p: &(bool, String, i64)| {
        if p.1.is_empty() {
            0
        } else if p.0 {
            -1
        } else {
            1
        }
    };
    let (sa, sb) = (sign(&a), sign(&b));
    if sa != sb || sa == 0 {
        return sa.cmp(&sb);
    }
    // the same sign: compare magnitudes by the place of the leading digit, then digit by digit
    let magnitude = (a.1.len() as i64 + a.2)
        .cmp(&(b.1.len() as i64 + b.2))
        .then_with(|| {
            let width = a.1.len().max(b.1.len());
            format!("{:0<width$}", a.1).cmp(&format!("{:0<width$}", b.1))
        });
    if sa < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

/// `gt` on a `Decimal` (both as text), compared exactly.
pub fn decimal_gt(field: &str, value: &str, bound: &str, shown: &str) -> Result<(), String> {
    gt(
        field,
        decimal_cmp(value, bound),
        std::cmp::Ordering::Equal,
        shown,
    )
}

/// `ge` on a `Decimal`, compared exactly.
pub fn decimal_ge(field: &str, value: &str, bound: &str, shown: &str) -> Result<(), String> {
    ge(
        field,
        decimal_cmp(value, bound),
        std::cmp::Ordering::Equal,
        shown,
    )
}

/// `lt` on a `Decimal`, compared exactly.
pub fn decimal_lt(field: &str, value: &str, bound: &str, shown: &str) -> Result<(), String> {
    lt(
        field,
        decimal_cmp(value, bound),
        std::cmp::Ordering::Equal,
        shown,
    )
}

/// `le` on a `Decimal`, compared exactly.
pub fn decimal_le(field: &str, value: &str, bound: &str, shown: &str) -> Result<(), String> {
    le(
        field,
        decimal_cmp(value, bound),
        std::cmp::Ordering::Equal,
        shown,
    )
}

/// `max_digits` / `decimal_places`, counted on the normalized value as pydantic-core
/// counts them: trailing zeros do not count (`1.00` has one digit), a positive exponent
/// adds digits (`1E+2` has three), and leading zeros after the point count as places.
pub fn decimal_digits(
    field: &str,
    value: &str,
    max_digits: Option<u64>,
    places: Option<u64>,
) -> Result<(), String> {
    let (_, digits, exponent) = decimal_parts(value);
    let count = digits.len().max(1) as u64; // zero normalizes to the single digit 0
    let (digits, decimals) = if exponent >= 0 {
        (count + exponent as u64, 0)
    } else {
        let decimals = exponent.unsigned_abs();
        (count.max(decimals), decimals)
    };
    if let Some(max) = max_digits {
        if digits > max {
            return fail(
                field,
                format_args!("Decimal input should have no more than {max} digits in total"),
            );
        }
    }
    if let Some(places) = places {
        if decimals > places {
            return fail(
                field,
                format_args!("Decimal input should have no more than {places} decimal places"),
            );
        }
        if let Some(max) = max_digits {
            let whole = max.saturating_sub(places);
            if digits.saturating_sub(decimals) > whole {
                return fail(
                    field,
                    format_args!("Decimal input should have no more than {whole} digits before the decimal point"),
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_pydantic_s() {
        assert_eq!(
            gt("n", 0, 0, "0").unwrap_err(),
            "n: Input should be greater than 0"
        );
        assert_eq!(
            max_length("s", 3, 2, "String", "characters").unwrap_err(),
            "s: String should have at most 2 characters"
        );
        assert!(float_multiple_of("x", 0.3, 0.1, "0.1").is_ok());
        assert!(float_multiple_of("x", f64::NAN, 0.1, "0.1").is_ok());
        assert!(float_multiple_of("x", f64::NEG_INFINITY, 0.1, "0.1").is_ok());
        assert!(float_multiple_of("x", 0.35, 0.1, "0.1").is_err());
    }

    #[test]
    fn decimals_compare_exactly() {
        assert!(decimal_gt("d", "1.10", "1.1", "1.1").is_err());
        assert!(decimal_lt("d", "-2E+1", "-19.99", "-19.99").is_ok());
        assert!(decimal_digits("d", "1.00", Some(1), None).is_ok());
        assert!(decimal_digits("d", "1E+2", Some(2), None).is_err());
    }

    #[cfg(feature = "regex")]
    #[test]
    fn patterns_are_searched_not_matched_whole() {
        static DIGIT: Pattern = Pattern::new("[0-9]");
        assert!(pattern("s", "ab1", &DIGIT).is_ok());
        assert_eq!(
            pattern("s", "ab", &DIGIT).unwrap_err(),
            "s: String should match pattern '[0-9]'"
        );
    }
}
