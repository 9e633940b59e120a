//! `--wait`, `--all` and `--sim` through the real binaries: waits poll what the catalog says
//! until it is ready and report progress on stderr, page walks join every page, and commands
//! with nothing to wait for or no pages are refused before anything is sent.

mod common;

use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "0123456789abcdef01234567a32a1fe9";
const MA: &str = env!("CARGO_BIN_EXE_ma-shell");
const ONE: &str = env!("CARGO_BIN_EXE_oneandone-shell");
const PB: &str = env!("CARGO_BIN_EXE_pb-shell");

/// Runs `bin` with `args` (and `input` on stdin), with no credential variables inherited.
async fn run(bin: &'static str, args: Vec<String>, input: &'static str) -> (i32, String, String) {
    let data = std::env::temp_dir().join("shell-wait-tests");
    let output = common::run_shell(bin, args, input, data).await;
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8");
    let (out, err) = (text(output.stdout), text(output.stderr));
    assert!(!out.contains(TOKEN) && !err.contains(TOKEN), "secret shown: {out}{err}");
    (output.status.code().expect("exit status"), out, err)
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| (*w).to_owned()).collect()
}

async fn sent(server: &MockServer, wanted: &str) -> usize {
    let requests = server.received_requests().await.expect("recording");
    requests.iter().filter(|r| r.url.path() == wanted).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn oneandone_waits_for_a_created_server_until_it_is_ready() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/servers"))
        .respond_with(ResponseTemplate::new(202).set_body_json(
            json!({"id": "4E1F", "name": "web", "status": {"state": "DEPLOYING", "percent": 0}}),
        ))
        .mount(&server)
        .await;
    // deploying on the first look, powered on after
    Mock::given(method("GET"))
        .and(path("/v1/servers/4E1F/status"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"state": "DEPLOYING", "percent": 50})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/servers/4E1F/status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"state": "POWERED_ON"})))
        .mount(&server)
        .await;
    let url = format!("{}/v1", server.uri());
    let args = words(&[
        "-t",
        TOKEN,
        "-u",
        &url,
        "--wait",
        "--interval",
        "0.05",
        "create_server",
        "server",
        r#"{"name": "web", "vcore": 1, "cores_per_processor": 1, "ram": 1, "appliance_id": "B5F778B85C041347BCDCFC3172AB3F3C"}"#,
        "hdds",
        r#"[{"size": 40, "is_main": true}]"#,
    ]);
    let (code, out, err) = run(ONE, args, "").await;
    assert_eq!(code, 0, "{err}");
    let printed: Value = serde_json::from_str(&out).expect("the create's answer, as JSON");
    assert_eq!(printed["id"], "4E1F");
    assert!(err.contains("waiting for server_id 4E1F: DEPLOYING"), "{err}");
    assert!(err.ends_with("(server_id 4E1F done: POWERED_ON)\n"), "{err}");
    assert_eq!(sent(&server, "/v1/servers/4E1F/status").await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn oneandone_all_walks_every_page_and_refusals_send_nothing() {
    let server = MockServer::start().await;
    let item = |id: &str| json!({"id": id, "name": id});
    for (page, items) in [("1", json!([item("A"), item("B")])), ("2", json!([item("C")]))] {
        Mock::given(method("GET"))
            .and(path("/v1/servers"))
            .and(query_param("page", page))
            .and(query_param("per_page", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(items))
            .mount(&server)
            .await;
    }
    let url = format!("{}/v1", server.uri());
    let base = ["-t", TOKEN, "-u", url.as_str()];
    let mut args = words(&base);
    args.extend(words(&["--all", "list_servers", "per_page", "2"]));
    let (code, out, err) = run(ONE, args, "").await;
    assert_eq!((code, err.as_str()), (0, ""));
    let printed: Value = serde_json::from_str(&out).expect("JSON");
    let ids: Vec<&str> =
        printed.as_array().expect("a list").iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids, ["A", "B", "C"]);
    assert_eq!(sent(&server, "/v1/servers").await, 2);

    let mut args = words(&base);
    args.extend(words(&["--wait", "list_servers"]));
    let (code, _, err) = run(ONE, args, "").await;
    assert_eq!(code, 2);
    assert!(
        err.starts_with("list_servers: --wait: list_servers hands back nothing to wait for"),
        "{err}"
    );
    let mut args = words(&base);
    args.extend(words(&["--all", "get_server", "server_id", "S1"]));
    let (code, _, err) = run(ONE, args, "").await;
    assert_eq!((code, err.as_str()), (2, "get_server: --all: get_server is not a paged list\n"));
    let mut args = words(&base);
    args.extend(words(&["--interval", "-1", "list_servers"]));
    assert_eq!(run(ONE, args, "").await.0, 2);
    assert_eq!(sent(&server, "/v1/servers").await, 2, "the refused commands sent nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn memset_waits_for_a_job_and_a_failed_job_is_an_error() {
    let server = MockServer::start().await;
    let job = |finished: bool, error: bool| {
        json!({"id": "ab12ab12ab12ab12ab12ab12ab12ab12", "type": "reboot", "status": "RUNNING",
               "service": "myserver1", "finished": finished, "error": error})
    };
    Mock::given(method("POST"))
        .and(path("/v1/json/server.reboot"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job(false, false)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/json/job.status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job(true, false)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/json/job.status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job(true, true)))
        .mount(&server)
        .await;
    let url = format!("{}/v1", server.uri());
    let args = words(&[
        "-k",
        TOKEN,
        "-u",
        &url,
        "--wait",
        "--interval",
        "0.05",
        "server.reboot",
        "name",
        "myserver1",
    ]);
    let (code, out, err) = run(MA, args.clone(), "").await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).expect("JSON")["finished"], false);
    assert_eq!(err, "(job ab12ab12ab12ab12ab12ab12ab12ab12 done)\n");
    // the second time the job fails: the result is still printed, the wait is the error
    let (code, out, err) = run(MA, args, "").await;
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("\"id\": \"ab12ab12ab12ab12ab12ab12ab12ab12\""), "{out}");
    assert!(err.starts_with("server.reboot: "), "{err}");
    assert!(err.contains("job ab12ab12ab12ab12ab12ab12ab12ab12"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pb_shell_sim_keeps_state_for_the_session_and_waits_for_requests() {
    let input = "create_datacenter datacenter.name web datacenter.location de/fra\n\
                 list_datacenters depth 1\nquit\n";
    let (code, out, err) = run(PB, words(&["--sim"]), input).await;
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.starts_with("(ProfitBricks API shell v"), "{out}");
    let listed = out.split("(list_datacenters result)\n").nth(1).expect("the list's result");
    let listed = &listed[..listed.find("\n}\n").expect("the end of the JSON") + 2];
    let listed: Value = serde_json::from_str(listed).expect("JSON");
    assert_eq!(listed["items"][0]["properties"]["name"], "web");

    let args = words(&[
        "--sim",
        "--wait",
        "create_datacenter",
        "datacenter.name",
        "db",
        "datacenter.location",
        "us/las",
    ]);
    let (code, out, err) = run(PB, args, "").await;
    assert_eq!(code, 0, "{err}");
    let created: Value = serde_json::from_str(&out).expect("JSON");
    let request = created["request_id"].as_str().expect("a request id");
    assert!(err.contains(&format!("waiting for request {request}: QUEUED")), "{err}");
    assert!(err.ends_with(&format!("(request {request} done)\n")), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn ma_shell_and_oneandone_shell_sim_run_the_seed_examples_offline() {
    let (code, out, err) =
        run(MA, words(&["--sim", "service.info", "name", "myserver1"]), "").await;
    assert_eq!((code, err.as_str()), (0, ""));
    let info: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        (info["name"].as_str(), info["nickname"].as_str()),
        (Some("myserver1"), Some("www"))
    );
    let args = words(&["--sim", "--wait", "server.reboot", "name", "myserver1"]);
    let (code, out, err) = run(MA, args, "").await;
    assert_eq!(code, 0, "{err}");
    let job: Value = serde_json::from_str(&out).expect("JSON");
    let id = job["id"].as_str().expect("a job id");
    assert!(err.ends_with(&format!("(job {id} done)\n")), "{err}");

    let args = words(&[
        "--sim",
        "--wait",
        "create_server",
        "server",
        r#"{"name": "web", "vcore": 1, "cores_per_processor": 1, "ram": 1, "appliance_id": "D9DBA7D7F7E9C8200A493CE9013C4605"}"#,
        "hdds",
        r#"[{"size": 40, "is_main": true}]"#,
    ]);
    let (code, out, err) = run(ONE, args, "").await;
    assert_eq!(code, 0, "{err}");
    let created: Value = serde_json::from_str(&out).expect("JSON");
    let id = created["id"].as_str().expect("a server id");
    assert!(err.contains(&format!("waiting for server_id {id}: DEPLOYING")), "{err}");
    assert!(err.ends_with(&format!("(server_id {id} done: POWERED_ON)\n")), "{err}");
}
