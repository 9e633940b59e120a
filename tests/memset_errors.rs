//! Every documented Memset error type (memset-wire.md §5, the documentation's Errors section)
//! becomes its own `memset::ErrorKind`, told apart by the body's `error_type` rather than the
//! HTTP status, or by its documented `error_code` when the answer names no type (or one the
//! documentation does not list), with status, code (as text), type, message and body kept; an
//! answer with neither a documented type nor a documented code is `ErrorKind::Other`.
//!
//! Run with `cargo test -p workspace-tests --test memset_errors`.

use std::collections::{BTreeMap, HashSet};

use memset::ErrorKind;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "0123456789abcdef0123456789abcdef";

/// The documented error types in the documentation's order: type, error code, HTTP status and
/// the kind each must become.
const DOCUMENTED: [(&str, u32, u16, ErrorKind); 17] = [
    ("ApiError", 1, 400, ErrorKind::General),
    ("ApiErrorInternalError", 2, 500, ErrorKind::InternalError),
    ("ApiErrorDoesNotExist", 3, 404, ErrorKind::DoesNotExist),
    ("ApiErrorAccountDoesNotExist", 14, 404, ErrorKind::AccountDoesNotExist),
    ("ApiErrorServiceDoesNotExist", 15, 404, ErrorKind::ServiceDoesNotExist),
    ("ApiErrorForbidden", 4, 403, ErrorKind::Forbidden),
    ("ApiErrorMethodNotFound", 5, 400, ErrorKind::MethodNotFound),
    ("ApiErrorAlreadyInProgress", 6, 400, ErrorKind::AlreadyInProgress),
    ("ApiErrorBadParameters", 7, 400, ErrorKind::BadParameters),
    ("ApiErrorNotUnique", 8, 400, ErrorKind::NotUnique),
    ("ApiErrorPreconditionFailed", 9, 412, ErrorKind::PreconditionFailed),
    ("ApiErrorNotAuthorized", 10, 401, ErrorKind::NotAuthorized),
    ("ApiErrorPartnerOnly", 16, 401, ErrorKind::PartnerOnly),
    ("ApiErrorPartnerRestriction", 17, 401, ErrorKind::PartnerRestriction),
    ("ApiErrorServiceTemporarilyUnavailable", 11, 503, ErrorKind::ServiceTemporarilyUnavailable),
    ("ApiErrorThrottled", 12, 403, ErrorKind::Throttled),
    ("ApiErrorOverquota", 13, 403, ErrorKind::Overquota),
];

/// A client that does not retry: these tests are about classifying one answer (retries of
/// 500 and 503 are in tests/reliability.rs).
fn client(server: &MockServer) -> memset::Client {
    memset::Client::builder(memset::Credentials::api_key(KEY))
        .base_url(format!("{}/v1", server.uri()))
        .retry_policy(memset::RetryPolicy::disabled())
        .build()
        .expect("valid settings")
}

/// Makes the mock answer `server.info` (only) with `status` and `body`.
async fn answer(server: &MockServer, status: u16, body: &str) {
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/v1/json/server.info"))
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_raw(body.as_bytes().to_vec(), "application/json"),
        )
        .mount(server)
        .await;
}

/// Calls `server.info` against an answer of `status` with `body`; the call must fail with an
/// API error after exactly one request.
async fn failing_call(server: &MockServer, status: u16, body: &str) -> memset::Error {
    answer(server, status, body).await;
    let error = client(server).server().info("myserver1").await.expect_err("an error answer");
    let sent = server.received_requests().await.map_or(0, |r| r.len());
    assert_eq!(sent, 1, "one request for HTTP {status} {body}");
    error
}

/// An error body as Memset writes it.
fn error_body(error_type: &str, code: Value, message: &str) -> String {
    json!({"error_type": error_type, "error_code": code, "error": message}).to_string()
}

#[tokio::test]
async fn every_documented_error_type_is_its_own_kind_keeping_status_code_type_and_message() {
    let server = MockServer::start().await;
    for (error_type, code, status, kind) in DOCUMENTED {
        let message = format!("{error_type} happened to 'myserver1'");
        let body = error_body(error_type, json!(code), &message);
        let error = failing_call(&server, status, &body).await;
        assert_eq!(error.kind(), Some(&kind), "{error_type} (HTTP {status})");
        let api = error
            .api_error()
            .unwrap_or_else(|| panic!("{error_type}: an API error, got {error:?}"));
        assert_eq!(api.operation, "server.info", "{error_type}");
        assert_eq!(api.status, status, "{error_type}");
        assert_eq!(
            api.code.as_deref(),
            Some(code.to_string().as_str()),
            "{error_type}: the code as text"
        );
        assert_eq!(api.error_type.as_deref(), Some(error_type), "{error_type}");
        assert_eq!(api.message.as_deref(), Some(message.as_str()), "{error_type}");
        assert_eq!(api.body, body, "{error_type}: the body is kept");
        assert_eq!(
            error.to_string(),
            format!(
                "server.info: HTTP {status} {kind:?} (type {error_type}, code {code}): {message}"
            ),
            "{error_type}"
        );
    }
}

#[test]
fn the_table_covers_every_kind_once() {
    let kinds: HashSet<ErrorKind> = DOCUMENTED.iter().map(|&(_, _, _, kind)| kind).collect();
    assert_eq!(kinds.len(), DOCUMENTED.len(), "17 distinct kinds");
    assert!(!kinds.contains(&ErrorKind::Other));
    let codes: HashSet<u32> = DOCUMENTED.iter().map(|&(_, code, _, _)| code).collect();
    assert_eq!(codes, (1..=17).collect::<HashSet<u32>>(), "error codes 1 to 17, each once");
}

#[tokio::test]
async fn an_unknown_error_type_is_other_with_everything_kept() {
    let server = MockServer::start().await;
    for (error_type, status) in [
        ("ApiErrorSomethingNew", 400),
        ("ApiErrorQuotaExceeded", 403),
        ("apierrordoesnotexist", 404),
        ("", 500),
    ] {
        let body = error_body(error_type, json!(99), "Something new went wrong");
        let error = failing_call(&server, status, &body).await;
        assert_eq!(error.kind(), Some(&ErrorKind::Other), "{error_type:?} (HTTP {status})");
        let api = error.api_error().expect("an API error");
        assert_eq!(api.status, status);
        assert_eq!(api.code.as_deref(), Some("99"));
        // a blank type counts as none (the runtime keeps no blank fields)
        assert_eq!(api.error_type.as_deref(), Some(error_type).filter(|t| !t.is_empty()));
        assert_eq!(api.message.as_deref(), Some("Something new went wrong"));
        assert_eq!(api.body, body);
    }
}

#[tokio::test]
async fn without_an_error_type_the_documented_code_gives_the_kind() {
    // The Errors section gives each type a unique code, the same in the JSON, JSON-RPC and
    // XML-RPC interfaces: an answer that names no type is classified by its code.
    let server = MockServer::start().await;
    for (error_type, code, status, kind) in DOCUMENTED {
        let message = format!("{error_type} without its name");
        let body = json!({"error_code": code, "error": message}).to_string();
        let error = failing_call(&server, status, &body).await;
        assert_eq!(error.kind(), Some(&kind), "code {code} (HTTP {status}) without a type");
        let api = error.api_error().expect("an API error");
        assert_eq!(
            (api.status, api.code.as_deref(), api.error_type.as_deref()),
            (status, Some(code.to_string().as_str()), None)
        );
        assert_eq!(api.message.as_deref(), Some(message.as_str()));
        assert_eq!(
            error.to_string(),
            format!("server.info: HTTP {status} {kind:?} (code {code}): {message}")
        );
        // the code as text, as some servers send it
        let body = json!({"error_code": code.to_string(), "error": "m"}).to_string();
        assert_eq!(failing_call(&server, status, &body).await.kind(), Some(&kind), "\"{code}\"");
    }
}

#[tokio::test]
async fn without_a_code_the_documented_type_gives_the_kind() {
    let server = MockServer::start().await;
    for (error_type, _, status, kind) in DOCUMENTED {
        let body = json!({"error_type": error_type, "error": "m"}).to_string();
        let error = failing_call(&server, status, &body).await;
        assert_eq!(error.kind(), Some(&kind), "{error_type} (HTTP {status}) without a code");
        assert_eq!(error.api_error().and_then(|api| api.code.as_deref()), None);
    }
}

#[tokio::test]
async fn a_known_type_wins_over_the_code_and_an_unknown_type_falls_back_to_it() {
    let server = MockServer::start().await;
    // a documented type decides, whatever code comes with it
    let body = error_body("ApiErrorDoesNotExist", json!(7), "m");
    assert_eq!(failing_call(&server, 404, &body).await.kind(), Some(&ErrorKind::DoesNotExist));
    // a type the documentation does not list cannot classify: the documented code does
    let body = error_body("ApiErrorSomethingNew", json!(12), "m");
    assert_eq!(failing_call(&server, 403, &body).await.kind(), Some(&ErrorKind::Throttled));
    // neither known: Other
    for code in [json!(0), json!(18), json!(-32601), json!("3x"), json!(3.5)] {
        let body = json!({"error_code": code, "error": "m"}).to_string();
        assert_eq!(
            failing_call(&server, 400, &body).await.kind(),
            Some(&ErrorKind::Other),
            "{code}"
        );
    }
    let body = json!({"error": "no type, no code"}).to_string();
    assert_eq!(failing_call(&server, 404, &body).await.kind(), Some(&ErrorKind::Other));
}

#[tokio::test]
async fn types_sharing_a_status_are_different_kinds() {
    let server = MockServer::start().await;
    let mut by_status: BTreeMap<u16, Vec<(&str, ErrorKind)>> = BTreeMap::new();
    for (error_type, code, status, _) in DOCUMENTED {
        let error = failing_call(&server, status, &error_body(error_type, json!(code), "m")).await;
        let kind = *error.kind().expect("an API error");
        by_status.entry(status).or_default().push((error_type, kind));
    }
    // The documented sharing: 400 ×5 (ApiError and four subtypes), 401 ×3, 403 ×3, 404 ×3.
    let shared: Vec<(u16, usize)> =
        by_status.iter().filter(|(_, v)| v.len() > 1).map(|(s, v)| (*s, v.len())).collect();
    assert_eq!(shared, vec![(400, 5), (401, 3), (403, 3), (404, 3)]);
    for (status, types) in &by_status {
        let kinds: HashSet<ErrorKind> = types.iter().map(|&(_, kind)| kind).collect();
        assert_eq!(kinds.len(), types.len(), "HTTP {status}: {types:?}");
    }
}

#[tokio::test]
async fn the_type_wins_over_a_status_it_is_not_documented_with() {
    let server = MockServer::start().await;
    let cases = [
        ("ApiErrorThrottled", 12, 429, ErrorKind::Throttled),
        ("ApiErrorBadParameters", 7, 422, ErrorKind::BadParameters),
        ("ApiErrorDoesNotExist", 3, 400, ErrorKind::DoesNotExist),
        ("ApiErrorForbidden", 4, 401, ErrorKind::Forbidden),
        ("ApiErrorNotAuthorized", 10, 403, ErrorKind::NotAuthorized),
        ("ApiErrorInternalError", 2, 502, ErrorKind::InternalError),
    ];
    for (error_type, code, status, kind) in cases {
        let error = failing_call(&server, status, &error_body(error_type, json!(code), "m")).await;
        assert_eq!(error.kind(), Some(&kind), "{error_type} at HTTP {status}");
        assert_eq!(error.api_error().map(|api| api.status), Some(status));
    }
}

#[tokio::test]
async fn a_code_sent_as_text_is_kept_as_that_text() {
    let server = MockServer::start().await;
    let body = error_body("ApiErrorBadParameters", json!("7"), "Bad parameters: name");
    let error = failing_call(&server, 400, &body).await;
    assert_eq!(error.kind(), Some(&ErrorKind::BadParameters));
    assert_eq!(error.api_error().and_then(|api| api.code.as_deref()), Some("7"));
}

#[tokio::test]
async fn the_dynamic_entry_point_classifies_the_same_way() {
    let server = MockServer::start().await;
    for (error_type, code, status, kind) in DOCUMENTED {
        answer(&server, status, &error_body(error_type, json!(code), "m")).await;
        let error = client(&server)
            .call("server.info", json!({"name": "myserver1"}))
            .await
            .expect_err("an error answer");
        assert_eq!(error.kind(), Some(&kind), "{error_type} through Client::call");
        assert_eq!(
            error.api_error().and_then(|api| api.code.as_deref()),
            Some(code.to_string().as_str())
        );
    }
}
