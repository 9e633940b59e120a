//! Memset batches: typed calls go out as JSON-RPC 2.0 batches of at most 100 to
//! `<base_url>/jsonrpc`, and each answer, result or error, comes back to its own call.

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "0123456789abcdef0123456789abcdef";

/// Answers every call of a batch: `service.info` with a service named after its `name`
/// parameter, anything else with an error naming the method; answers go out in reverse
/// order, as JSON-RPC allows.
struct Echo;

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let calls: Vec<Value> = serde_json::from_slice(&request.body).unwrap_or_default();
        let answers: Vec<Value> = calls
            .iter()
            .rev()
            .map(|call| match call["method"].as_str() {
                Some("service.info") => json!({"jsonrpc": "2.0", "id": call["id"], "result": {"name": call["params"]["name"], "status": "LIVE"}}),
                other => json!({"jsonrpc": "2.0", "id": call["id"], "error": {"code": 3, "message": format!("no {other:?} here"), "data": {"error_type": "ApiErrorDoesNotExist"}}}),
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(answers)
    }
}

async fn server() -> (MockServer, memset::Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/jsonrpc")).respond_with(Echo).mount(&server).await;
    let client = memset::Client::builder(memset::Credentials::api_key(KEY))
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid settings");
    (server, client)
}

async fn sent_batches(server: &MockServer) -> Vec<Vec<Value>> {
    let requests = server.received_requests().await.unwrap_or_default();
    requests.iter().map(|r| serde_json::from_slice(&r.body).expect("a JSON batch")).collect()
}

#[tokio::test]
async fn each_answer_reaches_its_own_call() {
    let (server, ms) = server().await;
    let mut batch = ms.batch();
    let first = batch.add(ms.service().info("alpha")).expect("valid");
    let missing = batch.add(ms.server().info("gone")).expect("valid");
    let second = batch.add(ms.service().info("beta")).expect("valid");
    let mut results = batch.send().await.expect("the batch was answered");

    assert_eq!(results.take(first).expect("a service").name, "alpha");
    assert_eq!(results.take(second).expect("a service").name, "beta");
    let error = results.take(missing).expect_err("an error answer");
    assert_eq!(error.kind(), Some(&memset::ErrorKind::DoesNotExist));
    assert_eq!(error.api_error().and_then(|e| e.code.as_deref()), Some("3"));

    let batches = sent_batches(&server).await;
    assert_eq!(batches.len(), 1);
    assert_eq!(
        batches[0][0],
        json!({"jsonrpc": "2.0", "method": "service.info", "params": {"name": "alpha"}, "id": 0})
    );
    assert_eq!(
        batches[0][1],
        json!({"jsonrpc": "2.0", "method": "server.info", "params": {"name": "gone"}, "id": 1})
    );
    let request = &server.received_requests().await.unwrap_or_default()[0];
    let auth = request.headers.get("authorization").and_then(|v| v.to_str().ok());
    assert_eq!(auth, Some("Basic MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY6eA=="));
}

#[tokio::test]
async fn more_than_a_hundred_calls_are_split() {
    let (server, ms) = server().await;
    let mut batch = ms.batch();
    let tickets: Vec<_> =
        (0..250).map(|i| batch.add(ms.service().info(format!("s{i}"))).expect("valid")).collect();
    let mut results = batch.send().await.expect("answered");
    let sizes: Vec<usize> = sent_batches(&server).await.iter().map(Vec::len).collect();
    assert_eq!(sizes, [100, 100, 50]);
    for (i, ticket) in tickets.into_iter().enumerate() {
        assert_eq!(results.take(ticket).expect("a service").name, format!("s{i}"));
    }
}

#[tokio::test]
async fn a_broken_rule_keeps_the_call_out_of_the_batch() {
    let (server, ms) = server().await;
    let mut batch = ms.batch();
    let error =
        batch.add(ms.service().info("bad name!")).expect_err("'!' is not allowed in service names");
    assert_eq!((error.operation.as_str(), error.field.as_str()), ("service.info", "name"));
    assert!(batch.is_empty());
    let _ = batch.send().await.expect("an empty batch sends nothing");
    assert!(sent_batches(&server).await.is_empty());
}

/// The documented error types with their codes (memset-wire.md §5) and the kind each must
/// become, also inside a batch.
const DOCUMENTED: [(&str, u32, memset::ErrorKind); 17] = {
    use memset::ErrorKind::*;
    [
        ("ApiError", 1, General),
        ("ApiErrorInternalError", 2, InternalError),
        ("ApiErrorDoesNotExist", 3, DoesNotExist),
        ("ApiErrorAccountDoesNotExist", 14, AccountDoesNotExist),
        ("ApiErrorServiceDoesNotExist", 15, ServiceDoesNotExist),
        ("ApiErrorForbidden", 4, Forbidden),
        ("ApiErrorMethodNotFound", 5, MethodNotFound),
        ("ApiErrorAlreadyInProgress", 6, AlreadyInProgress),
        ("ApiErrorBadParameters", 7, BadParameters),
        ("ApiErrorNotUnique", 8, NotUnique),
        ("ApiErrorPreconditionFailed", 9, PreconditionFailed),
        ("ApiErrorNotAuthorized", 10, NotAuthorized),
        ("ApiErrorPartnerOnly", 16, PartnerOnly),
        ("ApiErrorPartnerRestriction", 17, PartnerRestriction),
        ("ApiErrorServiceTemporarilyUnavailable", 11, ServiceTemporarilyUnavailable),
        ("ApiErrorThrottled", 12, Throttled),
        ("ApiErrorOverquota", 13, Overquota),
    ]
};

/// Answers each call of a batch with the error its `name` asks for: `code-N` a JSON-RPC error
/// with code N and no data (as the documentation's "same codes" promise), `type-T` one whose
/// `data.error_type` is T and whose code is JSON-RPC's generic server error.
struct Errors;

impl Respond for Errors {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let calls: Vec<Value> = serde_json::from_slice(&request.body).unwrap_or_default();
        let answers: Vec<Value> = calls
            .iter()
            .map(|call| {
                let name = call["params"]["name"].as_str().unwrap_or_default();
                let error = if let Some(code) = name.strip_prefix("code-") {
                    json!({"code": code.parse::<u32>().unwrap_or(0), "message": format!("failed with {code}")})
                } else {
                    let error_type = name.strip_prefix("type-").unwrap_or_default();
                    json!({"code": -32000, "message": "server error", "data": {"error_type": error_type}})
                };
                json!({"jsonrpc": "2.0", "id": call["id"], "error": error})
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(answers)
    }
}

#[tokio::test]
async fn every_documented_error_is_its_kind_in_a_batch_by_code_and_by_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/jsonrpc")).respond_with(Errors).mount(&server).await;
    let ms = memset::Client::builder(memset::Credentials::api_key(KEY))
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid settings");
    let mut batch = ms.batch();
    let mut tickets = Vec::new();
    for (error_type, code, kind) in DOCUMENTED {
        // server.info names are free text: the rule check lets these through
        let by_code = batch.add(ms.server().info(format!("code-{code}"))).expect("valid");
        let by_type = batch.add(ms.server().info(format!("type-{error_type}"))).expect("valid");
        tickets.push((error_type, code, kind, by_code, by_type));
    }
    let unknown = batch.add(ms.server().info("code-99")).expect("valid");
    let mut results = batch.send().await.expect("the batch was answered");
    for (error_type, code, kind, by_code, by_type) in tickets {
        let error = results.take(by_code).expect_err("an error answer");
        assert_eq!(error.kind(), Some(&kind), "JSON-RPC code {code} ({error_type})");
        let api = error.api_error().expect("an API error");
        assert_eq!(
            (api.code.as_deref(), api.error_type.as_deref()),
            (Some(&*code.to_string()), None)
        );
        assert_eq!(api.message.as_deref(), Some(&*format!("failed with {code}")));
        let error = results.take(by_type).expect_err("an error answer");
        assert_eq!(error.kind(), Some(&kind), "JSON-RPC data.error_type {error_type}");
        let api = error.api_error().expect("an API error");
        assert_eq!(
            (api.code.as_deref(), api.error_type.as_deref()),
            (Some("-32000"), Some(error_type))
        );
    }
    let error = results.take(unknown).expect_err("an error answer");
    assert_eq!(error.kind(), Some(&memset::ErrorKind::Other), "an undocumented code");
}
