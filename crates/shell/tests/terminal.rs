//! The interactive mode at a real (pseudo-)terminal, typed at as a person would: banner,
//! prompt, tab completion of a command and of a parameter, help, a call, `quit` and ^D; and
//! the ProfitBricks password asked for without echo.

use std::process::Command;

use rexpect::session::{spawn_command, PtySession};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "0123456789abcdef01234567a32a1fe9";
const PASSWORD: &str = "hunter2-PASSWORD-secret";

fn shell(bin: &str, args: &[&str]) -> PtySession {
    let mut command = Command::new(bin);
    command
        .args(args)
        .env_remove("MEMSET_API_KEY")
        .env_remove("PROFITBRICKS_PASSWORD")
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join(format!("shell-pty-{}", std::process::id())),
        )
        .env("TERM", "xterm");
    spawn_command(command, Some(20_000)).expect("the shell starts in a pseudo-terminal")
}

/// Waits for the prompt, then a moment more: the line editor switches the terminal to raw
/// mode after printing it, which drops anything typed before.
fn prompt(session: &mut PtySession, text: &str) {
    session.exp_string(text).expect("the prompt");
    std::thread::sleep(std::time::Duration::from_millis(300));
}

#[tokio::test(flavor = "multi_thread")]
async fn ma_shell_at_a_terminal_completes_helps_calls_and_quits() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/json/service.info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "myserver1"})))
        .mount(&server)
        .await;
    let url = format!("{}/v1", server.uri());
    tokio::task::spawn_blocking(move || {
        let mut ma = shell(env!("CARGO_BIN_EXE_ma-shell"), &["-k", KEY, "-u", &url]);
        ma.exp_string(&format!("(Memset API shell v{})", env!("CARGO_PKG_VERSION")))
            .expect("banner");
        // the prompt ends with the key's last 8 characters
        prompt(&mut ma, "[...a32a1fe9]> ");
        // a unique command prefix and a unique parameter prefix complete with Tab
        ma.send("service.inf\t").and_then(|_| ma.flush()).expect("typed");
        ma.exp_string("service.info").expect("the command completed");
        ma.send(" na\t").and_then(|_| ma.flush()).expect("typed");
        ma.exp_string("name").expect("the parameter completed");
        ma.send_line(" myserver1").expect("typed");
        ma.exp_string("(service.info result)").expect("the call's header");
        ma.exp_string("\"name\": \"myserver1\"").expect("the call's result");
        prompt(&mut ma, "[...a32a1fe9]> ");
        ma.send_line("help service.info").expect("typed");
        ma.exp_string("Wire: POST /json/service.info").expect("the command's help");
        ma.send_line("quit").expect("typed");
        ma.exp_string("(quit)").expect("quit's message");
        ma.exp_eof().expect("the shell ends");

        let mut ma = shell(env!("CARGO_BIN_EXE_ma-shell"), &["-k", KEY, "-u", &url]);
        prompt(&mut ma, "]> ");
        ma.send_control('d').expect("^D");
        ma.exp_string("EOF (quit)").expect("^D's message");
        ma.exp_eof().expect("the shell ends");
    })
    .await
    .expect("the terminal session");
    let calls = server.received_requests().await.expect("recording");
    assert_eq!(calls.len(), 1, "one call, for the one remote command");
}

#[tokio::test(flavor = "multi_thread")]
async fn pb_shell_asks_for_a_missing_password_without_echo() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cloudapi/v3/datacenters"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": "datacenters", "type": "collection", "href": "https://x/datacenters", "items": []}),
        ))
        .mount(&server)
        .await;
    let url = format!("{}/cloudapi/v3", server.uri());
    let screen = tokio::task::spawn_blocking(move || {
        let mut pb =
            shell(env!("CARGO_BIN_EXE_pb-shell"), &["-u", "me", "-U", &url, "list_datacenters"]);
        pb.exp_string("Password for me: ").expect("the password is asked for");
        pb.send_line(PASSWORD).expect("typed");
        let (screen, _) = pb.exp_regex("\"id\": \"datacenters\"").expect("the call ran");
        pb.exp_eof().expect("the shell ends");
        screen
    })
    .await
    .expect("the terminal session");
    assert!(!screen.contains(PASSWORD), "the password was echoed: {screen}");
    let calls = server.received_requests().await.expect("recording");
    let auth = calls[0].headers.get("authorization").expect("Basic auth").to_str().expect("text");
    assert!(auth.starts_with("Basic "), "{auth}");
}
