//! Checks of documented argument constraints, run by generated code before sending.
//!
//! Each function returns `Ok(())` or an [`InvalidArgument`] whose rule text names the rule and
//! the offending value, e.g. `must be at least 256 (got 128)`. String checks report lengths and
//! offending characters rather than whole values, since the value may be a password.

use std::fmt::{self, Display};

use crate::error::InvalidArgument;

/// The name of the value a check looks at (`servers[2].name`), written out only when the
/// check fails: checks run before every call, and most pass.
#[derive(Debug, Clone, Copy)]
pub enum Field<'a> {
    /// An argument, by name.
    Name(&'a str),
    /// A member of a model.
    Member(&'a Field<'a>, &'a str),
    /// An item of a list.
    Item(&'a Field<'a>, usize),
    /// A value of a map.
    Key(&'a Field<'a>, &'a str),
}

impl Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Name(name) => f.write_str(name),
            Field::Member(parent, name) => write!(f, "{parent}.{name}"),
            Field::Item(parent, index) => write!(f, "{parent}[{index}]"),
            Field::Key(parent, key) => write!(f, "{parent}[{key:?}]"),
        }
    }
}

impl<'a> From<&'a str> for Field<'a> {
    fn from(name: &'a str) -> Self {
        Field::Name(name)
    }
}

fn fail<'f>(op: &str, field: impl Into<Field<'f>>, rule: String) -> Result<(), InvalidArgument> {
    Err(InvalidArgument::new(op, field.into().to_string(), rule))
}

/// `value` must be at least `min`.
pub fn min_i64<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: i64,
    min: i64,
) -> Result<(), InvalidArgument> {
    at_least(op, field, value >= min, value, min)
}

/// `value` must be at most `max`.
pub fn max_i64<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: i64,
    max: i64,
) -> Result<(), InvalidArgument> {
    at_most(op, field, value <= max, value, max)
}

/// `value` must be at least `min`; NaN fails.
pub fn min_f64<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: f64,
    min: f64,
) -> Result<(), InvalidArgument> {
    at_least(op, field, value >= min, value, min)
}

/// `value` must be at most `max`; NaN fails.
pub fn max_f64<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: f64,
    max: f64,
) -> Result<(), InvalidArgument> {
    at_most(op, field, value <= max, value, max)
}

fn at_least<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    ok: bool,
    value: impl Display,
    min: impl Display,
) -> Result<(), InvalidArgument> {
    if ok {
        return Ok(());
    }
    fail(op, field, format!("must be at least {min} (got {value})"))
}

fn at_most<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    ok: bool,
    value: impl Display,
    max: impl Display,
) -> Result<(), InvalidArgument> {
    if ok {
        return Ok(());
    }
    fail(op, field, format!("must be at most {max} (got {value})"))
}

/// `value` must be a multiple of `factor` (only 0 is a multiple of 0).
pub fn multiple_of<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: i64,
    factor: i64,
) -> Result<(), InvalidArgument> {
    let ok = if factor == 0 { value == 0 } else { value.wrapping_rem(factor) == 0 };
    if ok {
        return Ok(());
    }
    fail(op, field, format!("must be a multiple of {factor} (got {value})"))
}

/// `value` must be at least `min` characters (Unicode scalar values) long.
pub fn min_length<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: &str,
    min: usize,
) -> Result<(), InvalidArgument> {
    let length = value.chars().count();
    if length >= min {
        return Ok(());
    }
    fail(
        op,
        field,
        format!("must be at least {min} {} long (got {length})", plural(min, "character")),
    )
}

/// `value` must be at most `max` characters (Unicode scalar values) long.
pub fn max_length<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: &str,
    max: usize,
) -> Result<(), InvalidArgument> {
    let length = value.chars().count();
    if length <= max {
        return Ok(());
    }
    fail(
        op,
        field,
        format!("must be at most {max} {} long (got {length})", plural(max, "character")),
    )
}

/// Every character of `value` must be in `class`, written like a regex character class
/// without brackets: `"A-Za-z0-9._-"`. `a-b` is an inclusive range; everything else is a
/// literal character, including a `-` at the start or end. The error names the first
/// offending character and its position (counted in characters from 0).
pub fn allowed_chars<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: &str,
    class: &str,
) -> Result<(), InvalidArgument> {
    let allowed = |c: char| class_ranges(class).any(|(low, high)| low <= c && c <= high);
    match value.chars().enumerate().find(|&(_, c)| !allowed(c)) {
        None => Ok(()),
        Some((position, c)) => fail(
            op,
            field,
            format!(
                "must only contain the characters [{class}] (got {c:?} at position {position})"
            ),
        ),
    }
}

/// The inclusive ranges of a character class; a single character `c` is `(c, c)`.
///
/// Read in place rather than collected: checks run before every call, and allocating here
/// was a fiftieth of a small Memset call's CPU (BENCHMARKS.md).
fn class_ranges(class: &str) -> impl Iterator<Item = (char, char)> + '_ {
    let mut rest = class.chars();
    std::iter::from_fn(move || {
        let low = rest.next()?;
        let mut ahead = rest.clone();
        match (ahead.next(), ahead.next()) {
            (Some('-'), Some(high)) => {
                rest = ahead;
                Some((low, high))
            }
            _ => Some((low, low)),
        }
    })
}

/// [`class_ranges`], collected.
#[cfg(test)]
fn parse_class(class: &str) -> Vec<(char, char)> {
    class_ranges(class).collect()
}

/// `value` must not contain any character of `chars`. The error names the first offending
/// character and its position (counted in characters from 0).
pub fn forbidden_chars<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: &str,
    chars: &str,
) -> Result<(), InvalidArgument> {
    match value.chars().enumerate().find(|&(_, c)| chars.contains(c)) {
        None => Ok(()),
        Some((position, c)) => fail(
            op,
            field,
            format!(
                "must not contain any of the characters {chars} (got {c:?} at position {position})"
            ),
        ),
    }
}

/// `value` must be one of `allowed` (compared exactly).
pub fn one_of<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: &str,
    allowed: &[&str],
) -> Result<(), InvalidArgument> {
    if allowed.contains(&value) {
        return Ok(());
    }
    fail(op, field, format!("must be one of {} (got {value})", allowed.join(", ")))
}

/// Whether `value` is one of `allowed`, or (with a `separator`) several of them joined by it,
/// each at most once and none empty (Memset's `protocols`: `tcp`, `tcp,udp,icmp`).
pub fn is_allowed(value: &str, allowed: &[&str], separator: Option<&str>) -> bool {
    if allowed.contains(&value) {
        return true;
    }
    let Some(separator) = separator.filter(|s| !s.is_empty()) else { return false };
    let items: Vec<&str> = value.split(separator).collect();
    items.iter().enumerate().all(|(i, item)| allowed.contains(item) && !items[..i].contains(item))
}

/// `value` must be one of `allowed`, or several of them joined by `separator`
/// ([`is_allowed`]).
pub fn one_of_joined<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: &str,
    allowed: &[&str],
    separator: &str,
) -> Result<(), InvalidArgument> {
    if is_allowed(value, allowed, Some(separator)) {
        return Ok(());
    }
    let rule = format!(
        "must be one of {} (got {value}), or several of them joined by '{separator}' without spaces, each once",
        allowed.join(", ")
    );
    fail(op, field, rule)
}

/// An integer must be one of `allowed` (e.g. a TTL from a fixed list).
pub fn one_of_i64<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    value: i64,
    allowed: &[i64],
) -> Result<(), InvalidArgument> {
    if allowed.contains(&value) {
        return Ok(());
    }
    let list: Vec<String> = allowed.iter().map(i64::to_string).collect();
    fail(op, field, format!("must be one of {} (got {value})", list.join(", ")))
}

/// A list must have at least `min` items.
pub fn min_items<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    len: usize,
    min: usize,
) -> Result<(), InvalidArgument> {
    if len >= min {
        return Ok(());
    }
    fail(op, field, format!("must have at least {min} {} (got {len})", plural(min, "item")))
}

/// Exactly one item of a list must have its boolean `flag` true (1&1: one main disk);
/// `flags` are the items' values of it.
pub fn exactly_one<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    flags: impl Iterator<Item = bool>,
    flag: &str,
) -> Result<(), InvalidArgument> {
    let set = flags.filter(|&on| on).count();
    if set == 1 {
        return Ok(());
    }
    fail(op, field, format!("must have exactly one item with {flag} = true (got {set})"))
}

/// Whether a boolean field, required (`bool`) or optional (`Option<bool>`), is true.
pub fn is_true(value: &impl Flag) -> bool {
    value.is_true()
}

/// A boolean field, required or optional, for [`is_true`].
pub trait Flag {
    /// Whether it is set and true.
    fn is_true(&self) -> bool;
}

impl Flag for bool {
    fn is_true(&self) -> bool {
        *self
    }
}

impl Flag for Option<bool> {
    fn is_true(&self) -> bool {
        *self == Some(true)
    }
}

/// A list must have at most `max` items.
pub fn max_items<'f>(
    op: &str,
    field: impl Into<Field<'f>>,
    len: usize,
    max: usize,
) -> Result<(), InvalidArgument> {
    if len <= max {
        return Ok(());
    }
    fail(op, field, format!("must have at most {max} {} (got {len})", plural(max, "item")))
}

/// At least one of `fields` (`(name, is_set)` pairs) must be set; the error's field is the
/// names joined with `/`.
pub fn at_least_one_of(op: &str, fields: &[(Field<'_>, bool)]) -> Result<(), InvalidArgument> {
    if fields.iter().any(|&(_, set)| set) {
        return Ok(());
    }
    fail(
        op,
        joined_names(fields, "/").as_str(),
        format!("at least one of {} must be set (got none)", joined_names(fields, ", ")),
    )
}

/// At most one of `fields` (`(name, is_set)` pairs) may be set; the error's field is the
/// names joined with `/`.
pub fn at_most_one_of(op: &str, fields: &[(Field<'_>, bool)]) -> Result<(), InvalidArgument> {
    let set: Vec<String> =
        fields.iter().filter(|&&(_, set)| set).map(|(name, _)| name.to_string()).collect();
    if set.len() <= 1 {
        return Ok(());
    }
    fail(
        op,
        joined_names(fields, "/").as_str(),
        format!(
            "at most one of {} may be set (got {})",
            joined_names(fields, ", "),
            set.join(", ")
        ),
    )
}

/// Every one of `fields` (name, is set) must be set, because `condition` holds (the caller has
/// checked it); the error names the first one missing.
pub fn required_when(
    op: &str,
    condition: &str,
    fields: &[(Field<'_>, bool)],
) -> Result<(), InvalidArgument> {
    match fields.iter().find(|&&(_, set)| !set) {
        None => Ok(()),
        Some((name, _)) => fail(op, *name, format!("is required when {condition}")),
    }
}

#[cfg(test)]
mod required_when_tests {
    use super::*;

    #[test]
    fn names_the_first_missing_field() {
        assert!(required_when(
            "op",
            "period is CUSTOM",
            &[(Field::Name("start_date"), true), (Field::Name("end_date"), true)]
        )
        .is_ok());
        let error = required_when(
            "op",
            "period is CUSTOM",
            &[(Field::Name("start_date"), true), (Field::Name("end_date"), false)],
        )
        .expect_err("end_date missing");
        assert_eq!(
            (error.field.as_str(), error.rule.as_str()),
            ("end_date", "is required when period is CUSTOM")
        );
    }
}

/// `"item"` or `"items"`, depending on `count`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        noun.to_owned()
    } else {
        format!("{noun}s")
    }
}

fn joined_names(fields: &[(Field<'_>, bool)], separator: &str) -> String {
    fields.iter().map(|(name, _)| name.to_string()).collect::<Vec<_>>().join(separator)
}

#[cfg(test)]
mod integer_values_tests {
    use super::*;

    #[test]
    fn one_of_i64_accepts_listed_values_only() {
        assert!(one_of_i64("op", "ttl", 300, &[0, 300, 600]).is_ok());
        let error = one_of_i64("op", "ttl", 301, &[0, 300, 600]).expect_err("not listed");
        assert_eq!(error.rule, "must be one of 0, 300, 600 (got 301)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule text of a failed check.
    fn rule(result: Result<(), InvalidArgument>) -> String {
        let error = result.expect_err("check should fail");
        assert_eq!(error.operation, "op");
        error.rule
    }

    #[test]
    fn integer_bounds() {
        assert!(min_i64("op", "ram", 256, 256).is_ok());
        assert!(max_i64("op", "ram", 256, 256).is_ok());
        assert_eq!(rule(min_i64("op", "ram", 128, 256)), "must be at least 256 (got 128)");
        assert_eq!(rule(max_i64("op", "ram", 300, 256)), "must be at most 256 (got 300)");
        assert!(min_i64("op", "x", i64::MIN, i64::MIN).is_ok());
        let error = min_i64("op", "ram", 128, 256).expect_err("too small");
        assert_eq!(error.field, "ram");
        assert_eq!(error.to_string(), "op: invalid argument 'ram': must be at least 256 (got 128)");
    }

    #[test]
    fn float_bounds() {
        assert!(min_f64("op", "price", 0.5, 0.5).is_ok());
        assert!(max_f64("op", "price", 0.5, 1.0).is_ok());
        assert_eq!(rule(min_f64("op", "price", 0.25, 0.5)), "must be at least 0.5 (got 0.25)");
        assert_eq!(rule(max_f64("op", "price", 2.0, 1.5)), "must be at most 1.5 (got 2)");
        assert_eq!(rule(min_f64("op", "price", f64::NAN, 0.0)), "must be at least 0 (got NaN)");
        assert_eq!(rule(max_f64("op", "price", f64::NAN, 0.0)), "must be at most 0 (got NaN)");
    }

    #[test]
    fn multiples() {
        assert!(multiple_of("op", "ram", 1024, 256).is_ok());
        assert!(multiple_of("op", "ram", -512, 256).is_ok());
        assert!(multiple_of("op", "ram", 0, 256).is_ok());
        assert_eq!(
            rule(multiple_of("op", "ram", 1000, 256)),
            "must be a multiple of 256 (got 1000)"
        );
        // Edge cases that would panic with `%`.
        assert!(multiple_of("op", "x", i64::MIN, -1).is_ok());
        assert!(multiple_of("op", "x", 0, 0).is_ok());
        assert_eq!(rule(multiple_of("op", "x", 5, 0)), "must be a multiple of 0 (got 5)");
    }

    #[test]
    fn lengths_count_chars_and_hide_values() {
        assert!(min_length("op", "name", "äöü", 3).is_ok());
        assert!(max_length("op", "name", "äöü", 3).is_ok());
        assert_eq!(
            rule(min_length("op", "password", "secret", 8)),
            "must be at least 8 characters long (got 6)"
        );
        assert_eq!(
            rule(max_length("op", "name", "äöüß", 3)),
            "must be at most 3 characters long (got 4)"
        );
    }

    #[test]
    fn allowed_character_classes() {
        let class = "A-Za-z0-9._-";
        assert!(allowed_chars("op", "name", "web-01.example_A", class).is_ok());
        assert!(allowed_chars("op", "name", "", class).is_ok());
        assert_eq!(
            rule(allowed_chars("op", "name", "web 01!", class)),
            "must only contain the characters [A-Za-z0-9._-] (got ' ' at position 3)"
        );
        assert_eq!(
            rule(allowed_chars("op", "name", "ä", class)),
            "must only contain the characters [A-Za-z0-9._-] (got 'ä' at position 0)"
        );
        // A leading '-' is literal, and so is a lone trailing one.
        assert!(allowed_chars("op", "x", "-a", "-a").is_ok());
        assert!(allowed_chars("op", "x", "a-", "a-").is_ok());
        assert!(allowed_chars("op", "x", "b", "-a").is_err());
        assert!(allowed_chars("op", "x", "b", "a-").is_err());
        // A range in the middle is a range, not three literals.
        assert!(allowed_chars("op", "x", "c", "a-e").is_ok());
        assert!(allowed_chars("op", "x", "-", "a-e").is_err());
        // An empty class allows nothing but the empty string.
        assert!(allowed_chars("op", "x", "", "").is_ok());
        assert!(allowed_chars("op", "x", "a", "").is_err());
        // Control characters are escaped in the message.
        assert!(rule(allowed_chars("op", "x", "a\n", "a")).contains(r"'\n' at position 1"));
    }

    #[test]
    fn class_parsing() {
        assert_eq!(parse_class("a-c"), vec![('a', 'c')]);
        assert_eq!(parse_class("-a"), vec![('-', '-'), ('a', 'a')]);
        assert_eq!(parse_class("a-"), vec![('a', 'a'), ('-', '-')]);
        assert_eq!(parse_class("._-"), vec![('.', '.'), ('_', '_'), ('-', '-')]);
        assert_eq!(parse_class(""), vec![]);
    }

    #[test]
    fn forbidden_characters() {
        assert!(forbidden_chars("op", "name", "fine name", "<>&").is_ok());
        assert_eq!(
            rule(forbidden_chars("op", "name", "a<b>", "<>&")),
            "must not contain any of the characters <>& (got '<' at position 1)"
        );
        assert!(forbidden_chars("op", "name", "anything", "").is_ok());
    }

    #[test]
    fn enumerations() {
        assert!(one_of("op", "size", "M", &["S", "M", "L"]).is_ok());
        assert_eq!(
            rule(one_of("op", "size", "XL", &["S", "M", "L"])),
            "must be one of S, M, L (got XL)"
        );
        assert!(one_of("op", "size", "m", &["S", "M", "L"]).is_err());
    }

    #[test]
    fn item_counts() {
        assert!(min_items("op", "nics", 1, 1).is_ok());
        assert!(max_items("op", "nics", 2, 2).is_ok());
        assert_eq!(rule(min_items("op", "nics", 0, 1)), "must have at least 1 item (got 0)");
        assert_eq!(rule(max_items("op", "nics", 3, 2)), "must have at most 2 items (got 3)");
        assert_eq!(
            rule(max_length("op", "code", "ab", 1)),
            "must be at most 1 character long (got 2)"
        );
    }

    #[test]
    fn field_groups() {
        let none = [(Field::Name("image"), false), (Field::Name("snapshot"), false)];
        let one = [(Field::Name("image"), true), (Field::Name("snapshot"), false)];
        let both = [(Field::Name("image"), true), (Field::Name("snapshot"), true)];

        assert!(at_least_one_of("op", &one).is_ok());
        assert!(at_least_one_of("op", &both).is_ok());
        let error = at_least_one_of("op", &none).expect_err("none set");
        assert_eq!(error.field, "image/snapshot");
        assert_eq!(error.rule, "at least one of image, snapshot must be set (got none)");

        assert!(at_most_one_of("op", &none).is_ok());
        assert!(at_most_one_of("op", &one).is_ok());
        let error = at_most_one_of("op", &both).expect_err("both set");
        assert_eq!(error.field, "image/snapshot");
        assert_eq!(error.rule, "at most one of image, snapshot may be set (got image, snapshot)");
    }

    #[test]
    fn exactly_one_item_has_the_flag() {
        fn flags(values: &[bool]) -> impl Iterator<Item = bool> + '_ {
            values.iter().copied()
        }
        assert!(exactly_one("create_server", "hdds", flags(&[true, false]), "is_main").is_ok());
        for (values, got) in [(&[][..], 0), (&[false, false][..], 0), (&[true, true][..], 2)] {
            let error = exactly_one("create_server", "hdds", flags(values), "is_main")
                .expect_err("refused");
            assert_eq!(error.field, "hdds");
            assert_eq!(
                error.rule,
                format!("must have exactly one item with is_main = true (got {got})")
            );
        }
        assert!(is_true(&true) && is_true(&Some(true)));
        assert!(!is_true(&false) && !is_true(&None::<bool>) && !is_true(&Some(false)));
    }
}
