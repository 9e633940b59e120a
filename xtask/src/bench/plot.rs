//! The two plots of the report, as SVG written by hand.
//!
//! Why not a plotting crate: xtask is built by every `cargo xtask regen`, so each dependency
//! is paid by every maintainer's first build; `plotters` with only its SVG backend still
//! brings `plotters-backend`, `plotters-svg`, `num-traits` and its own font and colour code,
//! for two line charts with log axes that take about 150 lines here. The output is plain SVG
//! 1.1 (lines, polylines, text), readable in any browser and on GitHub.

use std::fmt::Write as _;

use super::scale::{med, Scale, CURVE_OPS, FLIGHT, LARGE, SIZES};

pub const CONCURRENCY: &str = "BENCHMARKS-concurrency.svg";
pub const ANSWER_SIZE: &str = "BENCHMARKS-answer-size.svg";

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 250.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 56.0;

/// One line of a chart.
struct Series {
    name: String,
    color: &'static str,
    /// SVG `stroke-dasharray`, empty for a solid line.
    dash: &'static str,
    points: Vec<(f64, f64)>,
}

const COLORS: [&str; 3] = ["#1f77b4", "#d62728", "#2ca02c"];

fn short(op: &str) -> &str {
    op.split('/').next().unwrap_or(op)
}

/// Calls/s against calls in flight: the client, raw reqwest and the server's ceiling.
pub fn concurrency(scale: &Scale) -> String {
    let mut series = Vec::new();
    for (i, op) in CURVE_OPS.iter().enumerate() {
        for (which, dash, name) in
            [("sdk", "", "client"), ("raw", "6 4", "raw reqwest"), ("ceiling", "2 3", "ceiling")]
        {
            let points: Vec<(f64, f64)> = scale
                .curve
                .iter()
                .filter(|group| group.op == *op)
                .filter_map(|group| {
                    let runs = group.runs.get(which)?;
                    Some((group.in_flight as f64, med(runs, "calls_per_sec")))
                })
                .collect();
            if !points.is_empty() {
                series.push(Series {
                    name: format!("{} {name}", short(op)),
                    color: COLORS[i % COLORS.len()],
                    dash,
                    points,
                });
            }
        }
    }
    let ticks: Vec<f64> = FLIGHT.iter().map(|&n| n as f64).collect();
    chart(
        "Calls/s by calls in flight (one client, one core)",
        "calls in flight",
        "calls/s",
        &ticks,
        false,
        &series,
    )
}

/// CPU per item against the answer's size: client, floor, `Value`, Python SDKs.
pub fn answer_size(scale: &Scale) -> String {
    let mut series = Vec::new();
    for (i, op) in LARGE.iter().enumerate() {
        for (which, dash, name) in [
            ("sdk", "", "client"),
            ("typed", "2 3", "raw + models"),
            ("raw", "6 4", "raw + Value"),
            ("python-sdk", "10 3 2 3", "Python SDK"),
        ] {
            let points: Vec<(f64, f64)> = scale
                .large
                .iter()
                .filter(|group| group.op == *op)
                .filter_map(|group| {
                    let runs = group.runs.get(which)?;
                    Some((group.items as f64, med(runs, "cpu_us_per_call") / group.items as f64))
                })
                .collect();
            if !points.is_empty() {
                series.push(Series {
                    name: format!("{} {name}", short(op)),
                    color: COLORS[i % COLORS.len()],
                    dash,
                    points,
                });
            }
        }
    }
    let ticks: Vec<f64> = SIZES.iter().map(|&n| n as f64).collect();
    chart(
        "CPU per item by answer size (sequential calls)",
        "items per answer",
        "CPU µs per item (log)",
        &ticks,
        true,
        &series,
    )
}

/// A line chart with a log x axis (ticks at `ticks`) and a linear or log y axis.
fn chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    ticks: &[f64],
    log_y: bool,
    series: &[Series],
) -> String {
    let ys: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .filter(|y| y.is_finite() && *y > 0.0)
        .collect();
    let (x_min, x_max) = (ticks[0].ln(), ticks[ticks.len() - 1].ln());
    let y_top = ys.iter().copied().fold(0.0, f64::max);
    let y_bottom = ys.iter().copied().fold(f64::INFINITY, f64::min);
    // y range: linear from 0 to a round number, or log over whole decades
    let (y_lo, y_hi) = if log_y {
        let lo = if y_bottom.is_finite() { y_bottom.log10().floor() } else { 0.0 };
        let hi = if y_top > 0.0 { y_top.log10().ceil() } else { 1.0 };
        (lo, hi.max(lo + 1.0))
    } else {
        (0.0, nice(y_top.max(1.0)))
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let px = |x: f64| LEFT + (x.ln() - x_min) / (x_max - x_min).max(1e-9) * plot_w;
    let py = |y: f64| {
        let t = if log_y { (y.max(1e-12).log10() - y_lo) / (y_hi - y_lo) } else { y / y_hi };
        TOP + plot_h - t.clamp(0.0, 1.0) * plot_h
    };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="24" font-size="15" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        escape(title)
    );
    // grid and y ticks
    let y_ticks: Vec<f64> = if log_y {
        (y_lo as i32..=y_hi as i32).map(|e| 10f64.powi(e)).collect()
    } else {
        (0..=5).map(|i| y_hi * i as f64 / 5.0).collect()
    };
    for y in &y_ticks {
        let yy = py(*y);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            yy + 4.0,
            number(*y)
        );
    }
    for x in ticks {
        let xx = px(*x);
        let _ = writeln!(
            svg,
            r##"<line x1="{xx:.1}" y1="{TOP}" x2="{xx:.1}" y2="{:.1}" stroke="#eee"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            TOP + plot_h,
            TOP + plot_h + 18.0,
            number(*x)
        );
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#333"/>"##
    );
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 14.0,
        escape(x_label)
    );
    let _ = writeln!(
        svg,
        r#"<text transform="translate(18 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        TOP + plot_h / 2.0,
        escape(y_label)
    );
    for (i, s) in series.iter().enumerate() {
        let points: Vec<String> =
            s.points.iter().map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y))).collect();
        let dash = if s.dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{}""#, s.dash)
        };
        let _ = writeln!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{dash}/>"#,
            points.join(" "),
            s.color
        );
        for (x, y) in &s.points {
            let _ = writeln!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{}"/>"#,
                px(*x),
                py(*y),
                s.color
            );
        }
        // legend
        let ly = TOP + 8.0 + i as f64 * 18.0;
        let lx = LEFT + plot_w + 16.0;
        let _ = writeln!(
            svg,
            r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{}" stroke-width="2"{dash}/><text x="{}" y="{}">{}</text>"#,
            lx + 28.0,
            s.color,
            lx + 34.0,
            ly + 4.0,
            escape(&s.name)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// A round upper bound for a linear axis: 1, 2 or 5 times a power of ten.
fn nice(value: f64) -> f64 {
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|v| *v >= value).unwrap_or(value)
}

fn number(value: f64) -> String {
    if value >= 1e6 {
        format!("{}M", trim(value / 1e6))
    } else if value >= 1e3 {
        format!("{}k", trim(value / 1e3))
    } else {
        trim(value)
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
