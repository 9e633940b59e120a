//! [`Date`] to and from the `chrono` and `time` crates' types, behind the features of the same
//! names. The APIs' dates name no time zone (or `Z`), so they convert to the naive types
//! (`NaiveDate`, `NaiveDateTime`; `time::Date`, `PrimitiveDateTime`) and the zone is not kept.

use std::fmt;

use crate::date::Date;

/// Why a [`Date`] has no counterpart of the type asked for, or a value no [`Date`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateConversionError {
    what: String,
    reason: &'static str,
}

impl DateConversionError {
    #[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]
    fn new(what: impl fmt::Display, reason: &'static str) -> Self {
        DateConversionError { what: what.to_string(), reason }
    }
}

impl fmt::Display for DateConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot convert the date {:?}: {}", self.what, self.reason)
    }
}

impl std::error::Error for DateConversionError {}

#[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]
const NO_DAY: &str = "it names a month, not a day";
#[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]
const NO_TIME: &str = "it has no time of day (convert it to a date instead)";
#[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]
const OUT_OF_RANGE: &str = "it is out of the range of the other type";

/// The day of `date`, as `(year, month, day)`.
#[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]
fn day_of(date: &Date) -> Result<(u16, u8, u8), DateConversionError> {
    let day = date.day().ok_or_else(|| DateConversionError::new(date, NO_DAY))?;
    Ok((date.year(), date.month(), day))
}

/// The time of day of `date`.
#[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]
fn time_of(date: &Date) -> Result<(u8, u8, u8), DateConversionError> {
    date.time().ok_or_else(|| DateConversionError::new(date, NO_TIME))
}

/// A [`Date`] of a day from another crate's year, month and day.
#[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]
fn from_day(year: i32, month: u8, day: u8) -> Result<Date, DateConversionError> {
    let text = format!("{year}-{month:02}-{day:02}");
    u16::try_from(year)
        .ok()
        .and_then(|year| Date::ymd(year, month, day))
        .ok_or_else(|| DateConversionError::new(text, OUT_OF_RANGE))
}

#[cfg(feature = "chrono")]
mod with_chrono {
    use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

    use super::*;

    impl TryFrom<&Date> for NaiveDate {
        type Error = DateConversionError;

        fn try_from(date: &Date) -> Result<Self, Self::Error> {
            let (year, month, day) = day_of(date)?;
            NaiveDate::from_ymd_opt(year.into(), month.into(), day.into())
                .ok_or_else(|| DateConversionError::new(date, OUT_OF_RANGE))
        }
    }

    impl TryFrom<&Date> for NaiveDateTime {
        type Error = DateConversionError;

        fn try_from(date: &Date) -> Result<Self, Self::Error> {
            let (hour, minute, second) = time_of(date)?;
            let time = NaiveTime::from_hms_opt(hour.into(), minute.into(), second.into())
                .ok_or_else(|| DateConversionError::new(date, OUT_OF_RANGE))?;
            Ok(NaiveDate::try_from(date)?.and_time(time))
        }
    }

    impl TryFrom<NaiveDate> for Date {
        type Error = DateConversionError;

        fn try_from(date: NaiveDate) -> Result<Self, Self::Error> {
            // month and day of a NaiveDate always fit in a u8
            let (month, day) = (date.month() as u8, date.day() as u8);
            from_day(date.year(), month, day)
        }
    }
}

#[cfg(feature = "time")]
mod with_time {
    use time::{Month, PrimitiveDateTime, Time};

    use super::*;

    impl TryFrom<&Date> for time::Date {
        type Error = DateConversionError;

        fn try_from(date: &Date) -> Result<Self, Self::Error> {
            let (year, month, day) = day_of(date)?;
            let out_of_range = |_| DateConversionError::new(date, OUT_OF_RANGE);
            let month = Month::try_from(month).map_err(out_of_range)?;
            time::Date::from_calendar_date(year.into(), month, day).map_err(out_of_range)
        }
    }

    impl TryFrom<&Date> for PrimitiveDateTime {
        type Error = DateConversionError;

        fn try_from(date: &Date) -> Result<Self, Self::Error> {
            let (hour, minute, second) = time_of(date)?;
            let time = Time::from_hms(hour, minute, second)
                .map_err(|_| DateConversionError::new(date, OUT_OF_RANGE))?;
            Ok(PrimitiveDateTime::new(time::Date::try_from(date)?, time))
        }
    }

    impl TryFrom<time::Date> for Date {
        type Error = DateConversionError;

        fn try_from(date: time::Date) -> Result<Self, Self::Error> {
            from_day(date.year(), u8::from(date.month()), date.day())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).expect("a date")
    }

    #[test]
    fn errors_say_why() {
        assert_eq!(
            day_of(&date("2018-05")).expect_err("a month").to_string(),
            "cannot convert the date \"2018-05\": it names a month, not a day"
        );
        assert!(time_of(&date("2018-05-17")).is_err());
        assert!(from_day(-1, 1, 1).is_err());
        assert_eq!(from_day(2012, 12, 1).expect("a day").as_str(), "2012-12-01");
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_both_ways() {
        use chrono::{NaiveDate, NaiveDateTime};
        let day = NaiveDate::try_from(&date("2012-12-01")).expect("a day");
        assert_eq!(day, NaiveDate::from_ymd_opt(2012, 12, 1).expect("valid"));
        let at = NaiveDateTime::try_from(&date("2018-05-17 22:04:47")).expect("a time");
        assert_eq!(at.to_string(), "2018-05-17 22:04:47");
        assert!(NaiveDateTime::try_from(&date("2018-05-17")).is_err());
        assert!(NaiveDate::try_from(&date("2018-05")).is_err());
        assert_eq!(Date::try_from(day).expect("back").as_str(), "2012-12-01");
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_both_ways() {
        use time::PrimitiveDateTime;
        let day = time::Date::try_from(&date("20110917T00:00:00")).expect("a day");
        assert_eq!(day.to_string(), "2011-09-17");
        let at = PrimitiveDateTime::try_from(&date("2018-05-17T22:04:47Z")).expect("a time");
        assert_eq!((at.hour(), at.minute(), at.second()), (22, 4, 47));
        assert!(time::Date::try_from(&date("2018-05")).is_err());
        assert_eq!(Date::try_from(day).expect("back").as_str(), "2011-09-17");
    }
}
