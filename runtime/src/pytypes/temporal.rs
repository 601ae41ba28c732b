//! Datetimes, dates, times and durations (feature `datetime`), read as pydantic-core reads
//! them (speedate 0.18, with pydantic's lax fallbacks: Unix timestamps as numbers, a date for
//! a datetime, a datetime at midnight for a date) and written as `model_dump_json()` writes
//! them: `2032-04-23T10:20:30.400000Z`, `P1Y35DT1H2M3.5S` (a year being 365 days).
use pyo3::prelude::*;

/// A JSON scalar given for a temporal field: pydantic parses strings, and numbers as
/// Unix timestamps or seconds. Integers beyond i64 are rejected, as pydantic does. A string
/// is borrowed from the input when serde_json can (no escapes), not copied.
enum Given<'a> {
    Str(std::borrow::Cow<'a, str>),
    Int(i64),
    Float(f64),
}

impl<'de> serde::Deserialize<'de> for Given<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Given<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Given<'de>, E> {
                Ok(Given::Str(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Given<'de>, E> {
                Ok(Given::Str(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Given<'de>, E> {
                Ok(Given::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Given<'de>, E> {
                i64::try_from(v)
                    .map(Given::Int)
                    .map_err(|_| E::custom(format!("{v} is too large")))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Given<'de>, E> {
                Ok(Given::Float(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

fn time_config() -> speedate::TimeConfig {
    speedate::TimeConfig {
        microseconds_precision_overflow_behavior:
            speedate::MicrosecondsPrecisionOverflowBehavior::Truncate,
        unix_timestamp_offset: Some(0),
    }
}

/// speedate's error (`too_short`, ...), readable.
fn parse_error(what: &str, err: speedate::ParseError) -> String {
    format!(
        "input should be a valid {what}: {}",
        err.to_string().replace('_', " ")
    )
}

fn parse_datetime(given: &Given<'_>) -> Result<speedate::DateTime, String> {
    let config = speedate::DateTimeConfig {
        time_config: time_config(),
        timestamp_unit: speedate::TimestampUnit::Infer,
    };
    match given {
        Given::Str(s) => speedate::DateTime::parse_bytes_with_config(s.as_bytes(), &config)
            .or_else(|err| {
                // As pydantic in lax mode: a date is that day at midnight (naive).
                let date_config = speedate::DateConfig {
                    timestamp_unit: speedate::TimestampUnit::Infer,
                };
                match speedate::Date::parse_bytes_with_config(s.as_bytes(), &date_config) {
                    Ok(date) => Ok(speedate::DateTime {
                        date,
                        time: speedate::Time {
                            hour: 0,
                            minute: 0,
                            second: 0,
                            microsecond: 0,
                            tz_offset: None,
                        },
                    }),
                    Err(_) => Err(err),
                }
            }),
        Given::Int(i) => speedate::DateTime::from_timestamp_with_config(*i, 0, &config),
        Given::Float(f) if f.is_nan() => return Err("NaN values not permitted".to_owned()),
        Given::Float(f) => speedate::DateTime::from_float_with_config(*f, &config),
    }
    .map_err(|e| parse_error("datetime", e))
}

fn date_of(d: &speedate::Date) -> Result<chrono::NaiveDate, String> {
    if d.year == 0 {
        return Err("year 0 is out of range".to_owned());
    }
    chrono::NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
        .ok_or_else(|| "day is out of range for month".to_owned())
}

fn speedate_date(d: &chrono::NaiveDate) -> Result<speedate::Date, String> {
    use chrono::Datelike;
    let year = u16::try_from(d.year())
        .ok()
        .filter(|y| (1..=9999).contains(y))
        .ok_or_else(|| format!("year {} is out of range for Python", d.year()))?;
    Ok(speedate::Date {
        year,
        month: d.month() as u8,
        day: d.day() as u8,
    })
}

fn time_of(t: &speedate::Time) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::from_hms_micro_opt(
        t.hour.into(),
        t.minute.into(),
        t.second.into(),
        t.microsecond,
    )
    .ok_or_else(|| "time is out of range".to_owned())
}

fn offset_of(seconds: i32) -> Result<chrono::FixedOffset, String> {
    chrono::FixedOffset::east_opt(seconds)
        .ok_or_else(|| format!("UTC offset of {seconds}s is out of range"))
}

fn speedate_time(
    t: &chrono::NaiveTime,
    offset: Option<&chrono::FixedOffset>,
) -> Result<speedate::Time, String> {
    use chrono::Timelike;
    let microsecond = t.nanosecond() / 1_000;
    if microsecond >= 1_000_000 {
        return Err("Python has no leap seconds".to_owned());
    }
    Ok(speedate::Time {
        hour: t.hour() as u8,
        minute: t.minute() as u8,
        second: t.second() as u8,
        microsecond,
        tz_offset: offset.map(chrono::FixedOffset::local_minus_utc),
    })
}

/// The UTC offset of a Python datetime or time (`utcoffset()`, rounded to seconds as pydantic does).
fn py_offset(obj: &Bound<'_, PyAny>) -> PyResult<Option<chrono::FixedOffset>> {
    let delta = obj.call_method0("utcoffset")?;
    if delta.is_none() {
        return Ok(None);
    }
    let seconds: f64 = delta.call_method0("total_seconds")?.extract()?;
    offset_of(seconds.round() as i32)
        .map(Some)
        .map_err(pyo3::exceptions::PyValueError::new_err)
}

fn naive_of(dt: &speedate::DateTime) -> Result<chrono::NaiveDateTime, String> {
    Ok(date_of(&dt.date)?.and_time(time_of(&dt.time)?))
}

fn aware_of(
    naive: chrono::NaiveDateTime,
    seconds: i32,
) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    naive
        .and_local_timezone(offset_of(seconds)?)
        .single()
        .ok_or_else(|| "datetime is out of range".to_owned())
}

fn speedate_datetime(
    naive: &chrono::NaiveDateTime,
    offset: Option<&chrono::FixedOffset>,
) -> Result<speedate::DateTime, String> {
    Ok(speedate::DateTime {
        date: speedate_date(&naive.date())?,
        time: speedate_time(&naive.time(), offset)?,
    })
}

fn write_datetime<S: serde::Serializer>(
    naive: &chrono::NaiveDateTime,
    offset: Option<&chrono::FixedOffset>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match speedate_datetime(naive, offset) {
        Ok(dt) => serializer.collect_str(&dt),
        Err(e) => Err(serde::ser::Error::custom(e)),
    }
}

fn py_naive_datetime(obj: &Bound<'_, PyAny>) -> PyResult<chrono::NaiveDateTime> {
    let date: chrono::NaiveDate = obj.call_method0("date")?.extract()?;
    let time: chrono::NaiveTime = obj.call_method0("time")?.extract()?;
    Ok(date.and_time(time))
}

/// A Python `datetime`: naive or aware, as a field typed `datetime` may hold either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Datetime {
    /// Without a UTC offset.
    Naive(chrono::NaiveDateTime),
    /// With a UTC offset.
    Aware(chrono::DateTime<chrono::FixedOffset>),
}

impl serde::Serialize for Datetime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Naive(naive) => write_datetime(naive, None, serializer),
            Self::Aware(aware) => {
                write_datetime(&aware.naive_local(), Some(aware.offset()), serializer)
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Datetime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let dt =
            parse_datetime(&Given::deserialize(deserializer)?).map_err(serde::de::Error::custom)?;
        let naive = naive_of(&dt).map_err(serde::de::Error::custom)?;
        match dt.time.tz_offset {
            None => Ok(Self::Naive(naive)),
            Some(seconds) => aware_of(naive, seconds)
                .map(Self::Aware)
                .map_err(serde::de::Error::custom),
        }
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Datetime {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        obj.cast::<pyo3::types::PyDateTime>()?;
        let obj = obj.to_owned();
        let naive = py_naive_datetime(&obj)?;
        Ok(match py_offset(&obj)? {
            None => Self::Naive(naive),
            Some(offset) => {
                Self::Aware(naive.and_local_timezone(offset).single().ok_or_else(|| {
                    pyo3::exceptions::PyValueError::new_err("datetime is out of range")
                })?)
            }
        })
    }
}

impl<'py> IntoPyObject<'py> for Datetime {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Self::Naive(naive) => Ok(naive.into_pyobject(py)?.into_any()),
            Self::Aware(aware) => Ok(aware.into_pyobject(py)?.into_any()),
        }
    }
}

/// A pydantic `AwareDatetime`: a datetime with a UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AwareDatetime(pub chrono::DateTime<chrono::FixedOffset>);

impl serde::Serialize for AwareDatetime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        write_datetime(&self.0.naive_local(), Some(self.0.offset()), serializer)
    }
}

impl<'de> serde::Deserialize<'de> for AwareDatetime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let dt =
            parse_datetime(&Given::deserialize(deserializer)?).map_err(serde::de::Error::custom)?;
        let naive = naive_of(&dt).map_err(serde::de::Error::custom)?;
        let seconds = dt
            .time
            .tz_offset
            .ok_or_else(|| serde::de::Error::custom("input should have timezone info"))?;
        aware_of(naive, seconds)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for AwareDatetime {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.extract::<Datetime>()? {
            Datetime::Aware(aware) => Ok(Self(aware)),
            Datetime::Naive(_) => Err(pyo3::exceptions::PyValueError::new_err(
                "expected a datetime with a UTC offset",
            )),
        }
    }
}

/// A pydantic `NaiveDatetime`: a datetime without a UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NaiveDatetime(pub chrono::NaiveDateTime);

impl serde::Serialize for NaiveDatetime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        write_datetime(&self.0, None, serializer)
    }
}

impl<'de> serde::Deserialize<'de> for NaiveDatetime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let dt =
            parse_datetime(&Given::deserialize(deserializer)?).map_err(serde::de::Error::custom)?;
        if dt.time.tz_offset.is_some() {
            return Err(serde::de::Error::custom(
                "input should not have timezone info",
            ));
        }
        naive_of(&dt).map(Self).map_err(serde::de::Error::custom)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for NaiveDatetime {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.extract::<Datetime>()? {
            Datetime::Naive(naive) => Ok(Self(naive)),
            Datetime::Aware(_) => Err(pyo3::exceptions::PyValueError::new_err(
                "expected a datetime without UTC offset",
            )),
        }
    }
}

/// A Python `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub chrono::NaiveDate);

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match speedate_date(&self.0) {
            Ok(d) => serializer.collect_str(&d),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let given = Given::deserialize(deserializer)?;
        let config = speedate::DateConfig {
            timestamp_unit: speedate::TimestampUnit::Infer,
        };
        let parsed = match &given {
            Given::Str(s) => speedate::Date::parse_bytes_with_config(s.as_bytes(), &config)
                .map_err(|e| parse_error("date", e)),
            _ => Err("input should be a valid date".to_owned()),
        };
        let date = match parsed {
            Ok(date) => date,
            // As pydantic in lax mode: a datetime (or timestamp) at exactly midnight is a date.
            Err(err) => match parse_datetime(&given) {
                Ok(dt)
                    if (
                        dt.time.hour,
                        dt.time.minute,
                        dt.time.second,
                        dt.time.microsecond,
                    ) == (0, 0, 0, 0) =>
                {
                    dt.date
                }
                Ok(_) => {
                    return Err(serde::de::Error::custom(
                        "datetimes provided to dates should have zero time",
                    ))
                }
                Err(_) => return Err(serde::de::Error::custom(err)),
            },
        };
        date_of(&date).map(Self).map_err(serde::de::Error::custom)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Date {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Self(obj.extract()?))
    }
}

/// A Python `time`, with the UTC offset it may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    /// The time of day.
    pub time: chrono::NaiveTime,
    /// Its UTC offset, if it has one.
    pub offset: Option<chrono::FixedOffset>,
}

impl serde::Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match speedate_time(&self.time, self.offset.as_ref()) {
            Ok(t) => serializer.collect_str(&t),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Time {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let config = time_config();
        let parsed = match Given::deserialize(deserializer)? {
            Given::Str(s) => speedate::Time::parse_bytes_with_config(s.as_bytes(), &config),
            Given::Int(i) if i < 0 => {
                return Err(serde::de::Error::custom(
                    "time in seconds should be positive",
                ))
            }
            Given::Int(i) => speedate::Time::from_timestamp_with_config(
                u32::try_from(i).unwrap_or(u32::MAX),
                0,
                &config,
            ),
            Given::Float(f) if f.is_nan() => {
                return Err(serde::de::Error::custom("NaN values not permitted"))
            }
            Given::Float(f) => {
                let seconds = f.floor() as i64;
                if seconds < 0 {
                    return Err(serde::de::Error::custom(
                        "time in seconds should be positive",
                    ));
                }
                let micros = (f.fract().abs() * 1_000_000.0).round() as u32;
                speedate::Time::from_timestamp_with_config(
                    u32::try_from(seconds).unwrap_or(u32::MAX),
                    micros,
                    &config,
                )
            }
        }
        .map_err(|e| serde::de::Error::custom(parse_error("time", e)))?;
        let time = time_of(&parsed).map_err(serde::de::Error::custom)?;
        let offset = parsed
            .tz_offset
            .map(offset_of)
            .transpose()
            .map_err(serde::de::Error::custom)?;
        Ok(Self { time, offset })
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Time {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        obj.cast::<pyo3::types::PyTime>()?;
        let obj = obj.to_owned();
        Ok(Self {
            time: obj.extract()?,
            offset: py_offset(&obj)?,
        })
    }
}

impl<'py> IntoPyObject<'py> for Time {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = speedate_time(&self.time, None).map_err(pyo3::exceptions::PyValueError::new_err)?;
        let tzinfo = self.offset.map(|o| o.into_pyobject(py)).transpose()?;
        let time = pyo3::types::PyTime::new(
            py,
            t.hour,
            t.minute,
            t.second,
            t.microsecond,
            tzinfo.as_ref(),
        )?;
        Ok(time.into_any())
    }
}

/// A Python `timedelta`, written in pydantic's ISO 8601 form (`P1Y35DT1H2M3.5S`, a year being 365 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timedelta(pub chrono::TimeDelta);

/// Python's `timedelta.min` and `timedelta.max`, in microseconds.
const TIMEDELTA_MIN_US: i128 = -999_999_999 * 86_400_000_000;
const TIMEDELTA_MAX_US: i128 = 999_999_999 * 86_400_000_000 + 86_399_999_999;

impl Timedelta {
    fn to_speedate(self) -> Result<speedate::Duration, String> {
        let micros = i128::from(self.0.num_seconds()) * 1_000_000
            + i128::from(self.0.subsec_nanos() / 1_000);
        if !(TIMEDELTA_MIN_US..=TIMEDELTA_MAX_US).contains(&micros) {
            return Err("timedelta is out of range for Python".to_owned());
        }
        let total = micros.unsigned_abs();
        let (day, rest) = (total / 86_400_000_000, total % 86_400_000_000);
        speedate::Duration::new(
            micros >= 0,
            day as u32,
            (rest / 1_000_000) as u32,
            (rest % 1_000_000) as u32,
        )
        .map_err(|e| e.to_string())
    }

    fn from_speedate(d: &speedate::Duration) -> Result<Self, String> {
        let magnitude = (i128::from(d.day) * 86_400 + i128::from(d.second)) * 1_000_000
            + i128::from(d.microsecond);
        let micros = if d.positive { magnitude } else { -magnitude };
        if !(TIMEDELTA_MIN_US..=TIMEDELTA_MAX_US).contains(&micros) {
            return Err("timedelta is out of range".to_owned());
        }
        let (seconds, micros) = (micros.div_euclid(1_000_000), micros.rem_euclid(1_000_000));
        chrono::TimeDelta::new(seconds as i64, (micros * 1_000) as u32)
            .map(Self)
            .ok_or_else(|| "timedelta is out of range".to_owned())
    }
}

impl serde::Serialize for Timedelta {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.to_speedate() {
            Ok(d) => serializer.collect_str(&d),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Timedelta {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parsed = match Given::deserialize(deserializer)? {
            Given::Str(s) => {
                speedate::Duration::parse_bytes_with_config(s.as_bytes(), &time_config())
            }
            // pydantic-core's int_as_duration / float_as_duration, casts included
            Given::Int(i) => {
                let total = i.unsigned_abs();
                let days = u32::try_from(total / 86_400)
                    .map_err(|_| serde::de::Error::custom("timedelta is too large"))?;
                speedate::Duration::new(i >= 0, days, (total % 86_400) as u32, 0)
            }
            Given::Float(f) if f.is_nan() => {
                return Err(serde::de::Error::custom("NaN values not permitted"))
            }
            Given::Float(f) => {
                let total = f.abs();
                let micros = total.fract() * 1_000_000.0;
                let seconds = total as u64 % 86_400;
                speedate::Duration::new(
                    f >= 0.0,
                    (total / 86_400.0) as u32,
                    seconds as u32,
                    micros.round() as u32,
                )
            }
        }
        .map_err(|e| serde::de::Error::custom(parse_error("timedelta", e)))?;
        Self::from_speedate(&parsed).map_err(serde::de::Error::custom)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Timedelta {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Self(obj.extract()?))
    }
}

/// `IntoPyObject` through the chrono value inside (pyo3's `chrono` conversions).
macro_rules! into_py_via_chrono {
    ($($ty:ty),*) => {$(
        impl<'py> IntoPyObject<'py> for $ty {
            type Target = PyAny;
            type Output = Bound<'py, PyAny>;
            type Error = PyErr;

            fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(self.0.into_pyobject(py)?.into_any())
            }
        }
    )*};
}

into_py_via_chrono!(AwareDatetime, NaiveDatetime, Date, Timedelta);
crate::into_py_by_value!(
    Datetime,
    AwareDatetime,
    NaiveDatetime,
    Date,
    Time,
    Timedelta
);

#[cfg(test)]
mod tests {
    use super::*;

    fn again<T: serde::Serialize + serde::de::DeserializeOwned>(text: &str) -> String {
        serde_json::to_string(&serde_json::from_str::<T>(text).unwrap()).unwrap()
    }

    #[test]
    fn values_are_written_as_pydantic_writes_them() {
        assert_eq!(
            again::<Datetime>(r#""2032-04-23T10:20:30.4+00:00""#),
            r#""2032-04-23T10:20:30.400000Z""#
        );
        assert_eq!(again::<Datetime>("0"), r#""1970-01-01T00:00:00Z""#);
        assert_eq!(
            again::<NaiveDatetime>(r#""2032-04-23""#),
            r#""2032-04-23T00:00:00""#
        );
        assert_eq!(again::<Date>(r#""2032-04-23T00:00:00""#), r#""2032-04-23""#);
        assert_eq!(
            again::<Time>(r#""10:20:30.000005-05:30""#),
            r#""10:20:30.000005-05:30""#
        );
        assert_eq!(
            again::<Timedelta>(r#""-P1Y35DT1H2M3.5S""#),
            r#""-P1Y35DT1H2M3.5S""#
        );
        assert!(serde_json::from_str::<AwareDatetime>(r#""2032-04-23T10:20:30""#).is_err());
    }
}
