//! Shared by the data-driven tests (`wire.rs`, `constraints.rs`): calling any provider's
//! dynamic entry point with test credentials, reading case files, and building the mock's
//! answer from a case's `response`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use wiremock::ResponseTemplate;

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

/// Calls `op` through the `Client::call` of the provider named `provider`, with test
/// credentials (ProfitBricks `test-user`/`test-pass`, 1&1 `test-token`, Memset [`MEMSET_KEY`]).
pub async fn call(provider: &str, base_url: String, op: &str, args: Value) -> Outcome {
    match provider {
        "profitbricks" => {
            let credentials = profitbricks::Credentials::basic("test-user", "test-pass");
            let client = profitbricks::Client::builder(credentials)
                .base_url(base_url)
                .build()
                .expect("valid settings");
            outcome(client.call(op, args).await)
        }
        "oneandone" => {
            let client = oneandone::Client::builder(oneandone::Credentials::token("test-token"))
                .base_url(base_url)
                .build()
                .expect("valid settings");
            outcome(client.call(op, args).await)
        }
        "memset" => {
            let client = memset::Client::builder(memset::Credentials::token(MEMSET_KEY))
                .base_url(base_url)
                .build()
                .expect("valid settings");
            outcome(client.call(op, args).await)
        }
        other => panic!("no client for provider {other}"),
    }
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
