//! `target/bench/report.md`: the figures at scale as Markdown tables, the goal of issue 15
//! beside each, ready to paste into BENCHMARKS.md (or put there by `--update-docs`, between
//! the [`BEGIN`] and [`END`] markers).

use std::fmt::Write as _;
use std::time::Duration;

use super::cold::Cold;
use super::compile::{ProviderRegen, Regen};
use super::loads::median;
use super::scale::{max, med, ratio, Scale};
use super::Options;

pub const BEGIN: &str = "<!-- bench:scale:begin (written by `cargo xtask bench --update-docs`; edit the bench, not this) -->";
pub const END: &str = "<!-- bench:scale:end -->";

/// Goals of issue 15.
const FLOOR_MAX: f64 = 1.10;
const RSS_MAX: f64 = 1.10;
const CURVE_MIN: f64 = 0.95;
const BATCH_MIN: f64 = 10.0;
const WALK_MIN: f64 = 0.95;
const COLD_DEV_MAX: f64 = 3.0;
const COLD_RELEASE_MAX: f64 = 5.0;
const COLD_MB_MAX: f64 = 0.3;
const REGEN_MAX: f64 = 0.5;

/// How and when the run was made.
pub struct Conditions {
    pub revision: String,
    pub when: String,
    pub load_before: Option<f64>,
    pub load_after: Option<f64>,
    pub elapsed: Duration,
    pub quick: bool,
    pub notes: Vec<String>,
}

pub struct Inputs<'a> {
    pub conditions: &'a Conditions,
    pub options: &'a Options,
    pub scale: Option<&'a Scale>,
    pub cold: Option<&'a Cold>,
    pub regen: Option<&'a Regen>,
    pub per_provider: &'a [ProviderRegen],
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

fn load(value: Option<f64>) -> String {
    value.map_or("?".to_owned(), |value| format!("{value:.2}"))
}

pub fn render(inputs: &Inputs<'_>) -> String {
    let mut out = String::new();
    let c = inputs.conditions;
    let o = inputs.options;
    let _ = writeln!(out, "### The run these figures come from\n");
    let _ = writeln!(
        out,
        "`cargo xtask bench{}` on {}, {}: {} CPUs, 1-minute load average {} at the start and {} at the end, {:.0} s in all. {} round(s) per figure (the concurrency curve: {}){}; ratios are medians of per-round ratios against the baseline measured in the same round, runs alternating.",
        if c.quick { " --quick" } else { "" },
        c.when,
        c.revision,
        std::thread::available_parallelism().map_or(0, usize::from),
        load(c.load_before),
        load(c.load_after),
        c.elapsed.as_secs_f64(),
        o.scale_rounds,
        o.curve_rounds,
        if c.quick { " (--quick: one round, short runs; good for checking the bench, not for the figures)" } else { "" },
    );
    for note in &c.notes {
        let _ = writeln!(out, "\n* {note}");
    }
    let _ = writeln!(out);
    if let Some(scale) = inputs.scale {
        large(&mut out, scale);
        curve(&mut out, scale, o);
        batches(&mut out, scale);
        pages(&mut out, scale);
        waits(&mut out, scale);
    }
    if let Some(cold) = inputs.cold {
        cold_builds(&mut out, cold);
    } else if o.cold {
        let _ = writeln!(
            out,
            "### 6. Cold builds users pay\n\nNot measured in this run (see the notes above).\n"
        );
    }
    if let Some(regen) = inputs.regen {
        regen_table(&mut out, regen, inputs.per_provider);
    }
    out
}

fn label(which: &str, op: &str) -> String {
    let client = op.split('/').next().unwrap_or_default();
    match which {
        "raw" => "raw reqwest + `Value`".to_owned(),
        "typed" => "raw reqwest + the client's models (floor)".to_owned(),
        "sdk" => format!("`{client}` client"),
        "python-sdk" if client == "oneandone" => "1&1 Python SDK (2.7)".to_owned(),
        "python-sdk" => "ProfitBricks Python SDK".to_owned(),
        "ceiling" => "server ceiling".to_owned(),
        other => other.to_owned(),
    }
}

fn large(out: &mut String, scale: &Scale) {
    let _ = writeln!(out, "### 1. Large answers\n");
    let _ = writeln!(out, "List answers of 10, 1,000 and 10,000 items built from the fixture items (each with its own id), one call after another. CPU is the load process's, per item; RSS is its peak. Goals: the client's decode within {FLOOR_MAX}× of the floor (CPU per call, raw reqwest decoding into the same models), at least as fast as `Value`, and peak RSS at most the floor's + 10%.\n");
    let _ = writeln!(out, "![answer-size curve](BENCHMARKS-answer-size.svg)\n");
    let _ = writeln!(out, "| operation | items | answer | implementation | calls/s | MB/s decoded | CPU µs/item | peak RSS MiB | against the goal |");
    let _ = writeln!(out, "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |");
    for group in &scale.large {
        let mb = group.body_bytes as f64 / 1e6;
        let order = ["sdk", "typed", "raw", "python-sdk"];
        for which in order {
            let Some(runs) = group.runs.get(which) else { continue };
            let calls_per_sec = med(runs, "calls_per_sec");
            let cpu_item = med(runs, "cpu_us_per_call") / group.items as f64;
            let rss = max(runs, "peak_rss_kib") / 1024.0;
            let goal = if which == "sdk" {
                let typed = group.runs.get("typed").map(Vec::as_slice).unwrap_or_default();
                let raw = group.runs.get("raw").map(Vec::as_slice).unwrap_or_default();
                let floor = ratio(runs, typed, "cpu_us_per_call");
                let value = ratio(runs, raw, "cpu_us_per_call");
                let rss_ratio = max(runs, "peak_rss_kib") / max(typed, "peak_rss_kib");
                format!(
                    "CPU {floor:.2}× floor ({}), {:.2}× `Value`'s ({}), RSS {:+.0}% of floor's ({})",
                    verdict(floor <= FLOOR_MAX),
                    value,
                    verdict(value <= 1.0),
                    (rss_ratio - 1.0) * 100.0,
                    verdict(rss_ratio <= RSS_MAX)
                )
            } else if which == "python-sdk" {
                let sdk = group.runs.get("sdk").map(Vec::as_slice).unwrap_or_default();
                format!(
                    "{:.1}× the client's CPU",
                    med(runs, "cpu_us_per_call") / med(sdk, "cpu_us_per_call")
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {:.2} MB | {} | {:.0} | {:.0} | {:.2} | {:.1} | {} |",
                group.op,
                group.items,
                mb,
                label(which, group.op),
                calls_per_sec,
                calls_per_sec * mb,
                cpu_item,
                rss,
                goal
            );
        }
    }
    let _ = writeln!(out);
}

fn curve(out: &mut String, scale: &Scale, options: &Options) {
    let _ = writeln!(out, "### 2. Concurrency curve\n");
    let _ = writeln!(out, "Calls in flight on one client (one connection pool, a current-thread runtime), {:.1} s per run after {:.1} s of warm-up, {} round(s) per point. The ceiling is the same load generator writing the same request bytes on plain keep-alive connections and skipping the answers: what the single-threaded fixture server can serve on this machine. Goal: the client ≥ {CURVE_MIN}× raw reqwest at every point.\n", options.seconds, options.warmup, options.curve_rounds);
    let _ = writeln!(out, "![concurrency curve](BENCHMARKS-concurrency.svg)\n");
    let _ = writeln!(out, "| operation | in flight | raw calls/s | client calls/s | ceiling calls/s | client / raw | goal | raw / ceiling | client / ceiling |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
    for group in &scale.curve {
        let get = |which: &str| group.runs.get(which).map(Vec::as_slice).unwrap_or_default();
        let (raw, sdk, ceiling) = (get("raw"), get("sdk"), get("ceiling"));
        let client_raw = ratio(sdk, raw, "calls_per_sec");
        let _ = writeln!(
            out,
            "| `{}` | {} | {:.0} | {:.0} | {:.0} | {:.3} | {} | {:.2} | {:.2} |",
            group.op,
            group.in_flight,
            med(raw, "calls_per_sec"),
            med(sdk, "calls_per_sec"),
            med(ceiling, "calls_per_sec"),
            client_raw,
            verdict(client_raw >= CURVE_MIN),
            ratio(raw, ceiling, "calls_per_sec"),
            ratio(sdk, ceiling, "calls_per_sec"),
        );
    }
    let _ = writeln!(out);
}

fn batches(out: &mut String, scale: &Scale) {
    let calls = scale.batch_calls;
    let _ = writeln!(out, "### 3. Memset batches\n");
    let _ = writeln!(out, "{calls} `service.info` calls, after 50 untimed ones. `batch` is `ms.batch()` with {calls} calls added, sent as {} JSON-RPC requests of 100; raw reqwest posts the same arrays and decodes `Value`s. The Python rows are the seed's \"Python JSON-RPC Example\" (jsonrpclib 0.1.7 on Python 2.7: `Server(uri).service.info(name=…)` and `MultiCall`); its sequential figure is {} calls scaled to {calls}. Goal: the client's batch ≥ {BATCH_MIN}× faster than its sequential calls.\n", calls.div_ceil(100), scale.python_seq_calls);
    let _ = writeln!(out, "| implementation | mode | requests | wall ms | CPU ms | wall vs the client's `seq` | against the goal |");
    let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: | ---: | --- |");
    let seq = scale.batches.get("sdk seq").map(Vec::as_slice).unwrap_or_default();
    for (name, runs) in &scale.batches {
        let (which, mode) = name.split_once(' ').unwrap_or((name, ""));
        let factor = if which == "python-sdk" && mode == "seq" {
            calls as f64 / scale.python_seq_calls.max(1) as f64
        } else {
            1.0
        };
        let wall = med(runs, "wall_s") * factor;
        let speedup = med(seq, "wall_s") / wall;
        let goal = if name == "sdk batch" {
            let paired = ratio(seq, runs, "wall_s");
            format!("{paired:.1}× ({})", verdict(paired >= BATCH_MIN))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {} | `{mode}` | {:.0} | {:.1} | {:.1} | {:.2}× | {goal} |",
            match which {
                "sdk" => "`memset` client",
                "raw" => "raw reqwest",
                _ => "Python jsonrpclib (2.7)",
            },
            med(runs, "requests") * factor,
            wall * 1000.0,
            med(runs, "cpu_s") * factor * 1000.0,
            speedup,
        );
    }
    let _ = writeln!(out);
}

fn pages(out: &mut String, scale: &Scale) {
    let _ = writeln!(out, "### 4. Page walks\n");
    let _ = writeln!(out, "`oa.list_servers().per_page(100).pages()` to the end, {} walks per run: 50 full pages of 100 servers and the empty page that ends the walk. Raw reqwest walks the same pages the same way. Goal (as for single calls): ≥ {WALK_MIN}× raw reqwest's speed.\n", scale.walks);
    let _ = writeln!(out, "| implementation | requests per walk | ms per walk | CPU ms per walk | peak RSS MiB | speed vs raw | against the goal |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | --- |");
    let raw = scale.pages.get("raw").map(Vec::as_slice).unwrap_or_default();
    let walks = scale.walks.max(1) as f64;
    for which in ["sdk", "typed", "raw"] {
        let Some(runs) = scale.pages.get(which) else { continue };
        let speed = ratio(raw, runs, "wall_s");
        let goal =
            if which == "sdk" { verdict(speed >= WALK_MIN).to_owned() } else { String::new() };
        let _ = writeln!(
            out,
            "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {speed:.2}× | {goal} |",
            label(which, "oneandone/list_servers"),
            med(runs, "requests") / walks,
            med(runs, "wall_s") * 1000.0 / walks,
            med(runs, "cpu_s") * 1000.0 / walks,
            max(runs, "peak_rss_kib") / 1024.0,
        );
    }
    let _ = writeln!(out);
}

fn waits(out: &mut String, scale: &Scale) {
    let s = scale.wait_setup;
    let _ = writeln!(out, "### 5. Many waits\n");
    let _ = writeln!(out, "{} concurrent `pb.wait_for(id).interval({} ms)` on one client; the fixture server answers `QUEUED` until an id's {}th poll, then `DONE`, and counts the polls and the shortest time between two polls of one id. Raw reqwest polls the same way by hand (`tokio::time::sleep`). Goals: {} requests ({} × {}), and no two polls of one id closer than the interval.\n", s.waits, s.interval_ms, s.polls, s.waits as u64 * s.polls, s.waits, s.polls);
    let _ = writeln!(out, "| implementation | requests | wall s | CPU ms | peak RSS MiB | shortest gap between polls | against the goal |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for which in ["sdk", "raw"] {
        let Some(runs) = scale.waits.get(which) else { continue };
        let requests = max(runs, "requests");
        let gap_ms = runs
            .iter()
            .filter_map(|run| run.get("min_gap_us"))
            .fold(f64::INFINITY, |a, b| a.min(*b))
            / 1000.0;
        let expected = (s.waits as u64 * s.polls) as f64;
        let met = requests <= expected && gap_ms >= s.interval_ms as f64;
        let _ = writeln!(
            out,
            "| {} | {requests:.0} | {:.2} | {:.1} | {:.1} | {gap_ms:.1} ms | {} |",
            if which == "sdk" { "`profitbricks` client" } else { "raw reqwest" },
            med(runs, "wall_s"),
            med(runs, "cpu_s") * 1000.0,
            max(runs, "peak_rss_kib") / 1024.0,
            if which == "sdk" { verdict(met) } else { "" },
        );
    }
    let _ = writeln!(out);
}

fn cold_builds(out: &mut String, cold: &Cold) {
    let rounds = cold.rows.iter().map(|row| row.dev_s.len()).max().unwrap_or(0);
    let _ = writeln!(out, "### 6. Cold builds users pay\n");
    let _ = writeln!(out, "A user binary that makes one call (`target/bench/cold/<name>/`), depending on one client crate and tokio (`rt`), against the same binary written with reqwest (`rustls-tls`) + serde + serde_json; clean target dir, `cargo build --offline`, the workspace's `Cargo.lock`, {rounds} round(s), the four binaries taking turns within each. Figures {}. Times are medians (lowest–highest); what a crate adds is the median of its differences from the raw binary of the same round. Goals: at most +{COLD_DEV_MAX} s dev, +{COLD_RELEASE_MAX} s release, +{COLD_MB_MAX} MB stripped.\n", cold.source);
    let _ = writeln!(out, "| user binary | dev s | release s | stripped MB | added dev | added release | added MB | against the goal |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    let raw = cold.rows.iter().find(|row| row.name == "raw-reqwest");
    for row in &cold.rows {
        let mb = row.stripped_bytes as f64 / 1e6;
        let (added, goal) = match raw {
            Some(raw) if row.name != raw.name => {
                let dev = added_by_round(&row.dev_s, &raw.dev_s);
                let release = added_by_round(&row.release_s, &raw.release_s);
                let size = mb - raw.stripped_bytes as f64 / 1e6;
                (
                    format!("{} | {} | {size:+.2} MB", spread(&dev, true), spread(&release, true)),
                    format!(
                        "dev {}, release {}, size {}",
                        verdict(median(dev) <= COLD_DEV_MAX),
                        verdict(median(release) <= COLD_RELEASE_MAX),
                        verdict(size <= COLD_MB_MAX)
                    ),
                )
            }
            _ => ("| |".to_owned(), "baseline".to_owned()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {mb:.2} | {added} | {goal} |",
            row.name,
            spread(&row.dev_s, false),
            spread(&row.release_s, false)
        );
    }
    let _ = writeln!(out);
}

/// Each round's seconds less the baseline's of the same round.
fn added_by_round(times: &[f64], baseline: &[f64]) -> Vec<f64> {
    times.iter().zip(baseline).map(|(time, base)| time - base).collect()
}

/// `12.3 (11.0–14.1)`: the median of `times` and their range (the median alone for one);
/// `signed` for differences, `+2.3 s (+1.9–+4.0)`.
fn spread(times: &[f64], signed: bool) -> String {
    let show = |t: f64| if signed { format!("{t:+.1}") } else { format!("{t:.1}") };
    let unit = if signed { " s" } else { "" };
    let middle = format!("{}{unit}", show(median(times.to_vec())));
    if times.len() < 2 {
        return middle;
    }
    let low = times.iter().copied().fold(f64::INFINITY, f64::min);
    let high = times.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{middle} ({}–{})", show(low), show(high))
}

fn regen_table(out: &mut String, regen: &Regen, per_provider: &[ProviderRegen]) {
    let cargo = median(regen.cargo.iter().map(Duration::as_secs_f64).collect());
    let binary = median(regen.binary.iter().map(Duration::as_secs_f64).collect());
    let operations: usize = per_provider.iter().map(|p| p.operations).sum();
    let per_op = |seconds: f64| seconds * 1e6 / operations.max(1) as f64;
    let _ = writeln!(out, "### 7. Regen\n");
    let _ = writeln!(out, "`cargo xtask regen --check` (all three providers; the same work as `regen` without writes), as typed (cargo included, median of 3), its files emitted and formatted on {} threads: **{cargo:.2} s** ({:.0} µs per operation; {binary:.2} s for the binary alone, median of 5). Goal < {REGEN_MAX} s: {}.\n", std::thread::available_parallelism().map_or(1, usize::from), per_op(cargo), verdict(cargo < REGEN_MAX));
    let _ = writeln!(out, "Per provider, timed inside the xtask process, which is the dev-profile binary `cargo xtask regen` runs (validate, emit, format every file of the provider on one thread, its spec already read; median of 5). CPU is the thread's own time, which a busy machine disturbs less than the wall clock.\n");
    let _ = writeln!(
        out,
        "| provider | operations | spec lines | generate ms | CPU ms | CPU µs per operation |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: |");
    let (mut ops, mut secs, mut cpu) = (0, 0.0, 0.0);
    for p in per_provider {
        ops += p.operations;
        secs += p.seconds;
        cpu += p.cpu_seconds;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} | {:.0} | {:.0} |",
            p.provider,
            p.operations,
            p.spec_lines,
            p.seconds * 1000.0,
            p.cpu_seconds * 1000.0,
            p.cpu_seconds * 1e6 / p.operations.max(1) as f64
        );
    }
    if !per_provider.is_empty() {
        let _ = writeln!(
            out,
            "| all | {ops} | | {:.0} | {:.0} | {:.0} |",
            secs * 1000.0,
            cpu * 1000.0,
            cpu * 1e6 / ops.max(1) as f64
        );
    }
    let _ = writeln!(out);
}

/// `old` with the part between [`BEGIN`] and [`END`] replaced by `section` (appended, with
/// the markers, when they are missing).
pub fn splice(old: &str, section: &str) -> Result<String, String> {
    let block = format!("{BEGIN}\n\n{}\n{END}", section.trim_end());
    let begin = old.find("<!-- bench:scale:begin");
    let end = old.find(END);
    match (begin, end) {
        (Some(begin), Some(end)) if begin < end => {
            Ok(format!("{}{block}{}", &old[..begin], &old[end + END.len()..]))
        }
        (None, None) => Ok(format!("{}\n\n{block}\n", old.trim_end())),
        _ => Err("error: BENCHMARKS.md has one bench:scale marker without the other".to_owned()),
    }
}
