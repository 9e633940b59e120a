//! Errors keep what happened: invalid arguments fail before any request, API error answers
//! are classified into the provider's kinds with status, code, message, headers and body kept,
//! and undecodable answers are typed errors, never panics.

use std::path::PathBuf;

use profitbricks::models::{NewDatacenter, NewServer};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// A mock server answering every request with `response`.
async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    server
}

async fn profitbricks_client(server: &MockServer) -> profitbricks::Client {
    profitbricks::Client::builder(profitbricks::Credentials::basic("user", "secret-password"))
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

#[tokio::test]
async fn profitbricks_404_is_not_found_with_code_message_and_body() {
    let body = fixture("profitbricks/error_404_not_found.json");
    let server = server_answering(ResponseTemplate::new(404).set_body_string(body.clone())).await;
    let error = profitbricks_client(&server).await.get_datacenter("dc-1").await.expect_err("404");
    assert_eq!(error.kind(), Some(&profitbricks::ErrorKind::NotFound));
    let api = error.api_error().expect("an API error");
    assert_eq!((api.operation, api.status), ("get_datacenter", 404));
    assert_eq!(api.code.as_deref(), Some("309"));
    assert_eq!(api.message.as_deref(), Some("Resource does not exist"));
    assert_eq!(api.body, body);
    assert_eq!(
        error.to_string(),
        "get_datacenter: HTTP 404 NotFound (code 309): Resource does not exist"
    );
}

#[tokio::test]
async fn profitbricks_429_is_rate_limited_and_keeps_the_rate_limit_headers() {
    let body = r#"{"httpStatus": 429, "messages": [{"errorCode": "429", "message": "Too many requests"}]}"#;
    let response = ResponseTemplate::new(429)
        .set_body_string(body)
        .insert_header("X-RateLimit-Remaining", "0")
        .insert_header("X-RateLimit-Limit", "120");
    let server = server_answering(response).await;
    let error = profitbricks_client(&server).await.list_datacenters().await.expect_err("429");
    assert_eq!(error.kind(), Some(&profitbricks::ErrorKind::RateLimited));
    let api = error.api_error().expect("an API error");
    assert_eq!(
        (api.header("x-ratelimit-remaining"), api.header("X-RateLimit-Limit")),
        (Some("0"), Some("120"))
    );
}

#[tokio::test]
async fn memset_errors_are_classified_by_type_not_status() {
    let body = fixture("memset/service.info.error_404_ApiErrorDoesNotExist.json");
    let server = server_answering(ResponseTemplate::new(404).set_body_string(body)).await;
    let client =
        memset::Client::builder(memset::Credentials::api_key("0123456789abcdef0123456789abcdef"))
            .base_url(server.uri())
            .build()
            .expect("valid settings");
    let error = client.service().info("BADSERVERNAME").await.expect_err("404");
    assert_eq!(error.kind(), Some(&memset::ErrorKind::DoesNotExist));
    let api = error.api_error().expect("an API error");
    assert_eq!(
        (api.code.as_deref(), api.error_type.as_deref()),
        (Some("3"), Some("ApiErrorDoesNotExist"))
    );
    assert_eq!(api.message.as_deref(), Some("Couldn't find service with name 'BADSERVERNAME'"));

    // the same status with another type is another kind
    let body = json!({"error_type": "ApiErrorServiceDoesNotExist", "error_code": 15, "error": "No such service"}).to_string();
    let server = server_answering(ResponseTemplate::new(404).set_body_string(body)).await;
    let client =
        memset::Client::builder(memset::Credentials::api_key("0123456789abcdef0123456789abcdef"))
            .base_url(server.uri())
            .build()
            .expect("valid settings");
    let error = client.service().info("gone").await.expect_err("404");
    assert_eq!(error.kind(), Some(&memset::ErrorKind::ServiceDoesNotExist));
}

#[tokio::test]
async fn an_html_error_page_is_an_api_error_of_kind_other_with_the_page_kept() {
    let page = "<html><body>502 Bad Gateway</body></html>";
    let server = server_answering(ResponseTemplate::new(502).set_body_string(page)).await;
    let client = oneandone::Client::builder(oneandone::Credentials::token("token"))
        .base_url(server.uri())
        .build()
        .expect("valid settings");
    let error = client.get_server("s-1").await.expect_err("502");
    assert_eq!(error.kind(), Some(&oneandone::ErrorKind::Other));
    let api = error.api_error().expect("an API error");
    assert_eq!((api.status, api.message.as_deref(), api.body.as_str()), (502, None, page));
}

#[tokio::test]
async fn a_malformed_success_body_is_a_decode_error_keeping_status_and_body() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_string(r#"{"items": [ {"id": 7"#))
            .await;
    let error =
        profitbricks_client(&server).await.list_datacenters().await.expect_err("truncated JSON");
    match &error {
        cloud_sdks_runtime::Error::Decode { operation, status, body, .. } => {
            assert_eq!(
                (*operation, *status, body.as_str()),
                ("list_datacenters", 200, r#"{"items": [ {"id": 7"#)
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_broken_rule_fails_before_any_request_naming_the_field() {
    let server = server_answering(ResponseTemplate::new(202)).await;
    let client = profitbricks_client(&server).await;
    let datacenter =
        NewDatacenter::new("web", "de/fra").servers(vec![NewServer::new("app", 2, 1000)]);
    let error =
        client.create_datacenter(datacenter).await.expect_err("RAM is not a multiple of 256");
    assert_eq!(error.to_string(), "create_datacenter: invalid argument 'datacenter.servers[0].ram': must be a multiple of 256 (got 1000)");
    let error = client
        .create_datacenter(NewDatacenter::new("web/1", "de/fra"))
        .await
        .expect_err("'/' is forbidden in names");
    assert!(
        error.to_string().starts_with("create_datacenter: invalid argument 'datacenter.name': "),
        "{error}"
    );
    assert_eq!(request_count(&server).await, 0, "nothing may be sent");
}

#[tokio::test]
async fn dynamic_calls_reject_unknown_operations_and_misspelt_members() {
    let server = server_answering(ResponseTemplate::new(202)).await;
    let client = profitbricks_client(&server).await;
    let error = client.call("list_datacenter", json!({})).await.expect_err("no such operation");
    let known = profitbricks::Client::OPERATIONS.len();
    assert_eq!(error.to_string(), format!("list_datacenter: invalid argument 'operation': no operation is named 'list_datacenter' ({known} known); did you mean list_datacenters?"));
    let args = json!({"datacenter": {"name": "web", "location": "de/fra", "descripton": "typo"}});
    let error = client.call("create_datacenter", args).await.expect_err("misspelt member");
    assert!(error.to_string().contains("unknown field `descripton`"), "{error}");
    assert_eq!(request_count(&server).await, 0, "nothing may be sent");
}

#[test]
fn credentials_never_show_in_debug_output() {
    let client =
        profitbricks::Client::new(profitbricks::Credentials::basic("user", "secret-password"))
            .expect("valid settings");
    let text = format!("{client:?}");
    assert!(!text.contains("secret-password") && !text.contains("c2VjcmV0"), "{text}");
    let client = oneandone::Client::new(oneandone::Credentials::token("secret-token"))
        .expect("valid settings");
    assert!(!format!("{client:?}").contains("secret-token"));
}

#[tokio::test]
async fn profitbricks_statuses_map_to_their_kinds() {
    use profitbricks::ErrorKind::*;
    let cases = [
        (401, "315", NotAuthorized),
        (404, "309", NotFound),
        (422, "100", Validation),
        (429, "429", RateLimited),
        (403, "401", Other),
        (500, "301", Other),
    ];
    for (status, code, kind) in cases {
        let body = json!({"httpStatus": status, "messages": [{"errorCode": code, "message": "m"}]})
            .to_string();
        let server =
            server_answering(ResponseTemplate::new(status).set_body_string(body.clone())).await;
        let error = profitbricks_client(&server)
            .await
            .get_datacenter("dc-1")
            .await
            .expect_err("an error status");
        assert_eq!(error.kind(), Some(&kind), "HTTP {status}");
        let api = error.api_error().expect("an API error");
        assert_eq!(
            (api.status, api.code.as_deref(), api.body.as_str()),
            (status, Some(code), body.as_str())
        );
    }
}
