//! The sections every crate's overview (`generated/OVERVIEW.md`, its crate-level docs) ends
//! with, the same for every provider but for its names: environment variables, tracing, TLS
//! and features, timeouts. Written once here, so the three crates cannot drift apart.

use crate::ir::{Auth, Provider};

/// The common sections of `p`'s overview, in Markdown.
pub fn usage(p: &Provider) -> String {
    let name = &p.name;
    let env = name.to_uppercase();
    let credentials = match &p.auth {
        Auth::Basic => format!(
            "| `{env}_USERNAME` | the user name (required) |\n\
             | `{env}_PASSWORD` | the password (required) |\n"
        ),
        Auth::Header(_) => format!("| `{env}_TOKEN` | the API token (required) |\n"),
        Auth::BasicUsername => {
            format!("| `{env}_API_KEY` | the API key, 32 hexadecimal digits (required) |\n")
        }
    };
    let made = match &p.auth {
        Auth::Basic => "`Credentials::basic(user, password)`",
        Auth::Header(_) => "`Credentials::token(token)`",
        Auth::BasicUsername => "`Credentials::api_key(key)`",
    };
    let base_url = &p.base_url;
    format!(
        r#"# Credentials and environment variables

[`Client::new`] takes this crate's [`Credentials`], made with {made}; a credential of another
kind does not compile. An empty or line-broken credential is refused when the client is built,
with an error naming what is wrong (never the secret itself).

[`Client::from_env`] (or [`ClientBuilder::from_env`], to change more settings before
[`build`](ClientBuilder::build)) reads:

| variable | what it holds |
| --- | --- |
{credentials}| `{env}_API_URL` | another base URL (optional; unset or empty means `{base_url}`) |

A variable that is missing, empty or unusable gives an [`EnvError`] naming it.
[`ClientBuilder::from_lookup`] reads the same names through a function of your own (a
configuration file, a secret store, a test) instead of the process environment.

# Tracing

Calls are traced with [`tracing`](https://docs.rs/tracing), every span and event with the
target `{name}`, so `RUST_LOG={name}=debug` (with `tracing-subscriber`'s `EnvFilter`) shows
this crate's calls and nothing else:

* one `sdk_request` span per call (level INFO) with `provider`, `operation`, `method`, `path`
  (never the query), and when the call has ended `attempts`, `request_id` and `job_id`;
* inside it, one `sdk_attempt` span per attempt with `attempt` and `status`;
* DEBUG events: `answered`, `retrying` (with `reason` and `pause_ms`), why a call is not
  retried, redirects followed.

No span or event carries a header, a body or a credential.

# TLS and cargo features

| feature | default | what it does |
| --- | --- | --- |
| `rustls` | yes | TLS with rustls and the Mozilla root certificates compiled in; nothing links OpenSSL |
| `native-tls` | no | TLS with the system's library and root certificates instead (it wins when both are on) |

With `default-features = false, features = ["native-tls"]` only the system's TLS is built. A
`reqwest` 0.12 client of your own ([`ClientBuilder::http_client`]) brings its own TLS settings.

# Timeouts and retries

A connection must be made within 30 s ([`ClientBuilder::connect_timeout`]), an attempt must
bring the whole answer within 60 s ([`ClientBuilder::attempt_timeout`]), and a call has no
overall limit unless [`ClientBuilder::total_timeout`] sets one; running out of time is an
[`Error`] for which `is_timeout()` is true. Calls safe to repeat are tried up to 3 times
after rate limits, 5xx answers and broken connections, honouring `Retry-After` and the
rate-limit headers ([`ClientBuilder::retry_policy`], [`RetryPolicy`]). Answers over 32 MiB are
refused ([`ClientBuilder::max_response_bytes`]). Waits for background work poll with their own
interval and timeout, which each wait's setters change.

The error helpers `is_not_found()`, `is_rate_limited()` and `is_unauthorized()` of [`Error`]
tell the common cases apart without matching on [`ErrorKind`].
"#
    )
}
