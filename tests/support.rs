//! Shared by the data-driven tests (`wire.rs`, `constraints.rs`, `decoders.rs`,
//! `providers.rs`): the one list of providers, calling any provider's dynamic entry point with
//! test credentials, reading case files, and building the mock's answer from a case's
//! `response`.

// Each test binary uses a part of this module.
#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use cloud_sdks_runtime::dynamic::Decoder;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The Memset API key the tests authenticate with.
pub const MEMSET_KEY: &str = "0123456789abcdef0123456789abcdef";

/// How a call ended.
pub enum Outcome {
    /// It succeeded with this result.
    Ok(Value),
    /// An argument check refused it before anything was sent.
    Invalid(cloud_sdks_runtime::InvalidArgument),
    /// Any other error, as `Display` and `Debug` text.
    Other(String),
}

fn outcome<K: std::fmt::Debug>(result: Result<Value, cloud_sdks_runtime::Error<K>>) -> Outcome {
    match result {
        Ok(value) => Outcome::Ok(value),
        Err(cloud_sdks_runtime::Error::InvalidArgument(error)) => Outcome::Invalid(error),
        Err(other) => Outcome::Other(format!("{other} ({other:?})")),
    }
}

/// A call in flight, as [`Provider::call`] returns it.
pub type Pending = Pin<Box<dyn Future<Output = Outcome>>>;

/// What the data-driven tests need to know of one provider. Its name is the folder under
/// `spec/`, the crate under `crates/` and the stem of its case files (`tests/wire/<name>.json`,
/// `tests/constraints/<name>.json`, `tests/fixtures/<name>/`).
pub struct Provider {
    /// The crate name, which is also the first half of its User-Agent.
    pub name: &'static str,
    /// Path of the client's base URL on the mock server, so that base-path joining is
    /// exercised.
    pub prefix: &'static str,
    /// The authentication header every request must carry with the test credentials:
    /// lower-case name, exact value.
    pub auth: (&'static str, &'static str),
    /// Every operation `Client::call` takes (`Client::OPERATIONS`); each needs a wire vector.
    pub operations: &'static [&'static str],
    /// Every response type's decoder (`models::RESPONSE_TYPES`).
    pub response_types: &'static [(&'static str, Decoder)],
    /// The default status of a successful answer to a valid constraint case without a
    /// `response`: GET requests get the first, all others the second.
    pub status: (u16, u16),
    /// The default body of that answer; it must decode for every operation that the
    /// provider's valid cases call without a `response` of their own.
    pub body: fn() -> Value,
    /// Calls an operation through the provider's `Client::call` at a base URL, with test
    /// credentials (ProfitBricks `test-user`/`test-pass`, 1&1 `test-token`, Memset
    /// [`MEMSET_KEY`]).
    pub call: fn(base_url: String, op: String, args: Value) -> Pending,
}

/// Every provider of the workspace, once. `tests/providers.rs` fails unless these are exactly
/// the providers under `spec/`, each with its crate, wire vectors for every operation and
/// fixtures; the data-driven tests run every provider listed here.
pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "profitbricks",
        prefix: "/cloudapi/v3",
        // base64("test-user:test-pass")
        auth: ("authorization", "Basic dGVzdC11c2VyOnRlc3QtcGFzcw=="),
        operations: profitbricks::Client::OPERATIONS,
        response_types: profitbricks::models::RESPONSE_TYPES,
        status: (200, 202),
        // The common envelope of every ProfitBricks resource and collection: only id, type
        // and href are required, so this decodes as any of them.
        body: || json!({"id": "id-1", "type": "collection", "href": "https://api.example.test/cloudapi/v3/x/id-1"}),
        call: |base_url, op, args| {
            Box::pin(async move {
                let credentials = profitbricks::Credentials::basic("test-user", "test-pass");
                let client = profitbricks::Client::builder(credentials)
                    .base_url(base_url)
                    .build()
                    .expect("valid settings");
                outcome(client.call(&op, args).await)
            })
        },
    },
    Provider {
        name: "oneandone",
        prefix: "/v1",
        auth: ("x-token", "test-token"),
        operations: oneandone::Client::OPERATIONS,
        response_types: oneandone::models::RESPONSE_TYPES,
        status: (200, 202),
        body: || json!({"id": "id-1"}),
        call: |base_url, op, args| {
            Box::pin(async move {
                let client =
                    oneandone::Client::builder(oneandone::Credentials::token("test-token"))
                        .base_url(base_url)
                        .build()
                        .expect("valid settings");
                outcome(client.call(&op, args).await)
            })
        },
    },
    Provider {
        name: "memset",
        prefix: "/v1",
        // base64("<MEMSET_KEY>:x"): the key is the user name and the password is "x".
        auth: ("authorization", "Basic MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY6eA=="),
        operations: memset::Client::OPERATIONS,
        response_types: memset::models::RESPONSE_TYPES,
        status: (200, 200),
        body: || json!({}),
        call: |base_url, op, args| {
            Box::pin(async move {
                let client = memset::Client::builder(memset::Credentials::api_key(MEMSET_KEY))
                    .base_url(base_url)
                    .build()
                    .expect("valid settings");
                outcome(client.call(&op, args).await)
            })
        },
    },
];

/// Calls `op` through the `Client::call` of `provider` at `base_url`, with test credentials.
pub async fn call(provider: &Provider, base_url: String, op: &str, args: Value) -> Outcome {
    (provider.call)(base_url, op.to_owned(), args).await
}

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The response fixtures, `tests/fixtures/<provider>/<file>` (verbatim copies of real answers,
/// each folder with a MANIFEST of where they came from).
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The JSON array in `path`; `None` if the file does not exist.
pub fn json_array(path: &Path) -> Option<Vec<Value>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("{}: {e}", path.display()),
    };
    match serde_json::from_str(&text) {
        Ok(Value::Array(items)) => Some(items),
        Ok(_) => panic!("{}: expected a JSON array", path.display()),
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

/// The mock's answer for a case's `response` (`status`, default 200; `headers`; `json` or a
/// `fixture` under `tests/fixtures`), and the body it carries (`None` without one).
pub fn response(spec: &Value) -> (ResponseTemplate, Option<Vec<u8>>) {
    let status = spec.get("status").and_then(Value::as_u64).unwrap_or(200);
    let mut template = ResponseTemplate::new(u16::try_from(status).expect("a valid HTTP status"));
    for (name, value) in spec["headers"].as_object().into_iter().flatten() {
        template = template
            .insert_header(name.as_str(), value.as_str().expect("header values are strings"));
    }
    let body = if let Some(fixture) = spec.get("fixture").and_then(Value::as_str) {
        let path = fixtures().join(fixture);
        Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    } else {
        spec.get("json").map(|json| json.to_string().into_bytes())
    };
    match body {
        Some(body) => (template.set_body_raw(body.clone(), "application/json"), Some(body)),
        None => (template, None),
    }
}

/// Mounts the answers of a case's `before` exchanges (`[{"request": {method, path},
/// "response": …}]`): each answers its own request once, ahead of the case's own answer. They
/// are the requests a call sends first (a change that reads the current object first).
pub async fn mount_before(provider: &Provider, server: &MockServer, before: &[Value]) {
    for exchange in before {
        let request = &exchange["request"];
        let full_path = format!("{}{}", provider.prefix, request["path"].as_str().unwrap_or(""));
        Mock::given(method(request["method"].as_str().unwrap_or("GET")))
            .and(path(full_path))
            .respond_with(response(&exchange["response"]).0)
            .up_to_n_times(1)
            .with_priority(1)
            .mount(server)
            .await;
    }
}

/// A case's `before` exchanges (none when it has no such member).
pub fn before(case: &Value) -> &[Value] {
    case["before"].as_array().map_or(&[][..], Vec::as_slice)
}
