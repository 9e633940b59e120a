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
