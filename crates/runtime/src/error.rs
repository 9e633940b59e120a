//! Errors returned by generated clients.
//!
//! [`Error<K>`] is the single error type of every operation; `K` is the provider's own
//! error-kind enum, picked from an [`ApiError`] by its [`Classify`] implementation.
//! No variant ever contains credentials.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::provider::ErrorModel;

/// Maps an API error response to a provider-specific error kind.
pub trait Classify: Sized + std::fmt::Debug + Send + Sync + 'static {
    /// Pick the provider's error kind for an API error response.
    fn classify(error: &ApiError) -> Self;

    /// What the kind means, when the spec says (its `category`); `None` leaves the
    /// [`Error::is_not_found`]-style helpers to the HTTP status.
    fn category(&self) -> Option<ErrorCategory> {
        None
    }
}

/// What an error kind means across providers, for [`Error::is_not_found`],
/// [`Error::is_rate_limited`] and [`Error::is_unauthorized`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCategory {
    /// The resource the call names does not exist.
    NotFound,
    /// Too many requests: the API asks the caller to slow down.
    RateLimited,
    /// The credentials were missing, wrong or not accepted.
    Unauthorized,
}

/// An error (or otherwise unexpected) response, kept whole.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Name of the operation that received the response, e.g. `"get_datacenter"`.
    pub operation: &'static str,
    /// HTTP status code.
    pub status: u16,
    /// The provider's error code, read via [`ErrorModel::code`]; a JSON number is kept as its
    /// decimal text.
    pub code: Option<String>,
    /// The provider's error type, read via [`ErrorModel::error_type`].
    pub error_type: Option<String>,
    /// The human-readable message, read via [`ErrorModel::message`].
    pub message: Option<String>,
    /// The raw response body (lossy UTF-8).
    pub body: String,
    /// The response headers; names are lower-case.
    pub headers: Vec<(String, String)>,
    /// How many attempts the call made; this answer is the last one's. More than 1 when
    /// transient failures were retried (see [`RetryPolicy`](crate::RetryPolicy)).
    pub attempts: u32,
    /// How many redirects (within the API's origin) the last attempt followed to get this
    /// answer; see [`MAX_REDIRECTS`](crate::MAX_REDIRECTS).
    pub redirects: u32,
    /// How the error was reported when the HTTP answer itself was a success:
    /// `Some("JSON-RPC error")` for one call's error inside a JSON-RPC batch answer (whose
    /// `status` is then 200); `None` when the HTTP status is the error.
    pub reported_as: Option<&'static str>,
}

impl ApiError {
    /// Builds an `ApiError` from a response, reading code, type and message from `body` with
    /// the pointers of `model` when the body is JSON (they stay `None` otherwise).
    ///
    /// The body is read in one pass that keeps only the three values (everything else is
    /// skipped, not built), so an error answer costs little more memory than its text.
    ///
    /// [`Transport::send`](crate::Transport::send) uses this; it is public so that
    /// [`Classify`] implementations can be tested without a server.
    pub fn from_parts(
        operation: &'static str,
        status: u16,
        headers: Vec<(String, String)>,
        body: &[u8],
        model: &ErrorModel,
    ) -> Self {
        Self::from_body(operation, status, headers, body.to_vec(), model)
    }

    /// [`from_parts`](Self::from_parts) for a body the caller hands over: its text is kept
    /// without a copy when it is valid UTF-8.
    pub(crate) fn from_body(
        operation: &'static str,
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        model: &ErrorModel,
    ) -> Self {
        let [code, error_type, message] =
            pointed_values(&body, [model.code, model.error_type, model.message]);
        let body = String::from_utf8(body)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
        ApiError {
            operation,
            status,
            code,
            error_type,
            message,
            body,
            headers: headers
                .into_iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value))
                .collect(),
            attempts: 1,
            redirects: 0,
            reported_as: None,
        }
    }

    /// `operation: HTTP 404`, or `operation: JSON-RPC error` for an error inside an answer.
    fn write_head(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reported_as {
            Some(how) => write!(f, "{}: {how}", self.operation),
            None => write!(f, "{}: HTTP {}", self.operation, self.status),
        }
    }

    /// Replaces the client's secrets wherever the server's answer holds them.
    pub(crate) fn redact(&mut self, redactor: &crate::credentials::Redactor) {
        for text in [&mut self.code, &mut self.error_type, &mut self.message].into_iter().flatten()
        {
            redactor.scrub_in_place(text);
        }
        redactor.scrub_in_place(&mut self.body);
        for (_, value) in &mut self.headers {
            redactor.scrub_in_place(value);
        }
    }

    /// The value of response header `name` (case-insensitive); the first one if repeated.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Writes ` (type T, code C): message` — whatever parts are known.
    fn write_details(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.error_type, &self.code) {
            (Some(kind), Some(code)) => {
                f.write_str(" (type ")?;
                write_one_line(f, kind)?;
                f.write_str(", code ")?;
                write_one_line(f, code)?;
                f.write_str(")")?;
            }
            (Some(kind), None) => {
                f.write_str(" (type ")?;
                write_one_line(f, kind)?;
                f.write_str(")")?;
            }
            (None, Some(code)) => {
                f.write_str(" (code ")?;
                write_one_line(f, code)?;
                f.write_str(")")?;
            }
            (None, None) => {}
        }
        if let Some(message) = &self.message {
            f.write_str(": ")?;
            write_one_line(f, message)?;
        }
        Ok(())
    }
}

/// The texts at up to three JSON pointers (RFC 6901) of `body`, read in one streaming pass
/// that borrows what it can and builds nothing else: a number is kept as its decimal text, a
/// boolean as `true`/`false`; a string of only whitespace, `null`, an array, an object or a
/// missing member gives `None`. A body that is not one whole JSON value gives `None`
/// throughout. Of repeated members the last counts, as in `serde_json::Value`.
fn pointed_values(body: &[u8], pointers: [Option<&str>; 3]) -> [Option<String>; 3] {
    let parsed: Vec<(Vec<String>, usize)> = pointers
        .iter()
        .enumerate()
        .filter_map(|(slot, pointer)| Some((pointer_segments(pointer.as_deref()?)?, slot)))
        .collect();
    let mut out = [None, None, None];
    if parsed.is_empty() {
        return out;
    }
    let targets: Vec<Target<'_>> =
        parsed.iter().map(|(segments, slot)| (segments.as_slice(), *slot)).collect();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let walked = Walk { targets, out: &mut out }.deserialize(&mut deserializer);
    if walked.and_then(|()| deserializer.end()).is_err() {
        return [None, None, None];
    }
    out
}

/// A pointer's segments, unescaped (`~1` is `/`, `~0` is `~`); `None` unless it is empty or
/// starts with `/`.
fn pointer_segments(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|segment| segment.replace("~1", "/").replace("~0", "~")).collect())
}

/// The segments of a pointer still to follow below the current value, and its output slot.
type Target<'p> = (&'p [String], usize);

/// Follows pointers into the value being deserialized, filling `out`.
struct Walk<'p, 'o> {
    targets: Vec<Target<'p>>,
    out: &'o mut [Option<String>; 3],
}

impl<'p> Walk<'p, '_> {
    /// A scalar value: the text of the pointers that end here (their slots were cleared on
    /// the way in, and those that go deeper find nothing).
    fn scalar(self, text: impl FnOnce() -> String) {
        let mut ending = self.targets.iter().filter(|(rest, _)| rest.is_empty()).peekable();
        if ending.peek().is_none() {
            return;
        }
        let text = text();
        if text.trim().is_empty() {
            return;
        }
        for (_, slot) in ending {
            self.out[*slot] = Some(text.clone());
        }
    }

    /// The pointers that continue below a member or element whose name `matches`.
    fn below(&self, matches: impl Fn(&str) -> bool) -> Vec<Target<'p>> {
        self.targets
            .iter()
            .filter_map(|(rest, slot)| match rest.split_first() {
                Some((first, deeper)) if matches(first) => Some((deeper, *slot)),
                _ => None,
            })
            .collect()
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // a value met again (a repeated member) replaces what an earlier one gave
        for (_, slot) in &self.targets {
            self.out[*slot] = None;
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        self.scalar(|| value.to_owned());
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        self.scalar(|| value.to_string());
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        self.scalar(|| value.to_string());
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        self.scalar(|| value.to_string());
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        // as serde_json writes numbers
        self.scalar(|| {
            serde_json::Number::from_f64(value).map_or_else(String::new, |n| n.to_string())
        });
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(()) // null: the slots stay None
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(Key)? {
            let below = self.below(|segment| segment == key.as_ref());
            if below.is_empty() {
                map.next_value::<IgnoredAny>()?;
            } else {
                map.next_value_seed(Walk { targets: below, out: &mut *self.out })?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index: usize = 0;
        loop {
            let below = self.below(|segment| array_index(segment) == Some(index));
            let more = if below.is_empty() {
                seq.next_element::<IgnoredAny>()?.is_some()
            } else {
                seq.next_element_seed(Walk { targets: below, out: &mut *self.out })?.is_some()
            };
            if !more {
                return Ok(());
            }
            index = index.saturating_add(1);
        }
    }
}

/// A JSON pointer array index: `0`, or digits without a leading zero.
fn array_index(segment: &str) -> Option<usize> {
    if segment.starts_with('+') || (segment.starts_with('0') && segment.len() != 1) {
        return None;
    }
    segment.parse().ok()
}

/// A member name, borrowed from the body unless it holds escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_owned()))
    }
}

/// `get_datacenter: HTTP 404 (code 309): Resource does not exist`
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_head(f)?;
        self.write_details(f)
    }
}

/// Writes `text` with line breaks and other control characters replaced by spaces, so that
/// error messages stay on one line.
fn write_one_line(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let text = text.trim();
    if !text.contains(char::is_control) {
        return f.write_str(text);
    }
    let cleaned: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    f.write_str(&cleaned)
}

/// The error type of every generated operation; `K` is the provider's error kind.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error<K> {
    /// A caller's argument broke a documented rule; nothing was sent.
    InvalidArgument(InvalidArgument),
    /// The API answered with a 4xx or 5xx status.
    #[non_exhaustive]
    Api {
        /// The provider's classification of the error.
        kind: K,
        /// The whole response.
        error: Box<ApiError>,
    },
    /// The API answered with a 1xx, 2xx or 3xx status the operation does not list as success.
    UnexpectedStatus(Box<ApiError>),
    /// The response body was not what the model says.
    #[non_exhaustive]
    Decode {
        /// Name of the operation.
        operation: &'static str,
        /// HTTP status of the response.
        status: u16,
        /// The raw response body (lossy UTF-8).
        body: String,
        /// What was expected and what went wrong.
        message: String,
    },
    /// The request could not be sent or the response not received: the connection could not
    /// be made, or it broke (was reset or closed) before the whole answer arrived.
    #[non_exhaustive]
    Transport {
        /// Name of the operation.
        operation: &'static str,
        /// The underlying error of the last attempt.
        source: reqwest::Error,
        /// How many attempts the call made.
        attempts: u32,
    },
    /// No whole answer arrived in time: the connection was not made within the connect
    /// timeout, an attempt took longer than the attempt timeout (a server that stalls, even
    /// mid-body), or the call as a whole outlasted the overall timeout.
    #[non_exhaustive]
    Timeout {
        /// Name of the operation.
        operation: &'static str,
        /// Which limit was reached.
        kind: TimeoutKind,
        /// The limit, when known (a caller's own `reqwest` client may have its own).
        limit: Option<Duration>,
        /// How many attempts the call made.
        attempts: u32,
    },
    /// The answer's body was larger than the client's response size limit; reading stopped
    /// there and the connection was dropped.
    #[non_exhaustive]
    ResponseTooLarge {
        /// Name of the operation.
        operation: &'static str,
        /// HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: u64,
    },
    /// The client could not be built. Calls never give it; it exists so that `?` can turn
    /// the [`ConfigError`] of `Client::new` into this type.
    Config(ConfigError),
    /// A value could not be turned into JSON (the dynamic entry point's answer).
    #[non_exhaustive]
    Encode {
        /// Name of the operation.
        operation: &'static str,
        /// What could not be encoded, and why.
        message: String,
    },
    /// Waiting for asynchronous work ended without it being done.
    Wait(crate::wait::WaitError),
}

impl<K> Error<K> {
    /// The HTTP status of the response, if one was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { error, .. } | Error::UnexpectedStatus(error) => Some(error.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status().map(|status| status.as_u16()),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::InvalidArgument(_)
            | Error::Config(_)
            | Error::Encode { .. }
            | Error::Wait(_)
            | Error::Timeout { .. } => None,
        }
    }

    /// How many attempts the call made before it ended with this error, for errors that
    /// come from sending: more than 1 when transient failures were retried.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api { error, .. } | Error::UnexpectedStatus(error) => Some(error.attempts),
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// Whether the error is a timeout, of any [`TimeoutKind`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// What the API's error means: its kind's [`ErrorCategory`] where the spec gives one,
    /// else read from the HTTP status (401 unauthorized, 404 not found, 429 rate limited).
    /// `None` for errors that are not API answers, and for other kinds and statuses.
    pub fn category(&self) -> Option<ErrorCategory>
    where
        K: Classify,
    {
        let Error::Api { kind, error } = self else { return None };
        kind.category().or(match (error.reported_as, error.status) {
            (Some(_), _) => None,
            (None, 401) => Some(ErrorCategory::Unauthorized),
            (None, 404) => Some(ErrorCategory::NotFound),
            (None, 429) => Some(ErrorCategory::RateLimited),
            _ => None,
        })
    }

    /// Whether the API said the resource does not exist (ProfitBricks' and 1&1's `NotFound`,
    /// Memset's `DoesNotExist`, `AccountDoesNotExist` and `ServiceDoesNotExist`, any HTTP 404).
    pub fn is_not_found(&self) -> bool
    where
        K: Classify,
    {
        self.category() == Some(ErrorCategory::NotFound)
    }

    /// Whether the API refused the call for too many requests (`RateLimited`, Memset's
    /// `Throttled`, any HTTP 429), after the retries the [`RetryPolicy`](crate::RetryPolicy)
    /// allowed; [`ApiError::header`] has the rate-limit headers.
    pub fn is_rate_limited(&self) -> bool
    where
        K: Classify,
    {
        self.category() == Some(ErrorCategory::RateLimited)
    }

    /// Whether the API refused the credentials (ProfitBricks' `NotAuthorized`, 1&1's
    /// `Unauthorized`, Memset's `Forbidden` and `NotAuthorized`, any HTTP 401).
    pub fn is_unauthorized(&self) -> bool
    where
        K: Classify,
    {
        self.category() == Some(ErrorCategory::Unauthorized)
    }

    /// The error response, for [`Error::Api`] and [`Error::UnexpectedStatus`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } | Error::UnexpectedStatus(error) => Some(error),
            _ => None,
        }
    }

    /// The provider's error kind, for [`Error::Api`].
    pub fn kind(&self) -> Option<&K> {
        match self {
            Error::Api { kind, .. } => Some(kind),
            _ => None,
        }
    }

    /// The name of the operation that failed, if the error belongs to one.
    pub fn operation(&self) -> Option<&str> {
        match self {
            Error::InvalidArgument(error) => {
                Some(error.operation.as_str()).filter(|op| !op.is_empty())
            }
            Error::Api { error, .. } | Error::UnexpectedStatus(error) => Some(error.operation),
            Error::Decode { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::Encode { operation, .. } => Some(operation),
            Error::Config(_) | Error::Wait(_) => None,
        }
    }
}

impl<K: fmt::Debug> fmt::Display for Error<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument(error) => fmt::Display::fmt(error, f),
            Error::Api { kind, error } => {
                error.write_head(f)?;
                write!(f, " {kind:?}")?;
                error.write_details(f)?;
                write_attempts(f, error.attempts)
            }
            Error::UnexpectedStatus(error) => {
                write!(
                    f,
                    "{}: unexpected HTTP status {}",
                    error.operation, error.status
                )?;
                error.write_details(f)?;
                if (300..400).contains(&error.status) {
                    if error.redirects >= crate::transport::MAX_REDIRECTS {
                        write!(f, "; gave up after {} redirects", error.redirects)?;
                    } else if error.header("location").is_some() {
                        f.write_str(
                            "; its redirect was not followed, as it leads away from the API's \
                             origin (scheme, host and port)",
                        )?;
                    }
                }
                write_attempts(f, error.attempts)
            }
            Error::Decode {
                operation,
                status,
                body,
                message,
            } => {
                write!(
                    f,
                    "{operation}: could not decode the HTTP {status} response body ({} bytes): ",
                    body.len()
                )?;
                write_one_line(f, message)
            }
            Error::Transport {
                operation,
                source,
                attempts,
            } => {
                let what = if source.is_timeout() {
                    "request timed out"
                } else if source.is_connect() {
                    "could not connect"
                } else if source.is_redirect() {
                    "redirect failed"
                } else if is_not_http(source) {
                    "the answer was not HTTP"
                } else if source.is_body() || source.is_decode() {
                    "could not read the response"
                } else {
                    "request failed"
                };
                write!(f, "{operation}: {what}")?;
                if let Some(url) = source.url() {
                    // Scheme, host and path only: the query may be long.
                    let path = bounded(url.path(), SHOWN_CHARS);
                    write!(f, " ({}{path})", url.origin().ascii_serialization())?;
                }
                write_attempts(f, *attempts)
            }
            Error::Timeout {
                operation,
                kind,
                limit,
                attempts,
            } => {
                write!(f, "{operation}: ")?;
                match kind {
                    TimeoutKind::Connect => f.write_str("could not connect in time")?,
                    TimeoutKind::Attempt => f.write_str("no complete answer in time")?,
                    TimeoutKind::Total => f.write_str("the call ran out of time")?,
                }
                if let Some(limit) = limit {
                    write!(f, " ({} timeout of {})", kind.name(), Seconds(*limit))?;
                }
                write_attempts(f, *attempts)
            }
            Error::ResponseTooLarge {
                operation,
                status,
                limit,
            } => write!(
                f,
                "{operation}: the HTTP {status} response body is larger than the limit of {limit} bytes"
            ),
            Error::Config(error) => fmt::Display::fmt(error, f),
            Error::Encode { operation, message } => {
                write!(f, "{operation}: ")?;
                write_one_line(f, message)
            }
            Error::Wait(error) => fmt::Display::fmt(error, f),
        }
    }
}

/// A duration as people read it in a message: tenths of seconds (`30.0 s`, `1.5 s`,
/// `0.3 s`) down to 0.1 s, whole milliseconds below (`50 ms`, `0 ms`); never nanoseconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seconds(pub(crate) Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < Duration::from_millis(100) {
            write!(f, "{} ms", self.0.as_millis())
        } else {
            write!(f, "{:.1} s", self.0.as_secs_f64())
        }
    }
}

/// Whether a reqwest error says the answer was not HTTP: an invalid status line or head, an
/// HTTP/0.9 reply, or anything else the HTTP parser refuses. Another attempt cannot mend it.
pub(crate) fn is_not_http(error: &reqwest::Error) -> bool {
    let mut cause = std::error::Error::source(error);
    while let Some(error) = cause {
        if let Some(hyper) = error.downcast_ref::<hyper::Error>() {
            return hyper.is_parse();
        }
        cause = error.source();
    }
    false
}

/// The most characters of one piece of caller input an error keeps or shows.
pub(crate) const SHOWN_CHARS: usize = 512;

/// `text`, cut after `max` characters with `… (N more bytes)`.
pub(crate) fn bounded(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((end, _)) => {
            Cow::Owned(format!("{}… ({} more bytes)", &text[..end], text.len() - end))
        }
    }
}

/// Writes caller input with control characters escaped (`\n`, `\r`, `\t`, `\u{1b}`, ...), so
/// that an error message cannot forge log lines or terminal escapes.
pub(crate) fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let mut rest = text;
    while let Some(index) = rest.find(char::is_control) {
        f.write_str(&rest[..index])?;
        let c = rest[index..].chars().next().unwrap_or_default();
        write!(f, "{}", c.escape_debug())?;
        rest = &rest[index + c.len_utf8()..];
    }
    f.write_str(rest)
}

/// `; gave up after N attempts` when there was more than one.
fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, "; gave up after {attempts} attempts")?;
    }
    Ok(())
}

/// Which time limit a call ran into; see [`Error::Timeout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// The TCP/TLS connection was not made in time.
    Connect,
    /// One attempt (connecting, sending, and reading the whole answer) took too long.
    Attempt,
    /// The call as a whole, retries and pauses included, took too long.
    Total,
}

impl TimeoutKind {
    fn name(self) -> &'static str {
        match self {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Attempt => "attempt",
            TimeoutKind::Total => "overall",
        }
    }
}

impl<K: fmt::Debug> std::error::Error for Error<K> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A caller's argument broke a documented rule; the request was not sent.
///
/// Displays as `create_server: invalid argument 'ram': must be a multiple of 256 (got 1000)`.
/// Control characters in any part are shown escaped (`\n`), so a caller's text cannot forge
/// log lines; each part is kept to at most 512 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidArgument {
    /// Name of the operation, e.g. `"create_server"`; empty if not known.
    pub operation: String,
    /// Name of the offending argument or field, e.g. `"ram"`.
    pub field: String,
    /// The broken rule and the offending value, e.g. `"must be a multiple of 256 (got 1000)"`.
    pub rule: String,
}

impl InvalidArgument {
    /// Creates an `InvalidArgument`; a part longer than 512 characters is cut there (with a
    /// note of how much was left out), since parts may quote a caller's input.
    pub fn new(
        operation: impl Into<String>,
        field: impl Into<String>,
        rule: impl Into<String>,
    ) -> Self {
        let cap = |text: String| match bounded(&text, SHOWN_CHARS) {
            Cow::Borrowed(_) => text,
            Cow::Owned(cut) => cut,
        };
        InvalidArgument {
            operation: cap(operation.into()),
            field: cap(field.into()),
            rule: cap(rule.into()),
        }
    }

    /// Sets the operation name if it is empty (as it is for errors from
    /// [`Body::json`](crate::Body::json)).
    pub fn in_operation(mut self, operation: &str) -> Self {
        if self.operation.is_empty() {
            self.operation = operation.to_owned();
        }
        self
    }
}

impl fmt::Display for InvalidArgument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.operation.is_empty() {
            write_escaped(f, &self.operation)?;
            f.write_str(": ")?;
        }
        f.write_str("invalid argument '")?;
        write_escaped(f, &self.field)?;
        f.write_str("': ")?;
        write_escaped(f, &self.rule)
    }
}

impl std::error::Error for InvalidArgument {}

impl<K> From<InvalidArgument> for Error<K> {
    fn from(error: InvalidArgument) -> Self {
        Error::InvalidArgument(error)
    }
}

/// The client could not be built, e.g. because the base URL does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    /// Creates a `ConfigError`; `message` must not contain secrets.
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError { message: message.into() }
    }

    /// What is wrong with the configuration.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid client configuration: ")?;
        write_escaped(f, &self.message)
    }
}

impl std::error::Error for ConfigError {}

impl<K> From<ConfigError> for Error<K> {
    fn from(error: ConfigError) -> Self {
        Error::Config(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Kind {
        NotFound,
        Other,
    }

    impl Classify for Kind {
        fn classify(error: &ApiError) -> Self {
            if error.status == 404 {
                Kind::NotFound
            } else {
                Kind::Other
            }
        }
    }

    const PB: ErrorModel = ErrorModel {
        code: Some("/messages/0/errorCode"),
        message: Some("/messages/0/message"),
        error_type: None,
    };
    const ONEANDONE: ErrorModel =
        ErrorModel { code: None, message: Some("/message"), error_type: Some("/type") };
    const MEMSET: ErrorModel = ErrorModel {
        code: Some("/error_code"),
        message: Some("/error"),
        error_type: Some("/error_type"),
    };

    fn api_error(status: u16, body: &str, model: &ErrorModel) -> ApiError {
        ApiError::from_parts(
            "get_datacenter",
            status,
            vec![("X-Request-Id".into(), "abc".into())],
            body.as_bytes(),
            model,
        )
    }

    fn api<K: Classify>(error: ApiError) -> Error<K> {
        Error::Api { kind: K::classify(&error), error: Box::new(error) }
    }

    #[test]
    fn profitbricks_error_body() {
        let body = r#"{"httpStatus":404,"messages":[{"errorCode":"309","message":"Resource does not exist"}]}"#;
        let error = api_error(404, body, &PB);
        assert_eq!(error.code.as_deref(), Some("309"));
        assert_eq!(error.message.as_deref(), Some("Resource does not exist"));
        assert_eq!(error.error_type, None);
        assert_eq!(error.body, body);
        assert_eq!(error.header("x-request-id"), Some("abc"));
        assert_eq!(error.header("X-REQUEST-ID"), Some("abc"));
        assert_eq!(error.header("missing"), None);
        assert_eq!(error.headers[0].0, "x-request-id");
        assert_eq!(
            error.to_string(),
            "get_datacenter: HTTP 404 (code 309): Resource does not exist"
        );

        let error: Error<Kind> = api(error);
        assert_eq!(
            error.to_string(),
            "get_datacenter: HTTP 404 NotFound (code 309): Resource does not exist"
        );
        assert_eq!(error.status(), Some(404));
        assert_eq!(error.kind(), Some(&Kind::NotFound));
        assert_eq!(error.operation(), Some("get_datacenter"));
        assert!(error.api_error().is_some());
        assert!(std::error::Error::source(&error).is_none());
    }

    #[test]
    fn memset_error_body_with_numeric_code() {
        let body =
            r#"{"error_type":"ApiErrorDoesNotExist","error_code":3,"error":"Server not found"}"#;
        let error = api_error(404, body, &MEMSET);
        assert_eq!(error.code.as_deref(), Some("3"));
        assert_eq!(error.error_type.as_deref(), Some("ApiErrorDoesNotExist"));
        assert_eq!(error.message.as_deref(), Some("Server not found"));
        let error: Error<Kind> = api(error);
        assert_eq!(
            error.to_string(),
            "get_datacenter: HTTP 404 NotFound (type ApiErrorDoesNotExist, code 3): Server not found"
        );
    }

    #[test]
    fn oneandone_error_body() {
        let body = r#"{"type":"NOT_FOUND","message":"Server not found","errors":null}"#;
        let error: Error<Kind> = api(api_error(404, body, &ONEANDONE));
        assert_eq!(
            error.to_string(),
            "get_datacenter: HTTP 404 NotFound (type NOT_FOUND): Server not found"
        );
    }

    #[test]
    fn html_and_empty_bodies_have_no_details() {
        for body in ["<html><body>502 Bad Gateway</body></html>", "", "   ", "null", "[1]"] {
            let error = api_error(502, body, &PB);
            assert_eq!(error.code, None);
            assert_eq!(error.message, None);
            assert_eq!(error.error_type, None);
            assert_eq!(error.body, body);
            let error: Error<Kind> = api(error);
            assert_eq!(error.to_string(), "get_datacenter: HTTP 502 Other");
        }
    }

    #[test]
    fn odd_json_values_are_ignored_or_kept_as_text() {
        let body = r#"{"messages":[{"errorCode":{"a":1},"message":"  "}]}"#;
        let error = api_error(400, body, &PB);
        assert_eq!(error.code, None);
        assert_eq!(error.message, None);

        let body = r#"{"error_code":-1.5,"error":true,"error_type":null}"#;
        let error = api_error(400, body, &MEMSET);
        assert_eq!(error.code.as_deref(), Some("-1.5"));
        assert_eq!(error.message.as_deref(), Some("true"));
        assert_eq!(error.error_type, None);

        let bad_pointer = ErrorModel { code: Some("no-leading-slash"), ..ErrorModel::default() };
        assert_eq!(api_error(400, r#"{"a":1}"#, &bad_pointer).code, None);
    }

    /// What `from_parts` did before it streamed: parse a whole `Value`, then look up.
    fn through_a_value(body: &[u8], pointer: &str) -> Option<String> {
        let json = serde_json::from_slice::<serde_json::Value>(body).ok()?;
        let text = match json.pointer(pointer)? {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Number(number) => number.to_string(),
            serde_json::Value::Bool(flag) => flag.to_string(),
            _ => return None,
        };
        (!text.trim().is_empty()).then_some(text)
    }

    #[test]
    fn pointed_values_agree_with_serde_json_value() {
        let bodies = [
            r#"{"a":{"b":"x"},"a":5}"#,
            r#"{"a":5,"a":{"b":"x"}}"#,
            r#"{"a":{"b":"x"},"a":{"c":1}}"#,
            r#"{"messages":[{"errorCode":"309","message":"gone"},{"errorCode":"2"}]}"#,
            r#"{"messages":[]}"#,
            r#"{"messages":{"0":{"errorCode":"obj"}}}"#,
            r#"{"a\/b":"slash","m~n":"tilde","a\u0062":"escaped key","":"empty"}"#,
            r#"{"a":[[1,[2,"deep"]]],"f":-1.5e3,"g":1e20,"h":18446744073709551615,"i":-9}"#,
            r#"{"a":"  ","b":null,"c":true,"d":[1],"e":{}}"#,
            r#"{"a":"x"} trailing"#,
            r#"{"a":"x""#,
            r#"[{"a":"in array"}]"#,
            r#""just a string""#,
            r#"{"a":"\u00e4\n\"q\"","b":"\ud83d\ude00"}"#,
            "",
            "null",
            "\u{feff}{}",
        ];
        let pointers = [
            "",
            "/a",
            "/a/b",
            "/a/c",
            "/messages/0/errorCode",
            "/messages/1/errorCode",
            "/messages/01/errorCode",
            "/messages/+0/errorCode",
            "/messages/0",
            "/a~1b",
            "/m~0n",
            "/ab",
            "/",
            "/a/0/1/1",
            "/f",
            "/g",
            "/h",
            "/i",
            "/b",
            "/c",
            "/d",
            "/e",
            "/0/a",
            "no-slash",
            "/messages/18446744073709551616/x",
        ];
        for body in bodies {
            for pointer in pointers {
                let streamed = pointed_values(body.as_bytes(), [Some(pointer), None, None]);
                assert_eq!(
                    streamed[0],
                    through_a_value(body.as_bytes(), pointer),
                    "{body} at {pointer:?}"
                );
            }
            // three at once, as from_parts asks
            let three = ["/a", "/messages/0/errorCode", "/a/b"];
            let streamed = pointed_values(body.as_bytes(), three.map(Some));
            for (index, pointer) in three.iter().enumerate() {
                assert_eq!(streamed[index], through_a_value(body.as_bytes(), pointer), "{body}");
            }
        }
        // nesting beyond serde_json's limit is refused, not a stack overflow
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(pointed_values(deep.as_bytes(), [Some("/0"), None, None]), [None, None, None]);
    }

    #[test]
    fn invalid_utf8_body_is_kept_lossily() {
        let error = ApiError::from_parts("op", 500, Vec::new(), b"\xff\xfeabc", &PB);
        assert_eq!(error.body, "\u{fffd}\u{fffd}abc");
    }

    #[test]
    fn display_stays_on_one_line() {
        let body = r#"{"messages":[{"errorCode":"1","message":"first line\nsecond line\r\n"}]}"#;
        let error: Error<Kind> = api(api_error(400, body, &PB));
        assert_eq!(
            error.to_string(),
            "get_datacenter: HTTP 400 Other (code 1): first line second line"
        );
    }

    #[test]
    fn unexpected_status_display() {
        let error: Error<Kind> = Error::UnexpectedStatus(Box::new(api_error(302, "", &PB)));
        assert_eq!(error.to_string(), "get_datacenter: unexpected HTTP status 302");
        assert_eq!(error.status(), Some(302));
        assert_eq!(error.kind(), None);
        assert_eq!(error.api_error().map(|e| e.status), Some(302));
    }

    #[test]
    fn decode_display_does_not_print_the_body() {
        let error: Error<Kind> = Error::Decode {
            operation: "list_servers",
            status: 200,
            body: "{\"items\": \"very long body\"}".into(),
            message: "expected Servers: invalid type: string".into(),
        };
        let text = error.to_string();
        assert_eq!(
            text,
            "list_servers: could not decode the HTTP 200 response body (27 bytes): \
             expected Servers: invalid type: string"
        );
        assert!(!text.contains("very long body"));
        assert_eq!(error.status(), Some(200));
        assert_eq!(error.operation(), Some("list_servers"));
    }

    #[test]
    fn invalid_argument_display_and_conversion() {
        let invalid =
            InvalidArgument::new("create_server", "ram", "must be a multiple of 256 (got 1000)");
        assert_eq!(
            invalid.to_string(),
            "create_server: invalid argument 'ram': must be a multiple of 256 (got 1000)"
        );
        let error: Error<Kind> = invalid.clone().into();
        assert_eq!(error.to_string(), invalid.to_string());
        assert_eq!(error.status(), None);
        assert_eq!(error.operation(), Some("create_server"));

        let anonymous = InvalidArgument::new("", "body", "could not serialize");
        assert_eq!(anonymous.to_string(), "invalid argument 'body': could not serialize");
        let named = anonymous.in_operation("create_server");
        assert_eq!(named.operation, "create_server");
        assert_eq!(named.in_operation("other").operation, "create_server");
    }

    #[test]
    fn config_error_display_and_conversion() {
        let config = ConfigError::new("base URL 'x' is not a valid URL");
        assert_eq!(config.message(), "base URL 'x' is not a valid URL");
        assert_eq!(
            config.to_string(),
            "invalid client configuration: base URL 'x' is not a valid URL"
        );
        let error: Error<Kind> = config.clone().into();
        assert_eq!(error.to_string(), config.to_string());
        assert_eq!(error.operation(), None);
    }

    #[test]
    fn retried_errors_count_their_attempts() {
        let mut error = api_error(503, "", &PB);
        error.attempts = 4;
        let error: Error<Kind> = api(error);
        assert_eq!(error.attempts(), Some(4));
        assert_eq!(error.to_string(), "get_datacenter: HTTP 503 Other; gave up after 4 attempts");
        let single: Error<Kind> = api(api_error(503, "", &PB));
        assert_eq!(single.to_string(), "get_datacenter: HTTP 503 Other");
        assert_eq!(single.attempts(), Some(1));
        let invalid: Error<Kind> = InvalidArgument::new("op", "x", "bad").into();
        assert_eq!(invalid.attempts(), None);
    }

    #[test]
    fn timeout_display() {
        let timeout = |kind, limit, attempts| -> Error<Kind> {
            Error::Timeout { operation: "list_servers", kind, limit, attempts }
        };
        let cases = [
            (
                timeout(TimeoutKind::Connect, Some(Duration::from_secs(30)), 1),
                "list_servers: could not connect in time (connect timeout of 30.0 s)",
            ),
            (
                timeout(TimeoutKind::Attempt, Some(Duration::from_millis(1500)), 3),
                "list_servers: no complete answer in time (attempt timeout of 1.5 s); gave up after 3 attempts",
            ),
            (
                timeout(TimeoutKind::Total, Some(Duration::from_secs(120)), 2),
                "list_servers: the call ran out of time (overall timeout of 120.0 s); gave up after 2 attempts",
            ),
            (
                timeout(TimeoutKind::Attempt, None, 1),
                "list_servers: no complete answer in time",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
            assert!(error.is_timeout());
            assert_eq!((error.status(), error.operation()), (None, Some("list_servers")));
        }
    }

    #[test]
    fn response_too_large_display() {
        let error: Error<Kind> =
            Error::ResponseTooLarge { operation: "list_images", status: 200, limit: 1024 };
        assert_eq!(
            error.to_string(),
            "list_images: the HTTP 200 response body is larger than the limit of 1024 bytes"
        );
        assert_eq!((error.status(), error.attempts()), (Some(200), None));
        assert!(!error.is_timeout());
    }

    #[test]
    fn api_errors_redact_secrets_everywhere() {
        let redactor = crate::Credentials::token("tok-secret-1").erase().redactor();
        let body = r#"{"type":"tok-secret-1","message":"bad token tok-secret-1"}"#;
        let mut error = ApiError::from_parts(
            "op",
            401,
            vec![("X-Echo".into(), "tok-secret-1".into())],
            body.as_bytes(),
            &ONEANDONE,
        );
        error.redact(&redactor);
        let text = format!("{error} {error:?}");
        assert!(!text.contains("tok-secret-1"), "{text}");
        assert_eq!(error.message.as_deref(), Some("bad token <redacted>"));
        assert_eq!(error.header("x-echo"), Some("<redacted>"));
    }

    #[test]
    fn errors_are_send_and_sync() {
        fn check<T: Send + Sync + std::error::Error + 'static>() {}
        check::<Error<Kind>>();
        check::<InvalidArgument>();
        check::<ConfigError>();
    }

    #[test]
    fn durations_read_in_tenths_of_seconds_or_milliseconds() {
        let shown = |d: Duration| Seconds(d).to_string();
        assert_eq!(shown(Duration::from_secs(30)), "30.0 s");
        assert_eq!(shown(Duration::new(30, 417_123)), "30.0 s");
        assert_eq!(shown(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(shown(Duration::from_millis(300)), "0.3 s");
        assert_eq!(shown(Duration::from_micros(49_999)), "49 ms");
        assert_eq!(shown(Duration::from_nanos(17)), "0 ms");
        let wait = crate::wait::WaitError::TimedOut {
            what: "job j".to_owned(),
            waited: Duration::from_nanos(30_000_417_123),
            last_state: "RUNNING".to_owned(),
        };
        assert_eq!(
            wait.to_string(),
            "job j: still RUNNING after waiting 30.0 s; wait longer or check it later"
        );
    }

    #[derive(Debug)]
    enum Categorized {
        Throttled,
        Other,
    }

    impl Classify for Categorized {
        fn classify(error: &ApiError) -> Self {
            if error.error_type.as_deref() == Some("ApiErrorThrottled") {
                Categorized::Throttled
            } else {
                Categorized::Other
            }
        }

        fn category(&self) -> Option<ErrorCategory> {
            matches!(self, Categorized::Throttled).then_some(ErrorCategory::RateLimited)
        }
    }

    fn api_answer<K: Classify>(status: u16, body: &str) -> Error<K> {
        let error =
            ApiError::from_parts("server.info", status, Vec::new(), body.as_bytes(), &MEMSET);
        Error::Api { kind: K::classify(&error), error: Box::new(error) }
    }

    #[test]
    fn helpers_read_the_kinds_category_then_the_status() {
        // Memset throttles with HTTP 403: the kind's category decides, not the status
        let throttled: Error<Categorized> =
            api_answer(403, r#"{"error_type":"ApiErrorThrottled"}"#);
        assert!(throttled.is_rate_limited());
        assert!(!throttled.is_unauthorized() && !throttled.is_not_found());
        // a kind without a category: the status
        let cases = [
            (401, Some(ErrorCategory::Unauthorized)),
            (404, Some(ErrorCategory::NotFound)),
            (429, Some(ErrorCategory::RateLimited)),
            (403, None),
            (500, None),
        ];
        for (status, expected) in cases {
            let error: Error<Categorized> = api_answer(status, "{}");
            assert_eq!(error.category(), expected, "HTTP {status}");
        }
        assert!(api_answer::<Categorized>(404, "{}").is_not_found());
        assert!(api_answer::<Categorized>(401, "{}").is_unauthorized());
        // not an answer of the API
        let invalid: Error<Categorized> = InvalidArgument::new("op", "x", "bad").into();
        assert_eq!(invalid.category(), None);
        assert!(!invalid.is_not_found());
    }

    #[test]
    fn an_error_inside_an_answer_does_not_read_as_its_http_status() {
        let mut error = ApiError::from_parts(
            "service.info",
            200,
            Vec::new(),
            br#"{"error_code":3,"error":"no such service"}"#,
            &MEMSET,
        );
        error.reported_as = Some("JSON-RPC error");
        let error: Error<Categorized> =
            Error::Api { kind: Categorized::Other, error: Box::new(error) };
        let text = error.to_string();
        assert!(text.starts_with("service.info: JSON-RPC error Other"), "{text}");
        assert!(!text.contains("HTTP"), "{text}");
        // the status of a 200 answer says nothing: no category from it
        assert_eq!(error.category(), None);
    }
}
