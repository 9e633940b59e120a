//! Transport tests against a tiny blocking HTTP/1.1 server on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::*;
use crate::provider::{AuthScheme, ErrorModel, RequestIdSource};
use crate::request::Method;

#[derive(Debug, PartialEq)]
enum Kind {
    NotFound,
    Other,
}

impl Classify for Kind {
    fn classify(error: &ApiError) -> Self {
        match error.code.as_deref() {
            Some("309") => Kind::NotFound,
            _ => Kind::Other,
        }
    }
}

static PB: Provider = Provider {
    name: "profitbricks",
    base_url: "https://api.profitbricks.com/cloudapi/v3",
    user_agent: "profitbricks/0.1.0",
    auth: AuthScheme::Basic,
    default_headers: &[("Accept", "application/json"), ("X-Depth", "1")],
    errors: ErrorModel {
        code: Some("/messages/0/errorCode"),
        message: Some("/messages/0/message"),
        error_type: None,
    },
    tracer: crate::trace::Tracer::RUNTIME,
    request_id: Some(RequestIdSource { header: "Location", marker: "/requests/" }),
};

static ONEANDONE: Provider = Provider {
    name: "oneandone",
    base_url: "https://cloudpanel-api.1and1.com/v1",
    user_agent: "oneandone/0.1.0",
    auth: AuthScheme::Header("X-TOKEN"),
    default_headers: &[],
    errors: ErrorModel { code: None, message: Some("/message"), error_type: Some("/type") },
    tracer: crate::trace::Tracer::RUNTIME,
    request_id: None,
};

/// A request as the server saw it.
#[derive(Debug)]
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Serves one connection with `response`; returns the base URL and the request seen.
fn serve_once(response: String) -> (String, JoinHandle<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).expect("request line");
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("header line");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("header");
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        let length = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, value)| value.parse::<usize>().expect("length"));
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("body");
        let mut stream = reader.into_inner();
        stream.write_all(response.as_bytes()).expect("write");
        stream.flush().expect("flush");
        Seen {
            request_line: request_line.trim_end().to_owned(),
            headers,
            body: String::from_utf8(body).expect("utf-8 body"),
        }
    });
    (base, handle)
}

fn http_response(status: &str, extra_headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n{body}",
        body.len()
    )
}

fn client() -> reqwest::Client {
    default_client_builder(DEFAULT_CONNECT_TIMEOUT).no_proxy().build().expect("client")
}

fn make_transport<K: crate::credentials::Kind>(
    provider: &'static Provider,
    credentials: Credentials<K>,
    base: &str,
) -> Transport {
    Transport::builder(provider, credentials)
        .base_url(format!("{base}/cloudapi/v3/"))
        .http_client(client())
        .header("X-Extra", "extra-value")
        .timeout(Duration::from_secs(20))
        // each test server answers one connection
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("transport")
}

fn request(method: Method, path: &str, body: Body) -> Request {
    let idempotent = method == Method::GET;
    Request {
        operation: "test_op",
        method,
        path: path.to_owned(),
        query: Vec::new(),
        body,
        success: &[200, 202],
        idempotent,
    }
}

#[tokio::test]
async fn get_sends_headers_and_query() {
    let location = "https://api.profitbricks.com/cloudapi/v3/requests/0f3c1e4a-aaaa-bbbb-cccc-123456789abc/status";
    let (base, server) = serve_once(http_response(
        "202 Accepted",
        &format!("Location: {location}\r\n"),
        r#"{"id":"dc1"}"#,
    ));
    let transport = make_transport(&PB, Credentials::basic("Aladdin", "open sesame"), &base);
    assert_eq!(transport.base_url(), format!("{base}/cloudapi/v3"));
    assert_eq!(transport.provider().name, "profitbricks");

    let mut get = request(Method::GET, "/datacenters/us%2Flas", Body::Empty);
    get.query = vec![("depth", "2".into()), ("filter", "a b&c".into())];
    let response = transport.send::<Kind>(get).await.expect("success");
    assert_eq!(response.status, 202);
    assert_eq!(response.body, br#"{"id":"dc1"}"#);
    assert_eq!(
        response.request_id(PB.request_id.as_ref().expect("source")).as_deref(),
        Some("0f3c1e4a-aaaa-bbbb-cccc-123456789abc")
    );
    let value: serde_json::Value = response.json::<_, Kind>().expect("json");
    assert_eq!(value["id"], "dc1");

    let seen = server.join().expect("server");
    assert_eq!(
        seen.request_line,
        "GET /cloudapi/v3/datacenters/us%2Flas?depth=2&filter=a+b%26c HTTP/1.1"
    );
    assert_eq!(seen.header("user-agent"), Some("profitbricks/0.1.0"));
    assert_eq!(seen.header("authorization"), Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
    assert_eq!(seen.header("accept"), Some("application/json"));
    assert_eq!(seen.header("x-depth"), Some("1"));
    assert_eq!(seen.header("x-extra"), Some("extra-value"));
    assert_eq!(seen.header("content-type"), None);
    assert_eq!(seen.body, "");
}

#[tokio::test]
async fn json_body_with_token_header() {
    let (base, server) = serve_once(http_response("200 OK", "", "{}"));
    let transport = make_transport(&ONEANDONE, Credentials::token("tok-123"), &base);
    let body = Body::json(&serde_json::json!({"name": "web"})).expect("json");
    transport.send::<Kind>(request(Method::POST, "/servers", body)).await.expect("success");
    let seen = server.join().expect("server");
    assert_eq!(seen.request_line, "POST /cloudapi/v3/servers HTTP/1.1");
    assert_eq!(seen.header("x-token"), Some("tok-123"));
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.body, r#"{"name":"web"}"#);
}

#[tokio::test]
async fn form_and_named_bodies() {
    let (base, server) = serve_once(http_response("200 OK", "", ""));
    let transport = make_transport(&ONEANDONE, Credentials::token("t"), &base);
    let form = Body::Form(vec![("name".into(), "a b".into()), ("note".into(), "x&y=z/ä".into())]);
    transport.send::<Kind>(request(Method::POST, "/form", form)).await.expect("success");
    let seen = server.join().expect("server");
    assert_eq!(seen.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(seen.body, "name=a+b&note=x%26y%3Dz%2F%C3%A4");

    let (base, server) = serve_once(http_response("200 OK", "", ""));
    let transport = make_transport(&ONEANDONE, Credentials::token("t"), &base);
    let mut map = serde_json::Map::new();
    map.insert("name".into(), serde_json::json!("s 1"));
    transport
        .send::<Kind>(request(Method::POST, "/server.info", Body::Named(map)))
        .await
        .expect("success");
    let seen = server.join().expect("server");
    assert_eq!(seen.body, "parameters=%7B%22name%22%3A%22s+1%22%7D");

    let (base, server) = serve_once(http_response("200 OK", "", ""));
    let transport = make_transport(&ONEANDONE, Credentials::token("t"), &base);
    transport
        .send::<Kind>(request(Method::POST, "/empty", Body::Form(Vec::new())))
        .await
        .expect("success");
    let seen = server.join().expect("server");
    assert_eq!(seen.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(seen.body, "");
}

#[tokio::test]
async fn error_status_is_classified() {
    let body = r#"{"httpStatus":404,"messages":[{"errorCode":"309","message":"Resource does not exist"}]}"#;
    let (base, server) =
        serve_once(http_response("404 Not Found", "Content-Type: application/json\r\n", body));
    let transport = make_transport(&PB, Credentials::basic("u", "p"), &base);
    let error = transport
        .send::<Kind>(request(Method::GET, "/datacenters/x", Body::Empty))
        .await
        .expect_err("404");
    server.join().expect("server");
    assert_eq!(error.kind(), Some(&Kind::NotFound));
    assert_eq!(error.status(), Some(404));
    let api = error.api_error().expect("api error");
    assert_eq!(api.body, body);
    assert_eq!(api.header("Content-Type"), Some("application/json"));
    assert_eq!(error.to_string(), "test_op: HTTP 404 NotFound (code 309): Resource does not exist");
}

#[tokio::test]
async fn html_5xx_is_api_error_without_details() {
    let (base, server) =
        serve_once(http_response("502 Bad Gateway", "", "<html>bad gateway</html>"));
    let transport = make_transport(&PB, Credentials::basic("u", "p"), &base);
    let error =
        transport.send::<Kind>(request(Method::GET, "/x", Body::Empty)).await.expect_err("502");
    server.join().expect("server");
    assert_eq!(error.kind(), Some(&Kind::Other));
    assert_eq!(error.to_string(), "test_op: HTTP 502 Other");
}

#[tokio::test]
async fn unlisted_success_status_is_unexpected() {
    let (base, server) = serve_once(http_response("204 No Content", "", ""));
    let transport = make_transport(&PB, Credentials::basic("u", "p"), &base);
    let error = transport
        .send::<Kind>(request(Method::DELETE, "/x", Body::Empty))
        .await
        .expect_err("204 not listed");
    server.join().expect("server");
    assert!(matches!(error, Error::UnexpectedStatus(_)), "{error:?}");
    assert_eq!(error.to_string(), "test_op: unexpected HTTP status 204");
}

#[tokio::test]
async fn cross_origin_redirect_is_not_followed() {
    for status in ["302 Found", "307 Temporary Redirect", "308 Permanent Redirect"] {
        // The redirect target is a server that would record the request.
        let (other, other_server) = serve_once(http_response("200 OK", "", ""));
        let (base, server) =
            serve_once(http_response(status, &format!("Location: {other}/stolen\r\n"), ""));
        let transport = make_transport(&ONEANDONE, Credentials::token("tok-secret"), &base);
        let error =
            transport.send::<Kind>(request(Method::GET, "/x", Body::Empty)).await.expect_err("3xx");
        server.join().expect("server");
        assert!(matches!(error, Error::UnexpectedStatus(_)), "{error:?}");
        assert!(
            error.to_string().ends_with("its redirect was not followed, as it leads away from the API's origin (scheme, host and port)"),
            "{error}"
        );
        assert!(!other_server.is_finished());
        drop(other_server);
    }
}

#[tokio::test]
async fn same_origin_redirects_are_followed_with_the_credentials() {
    // one server, two connections: a 307 to another path, then the answer
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let server = thread::spawn(move || {
        let mut seen = Vec::new();
        for answer in [
            http_response("307 Temporary Redirect", "Location: /cloudapi/v3/moved?x=1\r\n", ""),
            http_response("200 OK", "", "{}"),
        ] {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("line");
                if line.trim_end().is_empty() {
                    break;
                }
                head.push_str(&line);
            }
            let length = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().expect("length"))
                })
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("body");
            reader.into_inner().write_all(answer.as_bytes()).expect("write");
            seen.push((head, String::from_utf8(body).expect("utf-8")));
        }
        seen
    });
    let transport = make_transport(&ONEANDONE, Credentials::token("tok-123"), &base);
    let body = Body::json(&serde_json::json!({"name": "web"})).expect("json");
    let response = transport.send::<Kind>(request(Method::PUT, "/x", body)).await.expect("200");
    assert_eq!(response.status, 200);
    let seen = server.join().expect("server");
    assert!(seen[1].0.starts_with("PUT /cloudapi/v3/moved?x=1 HTTP/1.1"), "{}", seen[1].0);
    assert!(seen[1].0.to_ascii_lowercase().contains("x-token: tok-123"), "{}", seen[1].0);
    assert_eq!(seen[1].1, r#"{"name":"web"}"#, "a 307 repeats the body");
}

#[test]
fn only_same_origin_redirects_are_followed() {
    let current = Url::parse("https://api.example.com/v1/a/b?q=1").expect("url");
    let target = |status: u16, location: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::LOCATION, HeaderValue::from_str(location).expect("value"));
        same_origin_redirect(status, &current, &headers).map(|url| url.to_string())
    };
    assert_eq!(target(302, "/v1/c").as_deref(), Some("https://api.example.com/v1/c"));
    assert_eq!(target(307, "c").as_deref(), Some("https://api.example.com/v1/a/c"));
    assert_eq!(
        target(308, "https://api.example.com:443/x").as_deref(),
        Some("https://api.example.com/x")
    );
    for status in [301, 303] {
        assert!(target(status, "/x").is_some());
    }
    for (status, location) in [
        (302, "http://api.example.com/v1/c"), // https → http
        (302, "https://api.example.com:8443/v1/c"),
        (307, "https://evil.example.com/v1/c"),
        (302, "//evil.example.com/x"),
        (302, "https://API.example.com.evil.test/"),
        (302, "data:text/plain,x"),
        (302, "http://[::1"),
        (300, "/x"),
        (304, "/x"),
        (200, "/x"),
    ] {
        assert_eq!(target(status, location), None, "{status} {location}");
    }
    assert_eq!(same_origin_redirect(302, &current, &HeaderMap::new()), None);
}

#[test]
fn a_callers_client_must_leave_redirects_to_the_transport() {
    let build = |client: reqwest::Client| {
        Transport::builder(&ONEANDONE, Credentials::token("tok-secret")).http_client(client).build()
    };
    for follows in [
        reqwest::Client::new(),
        reqwest::Client::builder().redirect(redirect::Policy::limited(3)).build().expect("client"),
        reqwest::Client::builder()
            .redirect(redirect::Policy::custom(|attempt| attempt.stop()))
            .build()
            .expect("client"),
    ] {
        let error = build(follows).expect_err("follows redirects");
        assert!(error.message().contains("Policy::none()"), "{error}");
    }
    let none =
        reqwest::Client::builder().redirect(redirect::Policy::none()).build().expect("client");
    build(none).expect("a client that leaves redirects alone is fine");
    assert!(!follows_redirects(
        &default_client_builder(DEFAULT_CONNECT_TIMEOUT).build().expect("client")
    ));
}

#[tokio::test]
async fn a_redirect_loop_ends_after_ten_redirects() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let server = thread::spawn(move || {
        let mut served = 0;
        listener.set_nonblocking(false).expect("blocking");
        for stream in listener.incoming().take(11) {
            let stream = stream.expect("accept");
            let mut reader = BufReader::new(stream);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim_end().is_empty() {
                    break;
                }
            }
            let answer = http_response("302 Found", "Location: /cloudapi/v3/loop\r\n", "");
            reader.into_inner().write_all(answer.as_bytes()).expect("write");
            served += 1;
        }
        served
    });
    let transport = Transport::builder(&PB, Credentials::basic("u", "p"))
        .base_url(format!("{base}/cloudapi/v3"))
        .http_client(client())
        .retry_policy(RetryPolicy::default().max_attempts(3))
        .build()
        .expect("transport");
    let error =
        transport.send::<Kind>(request(Method::GET, "/loop", Body::Empty)).await.expect_err("loop");
    assert_eq!(server.join().expect("server"), 11);
    assert_eq!((error.status(), error.attempts()), (Some(302), Some(1)));
    assert_eq!(error.api_error().map(|e| e.redirects), Some(10));
    assert_eq!(
        error.to_string(),
        "test_op: unexpected HTTP status 302; gave up after 10 redirects"
    );
}

#[tokio::test]
async fn an_over_long_url_is_refused_before_sending() {
    let transport = Transport::builder(&PB, Credentials::basic("u", "p"))
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("transport");
    let long = format!("/datacenters/{}", "a".repeat(MAX_URL_BYTES));
    let mut query = request(Method::GET, "/datacenters", Body::Empty);
    query.query = vec![("filter", "ä".repeat(MAX_URL_BYTES / 4))];
    for request in [request(Method::DELETE, &long, Body::Empty), query] {
        let error = transport.send::<Kind>(request).await.expect_err("too long");
        match &error {
            Error::InvalidArgument(invalid) => {
                assert_eq!(invalid.field, "url");
                assert!(invalid.rule.starts_with("must be at most 8192 bytes long"), "{error}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(error.to_string().len() < 250, "{error}");
    }
}

#[tokio::test]
async fn connection_failure_is_transport_error() {
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("addr"))
    };
    let transport = make_transport(&PB, Credentials::basic("u", "secret-pw"), &closed);
    let error = transport
        .send::<Kind>(request(Method::GET, "/datacenters", Body::Empty))
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(std::error::Error::source(&error).is_some());
    assert_eq!(error.status(), None);
    let text = error.to_string();
    assert!(text.starts_with("test_op: could not connect"), "{text}");
    assert!(text.ends_with("/cloudapi/v3/datacenters)"), "{text}");
    assert!(!format!("{text} {error:?}").contains("secret-pw"));
}

#[tokio::test]
async fn dot_and_empty_segments_are_rejected_before_sending() {
    let transport = Transport::builder(&PB, Credentials::basic("u", "p"))
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("transport");
    for path in [
        "/datacenters/..",
        "/datacenters/../x",
        "/datacenters/%2e%2E",
        "/datacenters/.%2E/x",
        "/datacenters/./x",
        "/datacenters\\..\\x",
        "/datacenters//servers",
    ] {
        let error = transport
            .send::<Kind>(request(Method::DELETE, path, Body::Empty))
            .await
            .expect_err(path);
        match error {
            Error::InvalidArgument(invalid) => {
                assert_eq!(invalid.operation, "test_op");
                assert_eq!(invalid.field, "path");
            }
            other => panic!("{path}: unexpected {other:?}"),
        }
    }
}

#[test]
fn path_checks() {
    for ok in ["", "/", "/a", "/a/", "a/b", "/a.b/..c/...", "/a?x=/../", "/%2e%2e2"] {
        assert_eq!(check_path(ok), Ok(()), "{ok}");
    }
    for bad in ["/..", "/.", "/a//b", "//a", "/%2E", "/a/%2e./b"] {
        assert!(check_path(bad).is_err(), "{bad}");
    }
}

#[test]
fn form_encoding() {
    assert_eq!(form_urlencoded([]), b"");
    assert_eq!(form_urlencoded([("a", "")]), b"a=");
    assert_eq!(form_urlencoded([("k y", "*-._~+%"), ("b", "1")]), b"k+y=*-._%7E%2B%25&b=1");
}

/// The hand-written form encoder gives the `form_urlencoded` crate's bytes for every
/// character class: all of ASCII, and characters of two, three and four bytes.
#[test]
fn form_encoding_is_the_form_urlencoded_crates() {
    let ascii: String = (0u8..128).map(char::from).collect();
    let texts = [ascii.as_str(), "", "é ü", "名前=値&x", "😀 {\"a\":[1,\"b c\"]}", "%2B+ "];
    for name in texts {
        for value in texts {
            let pairs = [(name, value), ("parameters", value), (value, name)];
            let expected =
                form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
            assert_eq!(form_urlencoded(pairs), expected.as_bytes(), "{name:?} {value:?}");
        }
    }
}

#[test]
fn build_validates_base_url() {
    let build =
        |url: &str| Transport::builder(&PB, Credentials::basic("u", "p")).base_url(url).build();
    assert_eq!(
        build(" https://example.com/api// ").expect("valid").base_url(),
        "https://example.com/api"
    );
    assert_eq!(build("http://localhost:8080").expect("valid").base_url(), "http://localhost:8080");
    for loopback in [
        "http://127.0.0.1:1234/api",
        "http://127.1.2.3",
        "http://[::1]:8080",
        "http://LOCALHOST",
        "http://api.localhost./v1",
    ] {
        assert!(build(loopback).is_ok(), "{loopback}");
    }
    for bad in [
        "not a url",
        "/relative",
        "ftp://example.com",
        "mailto:x@example.com",
        "https://user:pw-secret@example.com",
        "https://example.com/api?x=1",
        "https://example.com/api#frag",
        "http://example.com/api",
        "http://10.0.0.1",
        "http://[2001:db8::1]",
        "http://localhost.example.com",
    ] {
        let error = build(bad).expect_err(bad);
        assert!(!error.to_string().contains("pw-secret"), "{error}");
    }
    assert!(Transport::builder(&PB, Credentials::basic("u", "p")).build().is_ok());
}

#[test]
fn plain_http_elsewhere_needs_an_explicit_opt_in() {
    let error = Transport::builder(&PB, Credentials::basic("u", "p"))
        .base_url("http://api.example.com/v1")
        .build()
        .expect_err("credentials in clear text");
    assert!(error.message().contains("uses http"), "{error}");
    assert!(error.message().contains("allow_insecure_http"), "{error}");
    let transport = Transport::builder(&PB, Credentials::basic("u", "p"))
        .base_url("http://api.example.com/v1")
        .allow_insecure_http(true)
        .build()
        .expect("allowed");
    assert_eq!(transport.base_url(), "http://api.example.com/v1");
}

#[test]
fn build_validates_credentials_and_headers() {
    let mismatch = Transport::builder(&PB, Credentials::token("tok-secret"))
        .build()
        .expect_err("token for Basic");
    assert!(mismatch.message().contains("Credentials::basic"), "{mismatch}");

    let bad_name = Transport::builder(&PB, Credentials::basic("u", "p"))
        .header("bad name", "v")
        .build()
        .expect_err("bad header name");
    assert!(bad_name.message().contains("bad name"), "{bad_name}");

    let bad_value = Transport::builder(&PB, Credentials::basic("u", "p"))
        .header("X-Key", "value-secret\n")
        .build()
        .expect_err("bad header value");
    assert!(!bad_value.to_string().contains("value-secret"), "{bad_value}");
}

#[test]
fn debug_never_shows_secrets() {
    let builder = Transport::builder(&ONEANDONE, Credentials::token("tok-secret"))
        .header("X-Api-Key", "key-secret");
    let text = format!("{builder:?}");
    assert!(!text.contains("secret"), "{text}");
    assert!(text.contains("X-Api-Key"), "{text}");

    let transport = builder.build().expect("transport");
    let text = format!("{transport:?} {transport:#?}");
    assert!(!text.contains("secret"), "{text}");
    assert!(text.contains("x-token"), "{text}");
    assert!(text.contains("https://cloudpanel-api.1and1.com/v1"), "{text}");
}

#[test]
fn transport_is_clone_send_sync() {
    fn check<T: Clone + Send + Sync + 'static>() {}
    check::<Transport>();
}
