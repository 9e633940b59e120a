//! Static description of an API provider.
//!
//! Each generated client crate holds one `static` [`Provider`], generated from
//! `spec/<provider>/provider.toml`. It tells the [`Transport`](crate::Transport) where the
//! API lives, how to authenticate, which headers to send and how to read error responses.

/// Everything the runtime needs to know about one REST API provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    /// Short provider name, e.g. `"profitbricks"`.
    pub name: &'static str,
    /// Default base URL without a trailing slash, e.g. `"https://api.profitbricks.com/cloudapi/v3"`.
    pub base_url: &'static str,
    /// Value of the `User-Agent` header, e.g. `"profitbricks/0.1.0"`.
    pub user_agent: &'static str,
    /// How requests are authenticated.
    pub auth: AuthScheme,
    /// Headers sent with every request, as `(name, value)` pairs.
    pub default_headers: &'static [(&'static str, &'static str)],
    /// Where code, message and type are found in an error response body.
    pub errors: ErrorModel,
    /// Where the id of an asynchronous provisioning request is found, if the API has one.
    pub request_id: Option<RequestIdSource>,
    /// The spans and events of its calls, with the client crate's name as their target
    /// (`cloud_sdks_runtime::tracer!("profitbricks")`); see [`trace`](crate::trace).
    pub tracer: crate::trace::Tracer,
}

/// How a provider authenticates requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// HTTP Basic authentication with a user name and password
    /// ([`Credentials::basic`](crate::Credentials::basic)); used by ProfitBricks.
    Basic,
    /// The token ([`Credentials::token`](crate::Credentials::token)) sent verbatim in the named
    /// header, e.g. `Header("X-TOKEN")` for 1&1.
    Header(&'static str),
    /// HTTP Basic authentication with the token
    /// ([`Credentials::token`](crate::Credentials::token)) as user name and `x` as password;
    /// used by Memset.
    BasicUsername,
}

/// Where the parts of an error response are found.
///
/// Each field is an [RFC 6901](https://www.rfc-editor.org/rfc/rfc6901) JSON pointer into the
/// response body, e.g. `"/messages/0/errorCode"`. `None` means the API does not report that part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ErrorModel {
    /// Pointer to the provider's error code (a string or a number).
    pub code: Option<&'static str>,
    /// Pointer to the human-readable error message.
    pub message: Option<&'static str>,
    /// Pointer to the provider's error type or class name.
    pub error_type: Option<&'static str>,
}

/// Where the id of an asynchronous provisioning request is found in a response.
///
/// The id is the path segment right after `marker` in the value of `header`; for ProfitBricks
/// `Location: https://…/requests/<id>/status` with marker `"/requests/"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestIdSource {
    /// Response header holding a URL, e.g. `"Location"` (matched case-insensitively).
    pub header: &'static str,
    /// Text right before the id, e.g. `"/requests/"`.
    pub marker: &'static str,
}
