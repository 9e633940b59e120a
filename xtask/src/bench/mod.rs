//! `cargo xtask bench`: what users feel, measured side by side in one run.
//!
//! 1. builds the `bench` crate in release (`fixture-server`, `load`);
//! 2. starts one `fixture-server` on 127.0.0.1 (its own process) serving `tests/fixtures`;
//! 3. for each operation of `load --list` and each mode (`seq`, `concurrent`: 64 calls in
//!    flight on one client), runs the raw reqwest + serde_json baseline and the generated
//!    client, each in its own `load` process (so peak memory is per client), in alternating
//!    order, `--rounds` times; ProfitBricks `list_datacenters` also gets the official Python
//!    SDK (`profitbricks==3.1.2`, in a venv under `target/bench/`) in the same rounds;
//! 4. times `cargo xtask regen --check` (all three providers) and each generated crate's own
//!    debug and release compile (its `lib.rs` touched, dependencies already built);
//! 5. prints a report and ends with one `ratio_vs_raw <client>/<op>/<mode> <x>` line per
//!    client and mode. The report is also written to `target/bench/report.txt`.
//!
//! The machine may be busy with other work: runs of raw and client alternate within each
//! round, ratios are the median of the per-round ratios, and calls/s are the best round.
//! The spread of the baseline across rounds is printed as a noise figure.

mod compile;
mod loads;
mod python;
mod report;

use std::path::{Path, PathBuf};
use std::process::Command;

pub const USAGE: &str =
    "usage: cargo xtask bench [--rounds N] [--seconds S] [--warmup S] [--concurrency N]
                         [--runtime current|multi] [--only TEXT] [--compile-rounds N]
                         [--skip-python] [--skip-regen] [--skip-compile] [--quick]";

/// What to run; see [`USAGE`].
#[derive(Debug, Clone)]
pub struct Options {
    pub rounds: usize,
    pub seconds: f64,
    pub warmup: f64,
    pub concurrency: usize,
    pub runtime: String,
    pub only: Option<String>,
    pub compile_rounds: usize,
    pub python: bool,
    pub regen: bool,
    pub compile: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rounds: 5,
            seconds: 1.0,
            warmup: 0.3,
            concurrency: 64,
            runtime: "current".to_owned(),
            only: None,
            compile_rounds: 2,
            python: true,
            regen: true,
            compile: true,
        }
    }
}

fn parse(args: &[&str]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(&arg) = args.next() {
        let mut value = || args.next().copied().ok_or(format!("{arg} needs a value\n{USAGE}"));
        let bad = |e: &dyn std::fmt::Display| format!("{arg}: {e}\n{USAGE}");
        match arg {
            "--rounds" => options.rounds = value()?.parse().map_err(|e| bad(&e))?,
            "--seconds" => options.seconds = value()?.parse().map_err(|e| bad(&e))?,
            "--warmup" => options.warmup = value()?.parse().map_err(|e| bad(&e))?,
            "--concurrency" => options.concurrency = value()?.parse().map_err(|e| bad(&e))?,
            "--runtime" => options.runtime = value()?.to_owned(),
            "--only" => options.only = Some(value()?.to_owned()),
            "--compile-rounds" => options.compile_rounds = value()?.parse().map_err(|e| bad(&e))?,
            "--skip-python" => options.python = false,
            "--skip-regen" => options.regen = false,
            "--skip-compile" => options.compile = false,
            "--quick" => {
                options.rounds = 1;
                options.seconds = 0.3;
                options.warmup = 0.1;
                options.compile = false;
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if options.rounds == 0 || options.compile_rounds == 0 {
        return Err(format!("--rounds and --compile-rounds must be at least 1\n{USAGE}"));
    }
    if !matches!(options.runtime.as_str(), "current" | "multi") {
        return Err(format!("--runtime: expected current or multi\n{USAGE}"));
    }
    Ok(options)
}

/// Runs the whole benchmark from the workspace at `root`.
pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let options = parse(args)?;
    let fixtures = root.join("tests/fixtures");
    if !fixtures.is_dir() {
        return Err(format!(
            "error: {} is missing; the bench serves its fixtures",
            fixtures.display()
        ));
    }
    let target = target_dir(root);
    let work = target.join("bench");
    std::fs::create_dir_all(&work)
        .map_err(|e| format!("error: cannot create {}: {e}", work.display()))?;

    let started = std::time::Instant::now();
    let load_before = loadavg();
    progress("building the bench binaries (release)");
    cargo(root, &["build", "--release", "--quiet", "-p", "bench"])?;
    let bins = target.join("release");

    let python = if options.python {
        progress("preparing the Python SDK venv (profitbricks==3.1.2)");
        match python::prepare(&work) {
            Ok(python) => Some(python),
            Err(error) => {
                progress(&format!("skipping the Python SDK: {error}"));
                None
            }
        }
    } else {
        None
    };

    let server = loads::Server::start(&bins.join("fixture-server"), &fixtures)?;
    progress(&format!("fixture server at {}", server.url));
    let calls =
        loads::run_all(&bins.join("load"), &server.url, python.as_deref(), &work, &options)?;
    drop(server);

    let regen = if options.regen {
        progress("timing cargo xtask regen --check (every provider)");
        Some(compile::regen(root)?)
    } else {
        None
    };
    let compiles = if options.compile {
        compile::crates(root, &work, options.compile_rounds)?
    } else {
        Vec::new()
    };

    let text = report::render(&report::Inputs {
        revision: revision(root),
        options: &options,
        calls: &calls,
        regen: regen.as_ref(),
        compiles: &compiles,
        load_before,
        load_after: loadavg(),
        elapsed: started.elapsed(),
    });
    print!("{text}");
    let path = work.join("report.txt");
    std::fs::write(&path, &text)
        .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
    Ok(())
}

/// Where cargo puts build output: `$CARGO_TARGET_DIR`, or `target/` of the workspace.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The cargo that runs us (`$CARGO`), else the one on the `PATH`.
fn cargo_command() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `cargo <args>` in `root`; its output goes to our stderr.
fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    let status = cargo_command()
        .args(args)
        .current_dir(root)
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("error: `cargo {}` failed ({status})", args.join(" ")))
    }
}

fn progress(message: &str) {
    eprintln!("bench: {message}");
}

/// The commit measured, and whether the working tree differed from it.
fn revision(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let Some(commit) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "not a git checkout".to_owned();
    };
    match git(&["status", "--porcelain", "--untracked-files=no"])
        .map(|status| status.lines().count())
    {
        Some(0) => format!("commit {commit}, clean"),
        Some(changed) => format!("commit {commit} + {changed} changed tracked file(s)"),
        None => format!("commit {commit}"),
    }
}

/// The 1-minute load average, for the report's account of how busy the machine was.
fn loadavg() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}
