//! What the shells' test files share: running a shell binary the way a person would, with
//! nothing inherited that could log it in.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs `bin` with `args`, `input` on stdin and `data` as its `XDG_DATA_HOME` (where the
/// history goes), with no credential variable inherited; its whole output once it ends.
pub async fn run_shell(
    bin: &'static str,
    args: Vec<String>,
    input: &'static str,
    data: PathBuf,
) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new(bin)
            .args(&args)
            .env_remove("MEMSET_API_KEY")
            .env_remove("ONEANDONE_TOKEN")
            .env_remove("PROFITBRICKS_USERNAME")
            .env_remove("PROFITBRICKS_PASSWORD")
            .env("XDG_DATA_HOME", data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        // a shell that refuses to start may close its input first: that is not a failure here
        let _ = child.stdin.take().expect("stdin").write_all(input.as_bytes());
        child.wait_with_output().expect("the binary ends")
    })
    .await
    .expect("the runner thread")
}
