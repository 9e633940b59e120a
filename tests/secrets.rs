//! Credentials never leak: not in `Debug` or `Display` of clients, builders, credentials,
//! requests or errors (even when a server echoes them back), not in tracing spans or events;
//! and they are sent only over HTTPS unless the base URL is a loopback address or the caller
//! opts in. Also: the tracing span of a call names the operation, attempt, status and the
//! provider's request or job id.
//!
//! Run with `cargo test -p workspace-tests --test secrets`.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, ThreadId};
use std::time::Duration;

use cloud_sdks_runtime::{Body, Method, Request, RetryPolicy};
use profitbricks::models::NewDatacenter;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request as Seen, Respond, ResponseTemplate};

const PASSWORD: &str = "pw-s3cr3t-Hunter2";
/// base64("user@example.com:pw-s3cr3t-Hunter2"), what the Authorization header carries
const PASSWORD_BASE64: &str = "dXNlckBleGFtcGxlLmNvbTpwdy1zM2NyM3QtSHVudGVyMg==";
const TOKEN: &str = "tok-8f14e45fceea167a5a36dedd4bea2543";
const API_KEY: &str = "5f4dcc3b5aa765d61d8327deb882cf99";
/// base64("5f4dcc3b5aa765d61d8327deb882cf99:x")
const API_KEY_BASE64: &str = "NWY0ZGNjM2I1YWE3NjVkNjFkODMyN2RlYjg4MmNmOTk6eA==";
const SECRETS: [&str; 5] = [PASSWORD, PASSWORD_BASE64, TOKEN, API_KEY, API_KEY_BASE64];

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows a secret: {text}");
    }
}

/// `Debug`, pretty `Debug` and (where there is one) `Display`, checked for every secret.
fn assert_debug_clean(what: &str, value: &impl Debug) {
    assert_no_secret(what, &format!("{value:?} {value:#?}"));
}

fn assert_error_clean<E: Debug + std::fmt::Display>(what: &str, error: &E) {
    assert_no_secret(what, &format!("{error} {error:?} {error:#?}"));
}

fn pb_credentials() -> profitbricks::Credentials {
    profitbricks::Credentials::basic("user@example.com", PASSWORD)
}

/// A server that echoes every request header and the body back, in headers and the body: a
/// worst case for leaking what the client sent.
struct Echo(u16);

impl Respond for Echo {
    fn respond(&self, request: &Seen) -> ResponseTemplate {
        let headers: Vec<String> = request
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("?")))
            .collect();
        let mut response = ResponseTemplate::new(self.0).set_body_json(json!({
            "messages": [{"errorCode": "echo", "message": headers.join("; ")}],
            "error": headers.join("; "), "error_type": "ApiErrorEcho", "message": headers.join("; "),
            "body": String::from_utf8_lossy(&request.body),
        }));
        if let Some(auth) =
            request.headers.get("authorization").or_else(|| request.headers.get("x-token"))
        {
            response = response.insert_header("X-Echo", auth.clone());
        }
        response
    }
}

async fn echo_server(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(Echo(status)).mount(&server).await;
    server
}

#[test]
fn clients_builders_and_credentials_never_show_secrets() {
    capture();
    let credentials = pb_credentials();
    assert_debug_clean("credentials", &credentials);
    let builder = profitbricks::Client::builder(credentials.clone()).header("X-Api-Key", TOKEN);
    assert_debug_clean("ClientBuilder", &builder);
    let client = builder.build().expect("valid settings");
    assert_debug_clean("Client", &client);

    let builder = oneandone::Client::builder(oneandone::Credentials::token(TOKEN));
    assert_debug_clean("ClientBuilder", &builder);
    assert_debug_clean("Client", &builder.build().expect("valid settings"));
    assert_debug_clean(
        "Client",
        &memset::Client::new(memset::Credentials::api_key(API_KEY)).expect("valid settings"),
    );
    assert_debug_clean("Credentials", &memset::Credentials::api_key(API_KEY));
}

#[test]
fn requests_and_request_builders_never_show_secrets() {
    capture();
    // a request whose body carries a password
    let mut named = serde_json::Map::new();
    named.insert("password".into(), json!(PASSWORD));
    let request = Request {
        operation: "memstore.user.set_password",
        method: Method::POST,
        path: "/json/memstore.user.set_password".into(),
        query: Vec::new(),
        body: Body::Named(named),
        success: &[200],
        idempotent: false,
    };
    assert_debug_clean("Request", &request);
    let json_body = Body::json(&json!({"password": PASSWORD})).expect("serializable");
    assert_debug_clean("Body", &json_body);

    // request builders and models holding a password or key show `<redacted>` instead
    let client =
        memset::Client::new(memset::Credentials::api_key(API_KEY)).expect("valid settings");
    let builder = client.memstore().user().set_password("mstestaa1", "user1", PASSWORD);
    assert_debug_clean("memstore.user.set_password request", &builder);
    assert!(format!("{builder:?}").contains(r#"password: "<redacted>""#), "{builder:?}");
    let client =
        oneandone::Client::new(oneandone::Credentials::token(TOKEN)).expect("valid settings");
    let server = oneandone::models::NewServer::new().name("web").password(PASSWORD);
    assert_debug_clean("NewServer", &server);
    assert_debug_clean("create_server request", &client.create_server(server, Vec::new()));
    assert_debug_clean("modify_user request", &client.modify_user("u-1").password(PASSWORD));
    let volume = profitbricks::models::NewVolume::new(10, profitbricks::models::VolumeType::Hdd)
        .image_password(PASSWORD);
    assert_debug_clean("NewVolume", &volume);
    let unset = profitbricks::models::NewVolume::new(10, profitbricks::models::VolumeType::Hdd);
    assert!(
        format!("{unset:?}").contains("image_password: None"),
        "an unset secret shows as None: {unset:?}"
    );
    // keys in answers, too
    let key: memset::models::ApiKey =
        serde_json::from_value(json!({"key": API_KEY, "scopes": {}, "comment": "ci"}))
            .expect("an API key");
    assert_debug_clean("memset ApiKey", &key);
    assert_eq!(key.key, API_KEY, "the value itself is there for the caller");
}

#[tokio::test]
async fn api_errors_redact_credentials_a_server_echoes_back() {
    capture();
    let server = echo_server(401).await;
    let client = profitbricks::Client::builder(pb_credentials())
        .base_url(server.uri())
        .build()
        .expect("valid settings");
    let error =
        client.create_datacenter(NewDatacenter::new("web", "de/fra")).await.expect_err("401");
    let api = error.api_error().expect("an API error");
    assert!(
        api.body.contains("authorization: Basic <redacted>"),
        "the echo is kept, redacted: {}",
        api.body
    );
    assert_eq!(api.header("x-echo"), Some("Basic <redacted>"));
    assert_error_clean("profitbricks 401", &error);

    let server = echo_server(403).await;
    let client = oneandone::Client::builder(oneandone::Credentials::token(TOKEN))
        .base_url(server.uri())
        .build()
        .expect("valid settings");
    let error = client.get_server("s-1").await.expect_err("403");
    assert_error_clean("oneandone 403", &error);
    assert_eq!(error.api_error().and_then(|e| e.header("x-echo")), Some("<redacted>"));

    let server = echo_server(400).await;
    let client = memset::Client::builder(memset::Credentials::api_key(API_KEY))
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid settings");
    let error = client.server().info("myserver1").await.expect_err("400");
    assert_error_clean("memset 400", &error);
}

#[tokio::test]
async fn decode_errors_redact_credentials_in_the_body() {
    capture();
    // an answer that holds the key (e.g. apikey.list) but does not decode
    let server = MockServer::start().await;
    let body = json!({"key": API_KEY, "scope": 12}).to_string();
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(format!("[{body}"), "application/json"),
        )
        .mount(&server)
        .await;
    let client = memset::Client::builder(memset::Credentials::api_key(API_KEY))
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid settings");
    let error = client.apikey().list().await.expect_err("truncated");
    assert!(
        matches!(&error, cloud_sdks_runtime::Error::Decode { body, .. } if body.contains("<redacted>")),
        "{error:?}"
    );
    assert_error_clean("memset decode", &error);
}

/// A password with characters every encoding treats differently.
const ODD_PASSWORD: &str = "p\u{e4}\"ss\\w/rd&1 +x";

/// Standard Base64, padded or not (written out: the tests depend on no Base64 crate).
fn base64(bytes: &[u8], pad: bool) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
        if pad {
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
    }
    out
}

/// How servers echo a text: as it is, JSON-escaped (as serde_json and as PHP do it),
/// percent-encoded (upper and lower case, as a form), HTML-escaped.
fn echo_forms(text: &str) -> Vec<String> {
    let json = serde_json::to_string(text).expect("a string");
    let json = json[1..json.len() - 1].to_owned();
    let php: String = json
        .chars()
        .map(|c| match c {
            '/' => r"\/".to_owned(),
            c if !c.is_ascii() => format!("\\u{:04x}", u32::from(c)),
            c => c.to_string(),
        })
        .collect();
    let percent = |upper: bool| -> String {
        text.bytes()
            .map(|b| match b {
                b if b.is_ascii_alphanumeric() || b"-._~".contains(&b) => char::from(b).to_string(),
                b if upper => format!("%{b:02X}"),
                b => format!("%{b:02x}"),
            })
            .collect()
    };
    let html = text.replace('&', "&amp;").replace('"', "&quot;");
    vec![
        text.to_owned(),
        json,
        php,
        percent(true),
        percent(false),
        percent(true).replace("%20", "+"),
        html,
    ]
}

#[tokio::test]
async fn credentials_echoed_in_any_encoding_are_redacted() {
    capture();
    let header = format!("user@example.com:{ODD_PASSWORD}");
    let mut forms = echo_forms(ODD_PASSWORD);
    for text in [ODD_PASSWORD, header.as_str()] {
        for pad in [true, false] {
            forms.extend(echo_forms(&base64(text.as_bytes(), pad)));
        }
    }
    forms.push(format!("Basic {}", base64(header.as_bytes(), true)));
    let client = |server: &MockServer| {
        profitbricks::Client::builder(profitbricks::Credentials::basic(
            "user@example.com",
            ODD_PASSWORD,
        ))
        .base_url(server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("valid settings")
    };
    let assert_clean = |what: &str, form: &str, texts: &[&str]| {
        for text in texts {
            assert!(!text.contains(form), "{what}: {form:?} shows in {text}");
            assert!(!text.contains(ODD_PASSWORD), "{what}: the password shows in {text}");
        }
    };
    for form in &forms {
        let server = MockServer::start().await;
        // the echo inside a JSON string (as the server would escape it), and as it is
        let body = format!(
            r#"{{"messages":[{{"errorCode":"401","message":"bad password {form}"}}],"raw":"{form}"}}"#,
        );
        let mut answer = ResponseTemplate::new(401).set_body_raw(body, "application/json");
        if form.is_ascii() {
            answer = answer.insert_header("X-Echo", form.as_str());
        }
        Mock::given(any()).respond_with(answer).mount(&server).await;
        let error = client(&server).get_datacenter("dc-1").await.expect_err("401");
        let api = error.api_error().expect("an API error");
        let headers = format!("{:?}", api.headers);
        let (display, debug) = (error.to_string(), format!("{error:?} {error:#?}"));
        let message = api.message.clone().unwrap_or_default();
        assert_clean("401", form, &[&api.body, &message, &headers, &display]);
        assert!(!debug.contains(&format!("{form:?}").trim_matches('"').to_owned()), "{debug}");
        assert!(api.body.contains("<redacted>"), "{form:?}: {}", api.body);
    }

    // echoed into a field that is not a string: serde's message quotes it, escaped as Rust does
    let server = MockServer::start().await;
    let body =
        json!({"id": "s-1", "type": "server", "href": "h", "properties": {"cores": ODD_PASSWORD}});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let error = client(&server).get_server("dc-1", "s-1").await.expect_err("cores is a number");
    let cloud_sdks_runtime::Error::Decode { body, message, .. } = &error else {
        panic!("expected a decode error, got {error:?}")
    };
    assert!(message.contains(r#"invalid type: string "<redacted>""#), "{message}");
    let quoted = format!("{ODD_PASSWORD:?}");
    for text in [body.as_str(), message.as_str(), &error.to_string(), &format!("{error:?}")] {
        for form in [ODD_PASSWORD, quoted.trim_matches('"'), &echo_forms(ODD_PASSWORD)[1]] {
            assert!(!text.contains(form), "{form:?} shows in {text}");
        }
    }
}

#[tokio::test]
async fn batch_answers_redact_credentials_a_server_echoes_back() {
    capture();
    // every call's answer echoes the key: as an error, and as a result of the wrong shape
    let server = MockServer::start().await;
    let answers = json!([
        {"jsonrpc": "2.0", "id": 0, "error": {"code": 4, "message": format!("bad key {API_KEY}")}},
        {"jsonrpc": "2.0", "id": 1, "result": {"name": 5, "status": API_KEY}},
    ]);
    Mock::given(method("POST"))
        .and(path("/v1/jsonrpc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answers))
        .mount(&server)
        .await;
    let client = memset::Client::builder(memset::Credentials::api_key(API_KEY))
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid settings");
    let mut batch = client.batch();
    let first = batch.add(client.service().info("a")).expect("valid");
    let second = batch.add(client.service().info("b")).expect("valid");
    let mut results = batch.send().await.expect("answered");
    let error = results.take(first).expect_err("an error answer");
    assert_eq!(error.api_error().and_then(|e| e.message.as_deref()), Some("bad key <redacted>"));
    assert_error_clean("batch error answer", &error);
    let error = results.take(second).expect_err("a result that does not decode");
    assert_error_clean("batch decode error", &error);
}

#[tokio::test]
async fn transport_and_timeout_errors_never_show_secrets() {
    capture();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("addr"))
    };
    let client = profitbricks::Client::builder(pb_credentials())
        .base_url(&closed)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("valid settings");
    let error = client.list_datacenters().await.expect_err("refused");
    assert_error_clean("transport error", &error);

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = oneandone::Client::builder(oneandone::Credentials::token(TOKEN))
        .base_url(server.uri())
        .retry_policy(RetryPolicy::disabled())
        .attempt_timeout(Duration::from_millis(100))
        .build()
        .expect("valid settings");
    let error = client.list_servers().await.expect_err("timeout");
    assert_error_clean("timeout error", &error);
}

#[tokio::test]
async fn a_callers_own_client_never_forwards_credentials_across_origins() {
    use cloud_sdks_runtime::reqwest;
    capture();
    // another origin (another port of the same host) that records whatever reaches it
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&other)
        .await;
    for status in [301, 302, 303, 307, 308] {
        let api = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("Location", format!("{}/stolen", other.uri()).as_str()),
            )
            .mount(&api)
            .await;
        let builder = |client: reqwest::Client| {
            oneandone::Client::builder(oneandone::Credentials::token(TOKEN))
                .base_url(api.uri())
                .header("X-Custom", API_KEY)
                .http_client(client)
        };
        // an ordinary client follows redirects itself, sending X-TOKEN and X-Custom along:
        // refused, saying what to do
        let plain = reqwest::Client::builder().build().expect("a client");
        let refused = builder(plain).build().expect_err("a client that follows redirects");
        assert!(
            refused.message().contains(".redirect(reqwest::redirect::Policy::none())"),
            "{refused}"
        );
        assert_error_clean("config error", &refused);
        // one that leaves redirects to the transport: a redirect to another origin is not
        // followed, the 3xx comes back
        let none = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client");
        let client = builder(none).build().expect("valid settings");
        let error = client.list_servers().await.expect_err("a redirect away from the API");
        assert_eq!((error.status(), error.attempts()), (Some(status), Some(1)), "{error}");
        assert_error_clean("redirect error", &error);
    }
    assert_eq!(
        other.received_requests().await.map_or(0, |seen| seen.len()),
        0,
        "nothing, so no credential, reached the other origin"
    );
}

#[test]
fn credentials_go_only_over_https_unless_loopback_or_allowed() {
    capture();
    for url in ["http://api.example.com/v1", "http://10.1.2.3:8080", "http://[2001:db8::1]/api"] {
        let error =
            profitbricks::Client::builder(pb_credentials()).base_url(url).build().expect_err(url);
        assert!(
            error.message().contains("uses http, which would send the credentials unencrypted"),
            "{error}"
        );
        assert_error_clean("config error", &error);
        oneandone::Client::builder(oneandone::Credentials::token(TOKEN))
            .base_url(url)
            .build()
            .expect_err(url);
        memset::Client::builder(memset::Credentials::api_key(API_KEY))
            .base_url(url)
            .build()
            .expect_err(url);
        // an explicit opt-in allows it
        let client = memset::Client::builder(memset::Credentials::api_key(API_KEY))
            .base_url(url)
            .allow_insecure_http(true)
            .build()
            .expect("allowed");
        assert!(client.base_url().starts_with("http://"));
    }
    for url in [
        "http://127.0.0.1:8080",
        "http://localhost/api",
        "http://[::1]:9000",
        "https://api.example.com/v1",
    ] {
        profitbricks::Client::builder(pb_credentials())
            .base_url(url)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

// ---------------------------------------------------------------------------------------------
// Tracing

/// A span or event as a subscriber saw it: its name, every field as text, and the thread it
/// came from (each test runs on its own thread).
#[derive(Debug, Clone)]
struct Recorded {
    name: String,
    /// The target, which `RUST_LOG=<crate>=debug` filters on.
    target: String,
    fields: HashMap<String, String>,
    thread: ThreadId,
}

impl Recorded {
    fn new(metadata: &Metadata<'_>) -> Self {
        Recorded {
            name: metadata.name().to_owned(),
            target: metadata.target().to_owned(),
            fields: HashMap::new(),
            thread: thread::current().id(),
        }
    }
}

impl Visit for Recorded {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.fields.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.fields.insert(field.name().to_owned(), value.to_owned());
    }
}

#[derive(Default)]
struct Captured {
    next_id: AtomicU64,
    spans: Mutex<HashMap<u64, Recorded>>,
    events: Mutex<Vec<Recorded>>,
}

/// A subscriber that keeps every span and event, at every level.
#[derive(Clone, Default)]
struct Capture(Arc<Captured>);

/// The process-wide capturing subscriber, installed before the first test sends anything.
///
/// A global subscriber rather than one per test (`set_default`): tracing caches whether a
/// call site is enabled when it is first hit, and a test without a subscriber that hits it
/// first, while another test installs its own, can leave it cached as disabled. Every test of
/// this file calls this first, so no call site is ever hit before it is installed; tests tell
/// their records apart by thread.
fn capture() -> &'static Capture {
    static GLOBAL: OnceLock<Capture> = OnceLock::new();
    GLOBAL.get_or_init(|| {
        let capture = Capture::default();
        tracing::subscriber::set_global_default(capture.clone())
            .expect("the only global subscriber");
        capture
    })
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.0.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut recorded = Recorded::new(attributes.metadata());
        attributes.record(&mut recorded);
        self.0.spans.lock().expect("not poisoned").insert(id, recorded);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(recorded) = self.0.spans.lock().expect("not poisoned").get_mut(&span.into_u64())
        {
            values.record(recorded);
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut recorded = Recorded::new(event.metadata());
        event.record(&mut recorded);
        self.0.events.lock().expect("not poisoned").push(recorded);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

impl Capture {
    /// The `sdk_request` spans of this thread's test, in order.
    fn request_spans(&self) -> Vec<Recorded> {
        self.spans_named("sdk_request")
    }

    /// The spans named `name` of this thread's test, in order.
    fn spans_named(&self, name: &str) -> Vec<Recorded> {
        let here = thread::current().id();
        let spans = self.0.spans.lock().expect("not poisoned");
        let mut found: Vec<(u64, Recorded)> = spans
            .iter()
            .filter(|(_, s)| s.name == name && s.thread == here)
            .map(|(id, s)| (*id, s.clone()))
            .collect();
        found.sort_by_key(|(id, _)| *id);
        found.into_iter().map(|(_, s)| s).collect()
    }

    /// The events of this thread's test.
    fn events(&self) -> Vec<Recorded> {
        let here = thread::current().id();
        self.0
            .events
            .lock()
            .expect("not poisoned")
            .iter()
            .filter(|e| e.thread == here)
            .cloned()
            .collect()
    }

    /// Everything recorded by every test, as one text.
    fn all_text(&self) -> String {
        let spans = self.0.spans.lock().expect("not poisoned");
        let events = self.0.events.lock().expect("not poisoned");
        format!("{:?} {:?}", spans.values().collect::<Vec<_>>(), *events)
    }
}

fn field<'a>(recorded: &'a Recorded, name: &str) -> Option<&'a str> {
    recorded.fields.get(name).map(String::as_str)
}

#[tokio::test]
async fn one_span_per_call_with_operation_attempt_status_and_request_id() {
    let capture = capture();

    let server = MockServer::start().await;
    let location = format!("{}/requests/0f3c1e4a-aaaa-bbbb-cccc-123456789abc/status", server.uri());
    let created = json!({"id": "dc-1", "type": "datacenter", "href": "h"});
    Mock::given(method("POST"))
        .and(path("/datacenters"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", location.as_str())
                .set_body_json(created),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "dc-1", "type": "datacenter", "href": "h"})),
        )
        .mount(&server)
        .await;
    let client = profitbricks::Client::builder(pb_credentials())
        .base_url(server.uri())
        .build()
        .expect("valid settings");

    let accepted =
        client.create_datacenter(NewDatacenter::new("web", "de/fra")).await.expect("accepted");
    assert_eq!(accepted.request_id(), Some("0f3c1e4a-aaaa-bbbb-cccc-123456789abc"));
    client.get_datacenter("dc-1").await.expect("second attempt succeeds");

    let spans = capture.request_spans();
    assert_eq!(spans.len(), 2, "one span per call, not per attempt: {spans:?}");
    let create = &spans[0];
    assert_eq!(field(create, "operation"), Some("create_datacenter"));
    assert_eq!(field(create, "provider"), Some("profitbricks"));
    assert_eq!(field(create, "method"), Some("POST"));
    assert_eq!(field(create, "path"), Some("/datacenters"));
    assert_eq!(field(create, "attempts"), Some("1"));
    assert_eq!(field(create, "request_id"), Some("0f3c1e4a-aaaa-bbbb-cccc-123456789abc"));
    let get = &spans[1];
    assert_eq!(
        (field(get, "operation"), field(get, "attempts")),
        (Some("get_datacenter"), Some("2"))
    );
    // one child span per attempt, each recording its own number and status once
    let attempt_spans = capture.spans_named("sdk_attempt");
    let numbers: Vec<(&str, &str)> = attempt_spans
        .iter()
        .map(|s| (field(s, "attempt").unwrap_or("-"), field(s, "status").unwrap_or("-")))
        .collect();
    assert_eq!(numbers, [("1", "202"), ("1", "503"), ("2", "200")], "{attempt_spans:?}");
    let events = capture.events();
    let retry =
        events.iter().find(|e| field(e, "message") == Some("retrying")).expect("a retry event");
    assert_eq!((field(retry, "attempt"), field(retry, "reason")), (Some("1"), Some("HTTP 503")));
    // everything carries the crate's name as its target: RUST_LOG=profitbricks=debug selects it
    let ours =
        events.iter().filter(|e| matches!(field(e, "message"), Some("answered" | "retrying")));
    assert_eq!(ours.clone().count(), 3, "{events:?}");
    for recorded in spans.iter().chain(&attempt_spans).chain(ours) {
        assert_eq!(recorded.target, "profitbricks", "{recorded:?}");
    }
    // and nothing of the call is left under the runtime's own name
    assert!(!events.iter().any(|e| e.target.starts_with("cloud_sdks")), "{events:?}");
    assert_no_secret("tracing", &capture.all_text());
}

#[tokio::test]
async fn a_memset_job_id_is_recorded_on_the_span() {
    let capture = capture();
    let server = MockServer::start().await;
    let job = json!({"id": "2bf1a9e4c5d6e7f8a9b0c1d2e3f4a5b6", "type": "REBOOT", "status": "NEW", "service": "myserver1", "finished": false, "error": false});
    Mock::given(method("POST"))
        .and(path("/v1/json/server.reboot"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job))
        .mount(&server)
        .await;
    let client = memset::Client::builder(memset::Credentials::api_key(API_KEY))
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid settings");
    let job = client.server().reboot("myserver1").await.expect("a job");
    let spans = capture.request_spans();
    assert_eq!(spans.len(), 1);
    assert_eq!(field(&spans[0], "operation"), Some("server.reboot"));
    assert_eq!(field(&spans[0], "job_id"), Some(job.id.as_str()));
    assert_eq!(spans[0].target, "memset");
    assert_no_secret("tracing", &capture.all_text());
}

#[tokio::test]
async fn tracing_never_carries_secrets_whatever_happens() {
    let capture = capture();
    let quick = RetryPolicy::default().max_attempts(2).initial_backoff(Duration::from_millis(5));
    // errors echoing the credentials, retries, timeouts, refused connections, for each crate
    let server = echo_server(503).await;
    let pb = profitbricks::Client::builder(pb_credentials())
        .base_url(server.uri())
        .retry_policy(quick)
        .build()
        .expect("valid settings");
    let error = pb.list_datacenters().await.expect_err("503");
    tracing::info!(error = %error, debug = ?error, "the caller logs the error");
    pb.create_datacenter(NewDatacenter::new("web", "de/fra")).await.expect_err("503");
    let oa = oneandone::Client::builder(oneandone::Credentials::token(TOKEN))
        .base_url(server.uri())
        .retry_policy(quick)
        .build()
        .expect("valid settings");
    let error = oa.get_server("s-1").await.expect_err("503");
    tracing::warn!(%error, "the caller logs the error");
    let ms = memset::Client::builder(memset::Credentials::api_key(API_KEY))
        .base_url(format!("{}/v1", server.uri()))
        .retry_policy(quick)
        .build()
        .expect("valid settings");
    let error = ms.server().info("myserver1").await.expect_err("503");
    tracing::error!(?error, "the caller logs the error");
    let slow = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&slow)
        .await;
    let ms = memset::Client::builder(memset::Credentials::api_key(API_KEY))
        .base_url(format!("{}/v1", slow.uri()))
        .retry_policy(quick)
        .attempt_timeout(Duration::from_millis(50))
        .build()
        .expect("valid settings");
    let error = ms.job().status("2bf1a9e4c5d6e7f8a9b0c1d2e3f4a5b6").await.expect_err("timeout");
    assert!(error.is_timeout(), "{error:?}");

    let text = capture.all_text();
    assert!(
        text.contains("sdk_request") && text.contains("retrying"),
        "spans and events were captured: {text}"
    );
    let ops: Vec<String> = capture
        .request_spans()
        .iter()
        .filter_map(|s| field(s, "operation").map(str::to_owned))
        .collect();
    assert_eq!(
        ops,
        ["list_datacenters", "create_datacenter", "get_server", "server.info", "job.status"],
        "this test's calls were traced"
    );
    assert_no_secret("tracing", &text);
}
