//! Renders the outcome: per provider, the differences the spec does not explain (rustc-style,
//! with the places in the source and in the spec and what to do), then the explained ones under
//! the deviation that explains them, then one summary table for all providers.

use std::fmt::Write;

use super::compare::{Counts, Finding, Outcome};

pub fn render(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        provider(&mut out, outcome);
    }
    summary(&mut out, outcomes);
    out
}

fn provider(out: &mut String, o: &Outcome) {
    let _ = writeln!(out, "{} (source: {})", o.provider, o.document);
    for (line, problem) in &o.problems {
        let _ =
            writeln!(out, "error: {}:{line}: the parser cannot read this: {problem}", o.document);
        let _ = writeln!(
            out,
            "  help: fix the parser in xtask/src/sync/{}.rs for the new wording",
            o.provider
        );
    }
    for finding in o.findings.iter().filter(|f| f.explained_by.is_none()) {
        let _ = writeln!(out, "error: {}: {}: {}", o.provider, finding.operation, finding.message);
        places(out, o, finding);
        let _ = writeln!(out, "  help: {}", finding.help);
    }
    for &d in &o.unused {
        let deviation = &o.deviations[d];
        let what = match &deviation.parameter {
            Some(p) => format!("operation = \"{}\", parameter = \"{p}\"", deviation.operation),
            None => format!("operation = \"{}\"", deviation.operation),
        };
        let _ = writeln!(
            out,
            "error: {}: the deviation ({what}) explains no difference",
            deviation.place
        );
        let _ = writeln!(
            out,
            "  help: remove it; the spec and the source agree there (or the names are wrong)"
        );
    }
    for &d in &o.blaming {
        let deviation = &o.deviations[d];
        let _ = writeln!(
            out,
            "error: {}: the deviation of `{}` blames this project's generator or spec format: {}",
            deviation.place,
            deviation.operation,
            one_line(&deviation.reason)
        );
        let _ = writeln!(
            out,
            "  help: lift the limitation and remove the deviation; or give a reason that is about the source; or, if the difference is a known defect waiting for a generator change, say `tracked in issue N` in the reason (it is then listed apart, not hidden among the explained differences)"
        );
    }
    if !o.tracked.is_empty() {
        let _ = writeln!(
            out,
            "known generator limitations, tracked, not failures ({} deviation{}):",
            o.tracked.len(),
            if o.tracked.len() == 1 { "" } else { "s" }
        );
        for (d, issue) in &o.tracked {
            let deviation = &o.deviations[*d];
            let what = deviation.parameter.as_ref().map_or_else(
                || deviation.operation.clone(),
                |p| format!("{} {p}", deviation.operation),
            );
            let _ = writeln!(out, "  = {}: {what} ({issue})", deviation.place);
        }
    }
    // Explained differences, grouped by the reason their deviations give.
    let explained = o.findings.iter().filter(|f| f.explained_by.is_some()).count();
    if explained > 0 {
        let _ = writeln!(
            out,
            "explained by deviations in the spec ({explained} difference{}):",
            if explained == 1 { "" } else { "s" }
        );
        let mut reasons: Vec<&str> = Vec::new();
        for deviation in &o.deviations {
            if !reasons.contains(&deviation.reason.as_str()) {
                reasons.push(&deviation.reason);
            }
        }
        for reason in reasons {
            let mut lines = Vec::new();
            for (d, deviation) in
                o.deviations.iter().enumerate().filter(|(_, d)| d.reason == reason)
            {
                for finding in o.findings.iter().filter(|f| f.explained_by == Some(d)) {
                    let at = finding
                        .source_line
                        .map(|l| format!(" (source line {l})"))
                        .unwrap_or_default();
                    lines.push(format!(
                        "    {}: {}: {}{at}",
                        deviation.place, finding.operation, finding.message
                    ));
                }
            }
            if !lines.is_empty() {
                let _ = writeln!(out, "  = {}", one_line(reason));
                for line in lines {
                    let _ = writeln!(out, "{line}");
                }
            }
        }
    }
    if o.failures() == 0 {
        let _ = writeln!(out, "ok: {} matches its source", o.provider);
    }
    out.push('\n');
}

fn places(out: &mut String, o: &Outcome, finding: &Finding) {
    if let Some(line) = finding.source_line {
        let section = finding.section.as_ref().map(|s| format!(" (\"{s}\")")).unwrap_or_default();
        let _ = writeln!(out, "  --> {}:{line}{section}", o.document);
    }
    if let Some(place) = &finding.spec_place {
        let _ = writeln!(out, "  --> {place}");
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn summary(out: &mut String, outcomes: &[Outcome]) {
    let _ = writeln!(out, "source-sync summary");
    let header = [
        "provider",
        "operations: source",
        "spec",
        "matched",
        "explained",
        "differ",
        "parameters: source",
        "spec",
        "matched",
        "explained",
        "differ",
        "coverage",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    let mut total_ops = Counts::default();
    let mut total_params = Counts::default();
    for o in outcomes {
        add(&mut total_ops, o.operations);
        add(&mut total_params, o.parameters);
        rows.push(row(o.provider, o.operations, o.parameters));
    }
    if outcomes.len() > 1 {
        rows.push(row("total", total_ops, total_params));
    }
    let widths: Vec<usize> =
        (0..header.len()).map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0)).collect();
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c == 0 {
                    format!("{cell:<w$}", w = widths[c])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
        if i == 0 {
            let _ = writeln!(
                out,
                "  {}",
                widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  ")
            );
        }
    }
    deviation_lines(out, outcomes);
}

/// One line per provider under the table: how many `[[deviation]]` entries its spec has, and
/// how many of them are tracked generator limitations (an entry naming several parameters is
/// one entry).
fn deviation_lines(out: &mut String, outcomes: &[Outcome]) {
    for o in outcomes {
        let entries = |ds: &mut dyn Iterator<Item = usize>| {
            let mut places: Vec<&str> = ds.map(|d| o.deviations[d].place.as_str()).collect();
            places.sort_unstable();
            places.dedup();
            places.len()
        };
        let all = entries(&mut (0..o.deviations.len()));
        let tracked = entries(&mut o.tracked.iter().map(|(d, _)| *d));
        let _ = writeln!(
            out,
            "  {}: {all} deviations, {tracked} of them tracked generator limitations",
            o.provider
        );
    }
}

fn add(total: &mut Counts, c: Counts) {
    total.source += c.source;
    total.spec += c.spec;
    total.matched += c.matched;
    total.explained += c.explained;
    total.differ += c.differ;
}

fn row(name: &str, ops: Counts, params: Counts) -> Vec<String> {
    let covered = ops.matched + ops.explained + params.matched + params.explained;
    let all = covered + ops.differ + params.differ;
    // Rounded down, so anything short of full coverage never shows as 100%.
    let coverage = format!("{}%", (covered * 100).checked_div(all).unwrap_or(100));
    vec![
        name.to_owned(),
        ops.source.to_string(),
        ops.spec.to_string(),
        ops.matched.to_string(),
        ops.explained.to_string(),
        ops.differ.to_string(),
        params.source.to_string(),
        params.spec.to_string(),
        params.matched.to_string(),
        params.explained.to_string(),
        params.differ.to_string(),
        coverage,
    ]
}
