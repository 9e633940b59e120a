//! Tolerant decoding of numbers, for APIs that sometimes send them as text (`"30.00"`) or
//! send integers as floats (`1000.0`). Only finite numbers are accepted: text such as `"NaN"`,
//! `"inf"` or `"1e999"` (which overflows) is refused, as JSON has no such numbers. Generated models use these through
//! the [`Decode`] markers ([`Number`], [`OptionNumber`], [`Integer`], [`OptionInteger`]) when
//! the provider's spec asks for lenient numbers.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

use crate::struct_de::Decode;

/// A finite number, or a string holding one.
///
/// # Errors
///
/// The deserializer's error when the value is neither.
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    deserializer.deserialize_any(NumberVisitor)
}

/// An optional [`number`]: `null` or a missing member is `None`.
///
/// # Errors
///
/// As [`number`].
pub fn option_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    deserializer.deserialize_option(OptionVisitor(NumberVisitor))
}

/// An integer, a float without a fraction, or a string holding either.
///
/// # Errors
///
/// The deserializer's error when the value is none of these.
pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(IntegerVisitor)
}

/// An optional [`integer`]: `null` or a missing member is `None`.
///
/// # Errors
///
/// As [`integer`].
pub fn option_integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    deserializer.deserialize_option(OptionVisitor(IntegerVisitor))
}

/// [`number`] as a member's [`Decode`]r.
pub struct Number;
/// [`option_number`] as a member's [`Decode`]r.
pub struct OptionNumber;
/// [`integer`] as a member's [`Decode`]r.
pub struct Integer;
/// [`option_integer`] as a member's [`Decode`]r.
pub struct OptionInteger;

macro_rules! decoders {
    ($($marker:ident => $function:ident: $ty:ty),*) => {$(
        impl Decode<$ty> for $marker {
            fn decode<'de, D: Deserializer<'de>>(&self, deserializer: D) -> Result<$ty, D::Error> {
                $function(deserializer)
            }
        }
    )*};
}

decoders!(
    Number => number: f64,
    OptionNumber => option_number: Option<f64>,
    Integer => integer: i64,
    OptionInteger => option_integer: Option<i64>
);

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a string holding a number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        if v.is_finite() {
            Ok(v)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v.trim().parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(number),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

struct IntegerVisitor;

impl Visitor<'_> for IntegerVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a string holding one")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // only whole floats in i64's range, such as 1000.0
        if v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64 {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        let text = v.trim();
        match text.parse::<i64>() {
            Ok(n) => Ok(n),
            Err(_) => text
                .parse::<f64>()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
                .and_then(|f| self.visit_f64(f)),
        }
    }
}

/// Wraps a visitor so `null` becomes `None`.
struct OptionVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for OptionVisitor<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)?;
        f.write_str(" or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self.0).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        #[serde(deserialize_with = "number")]
        price: f64,
        #[serde(default, deserialize_with = "option_integer")]
        bytes: Option<i64>,
    }

    fn decode(text: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[test]
    fn accepts_numbers_strings_and_whole_floats() {
        assert_eq!(
            decode(r#"{"price": "30.00", "bytes": 1000.0}"#).ok(),
            Some(Sample { price: 30.0, bytes: Some(1000) })
        );
        assert_eq!(
            decode(r#"{"price": 20, "bytes": "12"}"#).ok(),
            Some(Sample { price: 20.0, bytes: Some(12) })
        );
        assert_eq!(
            decode(r#"{"price": 1.5, "bytes": null}"#).ok(),
            Some(Sample { price: 1.5, bytes: None })
        );
        assert_eq!(decode(r#"{"price": 1.5}"#).ok(), Some(Sample { price: 1.5, bytes: None }));
    }

    #[test]
    fn large_finite_numbers_are_numbers() {
        assert_eq!(decode(r#"{"price": "1e300"}"#).ok().map(|s| s.price), Some(1e300));
        assert_eq!(decode(r#"{"price": 1e300}"#).ok().map(|s| s.price), Some(1e300));
        assert!(decode(r#"{"price": 1, "bytes": "1e300"}"#).is_err(), "beyond i64");
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for text in [
            r#"{"price": "cheap"}"#,
            r#"{"price": true}"#,
            r#"{"price": 1, "bytes": 1.5}"#,
            r#"{"price": 1, "bytes": "x"}"#,
            r#"{"price": "NaN"}"#,
            r#"{"price": "nan"}"#,
            r#"{"price": "inf"}"#,
            r#"{"price": "-Infinity"}"#,
            r#"{"price": "1e999"}"#,
            r#"{"price": "-1e400"}"#,
            r#"{"price": 1, "bytes": "NaN"}"#,
            r#"{"price": 1, "bytes": "inf"}"#,
            r#"{"price": 1, "bytes": "1e999"}"#,
        ] {
            assert!(decode(text).is_err(), "{text} was accepted");
        }
    }
}
