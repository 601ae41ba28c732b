//! What a mirrored `default_factory` computes each time a field is missing, as pydantic calls
//! the factory each time: `time.time()`, `uuid.uuid4()` and its texts. The current time as a
//! datetime is `pytypes::Datetime::now` and its kin (feature `datetime`).

use std::time::{SystemTime, UNIX_EPOCH};

/// The seconds since the Unix epoch, as `time.time()` returns them (negative before it).
pub fn unix_time() -> f64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_secs_f64(),
        Err(before) => -before.duration().as_secs_f64(),
    }
}

/// `int(time.time())`: the whole seconds since the Unix epoch, toward zero as `int` rounds.
pub fn unix_time_int() -> i64 {
    let seconds = unix_time();
    // `as` saturates; a clock beyond i64 seconds is not one Python reads either.
    seconds.trunc() as i64
}

/// `uuid.uuid4()`: a new random UUID (version 4).
#[cfg(feature = "uuid")]
pub fn uuid4() -> uuid::Uuid {
    uuid::Uuid::new_v4()
}

/// `str(uuid.uuid4())`: its hyphenated lowercase text, as Python's `str` writes it.
#[cfg(feature = "uuid")]
pub fn uuid4_str() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// `uuid.uuid4().hex`: its 32 lowercase hex digits.
#[cfg(feature = "uuid")]
pub fn uuid4_hex() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_is_after_2020() {
        assert!(unix_time() > 1_577_836_800.0);
        assert!(unix_time_int() > 1_577_836_800);
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn uuid_texts_are_as_python_writes_them() {
        let text = uuid4_str();
        assert_eq!(text.len(), 36);
        assert_eq!(text.as_bytes()[14], b'4');
        assert_eq!(text, text.to_lowercase());
        let hex = uuid4_hex();
        assert_eq!(hex.len(), 32);
        assert!(hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }
}
