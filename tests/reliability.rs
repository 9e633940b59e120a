//! Fault injection against local servers: rate limits, 5xx storms, stalls, resets, hostile
//! and huge bodies. Every call ends in a success or a typed error, never a panic or a hang;
//! what is retried is retried within bounds, what is not idempotent is not. RELIABILITY.md
//! names the test for each scenario.
//!
//! Run with `cargo test -p workspace-tests --test reliability`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use cloud_sdks_runtime::{Error, RetryPolicy, TimeoutKind};
use profitbricks::models::{NewDatacenter, ResourceType};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MEMSET_KEY: &str = "0123456789abcdef0123456789abcdef";

/// Retries without noticeable pauses: `attempts` in all, backoff of at most 20 ms.
fn quick(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(20))
}

fn pb(base: &str, policy: RetryPolicy) -> profitbricks::Client {
    profitbricks::Client::builder(profitbricks::Credentials::basic("user", "secret-password"))
        .base_url(base)
        .retry_policy(policy)
        .build()
        .expect("valid settings")
}

fn oa(base: &str, policy: RetryPolicy) -> oneandone::Client {
    oneandone::Client::builder(oneandone::Credentials::token("secret-token"))
        .base_url(base)
        .retry_policy(policy)
        .build()
        .expect("valid settings")
}

fn ms(base: &str, policy: RetryPolicy) -> memset::Client {
    memset::Client::builder(memset::Credentials::api_key(MEMSET_KEY))
        .base_url(format!("{base}/v1"))
        .retry_policy(policy)
        .build()
        .expect("valid settings")
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

fn datacenter() -> serde_json::Value {
    json!({"id": "dc-1", "type": "datacenter", "href": "https://api/datacenters/dc-1", "properties": {"name": "web", "location": "de/fra"}})
}

/// Answers `first` for `times` requests, then `then` for every other.
async fn answering(first: ResponseTemplate, times: u64, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(first).up_to_n_times(times).mount(&server).await;
    Mock::given(any()).respond_with(then).mount(&server).await;
    server
}

// ---------------------------------------------------------------------------------------------
// Retries: rate limits

#[tokio::test]
async fn a_429_with_retry_after_then_success_is_one_call_of_two_attempts() {
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "1").set_body_string(
        r#"{"httpStatus":429,"messages":[{"errorCode":"429","message":"Too many requests"}]}"#,
    );
    let server =
        answering(limited, 1, ResponseTemplate::new(200).set_body_json(datacenter())).await;
    let started = Instant::now();
    let dc = pb(&server.uri(), RetryPolicy::default())
        .get_datacenter("dc-1")
        .await
        .expect("the second attempt succeeds");
    assert_eq!(dc.id, "dc-1");
    assert_eq!(requests(&server).await, 2, "one call, two attempts");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited as asked: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let server = answering(
        ResponseTemplate::new(503).insert_header("Retry-After", date.as_str()),
        1,
        ResponseTemplate::new(200).set_body_json(datacenter()),
    )
    .await;
    let started = Instant::now();
    pb(&server.uri(), RetryPolicy::default())
        .get_datacenter("dc-1")
        .await
        .expect("the second attempt succeeds");
    assert_eq!(requests(&server).await, 2);
    // the date has whole seconds: between 1 and 2 s from now
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn oneandone_x_rate_limit_reset_is_honoured() {
    let limited = ResponseTemplate::new(429)
        .insert_header("X-Rate-Limit-Limit", "25")
        .insert_header("X-Rate-Limit-Remaining", "0")
        .insert_header("X-Rate-Limit-Reset", "1")
        .set_body_json(json!({"type": "RATE_LIMIT", "message": "Too many requests"}));
    let server = answering(limited, 1, ResponseTemplate::new(200).set_body_json(json!([]))).await;
    let started = Instant::now();
    let servers = oa(&server.uri(), RetryPolicy::default())
        .list_servers()
        .await
        .expect("the second attempt succeeds");
    assert!(servers.is_empty());
    assert_eq!(requests(&server).await, 2);
    assert!(started.elapsed() >= Duration::from_millis(950), "{:?}", started.elapsed());
}

#[tokio::test]
async fn profitbricks_rate_limit_headers_are_honoured() {
    // nothing left of 120 requests a minute: the next one is free after 0.5 s
    let limited = ResponseTemplate::new(429)
        .insert_header("X-RateLimit-Limit", "120")
        .insert_header("X-RateLimit-Remaining", "0")
        .insert_header("X-RateLimit-Burst", "50");
    let server =
        answering(limited, 1, ResponseTemplate::new(200).set_body_json(datacenter())).await;
    let started = Instant::now();
    pb(&server.uri(), RetryPolicy::default())
        .get_datacenter("dc-1")
        .await
        .expect("the second attempt succeeds");
    assert_eq!(requests(&server).await, 2);
    assert!(started.elapsed() >= Duration::from_millis(450), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_server_asking_to_wait_longer_than_max_wait_gets_its_answer_back_at_once() {
    let server = answering(
        ResponseTemplate::new(429).insert_header("Retry-After", "3600"),
        10,
        ResponseTemplate::new(200),
    )
    .await;
    let started = Instant::now();
    let error = pb(&server.uri(), RetryPolicy::default().max_wait(Duration::from_secs(30)))
        .get_datacenter("dc-1")
        .await
        .expect_err("not waiting an hour");
    assert_eq!(error.kind(), Some(&profitbricks::ErrorKind::RateLimited));
    assert_eq!(error.attempts(), Some(1));
    assert_eq!(
        error.api_error().and_then(|e| e.header("retry-after")),
        Some("3600"),
        "the server's answer is kept"
    );
    assert_eq!(requests(&server).await, 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

// ---------------------------------------------------------------------------------------------
// Retries: 5xx storms, idempotence

#[tokio::test]
async fn a_503_storm_beyond_the_attempt_limit_is_a_typed_error_with_the_attempt_count() {
    let server = answering(
        ResponseTemplate::new(503).set_body_string("<html>maintenance</html>"),
        u64::MAX,
        ResponseTemplate::new(200),
    )
    .await;
    let started = Instant::now();
    let error = pb(&server.uri(), quick(4))
        .list_datacenters()
        .await
        .expect_err("the storm outlasts the attempts");
    assert_eq!(requests(&server).await, 4);
    assert_eq!(error.attempts(), Some(4));
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.kind(), Some(&profitbricks::ErrorKind::Other));
    assert_eq!(
        error.api_error().map(|e| e.body.as_str()),
        Some("<html>maintenance</html>"),
        "the last answer is kept"
    );
    assert_eq!(error.to_string(), "list_datacenters: HTTP 503 Other; gave up after 4 attempts");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "backoff is capped: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn exactly_429_500_502_503_and_504_are_retried() {
    for status in [429, 500, 502, 503, 504, 400, 401, 403, 404, 409, 422, 501, 505] {
        let server = answering(
            ResponseTemplate::new(status),
            1,
            ResponseTemplate::new(200).set_body_json(datacenter()),
        )
        .await;
        let result = pb(&server.uri(), quick(2)).get_datacenter("dc-1").await;
        let retried = [429, 500, 502, 503, 504].contains(&status);
        assert_eq!(result.is_ok(), retried, "HTTP {status}");
        assert_eq!(requests(&server).await, if retried { 2 } else { 1 }, "HTTP {status}");
    }
}

#[tokio::test]
async fn a_post_that_fails_with_503_is_not_retried() {
    let server = answering(ResponseTemplate::new(503), u64::MAX, ResponseTemplate::new(202)).await;
    let error = pb(&server.uri(), quick(5))
        .create_datacenter(NewDatacenter::new("web", "de/fra"))
        .await
        .expect_err("503");
    assert_eq!(requests(&server).await, 1, "a create is never sent twice");
    assert_eq!((error.status(), error.attempts()), (Some(503), Some(1)));
    // the same for a PATCH, and for Memset writes (POSTs without the idempotent mark)
    let server = answering(ResponseTemplate::new(503), u64::MAX, ResponseTemplate::new(202)).await;
    pb(&server.uri(), quick(5)).update_datacenter("dc-1").name("renamed").await.expect_err("503");
    assert_eq!(requests(&server).await, 1);
    let server = answering(ResponseTemplate::new(503), u64::MAX, ResponseTemplate::new(200)).await;
    ms(&server.uri(), quick(5)).server().reboot("myserver1").await.expect_err("503");
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn memset_read_only_methods_are_retried_although_they_are_posts() {
    let info = json!({"name": "myserver1", "status": "LIVE"});
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/json/server.info"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/json/server.info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(info))
        .mount(&server)
        .await;
    let answer = ms(&server.uri(), quick(3))
        .server()
        .info("myserver1")
        .await
        .expect("retried after the 500");
    assert_eq!(answer.name, "myserver1");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_put_the_spec_marks_not_idempotent_is_not_retried() {
    use oneandone::models::{ServerAction, ServerActionMethod};
    let server = answering(ResponseTemplate::new(503), u64::MAX, ResponseTemplate::new(202)).await;
    let client = oa(&server.uri(), quick(5));
    client
        .modify_server_status("s-1", ServerAction::Reboot, ServerActionMethod::Software)
        .await
        .expect_err("503");
    assert_eq!(requests(&server).await, 1, "a reboot is never sent twice");
    // an ordinary PUT is retried
    client.modify_server("s-1", "web").await.expect_err("503 every time");
    assert_eq!(requests(&server).await, 1 + 5);
}

#[tokio::test]
async fn connection_refused_is_retried_then_a_typed_error_even_for_a_post() {
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("addr"))
    };
    let error = pb(&closed, quick(3))
        .create_datacenter(NewDatacenter::new("web", "de/fra"))
        .await
        .expect_err("nobody listens");
    match &error {
        Error::Transport { source, attempts, .. } => {
            assert!(source.is_connect(), "{source:?}");
            assert_eq!(*attempts, 3, "nothing was sent, so even a create may go again");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(error.to_string().starts_with("create_datacenter: could not connect"), "{error}");
    assert!(error.to_string().ends_with("; gave up after 3 attempts"), "{error}");
}

#[tokio::test]
async fn retries_stop_when_the_overall_timeout_would_pass() {
    let server = answering(
        ResponseTemplate::new(503).insert_header("Retry-After", "1"),
        u64::MAX,
        ResponseTemplate::new(200),
    )
    .await;
    let client = profitbricks::Client::builder(profitbricks::Credentials::basic("u", "p"))
        .base_url(server.uri())
        .retry_policy(RetryPolicy::default().max_attempts(10))
        .total_timeout(Duration::from_millis(1500))
        .build()
        .expect("valid settings");
    let started = Instant::now();
    let error = client.list_datacenters().await.expect_err("503 throughout");
    // attempt 1 at 0 s, attempt 2 at 1 s; a third would start after the 1.5 s limit
    assert_eq!(error.attempts(), Some(2));
    assert_eq!(error.status(), Some(503));
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// Timeouts

#[tokio::test]
async fn a_server_that_stalls_before_answering_hits_the_attempt_timeout() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(datacenter())
                .set_delay(Duration::from_secs(10)),
        )
        .mount(&server)
        .await;
    let client = profitbricks::Client::builder(profitbricks::Credentials::basic("u", "p"))
        .base_url(server.uri())
        .retry_policy(quick(2))
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .expect("valid settings");
    let started = Instant::now();
    let error = client.get_datacenter("dc-1").await.expect_err("too slow");
    assert!(
        matches!(error, Error::Timeout { kind: TimeoutKind::Attempt, limit: Some(limit), attempts: 2, .. } if limit == Duration::from_millis(300)),
        "{error:?}"
    );
    assert!(error.is_timeout());
    assert_eq!(error.to_string(), "get_datacenter: no complete answer in time (attempt timeout of 0.3 s); gave up after 2 attempts");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_server_that_stalls_mid_body_hits_the_attempt_timeout() {
    let base = raw_server(2, |mut stream| {
        read_request(&mut stream);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\": \"dc-1\", ");
        let _ = stream.flush();
        thread::sleep(Duration::from_secs(5));
    });
    let client = profitbricks::Client::builder(profitbricks::Credentials::basic("u", "p"))
        .base_url(&base)
        .retry_policy(quick(2))
        .attempt_timeout(Duration::from_millis(400))
        .build()
        .expect("valid settings");
    let started = Instant::now();
    let error = client.get_datacenter("dc-1").await.expect_err("the body never ends");
    assert!(
        matches!(error, Error::Timeout { kind: TimeoutKind::Attempt, attempts: 2, .. }),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
}

#[tokio::test]
async fn the_overall_timeout_cuts_a_stalled_attempt_short() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let client = oneandone::Client::builder(oneandone::Credentials::token("t"))
        .base_url(server.uri())
        .attempt_timeout(Duration::from_secs(30))
        .total_timeout(Duration::from_millis(300))
        .build()
        .expect("valid settings");
    let started = Instant::now();
    let error = client.get_server("s-1").await.expect_err("too slow");
    assert!(
        matches!(error, Error::Timeout { kind: TimeoutKind::Total, attempts: 1, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "get_server: the call ran out of time (overall timeout of 0.3 s)"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_connection_that_is_never_accepted_hits_the_connect_timeout() {
    // a listener with a backlog of 0 whose one queue slot is taken: further connections are
    // neither accepted nor refused, so connecting stalls
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().expect("address")).expect("bind");
    let listener = socket.listen(0).expect("listen");
    let address = listener.local_addr().expect("addr");
    let _queued = TcpStream::connect(address).expect("fills the queue");
    let client = memset::Client::builder(memset::Credentials::api_key(MEMSET_KEY))
        .base_url(format!("http://{address}/v1"))
        .retry_policy(quick(2))
        .connect_timeout(Duration::from_millis(300))
        .build()
        .expect("valid settings");
    let started = Instant::now();
    let error = client.server().info("myserver1").await.expect_err("cannot connect");
    assert!(
        matches!(error, Error::Timeout { kind: TimeoutKind::Connect, limit: Some(limit), attempts: 2, .. } if limit == Duration::from_millis(300)),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("server.info: could not connect in time (connect timeout of 0.3 s)"),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    drop(listener);
}

// ---------------------------------------------------------------------------------------------
// Broken connections

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_transport_error_and_retried() {
    let base = raw_server(2, |mut stream| {
        read_request(&mut stream);
        let _ =
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"id\": \"dc-1\", ");
        // dropping the stream closes the connection 985 bytes early
    });
    let error = pb(&base, quick(2)).get_datacenter("dc-1").await.expect_err("incomplete body");
    match &error {
        Error::Transport { attempts, .. } => assert_eq!(*attempts, 2),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(
        error.to_string().starts_with("get_datacenter: could not read the response")
            || error.to_string().starts_with("get_datacenter: request failed"),
        "{error}"
    );
}

#[tokio::test]
async fn a_reset_connection_is_a_transport_error() {
    // closing a socket with unread data makes the kernel send RST instead of FIN
    let base = raw_server(3, |stream| {
        thread::sleep(Duration::from_millis(50));
        drop(stream);
    });
    let error = oa(&base, quick(3)).get_server("s-1").await.expect_err("reset");
    assert!(matches!(error, Error::Transport { attempts: 3, .. }), "{error:?}");
}

#[tokio::test]
async fn a_reset_after_a_partial_answer_is_a_transport_error() {
    let base = raw_server(1, |stream| {
        let mut writer = stream;
        let _ = writer.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n[{\"id\":");
        let _ = writer.flush();
        thread::sleep(Duration::from_millis(50));
        // the request was never read: dropping resets the connection
    });
    let error =
        oa(&base, RetryPolicy::disabled()).list_servers().await.expect_err("reset mid-body");
    assert!(matches!(error, Error::Transport { attempts: 1, .. }), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// Hostile bodies

async fn pb_answering(response: ResponseTemplate) -> (MockServer, profitbricks::Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    let client = pb(&server.uri(), RetryPolicy::disabled());
    (server, client)
}

fn decode_message(error: &profitbricks::Error) -> &str {
    match error {
        Error::Decode { message, .. } => message,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_keeping_the_body() {
    let (_server, client) = pb_answering(
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"id": "dc-1", "type": "datac"#, "application/json"),
    )
    .await;
    let error = client.get_datacenter("dc-1").await.expect_err("truncated");
    assert!(
        decode_message(&error).starts_with("expected Datacenter: EOF while parsing"),
        "{error}"
    );
    assert!(
        matches!(&error, Error::Decode { body, status: 200, .. } if body == r#"{"id": "dc-1", "type": "datac"#)
    );
}

#[tokio::test]
async fn invalid_json_and_binary_garbage_are_decode_errors() {
    for body in
        [&b"{id: dc-1}"[..], b"\xff\xfe\x00garbage", b"[1, 2,]", b"{\"id\": \"dc-1\"} trailing"]
    {
        let (_server, client) = pb_answering(
            ResponseTemplate::new(200).set_body_raw(body.to_vec(), "application/json"),
        )
        .await;
        let error = client.get_datacenter("dc-1").await.expect_err("not JSON");
        assert!(decode_message(&error).starts_with("expected Datacenter: "), "{error}");
    }
}

#[tokio::test]
async fn a_wrong_content_type_is_named_in_the_decode_error() {
    let (_server, client) = pb_answering(
        ResponseTemplate::new(200).set_body_raw("<datacenter id=\"dc-1\"/>", "application/xml"),
    )
    .await;
    let error = client.get_datacenter("dc-1").await.expect_err("XML");
    assert!(
        decode_message(&error).starts_with(
            "expected Datacenter (got Content-Type application/xml, not JSON): expected value"
        ),
        "{error}"
    );
    // the label alone decides nothing: JSON sent as text/plain still decodes
    let (_server, client) = pb_answering(
        ResponseTemplate::new(200).set_body_raw(datacenter().to_string(), "text/plain"),
    )
    .await;
    assert_eq!(client.get_datacenter("dc-1").await.expect("JSON is JSON").id, "dc-1");
}

#[tokio::test]
async fn an_html_error_page_with_a_success_status_is_a_decode_error() {
    let page = "<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>";
    let (_server, client) =
        pb_answering(ResponseTemplate::new(200).set_body_raw(page, "text/html; charset=utf-8"))
            .await;
    let error = client.list_datacenters().await.expect_err("HTML");
    assert!(
        decode_message(&error).contains("got Content-Type text/html, an HTML page, not JSON"),
        "{error}"
    );
    assert!(matches!(&error, Error::Decode { body, .. } if body == page), "the page is kept");
}

#[tokio::test]
async fn an_html_error_page_with_an_error_status_is_an_api_error_keeping_the_page() {
    let page = "<html><body>502 Bad Gateway</body></html>";
    let server = answering(
        ResponseTemplate::new(502).set_body_raw(page, "text/html"),
        u64::MAX,
        ResponseTemplate::new(200),
    )
    .await;
    let error = ms(&server.uri(), quick(2)).service().list().await.expect_err("502");
    assert_eq!(error.kind(), Some(&memset::ErrorKind::Other));
    let api = error.api_error().expect("an API error");
    assert_eq!(
        (api.status, api.body.as_str(), api.message.as_deref(), api.attempts),
        (502, page, None, 2)
    );
}

#[tokio::test]
async fn an_empty_body_where_json_is_due_is_a_decode_error() {
    let (_server, client) = pb_answering(ResponseTemplate::new(200)).await;
    let error = client.get_datacenter("dc-1").await.expect_err("empty");
    assert_eq!(decode_message(&error), "expected Datacenter, got an empty body");
}

#[tokio::test]
async fn unknown_enum_values_and_extra_members_decode() {
    let body = json!({
        "id": "dc-1", "type": "hologram", "href": "https://api/datacenters/dc-1",
        "introducedIn2030": {"nested": [1, 2, 3]},
        "properties": {"name": "web", "location": "de/fra", "quantumCores": 4096},
    });
    let (_server, client) = pb_answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let dc = client.get_datacenter("dc-1").await.expect("a newer server's answer still decodes");
    assert_eq!(dc.r#type, ResourceType::Unknown("hologram".into()));
    assert_eq!(dc.properties.and_then(|p| p.name).as_deref(), Some("web"));
}

#[tokio::test]
async fn a_missing_required_member_is_a_decode_error_naming_it_and_missing_optional_ones_are_none()
{
    let (_server, client) = pb_answering(
        ResponseTemplate::new(200).set_body_json(json!({"id": "dc-1", "type": "datacenter"})),
    )
    .await;
    let error = client.get_datacenter("dc-1").await.expect_err("href is required");
    assert!(decode_message(&error).contains("missing field `href`"), "{error}");
    let (_server, client) = pb_answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({"id": "dc-1", "type": "datacenter", "href": "h"})),
    )
    .await;
    let dc = client.get_datacenter("dc-1").await.expect("optional members may be missing");
    assert_eq!((dc.metadata, dc.properties, dc.entities), (None, None, None));
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_a_typed_error() {
    let big = format!("[{}]", vec![r#"{"id":"s"}"#; 20_000].join(","));
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, "application/json"))
        .mount(&server)
        .await;
    let client = oneandone::Client::builder(oneandone::Credentials::token("t"))
        .base_url(server.uri())
        .max_response_bytes(64 * 1024)
        .build()
        .expect("valid settings");
    let error = client.list_servers().await.expect_err("too large");
    assert!(
        matches!(error, Error::ResponseTooLarge { status: 200, limit: 65536, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "list_servers: the HTTP 200 response body is larger than the limit of 65536 bytes"
    );
    assert_eq!(requests(&server).await, 1, "not retried");
}

#[tokio::test]
async fn a_chunked_body_without_a_length_is_cut_at_the_size_limit() {
    // an endless chunked body: reading must stop at the limit instead of filling memory
    let base = raw_server(1, |mut stream| {
        read_request(&mut stream);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        let chunk = format!("{:x}\r\n{}\r\n", 4096, "x".repeat(4096));
        for _ in 0..10_000 {
            if stream.write_all(chunk.as_bytes()).is_err() {
                return; // the client hung up, as it should
            }
        }
    });
    let client = memset::Client::builder(memset::Credentials::api_key(MEMSET_KEY))
        .base_url(format!("{base}/v1"))
        .max_response_bytes(100_000)
        .build()
        .expect("valid settings");
    let started = Instant::now();
    let error = client.service().list().await.expect_err("too large");
    assert!(matches!(error, Error::ResponseTooLarge { limit: 100_000, .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn responses_within_the_default_limit_are_read_whole() {
    // a 2 MiB list decodes with the default settings
    let items: Vec<serde_json::Value> =
        (0..20_000).map(|i| json!({"id": format!("s-{i}"), "name": "x".repeat(80)})).collect();
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(items))
        .mount(&server)
        .await;
    let servers =
        oa(&server.uri(), RetryPolicy::default()).list_servers().await.expect("within the limit");
    assert_eq!(servers.len(), 20_000);
}

// ---------------------------------------------------------------------------------------------
// Round two (issue 14): absurd settings and hints, caller input, deterministic failures, the
// retry budget

#[tokio::test]
async fn absurd_durations_saturate_instead_of_panicking() {
    // every setting at its largest: a call still ends (with the server's answer), never a panic
    let server = answering(ResponseTemplate::new(404), u64::MAX, ResponseTemplate::new(404)).await;
    let client = profitbricks::Client::builder(profitbricks::Credentials::basic("u", "p"))
        .base_url(server.uri())
        .connect_timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .total_timeout(Duration::MAX)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(u32::MAX)
                .initial_backoff(Duration::MAX)
                .max_backoff(Duration::MAX)
                .max_wait(Duration::MAX),
        )
        .build()
        .expect("valid settings");
    let error = client.get_datacenter("dc-1").await.expect_err("404");
    assert_eq!((error.status(), error.attempts()), (Some(404), Some(1)));

    // a server asking to wait 2⁶⁴ − 1 s, with max_wait(MAX) and a total timeout: the absurd
    // hint counts as longer than any max_wait, so its answer comes back at once
    let server = answering(
        ResponseTemplate::new(503).insert_header("Retry-After", "18446744073709551615"),
        u64::MAX,
        ResponseTemplate::new(200),
    )
    .await;
    let client = profitbricks::Client::builder(profitbricks::Credentials::basic("u", "p"))
        .base_url(server.uri())
        .total_timeout(Duration::from_secs(30))
        .retry_policy(RetryPolicy::default().max_wait(Duration::MAX))
        .build()
        .expect("valid settings");
    let error = client.get_datacenter("dc-1").await.expect_err("503");
    assert_eq!((error.status(), error.attempts()), (Some(503), Some(1)));
    assert_eq!(requests(&server).await, 1);

    // huge backoff with a total timeout: the pause would outlast it, so no retry
    let server = answering(ResponseTemplate::new(503), u64::MAX, ResponseTemplate::new(200)).await;
    let client = profitbricks::Client::builder(profitbricks::Credentials::basic("u", "p"))
        .base_url(server.uri())
        .total_timeout(Duration::from_secs(30))
        .retry_policy(
            RetryPolicy::default().initial_backoff(Duration::MAX).max_backoff(Duration::MAX),
        )
        .build()
        .expect("valid settings");
    let started = Instant::now();
    for _ in 0..20 {
        // the jitter is random: try often enough to meet a fraction close to 1
        let error = client.get_datacenter("dc-1").await.expect_err("503");
        assert_eq!(error.status(), Some(503));
    }
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}

#[tokio::test]
async fn an_absurd_rate_limit_reset_counts_as_longer_than_max_wait() {
    for (name, value) in [
        ("X-Rate-Limit-Reset", "18446744073709551615"),
        ("X-RateLimit-Reset", "18446744073709551615"),
        ("Retry-After", "18446744073709551615"),
        ("Retry-After", "99999999999999999999999"),
        ("X-Rate-Limit-Reset", "99999999999"),
    ] {
        let server = answering(
            ResponseTemplate::new(429).insert_header(name, value),
            u64::MAX,
            ResponseTemplate::new(200).set_body_json(json!([])),
        )
        .await;
        let error = oa(&server.uri(), quick(3)).list_servers().await.expect_err(value);
        assert_eq!((error.status(), error.attempts()), (Some(429), Some(1)), "{name}: {value}");
        assert_eq!(requests(&server).await, 1, "{name}: {value}: not retried");
    }
}

#[tokio::test]
async fn empty_ids_are_refused_before_sending() {
    let server = answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({"id": "all", "type": "collection", "href": "h", "items": []})),
        u64::MAX,
        ResponseTemplate::new(200),
    )
    .await;
    let client = pb(&server.uri(), quick(3));
    let get = client.get_datacenter("").await.expect_err("an empty id");
    let delete = client.delete_datacenter("").await.expect_err("an empty id");
    let nested = client.get_server("dc-1", "").await.expect_err("an empty id");
    for (error, field) in [(get, "datacenter_id"), (delete, "datacenter_id"), (nested, "server_id")]
    {
        match &error {
            Error::InvalidArgument(invalid) => {
                assert_eq!(invalid.field, field, "{error}");
                assert!(invalid.rule.contains("must not be empty"), "{error}");
            }
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }
    assert_eq!(requests(&server).await, 0, "nothing was sent");
}

#[tokio::test]
async fn an_over_long_id_is_refused_before_sending_with_a_bounded_message() {
    let server = answering(ResponseTemplate::new(404), u64::MAX, ResponseTemplate::new(404)).await;
    let client = pb(&server.uri(), quick(3));
    for length in [70_000, 10_000_000] {
        let id = "a".repeat(length);
        let error = client.get_datacenter(id.as_str()).await.expect_err("too long");
        let display = error.to_string();
        let debug = format!("{error:?}");
        eprintln!(
            "id of {length} bytes: Display {} bytes, Debug {} bytes",
            display.len(),
            debug.len()
        );
        assert!(
            matches!(&error, Error::InvalidArgument(invalid) if invalid.field == "datacenter_id"),
            "{debug:.300}"
        );
        assert!(display.len() < 300 && debug.len() < 600, "{display:.300}");
        assert!(display.contains(&format!("got {length}")), "{display}");
    }
    // a URL too long as a whole (a long query value) is refused too, naming the rule
    let error = oa(&server.uri(), quick(3))
        .list_servers()
        .q("x".repeat(20_000))
        .await
        .expect_err("the URL is too long");
    match &error {
        Error::InvalidArgument(invalid) => {
            assert_eq!(invalid.field, "url", "{error}");
            assert!(invalid.rule.contains("at most 8192 bytes"), "{error}");
        }
        other => panic!("expected InvalidArgument, got {other:.300?}"),
    }
    assert!(error.to_string().len() < 300);
    assert_eq!(requests(&server).await, 0, "nothing was sent, nothing retried");
}

#[tokio::test]
async fn dot_segments_behind_encoded_separators_are_refused() {
    let server = answering(
        ResponseTemplate::new(200).set_body_json(datacenter()),
        u64::MAX,
        ResponseTemplate::new(200),
    )
    .await;
    let client = pb(&server.uri(), quick(1));
    for id in [
        "..", ".", "../x", "x/..", r"a\..\b", r"..\x", "x/./y", "%2e%2E/x", "a/%2E", "/x", "x/",
        r"x\\y",
    ] {
        let error = client.get_datacenter(id).await.expect_err(id);
        match &error {
            Error::InvalidArgument(invalid) => {
                assert_eq!(invalid.field, "datacenter_id", "{id}: {error}")
            }
            other => panic!("{id}: expected InvalidArgument, got {other:?}"),
        }
        assert!(!error.to_string().contains('\n'));
    }
    // a location id may hold '/', but no dot or empty segment either
    for id in ["us/..", "../us", "us//las", "us/", "us/./las"] {
        let error = client.get_location(id).await.expect_err(id);
        assert!(
            matches!(&error, Error::InvalidArgument(invalid) if invalid.field == "location_id"),
            "{id}: {error}"
        );
    }
    assert_eq!(requests(&server).await, 0);
    // dots inside a segment are fine
    for id in ["a..b", "...", ".hidden", "v1.2", "x.."] {
        client.get_datacenter(id).await.expect(id);
    }
    assert_eq!(requests(&server).await, 5);
}

#[tokio::test]
async fn a_redirect_loop_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/datacenters/dc-1"))
        .mount(&server)
        .await;
    let error = pb(&server.uri(), quick(3)).get_datacenter("dc-1").await.expect_err("a loop");
    let seen = requests(&server).await;
    eprintln!("redirect loop: {seen} requests; {error}");
    assert_eq!(seen, 11, "the request and 10 redirects, once");
    assert_eq!((error.status(), error.attempts()), (Some(302), Some(1)), "{error:?}");
}

#[tokio::test]
async fn answers_that_are_not_http_are_not_retried() {
    for answer in [
        &b"HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\n{}"[..],
        b"{\"id\": \"dc-1\"}\n",
        b"SSH-2.0-OpenSSH_9.6\r\n",
    ] {
        let (base, connections) = counting_raw_server(answer);
        let error = pb(&base, quick(3)).get_datacenter("dc-1").await.expect_err("not HTTP");
        let seen = connections.load(Ordering::SeqCst);
        eprintln!("{:?}: {seen} connections; {error}", String::from_utf8_lossy(answer));
        assert!(matches!(error, Error::Transport { attempts: 1, .. }), "{error:?}");
        assert_eq!(seen, 1, "{:?}", String::from_utf8_lossy(answer));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_budget_keeps_an_outage_from_tripling_the_load() {
    async fn storm(policy: RetryPolicy) -> usize {
        let server =
            answering(ResponseTemplate::new(503), u64::MAX, ResponseTemplate::new(200)).await;
        let client = pb(&server.uri(), policy);
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..500 {
            let client = client.clone();
            calls.spawn(async move { client.get_datacenter("dc-1").await.expect_err("503") });
        }
        while let Some(call) = calls.join_next().await {
            assert_eq!(call.expect("no panic").status(), Some(503));
        }
        requests(&server).await
    }
    let with_budget = storm(quick(3)).await;
    let without = storm(quick(3).retry_budget(None)).await;
    eprintln!("500 failing calls: {with_budget} requests with the budget, {without} without");
    // 500 first attempts; 500 tokens pay for 100 retries (5 each), successes refund none
    assert_eq!(with_budget, 600);
    assert_eq!(without, 1500);
}

#[tokio::test]
async fn control_characters_in_caller_input_are_escaped_in_errors() {
    let client = pb("http://127.0.0.1:9", quick(1));
    let error = client
        .call("get_datacenter\r\nINFO forged log line", json!({}))
        .await
        .expect_err("no such operation");
    let text = error.to_string();
    assert!(!text.contains(['\r', '\n']), "{text}");
    assert!(text.contains(r"get_datacenter\r\nINFO forged"), "{text}");
    let invalid = cloud_sdks_runtime::InvalidArgument::new("op\n", "field\r", "rule\u{1b}[31m");
    assert_eq!(invalid.to_string(), r"op\n: invalid argument 'field\r': rule\u{1b}[31m");
}

// ---------------------------------------------------------------------------------------------
// A tiny HTTP server on 127.0.0.1 for faults wiremock cannot make.

/// Serves `connections` connections, each with `handle` on its own thread; returns the base URL.
fn raw_server(connections: usize, handle: fn(TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(stream) = stream else { return };
            thread::spawn(move || handle(stream));
        }
    });
    base
}

/// Answers every connection with `answer` (whatever the request) and closes it; returns the
/// base URL and a count of the connections accepted.
fn counting_raw_server(answer: &'static [u8]) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            seen.fetch_add(1, Ordering::SeqCst);
            thread::spawn(move || {
                read_request(&mut stream);
                let _ = stream.write_all(answer);
                let _ = stream.flush();
            });
        }
    });
    (base, count)
}

/// Reads a request's head and body (by its Content-Length).
fn read_request(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
}

// ---------------------------------------------------------------------------------------------

/// Every test RELIABILITY.md names (`file.rs::name` for tests/, `module::tests::name` or
/// `module::submodule::tests::name` for the runtime) exists, so the table cannot point at a test that was renamed or removed.
#[test]
fn reliability_md_names_only_tests_that_exist() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc =
        std::fs::read_to_string(root.join("RELIABILITY.md")).expect("RELIABILITY.md at the root");
    let mut checked = 0;
    for reference in doc.split('`').skip(1).step_by(2) {
        let (file, name) = if let Some((file, name)) = reference.split_once(".rs::") {
            (root.join("tests").join(format!("{file}.rs")), name)
        } else if let Some((module, name)) = reference.split_once("::tests::") {
            // a nested module (`xmlrpc::decode`) lives in a folder (`xmlrpc/decode.rs`)
            let module = module.replace("::", "/");
            let flat = root.join("crates/runtime/src").join(format!("{module}.rs"));
            let nested = root.join("crates/runtime/src").join(module).join("tests.rs");
            (if nested.exists() { nested } else { flat }, name)
        } else {
            continue;
        };
        let source = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{reference}: {}: {e}", file.display()));
        assert!(
            source.contains(&format!("fn {name}(")),
            "RELIABILITY.md names {reference}, which {} does not define",
            file.display()
        );
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} test references found");
}
