//! The printed report: tables, targets, and the closing `ratio_vs_raw` lines.

use std::fmt::Write as _;
use std::time::Duration;

use super::compile::{Compile, Regen};
use super::loads::{best, median, Group, Run, PYTHON, RAW};
use super::Options;

/// Targets of the issue.
const MIN_RATIO: f64 = 0.95;
const MAX_REGEN_SECS: f64 = 0.5;
const MAX_DEBUG_COMPILE_SECS: f64 = 10.0;

pub struct Inputs<'a> {
    pub revision: String,
    pub options: &'a Options,
    pub calls: &'a [Group],
    pub regen: Option<&'a Regen>,
    pub compiles: &'a [Compile],
    pub load_before: Option<f64>,
    pub load_after: Option<f64>,
    pub elapsed: Duration,
}

/// One implementation of one group, summarised.
struct Row<'a> {
    group: &'a Group,
    which: &'static str,
    calls_per_sec: f64,
    cpu_us: f64,
    rss_kib: u64,
    /// Median over rounds of this run's calls/s over the raw run's of the same round.
    ratio: f64,
    /// The same for CPU per call, raw over this (higher is cheaper than raw).
    cpu_ratio: f64,
    /// (max - min) / median of calls/s over the rounds.
    spread: f64,
}

/// The name a client gets in the report and the `ratio_vs_raw` lines.
fn label(group: &Group, which: &str) -> String {
    let (client, op) = group.op.split_once('/').unwrap_or((&group.op, ""));
    match which {
        PYTHON => format!("{client}-python-sdk/{op}/{}", group.mode),
        RAW => format!("raw-reqwest/{}/{}", group.op, group.mode),
        _ => format!("{}/{}", group.op, group.mode),
    }
}

fn rows(group: &Group) -> Vec<Row<'_>> {
    let raw = group.runs.get(RAW).map(Vec::as_slice).unwrap_or_default();
    let mut order: Vec<&&'static str> = group.runs.keys().collect();
    order.sort_by_key(|which| match **which {
        RAW => 0,
        PYTHON => 2,
        _ => 1,
    });
    order
        .into_iter()
        .map(|&which| {
            let runs: &[Run] = &group.runs[which];
            let paired = |f: &dyn Fn(&Run, &Run) -> f64| {
                median(runs.iter().zip(raw).map(|(run, raw)| f(run, raw)).collect())
            };
            let speeds: Vec<f64> = runs.iter().map(|r| r.calls_per_sec).collect();
            let middle = median(speeds.clone());
            let spread =
                (best(runs, |r| r.calls_per_sec) + best(runs, |r| -r.calls_per_sec)) / middle;
            Row {
                group,
                which,
                calls_per_sec: best(runs, |r| r.calls_per_sec),
                cpu_us: median(runs.iter().map(|r| r.cpu_us_per_call).collect()),
                rss_kib: runs.iter().map(|r| r.peak_rss_kib).max().unwrap_or(0),
                ratio: paired(&|run, raw| run.calls_per_sec / raw.calls_per_sec),
                cpu_ratio: paired(&|run, raw| raw.cpu_us_per_call / run.cpu_us_per_call),
                spread,
            }
        })
        .collect()
}

pub fn render(inputs: &Inputs<'_>) -> String {
    let options = inputs.options;
    let mut out = String::new();
    let all_rows: Vec<Row<'_>> = inputs.calls.iter().flat_map(rows).collect();

    let _ = writeln!(out, "\n== client calls: one fixture server on 127.0.0.1, {} rounds, {:.1} s measured per run after {:.1} s warm-up ==", options.rounds, options.seconds, options.warmup);
    let _ = writeln!(
        out,
        "   tokio {}-thread runtime in each load process; c{n} = {n} calls in flight on one client",
        options.runtime,
        n = options.concurrency
    );
    let _ = writeln!(out, "   calls/s: best round | CPU: load process CPU per call, median | RSS: peak (VmHWM), max over rounds");
    let _ = writeln!(out, "   ratio: median over rounds of calls/s / raw calls/s of the same round | CPU ratio: raw CPU / this CPU per call");
    let _ = writeln!(
        out,
        "   spread: (max - min) / median of calls/s over the rounds (how noisy the machine was)\n"
    );
    let _ = writeln!(
        out,
        "{:<54} {:>10} {:>9} {:>9} {:>7} {:>9} {:>7}",
        "client/op/mode", "calls/s", "CPU µs", "RSS MiB", "ratio", "CPU ratio", "spread"
    );
    for row in &all_rows {
        let _ = writeln!(
            out,
            "{:<54} {:>10.0} {:>9.1} {:>9.1} {:>7.3} {:>9.3} {:>7}",
            label(row.group, row.which),
            row.calls_per_sec,
            row.cpu_us,
            row.rss_kib as f64 / 1024.0,
            row.ratio,
            row.cpu_ratio,
            if options.rounds > 1 { format!("{:.0}%", row.spread * 100.0) } else { "-".to_owned() }
        );
    }

    if let Some(regen) = inputs.regen {
        let _ = writeln!(out, "\n== cargo xtask regen (all three providers; timed as regen --check: same work, no writes) ==");
        let _ = writeln!(out, "   {}", regen.status);
        let _ = writeln!(
            out,
            "{:<54} {:>10}",
            "cargo xtask regen --check (median of 3)",
            secs(median_duration(&regen.cargo))
        );
        let _ = writeln!(
            out,
            "{:<54} {:>10}",
            "xtask binary alone (median of 5)",
            secs(median_duration(&regen.binary))
        );
    }
    if !inputs.compiles.is_empty() {
        let _ = writeln!(out, "\n== each generated crate's own compile (lib.rs touched, dependencies built; best of {}) ==", options.compile_rounds);
        let _ = writeln!(out, "   debug and release: from scratch (CARGO_INCREMENTAL=0), as when the crate is a dependency");
        for compile in inputs.compiles {
            let profile = compile.profile;
            let notes = if compile.notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", compile.notes.join("; "))
            };
            let _ = writeln!(
                out,
                "{:<54} {:>10}{notes}",
                format!("cargo build -p {} ({profile})", compile.krate),
                secs(min_duration(&compile.times))
            );
        }
    }

    let _ = writeln!(out, "\n== machine ==");
    let _ = writeln!(out, "   measured: {}", inputs.revision);
    let _ = writeln!(
        out,
        "   {} CPUs; 1-minute load average {} at the start, {} at the end; whole run {:.0} s",
        std::thread::available_parallelism().map_or(0, usize::from),
        show(inputs.load_before),
        show(inputs.load_after),
        inputs.elapsed.as_secs_f64()
    );
    let raw_spreads: Vec<f64> =
        all_rows.iter().filter(|row| row.which == RAW).map(|row| row.spread).collect();
    if !raw_spreads.is_empty() && options.rounds > 1 {
        let _ = writeln!(
            out,
            "   raw baseline calls/s spread over rounds: median {:.0}%, worst {:.0}%",
            median(raw_spreads.clone()) * 100.0,
            raw_spreads.iter().copied().fold(0.0, f64::max) * 100.0
        );
    }

    let _ = writeln!(out, "\n== targets ==");
    let clients: Vec<&Row<'_>> =
        all_rows.iter().filter(|row| row.which != RAW && row.which != PYTHON).collect();
    let missed: Vec<String> = clients
        .iter()
        .filter(|row| row.ratio < MIN_RATIO)
        .map(|row| format!("{} {:.3}", label(row.group, row.which), row.ratio))
        .collect();
    let lowest = clients.iter().map(|row| row.ratio).fold(f64::INFINITY, f64::min);
    if !clients.is_empty() {
        if missed.is_empty() {
            let _ = writeln!(out, "   generated clients >= {MIN_RATIO}x raw calls/s in both modes: met (lowest {lowest:.3})");
        } else {
            let _ = writeln!(
                out,
                "   generated clients >= {MIN_RATIO}x raw calls/s in both modes: MISSED by {}",
                missed.join(", ")
            );
        }
    }
    if let Some(regen) = inputs.regen {
        // judged on the whole work: every file formatted, as after a change to the generator
        let took = median_duration(&regen.cargo).as_secs_f64();
        let verdict = if took < MAX_REGEN_SECS { "met" } else { "MISSED" };
        let _ = writeln!(out, "   cargo xtask regen under {MAX_REGEN_SECS} s: {verdict} ({took:.2} s; the binary alone {:.2} s)", median_duration(&regen.binary).as_secs_f64());
    }
    let debug: Vec<&Compile> = inputs.compiles.iter().filter(|c| c.profile == "debug").collect();
    if !debug.is_empty() {
        let slow: Vec<String> = debug
            .iter()
            .filter(|c| min_duration(&c.times).as_secs_f64() >= MAX_DEBUG_COMPILE_SECS)
            .map(|c| format!("{} {}", c.krate, secs(min_duration(&c.times))))
            .collect();
        let verdict = if slow.is_empty() {
            "met".to_owned()
        } else {
            format!("MISSED by {}", slow.join(", "))
        };
        let _ = writeln!(
            out,
            "   each crate's own debug compile under {MAX_DEBUG_COMPILE_SECS} s: {verdict}"
        );
    }

    let _ = writeln!(out);
    for row in all_rows.iter().filter(|row| row.which != RAW) {
        let _ = writeln!(out, "ratio_vs_raw {} {:.3}", label(row.group, row.which), row.ratio);
    }
    out
}

fn secs(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

fn show(load: Option<f64>) -> String {
    load.map_or("?".to_owned(), |load| format!("{load:.2}"))
}

fn median_duration(times: &[Duration]) -> Duration {
    Duration::from_secs_f64(median(times.iter().map(Duration::as_secs_f64).collect()))
}

fn min_duration(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}
