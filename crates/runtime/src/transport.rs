//! The HTTP transport: builds URLs and headers, sends requests, classifies responses.
//!
//! One [`Transport`] owns one `reqwest::Client`, so connections are reused; cloning a
//! `Transport` is cheap and shares them.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, USER_AGENT};
use reqwest::redirect;
use reqwest::Url;
use serde_json::Value;

use crate::credentials::Credentials;
use crate::error::{ApiError, Classify, ConfigError, Error, InvalidArgument};
use crate::provider::Provider;
use crate::request::{Body, Request};
use crate::response::Response;

/// How long the default client waits for a TCP/TLS connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// How many redirects the default client follows.
const MAX_REDIRECTS: usize = 10;

/// Sends [`Request`]s to one provider with one set of credentials.
///
/// `Debug` shows the provider, base URL and header names, never credentials.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    provider: &'static Provider,
    base_url: String,
    client: reqwest::Client,
    /// User-Agent, authentication, provider and builder headers; secrets marked sensitive.
    headers: HeaderMap,
    timeout: Option<Duration>,
}

impl Transport {
    /// Starts building a transport for `provider`, authenticating with `credentials`.
    pub fn builder(provider: &'static Provider, credentials: Credentials) -> TransportBuilder {
        TransportBuilder {
            provider,
            credentials,
            base_url: None,
            client: None,
            headers: Vec::new(),
            timeout: None,
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

    /// Sends `request` and reads the whole response.
    ///
    /// The URL is the base URL followed by `request.path` and the percent-encoded query.
    /// Headers are User-Agent, authentication, the provider's default headers, the builder's
    /// headers (later ones replacing earlier ones of the same name) and a `Content-Type`
    /// matching the body.
    ///
    /// A status listed in `request.success` gives `Ok`; a 4xx or 5xx status gives
    /// [`Error::Api`] with the kind picked by [`Classify`]; any other status gives
    /// [`Error::UnexpectedStatus`]; failing to send or receive gives [`Error::Transport`].
    /// A path containing `.` or `..` segments, or an empty segment before its end, is
    /// rejected with [`Error::InvalidArgument`] before anything is sent, so that an id such
    /// as `".."` cannot redirect the call to another resource.
    pub async fn send<K: Classify>(&self, request: Request) -> Result<Response, Error<K>> {
        let Request {
            operation,
            method,
            path,
            query,
            body,
            success,
        } = request;
        let url = self.url(operation, &path, &query)?;

        let mut headers = self.inner.headers.clone();
        let body = match body {
            Body::Empty => None,
            Body::Json(bytes) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                Some(bytes)
            }
            Body::Form(fields) => {
                headers.insert(CONTENT_TYPE, form_content_type());
                let pairs = fields
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str()));
                Some(form_urlencoded(pairs).into_bytes())
            }
            Body::Named(map) => {
                headers.insert(CONTENT_TYPE, form_content_type());
                let json = Value::Object(map).to_string();
                Some(form_urlencoded([("parameters", json.as_str())]).into_bytes())
            }
        };

        let mut builder = self.inner.client.request(method, url).headers(headers);
        if let Some(body) = body {
            builder = builder.body(body);
        }
        if let Some(timeout) = self.inner.timeout {
            builder = builder.timeout(timeout);
        }
        let transport_error = |source| Error::Transport { operation, source };
        let mut response = builder.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let body: Vec<u8> = response.bytes().await.map_err(transport_error)?.into();

        if success.contains(&status) {
            return Ok(Response {
                operation,
                status,
                headers,
                body,
            });
        }
        let header_list = headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        let error = ApiError::from_parts(
            operation,
            status,
            header_list,
            &body,
            &self.inner.provider.errors,
        );
        if (400..=599).contains(&status) {
            Err(Error::Api {
                kind: K::classify(&error),
                error: Box::new(error),
            })
        } else {
            Err(Error::UnexpectedStatus(Box::new(error)))
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
        check_path(path).map_err(invalid)?;
        let separator = if path.is_empty() || path.starts_with('/') {
            ""
        } else {
            "/"
        };
        let joined = format!("{}{separator}{path}", self.inner.base_url);
        let mut url = Url::parse(&joined)
            .map_err(|_| invalid("does not form a valid URL with the base URL"))?;
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(name, value)| (*name, value.as_str())));
        }
        Ok(url)
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("provider", &self.inner.provider.name)
            .field("base_url", &self.inner.base_url)
            .field("headers", &HeaderNames(&self.inner.headers))
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Debug-prints the names of a header map.
struct HeaderNames<'a>(&'a HeaderMap);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.keys().map(HeaderName::as_str))
            .finish()
    }
}

/// Configures and builds a [`Transport`]; see [`Transport::builder`].
///
/// `Debug` never shows credentials or header values.
pub struct TransportBuilder {
    provider: &'static Provider,
    credentials: Credentials,
    base_url: Option<String>,
    client: Option<reqwest::Client>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
}

impl TransportBuilder {
    /// Overrides the provider's base URL (for tests or proxies); trailing `/`s are trimmed.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Uses `client` instead of a new one, e.g. to share a connection pool or configure
    /// proxies and TLS.
    ///
    /// The client's own redirect policy then applies. The default client follows at most
    /// 10 redirects and only within the same origin (scheme, host and port), so that
    /// authentication headers are never sent elsewhere; it also has a connect timeout of
    /// 30 seconds.
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

    /// Sets a timeout for each whole request, from connecting until the body is read.
    /// There is none by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Builds the transport.
    ///
    /// Fails if the base URL does not parse, is not `http` or `https`, or contains a user
    /// name, password, query or fragment; if a header name or value is invalid; if the
    /// credentials do not fit the provider's [`AuthScheme`](crate::AuthScheme); or if the
    /// HTTP client cannot be created.
    pub fn build(self) -> Result<Transport, ConfigError> {
        let provider = self.provider;
        let base_url = self.base_url.as_deref().unwrap_or(provider.base_url);
        let base_url = validate_base_url(base_url)?;

        let mut headers = HeaderMap::new();
        let user_agent = HeaderValue::from_str(provider.user_agent).map_err(|_| {
            ConfigError::new(format!("invalid User-Agent {:?}", provider.user_agent))
        })?;
        headers.insert(USER_AGENT, user_agent);
        let (name, value) = self.credentials.header_for(&provider.auth)?;
        headers.insert(name, value);
        for &(name, value) in provider.default_headers {
            let (name, value) = parse_header(name, value)?;
            headers.insert(name, value);
        }
        for (name, value) in &self.headers {
            let (name, mut value) = parse_header(name, value)?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }

        let client = match self.client {
            Some(client) => client,
            None => default_client_builder().build().map_err(|error| {
                ConfigError::new(format!("could not create the HTTP client: {error}"))
            })?,
        };
        Ok(Transport {
            inner: Arc::new(Inner {
                provider,
                base_url,
                client,
                headers,
                timeout: self.timeout,
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
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The reqwest configuration of a transport without its own client.
fn default_client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(redirect::Policy::custom(|attempt| {
            let same_origin = attempt
                .previous()
                .first()
                .is_some_and(|first| first.origin() == attempt.url().origin());
            if !same_origin {
                attempt.stop()
            } else if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        }))
}

/// Trims whitespace and trailing `/`s and checks that the URL is a plain http(s) URL.
fn validate_base_url(url: &str) -> Result<String, ConfigError> {
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
        return Err(ConfigError::new(format!(
            "base URL {trimmed:?} must use http or https"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(ConfigError::new(format!(
            "base URL {trimmed:?} must not have a query or fragment"
        )));
    }
    Ok(trimmed.to_owned())
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
    let segments: Vec<&str> = path.split(['/', '\\']).collect();
    for (index, segment) in segments.iter().enumerate() {
        let decoded = percent_decode_str(segment).decode_utf8_lossy();
        if decoded == "." || decoded == ".." {
            return Err("must not contain '.' or '..' segments (check the ids passed)");
        }
        let first = index == 0;
        let last = index + 1 == segments.len();
        if segment.is_empty() && !first && !last {
            return Err("must not contain empty segments (check the ids passed)");
        }
    }
    Ok(())
}

fn form_content_type() -> HeaderValue {
    HeaderValue::from_static("application/x-www-form-urlencoded")
}

/// Encodes pairs as `application/x-www-form-urlencoded`.
fn form_urlencoded<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

#[cfg(test)]
mod tests;
