//! A successful response and the helpers generated code uses to read it.

use std::fmt;
use std::ops::Deref;

use reqwest::header::{HeaderMap, CONTENT_TYPE};
use serde::de::DeserializeOwned;

use crate::credentials::Redactor;
use crate::error::Error;
use crate::provider::RequestIdSource;

/// A response whose status the operation lists as success; the body is read in full.
#[derive(Clone)]
pub struct Response {
    /// Name of the operation.
    pub operation: &'static str,
    /// HTTP status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The whole response body.
    pub body: Vec<u8>,
    /// How many attempts the call took (1 unless transient failures were retried).
    pub attempts: u32,
    /// The call's tracing span, for facts learnt from the decoded body (a job id).
    span: tracing::Span,
    /// Keeps the client's secrets out of decode errors.
    redactor: Redactor,
}

impl Response {
    /// A response as the transport received it.
    pub(crate) fn new(
        operation: &'static str,
        status: u16,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Self {
        Response {
            operation,
            status,
            headers,
            body,
            attempts: 1,
            span: tracing::Span::none(),
            redactor: Redactor::default(),
        }
    }

    /// Sets the attempt count, tracing span and secrets of the call.
    pub(crate) fn with_call(
        mut self,
        attempts: u32,
        span: tracing::Span,
        redactor: Redactor,
    ) -> Self {
        self.attempts = attempts;
        self.span = span;
        self.redactor = redactor;
        self
    }

    /// Decodes the body as JSON into `T`.
    ///
    /// An empty or malformed body, or one that does not match `T`, is an [`Error::Decode`].
    /// The `Content-Type` is not checked beforehand (servers label JSON `text/plain` too), but
    /// when a body does not decode and its type is not JSON, the message says what it is,
    /// e.g. an HTML page. Members the model does not know are ignored; enum values it does
    /// not know decode as their `Unknown` variant.
    pub fn json<T: DeserializeOwned, K>(&self) -> Result<T, Error<K>> {
        // Decode first: the type name and the Content-Type are only needed for the error
        // message, and working them out costs as much as decoding a small body (BENCHMARKS.md).
        let error = if self.body.is_empty() {
            None
        } else {
            match serde_json::from_slice(&self.body) {
                Ok(value) => return Ok(value),
                Err(error) => Some(error),
            }
        };
        let expected = short_type_name(std::any::type_name::<T>());
        let labelled =
            self.non_json_content_type().map_or_else(String::new, |kind| format!(" ({kind})"));
        let message = match error {
            None => format!("expected {expected}, got an empty body{labelled}"),
            Some(error) => format!("expected {expected}{labelled}: {error}"),
        };
        Err(self.decode_error(&message))
    }

    /// An [`Error::Decode`] for this response with `message`, secrets scrubbed from both.
    pub(crate) fn decode_error<K>(&self, message: &str) -> Error<K> {
        Error::Decode {
            operation: self.operation,
            status: self.status,
            body: self.redactor.scrub(&String::from_utf8_lossy(&self.body)).into_owned(),
            message: self.redactor.scrub(message).into_owned(),
        }
    }

    /// `got Content-Type text/html, not JSON` when the response says it is not JSON.
    fn non_json_content_type(&self) -> Option<String> {
        let value = self.headers.get(CONTENT_TYPE)?.to_str().unwrap_or("?");
        let media = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let json = media == "application/json" || media == "text/json" || media.ends_with("+json");
        let what = if media == "text/html" { ", an HTML page" } else { "" };
        let shown: String = media.chars().filter(|c| !c.is_control()).take(100).collect();
        (!json).then(|| format!("got Content-Type {shown}{what}, not JSON"))
    }

    /// The client's secrets, for errors built from this response elsewhere in the runtime.
    pub(crate) fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Records the id of the job this response started on the call's tracing span (field
    /// `job_id`), so that logs tie the call to the work it began.
    pub fn record_job_id(&self, job_id: &str) {
        self.span.record("job_id", job_id);
    }

    /// The id of the provisioning request this response started, if `source` finds one.
    ///
    /// The id is the path segment right after `source.marker` in header `source.header`
    /// (case-insensitive); it must be non-empty, of URL-safe characters (letters, digits, `-`,
    /// `_`, `.`, `~`) only, and not `.` or `..`.
    pub fn request_id(&self, source: &RequestIdSource) -> Option<String> {
        request_id(&self.headers, source)
    }

    /// The value of response header `name` (case-insensitive), if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.as_str().eq_ignore_ascii_case(name))
            .and_then(|(_, value)| value.to_str().ok())
    }
}

/// The provisioning request id in `headers`, as [`Response::request_id`] finds it.
pub(crate) fn request_id(headers: &HeaderMap, source: &RequestIdSource) -> Option<String> {
    let value = headers
        .iter()
        .find(|(name, _)| name.as_str().eq_ignore_ascii_case(source.header))?
        .1
        .to_str()
        .ok()?;
    if source.marker.is_empty() {
        return None;
    }
    let (_, rest) = value.split_once(source.marker)?;
    let id = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // any id of URL-safe characters (ids are UUIDs today, but need not stay hex); not `.`
    // or `..`, which would name another path when the id is polled
    let unreserved = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~');
    let valid = !id.is_empty() && id.chars().all(unreserved) && !id.trim_matches('.').is_empty();
    valid.then(|| id.to_owned())
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// `a::b::Foo<c::Bar>` -> `Foo<Bar>`: type names without module paths, for error messages.
fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut segment_start = 0;
    for (index, c) in full.char_indices() {
        if !(c.is_alphanumeric() || c == '_' || c == ':') {
            out.push_str(last_path_segment(&full[segment_start..index]));
            out.push(c);
            segment_start = index + c.len_utf8();
        }
    }
    out.push_str(last_path_segment(&full[segment_start..]));
    out
}

fn last_path_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// The result of an accepted provisioning call: the returned value plus the id of the
/// asynchronous request that carries the change out, if the provider reported one.
///
/// Derefs to the value; serializes as `{"request_id": <id or null>, "value": <value>}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Accepted<T> {
    request_id: Option<String>,
    value: T,
}

impl<T> Accepted<T> {
    /// Wraps `value` with the provisioning request id.
    pub fn new(value: T, request_id: Option<String>) -> Self {
        Accepted { request_id, value }
    }

    /// The provisioning request id, if the provider reported one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The returned value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// Unwraps the returned value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Accepted<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// The answer of a call that starts a job only when it has something to change (Memset's
/// `cluster.*.enable`, `disable`, `set_weight`, ...): the job, or else whatever the API sends
/// when nothing had to change (the document does not say what, so it is kept as JSON).
///
/// Decodes as [`Job`](Self::Job) when the answer is a job, as [`State`](Self::State)
/// otherwise; serializes as the answer itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum JobOrState<J> {
    /// Something changed: the job doing it, to wait on.
    Job(J),
    /// Nothing had to change: the API's answer as sent (`null` when it sent none).
    State(serde_json::Value),
}

impl<J> JobOrState<J> {
    /// The job, when the call started one.
    pub fn job(&self) -> Option<&J> {
        match self {
            JobOrState::Job(job) => Some(job),
            JobOrState::State(_) => None,
        }
    }

    /// The job, when the call started one.
    pub fn into_job(self) -> Option<J> {
        match self {
            JobOrState::Job(job) => Some(job),
            JobOrState::State(_) => None,
        }
    }
}

impl<'de, J: serde::de::DeserializeOwned> serde::Deserialize<'de> for JobOrState<J> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
        // a job is an object that decodes as one; anything else is the state
        if value.is_object() {
            if let Ok(job) = J::deserialize(&value) {
                return Ok(JobOrState::Job(job));
            }
        }
        Ok(JobOrState::State(value))
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Datacenter {
        id: String,
    }

    fn response(body: &str) -> Response {
        Response::new("get_datacenter", 200, HeaderMap::new(), body.as_bytes().to_vec())
    }

    const PB_REQUESTS: RequestIdSource =
        RequestIdSource { header: "Location", marker: "/requests/" };

    fn with_header(name: &'static str, value: &str) -> Response {
        let mut response = response("");
        response.headers.insert(name, HeaderValue::from_str(value).expect("valid header"));
        response
    }

    #[test]
    fn json_decodes() {
        let dc: Datacenter =
            response(r#"{"id":"abc","extra":1}"#).json::<_, ()>().expect("decodes");
        assert_eq!(dc, Datacenter { id: "abc".into() });
    }

    #[test]
    fn json_on_empty_body_is_decode_error() {
        let error = response("").json::<Datacenter, ()>().expect_err("empty");
        match &error {
            Error::Decode { operation, status, body, message } => {
                assert_eq!(*operation, "get_datacenter");
                assert_eq!(*status, 200);
                assert_eq!(body, "");
                assert_eq!(message, "expected Datacenter, got an empty body");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            error.to_string(),
            "get_datacenter: could not decode the HTTP 200 response body (0 bytes): \
             expected Datacenter, got an empty body"
        );
    }

    #[test]
    fn json_on_bad_bodies_is_decode_error() {
        for body in ["<html>oops</html>", "{\"id\": 5}", "{\"id\":", "\u{0}", "  "] {
            match response(body).json::<Datacenter, ()>() {
                Err(Error::Decode { body: kept, message, .. }) => {
                    assert_eq!(kept, body);
                    assert!(message.starts_with("expected Datacenter: "), "{message}");
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn json_on_invalid_utf8_is_decode_error() {
        let mut bad = response("");
        bad.body = b"\"\xff\"".to_vec();
        assert!(matches!(bad.json::<String, ()>(), Err(Error::Decode { .. })));
    }

    #[test]
    fn short_type_names() {
        assert_eq!(short_type_name("alloc::string::String"), "String");
        assert_eq!(short_type_name("alloc::vec::Vec<profitbricks::model::Server>"), "Vec<Server>");
        assert_eq!(
            short_type_name("core::option::Option<(u8, std::string::String)>"),
            "Option<(u8, String)>"
        );
        assert_eq!(short_type_name("u32"), "u32");
    }

    #[test]
    fn request_id_from_location() {
        let response = with_header(
            "location",
            "https://api.profitbricks.com/cloudapi/v3/requests/0f3c1e4a-aaaa-bbbb-cccc-123456789abc/status",
        );
        assert_eq!(
            response.request_id(&PB_REQUESTS).as_deref(),
            Some("0f3c1e4a-aaaa-bbbb-cccc-123456789abc")
        );
        assert_eq!(response.header("LOCATION").map(|v| v.ends_with("/status")), Some(true));
    }

    #[test]
    fn request_id_edge_cases() {
        let cases = [
            ("https://x/requests/abc-123", Some("abc-123")),
            ("https://x/requests/ABCDEF?x=1", Some("ABCDEF")),
            ("https://x/requests/", None),
            ("https://x/requests//status", None),
            ("https://x/requests/not-hex!/status", None),
            ("https://x/requests/xyz/status", Some("xyz")),
            ("https://x/requests/req_42.v2/status", Some("req_42.v2")),
            ("https://x/requests/../status", None),
            ("https://x/requests/a%2Fb/status", None),
            ("https://x/requests/a b/status", None),
            ("https://x/other/abc/status", None),
            ("", None),
        ];
        for (location, expected) in cases {
            let response = with_header("location", location);
            assert_eq!(response.request_id(&PB_REQUESTS).as_deref(), expected, "{location}");
        }
        assert_eq!(response("").request_id(&PB_REQUESTS), None);
        let empty_marker = RequestIdSource { header: "Location", marker: "" };
        assert_eq!(with_header("location", "abc").request_id(&empty_marker), None);
    }

    #[test]
    fn accepted_accessors_and_serialization() {
        let accepted = Accepted::new(vec![1, 2], Some("abc".to_owned()));
        assert_eq!(accepted.request_id(), Some("abc"));
        assert_eq!(accepted.value(), &vec![1, 2]);
        assert_eq!(accepted.len(), 2);
        assert_eq!(
            serde_json::to_string(&accepted).expect("serializable"),
            r#"{"request_id":"abc","value":[1,2]}"#
        );
        assert_eq!(accepted.into_inner(), vec![1, 2]);

        let none = Accepted::new("x", None);
        assert_eq!(
            serde_json::to_string(&none).expect("serializable"),
            r#"{"request_id":null,"value":"x"}"#
        );
    }

    #[test]
    fn debug_hides_body() {
        let text = format!("{:?}", response(r#"{"password":"hunter2"}"#));
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("<22 bytes>"), "{text}");
    }
}
