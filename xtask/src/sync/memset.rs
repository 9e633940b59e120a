//! The Memset API documentation, as text extracted from its PDF.
//!
//! Only the "1.2 Methods" chapter is read (up to "1.3 Errors"); its "1.2.N … Methods" headings
//! are the sections. The PDF text has page headers, code fences around random lines, words
//! broken over lines, and `_` often rendered as a space (`cluster.real service.disable()`,
//! `service name (String)`); the parser undoes what it safely can:
//!
//! * a method starts at a line holding only `name()` (spaces in the name read as `_`), unless
//!   it follows "See Also:"; a method of the document's index ("name() (built-in function)")
//!   that has no such line starts where its name ends a line of text ("… (in the account)
//!   cluster.server.list()");
//! * its parameters follow "Parameters", either one inline (`Parameters id (String) – …`) or as
//!   a list of `name (Type[, Optional][, Deprecated…]) – description` items, bulleted or not,
//!   up to "Returns" or "Raises"; a description runs over the following lines; a name starting
//!   with a capital `I` is read with an `l` (`Ivs` is `lvs`);
//! * constraints come from the description's phrases (see [`text::prose_constraints`]);
//!   allowed values from what follows "Acceptable values" (or "Valid … values are:"): quoted
//!   values, an inline list, bold or numeric values starting lines, or a table whose first
//!   column is named after the parameter.

use super::text::{self, snake};
use super::{Parsed, Required, SourceOperation, SourceParam, SourceReturn, SourceType};

pub fn recognizes(text: &str) -> bool {
    text.contains("Memset API Documentation") && text.contains("1.2 Methods")
}

pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim() == "1.2 Methods") else {
        parsed.problems.push((1, "no \"1.2 Methods\" chapter".to_owned()));
        return parsed;
    };
    let end = lines
        .iter()
        .skip(start + 1)
        .position(|l| l.trim().starts_with("1.3 "))
        .map_or(lines.len(), |i| start + 1 + i);

    // Method headers: (line index, name).
    let mut headers: Vec<(usize, String)> = Vec::new();
    let mut previous = "";
    for (i, line) in lines.iter().enumerate().take(end).skip(start) {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.is_empty() {
            continue;
        }
        if let Some(name) = header(trimmed) {
            let reference = previous.eq_ignore_ascii_case("See Also:");
            if !reference && !headers.iter().any(|(_, n)| *n == name) {
                headers.push((i, name));
            }
        }
        previous = trimmed;
    }
    for name in index(text) {
        if headers.iter().any(|(_, n)| *n == name) {
            continue;
        }
        let inline = (start..end).find(|&i| {
            let line = lines[i].trim_end();
            let Some(before) = line.strip_suffix(&format!("{name}()")) else { return false };
            let word = before.split_whitespace().last().unwrap_or("");
            before.ends_with([' ', '\t'])
                && !["in", "by", "see", "See", "as", "and", "using", "of"].contains(&word)
        });
        // The index is garbled in places (`apikey.ist()`): a name found nowhere is no method. A
        // method the parser misses still shows, as a spec operation the source lacks.
        if let Some(i) = inline {
            headers.push((i, name));
        }
    }
    headers.sort();

    // Group headings "1.2.N API Key Methods": (line index, title).
    let groups: Vec<(usize, String)> = (start..end)
        .filter_map(|i| {
            let line = lines[i].trim();
            let (number, title) = line.split_once(' ')?;
            let group = number.starts_with("1.2.")
                && number.len() > 4
                && number[4..].chars().all(|c| c.is_ascii_digit())
                && title.ends_with("Methods");
            group.then(|| (i, title.trim().to_owned()))
        })
        .collect();

    for (k, (at, name)) in headers.iter().enumerate() {
        let next_header = headers.get(k + 1).map_or(end, |(i, _)| *i);
        let next_group = groups.iter().map(|(i, _)| *i).find(|i| i > at).unwrap_or(end);
        let block_end = next_header.min(next_group);
        let section =
            groups.iter().rev().find(|(i, _)| i < at).map(|(_, t)| t.clone()).unwrap_or_default();
        let block: Vec<(usize, &str)> = (at + 1..block_end)
            .map(|i| (i + 1, lines[i]))
            .filter(|(_, l)| !l.trim().starts_with("```"))
            .collect();
        parsed.operations.push(method(name, &section, at + 1, &block));
    }
    if parsed.operations.is_empty() {
        parsed.problems.push((start + 1, "no method found in the methods chapter".to_owned()));
    }
    parsed
}

/// `dns.zone record info()` → `dns.zone_record_info`.
fn header(line: &str) -> Option<String> {
    let body = line.strip_suffix("()")?;
    let ok = body.contains('.')
        && !body.starts_with(['.', ' '])
        && !body.ends_with(['.', ' '])
        && !body.contains("  ")
        && body.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.' || c == ' ');
    ok.then(|| body.replace(' ', "_"))
}

/// The method names of the document's index: `apikey.add_scope() (built-in function), 3`.
fn index(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in text.match_indices("() (built-in") {
        let before = &text[..at];
        let name: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if name.contains('.') && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn method(name: &str, section: &str, line: usize, block: &[(usize, &str)]) -> SourceOperation {
    let mut params: Vec<(SourceParam, String)> = Vec::new();
    let mut in_params = false;
    let mut deprecated = false;
    let returns = returns(name, block);
    for (number, raw) in block {
        let trimmed = raw.trim();
        if !in_params
            && params.is_empty()
            && trimmed.starts_with("Warning:")
            && trimmed.contains("deprecated")
            && !trimmed.contains("parameters")
        {
            deprecated = true;
        }
        let rest = if trimmed == "Parameters" {
            in_params = true;
            continue;
        } else if let Some(rest) = trimmed.strip_prefix("Parameters ") {
            in_params = true;
            rest
        } else if ["Returns", "Return type", "Raises"]
            .iter()
            .any(|t| trimmed == *t || trimmed.starts_with(&format!("{t} ")))
        {
            in_params = false;
            continue;
        } else {
            trimmed
        };
        if !in_params {
            continue;
        }
        if let Some((param, desc)) = item(rest, *number) {
            params.push((param, desc));
        } else if let Some((_, desc)) = params.last_mut() {
            desc.push('\n');
            desc.push_str(rest);
        }
    }
    let params = params
        .into_iter()
        .map(|(mut param, desc)| {
            param.constraints = text::prose_constraints(&desc);
            param.constraints.values = values(&param.name, &desc);
            param.default = text::prose_default(&desc);
            param
        })
        .collect();
    SourceOperation {
        name: name.to_owned(),
        section: section.to_owned(),
        line,
        deprecated,
        params,
        returns,
    }
}

/// The return shape of a method, from the first of its "Returns …" paragraphs (the line, or
/// the next text line after a bare "Returns") that states one a spec can be checked against:
/// a job ("as described in job.status()"; "If …, a dictionary as described in job.status()" is
/// a job only when something changed), what another method returns ("as described in
/// apikey.info()", "as returned by dns.zone info()"), a list of that, or an empty dictionary.
fn returns(name: &str, block: &[(usize, &str)]) -> Option<SourceReturn> {
    let lines: Vec<&str> = block.iter().map(|(_, l)| l.trim()).filter(|l| !l.is_empty()).collect();
    let namespace = name.rsplit_once('.').map_or("", |(ns, _)| ns);
    let namespace = namespace.split('.').next().unwrap_or("");
    lines.iter().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix("Returns")?;
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        let text = if rest.trim().is_empty() { lines.get(i + 1)? } else { rest };
        shape(&text.trim().to_lowercase(), namespace)
    })
}

fn shape(text: &str, namespace: &str) -> Option<SourceReturn> {
    if text.contains("empty dictionary") {
        return Some(SourceReturn::Empty);
    }
    if text.contains("job.status()") || text.contains("job status()") {
        return Some(if text.starts_with("if ") {
            SourceReturn::JobWhenChanged
        } else {
            SourceReturn::Job
        });
    }
    let phrases = ["as described in ", "as decribed in ", "as returned by "];
    let (at, phrase) = phrases.iter().find_map(|p| text.find(p).map(|i| (i, *p)))?;
    let after = &text[at + phrase.len()..];
    let method = after.split("()").next()?.trim();
    if method.is_empty() || !method.chars().all(|c| c.is_ascii_lowercase() || " ._".contains(c)) {
        return None;
    }
    let mut method = method.replace(' ', "_");
    if !method.contains('.') {
        method = format!("{namespace}.{method}");
    }
    let list = text[..at].contains("list of dictionar");
    Some(if list { SourceReturn::ListOf(method) } else { SourceReturn::Like(method) })
}

/// `- **name** (*String*, *Optional*) – description` → the parameter and its description.
fn item(line: &str, number: usize) -> Option<(SourceParam, String)> {
    let s = line.trim_start_matches(['-', '•', ' ']);
    let s = s.strip_prefix("**").unwrap_or(s);
    let name_len =
        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ' ')).unwrap_or(s.len());
    let name = s[..name_len].trim();
    let rest = s[name_len..].trim_start_matches('*').trim_start();
    let inner = rest.strip_prefix('(')?;
    let close = inner.find(')')?;
    let (kind, desc) = (&inner[..close], &inner[close + 1..]);
    if name.is_empty()
        || name.split(' ').count() > 3
        || !name.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return None;
    }
    let kind = kind.replace('*', "");
    let mut parts = kind.split(',').map(str::trim);
    let ty = match parts.next()? {
        "String" => SourceType::String,
        "Integer" => SourceType::Integer,
        "Float" => SourceType::Number,
        "Boolean" => SourceType::Boolean,
        "Date" => SourceType::Date,
        "List" => SourceType::List(Box::new(SourceType::Unknown)),
        "Dictionary" => SourceType::Object(None),
        "String or List" => SourceType::StringOrList,
        _ => return None,
    };
    let flags: Vec<&str> = parts.collect();
    // Parameter names are lower case: a capital I starting one is the PDF's `l` (`Ivs` = `lvs`).
    let name = match name.strip_prefix('I') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_lowercase()) => format!("l{rest}"),
        _ => name.to_owned(),
    };
    let param = SourceParam {
        name: snake(&name),
        ty,
        required: if flags.iter().any(|f| f.starts_with("Optional")) {
            Required::No
        } else {
            Required::Yes
        },
        deprecated: flags.iter().any(|f| f.starts_with("Deprecated")),
        line: number,
        ..SourceParam::default()
    };
    let desc = desc.trim_start().trim_start_matches(['–', '-']).trim().to_owned();
    Some((param, desc))
}

/// The allowed values that follow "Acceptable values" in a description.
fn values(param: &str, desc: &str) -> Vec<String> {
    let phrases = ["Acceptable values", "values are:", "Valid statuses are:"];
    let Some(at) = phrases.iter().filter_map(|p| desc.rfind(p).map(|i| i + p.len())).max() else {
        return Vec::new();
    };
    let rest = &desc[at..];
    if rest.trim_start().starts_with("include") || rest.trim_start().starts_with("depend") {
        return Vec::new();
    }
    let fix = |v: String| {
        if v.contains(' ') && v.chars().all(|c| c.is_ascii_lowercase() || c == ' ') {
            v.replace(' ', "_")
        } else {
            v
        }
    };
    let quoted = text::quoted(rest);
    if !quoted.is_empty() {
        return text::dedup(quoted.into_iter().map(fix).collect());
    }
    let first_line = rest.lines().next().unwrap_or("");
    let inline = text::inline_list(
        first_line.trim_start().trim_start_matches("are").trim_start_matches(':').trim(),
    );
    if !inline.is_empty() {
        return inline;
    }
    let following: Vec<&str> =
        rest.lines().skip(1).map(str::trim).filter(|l| !l.is_empty()).collect();
    let starting: Vec<String> = following
        .iter()
        .filter_map(|l| {
            let l = l.trim_start_matches(['-', '•', ' ']);
            let token = l.split_whitespace().next()?;
            let bold = token.strip_prefix("**").and_then(|t| t.strip_suffix("**"));
            match bold {
                Some(t) if !t.is_empty() => Some(t.to_owned()),
                _ => token.chars().all(|c| c.is_ascii_digit()).then(|| token.to_owned()),
            }
        })
        .collect();
    if !starting.is_empty() {
        return text::dedup(starting);
    }
    // A table whose first column is named after the parameter: `network_zone<TAB>location`.
    if following.first().and_then(|l| l.split('\t').next()).is_some_and(|h| h.trim() == param) {
        return following[1..]
            .iter()
            .take_while(|l| l.contains('\t'))
            .filter_map(|l| {
                l.split('\t')
                    .next()
                    .map(str::trim)
                    .filter(|c| {
                        !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                    })
                    .map(str::to_owned)
            })
            .collect();
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use codegen::ir::Bound;

    const EXCERPT: &str = "1.2 Methods\n\n1.2.1 API Key Methods\n\n```\napikey.add_scope()\n```\n\nAdds a single scope to an API key\n\nParameters\n\n- id (String) The API key. API Keys are 32 hex digits.\n- scope_name (String) The name of the API scope. Acceptable values: 'method', 'name'.\n- **comment** (*String*, *Optional*) User comment. Ensure this value has at most 255 characters.\n\nReturns Dictionary: as described in apikey.info().\n\n1.2.4 Cluster Methods\n\n```\ncluster.real service.disable()\n```\n\nParameters\n\n- **cluster_name** (*String*) Name of the cluster. Cluster names are 1-64 characters A-Z, a-z, 0-9, -, . and _. Ensure this value has at most 64 characters.\n- service name (String) Name of the cluster service.\n\nRaises May raise ApiErrorDoesNotExist if the cluster_name does not exist (in the account) cluster.server.list()\n\nReturns a list of information about the cluster server in the given cluster.\n\nParameters cluster_name (*String*) – Name of the cluster.\n\n1.2.9 DNS Methods\n\ndns.zone_update()\n\nParameters\n\n- ttl (Integer, Optional) Time to live 0 for use this zone's default TTL. Acceptable values\n\n0 Default\n\n- **600** 10 minutes\n\n```\n21600 6 hours\n```\n\n• connection (*String, Optional, Deprecated: This parameter is deprecated.*) – For *unmetered* only.\n- **network_zone** (*String, Optional*) The Network Zone. Acceptable values are\n\nnetwork_zone\tlocation\nreading\tMaidenhead, Berkshire, UK\ndunsfold\tDunsfold, Surrey, UK\n\n- **amount** (*Integer*) Amount in GB. Acceptable values are: 50, 100, 250, 500\n- **partitioning** (*String, Optional*) Acceptable values depend on the sku. Acceptable values:\n - **all_root** For Linux operating systems\n - **custom** Custom partitioning.\n\nReturns a dictionary\n\n1.3 Errors\n\nIndex\n\ncluster.server.list() (built-in function), 9\n";

    #[test]
    fn reads_return_shapes() {
        let shape = |text: &str| shape(&text.to_lowercase(), "dns");
        assert_eq!(shape("A dictionary as described in job.status()."), Some(SourceReturn::Job));
        assert_eq!(
            shape("If the server is enabled, a dictionary as described in job.status()."),
            Some(SourceReturn::JobWhenChanged)
        );
        assert_eq!(
            shape("a list of dictionaries as described in zone info()"),
            Some(SourceReturn::ListOf("dns.zone_info".to_owned()))
        );
        assert_eq!(
            shape("a dictionary with zone in before it was deleted as returned by dns.zone info()"),
            Some(SourceReturn::Like("dns.zone_info".to_owned()))
        );
        assert_eq!(shape("an empty dictionary."), Some(SourceReturn::Empty));
        assert_eq!(shape("a dictionary with the following keys:"), None);
        assert_eq!(shape("The added domain name"), None);
    }

    #[test]
    fn reads_methods_parameters_and_rules() {
        let parsed = parse(EXCERPT);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let names: Vec<_> = parsed.operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "apikey.add_scope",
                "cluster.real_service.disable",
                "cluster.server.list",
                "dns.zone_update"
            ]
        );
        let add_scope = &parsed.operations[0];
        assert_eq!(add_scope.section, "API Key Methods");
        assert_eq!(add_scope.returns, Some(SourceReturn::Like("apikey.info".to_owned())));
        assert_eq!(parsed.operations[1].returns, None);
        assert_eq!(
            parsed.operations[2].returns, None,
            "\"a list of information about …\" states no checkable shape"
        );
        let id = &add_scope.params[0];
        assert_eq!(
            (id.required, id.constraints.chars.as_deref(), id.constraints.max_length),
            (Required::Yes, Some("0-9a-fA-F"), Some(32))
        );
        assert_eq!(add_scope.params[1].constraints.values, ["method", "name"]);
        assert_eq!(
            (add_scope.params[2].required, add_scope.params[2].constraints.max_length),
            (Required::No, Some(255))
        );
        let disable = &parsed.operations[1];
        assert_eq!(
            disable.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["cluster_name", "service_name"]
        );
        assert_eq!(disable.params[0].constraints.min_length, Some(1));
        assert_eq!(parsed.operations[2].params[0].name, "cluster_name");
        let update = &parsed.operations[3];
        let by_name = |n: &str| {
            update.params.iter().find(|p| p.name == n).unwrap_or_else(|| panic!("no {n}"))
        };
        assert_eq!(by_name("ttl").constraints.values, ["0", "600", "21600"]);
        assert!(by_name("connection").deprecated);
        assert_eq!(by_name("network_zone").constraints.values, ["reading", "dunsfold"]);
        assert_eq!(by_name("amount").constraints.values, ["50", "100", "250", "500"]);
        assert_eq!(by_name("partitioning").constraints.values, ["all_root", "custom"]);
        assert_eq!(by_name("ttl").constraints.min, None::<Bound>);
    }
}
