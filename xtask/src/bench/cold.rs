//! Cold builds users pay (issue 15): a small user binary that makes one call, depending on
//! one client crate, built with a clean target dir in dev and release, against the same
//! binary written with raw reqwest + serde; and the size of each stripped release binary.
//!
//! The projects live in `target/bench/cold/<name>/` with their own target dirs; each uses
//! the workspace's `Cargo.lock` (so both sides build the same versions) and builds
//! `--offline` from cargo's local registry cache. One clean build moves by several seconds
//! from run to run, more than the goals' margins, so each is built `--cold-rounds` times (3 by
//! default), the binaries taking turns within a round; what a crate adds is the median of its
//! differences from the raw binary of the same round. A full run saves its figures to
//! `target/bench/cold.txt`; `--quick` does not build (one round of eight clean builds takes
//! about 11 minutes on 2 cores) and reports the saved figures, saying when and on which
//! commit they were made.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::{cargo_command, Progress};

/// One user binary's cold builds.
#[derive(Debug, Clone)]
pub struct ColdRow {
    /// `raw-reqwest` or the client crate.
    pub name: String,
    /// Seconds of each round's build.
    pub dev_s: Vec<f64>,
    pub release_s: Vec<f64>,
    /// The release binary after `strip`.
    pub stripped_bytes: u64,
}

#[derive(Debug, Clone)]
pub struct Cold {
    pub rows: Vec<ColdRow>,
    /// Where the figures come from: measured in this run, or saved by which run.
    pub source: String,
}

/// The user binaries: name, dependencies, `main.rs`.
fn projects(root: &Path) -> Vec<(String, String, String)> {
    let path = |krate: &str| root.join("crates").join(krate).display().to_string();
    let runtime = "    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect(\"a runtime\");\n";
    let url = "    let url = std::env::args().nth(1).unwrap_or_else(|| \"http://127.0.0.1:9\".to_owned());\n";
    let client = |krate: &str, credentials: &str, call: &str| {
        (
            krate.to_owned(),
            format!(
                "{krate} = {{ path = {:?} }}\ntokio = {{ version = \"1\", default-features = false, features = [\"rt\"] }}\n",
                path(krate)
            ),
            format!(
                "fn main() {{\n{runtime}{url}    let client = {krate}::Client::builder({credentials}).base_url(url).build().expect(\"a client\");\n    match runtime.block_on({call}) {{\n        Ok(answer) => println!(\"{{answer:?}}\"),\n        Err(error) => eprintln!(\"{{error}}\"),\n    }}\n}}\n"
            ),
        )
    };
    vec![
        (
            "raw-reqwest".to_owned(),
            "reqwest = { version = \"0.12\", default-features = false, features = [\"rustls-tls\"] }\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\ntokio = { version = \"1\", default-features = false, features = [\"rt\"] }\n".to_owned(),
            format!(
                "#[derive(Debug, serde::Deserialize)]\n#[allow(dead_code)]\nstruct Datacenters {{ items: Vec<Datacenter> }}\n#[derive(Debug, serde::Deserialize)]\n#[allow(dead_code)]\nstruct Datacenter {{ id: String, properties: Properties }}\n#[derive(Debug, serde::Deserialize)]\n#[allow(dead_code)]\nstruct Properties {{ name: Option<String>, location: Option<String> }}\n\nasync fn call(url: String) -> Result<Datacenters, Box<dyn std::error::Error>> {{\n    let client = reqwest::Client::new();\n    let answer = client.get(format!(\"{{url}}/datacenters?depth=1\")).basic_auth(\"user\", Some(\"password\")).send().await?.error_for_status()?;\n    Ok(serde_json::from_slice(&answer.bytes().await?)?)\n}}\n\nfn main() {{\n{runtime}{url}    match runtime.block_on(call(url)) {{\n        Ok(answer) => println!(\"{{answer:?}}\"),\n        Err(error) => eprintln!(\"{{error}}\"),\n    }}\n}}\n"
            ),
        ),
        client(
            "profitbricks",
            "profitbricks::Credentials::basic(\"user\", \"password\")",
            "client.list_datacenters().depth(1).send()",
        ),
        client(
            "oneandone",
            "oneandone::Credentials::token(\"token\")",
            "client.list_servers().send()",
        ),
        client(
            "memset",
            "memset::Credentials::api_key(\"0123456789abcdef0123456789abcdef\")",
            "client.service().list().send()",
        ),
    ]
}

/// Where the saved figures are.
fn cache(work: &Path) -> std::path::PathBuf {
    work.join("cold.txt")
}

/// The saved figures of the last full run, if there are any.
pub fn cached(work: &Path) -> Option<Cold> {
    let text = std::fs::read_to_string(cache(work)).ok()?;
    let mut lines = text.lines();
    let source = lines.next()?.trim_start_matches("# ").to_owned();
    let seconds =
        |word: &str| -> Option<Vec<f64>> { word.split(',').map(|s| s.parse().ok()).collect() };
    let rows = lines
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(ColdRow {
                name: words.next()?.to_owned(),
                dev_s: seconds(words.next()?)?,
                release_s: seconds(words.next()?)?,
                stripped_bytes: words.next()?.parse().ok()?,
            })
        })
        .collect();
    Some(Cold {
        rows,
        source: format!("saved by the full run of {source}; not rebuilt by --quick"),
    })
}

/// Builds every user binary `rounds` times from a clean target dir, dev then release, the
/// binaries taking turns.
pub fn measure(
    root: &Path,
    work: &Path,
    revision: &str,
    rounds: usize,
    progress: &mut Progress,
) -> Result<Cold, String> {
    let dir = work.join("cold");
    let lock = std::fs::read(root.join("Cargo.lock")).ok();
    let mut rows = Vec::new();
    for (name, dependencies, main) in projects(root) {
        let project = dir.join(&name);
        let src = project.join("src");
        std::fs::create_dir_all(&src).map_err(|e| format!("error: {}: {e}", src.display()))?;
        let package = format!("user-of-{name}");
        let manifest = format!(
            "[package]\nname = {package:?}\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n# not a member of the cloud-sdks workspace\n[workspace]\n\n[dependencies]\n{dependencies}"
        );
        let write = |path: &Path, text: &[u8]| {
            std::fs::write(path, text).map_err(|e| format!("error: {}: {e}", path.display()))
        };
        write(&project.join("Cargo.toml"), manifest.as_bytes())?;
        write(&src.join("main.rs"), main.as_bytes())?;
        if let Some(lock) = &lock {
            write(&project.join("Cargo.lock"), lock)?;
        }
        rows.push(ColdRow { name, dev_s: Vec::new(), release_s: Vec::new(), stripped_bytes: 0 });
    }
    for round in 1..=rounds.max(1) {
        for row in &mut rows {
            let project = dir.join(&row.name);
            for release in [false, true] {
                let profile = if release { "release" } else { "dev" };
                progress.tick(&format!(
                    "cold builds: {} ({profile}, clean target, round {round} of {rounds})",
                    row.name
                ));
                let took = clean_build(&project, &row.name, release)?;
                if release {
                    row.release_s.push(took);
                } else {
                    row.dev_s.push(took);
                }
            }
        }
    }
    // the same sources give the same binary every round: its size is taken once, from the last
    for row in &mut rows {
        row.stripped_bytes = stripped_size(&dir.join(&row.name), &format!("user-of-{}", row.name))?;
    }
    let when = super::now_utc();
    let mut text = format!("# {when}, {revision}\n");
    let join = |times: &[f64]| -> String {
        times.iter().map(|t| format!("{t:.2}")).collect::<Vec<_>>().join(",")
    };
    for row in &rows {
        text.push_str(&format!(
            "{} {} {} {}\n",
            row.name,
            join(&row.dev_s),
            join(&row.release_s),
            row.stripped_bytes
        ));
    }
    let _ = std::fs::write(cache(work), text);
    Ok(Cold { rows, source: format!("measured in this run ({when})") })
}

/// One build of `project` from a clean target dir: its seconds.
fn clean_build(project: &Path, name: &str, release: bool) -> Result<f64, String> {
    let target = project.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let mut command = cargo_command();
    command.args(["build", "--offline", "--quiet"]).current_dir(project);
    if release {
        command.arg("--release");
    }
    command.env("CARGO_TARGET_DIR", &target).env_remove("CARGO_BUILD_TARGET");
    let started = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    let took = started.elapsed().as_secs_f64();
    if !output.status.success() {
        let profile = if release { "release" } else { "dev" };
        return Err(format!(
            "error: the cold {profile} build of {name} failed:\n{}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(took)
}

/// The size of the release binary `package` of `project` after `strip`.
fn stripped_size(project: &Path, package: &str) -> Result<u64, String> {
    let binary = project.join("target/release").join(package);
    let stripped = project.join("target/stripped");
    let status = Command::new("strip")
        .arg("-o")
        .arg(&stripped)
        .arg(&binary)
        .status()
        .map_err(|e| format!("error: cannot run strip: {e}"))?;
    if !status.success() {
        return Err(format!("error: strip {} failed", binary.display()));
    }
    Ok(std::fs::metadata(&stripped).map(|m| m.len()).unwrap_or(0))
}
