//! One-shot runs of the real binaries against a local mock server on 127.0.0.1: the request
//! sent, stdout, stderr (`command: message`) and the exit status; the secret never shows.

mod common;

use std::process::{Command, Output};

use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "0123456789abcdef5ec2e7bea32a1fe9";
const PASSWORD: &str = "hunter2-PASSWORD-secret";

/// Runs `bin` with `args` and no credential variables inherited.
async fn run(bin: &'static str, args: &[&str]) -> Output {
    let args = args.iter().map(|a| (*a).to_owned()).collect();
    common::run_shell(bin, args, "", std::env::temp_dir().join("shell-one-shot-tests")).await
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// The output, checked to hold no secret.
fn outputs(output: &Output) -> (i32, String, String) {
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    for secret in [KEY, PASSWORD] {
        assert!(!out.contains(secret) && !err.contains(secret), "secret shown: {out}{err}");
    }
    (output.status.code().expect("an exit status"), out, err)
}

const MA: &str = env!("CARGO_BIN_EXE_ma-shell");
const PB: &str = env!("CARGO_BIN_EXE_pb-shell");
const ONE: &str = env!("CARGO_BIN_EXE_oneandone-shell");

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8")
}

/// The named parameters of the only request the server received.
async fn memset_params(server: &MockServer) -> Value {
    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 1, "one request");
    let body = text(&requests[0].body);
    let form = body.strip_prefix("parameters=").expect("the parameters field");
    serde_json::from_str(&percent_decode(form)).expect("JSON parameters")
}

async fn memset_answer(server: &MockServer, name: &str, status: u16, body: Value) {
    Mock::given(method("POST"))
        .and(path(format!("/v1/json/{name}")))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ma_shell_runs_a_command_and_prints_pretty_json() {
    let server = MockServer::start().await;
    let service = json!({"name": "myserver1", "nickname": "www", "renewal_price_amount": 21.6});
    memset_answer(&server, "service.info", 200, service.clone()).await;
    let url = format!("{}/v1", server.uri());
    let output = run(MA, &["-k", KEY, "-u", &url, "service.info", "name", "myserver1"]).await;
    let (code, out, err) = outputs(&output);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, format!("{}\n", serde_json::to_string_pretty(&service).expect("JSON")));
    assert!(out.starts_with("{\n  \""), "indent 2: {out}");
    assert_eq!(memset_params(&server).await, json!({"name": "myserver1"}));
}

#[tokio::test(flavor = "multi_thread")]
async fn ma_shell_takes_the_key_from_the_environment_and_types_values_by_the_spec() {
    let server = MockServer::start().await;
    memset_answer(&server, "service.list", 200, json!([])).await;
    let url = format!("{}/v1", server.uri());
    let output = Command::new(MA)
        .args(["--url", &url, "service.list", "type", "(list)", "cloudstorage,", "miniserver"])
        .env("MEMSET_API_KEY", KEY)
        .output()
        .expect("runs");
    let (code, out, _) = outputs(&output);
    assert_eq!((code, out.as_str()), (0, "[]\n"));
    assert_eq!(memset_params(&server).await, json!({"type": ["cloudstorage", "miniserver"]}));

    // No (list) needed: the spec says it is a list.
    server.reset().await;
    memset_answer(&server, "service.list", 200, json!([])).await;
    let output = run(MA, &["-k", KEY, "-u", &url, "service.list", "type", "miniserver"]).await;
    assert_eq!(outputs(&output).0, 0);
    assert_eq!(memset_params(&server).await, json!({"type": ["miniserver"]}));
}

#[tokio::test(flavor = "multi_thread")]
async fn booleans_and_every_prefix_reach_the_wire_as_meant() {
    let server = MockServer::start().await;
    let url = format!("{}/v1", server.uri());
    for (words, sent) in [
        (&["enabled", "(boolean)", "False"][..], json!({"enabled": false})),
        (&["enabled", "(Boolean)", "0"][..], json!({"enabled": false})),
        (&["enabled", "no"][..], json!({"enabled": false})),
        (&["enabled", "True"][..], json!({"enabled": true})),
        (&["enabled", "(boolean)", "1"][..], json!({"enabled": true})),
        (&["enabled", "yes"][..], json!({"enabled": true})),
    ] {
        server.reset().await;
        memset_answer(&server, "cluster.list", 200, json!([])).await;
        let mut args = vec!["-k", KEY, "-u", &url, "cluster.list"];
        args.extend_from_slice(words);
        let (code, _, err) = outputs(&run(MA, &args).await);
        assert_eq!(code, 0, "{words:?}: {err}");
        assert_eq!(memset_params(&server).await, sent, "{words:?}");
    }
    for (words, sent) in [
        (
            &["name", "(string)", "007", "nickname", "(int)", "7"][..],
            json!({"name": "007", "nickname": 7}),
        ),
        (&["name", "a", "nickname", "(float)", "1.5"][..], json!({"name": "a", "nickname": 1.5})),
        (
            &["name", "a", "nickname", "(json)", "{\"x\":[1]}"][..],
            json!({"name": "a", "nickname": {"x": [1]}}),
        ),
    ] {
        // The prefix decides the form; the crate then checks it against the spec, so a
        // number for the nickname is refused before sending.
        server.reset().await;
        memset_answer(&server, "service.set_nickname", 200, json!({})).await;
        let mut args = vec!["-k", KEY, "-u", &url, "service.set_nickname"];
        args.extend_from_slice(words);
        let (code, _, err) = outputs(&run(MA, &args).await);
        assert_eq!(code, 3, "{words:?}: {err} (sent {sent})");
        assert!(err.starts_with("service.set_nickname: "), "{err}");
        let sent = server.received_requests().await.expect("recording").len();
        assert_eq!(sent, 0, "nothing sent for {words:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_type_of_internal_echo_is_sent_as_the_spec_says() {
    let server = MockServer::start().await;
    memset_answer(&server, "internal.echo", 200, json!({})).await;
    let url = format!("{}/v1", server.uri());
    let args = [
        "-k",
        KEY,
        "-u",
        &url,
        "internal.echo",
        "boolean",
        "False",
        "integer",
        "7",
        "float",
        "1.5",
        "list",
        "a,2",
        "dictionary",
        "{\"k\":[1]}",
        "string",
        "has spaces",
        "date",
        "2011-09-17",
    ];
    let (code, out, err) = outputs(&run(MA, &args).await);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(
        memset_params(&server).await,
        json!({
            "boolean": false, "integer": 7, "float": 1.5, "list": ["a", 2],
            "dictionary": {"k": [1]}, "string": "has spaces", "date": "2011-09-17"
        })
    );
    let args = ["-k", KEY, "-u", &url, "internal.echo", "integer", "seven"];
    let (code, _, err) = outputs(&run(MA, &args).await);
    assert_eq!(code, 3);
    assert_eq!(
        err,
        "internal.echo: invalid argument 'integer': expected a whole number (got 'seven')\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn xml_output_and_the_pipe() {
    let server = MockServer::start().await;
    let answer = json!({"string": "myserver1", "list": ["a<b", {"id": 1}]});
    memset_answer(&server, "internal.echo", 200, answer).await;
    let url = format!("{}/v1", server.uri());
    let file = std::env::temp_dir().join(format!("ma-shell-pipe-{}.xml", std::process::id()));
    let file_name = file.to_str().expect("UTF-8 path");
    let args =
        ["-k", KEY, "-u", &url, "-x", "internal.echo", "string", "myserver1", "|", file_name];
    let (code, out, err) = outputs(&run(MA, &args).await);
    let xml = "<result>\n  <list>\n    <item>a&lt;b</item>\n    <item>\n      <id>1</id>\n    \
               </item>\n  </list>\n  <string>myserver1</string>\n</result>\n";
    assert_eq!((code, out.as_str()), (0, xml));
    assert_eq!(err, format!("(result piped to {file_name})\n"));
    assert_eq!(std::fs::read_to_string(&file).expect("piped file"), xml);
    let _ = std::fs::remove_file(&file);

    let (code, _, err) = outputs(&run(MA, &["-k", KEY, "service.info", "name", "x", "|"]).await);
    assert_eq!((code, err.as_str()), (2, "service.info: param | without output filename\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_are_command_message_with_distinct_statuses() {
    let server = MockServer::start().await;
    let error = json!({"error_type": "ApiErrorServiceDoesNotExist", "error_code": 15, "error": "no such service"});
    memset_answer(&server, "service.info", 404, error).await;
    let url = format!("{}/v1", server.uri());

    // API error: 4.
    let (code, out, err) =
        outputs(&run(MA, &["-k", KEY, "-u", &url, "service.info", "name", "nope"]).await);
    assert_eq!((code, out.as_str()), (4, ""));
    assert!(err.starts_with("service.info: HTTP 404"), "{err}");
    assert!(err.contains("no such service"), "{err}");

    // Invalid argument: 3, nothing sent.
    server.reset().await;
    let (code, _, err) =
        outputs(&run(MA, &["-k", KEY, "-u", &url, "service.info", "name", "bad name!"]).await);
    assert_eq!(code, 3, "{err}");
    assert!(err.starts_with("service.info: invalid argument 'name'"), "{err}");
    let (code, _, err) =
        outputs(&run(MA, &["-k", KEY, "-u", &url, "service.info", "nmae", "x"]).await);
    assert_eq!(code, 3);
    assert!(err.starts_with("service.info: unknown param nmae; did you mean name?"), "{err}");
    let (code, _, err) = outputs(&run(MA, &["-k", KEY, "-u", &url, "service.info"]).await);
    assert_eq!(code, 3, "a required parameter missing: {err}");
    assert!(err.starts_with("service.info: "), "{err}");
    assert!(server.received_requests().await.expect("recording").is_empty());

    // Usage errors: 2.
    let (code, _, err) = outputs(&run(MA, &["-k", KEY, "service.inf", "name", "x"]).await);
    assert_eq!(code, 2);
    assert!(err.starts_with("service.inf: command not found; did you mean service.info"), "{err}");
    let (code, _, err) = outputs(&run(MA, &["service.info", "name", "x"]).await);
    assert_eq!(code, 2);
    assert_eq!(err, "service.info: No API KEY provided (-k / --api-key, or MEMSET_API_KEY)\n");
    let (code, _, err) = outputs(&run(MA, &["-k", KEY, "service.info", "name"]).await);
    assert_eq!((code, err.as_str()), (2, "service.info: param name without value\n"));
    let (code, _, err) = outputs(&run(MA, &["--bogus"]).await);
    assert_eq!(code, 2);
    assert!(err.starts_with("ma-shell: no such option: --bogus"), "{err}");
    let (code, _, err) = outputs(&run(MA, &["-k"]).await);
    assert_eq!(code, 2);
    assert!(err.starts_with("ma-shell: option -k requires a value"), "{err}");

    // Transport failure: 5 (a port nothing listens on).
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address").port()
    };
    let url = format!("http://127.0.0.1:{closed}/v1");
    let (code, _, err) =
        outputs(&run(MA, &["-k", KEY, "-u", &url, "service.info", "name", "x"]).await);
    assert_eq!(code, 5, "{err}");
    assert!(err.starts_with("service.info: could not connect"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pb_shell_and_oneandone_shell_run_their_documented_examples() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cloudapi/v3/datacenters"))
        .and(query_param("depth", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "datacenters", "type": "collection", "href": "https://x/datacenters", "items": []})),
        )
        .mount(&server)
        .await;
    let url = format!("{}/cloudapi/v3", server.uri());
    let args =
        ["-u", "me@example.com", "-p", PASSWORD, "-U", &url, "list_datacenters", "depth", "2"];
    let (code, out, err) = outputs(&run(PB, &args).await);
    assert_eq!((code, err.as_str()), (0, ""));
    let printed: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(printed["id"], "datacenters");
    let (code, _, err) = outputs(&run(PB, &["-u", "me", "list_datacenters"]).await);
    assert_eq!(code, 2);
    assert!(err.starts_with("list_datacenters: No password provided"), "{err}");

    Mock::given(method("GET"))
        .and(path("/v1/servers"))
        .and(query_param("per_page", "10"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": "S1", "name": "web"}])),
        )
        .mount(&server)
        .await;
    let url = format!("{}/v1", server.uri());
    let output = Command::new(ONE)
        .args(["-u", &url, "list_servers", "per_page", "10"])
        .env("ONEANDONE_TOKEN", KEY)
        .output()
        .expect("runs");
    let (code, out, err) = outputs(&output);
    assert_eq!((code, err.as_str()), (0, ""));
    let printed: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(printed[0]["id"], "S1");
    let request = server
        .received_requests()
        .await
        .expect("recording")
        .into_iter()
        .find(|r| r.url.path() == "/v1/servers")
        .expect("sent");
    assert!(
        request.headers.get("x-token").is_some() || request.headers.get("authorization").is_some()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn help_and_version_work_offline_without_credentials() {
    let (code, out, _) = outputs(&run(MA, &["--version"]).await);
    assert_eq!(
        (code, out.as_str()),
        (0, format!("ma-shell v{}\n", env!("CARGO_PKG_VERSION")).as_str())
    );
    for bin in [MA, PB, ONE] {
        let (code, out, _) = outputs(&run(bin, &["--help"]).await);
        assert_eq!(code, 0);
        assert!(out.starts_with("Usage: "), "{out}");
        assert!(out.contains("Exit status: 0 done, 2 usage error, 3 invalid argument"), "{out}");
    }
    let (code, out, _) = outputs(&run(MA, &["help", "remote"]).await);
    assert_eq!(code, 0);
    for op in memset::CATALOG.operations {
        assert!(out.contains(op.name), "help remote lists {}", op.name);
    }
    let (code, out, _) = outputs(&run(MA, &["help", "service.list"]).await);
    assert_eq!(code, 0);
    assert!(out.contains("type (list<"), "{out}");
    let (code, out, _) = outputs(&run(PB, &["--help", "list_datacenters"]).await);
    assert_eq!(code, 0);
    assert!(out.contains("depth (integer, optional)") && out.contains("default: 1"), "{out}");
    let (code, out, _) = outputs(&run(ONE, &["help", "create_server"]).await);
    assert_eq!(code, 0);
    assert!(out.contains("limits: at least 1 items; exactly one item with is_main true"), "{out}");
    let (code, _, err) = outputs(&run(ONE, &["help", "list_server"]).await);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean list_servers"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn model_parameters_take_dotted_field_names() {
    let server = MockServer::start().await;
    // Only the request matters here: the mock refuses it.
    Mock::given(method("POST"))
        .and(path("/cloudapi/v3/datacenters"))
        .respond_with(
            ResponseTemplate::new(422).set_body_json(json!({"httpStatus": 422, "messages": []})),
        )
        .mount(&server)
        .await;
    let url = format!("{}/cloudapi/v3", server.uri());
    let args = [
        "-u",
        "me",
        "-p",
        PASSWORD,
        "-U",
        &url,
        "create_datacenter",
        "datacenter.name",
        "web",
        "datacenter.location",
        "de/fra",
    ];
    let (code, _, err) = outputs(&run(PB, &args).await);
    assert_eq!(code, 4, "{err}");
    assert!(err.starts_with("create_datacenter: "), "{err}");
    let requests = server.received_requests().await.expect("recording");
    let body: Value = serde_json::from_slice(&requests[0].body).expect("JSON body");
    assert_eq!(body["properties"]["name"], "web", "{body}");
    assert_eq!(body["properties"]["location"], "de/fra", "{body}");
}
