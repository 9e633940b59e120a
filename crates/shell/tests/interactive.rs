//! The interactive mode fed through a pipe (rustyline reads plain lines when stdin is not a
//! terminal): banner, local and remote commands with the `(command result)` header, errors
//! that do not end the session, `quit` and end of input, and a history file without secrets.

mod common;

use std::process::Output;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "0123456789abcdef5ec2e7bea32a1fe9";
const MA: &str = env!("CARGO_BIN_EXE_ma-shell");

async fn session(args: Vec<String>, input: &'static str, data: std::path::PathBuf) -> Output {
    common::run_shell(MA, args, input, data).await
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_runs_commands_until_quit_or_end_of_input() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/json/service.set_nickname"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"nickname": "webserver"})))
        .mount(&server)
        .await;
    let data = std::env::temp_dir().join(format!("ma-shell-history-{}", std::process::id()));
    let args =
        vec!["-k".to_owned(), KEY.to_owned(), "-u".to_owned(), format!("{}/v1", server.uri())];
    let input = "help\n\nservice.inf\nservice.set_nickname name myserver1 nickname webserver\n\
                 apikey.create\nquit\nhelp remote\n";
    let output = session(args.clone(), input, data.clone()).await;
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(0));
    assert!(
        out.starts_with(&format!("(Memset API shell v{})\n", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
    assert!(out.contains("Local commands:"), "{out}");
    assert!(
        out.contains("(service.set_nickname result)\n{\n  \"nickname\": \"webserver\"\n}\n"),
        "{out}"
    );
    assert!(out.ends_with("(quit)\n\n"), "quit ends the session before 'help remote': {out}");
    assert!(err.contains("service.inf: command not found"), "{err}");
    assert!(!out.contains(KEY) && !err.contains(KEY));

    let output = session(args, "help quit\n", data.clone()).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).ends_with("quit: ends the interactive session\n\nEOF (quit)\n"));

    let history =
        std::fs::read_to_string(data.join("cloud-sdks-shell/ma-shell.history")).expect("kept");
    assert!(history.contains("service.set_nickname name myserver1"), "{history}");
    assert!(!history.contains(KEY), "{history}");
    let _ = std::fs::remove_dir_all(&data);

    let output = session(Vec::new(), "help\n", std::env::temp_dir()).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).starts_with("ma-shell: No API KEY provided"));
}
