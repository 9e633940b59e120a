//! Encoding helpers: request paths, nested request bodies, string enums.

use std::fmt;
use std::marker::PhantomData;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::{self, Deserializer, Visitor};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::InvalidArgument;

/// Everything except the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Like [`SEGMENT`], but `/` is kept.
const SEGMENTS: &AsciiSet = &SEGMENT.remove(b'/');

/// Percent-encodes `value` for use as one path segment: everything but the RFC 3986
/// unreserved characters is encoded, including `/`, `?`, `#` and `%`.
///
/// ```
/// assert_eq!(cloud_sdks_runtime::encode::path_segment("a b/c"), "a%20b%2Fc");
/// ```
pub fn path_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// Like [`path_segment`], but keeps `/`, for ids that span several segments (`"us/las"`).
///
/// ```
/// assert_eq!(cloud_sdks_runtime::encode::path_segments("us/las vegas"), "us/las%20vegas");
/// ```
pub fn path_segments(value: &str) -> String {
    utf8_percent_encode(value, SEGMENTS).to_string()
}

/// The longest path parameter sent, in bytes before encoding. Ids of the three APIs are at
/// most a few dozen characters; the longest URL is bounded as a whole, too
/// ([`MAX_URL_BYTES`](crate::MAX_URL_BYTES)).
pub const MAX_PATH_PARAM_BYTES: usize = 1024;

/// Checks a path parameter and percent-encodes it, as [`path_segment`] does (or
/// [`path_segments`] when `allow_slash`, for ids such as `"us/las"` that span segments).
///
/// Refused, before anything is sent, with an [`InvalidArgument`] naming `operation`, `field`
/// and the rule (but not the value, which may be huge):
///
/// * an empty value: `/datacenters/` would address the collection, not one data center;
/// * a value longer than [`MAX_PATH_PARAM_BYTES`];
/// * a `.` or `..` segment, or an empty one, taking both `/` and `\` for separators, also when
///   `/` is encoded as `%2F`: a proxy or server that decodes `%2F` or `%5C` before routing
///   would otherwise see `../x` and address another resource. A segment that percent-decodes
///   to `.` or `..` (`%2e%2e`) counts too. No id of the three APIs needs any of these; dots
///   inside a segment (`a..b`, `.hidden`) are fine.
///
/// ```
/// use cloud_sdks_runtime::encode::path_param;
/// assert_eq!(path_param("get_server", "server_id", "a b", false).unwrap(), "a%20b");
/// assert_eq!(path_param("get_location", "location_id", "us/las", true).unwrap(), "us/las");
/// let error = path_param("get_server", "server_id", "../x", false).unwrap_err();
/// assert_eq!(error.field, "server_id");
/// assert!(path_param("get_server", "server_id", "", false).is_err());
/// ```
///
/// # Errors
///
/// As listed above.
pub fn path_param(
    operation: &str,
    field: &str,
    value: &str,
    allow_slash: bool,
) -> Result<String, InvalidArgument> {
    let refuse = |rule: String| Err(InvalidArgument::new(operation, field, rule));
    if value.is_empty() {
        return refuse(
            "must not be empty (an empty id would address the whole collection)".to_owned(),
        );
    }
    if value.len() > MAX_PATH_PARAM_BYTES {
        return refuse(format!(
            "must be at most {MAX_PATH_PARAM_BYTES} bytes long (got {})",
            value.len()
        ));
    }
    if value.contains(['/', '\\']) {
        for segment in value.split(['/', '\\']) {
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            if decoded == "." || decoded == ".." {
                return refuse(format!(
                    "must not contain a {decoded:?} segment between '/' or '\\' (a server that \
                     decodes %2F or %5C would address another resource)"
                ));
            }
            if segment.is_empty() {
                return refuse(
                    "must not start or end with '/' or '\\', or hold two of them in a row"
                        .to_owned(),
                );
            }
        }
    } else if value == "." || value == ".." || is_encoded_dots(value) {
        return refuse(format!(
            "must not be {:?} (it would address another resource)",
            crate::error::bounded(value, 12)
        ));
    }
    Ok(if allow_slash { path_segments(value) } else { path_segment(value) })
}

/// Whether `value` percent-decodes to `.` or `..`.
fn is_encoded_dots(value: &str) -> bool {
    value.contains('%') && {
        let decoded = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
        decoded == "." || decoded == ".."
    }
}

/// Inserts `value` at the nested `path` of keys in `map`, creating objects on the way and
/// replacing any non-object value that is in the way. An existing value at the final key is
/// replaced. With an empty `path`, the entries of an object `value` are merged into `map`
/// (any other value is ignored).
///
/// ```
/// use cloud_sdks_runtime::serde_json::{json, Map};
/// let mut map = Map::new();
/// cloud_sdks_runtime::encode::insert_at(&mut map, &["properties", "name"], json!("dc1"));
/// assert_eq!(json!(map), json!({"properties": {"name": "dc1"}}));
/// ```
pub fn insert_at(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {
            if let Value::Object(entries) = value {
                map.extend(entries);
            }
        }
        [key] => {
            map.insert((*key).to_owned(), value);
        }
        [key, rest @ ..] => {
            let child = map.entry((*key).to_owned()).or_insert_with(|| Value::Object(Map::new()));
            if !child.is_object() {
                *child = Value::Object(Map::new());
            }
            if let Value::Object(child) = child {
                insert_at(child, rest, value);
            }
        }
    }
}

/// Like [`insert_at`], but when an array is already at `path`, the items of an array `value`
/// are appended to it: two request fields can fill one list (ProfitBricks sends new volumes
/// and references to existing ones in the same `entities.volumes.items`).
///
/// ```
/// use cloud_sdks_runtime::serde_json::{json, Map};
/// let mut map = Map::new();
/// cloud_sdks_runtime::encode::append_at(&mut map, &["items"], json!([{"name": "new"}]));
/// cloud_sdks_runtime::encode::append_at(&mut map, &["items"], json!([{"id": "v9"}]));
/// assert_eq!(json!(map), json!({"items": [{"name": "new"}, {"id": "v9"}]}));
/// ```
pub fn append_at(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    let existing = path.split_last().and_then(|(last, parents)| {
        let mut current = &mut *map;
        for key in parents {
            current = current.get_mut(*key)?.as_object_mut()?;
        }
        current.get_mut(*last)?.as_array_mut()
    });
    match (existing, value) {
        (Some(items), Value::Array(more)) => items.extend(more),
        (_, value) => insert_at(map, path, value),
    }
}

/// Serializes a caller's argument to JSON, for placing it in a body.
///
/// # Errors
///
/// An [`InvalidArgument`] naming `operation` and `field` if the value cannot be represented
/// as JSON (e.g. a map with non-string keys).
pub fn value<T: Serialize + ?Sized>(
    operation: &str,
    field: &str,
    value: &T,
) -> Result<Value, InvalidArgument> {
    serde_json::to_value(value).map_err(|error| {
        InvalidArgument::new(operation, field, format!("could not be serialized as JSON: {error}"))
    })
}

/// Serializes a caller's argument that must be a JSON object (a flattened body model).
///
/// # Errors
///
/// As [`value`], and also when the value is not an object.
pub fn object<T: Serialize + ?Sized>(
    operation: &str,
    field: &str,
    model: &T,
) -> Result<Map<String, Value>, InvalidArgument> {
    match value(operation, field, model)? {
        Value::Object(map) => Ok(map),
        _ => Err(InvalidArgument::new(operation, field, "must serialize to a JSON object")),
    }
}

/// Deserializes a model that an API sends either as an object or as a bare string (1&1's
/// licenses: `{"name": "Windows"}` or `"Windows"`): a string becomes `from_string(text)`,
/// anything else goes to `from_value` (the model's derived decoder).
///
/// # Errors
///
/// The deserializer's error, or the model's when the value is neither a string nor the model.
pub fn string_or<'de, D, T>(
    deserializer: D,
    from_string: impl FnOnce(String) -> T,
    from_value: impl FnOnce(Value) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    match <Value as serde::Deserialize>::deserialize(deserializer)? {
        Value::String(text) => Ok(from_string(text)),
        other => from_value(other).map_err(de::Error::custom),
    }
}

/// Deserializes a string enum through `From<&str>` without allocating for known values;
/// generated enums map unknown values to their `Unknown` arm.
///
/// # Errors
///
/// The deserializer's error when the value is not a string.
pub fn deserialize_str_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct StrVisitor<T>(PhantomData<T>);

    impl<T: for<'a> From<&'a str>> Visitor<'_> for StrVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(StrVisitor(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn segment_encodes_all_but_unreserved() {
        assert_eq!(path_segment("abc-XYZ_0.9~"), "abc-XYZ_0.9~");
        assert_eq!(path_segment("us/las"), "us%2Flas");
        assert_eq!(path_segment("a b?c#d%e&f+g"), "a%20b%3Fc%23d%25e%26f%2Bg");
        assert_eq!(path_segment("ä"), "%C3%A4");
        assert_eq!(path_segment(""), "");
        assert_eq!(path_segment(r"a\b:c@d"), "a%5Cb%3Ac%40d");
    }

    #[test]
    fn segments_keep_slashes() {
        assert_eq!(path_segments("us/las"), "us/las");
        assert_eq!(path_segments("de/fra 2"), "de/fra%202");
        assert_eq!(path_segments("a?b"), "a%3Fb");
    }

    #[test]
    fn path_params_are_checked_then_encoded() {
        let ok = |value: &str, slash: bool| path_param("op", "id", value, slash).expect(value);
        assert_eq!(ok("dc-1", false), "dc-1");
        assert_eq!(ok("a..b", false), "a..b");
        assert_eq!(ok("...", false), "...");
        assert_eq!(ok(".hidden", false), ".hidden");
        assert_eq!(ok("x..", false), "x..");
        assert_eq!(ok("a b?c", false), "a%20b%3Fc");
        assert_eq!(ok("us/las", true), "us/las");
        assert_eq!(ok("us/las vegas", true), "us/las%20vegas");
        assert_eq!(ok("a/b", false), "a%2Fb", "a '/' inside one id is encoded");
        assert_eq!(ok(&"a".repeat(MAX_PATH_PARAM_BYTES), false).len(), MAX_PATH_PARAM_BYTES);

        let refused = |value: &str, slash: bool| {
            let error = path_param("get_server", "server_id", value, slash).expect_err(value);
            assert_eq!(
                (error.operation.as_str(), error.field.as_str()),
                ("get_server", "server_id")
            );
            assert!(error.rule.len() < 200, "{}", error.rule);
            error.rule
        };
        assert!(refused("", false).starts_with("must not be empty"));
        assert!(refused("", true).starts_with("must not be empty"));
        let long = refused(&"a".repeat(MAX_PATH_PARAM_BYTES + 1), false);
        assert_eq!(long, "must be at most 1024 bytes long (got 1025)");
        for dots in [
            ".", "..", "../x", "x/..", r"a\..\b", r"..\x", "x/./y", "%2e%2E/x", "a/%2E", "%2e",
            "%2E%2e",
        ] {
            for slash in [false, true] {
                let rule = refused(dots, slash);
                assert!(rule.contains("must not"), "{dots}: {rule}");
            }
        }
        for empty in ["/x", "x/", r"x\\y", "us//las", "/"] {
            for slash in [false, true] {
                assert!(refused(empty, slash).contains("two of them in a row"), "{empty}");
            }
        }
    }

    #[test]
    fn insert_at_creates_nested_objects() {
        let mut map = Map::new();
        insert_at(&mut map, &["properties", "name"], json!("dc1"));
        insert_at(&mut map, &["properties", "location"], json!("de/fra"));
        insert_at(&mut map, &["entities", "servers", "items"], json!([]));
        insert_at(&mut map, &["top"], json!(1));
        assert_eq!(
            Value::Object(map),
            json!({
                "properties": {"name": "dc1", "location": "de/fra"},
                "entities": {"servers": {"items": []}},
                "top": 1
            })
        );
    }

    #[test]
    fn insert_at_replaces_values_in_the_way() {
        let mut map = Map::new();
        insert_at(&mut map, &["a"], json!(5));
        insert_at(&mut map, &["a", "b"], json!(true));
        insert_at(&mut map, &["a", "b"], json!(false));
        assert_eq!(Value::Object(map), json!({"a": {"b": false}}));
    }

    #[test]
    fn insert_at_empty_path_merges_objects() {
        let mut map = Map::new();
        insert_at(&mut map, &["a"], json!(1));
        insert_at(&mut map, &[], json!({"b": 2, "a": 3}));
        insert_at(&mut map, &[], json!("ignored"));
        assert_eq!(Value::Object(map), json!({"a": 3, "b": 2}));
    }
}
