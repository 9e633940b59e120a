//! Maintainer-side timings: `cargo xtask regen` and each generated crate's own compile time.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use super::{cargo_command, progress};

/// Timings of regenerating all three providers.
#[derive(Debug)]
pub struct Regen {
    /// `cargo xtask regen --check` as typed (cargo's freshness check and start-up included).
    pub cargo: Vec<Duration>,
    /// The xtask binary alone: load, validate, emit, format, compare every file.
    pub binary: Vec<Duration>,
    /// What the check said: up to date, or which files differ.
    pub status: String,
}

/// Times `regen --check` (the same work as `regen` — load, validate, generate, format,
/// compare — without writing into the working tree) three times through `cargo xtask` and
/// five times through the binary, after one untimed run of each.
pub fn regen(root: &Path) -> Result<Regen, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("error: cannot find the xtask binary: {e}"))?;
    let binary = || {
        let mut command = Command::new(&exe);
        command.args(["regen", "--check"]);
        command
    };
    let through_cargo = || {
        let mut command = cargo_command();
        command.args(["xtask", "regen", "--check"]);
        command
    };
    let (status, _) = time_regen(root, binary())?;
    let mut binary_times = Vec::new();
    for _ in 0..5 {
        binary_times.push(time_regen(root, binary())?.1);
    }
    time_regen(root, through_cargo())?;
    let mut cargo_times = Vec::new();
    for _ in 0..3 {
        cargo_times.push(time_regen(root, through_cargo())?.1);
    }
    Ok(Regen { cargo: cargo_times, binary: binary_times, status })
}

/// Runs one regen check; a difference from the working tree is fine (the work is the same),
/// a spec error is not (nothing would have been generated).
fn time_regen(root: &Path, mut command: Command) -> Result<(String, Duration), String> {
    let started = Instant::now();
    let output = command
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("error: cannot run regen: {e}"))?;
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        return Ok(("generated code up to date".to_owned(), elapsed));
    }
    if stderr.contains("the generated code is not what the spec produces") {
        let files =
            stderr.lines().filter(|line| line.starts_with("  ") && !line.contains("help:")).count();
        return Ok((
            format!(
                "{files} generated file(s) differ from the working tree (same work either way)"
            ),
            elapsed,
        ));
    }
    Err(format!("error: regen failed, so it cannot be timed:\n{}", stderr.trim()))
}

/// One crate's own compile time in one profile.
#[derive(Debug)]
pub struct Compile {
    pub krate: String,
    /// `debug`, `release`, or `debug, incremental`.
    pub profile: &'static str,
    /// Each round's wall time.
    pub times: Vec<Duration>,
    /// Anything besides the crate that cargo compiled, or a lock it waited for.
    pub notes: Vec<String>,
}

/// The profiles timed: name, `--release`?, incremental?
///
/// `debug` and `release` compile the crate from scratch, as cargo builds it when it is a
/// dependency of a user's project (registry crates are never built incrementally).
/// `debug, incremental` is what a maintainer sees after touching `lib.rs` in this workspace.
const PROFILES: [(&str, bool, bool); 3] =
    [("debug", false, false), ("release", true, false), ("debug, incremental", false, true)];

/// Times `cargo build -p <crate>` after touching its `lib.rs`, everything else already built
/// by an untimed build just before; best of `rounds`. Builds go to their own target dir
/// (`<work>/compile-target`), so other builds in the workspace neither block nor disturb them.
pub fn crates(root: &Path, work: &Path, rounds: usize) -> Result<Vec<Compile>, String> {
    let target = work.join("compile-target");
    // the generated crates, each timed on its own: one per provider of spec/
    let crates = crate::providers(root)?;
    let mut out = Vec::new();
    for (profile, release, incremental) in PROFILES {
        for krate in crates.iter().map(String::as_str) {
            progress(&format!("timing the {profile} compile of {krate}"));
            let mut args = vec!["build", "-p", krate];
            if release {
                args.push("--release");
            }
            let command = |extra: &[&str]| {
                let mut command = cargo_command();
                command
                    .args(&args)
                    .args(extra)
                    .current_dir(root)
                    .env("CARGO_TARGET_DIR", &target)
                    .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" })
                    .stdin(Stdio::null());
                command
            };
            let mut times = Vec::new();
            let mut notes = Vec::new();
            for _ in 0..rounds {
                let warm = command(&["--quiet"]).stdout(Stdio::null()).status();
                if !warm.as_ref().is_ok_and(|status| status.success()) {
                    return Err(format!("error: `cargo {}` failed ({warm:?})", args.join(" ")));
                }
                touch(&root.join("crates").join(krate).join("src/lib.rs"))?;
                let started = Instant::now();
                let output =
                    command(&[]).output().map_err(|e| format!("error: cannot run cargo: {e}"))?;
                times.push(started.elapsed());
                let stderr = String::from_utf8_lossy(&output.stderr);
                if !output.status.success() {
                    return Err(format!(
                        "error: `cargo {}` failed:\n{}",
                        args.join(" "),
                        stderr.trim()
                    ));
                }
                let mut compiled_it = false;
                for line in stderr.lines().map(str::trim) {
                    let note = match line.strip_prefix("Compiling ") {
                        Some(name) if name.starts_with(&format!("{krate} ")) => {
                            compiled_it = true;
                            continue;
                        }
                        Some(name) => format!("also compiled {name}"),
                        None if line.starts_with("Blocking") => {
                            "waited for a cargo lock".to_owned()
                        }
                        None => continue,
                    };
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                if !compiled_it {
                    return Err(format!(
                        "error: `cargo {}` did not recompile {krate} after touching its lib.rs",
                        args.join(" ")
                    ));
                }
            }
            out.push(Compile { krate: krate.to_owned(), profile, times, notes });
        }
    }
    Ok(out)
}

/// Sets the modification time of `path` to now, so cargo rebuilds the crate it belongs to.
fn touch(path: &Path) -> Result<(), String> {
    File::options()
        .append(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|e| format!("error: cannot touch {}: {e}", path.display()))
}

/// One provider's share of `regen`, timed in this process (the same code `regen` runs).
#[derive(Debug)]
pub struct ProviderRegen {
    pub provider: String,
    /// `[[operation]]` entries of its spec.
    pub operations: usize,
    /// Lines of its spec files.
    pub spec_lines: usize,
    /// Validate, generate and format (the spec already read): median of 5, wall time.
    pub seconds: f64,
    /// The same, CPU time of this thread (holds up better when the machine is busy).
    pub cpu_seconds: f64,
}

/// CPU time this thread has run so far, in seconds (`/proc/thread-self/schedstat`).
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|stat| stat.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// Times generating each provider on its own: reading its spec, checking it, emitting and
/// formatting every file (no comparison, no writes); the median of 5 after one untimed run.
pub fn regen_per_provider(root: &Path) -> Result<Vec<ProviderRegen>, String> {
    let specs = codegen::load::all(&root.join("spec"), "spec")
        .map_err(|e| format!("error: cannot read the specs: {e}"))?;
    let mut out = Vec::new();
    for spec in &specs {
        let (mut times, mut cpu) = (Vec::new(), Vec::new());
        for round in 0..6 {
            let (started, cpu_start) = (Instant::now(), thread_cpu());
            let files = codegen::generate(spec).map_err(|_| {
                format!("error: spec/{} has errors; run cargo xtask regen", spec.name)
            })?;
            std::hint::black_box(files);
            if round > 0 {
                times.push(started.elapsed().as_secs_f64());
                cpu.push(thread_cpu() - cpu_start);
            }
        }
        let texts = std::iter::once(&spec.provider).chain(&spec.groups);
        let (mut operations, mut spec_lines) = (0, 0);
        for file in texts {
            operations += file.text.lines().filter(|line| line.trim() == "[[operation]]").count();
            spec_lines += file.text.lines().count();
        }
        out.push(ProviderRegen {
            provider: spec.name.clone(),
            operations,
            spec_lines,
            seconds: super::loads::median(times),
            cpu_seconds: super::loads::median(cpu),
        });
    }
    Ok(out)
}
