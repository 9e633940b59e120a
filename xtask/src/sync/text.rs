//! Text helpers the parsers share: names, character classes, and the constraint phrases the
//! vendors' documents use ("Ensure this value has at most 64 characters", "from 1 to 65534", …).

use std::collections::BTreeSet;

use codegen::ir::{Bound, Constraints};

/// A name reduced for comparison: lowercase letters and digits only, so `server-id`,
/// `serverId`, `server_id` and `licencetype`/`licence_type` compare equal.
pub fn squash(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// `availabilityZone`, `server-id`, `service name` → `availability_zone`, `server_id`,
/// `service_name`.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    let mut after_lower = false;
    for c in name.trim().chars() {
        if c == '-' || c == ' ' || c == '_' {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            after_lower = false;
        } else if c.is_ascii_uppercase() {
            if after_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            after_lower = false;
        } else {
            out.push(c);
            after_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// The characters of a class written the spec's way: `A-Za-z0-9._-`, ` -~`.
pub fn char_set(class: &str) -> BTreeSet<char> {
    let chars: Vec<char> = class.chars().collect();
    let mut set = BTreeSet::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' && chars[i] < chars[i + 2] {
            set.extend(chars[i]..=chars[i + 2]);
            i += 3;
        } else {
            set.insert(chars[i]);
            i += 1;
        }
    }
    set
}

/// Folds typographic quotes and dashes into ASCII.
pub fn plain(text: &str) -> String {
    text.replace(['‘', '’'], "'").replace(['“', '”'], "\"").replace(['–', '—'], "-")
}

/// The integer at the start of `text`, if any.
pub fn leading_int(text: &str) -> Option<i64> {
    let digits: String = text.trim_start().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The integer right after the first occurrence of `phrase` in `text`.
pub fn int_after(text: &str, phrase: &str) -> Option<i64> {
    let at = text.find(phrase)?;
    leading_int(text[at + phrase.len()..].trim_start_matches(['`', '\'', ' ']))
}

/// Words of a name (`availability_zone` → `availability`, `zone`).
pub fn words(name: &str) -> Vec<String> {
    snake(name).split('_').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// The constraints stated in prose, in the wording of any of the three documents. Only
/// phrases that state a rule are read; anything else is left alone.
pub fn prose_constraints(text: &str) -> Constraints {
    let text = plain(text).replace('\n', " ");
    let mut c = Constraints::default();
    // Memset: "Ensure this value has at most 64 characters." and friends.
    if let Some(n) = int_after(&text, "value has at most ") {
        c.max_length = Some(n as usize);
    }
    if let Some(n) = int_after(&text, "value has at least ") {
        c.min_length = Some(n as usize);
    }
    if let Some(n) = signed_after(&text, "value is less than or equal to ") {
        c.max = Some(Bound::Integer(n));
    }
    if let Some(n) = signed_after(&text, "value is greater than or equal to ") {
        c.min = Some(Bound::Integer(n));
    }
    // Memset: "Service names are 1-64 characters A-Z, a-z, 0-9, -, . and _." The PDF text drops
    // the final `_` in some copies of the sentence, so the class is taken as the whole rule.
    if let Some(at) = text.find(" names are ") {
        let rest = &text[at + " names are ".len()..];
        if let Some((low, high)) = length_range(rest) {
            if rest.contains("characters A-Z, a-z, 0-9, -, .") {
                c.min_length = Some(low);
                c.max_length = Some(high);
                c.chars = Some("A-Za-z0-9._-".to_owned());
            }
        }
    }
    // "API Keys are 32 hex digits."
    if let Some(at) = text.find(" hex digits") {
        let before = text[..at].trim_end();
        let digits: String = before
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if let Ok(n) = digits.parse::<usize>() {
            c.chars = Some("0-9a-fA-F".to_owned());
            c.min_length = Some(n);
            c.max_length = Some(n);
        }
    }
    if text.contains("Only printable ASCII characters are allowed") {
        c.chars = Some(" -~".to_owned());
    }
    if text.contains("can only contain numbers, letters, dots, dashes and underscores") {
        c.chars = Some("A-Za-z0-9._-".to_owned());
    }
    if text.contains("must only consist of letters, numbers, underscores and hyphens") {
        c.chars = Some("A-Za-z0-9_-".to_owned());
    }
    if text.contains("can only contain numbers, letters and hyphens") {
        c.chars = Some("A-Za-z0-9-".to_owned());
    }
    if let Some(n) = int_after(&text, "Maximum number of rules per rule group: ") {
        c.max_items = Some(n as usize);
    }
    if let Some(n) = int_after(&text, "clear a maximum of ") {
        c.max_items = Some(n as usize);
    }
    // ProfitBricks: "(from 1 to 65534)", "multiples of 256 MB with a minimum of 256 MB",
    // "Password has to contain 8-50 characters", "Only these characters are allowed: [...]".
    for (at, _) in text.match_indices("from ") {
        let rest = &text[at + 5..];
        if let (Some(low), Some(to)) = (leading_int(rest), rest.find(" to ")) {
            let between = &rest[..to];
            if let (true, Some(high)) =
                (between.chars().all(|ch| ch.is_ascii_digit()), leading_int(&rest[to + 4..]))
            {
                c.min = Some(Bound::Integer(low));
                c.max = Some(Bound::Integer(high));
                break;
            }
        }
    }
    if let Some(n) = int_after(&text, "multiples of ") {
        c.multiple_of = Some(n);
    }
    if let Some(n) = int_after(&text, "a minimum of ") {
        c.min = Some(Bound::Integer(n));
    }
    if let Some(at) = text.find("has to contain ") {
        if let Some((low, high)) = length_range(&text[at + "has to contain ".len()..]) {
            c.min_length = Some(low);
            c.max_length = Some(high);
        }
    }
    if let Some(at) = text.find("Only these characters are allowed: [") {
        let rest = &text[at + "Only these characters are allowed: [".len()..];
        if let Some(end) = rest.find(']') {
            c.chars = Some(rest[..end].to_owned());
        }
    }
    c
}

/// `1-64 characters` → (1, 64).
fn length_range(text: &str) -> Option<(usize, usize)> {
    let low = leading_int(text)?;
    let rest = text.trim_start().trim_start_matches(|ch: char| ch.is_ascii_digit());
    let rest = rest.strip_prefix('-')?;
    let high = leading_int(rest)?;
    let after = rest.trim_start_matches(|ch: char| ch.is_ascii_digit());
    after.trim_start().starts_with("characters").then_some((low as usize, high as usize))
}

fn signed_after(text: &str, phrase: &str) -> Option<i64> {
    let at = text.find(phrase)?;
    let rest = text[at + phrase.len()..].trim_start();
    match rest.strip_prefix('-') {
        Some(r) => leading_int(r).map(|n| -n),
        None => leading_int(rest),
    }
}

/// Tokens quoted with straight single quotes, in order: `'tcp'`, `'tcp,udp'`. An apostrophe
/// inside a word (`aren't`) opens no quote, but a one-word quote glued to a word does
/// (`Warn Memset'memset-alert' Memset`, as the PDF text has it).
pub fn quoted(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\'' {
            let glued = i > 0 && chars[i - 1].is_alphanumeric();
            if let Some(len) =
                chars[i + 1..].iter().take(60).position(|&ch| ch == '\'' || ch == '\n')
            {
                let end = i + 1 + len;
                let closes =
                    chars[end] == '\'' && chars.get(end + 1).is_none_or(|ch| !ch.is_alphanumeric());
                let one_word = !chars[i + 1..end].iter().any(|ch| ch.is_whitespace());
                if closes && len > 0 && (!glued || one_word) {
                    out.push(chars[i + 1..end].iter().collect());
                    i = end + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// A list written out in prose, `50, 100, 250, 500` or `1 or 10` or `OK, WARNING, CRITICAL`:
/// the items up to the end of the sentence, when every item is a single word.
pub fn inline_list(text: &str) -> Vec<String> {
    let sentence = text.split(". ").next().unwrap_or("").trim().trim_end_matches('.');
    let items: Vec<String> = sentence
        .split(',')
        .flat_map(|part| part.split(" or "))
        .map(|item| item.trim().trim_start_matches("or ").trim_matches(['\'', '"', '`']).to_owned())
        .filter(|item| !item.is_empty())
        .collect();
    let single_words = items.iter().all(|item| {
        !item.contains(' ') && item.chars().all(|ch| ch.is_alphanumeric() || "_-/.".contains(ch))
    });
    if items.len() >= 2 && single_words {
        items
    } else {
        Vec::new()
    }
}

/// Removes duplicates, keeping the first of each.
pub fn dedup(values: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    values.into_iter().filter(|v| seen.insert(v.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake("availabilityZone"), "availability_zone");
        assert_eq!(snake("server-id"), "server_id");
        assert_eq!(snake("IPBlock"), "ipblock");
        assert_eq!(snake("service name"), "service_name");
        assert_eq!(squash("licencetype"), squash("licence_type"));
    }

    #[test]
    fn classes() {
        assert_eq!(char_set("A-Za-z0-9._-"), char_set("0-9a-zA-Z_.-"));
        assert_eq!(char_set(" -~").len(), 95);
    }

    #[test]
    fn prose() {
        let c = prose_constraints("Name of the service. Service names are 1-64 characters A-Z, a-z, 0-9, -, . and . Ensure this value has at most 64 characters.");
        assert_eq!(
            (c.min_length, c.max_length, c.chars.as_deref()),
            (Some(1), Some(64), Some("A-Za-z0-9._-"))
        );
        let c = prose_constraints("Defines the start range of the allowed port (from 1 to 65534) if protocol TCP or UDP is chosen.");
        assert_eq!((c.min, c.max), (Some(Bound::Integer(1)), Some(Bound::Integer(65534))));
        let c = prose_constraints("Size must be specified in multiples of 256 MB with a minimum of 256 MB; however, ... a minimum of 1024 MB.");
        assert_eq!((c.multiple_of, c.min), (Some(256), Some(Bound::Integer(256))));
        assert_eq!(
            quoted("Acceptable values: 'method', 'name'. Hyphens aren't 'x"),
            ["method", "name"]
        );
        assert_eq!(inline_list("1, 3, 6, 12. The default period is 1."), ["1", "3", "6", "12"]);
        assert_eq!(inline_list("1 or 10. 10Gbps networking is only available"), ["1", "10"]);
    }
}

#[cfg(test)]
mod default_tests {
    use super::prose_default;

    #[test]
    fn reads_unconditional_defaults_only() {
        let cases = [
            ("The bus type of the volume (VIRTIO or IDE). Default: VIRTIO.", Some("VIRTIO")),
            ("Sets the CPU type. \"AMD_OPTERON\" or \"INTEL_XEON\". Defaults to \"AMD_OPTERON\".", Some("AMD_OPTERON")),
            ("The Internet Protocol version. Defaults to \"any\". Acceptable values", Some("any")),
            ("Either 'Inbound' or 'Outbound'. Defaults to Inbound Acceptable values", Some("Inbound")),
            ("Status of the service to look for, default 'LIVE'. Acceptable values: 'LIVE'", Some("LIVE")),
            ("The rental period in months. The default period is 1.", Some("1")),
            ("The default network zone is 'dunsfold'. Acceptable values are", Some("dunsfold")),
            ("Weight used for some scheduling algorithms. Defaults to 10.", Some("10")),
            ("Include public rule groups. Default: True.", Some("True")),
            ("Defaults to True for accounts with consolidated billing enabled, otherwise False.", None),
            ("This defaults to true when monitoring is *enabled*.", None),
            ("Default value is \"standard\" unless the sku is a Standard Cloud VPS sku", None),
            ("For regular accounts, defaults to 'Memset Public Cloud'. For community cloud accounts, …", None),
            ("Defaults to choosing one of the server's VLAN IP addresses.", None),
            ("Defaults to the service's port. Ensure this value is greater than or equal to 1.", None),
            ("Time to live 0 for use this zone's default TTL. Acceptable values", None),
            ("A list of methods the API key is scoped to, default allows all.", None),
        ];
        for (text, expected) in cases {
            assert_eq!(prose_default(text).as_deref(), expected, "{text}");
        }
    }
}

/// The default a description states for its argument, as written (quotes dropped): `Default:
/// VIRTIO.`, `Defaults to "AMD_OPTERON".`, `Defaults to Inbound`, `default 'LIVE'`, `The default
/// period is 1.`. A default that depends on something ("Defaults to True for accounts with
/// consolidated billing enabled, otherwise False", "defaults to true when monitoring is
/// enabled", "Default value is … unless …") or that is no value ("Defaults to choosing one of
/// …", "Defaults to the service's port") is none.
pub fn prose_default(text: &str) -> Option<String> {
    let text = plain(text);
    let lower = text.to_lowercase();
    let phrases = ["defaults to ", "default: ", "default value is ", "default "];
    let (at, phrase) = phrases.iter().find_map(|p| lower.find(p).map(|i| (i, *p)))?;
    let mut start = at + phrase.len();
    if phrase == "default " {
        // "default 'LIVE'" right after the word, or "The default <words> is X".
        let rest = &lower[start..];
        if !rest.starts_with(['\'', '"']) {
            let sentence_end = rest.find(['.', ';']).unwrap_or(rest.len());
            let is = rest[..sentence_end].find(" is ")?;
            if rest[..is].split_whitespace().count() > 3 {
                return None;
            }
            start += is + " is ".len();
        }
    }
    let rest = &text[start..];
    // The whole sentence the default is stated in, before and after it.
    let begin = lower[..at].rfind(". ").map_or(0, |i| i + 2);
    let after = &lower[start..];
    let end = after.find(". ").or_else(|| after.find('\n')).map_or(lower.len(), |i| start + i);
    let sentence = &lower[begin..end];
    let conditional = [" unless ", " when ", "accounts", "otherwise", "depend", " if "];
    if conditional.iter().any(|c| sentence.contains(c)) {
        return None;
    }
    let value = if let Some(quoted) = rest.strip_prefix(['\'', '"']) {
        let close = quoted.find(['\'', '"'])?;
        quoted[..close].to_owned()
    } else {
        let word = rest.split_whitespace().next()?;
        let word = word.trim_end_matches(['.', ',', ';', ')']).trim_matches('`');
        let value_like = word.parse::<f64>().is_ok()
            || ["true", "false"].contains(&word.to_lowercase().as_str())
            || (word.starts_with(|c: char| c.is_ascii_uppercase())
                && !["The", "A", "An", "This", "That"].contains(&word));
        if !value_like {
            return None;
        }
        word.to_owned()
    };
    (!value.is_empty()).then_some(value)
}
