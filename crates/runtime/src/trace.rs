//! Tracing with each client crate's own target, so that `RUST_LOG=profitbricks=debug` (or any
//! filter on the target) selects one crate's calls.
//!
//! A tracing target is fixed where an event or span is written down (its call site is a
//! `static`), so the runtime cannot give one call site a target per provider. Instead each
//! client crate builds its [`Tracer`] with [`tracer!`](crate::tracer), which writes the call
//! sites in that crate with its name as the target, and hands it to the runtime in its
//! [`Provider`](crate::Provider).
//!
//! What a call records, all with the crate's name as target:
//!
//! * one `sdk_request` span per call (INFO), with `provider`, `operation`, `method`, `path`
//!   (the URL path, never the query), and, once the call has ended, `attempts`,
//!   `request_id` (the provider's provisioning request id or an `X-Request-Id` header, on
//!   success) and `job_id` (Memset calls that start a job);
//! * inside it, one `sdk_attempt` span per attempt (INFO) with `attempt` (1, 2, …), `status`
//!   (the HTTP status it got, if any) and `request_id`;
//! * DEBUG events: `answered`, `retrying` (with `reason` and `pause_ms`), the reasons for not
//!   retrying, and redirects followed.
//!
//! Neither spans nor events ever carry headers, bodies or credentials.

use std::fmt;

#[doc(hidden)]
pub use tracing as __tracing;

/// The fields of a call's span.
#[derive(Debug, Clone, Copy)]
pub struct CallFields<'a> {
    /// The operation's name.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'a str,
    /// The URL path (without the query), cut to a bounded length.
    pub path: &'a str,
}

/// One DEBUG event of a call; the fields that do not apply are `None` and left out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Event<'a> {
    /// What happened (`"retrying"`).
    pub message: &'a str,
    /// The attempt it concerns.
    pub attempt: Option<u32>,
    /// The HTTP status of the answer.
    pub status: Option<u16>,
    /// Why the attempt failed (`"HTTP 503"`, `"could not connect"`).
    pub reason: Option<&'a str>,
    /// The pause before the next attempt, in milliseconds.
    pub pause_ms: Option<u64>,
    /// How long the server asked to wait, in milliseconds.
    pub wait_ms: Option<u64>,
    /// The longest wait the retry policy accepts, in milliseconds.
    pub max_wait_ms: Option<u64>,
    /// The tokens left in the client's retry budget.
    pub tokens_left: Option<u32>,
    /// How many redirects the attempt has followed.
    pub redirects: Option<u32>,
}

/// The spans and events of one client crate, with its name as their target; made by
/// [`tracer!`](crate::tracer).
#[derive(Clone, Copy)]
pub struct Tracer {
    /// The target of every span and event (the client crate's name).
    pub target: &'static str,
    /// Opens a call's `sdk_request` span.
    pub call: fn(&CallFields<'_>) -> tracing::Span,
    /// Opens the `sdk_attempt` span of attempt number `attempt`.
    pub attempt: fn(u32) -> tracing::Span,
    /// Writes a DEBUG event.
    pub event: fn(&Event<'_>),
}

impl Tracer {
    /// The runtime's own tracer (target `cloud_sdks_runtime`), for providers described by
    /// hand, e.g. in tests.
    pub const RUNTIME: Tracer = crate::tracer!("cloud_sdks_runtime");
}

impl fmt::Debug for Tracer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracer").field("target", &self.target).finish_non_exhaustive()
    }
}

impl PartialEq for Tracer {
    fn eq(&self, other: &Self) -> bool {
        self.target == other.target
    }
}

impl Eq for Tracer {}

/// A [`Tracer`] whose spans and events have the target `$target`, a string literal or
/// constant: generated client crates pass their own name (`tracer!("profitbricks")`).
#[macro_export]
macro_rules! tracer {
    ($target:expr) => {
        $crate::trace::Tracer {
            target: $target,
            call: |call| {
                $crate::trace::__tracing::info_span!(
                    target: $target,
                    "sdk_request",
                    provider = $target,
                    operation = call.operation,
                    method = call.method,
                    path = call.path,
                    attempts = $crate::trace::__tracing::field::Empty,
                    request_id = $crate::trace::__tracing::field::Empty,
                    job_id = $crate::trace::__tracing::field::Empty,
                )
            },
            attempt: |attempt| {
                $crate::trace::__tracing::info_span!(
                    target: $target,
                    "sdk_attempt",
                    attempt,
                    status = $crate::trace::__tracing::field::Empty,
                    request_id = $crate::trace::__tracing::field::Empty,
                )
            },
            event: |event| {
                $crate::trace::__tracing::debug!(
                    target: $target,
                    attempt = event.attempt,
                    status = event.status,
                    reason = event.reason,
                    pause_ms = event.pause_ms,
                    wait_ms = event.wait_ms,
                    max_wait_ms = event.max_wait_ms,
                    tokens_left = event.tokens_left,
                    redirects = event.redirects,
                    "{}",
                    event.message
                )
            },
        }
    };
}
