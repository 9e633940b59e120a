//! Benchmarks at scale (issue 15): how the cost grows with the work, measured side by side in
//! one run against raw reqwest and the vendors' Python SDKs.
//!
//! * large answers: list answers of 10 / 1,000 / 10,000 items, per provider;
//! * the concurrency curve: 1, 8, 64, 256 calls in flight, against raw reqwest and against the
//!   fixture server's own ceiling;
//! * Memset batches: 1,000 `service.info` calls sequential, 64 in flight, and as `batch()`;
//! * 1&1 page walks over 50 pages of 100;
//! * 200 concurrent waits on one client.
//!
//! Each figure comes from its own process (`load`, `scenario` or the Python script), runs of
//! the implementations compared alternate within each round, and ratios are medians of the
//! per-round ratios.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::loads::{median, Server};
use super::{Options, Progress};

/// Sizes of the large answers, in items.
pub const SIZES: [usize; 3] = [10, 1000, 10000];
/// In-flight counts of the concurrency curve.
pub const FLIGHT: [usize; 4] = [1, 8, 64, 256];
/// The operations of the concurrency curve.
pub const CURVE_OPS: [&str; 3] =
    ["profitbricks/list_datacenters", "oneandone/list_servers", "memset/service.info"];
/// The list operation of each provider with large answers (as `bench::scale::LARGE`).
pub const LARGE: [&str; 3] =
    ["profitbricks/list_datacenters", "oneandone/list_servers", "memset/service.list"];

/// One measured run: every `key=value` its process printed.
pub type Fields = BTreeMap<String, f64>;

/// Where the binaries and the Python interpreters are.
pub struct Tools<'a> {
    pub bins: &'a Path,
    pub fixtures: &'a Path,
    /// The venv's Python 3 with `profitbricks==3.1.2`, if it could be set up.
    pub python3: Option<&'a Path>,
    /// Python 2.7 and the folder holding `1and1==1.8.0` and `jsonrpclib==0.1.7`.
    pub python2: Option<(&'a Path, &'a Path)>,
    /// The load script of [`super::python::SCALE_SCRIPT`], written out.
    pub script: Option<&'a Path>,
}

/// Everything measured at scale.
#[derive(Debug, Default)]
pub struct Scale {
    /// `(op, items)` → implementation → rounds; with the answer's size in bytes.
    pub large: Vec<LargeGroup>,
    /// `(op, in flight)` → implementation → rounds.
    pub curve: Vec<CurveGroup>,
    /// Memset batch jobs: `impl mode` → rounds.
    pub batches: BTreeMap<String, Vec<Fields>>,
    /// Python seq calls were this many (the others: `batch_calls`).
    pub python_seq_calls: usize,
    pub batch_calls: usize,
    /// Page walks: implementation → rounds (each run: `walks` walks).
    pub pages: BTreeMap<String, Vec<Fields>>,
    pub walks: usize,
    /// Waits: implementation → rounds.
    pub waits: BTreeMap<String, Vec<Fields>>,
    pub wait_setup: WaitSetup,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct WaitSetup {
    pub waits: usize,
    pub interval_ms: u64,
    pub polls: u64,
}

#[derive(Debug)]
pub struct LargeGroup {
    pub op: &'static str,
    pub items: usize,
    pub body_bytes: u64,
    pub runs: BTreeMap<&'static str, Vec<Fields>>,
}

#[derive(Debug)]
pub struct CurveGroup {
    pub op: &'static str,
    pub in_flight: usize,
    pub runs: BTreeMap<&'static str, Vec<Fields>>,
}

/// How many seconds [`run`] is expected to take (for the progress line), by phase.
pub fn plan(options: &Options, python: bool) -> Vec<(&'static str, usize, f64)> {
    let rounds = options.scale_rounds as f64;
    let load = options.seconds + options.warmup + 0.1;
    let large_runs = SIZES.len() * LARGE.len() * 3 + if python { SIZES.len() * 2 } else { 0 };
    let curve_runs = CURVE_OPS.len() * FLIGHT.len() * 3;
    let batch_runs = 6 + if python { 2 } else { 0 };
    vec![
        ("large answers", large_runs * options.scale_rounds, large_runs as f64 * rounds * 0.6),
        (
            "concurrency curve",
            curve_runs * options.curve_rounds,
            curve_runs as f64 * options.curve_rounds as f64 * load,
        ),
        ("Memset batches", batch_runs * options.scale_rounds, batch_runs as f64 * rounds * 0.3),
        ("page walks", 3 * options.scale_rounds, 3.0 * rounds * 0.4),
        ("waits", 2 * options.scale_rounds, 2.0 * rounds * wait_secs(options)),
    ]
}

fn wait_setup(options: &Options) -> WaitSetup {
    if options.quick {
        WaitSetup { waits: 200, interval_ms: 50, polls: 4 }
    } else {
        WaitSetup { waits: 200, interval_ms: 100, polls: 10 }
    }
}

fn wait_secs(options: &Options) -> f64 {
    let setup = wait_setup(options);
    (setup.polls as f64 - 1.0) * setup.interval_ms as f64 / 1000.0 + 0.3
}

/// Runs every scale item.
pub fn run(tools: &Tools<'_>, options: &Options, progress: &mut Progress) -> Result<Scale, String> {
    let mut scale = Scale::default();
    large(tools, options, progress, &mut scale)?;
    let server = Server::start(&tools.bins.join("fixture-server"), tools.fixtures, &[])?;
    curve(tools, &server.url, options, progress, &mut scale)?;
    batches(tools, &server.url, options, progress, &mut scale)?;
    pages(tools, &server.url, options, progress, &mut scale)?;
    drop(server);
    let setup = wait_setup(options);
    let polls = setup.polls.to_string();
    let server =
        Server::start(&tools.bins.join("fixture-server"), tools.fixtures, &["--polls", &polls])?;
    waits(tools, &server.url, options, progress, &mut scale)?;
    Ok(scale)
}

/// Runs `command` and reads the `key=value` pairs of its output.
pub fn fields(mut command: Command) -> Result<Fields, String> {
    let output = command.stdin(Stdio::null()).output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("failed ({}): {}", output.status, stderr.trim()));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let fields: Fields = stdout
        .split_whitespace()
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            Some((key.to_owned(), value.parse().ok()?))
        })
        .collect();
    if fields.is_empty() {
        return Err(format!("no figures in {:?}", stdout.trim()));
    }
    Ok(fields)
}

/// The median of `key` over `runs`.
pub fn med(runs: &[Fields], key: &str) -> f64 {
    median(runs.iter().filter_map(|run| run.get(key).copied()).collect())
}

/// The largest `key` over `runs`.
pub fn max(runs: &[Fields], key: &str) -> f64 {
    runs.iter().filter_map(|run| run.get(key).copied()).fold(f64::NAN, f64::max)
}

/// The median over rounds of `this[key] / base[key]`, round by round.
pub fn ratio(this: &[Fields], base: &[Fields], key: &str) -> f64 {
    median(
        this.iter()
            .zip(base)
            .filter_map(|(this, base)| Some(this.get(key)? / base.get(key)?))
            .collect(),
    )
}

fn rotated<T: Clone>(items: &[T], round: usize) -> Vec<T> {
    let mut items = items.to_vec();
    if !items.is_empty() {
        let n = items.len();
        items.rotate_left(round % n);
    }
    items
}

fn load_command(tools: &Tools<'_>, op: &str, which: &str, url: &str) -> Command {
    let mut command = Command::new(tools.bins.join("load"));
    command.args(["--op", op, "--impl", which, "--base-url", url, "--runtime", "current"]);
    command
}

const TYPED: &str = "typed";
const RAW: &str = "raw";
const SDK: &str = "sdk";
const CEILING: &str = "ceiling";
const PYTHON: &str = "python-sdk";

fn large(
    tools: &Tools<'_>,
    options: &Options,
    progress: &mut Progress,
    scale: &mut Scale,
) -> Result<(), String> {
    // bytes decoded per run, so that every size gets about the same time
    let budget: f64 = if options.quick { 3e6 } else { 40e6 };
    for items in SIZES {
        let n = items.to_string();
        let server =
            Server::start(&tools.bins.join("fixture-server"), tools.fixtures, &["--items", &n])?;
        for op in LARGE {
            let body_bytes = server.sizes.get(op).copied().unwrap_or(0);
            let calls = (budget / body_bytes.max(1) as f64).clamp(2.0, 3000.0) as usize;
            let mut impls: Vec<&'static str> = vec![RAW, TYPED, SDK];
            let python = match op {
                "profitbricks/list_datacenters" => tools.python3.map(|python| (python, None)),
                "oneandone/list_servers" => {
                    tools.python2.map(|(python, site)| (python, Some(site)))
                }
                _ => None,
            };
            if python.is_some() && tools.script.is_some() {
                impls.push(PYTHON);
            }
            let mut runs: BTreeMap<&'static str, Vec<Fields>> = BTreeMap::new();
            for round in 0..options.scale_rounds {
                for which in rotated(&impls, round) {
                    progress.tick(&format!("large answers: {op}, {items} items, {which}"));
                    let command = match (which, python, tools.script) {
                        (PYTHON, Some((python, site)), Some(script)) => {
                            let mut command = Command::new(python);
                            if let Some(site) = site {
                                command.env("PYTHONPATH", site);
                            }
                            let sdk = op.split('/').next().unwrap_or_default();
                            // the SDKs are 10-30x slower: fewer calls, same order of time
                            let calls = (calls / 10).clamp(2, 200);
                            command.arg(script).args(["--job", "list", "--sdk", sdk]);
                            command.args(["--base-url", &server.url]);
                            command.args(["--calls", &calls.to_string(), "--warmup-calls", "1"]);
                            command
                        }
                        _ => {
                            let mut command = load_command(tools, op, which, &server.url);
                            let warmup = (calls / 10).max(1).to_string();
                            command.args(["--mode", "seq", "--calls", &calls.to_string()]);
                            command.args(["--warmup-calls", &warmup]);
                            command
                        }
                    };
                    let run = fields(command)
                        .map_err(|e| format!("error: {op} {items} items ({which}): {e}"))?;
                    runs.entry(which).or_default().push(run);
                }
            }
            scale.large.push(LargeGroup { op, items, body_bytes, runs });
        }
    }
    Ok(())
}

fn curve(
    tools: &Tools<'_>,
    url: &str,
    options: &Options,
    progress: &mut Progress,
    scale: &mut Scale,
) -> Result<(), String> {
    for op in CURVE_OPS {
        for in_flight in FLIGHT {
            let impls = [RAW, SDK, CEILING];
            let mut runs: BTreeMap<&'static str, Vec<Fields>> = BTreeMap::new();
            for round in 0..options.curve_rounds {
                for which in rotated(&impls, round) {
                    progress
                        .tick(&format!("concurrency curve: {op}, {in_flight} in flight, {which}"));
                    let mut command = load_command(tools, op, which, url);
                    command.args(["--mode", "concurrent", "--concurrency", &in_flight.to_string()]);
                    command.args(["--seconds", &options.seconds.to_string()]);
                    command.args(["--warmup", &options.warmup.to_string()]);
                    let run = fields(command)
                        .map_err(|e| format!("error: {op} c{in_flight} ({which}): {e}"))?;
                    runs.entry(which).or_default().push(run);
                }
            }
            scale.curve.push(CurveGroup { op, in_flight, runs });
        }
    }
    Ok(())
}

fn scenario(tools: &Tools<'_>, job: &str, which: &str, url: &str) -> Command {
    let mut command = Command::new(tools.bins.join("scenario"));
    command.args(["--job", job, "--impl", which, "--base-url", url]);
    command
}

fn batches(
    tools: &Tools<'_>,
    url: &str,
    options: &Options,
    progress: &mut Progress,
    scale: &mut Scale,
) -> Result<(), String> {
    let calls = 1000;
    // the Python JSON-RPC client stalls about 40 ms a call here (see BENCHMARKS.md): fewer
    // sequential calls in --quick, the figure is per call either way
    let python_seq_calls = if options.quick { 20 } else { 200 };
    scale.batch_calls = calls;
    scale.python_seq_calls = python_seq_calls;
    let mut jobs: Vec<(String, Command)> = Vec::new();
    let make = |tools: &Tools<'_>, which: &str, mode: &str| -> Option<Command> {
        if which == PYTHON {
            let (python, site) = tools.python2?;
            let script = tools.script?;
            let mut command = Command::new(python);
            command.env("PYTHONPATH", site).arg(script);
            command.args(["--job", "batch", "--mode", mode, "--base-url", url]);
            let n = if mode == "seq" { python_seq_calls } else { calls };
            command.args(["--calls", &n.to_string()]);
            return Some(command);
        }
        let mut command = scenario(tools, "batch", which, url);
        command.args(["--mode", mode, "--calls", &calls.to_string()]);
        Some(command)
    };
    let mut kinds = vec![
        (SDK, "seq"),
        (SDK, "c64"),
        (SDK, "batch"),
        (RAW, "seq"),
        (RAW, "c64"),
        (RAW, "batch"),
    ];
    if tools.python2.is_some() && tools.script.is_some() {
        kinds.push((PYTHON, "seq"));
        kinds.push((PYTHON, "batch"));
    }
    for round in 0..options.scale_rounds {
        jobs.clear();
        for (which, mode) in rotated(&kinds, round) {
            if let Some(command) = make(tools, which, mode) {
                jobs.push((format!("{which} {mode}"), command));
            }
        }
        for (name, command) in jobs.drain(..) {
            progress.tick(&format!("Memset batches: {name}"));
            let run = fields(command).map_err(|e| format!("error: memset batch {name}: {e}"))?;
            scale.batches.entry(name).or_default().push(run);
        }
    }
    Ok(())
}

fn pages(
    tools: &Tools<'_>,
    url: &str,
    options: &Options,
    progress: &mut Progress,
    scale: &mut Scale,
) -> Result<(), String> {
    let walks = if options.quick { 2 } else { 5 };
    scale.walks = walks;
    for round in 0..options.scale_rounds {
        for which in rotated(&[SDK, RAW, TYPED], round) {
            progress.tick(&format!("page walks: {which}"));
            let mut command = scenario(tools, "pages", which, url);
            command.args(["--walks", &walks.to_string()]);
            let run = fields(command).map_err(|e| format!("error: page walk ({which}): {e}"))?;
            scale.pages.entry(which.to_owned()).or_default().push(run);
        }
    }
    Ok(())
}

fn waits(
    tools: &Tools<'_>,
    url: &str,
    options: &Options,
    progress: &mut Progress,
    scale: &mut Scale,
) -> Result<(), String> {
    let setup = wait_setup(options);
    scale.wait_setup = setup;
    for round in 0..options.scale_rounds {
        for which in rotated(&[SDK, RAW], round) {
            progress.tick(&format!("waits: {} x {which}", setup.waits));
            let mut command = scenario(tools, "waits", which, url);
            command.args(["--waits", &setup.waits.to_string()]);
            command.args(["--interval-ms", &setup.interval_ms.to_string()]);
            command.args(["--polls", &setup.polls.to_string()]);
            let run = fields(command).map_err(|e| format!("error: waits ({which}): {e}"))?;
            scale.waits.entry(which.to_owned()).or_default().push(run);
        }
    }
    Ok(())
}

/// The path of a Python 2.7 interpreter: pyenv's, else `python2.7` on the `PATH`.
pub fn find_python2() -> Option<PathBuf> {
    let root = Command::new("pyenv")
        .arg("root")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
    if let Some(root) = root {
        let mut versions: Vec<PathBuf> = std::fs::read_dir(root.join("versions"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("2.7"))
            })
            .collect();
        versions.sort();
        if let Some(python) =
            versions.last().map(|dir| dir.join("bin/python2.7")).filter(|p| p.exists())
        {
            return Some(python);
        }
    }
    let on_path = Command::new("python2.7").arg("-V").stderr(Stdio::null()).status();
    on_path.is_ok_and(|status| status.success()).then(|| PathBuf::from("python2.7"))
}
