//! Documented constraints, driven by data: every case in `constraints/<provider>.json` breaks
//! one documented rule and must fail before anything is sent; every case in
//! `constraints/<provider>.valid.json` sits on a rule's boundary and must be sent and succeed.
//!
//! Both files are JSON arrays; a missing file means no cases. A case is
//!
//! ```json
//! {"rule": "server RAM is at least 256 MB", "op": "create_server",
//!  "args": {"datacenter_id": "dc-1", "server": {"name": "s", "cores": 1, "ram": 255}},
//!  "field": "server.ram", "message": "must be at least 256"}
//! ```
//!
//! * `rule`: the documented constraint, in words (named in failures);
//! * `op`, `args`: what is passed to the client's dynamic entry point `Client::call`;
//! * `field`, `message` (invalid cases only): the call must fail with
//!   `cloud_sdks_runtime::Error::InvalidArgument` whose `field` is exactly `field` and whose `rule`
//!   contains `message`, and the mock server must have received no request at all;
//! * `response` (valid cases only, optional): what the mock answers, as in the wire vectors
//!   (`status`, `headers`, and `json` or a `fixture` under `tests/fixtures`); without it the
//!   provider's default answer (`status`, `body` in `support::PROVIDERS`) is used;
//! * `before` (valid cases only, optional): the requests the call sends first, as in the wire
//!   vectors (a change that reads the current object first). A valid case must send exactly
//!   those and then one request of its own, and succeed.
//!
//! Run with `cargo test -p workspace-tests --test constraints`.

mod support;

use std::path::PathBuf;

use serde_json::Value;
use wiremock::matchers::{any, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

use support::{Outcome, Provider, PROVIDERS};

/// Every invalid case of every provider in `support::PROVIDERS`.
#[tokio::test]
async fn invalid_cases_fail_before_sending() {
    let mut failures = Vec::new();
    for provider in PROVIDERS {
        failures.extend(run_invalid(provider).await);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every valid (boundary) case of every provider in `support::PROVIDERS`.
#[tokio::test]
async fn valid_cases_are_sent() {
    let mut failures = Vec::new();
    for provider in PROVIDERS {
        failures.extend(run_valid(provider).await);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The cases of `constraints/<file>`; none if the file does not exist.
fn load_cases(file: &str) -> Vec<Value> {
    support::json_array(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("constraints").join(file))
        .unwrap_or_default()
}

/// Calls `op` through the provider's `Client::call`, against `server`.
async fn call(provider: &Provider, server: &MockServer, op: &str, args: Value) -> Outcome {
    support::call(provider, format!("{}{}", server.uri(), provider.prefix), op, args).await
}

/// The member `name` of a case, which must be a non-empty string.
fn text<'a>(case: &'a Value, name: &str) -> Result<&'a str, String> {
    match case.get(name).and_then(Value::as_str) {
        Some(text) if !text.is_empty() => Ok(text),
        _ => Err(format!("the case has no \"{name}\" text")),
    }
}

/// Every failing case of a file in one text, `None` if none failed.
fn report(file: &str, cases: &[Value], failures: Vec<String>) -> Option<String> {
    (!failures.is_empty()).then(|| {
        format!(
            "{} of {} case(s) in constraints/{file} failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        )
    })
}

/// Names a case in failures: provider, index, rule and operation.
fn label(provider: &Provider, index: usize, case: &Value) -> String {
    let rule = case["rule"].as_str().unwrap_or("<no rule>");
    let op = case["op"].as_str().unwrap_or("<no op>");
    format!("{} #{index} [{rule}] ({op})", provider.name)
}

async fn run_invalid(provider: &Provider) -> Option<String> {
    let file = format!("{}.json", provider.name);
    let cases = load_cases(&file);
    let server = MockServer::start().await;
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        if let Err(problem) = check_invalid(provider, &server, case).await {
            failures.push(format!("{}: {problem}", label(provider, index, case)));
        }
    }
    report(&file, &cases, failures)
}

/// The call must be refused with the expected field and rule, and nothing may be sent.
async fn check_invalid(
    provider: &Provider,
    server: &MockServer,
    case: &Value,
) -> Result<(), String> {
    text(case, "rule")?;
    let op = text(case, "op")?;
    let field = text(case, "field")?;
    let message = text(case, "message")?;
    server.reset().await;
    mount_answer(provider, server, None).await;

    let result = call(provider, server, op, case["args"].clone()).await;
    let sent = server.received_requests().await.unwrap_or_default().len();
    let mut problems = Vec::new();
    match result {
        Outcome::Invalid(error) => {
            if error.field != field {
                problems.push(format!(
                    "field: expected {field:?}, got {:?} (rule: {})",
                    error.field, error.rule
                ));
            }
            if !error.rule.contains(message) {
                problems.push(format!(
                    "rule: expected it to contain {message:?}, got {:?}",
                    error.rule
                ));
            }
            if error.operation != op {
                problems.push(format!("operation: expected {op:?}, got {:?}", error.operation));
            }
            let display = format!("{op}: invalid argument '{}': {}", error.field, error.rule);
            if error.to_string() != display {
                problems
                    .push(format!("Display: expected {display:?}, got {:?}", error.to_string()));
            }
        }
        Outcome::Ok(value) => {
            problems.push(format!(
                "expected InvalidArgument on {field:?}, but the call succeeded: {value}"
            ));
        }
        Outcome::Other(error) => {
            problems
                .push(format!("expected InvalidArgument on {field:?}, got another error: {error}"));
        }
    }
    if sent != 0 {
        problems.push(format!("expected no request, but {sent} were sent"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

async fn run_valid(provider: &Provider) -> Option<String> {
    let file = format!("{}.valid.json", provider.name);
    let cases = load_cases(&file);
    let server = MockServer::start().await;
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        if let Err(problem) = check_valid(provider, &server, case).await {
            failures.push(format!("{}: {problem}", label(provider, index, case)));
        }
    }
    report(&file, &cases, failures)
}

/// The call must be sent (exactly one request) and succeed.
async fn check_valid(provider: &Provider, server: &MockServer, case: &Value) -> Result<(), String> {
    text(case, "rule")?;
    let op = text(case, "op")?;
    for member in ["field", "message"] {
        if case.get(member).is_some() {
            return Err(format!(
                "a valid case has no \"{member}\"; it belongs in constraints/{}.json",
                provider.name
            ));
        }
    }
    server.reset().await;
    let before = support::before(case);
    support::mount_before(provider, server, before).await;
    mount_answer(provider, server, case.get("response")).await;

    let result = call(provider, server, op, case["args"].clone()).await;
    let sent = server.received_requests().await.unwrap_or_default().len();
    let mut problems = Vec::new();
    match result {
        Outcome::Ok(_) => {}
        Outcome::Invalid(error) => {
            problems.push(format!("refused by the argument checks: {error}"))
        }
        Outcome::Other(error) => problems.push(format!("the call failed: {error}")),
    }
    if sent != before.len() + 1 {
        problems.push(format!("expected exactly {} request(s), got {sent}", before.len() + 1));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Mounts the mock's answer: the case's `response` if given, else the provider's default
/// (GET requests get the `get` status, everything else the `other` one).
async fn mount_answer(provider: &Provider, server: &MockServer, response: Option<&Value>) {
    if let Some(spec) = response {
        Mock::given(any()).respond_with(support::response(spec).0).mount(server).await;
        return;
    }
    let (get, other) = provider.status;
    let body = (provider.body)().to_string();
    let answer = |status| {
        ResponseTemplate::new(status).set_body_raw(body.clone().into_bytes(), "application/json")
    };
    Mock::given(method("GET")).respond_with(answer(get)).with_priority(1).mount(server).await;
    Mock::given(any()).respond_with(answer(other)).with_priority(2).mount(server).await;
}
