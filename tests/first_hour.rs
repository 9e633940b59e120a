//! A user's first hour (issue 13 items 7, 8, 10, 11): clients from environment variables,
//! one kind of credential per crate checked when the client is built, error helpers, JSON-RPC
//! errors that do not read as HTTP statuses, request ids that are not hex, and 1&1's one main
//! disk.
//!
//! The variables are read through `ClientBuilder::from_lookup`, never from the process
//! environment, so these tests cannot race; `from_env.rs` reads the real environment, alone
//! in its own test binary.

use std::collections::HashMap;
use std::env::VarError;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Result<String, VarError> {
    let map: HashMap<String, String> =
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    move |name| map.get(name).cloned().ok_or(VarError::NotPresent)
}

#[test]
fn each_crate_reads_its_documented_variables() {
    let pb = profitbricks::ClientBuilder::from_lookup(vars(&[
        ("PROFITBRICKS_USERNAME", "user@example.com"),
        ("PROFITBRICKS_PASSWORD", "secret-password"),
        ("PROFITBRICKS_API_URL", "http://127.0.0.1:9/cloudapi/v3/"),
    ]))
    .expect("all set")
    .build()
    .expect("valid settings");
    assert_eq!(pb.base_url(), "http://127.0.0.1:9/cloudapi/v3");

    let oa = oneandone::ClientBuilder::from_lookup(vars(&[("ONEANDONE_TOKEN", "secret-token")]))
        .expect("token set")
        .build()
        .expect("valid settings");
    assert_eq!(oa.base_url(), "https://cloudpanel-api.1and1.com/v1");
    let oa = oneandone::ClientBuilder::from_lookup(vars(&[
        ("ONEANDONE_TOKEN", "secret-token"),
        ("ONEANDONE_API_URL", "https://oneandone.example"),
    ]))
    .expect("token set");
    assert_eq!(oa.build().expect("valid").base_url(), "https://oneandone.example");

    let ms = memset::ClientBuilder::from_lookup(vars(&[
        ("MEMSET_API_KEY", KEY),
        ("MEMSET_API_URL", "https://api.example/v1"),
    ]))
    .expect("key set")
    .build()
    .expect("valid settings");
    assert_eq!(ms.base_url(), "https://api.example/v1");
}

#[test]
fn a_missing_empty_or_invalid_variable_is_named() {
    let error = profitbricks::ClientBuilder::from_lookup(vars(&[(
        "PROFITBRICKS_USERNAME",
        "user@example.com",
    )]))
    .expect_err("no password");
    assert_eq!(error, profitbricks::EnvError::Missing { variable: "PROFITBRICKS_PASSWORD" });
    assert!(error.to_string().contains("PROFITBRICKS_PASSWORD is not set"), "{error}");

    let error =
        oneandone::ClientBuilder::from_lookup(vars(&[("ONEANDONE_TOKEN", "")])).expect_err("empty");
    assert_eq!(error, oneandone::EnvError::Empty { variable: "ONEANDONE_TOKEN" });

    let error = oneandone::ClientBuilder::from_lookup(vars(&[("ONEANDONE_TOKEN", "tok\n")]))
        .expect_err("line break");
    assert_eq!(error.variable(), Some("ONEANDONE_TOKEN"));
    assert!(error.to_string().contains("line break"), "{error}");

    let error = memset::ClientBuilder::from_lookup(vars(&[("MEMSET_API_KEY", "my-secret-key")]))
        .expect_err("not a key");
    assert_eq!(error.variable(), Some("MEMSET_API_KEY"));
    let text = error.to_string();
    assert!(text.contains("32 hexadecimal digits") && !text.contains("my-secret-key"), "{text}");

    let error = memset::ClientBuilder::from_lookup(vars(&[
        ("MEMSET_API_KEY", KEY),
        ("MEMSET_API_URL", "not a url"),
    ]))
    .expect_err("bad URL");
    assert_eq!(error.variable(), Some("MEMSET_API_URL"));

    // `?` turns it into the crate's Error
    fn through_question_mark() -> Result<memset::Client, memset::Error> {
        Ok(memset::ClientBuilder::from_lookup(vars(&[]))?.build()?)
    }
    let error = through_question_mark().expect_err("no key");
    assert!(error.to_string().contains("MEMSET_API_KEY is not set"), "{error}");
}

#[test]
fn every_crate_refuses_empty_and_line_broken_credentials_naming_what_is_wrong() {
    let refused = |result: Result<(), String>| result.expect_err("refused");
    let pb = |user: &str, password: &str| {
        profitbricks::Client::new(profitbricks::Credentials::basic(user, password))
            .map(drop)
            .map_err(|e| e.to_string())
    };
    assert!(refused(pb("", "secret-password")).contains("the user name is empty"));
    assert!(refused(pb("user", "")).contains("the password is empty"));
    let text = refused(pb("user", "secret-password\r\n"));
    assert!(
        text.contains("the password contains a line break") && !text.contains("secret"),
        "{text}"
    );
    assert!(pb("user", "secret-password").is_ok());

    let oa = |token: &str| {
        oneandone::Client::new(oneandone::Credentials::token(token))
            .map(drop)
            .map_err(|e| e.to_string())
    };
    assert!(refused(oa("")).contains("the API token is empty"));
    assert!(refused(oa("secret-token\n")).contains("the API token contains a line break"));

    let ms = |key: &str| {
        memset::Client::new(memset::Credentials::api_key(key)).map(drop).map_err(|e| e.to_string())
    };
    assert!(refused(ms("")).contains("the API key is empty"));
    let text = refused(ms("0123456789abcdef0123456789abcdeX"));
    assert!(
        text.contains("must be 32 hexadecimal digits") && !text.contains("0123456789"),
        "{text}"
    );
    assert!(refused(ms("0123456789abcdef")).contains("has 16 characters"));
    assert!(ms(KEY).is_ok());
    assert!(ms(&KEY.to_uppercase()).is_ok());
}

#[tokio::test]
async fn error_helpers_tell_not_found_rate_limited_and_unauthorized_apart() {
    let server = MockServer::start().await;
    Mock::given(path("/datacenters/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"httpStatus": 404, "messages": [{"errorCode": "309", "message": "Resource does not exist"}]}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/servers/s-1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"type": "UNAUTHORIZED", "message": "bad token"})),
        )
        .mount(&server)
        .await;
    // Memset throttles with HTTP 403 (ApiErrorThrottled), and says "does not exist" with 404
    Mock::given(path("/v1/json/server.info"))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            json!({"error_code": 12, "error_type": "ApiErrorThrottled", "error": "slow down"}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/v1/json/service.info"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"error_code": 15, "error_type": "ApiErrorServiceDoesNotExist", "error": "no such service"}),
        ))
        .mount(&server)
        .await;

    let pb = profitbricks::ClientBuilder::from_lookup(vars(&[
        ("PROFITBRICKS_USERNAME", "user"),
        ("PROFITBRICKS_PASSWORD", "password"),
        ("PROFITBRICKS_API_URL", &server.uri()),
    ]))
    .expect("set")
    .build()
    .expect("valid");
    let error = pb.get_datacenter("gone").await.expect_err("404");
    assert!(error.is_not_found() && !error.is_rate_limited() && !error.is_unauthorized());
    assert_eq!(error.category(), Some(profitbricks::ErrorCategory::NotFound));

    let oa = oneandone::Client::builder(oneandone::Credentials::token("token"))
        .base_url(server.uri())
        .build()
        .expect("valid");
    let error = oa.get_server("s-1").await.expect_err("401");
    assert!(error.is_unauthorized() && !error.is_not_found());

    let ms = memset::Client::builder(memset::Credentials::api_key(KEY))
        .base_url(format!("{}/v1", server.uri()))
        .retry_policy(memset::RetryPolicy::disabled())
        .build()
        .expect("valid");
    let error = ms.server().info("s").await.expect_err("throttled");
    assert!(error.is_rate_limited() && !error.is_unauthorized(), "{error:?}");
    let error = ms.service().info("s").await.expect_err("missing");
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test]
async fn a_json_rpc_error_in_a_batch_does_not_read_http_200() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/jsonrpc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"jsonrpc": "2.0", "id": 0, "error": {"code": 3, "message": "no such service", "data": {"error_type": "ApiErrorDoesNotExist"}}}
        ])))
        .mount(&server)
        .await;
    let ms = memset::Client::builder(memset::Credentials::api_key(KEY))
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid");
    let mut batch = ms.batch();
    let ticket = batch.add(ms.service().info("gone")).expect("valid");
    let error = batch.send().await.expect("answered").take(ticket).expect_err("an error");
    let text = error.to_string();
    assert!(text.starts_with("service.info: JSON-RPC error DoesNotExist"), "{text}");
    assert!(!text.contains("HTTP 200"), "{text}");
    assert!(error.is_not_found());
}

#[tokio::test]
async fn a_request_id_that_is_not_hex_is_still_taken_from_location() {
    let server = MockServer::start().await;
    let location = format!("{}/requests/req_2026-12-01.7/status", server.uri());
    Mock::given(method("POST"))
        .and(path("/datacenters"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", location.as_str())
                .set_body_json(json!({"id": "dc-1", "type": "datacenter", "href": "h"})),
        )
        .mount(&server)
        .await;
    let pb = profitbricks::Client::builder(profitbricks::Credentials::basic("user", "password"))
        .base_url(server.uri())
        .build()
        .expect("valid");
    let accepted = pb
        .create_datacenter(profitbricks::models::NewDatacenter::new("web", "de/fra"))
        .await
        .expect("accepted");
    assert_eq!(accepted.request_id(), Some("req_2026-12-01.7"));
}

#[tokio::test]
async fn create_server_needs_exactly_one_main_disk_and_sends_nothing_otherwise() {
    use oneandone::models::{NewHdd, NewServer};
    let server = MockServer::start().await;
    let oa = oneandone::Client::builder(oneandone::Credentials::token("token"))
        .base_url(server.uri())
        .build()
        .expect("valid");
    let new = || NewServer::new().name("web").vcore(1).cores_per_processor(1).ram(2.0);
    for hdds in [vec![NewHdd::new(40, true), NewHdd::new(40, true)], vec![NewHdd::new(40, false)]] {
        let error = oa.create_server(new(), hdds).await.expect_err("refused");
        let text = error.to_string();
        assert!(
            text.contains("'hdds'") && text.contains("exactly one item with is_main = true"),
            "{text}"
        );
    }
    assert!(server.received_requests().await.unwrap_or_default().is_empty());
}

#[test]
fn each_crates_docs_cover_env_tracing_tls_features_and_timeouts() {
    let cases = [
        (
            "profitbricks",
            &["PROFITBRICKS_USERNAME", "PROFITBRICKS_PASSWORD", "PROFITBRICKS_API_URL"][..],
        ),
        ("oneandone", &["ONEANDONE_TOKEN", "ONEANDONE_API_URL"][..]),
        ("memset", &["MEMSET_API_KEY", "MEMSET_API_URL"][..]),
    ];
    for (name, variables) in cases {
        let file =
            format!("{}/../crates/{name}/src/generated/OVERVIEW.md", env!("CARGO_MANIFEST_DIR"));
        let docs = std::fs::read_to_string(&file).expect("the overview");
        for needle in variables.iter().copied().chain([
            "# Tracing",
            format!("`RUST_LOG={name}=debug`").as_str(),
            "sdk_attempt",
            "# TLS and cargo features",
            "`native-tls`",
            "`rustls`",
            "# Timeouts and retries",
            "ClientBuilder::total_timeout",
            "Client::from_env",
        ]) {
            assert!(docs.contains(needle), "{file} does not mention {needle}");
        }
    }
}
