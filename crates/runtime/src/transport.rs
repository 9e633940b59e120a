//! The HTTP transport: builds URLs and headers, sends requests, retries transient failures,
//! classifies responses.
//!
//! One [`Transport`] owns one `reqwest::Client`, so connections are reused; cloning a
//! `Transport` is cheap and shares them.
//!
//! Every call runs in a tracing span named `sdk_request`, with one `sdk_attempt` span per
//! attempt inside it, all with the client crate's name as target; see [`trace`](crate::trace)
//! for their fields and events. Neither spans nor events ever carry headers, bodies or
//! credentials.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, USER_AGENT};
use reqwest::redirect;
use reqwest::{Method, Url};
use tokio::time::Instant;
use tracing::Instrument;

use crate::credentials::{AnyCredentials, Credentials, Kind, Redactor};
use crate::error::{ApiError, Classify, ConfigError, Error, InvalidArgument, TimeoutKind};
use crate::provider::Provider;
use crate::request::{Body, Request};
use crate::response::{self, Response};
use crate::retry::{self, RetryPolicy};
use crate::trace::{CallFields, Event};

/// How long the default client waits for a TCP/TLS connection, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one attempt (connecting, sending and reading the whole answer) may take, by
/// default.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest response body read, by default: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// The most redirects one attempt follows; the answer after that is returned as it is.
pub const MAX_REDIRECTS: u32 = 10;

/// The longest request URL sent, in bytes: 8 KiB, what common servers and proxies accept
/// (nginx, Apache and most load balancers refuse longer request lines). A longer one ends the
/// call with [`Error::InvalidArgument`] before anything is sent.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// The longest URL path a tracing span or an error message shows, in characters.
const SHOWN_PATH_CHARS: usize = 512;

/// Sends [`Request`]s to one provider with one set of credentials.
///
/// `Debug` shows the provider, base URL, header names and settings, never credentials.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    provider: &'static Provider,
    base_url: String,
    /// `base_url`, parsed once: each call then parses only its path.
    base: Url,
    client: reqwest::Client,
    /// User-Agent, authentication, provider and builder headers; secrets marked sensitive.
    headers: HeaderMap,
    retry: RetryPolicy,
    /// The connect timeout of the default client; `None` with a caller's own client.
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    max_response_bytes: u64,
    redactor: Redactor,
    /// The client-wide retry budget, when the policy has one.
    budget: Option<retry::TokenBucket>,
    /// The query parameter that carries the API key instead of the Authorization header, and
    /// the key; see [`TransportBuilder::token_in_query`].
    token_query: Option<(&'static str, String)>,
    /// Calls with named parameters go over XML-RPC, typed by this catalog.
    #[cfg(feature = "xmlrpc")]
    xml_rpc: Option<&'static crate::catalog::Catalog>,
}

/// A body ready to send, reusable for every attempt.
///
/// The headers are the transport's own plus `content_type`: each attempt copies the
/// transport's map once into its request, and shares the body (`Bytes` clone by reference
/// count).
struct Prepared {
    method: Method,
    url: Url,
    content_type: Option<HeaderValue>,
    body: Option<Bytes>,
}

/// A whole answer, before it is judged.
struct Raw {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    /// How many (same-origin) redirects led to this answer.
    redirects: u32,
}

/// Why an attempt failed: an answer that is not a success, or no (whole) answer.
enum Failed {
    Answer(Raw),
    NoAnswer(Failure),
}

/// Why an attempt did not bring a whole answer.
enum Failure {
    /// The connection could not be made: nothing was sent.
    Connect(reqwest::Error),
    /// Sending or receiving failed after connecting (reset, closed mid-body, ...).
    Io(reqwest::Error),
    /// A failure another attempt cannot mend: the answer was not HTTP (an invalid status
    /// line, an HTTP/0.9 reply), or the request could not be built.
    Broken(reqwest::Error),
    Timeout(TimeoutKind, Option<Duration>),
    TooLarge {
        status: u16,
    },
}

impl Failure {
    fn from_reqwest(error: reqwest::Error, connect_timeout: Option<Duration>) -> Self {
        if error.is_timeout() {
            if error.is_connect() {
                Failure::Timeout(TimeoutKind::Connect, connect_timeout)
            } else {
                // only a caller's own client has timeouts of its own
                Failure::Timeout(TimeoutKind::Attempt, None)
            }
        } else if error.is_connect() {
            Failure::Connect(error)
        } else if error.is_builder() || error.is_redirect() || crate::error::is_not_http(&error) {
            Failure::Broken(error)
        } else {
            Failure::Io(error)
        }
    }

    /// Whether another attempt may help and is safe.
    fn retryable(&self, idempotent: bool) -> bool {
        match self {
            // nothing was sent, so even a request that is not idempotent may go again
            Failure::Connect(_) | Failure::Timeout(TimeoutKind::Connect, _) => true,
            Failure::Io(_) | Failure::Timeout(TimeoutKind::Attempt, _) => idempotent,
            Failure::Timeout(..) | Failure::TooLarge { .. } | Failure::Broken(_) => false,
        }
    }

    fn describe(&self) -> String {
        match self {
            Failure::Connect(_) => "could not connect".to_owned(),
            Failure::Io(_) => "the connection failed".to_owned(),
            Failure::Broken(_) => "the answer was not HTTP".to_owned(),
            Failure::Timeout(kind, _) => format!("{kind:?} timeout"),
            Failure::TooLarge { .. } => "response too large".to_owned(),
        }
    }

    fn into_error<K>(
        self,
        operation: &'static str,
        attempts: u32,
        max_response_bytes: u64,
    ) -> Error<K> {
        match self {
            Failure::Connect(source) | Failure::Io(source) | Failure::Broken(source) => {
                Error::Transport { operation, source: source.without_url_query(), attempts }
            }
            Failure::Timeout(kind, limit) => Error::Timeout { operation, kind, limit, attempts },
            Failure::TooLarge { status } => {
                Error::ResponseTooLarge { operation, status, limit: max_response_bytes }
            }
        }
    }
}

/// Drops the query of the URL a reqwest error carries, so errors show no query values.
trait WithoutUrlQuery {
    fn without_url_query(self) -> Self;
}

impl WithoutUrlQuery for reqwest::Error {
    fn without_url_query(mut self) -> Self {
        if let Some(url) = self.url_mut() {
            url.set_query(None);
        }
        self
    }
}

impl Transport {
    /// Starts building a transport for `provider`, authenticating with `credentials`.
    pub fn builder<K: Kind>(
        provider: &'static Provider,
        credentials: Credentials<K>,
    ) -> TransportBuilder {
        TransportBuilder {
            provider,
            credentials: credentials.erase(),
            base_url: None,
            client: None,
            headers: Vec::new(),
            retry: RetryPolicy::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            total_timeout: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            token_query: None,
            #[cfg(feature = "xmlrpc")]
            xml_rpc: None,
        }
    }

    /// The provider this transport talks to.
    pub fn provider(&self) -> &'static Provider {
        self.inner.provider
    }

    /// The base URL requests are sent to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// The tokens left in the client-wide retry budget (shared by all clones of this
    /// transport); `None` when the policy has no budget. See
    /// [`RetryBudget`](crate::retry::RetryBudget).
    pub fn retry_budget_left(&self) -> Option<u32> {
        self.inner.budget.as_ref().map(retry::TokenBucket::available)
    }

    /// Sends `request`, retrying transient failures, and reads the whole response.
    ///
    /// The URL is the base URL followed by `request.path` and the percent-encoded query.
    /// Headers are User-Agent, authentication, the provider's default headers, the builder's
    /// headers (later ones replacing earlier ones of the same name) and a `Content-Type`
    /// matching the body.
    ///
    /// A status listed in `request.success` gives `Ok`; a 4xx or 5xx status gives
    /// [`Error::Api`] with the kind picked by [`Classify`]; any other status gives
    /// [`Error::UnexpectedStatus`]; failing to connect, or a connection that breaks, gives
    /// [`Error::Transport`]; running out of time gives [`Error::Timeout`]; a body over the
    /// size limit gives [`Error::ResponseTooLarge`]. Failures the [`RetryPolicy`] retries
    /// (see [`retry`](crate::retry)) end in the error of the last attempt, which counts the
    /// attempts. The client's secrets are redacted from every error.
    ///
    /// A path containing `.` or `..` segments, or an empty segment before its end, is
    /// rejected with [`Error::InvalidArgument`] before anything is sent, so that an id such
    /// as `".."` cannot redirect the call to another resource.
    ///
    /// With `TransportBuilder::xml_rpc` (feature `xmlrpc`), a request with named parameters
    /// goes to the XML-RPC interface instead; see the module `xmlrpc`.
    pub async fn send<K: Classify>(&self, request: Request) -> Result<Response, Error<K>> {
        #[cfg(feature = "xmlrpc")]
        if let (Some(catalog), Body::Named(_)) = (self.inner.xml_rpc, &request.body) {
            return crate::xmlrpc::send(self, catalog, request).await;
        }
        let Request { operation, method, path, query, body, success, idempotent } = request;
        let url = self.url(operation, &path, &query)?;
        let span = self.span(operation, &method, &url);
        let prepared = self.prepare(method, url, body);
        self.traced(operation, &prepared, success, idempotent, span).await
    }

    /// Sends `body` (of type `content_type`) by POST to `path`, as [`send`](Self::send) does
    /// any request: for a protocol of the provider's other than its default one (XML-RPC).
    #[cfg_attr(not(feature = "xmlrpc"), allow(dead_code))]
    pub(crate) async fn send_bytes<K: Classify>(
        &self,
        operation: &'static str,
        path: &str,
        body: Vec<u8>,
        content_type: HeaderValue,
        success: &'static [u16],
        idempotent: bool,
    ) -> Result<Response, Error<K>> {
        let url = self.url(operation, path, &[])?;
        let span = self.span(operation, &Method::POST, &url);
        let prepared = Prepared {
            method: Method::POST,
            url,
            content_type: Some(content_type),
            body: Some(body.into()),
        };
        self.traced(operation, &prepared, success, idempotent, span).await
    }

    /// The tracing span of one call, with the client crate's target: never the query, which
    /// may hold the API key.
    fn span(&self, operation: &'static str, method: &Method, url: &Url) -> tracing::Span {
        (self.inner.provider.tracer.call)(&CallFields {
            operation,
            method: method.as_str(),
            path: crate::error::bounded(url.path(), SHOWN_PATH_CHARS).as_ref(),
        })
    }

    /// Sends `prepared` in `span`, and records on it how many attempts it took.
    async fn traced<K: Classify>(
        &self,
        operation: &'static str,
        prepared: &Prepared,
        success: &'static [u16],
        idempotent: bool,
        span: tracing::Span,
    ) -> Result<Response, Error<K>> {
        let result = self
            .send_prepared(operation, prepared, success, idempotent, span.clone())
            .instrument(span.clone())
            .await;
        let attempts = match &result {
            Ok(response) => Some(response.attempts),
            Err(error) => error.attempts(),
        };
        if let Some(attempts) = attempts {
            span.record("attempts", attempts);
        }
        result
    }

    /// Writes a DEBUG event with the client crate's target.
    fn event(&self, event: Event<'_>) {
        (self.inner.provider.tracer.event)(&event);
    }

    /// Headers and body bytes, once for all attempts.
    fn prepare(&self, method: Method, url: Url, body: Body) -> Prepared {
        let (content_type, body) = match body {
            Body::Empty => (None, None),
            Body::Json(bytes) => (Some(HeaderValue::from_static("application/json")), Some(bytes)),
            Body::Form(fields) => {
                let pairs = fields.iter().map(|(name, value)| (name.as_str(), value.as_str()));
                (Some(form_content_type()), Some(form_urlencoded(pairs)))
            }
            Body::Named(map) => {
                // `parameters=<the map as JSON>`, the JSON written straight into the form
                let json = serde_json::to_vec(&map).unwrap_or_default();
                let mut form = Vec::with_capacity(11 + json.len() * 2);
                form.extend_from_slice(b"parameters=");
                form_encode(&mut form, &json);
                (Some(form_content_type()), Some(form))
            }
        };
        Prepared { method, url, content_type, body: body.map(Bytes::from) }
    }

    /// The attempts of one call, with the pauses between them.
    async fn send_prepared<K: Classify>(
        &self,
        operation: &'static str,
        prepared: &Prepared,
        success: &'static [u16],
        idempotent: bool,
        span: tracing::Span,
    ) -> Result<Response, Error<K>> {
        let inner = &self.inner;
        let policy = inner.retry;
        // no deadline when it is beyond what an Instant holds (total_timeout(Duration::MAX))
        let deadline = inner.total_timeout.and_then(|total| Instant::now().checked_add(total));
        let give_up = |failed: Failed, attempt: u32| match failed {
            Failed::Answer(raw) => self.status_error(operation, raw, attempt),
            Failed::NoAnswer(failure) => {
                failure.into_error(operation, attempt, inner.max_response_bytes)
            }
        };
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
            let attempt_span = (inner.provider.tracer.attempt)(attempt);
            // what went wrong, and how long the server asked to wait
            let answer =
                self.attempt_within(prepared, deadline).instrument(attempt_span.clone()).await;
            let (failed, server_wait) = match answer {
                Ok(raw) => {
                    attempt_span.record("status", raw.status);
                    if success.contains(&raw.status) {
                        self.record_request_id(&span, &raw.headers);
                        let status = Some(raw.status);
                        self.event(Event {
                            message: "answered",
                            attempt: Some(attempt),
                            status,
                            ..Event::default()
                        });
                        if let Some(bucket) = &inner.budget {
                            bucket.refund();
                        }
                        let response = Response::new(operation, raw.status, raw.headers, raw.body);
                        return Ok(response.with_call(attempt, span, inner.redactor.clone()));
                    }
                    self.record_request_id(&attempt_span, &raw.headers);
                    let retryable = idempotent && retry::is_retryable_status(raw.status);
                    if !retryable || attempt >= policy.max_attempts {
                        return Err(self.status_error(operation, raw, attempt));
                    }
                    let wait = retry::server_wait(&raw.headers, SystemTime::now());
                    if let Some(wait) = wait.filter(|wait| policy.refuses_wait(*wait)) {
                        self.event(Event {
                            message: "not retrying: the server asks to wait longer than the retry policy allows",
                            attempt: Some(attempt),
                            status: Some(raw.status),
                            wait_ms: Some(millis(wait)),
                            max_wait_ms: Some(millis(policy.max_wait)),
                            ..Event::default()
                        });
                        return Err(self.status_error(operation, raw, attempt));
                    }
                    (Failed::Answer(raw), wait)
                }
                Err(failure) => {
                    if !failure.retryable(idempotent) || attempt >= policy.max_attempts {
                        return Err(failure.into_error(
                            operation,
                            attempt,
                            inner.max_response_bytes,
                        ));
                    }
                    (Failed::NoAnswer(failure), None)
                }
            };
            let pause = server_wait.unwrap_or_else(|| policy.backoff(attempt));
            let outlasts = |deadline: Instant| {
                Instant::now().checked_add(pause).is_none_or(|end| end >= deadline)
            };
            if deadline.is_some_and(outlasts) {
                self.event(Event {
                    message: "not retrying: the pause would outlast the overall timeout",
                    attempt: Some(attempt),
                    pause_ms: Some(millis(pause)),
                    ..Event::default()
                });
                return Err(give_up(failed, attempt));
            }
            let after_timeout = matches!(failed, Failed::NoAnswer(Failure::Timeout(..)));
            if let Some(bucket) = &inner.budget {
                if !bucket.try_take(after_timeout) {
                    self.event(Event {
                        message:
                            "not retrying: the client's retry budget is spent (many calls failed)",
                        attempt: Some(attempt),
                        tokens_left: Some(bucket.available()),
                        ..Event::default()
                    });
                    return Err(give_up(failed, attempt));
                }
            }
            let reason = match &failed {
                Failed::Answer(raw) => format!("HTTP {}", raw.status),
                Failed::NoAnswer(failure) => failure.describe(),
            };
            self.event(Event {
                message: "retrying",
                attempt: Some(attempt),
                reason: Some(reason.as_str()),
                pause_ms: Some(millis(pause)),
                ..Event::default()
            });
            tokio::time::sleep(pause).await;
        }
    }

    /// One attempt, cut short by the attempt timeout or the overall deadline.
    async fn attempt_within(
        &self,
        prepared: &Prepared,
        deadline: Option<Instant>,
    ) -> Result<Raw, Failure> {
        let attempt_limit = self.inner.attempt_timeout;
        let total_left =
            deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
        let (limit, kind, shown) = match (attempt_limit, total_left) {
            (Some(attempt), Some(left)) if left < attempt => {
                (left, TimeoutKind::Total, self.inner.total_timeout)
            }
            (Some(attempt), _) => (attempt, TimeoutKind::Attempt, Some(attempt)),
            (None, Some(left)) => (left, TimeoutKind::Total, self.inner.total_timeout),
            (None, None) => return self.attempt(prepared).await,
        };
        match tokio::time::timeout(limit, self.attempt(prepared)).await {
            Ok(result) => result,
            Err(_) => Err(Failure::Timeout(kind, shown)),
        }
    }

    /// Sends once and reads the whole answer, up to the size limit, following up to
    /// [`MAX_REDIRECTS`] redirects within the base URL's origin.
    ///
    /// Redirects are the transport's to follow, whatever `reqwest` client it has (a caller's
    /// own client must not follow them itself, see [`TransportBuilder::http_client`]): one to
    /// another scheme, host or port is never followed, so credentials and the caller's
    /// headers go nowhere but the API, and https is never downgraded to http.
    async fn attempt(&self, prepared: &Prepared) -> Result<Raw, Failure> {
        let inner = &self.inner;
        let failure = |error| Failure::from_reqwest(error, inner.connect_timeout);
        let mut method = prepared.method.clone();
        // copied only when a redirect changes them
        let mut url = Cow::Borrowed(&prepared.url);
        let mut content_type = prepared.content_type.as_ref();
        let mut body = prepared.body.as_ref();
        let mut redirects: u32 = 0;
        loop {
            // the request as `client.request(..).headers(..).body(..)` builds it, with the
            // transport's headers copied once rather than merged in
            let mut request = reqwest::Request::new(method.clone(), url.as_ref().clone());
            let headers = request.headers_mut();
            headers.clone_from(&inner.headers);
            if let Some(content_type) = content_type {
                headers.insert(CONTENT_TYPE, content_type.clone());
            }
            *request.body_mut() = body.cloned().map(reqwest::Body::from);
            let mut response = inner.client.execute(request).await.map_err(failure)?;
            let status = response.status().as_u16();
            if redirects < MAX_REDIRECTS {
                if let Some(next) = same_origin_redirect(status, &url, response.headers()) {
                    redirects += 1;
                    self.event(Event {
                        message: "following a redirect within the API's origin",
                        status: Some(status),
                        redirects: Some(redirects),
                        ..Event::default()
                    });
                    // as browsers do: 303 turns any method but HEAD into a GET, 301 and 302
                    // turn a POST into one; 307 and 308 repeat the request as it was
                    let to_get = (status == 303 && method != Method::HEAD)
                        || (matches!(status, 301 | 302) && method == Method::POST);
                    if to_get {
                        method = Method::GET;
                        body = None;
                        content_type = None;
                    }
                    let mut next = next;
                    // the key in the query goes along, as the Authorization header would
                    // (the redirect stays within the API's origin)
                    if let Some((name, key)) = &inner.token_query {
                        if !next.query_pairs().any(|(found, _)| found == *name) {
                            next.query_pairs_mut().append_pair(name, key);
                        }
                    }
                    url = Cow::Owned(next);
                    continue;
                }
            }
            let limit = inner.max_response_bytes;
            if response.content_length().is_some_and(|length| length > limit) {
                return Err(Failure::TooLarge { status });
            }
            let headers = std::mem::take(response.headers_mut());
            // room for the announced length at once (it is within the limit): no doubling
            let announced = response.content_length().unwrap_or(0);
            let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
            while let Some(chunk) = response.chunk().await.map_err(failure)? {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(Failure::TooLarge { status });
                }
                body.extend_from_slice(&chunk);
            }
            return Ok(Raw { status, headers, body, redirects });
        }
    }

    /// Records the provider's request id, or a generic `X-Request-Id`, on the call's span.
    fn record_request_id(&self, span: &tracing::Span, headers: &HeaderMap) {
        let from_provider = self
            .inner
            .provider
            .request_id
            .as_ref()
            .and_then(|source| response::request_id(headers, source));
        let id = from_provider.or_else(|| {
            let value = headers.get("x-request-id")?.to_str().ok()?;
            let id: String = value.chars().filter(|c| !c.is_control()).take(200).collect();
            Some(self.inner.redactor.scrub(&id).into_owned())
        });
        if let Some(id) = id {
            span.record("request_id", id.as_str());
        }
    }

    /// The error for an answer whose status is not a success.
    fn status_error<K: Classify>(
        &self,
        operation: &'static str,
        raw: Raw,
        attempts: u32,
    ) -> Error<K> {
        let Raw { status, headers, body, redirects } = raw;
        let header_list = headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        let mut error =
            ApiError::from_body(operation, status, header_list, body, &self.inner.provider.errors);
        error.attempts = attempts;
        error.redirects = redirects;
        error.redact(&self.inner.redactor);
        if (400..=599).contains(&status) {
            Error::Api { kind: K::classify(&error), error: Box::new(error) }
        } else {
            Error::UnexpectedStatus(Box::new(error))
        }
    }

    /// Base URL + path + query, after checking the path.
    fn url(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&'static str, String)],
    ) -> Result<Url, InvalidArgument> {
        let invalid = |rule: &str| InvalidArgument::new(operation, "path", rule);
        let too_long = |length: usize, at_least: &str| {
            InvalidArgument::new(
                operation,
                "url",
                format!(
                    "must be at most {MAX_URL_BYTES} bytes long, as servers refuse longer \
                     request lines (got {at_least}{length}): check the ids and query values passed"
                ),
            )
        };
        // before building anything: the encoded path and the query values as they are (the
        // query only grows when encoded)
        let key = self.inner.token_query.as_ref();
        let estimate = self.inner.base_url.len().saturating_add(path.len()).saturating_add(
            query
                .iter()
                .chain(key)
                .map(|(name, value)| name.len() + value.len() + 2)
                .sum::<usize>(),
        );
        if estimate > MAX_URL_BYTES {
            return Err(too_long(estimate, "at least "));
        }
        check_path(path).map_err(invalid)?;
        let separator = if path.is_empty() || path.starts_with('/') { "" } else { "/" };
        // Parsing base URL + path as one string would parse the scheme and host again on
        // every call (a twentieth of a small call's CPU, see BENCHMARKS.md); setting the path
        // of the parsed base URL gives the same URL. A path with `?` or `#` (never generated:
        // ids are percent-encoded) still goes through the parser, which splits them off.
        let mut url = if path.contains(['?', '#']) {
            let joined = format!("{}{separator}{path}", self.inner.base_url);
            Url::parse(&joined)
                .map_err(|_| invalid("does not form a valid URL with the base URL"))?
        } else {
            let mut url = self.inner.base.clone();
            let joined = format!("{}{separator}{path}", url.path().trim_end_matches('/'));
            url.set_path(&joined);
            url
        };
        if !query.is_empty() || key.is_some() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().chain(key).map(|(name, value)| (*name, value.as_str())));
        }
        if url.as_str().len() > MAX_URL_BYTES {
            return Err(too_long(url.as_str().len(), ""));
        }
        Ok(url)
    }
}

/// Whole milliseconds, for tracing fields.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Transport")
            .field("provider", &inner.provider.name)
            .field("base_url", &inner.base_url)
            .field("headers", &HeaderNames(&inner.headers))
            .field("retry", &inner.retry)
            .field("connect_timeout", &inner.connect_timeout)
            .field("attempt_timeout", &inner.attempt_timeout)
            .field("total_timeout", &inner.total_timeout)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("retry_budget_left", &inner.budget.as_ref().map(retry::TokenBucket::available))
            .field("token_in_query", &inner.token_query.as_ref().map(|(name, _)| *name))
            .finish_non_exhaustive()
    }
}

/// Debug-prints the names of a header map.
struct HeaderNames<'a>(&'a HeaderMap);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys().map(HeaderName::as_str)).finish()
    }
}

/// Configures and builds a [`Transport`]; see [`Transport::builder`].
///
/// `Debug` never shows credentials or header values.
pub struct TransportBuilder {
    provider: &'static Provider,
    credentials: AnyCredentials,
    base_url: Option<String>,
    client: Option<reqwest::Client>,
    headers: Vec<(String, String)>,
    retry: RetryPolicy,
    connect_timeout: Duration,
    attempt_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    max_response_bytes: u64,
    allow_insecure_http: bool,
    token_query: Option<&'static str>,
    #[cfg(feature = "xmlrpc")]
    xml_rpc: Option<&'static crate::catalog::Catalog>,
}

impl TransportBuilder {
    /// Overrides the provider's base URL (for tests or proxies); trailing `/`s are trimmed.
    ///
    /// It must use `https`, unless its host is a loopback address (`localhost`, `127.0.0.1`,
    /// `[::1]`) or [`allow_insecure_http`](Self::allow_insecure_http) is set: credentials
    /// are never sent in clear text across a network by accident.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows an `http://` base URL on a host other than a loopback address, which sends the
    /// credentials unencrypted. Meant for a trusted proxy on a private network.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Uses `client` instead of a new one, e.g. to share a connection pool or configure
    /// proxies and TLS.
    ///
    /// The client must not follow redirects itself: build it with
    /// `.redirect(reqwest::redirect::Policy::none())`, or [`build`](Self::build) refuses it.
    /// `reqwest`'s own redirect handling sends every header but `Authorization` and `Cookie`
    /// to wherever a server redirects (1&1's `X-TOKEN`, the [`header`](Self::header)s); the
    /// transport follows redirects itself instead, whatever the client: at most
    /// [`MAX_REDIRECTS`], only within the base URL's origin (scheme, host and port). The
    /// client's connect timeout applies ([`connect_timeout`](Self::connect_timeout) is for the
    /// default client).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Adds a header sent with every request; it replaces a provider default header of the
    /// same name. Its value is marked sensitive.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets how transient failures are retried; see [`RetryPolicy`] for the default.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets how long the default client waits for a TCP/TLS connection (30 s unless set).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets how long one attempt may take, from connecting until the whole body is read
    /// (60 s unless set). A server that stalls, even mid-body, ends the attempt with
    /// [`Error::Timeout`].
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The same as [`attempt_timeout`](Self::attempt_timeout).
    pub fn timeout(self, timeout: Duration) -> Self {
        self.attempt_timeout(timeout)
    }

    /// Sets how long a call may take in all, retries and the pauses between them included
    /// (no limit unless set). No retry starts that could not finish its pause in time.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Sets the largest response body read, in bytes (32 MiB unless set); a larger one ends
    /// the call with [`Error::ResponseTooLarge`] without being read to its end.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends the API key ([`Credentials::token`]) as the query parameter `name` of every
    /// request URL (`?api_key=…`, Memset's documented alternative to Basic authentication)
    /// instead of in the Authorization header; `None` (the default) keeps the header.
    ///
    /// A URL is more exposed than a header (server and proxy logs keep it), so
    /// [`build`](Self::build) refuses this unless the base URL uses `https` or is a loopback
    /// address, even with [`allow_insecure_http`](Self::allow_insecure_http). The key is
    /// redacted from everything the transport logs or puts in an error: tracing spans show
    /// the URL path only, the URL a transport error carries loses its query, and the key is
    /// scrubbed from error bodies, messages and headers (a `Location` that echoes it).
    pub fn token_in_query(mut self, name: Option<&'static str>) -> Self {
        self.token_query = name;
        self
    }

    /// Sends every call with named parameters (Memset's methods) to the XML-RPC interface
    /// (`<base_url>/xmlrpc`) instead of the JSON one, typing dates by `catalog`; see
    /// [`xmlrpc`](crate::xmlrpc). Batches ([`batch`](crate::batch)) stay JSON-RPC.
    #[cfg(feature = "xmlrpc")]
    pub fn xml_rpc(mut self, catalog: Option<&'static crate::catalog::Catalog>) -> Self {
        self.xml_rpc = catalog;
        self
    }

    /// Builds the transport.
    ///
    /// Fails if the base URL does not parse, is not `http` or `https`, is `http` on a host
    /// that is not a loopback address (unless allowed), or contains a user name, password,
    /// query or fragment; if a header name or value is invalid; if the credentials are empty,
    /// hold a line break or do not have the form of their kind (see [`Credentials`]), or do
    /// not fit the provider's [`AuthScheme`](crate::AuthScheme); or if the HTTP client cannot
    /// be created.
    pub fn build(self) -> Result<Transport, ConfigError> {
        let provider = self.provider;
        let base_url = self.base_url.as_deref().unwrap_or(provider.base_url);
        let base_url = validate_base_url(base_url, self.allow_insecure_http)?;

        let mut headers = HeaderMap::new();
        let user_agent = HeaderValue::from_str(provider.user_agent).map_err(|_| {
            ConfigError::new(format!("invalid User-Agent {:?}", provider.user_agent))
        })?;
        headers.insert(USER_AGENT, user_agent);
        self.credentials.check()?;
        let (name, value) = self.credentials.header_for(&provider.auth)?;
        let token_query = match self.token_query {
            None => {
                headers.insert(name, value);
                None
            }
            Some(param) => Some((param, self.token_for_query(&base_url)?)),
        };
        for &(name, value) in provider.default_headers {
            let (name, value) = parse_header(name, value)?;
            headers.insert(name, value);
        }
        for (name, value) in &self.headers {
            let (name, mut value) = parse_header(name, value)?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }

        let (client, connect_timeout) = match self.client {
            Some(client) if follows_redirects(&client) => {
                return Err(ConfigError::new(
                    "the reqwest client passed to http_client follows redirects itself, which \
                     sends the credentials and every header to wherever a server redirects; \
                     build it with .redirect(reqwest::redirect::Policy::none()) (the client \
                     then follows redirects within the API's origin itself)",
                ));
            }
            Some(client) => (client, None),
            None => {
                let client =
                    default_client_builder(self.connect_timeout).build().map_err(|error| {
                        ConfigError::new(format!("could not create the HTTP client: {error}"))
                    })?;
                (client, Some(self.connect_timeout))
            }
        };
        let base = Url::parse(&base_url).map_err(|error| {
            ConfigError::new(format!("the base URL is not a valid URL: {error}"))
        })?;
        Ok(Transport {
            inner: Arc::new(Inner {
                provider,
                base_url,
                base,
                client,
                headers,
                retry: self.retry,
                connect_timeout,
                attempt_timeout: self.attempt_timeout,
                total_timeout: self.total_timeout,
                max_response_bytes: self.max_response_bytes,
                redactor: self.credentials.redactor(),
                budget: self.retry.budget.map(retry::TokenBucket::new),
                token_query,
                #[cfg(feature = "xmlrpc")]
                xml_rpc: self.xml_rpc,
            }),
        })
    }
}

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("TransportBuilder")
            .field("provider", &self.provider.name)
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("http_client", &self.client.is_some())
            .field("headers", &header_names)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("token_in_query", &self.token_query)
            .finish()
    }
}

impl TransportBuilder {
    /// The API key to put in the query of every URL, if that is safe: only over `https`, or
    /// to a loopback address (tests); never over plain http, even when allowed.
    fn token_for_query(&self, base_url: &str) -> Result<String, ConfigError> {
        let Some(token) = self.credentials.api_key() else {
            return Err(ConfigError::new(
                "the API key can be sent in the query only with Credentials::token",
            ));
        };
        let parsed = Url::parse(base_url).map_err(|error| {
            ConfigError::new(format!("the base URL is not a valid URL: {error}"))
        })?;
        if parsed.scheme() != "https" && !is_loopback(&parsed) {
            return Err(ConfigError::new(format!(
                "the API key may go in the URL's query only over https, and base URL \
                 {base_url:?} uses {}: use an https base URL, or leave the key in the \
                 Authorization header (the default)",
                parsed.scheme()
            )));
        }
        Ok(token.to_owned())
    }
}

/// The reqwest configuration of a transport without its own client: redirects are the
/// transport's to follow (see `Transport::attempt`).
fn default_client_builder(connect_timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder().connect_timeout(connect_timeout).redirect(redirect::Policy::none())
}

/// Whether a caller's client follows redirects itself.
///
/// `reqwest` has no accessor for a client's redirect policy; its `Debug` output names the
/// policy when it is not the default (`Policy(None)` for `Policy::none()`). Anything else (the
/// default, a custom policy, or output this code does not recognise after a `reqwest` upgrade)
/// counts as following: the check fails closed, and
/// `transport::tests::a_callers_client_must_leave_redirects_to_the_transport` notices a change.
fn follows_redirects(client: &reqwest::Client) -> bool {
    !format!("{client:?}").contains(r#"redirect_policy: "Policy(None)""#)
}

/// Where a redirect answer points, if the transport follows it: a 301, 302, 303, 307 or 308
/// whose `Location` resolves (against `current`) to a URL of the same origin (scheme, host
/// and port) as `current`. Anything else, a redirect to another origin or an https → http
/// downgrade included, is not followed: the answer is returned as it is.
fn same_origin_redirect(status: u16, current: &Url, headers: &HeaderMap) -> Option<Url> {
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = headers.get(reqwest::header::LOCATION)?.to_str().ok()?;
    let next = current.join(location).ok()?;
    (next.origin() == current.origin()).then_some(next)
}

/// Trims whitespace and trailing `/`s and checks that the URL is a plain https URL (or http
/// on a loopback address, or when allowed).
pub(crate) fn validate_base_url(
    url: &str,
    allow_insecure_http: bool,
) -> Result<String, ConfigError> {
    let trimmed = url.trim().trim_end_matches('/');
    let parsed = Url::parse(trimmed).map_err(|error| {
        // A URL that looks like it carries credentials is not echoed.
        if trimmed.contains('@') {
            ConfigError::new(format!("the base URL is not a valid URL: {error}"))
        } else {
            ConfigError::new(format!("base URL {trimmed:?} is not a valid URL: {error}"))
        }
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(ConfigError::new(
            "the base URL must not contain a user name or password; pass them as Credentials",
        ));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ConfigError::new(format!("base URL {trimmed:?} must use http or https")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(ConfigError::new(format!(
            "base URL {trimmed:?} must not have a query or fragment"
        )));
    }
    if parsed.scheme() == "http" && !allow_insecure_http && !is_loopback(&parsed) {
        return Err(ConfigError::new(format!(
            "base URL {trimmed:?} uses http, which would send the credentials unencrypted; \
             use https, a loopback address, or allow_insecure_http(true) for a trusted network"
        )));
    }
    Ok(trimmed.to_owned())
}

/// Whether the URL's host is `localhost` (or a name under it) or a loopback address.
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let host = host.trim_end_matches('.').to_ascii_lowercase();
            host == "localhost" || host.ends_with(".localhost")
        }
    }
}

/// Parses a configured header; the error names the header but never shows its value.
fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), ConfigError> {
    let parsed_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ConfigError::new(format!("invalid header name {name:?}")))?;
    let parsed_value = HeaderValue::from_str(value).map_err(|_| {
        ConfigError::new(format!(
            "the value of header {name:?} contains characters that are not allowed in a header"
        ))
    })?;
    Ok((parsed_name, parsed_value))
}

/// Rejects dot segments (also percent-encoded ones, which URL parsers resolve too) and
/// empty segments other than a trailing one.
fn check_path(path: &str) -> Result<(), &'static str> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut segments = path.split(['/', '\\']).peekable();
    let mut first = true;
    while let Some(segment) = segments.next() {
        // only a segment of at most 6 bytes (`%2e%2e`) can decode to `.` or `..`
        if segment.len() <= 6 {
            let decoded = percent_decode_str(segment).decode_utf8_lossy();
            if decoded == "." || decoded == ".." {
                return Err("must not contain '.' or '..' segments (check the ids passed)");
            }
        }
        let last = segments.peek().is_none();
        if segment.is_empty() && !first && !last {
            return Err("must not contain empty segments (check the ids passed)");
        }
        first = false;
    }
    Ok(())
}

fn form_content_type() -> HeaderValue {
    HeaderValue::from_static("application/x-www-form-urlencoded")
}

/// Encodes pairs as `application/x-www-form-urlencoded`: the bytes the `form_urlencoded`
/// crate's `Serializer` gives (the tests compare the two), written byte by byte into one
/// buffer, which costs a fifth of going through its iterator of pieces.
fn form_urlencoded<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (index, (name, value)) in pairs.into_iter().enumerate() {
        if index > 0 {
            out.push(b'&');
        }
        form_encode(&mut out, name.as_bytes());
        out.push(b'=');
        form_encode(&mut out, value.as_bytes());
    }
    out
}

/// One name or value of a form: letters, digits and `*-._` as they are, a space as `+`, any
/// other byte as `%XX`.
fn form_encode(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(bytes.len());
    for &byte in bytes {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(byte),
            b' ' => out.push(b'+'),
            _ => out.extend_from_slice(&[
                b'%',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ]),
        }
    }
}

#[cfg(test)]
mod tests;
