//! "Did you mean" hints for mistyped names: of operations (`Client::call`, the shells) and of
//! their parameters.

/// The edit distance between `a` and `b` (insertions, deletions, substitutions).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = if ca == *cb { previous } else { 1 + previous.min(row[j]).min(here) };
            previous = here;
        }
    }
    row[b.len()]
}

/// Up to five of `known` close to `name`, nearest first: those within a third of its length
/// in edits (at least two) or, when none is, those holding it (or held by it).
pub fn close<'a>(name: &str, known: &[&'a str]) -> Vec<&'a str> {
    let lower = name.to_ascii_lowercase();
    let limit = (lower.chars().count() / 3).max(2);
    let mut near = Vec::new();
    let mut holding = Vec::new();
    for candidate in known {
        let other = candidate.to_ascii_lowercase();
        let d = distance(&lower, &other);
        if d <= limit {
            near.push((d, *candidate));
        } else if lower.len() >= 3 && (other.contains(&lower) || lower.contains(&other)) {
            holding.push((d, *candidate));
        }
    }
    let mut scored = if near.is_empty() { holding } else { near };
    scored.sort();
    scored.into_iter().take(5).map(|(_, name)| name).collect()
}

/// `"; did you mean a, b?"`, or nothing when no name is close.
pub fn hint(name: &str, known: &[&str]) -> String {
    let close = close(name, known);
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_nearest_first() {
        let known = ["service.info", "service.list", "server.info", "dns.zone_list"];
        assert_eq!(close("service.inf", &known), ["service.info", "service.list"]);
        assert_eq!(close("servce.list", &known), ["service.list"]);
        assert_eq!(close("zone_list", &known), ["dns.zone_list"]);
        assert!(close("qqq", &known).is_empty());
        assert_eq!(hint("qqq", &known), "");
    }
}
