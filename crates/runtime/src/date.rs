//! Dates as the APIs write them: `2012-12-01`, `2018-05-17 22:04:47`, `2018-05-17T22:04:47Z`,
//! the XML-RPC style `20110917T00:00:00`, or a month `2018-05`. A [`Date`] keeps the text it
//! was read from (so it goes back out unchanged) and its parts.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// A calendar date, optionally with a time of day, or a month.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Date {
    text: String,
    year: u16,
    month: u8,
    day: Option<u8>,
    time: Option<(u8, u8, u8)>,
}

impl Date {
    /// A day, written `YYYY-MM-DD`; `None` if there is no such day.
    pub fn ymd(year: u16, month: u8, day: u8) -> Option<Date> {
        Date::parse(&format!("{year:04}-{month:02}-{day:02}"))
    }

    /// Reads any of the formats above; `None` if `text` is none of them or not a real date.
    pub fn parse(text: &str) -> Option<Date> {
        let (date, time) = match text.split_once([' ', 'T']) {
            Some((date, time)) => (date, Some(time)),
            None => (text, None),
        };
        if !date.is_ascii() {
            return None;
        }
        let (year, month, day) = match (date.len(), date.as_bytes().get(4)) {
            (7, Some(b'-')) => (number(&date[0..4])?, number(&date[5..7])?, None),
            (10, Some(b'-')) if date.as_bytes()[7] == b'-' => {
                (number(&date[0..4])?, number(&date[5..7])?, Some(number(&date[8..10])?))
            }
            (8, _) => (number(&date[0..4])?, number(&date[4..6])?, Some(number(&date[6..8])?)),
            _ => return None,
        };
        let (year, month) = (u16::try_from(year).ok()?, u8::try_from(month).ok()?);
        let day = day.map(u8::try_from).transpose().ok()?;
        if !(1..=12).contains(&month) || day.is_some_and(|d| d == 0 || d > days_in(year, month)) {
            return None;
        }
        let time = match time {
            None => None,
            Some(_) if day.is_none() => return None,
            Some(time) => Some(clock(time)?),
        };
        Some(Date { text: text.to_owned(), year, month, day, time })
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, unless this is a month only.
    pub fn day(&self) -> Option<u8> {
        self.day
    }

    /// Hour, minute and second, when the text had a time.
    pub fn time(&self) -> Option<(u8, u8, u8)> {
        self.time
    }

    /// The text, as read or written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Dates order by their parts: year, month, day (a month alone comes before its days), time
/// of day (a day alone comes before its times), then by text, so the order agrees with `==`.
/// Offsets (`Z`, `+01:00`) are kept in the text, not interpreted: dates of one API, which
/// writes them all alike, order as time goes.
impl Ord for Date {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.year, self.month, self.day, self.time, &self.text).cmp(&(
            other.year,
            other.month,
            other.day,
            other.time,
            &other.text,
        ))
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// `HH:MM:SS`, optionally followed by fractions of a second and a `Z` or `±hh:mm` offset
/// (kept in the text, not interpreted).
fn clock(text: &str) -> Option<(u8, u8, u8)> {
    let hms = text.get(0..8)?;
    let rest = &text[8..];
    let rest =
        rest.strip_prefix('.').map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
    let offset_ok = rest.is_empty()
        || rest == "Z"
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':');
    let parts: Vec<&str> = hms.split(':').collect();
    let [h, m, s] = parts.as_slice() else { return None };
    let (h, m, s) = (
        u8::try_from(number(h)?).ok()?,
        u8::try_from(number(m)?).ok()?,
        u8::try_from(number(s)?).ok()?,
    );
    (offset_ok && h < 24 && m < 60 && s < 61).then_some((h, m, s))
}

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;

        impl Visitor<'_> for DateVisitor {
            type Value = Date;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a date such as 2012-12-01, 2018-05-17 22:04:47, 20110917T00:00:00 or 2018-05",
                )
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Date, E> {
                Date::parse(value)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(value), &self))
            }
        }

        deserializer.deserialize_str(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_order_and_hash_by_what_they_say() {
        let d = |t: &str| Date::parse(t).expect(t);
        let mut dates = [d("2018-05-17 22:04:47"), d("2012-12-01"), d("2018-05"), d("2018-05-17")];
        dates.sort();
        let texts: Vec<&str> = dates.iter().map(Date::as_str).collect();
        assert_eq!(texts, ["2012-12-01", "2018-05", "2018-05-17", "2018-05-17 22:04:47"]);
        assert!(d("20110917T00:00:00") < d("2011-09-18"));
        let set: std::collections::HashSet<Date> = [d("2012-12-01"), d("2012-12-01")].into();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn reads_every_format_the_apis_use() {
        let day = Date::parse("2012-12-01").expect("a day");
        assert_eq!((day.year(), day.month(), day.day(), day.time()), (2012, 12, Some(1), None));
        let stamp = Date::parse("2018-05-17 22:04:47").expect("a time stamp");
        assert_eq!((stamp.day(), stamp.time()), (Some(17), Some((22, 4, 47))));
        let xmlrpc = Date::parse("20110917T00:00:00").expect("XML-RPC style");
        assert_eq!((xmlrpc.year(), xmlrpc.month(), xmlrpc.day()), (2011, 9, Some(17)));
        let month = Date::parse("2018-05").expect("a month");
        assert_eq!((month.month(), month.day()), (5, None));
        for iso in ["2015-05-07T08:25:37+00:00", "2015-05-19T00:05:00Z", "2015-05-19T00:05:00.123Z"]
        {
            assert_eq!(Date::parse(iso).map(|d| d.as_str().to_owned()), Some(iso.to_owned()));
        }
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for text in [
            "",
            "20é1-05",
            "2012-05-0é",
            "2012-12-01 2é:00:00",
            "2012-13-01",
            "2013-02-29",
            "2012-12-1",
            "2012/12/01",
            "yesterday",
            "2018-05 10:00:00",
            "2012-12-01 25:00:00",
            "2012-12-01 10:00",
        ] {
            assert!(Date::parse(text).is_none(), "{text:?} was accepted");
        }
        assert!(Date::parse("2012-02-29").is_some(), "a leap day");
    }

    #[test]
    fn goes_back_out_as_it_came_in() {
        let json = r#"["2012-12-01","20110917T00:00:00","2018-05"]"#;
        let dates: Vec<Date> = serde_json::from_str(json).expect("dates");
        assert_eq!(serde_json::to_string(&dates).expect("serializable"), json);
        assert_eq!(Date::ymd(2020, 1, 31).map(|d| d.to_string()), Some("2020-01-31".to_owned()));
        assert!(serde_json::from_str::<Date>("\"soon\"").is_err());
    }
}
