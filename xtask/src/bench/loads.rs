//! The fixture server process and the `load` runs against it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::{Options, Progress};

/// The running `fixture-server`; stopped when dropped (its stdin closes and it is killed).
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// Body size in bytes of each list answer, by `client/op`.
    pub sizes: BTreeMap<String, u64>,
}

impl Server {
    /// Starts the server with `extra` arguments (say `--items 1000`).
    pub fn start(binary: &Path, fixtures: &Path, extra: &[&str]) -> Result<Server, String> {
        let mut child = Command::new(binary)
            .arg("--fixtures")
            .arg(fixtures)
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("error: cannot start {}: {e}", binary.display()))?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        let mut words = line.split_whitespace();
        let (Some("listening"), Some(url)) = (words.next(), words.next()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("error: the fixture server did not start (it said {line:?})"));
        };
        let sizes = words
            .filter_map(|pair| {
                let (op, size) = pair.split_once('=')?;
                Some((op.to_owned(), size.parse().ok()?))
            })
            .collect();
        Ok(Server { child, url: url.to_owned(), sizes })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One measured run of one implementation.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub calls_per_sec: f64,
    pub cpu_us_per_call: f64,
    pub peak_rss_kib: u64,
}

/// Implementations measured against the raw baseline: the generated client, and for
/// ProfitBricks `list_datacenters` also the official Python SDK.
pub const SDK: &str = "sdk";
pub const RAW: &str = "raw";
pub const PYTHON: &str = "python-sdk";

/// Every run of one operation in one mode, by implementation; index `i` of each list is
/// round `i`, so raw and client runs of a round were made back to back.
#[derive(Debug)]
pub struct Group {
    /// `client/op`, e.g. `profitbricks/list_datacenters`.
    pub op: String,
    /// `seq` or `c<N>`.
    pub mode: String,
    pub runs: BTreeMap<&'static str, Vec<Run>>,
}

/// The operation the Python SDK is measured on.
const PYTHON_OP: &str = "profitbricks/list_datacenters";

/// Runs every operation in both modes, `options.rounds` times, alternating the order.
pub fn run_all(
    load: &Path,
    url: &str,
    python: Option<&Path>,
    work: &Path,
    options: &Options,
    progress: &mut Progress,
) -> Result<Vec<Group>, String> {
    let listed = Command::new(load)
        .arg("--list")
        .output()
        .map_err(|e| format!("error: cannot run {}: {e}", load.display()))?;
    let ops: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(str::to_owned)
        .filter(|op| options.only.as_deref().is_none_or(|only| op.contains(only)))
        .collect();
    if ops.is_empty() {
        return Err("error: no operation to measure (check --only)".to_owned());
    }
    let script = match python {
        Some(_) => Some(super::python::script(work)?),
        None => None,
    };

    let mut groups = Vec::new();
    for op in &ops {
        for concurrent in [false, true] {
            let mode =
                if concurrent { format!("c{}", options.concurrency) } else { "seq".to_owned() };
            let mut impls = vec![RAW, SDK];
            if op == PYTHON_OP && python.is_some() {
                impls.push(PYTHON);
            }
            let mut runs: BTreeMap<&'static str, Vec<Run>> = BTreeMap::new();
            for round in 0..options.rounds {
                // Rotate the order each round so no implementation always runs first.
                let mut order = impls.clone();
                order.rotate_left(round % impls.len());
                for which in order {
                    progress.tick(&format!("client calls: {op} {mode}, {which}"));
                    let mut command = match (which, python, &script) {
                        (PYTHON, Some(python), Some(script)) => {
                            let mut command = Command::new(python);
                            command.arg(script);
                            command
                        }
                        _ => {
                            let mut command = Command::new(load);
                            command.args([
                                "--op",
                                op,
                                "--impl",
                                which,
                                "--runtime",
                                &options.runtime,
                            ]);
                            command
                        }
                    };
                    command.args([
                        "--base-url",
                        url,
                        "--mode",
                        if concurrent { "concurrent" } else { "seq" },
                    ]);
                    command.args(["--concurrency", &options.concurrency.to_string()]);
                    command.args([
                        "--seconds",
                        &options.seconds.to_string(),
                        "--warmup",
                        &options.warmup.to_string(),
                    ]);
                    let run = measure(command)
                        .map_err(|e| format!("error: {op} {mode} ({which}): {e}"))?;
                    runs.entry(which).or_default().push(run);
                }
            }
            groups.push(Group { op: op.clone(), mode, runs });
        }
    }
    Ok(groups)
}

/// Runs one load process and reads its result line.
fn measure(mut command: Command) -> Result<Run, String> {
    let output = command.stdin(Stdio::null()).output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("failed ({}): {}", output.status, stderr.trim()));
    }
    let field = |name: &str| -> Result<f64, String> {
        stdout
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .and_then(|value| value.parse().ok())
            .ok_or(format!("no {name} in {:?}", stdout.trim()))
    };
    let run = Run {
        calls_per_sec: field("calls_per_sec")?,
        cpu_us_per_call: field("cpu_us_per_call")?,
        peak_rss_kib: field("peak_rss_kib")? as u64,
    };
    if field("calls")? < 1.0 {
        return Err("no call completed".to_owned());
    }
    Ok(run)
}

/// The largest value of `key` over `runs`.
pub fn best(runs: &[Run], key: impl Fn(&Run) -> f64) -> f64 {
    runs.iter().map(key).fold(f64::NAN, f64::max)
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}
