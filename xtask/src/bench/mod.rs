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
//! 6. at scale (issue 15, [`scale`]): large answers, the concurrency curve, Memset batches,
//!    1&1 page walks, many waits; cold builds of a user binary ([`cold`]) and regen time per
//!    operation; writes `target/bench/report.md` (tables with the goal beside each figure)
//!    and the plots `target/bench/{concurrency,answer-size}.svg` ([`plot`]); with
//!    `--update-docs` it also puts them into BENCHMARKS.md (between its `bench:scale` markers)
//!    and next to it.
//!
//! While it runs it shows what it is doing, how far along it is and the time left, when
//! stderr is a terminal; otherwise it prints only the report (and why anything was skipped).
//!
//! The machine may be busy with other work: runs of raw and client alternate within each
//! round, ratios are the median of the per-round ratios, and calls/s are the best round.
//! The spread of the baseline across rounds is printed as a noise figure.

mod cold;
mod compile;
mod loads;
mod markdown;
mod plot;
mod python;
mod report;
mod scale;

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub const USAGE: &str =
    "usage: cargo xtask bench [--rounds N] [--seconds S] [--warmup S] [--concurrency N]
                         [--runtime current|multi] [--only TEXT] [--compile-rounds N]
                         [--scale-rounds N] [--curve-rounds N] [--cold-rounds N] [--skip-python]
                         [--skip-regen] [--skip-compile]
                         [--skip-calls] [--skip-scale] [--skip-cold] [--quick] [--update-docs]";

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
    /// The main table of single calls (`seq` and `c64`).
    pub calls: bool,
    /// The items at scale (large answers, curve, batches, pages, waits).
    pub scale: bool,
    pub scale_rounds: usize,
    /// Rounds of the concurrency curve: more than the other items, as one run's calls/s
    /// varies by about as much as the gap its goal judges.
    pub curve_rounds: usize,
    /// Rounds of the cold builds, for the same reason: one clean build moves by seconds.
    pub cold_rounds: usize,
    /// Cold builds of a user binary (full runs; `--quick` reports the saved figures).
    pub cold: bool,
    pub quick: bool,
    /// Put the report's tables and plots into BENCHMARKS.md and next to it.
    pub update_docs: bool,
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
            calls: true,
            scale: true,
            scale_rounds: 3,
            curve_rounds: 7,
            cold_rounds: 3,
            cold: true,
            quick: false,
            update_docs: false,
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
            "--skip-calls" => options.calls = false,
            "--skip-scale" => options.scale = false,
            "--skip-cold" => options.cold = false,
            "--scale-rounds" => options.scale_rounds = value()?.parse().map_err(|e| bad(&e))?,
            "--curve-rounds" => options.curve_rounds = value()?.parse().map_err(|e| bad(&e))?,
            "--cold-rounds" => options.cold_rounds = value()?.parse().map_err(|e| bad(&e))?,
            "--update-docs" => options.update_docs = true,
            "--quick" => {
                options.quick = true;
                options.rounds = 1;
                options.scale_rounds = 1;
                options.curve_rounds = 1;
                options.seconds = 0.3;
                options.warmup = 0.1;
                options.compile = false;
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let counts = [
        options.rounds,
        options.compile_rounds,
        options.scale_rounds,
        options.curve_rounds,
        options.cold_rounds,
    ];
    if counts.contains(&0) {
        return Err(format!(
            "--rounds, --scale-rounds, --curve-rounds, --cold-rounds and --compile-rounds must be at least 1\n{USAGE}"
        ));
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
    let revision = revision(root);
    let mut progress = Progress::new();
    progress.status("building the bench binaries (release)");
    cargo(root, &["build", "--release", "--quiet", "-p", "bench"])?;
    let bins = target.join("release");
    let mut notes = Vec::new();

    let python = if options.python {
        progress.status("preparing the Python SDK venv (profitbricks==3.1.2)");
        match python::prepare(&work) {
            Ok(python) => Some(python),
            Err(error) => {
                notice(&mut notes, format!("skipping the ProfitBricks Python SDK: {error}"));
                None
            }
        }
    } else {
        None
    };
    let python2 = match (options.python && options.scale, scale::find_python2()) {
        (false, _) => None,
        (true, None) => {
            notice(&mut notes, "skipping the Python 2.7 SDKs (1&1, jsonrpclib): no Python 2.7 (pyenv or python2.7 on the PATH)".to_owned());
            None
        }
        (true, Some(python2)) => {
            progress.status("preparing Python 2.7 (1and1==1.8.0, jsonrpclib==0.1.7)");
            match python::prepare_py27(&work, &python2) {
                Ok(site) => Some((python2, site)),
                Err(error) => {
                    notice(&mut notes, format!("skipping the Python 2.7 SDKs: {error}"));
                    None
                }
            }
        }
    };
    let script = if python.is_some() || python2.is_some() {
        Some(python::scale_script(&work)?)
    } else {
        None
    };

    // the plan, for the progress line: (phase, steps, seconds)
    let load_secs = options.seconds + options.warmup + 0.15;
    let mut plan = Vec::new();
    if options.calls {
        let runs =
            5 * 2 * 2 * options.rounds + if python.is_some() { 2 * options.rounds } else { 0 };
        plan.push(("client calls", runs, runs as f64 * load_secs));
    }
    if options.scale {
        plan.extend(scale::plan(&options, python.is_some() || python2.is_some()));
    }
    let cold_now = options.cold && !options.quick;
    if cold_now {
        let builds = 8 * options.cold_rounds;
        plan.push(("cold builds", builds, builds as f64 * 85.0));
    }
    if options.regen {
        plan.push(("regen", 1, 5.0));
    }
    if options.compile {
        plan.push(("crate compiles", 1, 9.0 * options.compile_rounds as f64 * 12.0));
    }
    progress.plan(&plan);

    let calls = if options.calls {
        let server = loads::Server::start(&bins.join("fixture-server"), &fixtures, &[])?;
        let calls = loads::run_all(
            &bins.join("load"),
            &server.url,
            python.as_deref(),
            &work,
            &options,
            &mut progress,
        )?;
        drop(server);
        calls
    } else {
        Vec::new()
    };

    let scale = if options.scale {
        let tools = scale::Tools {
            bins: &bins,
            fixtures: &fixtures,
            python3: python.as_deref(),
            python2: python2.as_ref().map(|(python, site)| (python.as_path(), site.as_path())),
            script: script.as_deref(),
        };
        Some(scale::run(&tools, &options, &mut progress)?)
    } else {
        None
    };

    let cold = if cold_now {
        Some(cold::measure(root, &work, &revision, options.cold_rounds, &mut progress)?)
    } else if options.cold {
        let cached = cold::cached(&work);
        if cached.is_none() {
            notice(&mut notes, "cold builds: --quick does not build them and no full run saved figures yet (target/bench/cold.txt); run `cargo xtask bench --skip-calls --skip-scale` once".to_owned());
        }
        cached
    } else {
        None
    };

    let (regen, per_provider) = if options.regen {
        progress.tick("timing cargo xtask regen --check (every provider)");
        (Some(compile::regen(root)?), compile::regen_per_provider(root)?)
    } else {
        (None, Vec::new())
    };
    let compiles = if options.compile {
        progress.tick("timing each crate's own compile");
        compile::crates(root, &work, options.compile_rounds)?
    } else {
        Vec::new()
    };
    progress.finish();

    let elapsed = started.elapsed();
    let load_after = loadavg();
    let mut text = report::render(&report::Inputs {
        revision: revision.clone(),
        options: &options,
        calls: &calls,
        regen: regen.as_ref(),
        compiles: &compiles,
        load_before,
        load_after,
        elapsed,
    });
    let conditions = markdown::Conditions {
        revision: revision.clone(),
        when: now_utc(),
        load_before,
        load_after,
        elapsed,
        quick: options.quick,
        notes,
    };
    let md = markdown::render(&markdown::Inputs {
        conditions: &conditions,
        options: &options,
        scale: scale.as_ref(),
        cold: cold.as_ref(),
        regen: regen.as_ref(),
        per_provider: &per_provider,
    });
    text.push_str("\n== at scale (issue 15): also in target/bench/report.md ==\n\n");
    text.push_str(&md);
    print!("{text}");
    let write = |path: &Path, contents: &str| {
        std::fs::write(path, contents)
            .map_err(|e| format!("error: cannot write {}: {e}", path.display()))
    };
    write(&work.join("report.txt"), &text)?;
    write(&work.join("report.md"), &md)?;
    let mut plots = Vec::new();
    if let Some(scale) = &scale {
        plots.push((plot::CONCURRENCY, plot::concurrency(scale)));
        plots.push((plot::ANSWER_SIZE, plot::answer_size(scale)));
    }
    for (name, svg) in &plots {
        write(&work.join(name), svg)?;
    }
    if options.update_docs {
        let docs = root.join("BENCHMARKS.md");
        let old = std::fs::read_to_string(&docs)
            .map_err(|e| format!("error: cannot read {}: {e}", docs.display()))?;
        write(&docs, &markdown::splice(&old, &md)?)?;
        for (name, svg) in &plots {
            write(&root.join(name), svg)?;
        }
        eprintln!("bench: updated BENCHMARKS.md and its plots");
    }
    Ok(())
}

/// The time now, as `YYYY-MM-DD HH:MM UTC`.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", rest / 3600, rest % 3600 / 60)
}

/// Something skipped or worth knowing: printed at once, and kept for the report.
fn notice(notes: &mut Vec<String>, message: String) {
    // on a terminal, over the progress line rather than after it
    let clear = if std::io::stderr().is_terminal() { "\r\x1b[K" } else { "" };
    eprintln!("{clear}bench: {message}");
    notes.push(message);
}

/// The progress line: what is running, how far along the run is and the time left, on
/// stderr when it is a terminal; nothing otherwise.
pub struct Progress {
    tty: bool,
    started: Instant,
    /// Phase → (steps planned, seconds planned).
    plan: Vec<(&'static str, usize, f64)>,
    steps: usize,
    done: usize,
    planned_secs: f64,
    shown: usize,
}

impl Progress {
    fn new() -> Self {
        Progress {
            tty: std::io::stderr().is_terminal(),
            started: Instant::now(),
            plan: Vec::new(),
            steps: 0,
            done: 0,
            planned_secs: 0.0,
            shown: 0,
        }
    }

    fn plan(&mut self, plan: &[(&'static str, usize, f64)]) {
        self.plan = plan.to_vec();
        self.steps = plan.iter().map(|(_, steps, _)| steps).sum();
        self.planned_secs = plan.iter().map(|(_, _, secs)| secs).sum();
        self.started = Instant::now();
    }

    /// A step starts: `what` it is.
    pub fn tick(&mut self, what: &str) {
        if !self.tty {
            return;
        }
        let elapsed = self.started.elapsed().as_secs_f64();
        // planned seconds of the steps done, phase by phase
        let mut left = self.done;
        let mut done_secs = 0.0;
        for (_, steps, secs) in &self.plan {
            let here = left.min(*steps);
            done_secs += secs * here as f64 / (*steps).max(1) as f64;
            left -= here;
        }
        let remaining = (self.planned_secs - done_secs).max(0.0);
        // scale the plan by how fast it has gone so far, once there is something to go by
        let pace = if done_secs > 5.0 { elapsed / done_secs } else { 1.0 };
        let eta = remaining * pace;
        let percent = 100.0 * done_secs / self.planned_secs.max(1e-9);
        self.done += 1;
        let line = format!(
            "bench [{}/{}] {percent:>3.0}% · {} left · {what}",
            self.done.min(self.steps.max(1)),
            self.steps.max(1),
            minutes(eta)
        );
        let mut stderr = std::io::stderr();
        let width = 118;
        let line: String = line.chars().take(width).collect();
        let pad = self.shown.saturating_sub(line.chars().count());
        let _ = write!(stderr, "\r{line}{}", " ".repeat(pad));
        let _ = stderr.flush();
        self.shown = line.chars().count();
    }

    /// A message outside the plan (a build, a setup step).
    pub fn status(&mut self, what: &str) {
        if self.tty {
            let mut stderr = std::io::stderr();
            let pad = self.shown.saturating_sub(what.len() + 7);
            let _ = write!(stderr, "\rbench: {what}{}", " ".repeat(pad));
            let _ = stderr.flush();
            self.shown = what.len() + 7;
        }
    }

    fn finish(&mut self) {
        if self.tty && self.shown > 0 {
            eprintln!(
                "\r{}\rbench: done in {}",
                " ".repeat(self.shown),
                minutes(self.started.elapsed().as_secs_f64())
            );
            self.shown = 0;
        }
    }
}

fn minutes(secs: f64) -> String {
    let secs = secs.round() as u64;
    if secs >= 60 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

/// Where cargo puts build output: `$CARGO_TARGET_DIR`, or `target/` of the workspace.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The cargo that runs us (`$CARGO`), else the one on the `PATH`.
///
/// Without the variables `cargo run` set for xtask itself (`CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_NAME`, …): build scripts such as ring's list them in `rerun-if-env-changed`, so
/// a nested cargo that inherits them rebuilds ring and everything above it (reqwest, the
/// clients) whenever the previous build came from a shell, and the other way round.
fn cargo_command() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_MANIFEST_")
            || matches!(
                name.as_ref(),
                "CARGO_BIN_NAME" | "CARGO_CRATE_NAME" | "CARGO_PRIMARY_PACKAGE"
            )
        {
            command.env_remove(name.as_ref());
        }
    }
    command
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

/// A one-off status line (only when stderr is a terminal).
fn progress(message: &str) {
    if std::io::stderr().is_terminal() {
        eprint!("\rbench: {message}\x1b[K");
    }
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
