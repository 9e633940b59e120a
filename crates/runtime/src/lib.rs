//! Hand-written runtime shared by the generated `profitbricks`, `oneandone` and `memset`
//! REST client crates.
//!
//! Generated code describes each provider with a static [`Provider`], checks documented
//! argument rules with [`check`], builds paths and bodies with [`encode`], and sends
//! [`Request`]s through a [`Transport`], which authenticates, classifies error responses via
//! [`Classify`] and returns a [`Response`] or an [`Error`].
//!
//! Transient failures are retried by a [`RetryPolicy`] (see [`retry`]); connect, attempt and
//! overall timeouts and a response size limit keep a call from hanging or eating memory.
//! Credentials never appear in `Debug` or `Display` output, in errors or in tracing events,
//! and are sent only over HTTPS (or to a loopback address) unless the caller opts out.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod batch;
mod call;
pub mod catalog;
pub mod check;
pub mod credentials;
pub mod date;
mod date_convert;
pub mod dynamic;
pub mod encode;
pub mod env;
mod error;
pub mod lenient;
mod one_or_many;
pub mod operation;
pub mod pages;
mod provider;
mod read_first;
mod request;
mod response;
pub mod retry;
pub mod struct_de;
pub mod suggest;
pub mod trace;
mod transport;
pub mod wait;
#[cfg(feature = "xmlrpc")]
pub mod xmlrpc;

pub use call::{run, CallFuture};
pub use credentials::Credentials;
pub use date_convert::DateConversionError;
pub use env::EnvError;
pub use error::{
    ApiError, Classify, ConfigError, Error, ErrorCategory, InvalidArgument, TimeoutKind,
};
pub use one_or_many::OneOrMany;
pub use operation::Operation;
pub use provider::{AuthScheme, ErrorModel, Provider, RequestIdSource};
pub use request::{Body, Method, Request};
pub use reqwest;
pub use response::{Accepted, JobOrState, Response};
pub use retry::{RetryBudget, RetryPolicy};
pub use serde_json;
pub use transport::{
    Transport, TransportBuilder, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, MAX_REDIRECTS, MAX_URL_BYTES,
};
