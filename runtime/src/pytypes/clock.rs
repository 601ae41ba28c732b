//! The current time, as `datetime.now()` and its kin give it to a `default_factory`: to the
//! microsecond, which is all a Python datetime holds.

use chrono::SubsecRound;

use super::{AwareDatetime, Date, Datetime, NaiveDatetime};

fn local_now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local().trunc_subsecs(6)
}

fn utc_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now().trunc_subsecs(6)
}

impl Datetime {
    /// `datetime.now()`: the local time, without a UTC offset.
    pub fn now() -> Self {
        Self::Naive(local_now())
    }

    /// `datetime.utcnow()`: the time in UTC, without a UTC offset.
    pub fn utcnow() -> Self {
        Self::Naive(utc_now().naive_utc())
    }

    /// `datetime.now(timezone.utc)`: the time in UTC, with its offset (written `Z`).
    pub fn now_utc() -> Self {
        Self::Aware(utc_now().fixed_offset())
    }
}

impl NaiveDatetime {
    /// `datetime.now()`.
    pub fn now() -> Self {
        Self(local_now())
    }

    /// `datetime.utcnow()`.
    pub fn utcnow() -> Self {
        Self(utc_now().naive_utc())
    }
}

impl AwareDatetime {
    /// `datetime.now(timezone.utc)`.
    pub fn now_utc() -> Self {
        Self(utc_now().fixed_offset())
    }
}

impl Date {
    /// `date.today()`: the local date.
    pub fn today() -> Self {
        Self(chrono::Local::now().date_naive())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_to_the_microsecond() {
        let Datetime::Aware(aware) = Datetime::now_utc() else {
            panic!("now_utc has an offset")
        };
        assert_eq!(aware.timestamp_subsec_nanos() % 1000, 0);
        assert_eq!(aware.offset().local_minus_utc(), 0);
        let text = serde_json::to_string(&Datetime::now_utc()).unwrap();
        assert!(text.ends_with("Z\""), "{text}");
    }
}
