//! The parsers on the whole documents (checked against hand-made answer keys where there is
//! one), the command on the committed spec, and the command on specs with one difference
//! injected: each must fail and name it.

use std::fs;
use std::path::{Path, PathBuf};

use super::compare::{self, Outcome};
use super::{memset, Document, Parsed, Required, SourceType, SpecIndex, READERS};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn seeds() -> PathBuf {
    workspace().join("sources")
}

/// The parsed document of a provider, from sources/.
fn document(provider: &str) -> Document {
    let documents = super::read_documents(&seeds(), "sources").expect("the seeds are readable");
    documents
        .into_iter()
        .find(|d| d.provider == provider)
        .unwrap_or_else(|| panic!("no document for {provider}"))
}

/// Compares a provider's document with its committed spec.
fn committed(provider: &str) -> Outcome {
    let spec = codegen::load::provider(
        &workspace().join("spec").join(provider),
        &format!("spec/{provider}"),
    )
    .expect("the spec is readable");
    outcome(provider, &spec)
}

/// Compares a provider's document with its spec, after `edit` changed one spec file.
fn sync(provider: &str, file: &str, edit: impl Fn(&str) -> String) -> Outcome {
    let mut spec = codegen::load::provider(
        &workspace().join("spec").join(provider),
        &format!("spec/{provider}"),
    )
    .expect("the spec is readable");
    let target = format!("spec/{provider}/{file}");
    let group =
        spec.groups.iter_mut().find(|g| g.name == target).unwrap_or_else(|| panic!("no {target}"));
    let edited = edit(&group.text);
    assert_ne!(edited, group.text, "the edit changed nothing in {target}");
    group.text = edited;
    outcome(provider, &spec)
}

fn outcome(provider: &str, spec: &codegen::ProviderSpec) -> Outcome {
    let checked = codegen::check(spec).unwrap_or_else(|d| panic!("the spec is invalid: {d:?}"));
    compare::provider(&document(provider), &checked, &SpecIndex::new(spec))
}

fn errors(outcome: &Outcome) -> Vec<String> {
    outcome
        .findings
        .iter()
        .filter(|f| f.explained_by.is_none())
        .map(|f| format!("{}: {}", f.operation, f.message))
        .collect()
}

#[test]
fn each_document_is_recognised_by_one_reader() {
    // sources/ also holds its README (where each document came from, recognised by no reader)
    // and the reference/ folder, which the command does not read.
    let mut documents = 0;
    for entry in fs::read_dir(seeds()).expect("seeds").flatten() {
        if !entry.path().is_file() {
            continue;
        }
        let text = fs::read_to_string(entry.path()).expect("text");
        let expected = if entry.file_name() == "README.md" { 0 } else { 1 };
        assert_eq!(
            READERS.iter().filter(|r| (r.recognizes)(&text)).count(),
            expected,
            "{}",
            entry.path().display()
        );
        documents += expected;
    }
    assert_eq!(documents, READERS.len());
}

#[test]
fn documents_have_all_their_operations() {
    for (provider, count) in [("profitbricks", 67), ("oneandone", 136), ("memset", 151)] {
        let parsed = document(provider).parsed;
        assert!(parsed.problems.is_empty(), "{provider}: {:?}", parsed.problems);
        assert_eq!(parsed.operations.len(), count, "{provider}");
    }
}

/// The Memset parser against the hand-checked inventory of the PDF's methods.
#[test]
fn memset_parser_matches_the_answer_key() {
    let reference = workspace().join("sources/reference");
    let methods =
        fs::read_to_string(reference.join("memset-methods.txt")).expect("memset-methods.txt");
    let inventory =
        fs::read_to_string(reference.join("memset-inventory.tsv")).expect("memset-inventory.tsv");
    let text =
        fs::read_to_string(seeds().join("002_97d6ecc28bafaabe.txt")).expect("the Memset document");
    let Parsed { operations, problems } = memset::parse(&text);
    assert!(problems.is_empty(), "{problems:?}");
    let names: Vec<&str> = operations.iter().map(|o| o.name.as_str()).collect();
    let expected: Vec<&str> = methods.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(names, expected);
    let deprecated: Vec<&str> =
        operations.iter().filter(|o| o.deprecated).map(|o| o.name.as_str()).collect();
    assert_eq!(deprecated, ["create.hourly_miniserver"]);

    // Where the PDF text itself says something else than the key: the sync reports these and
    // the spec explains them with deviations.
    let known = [
        ("firewalling.rule_create", "action", "values"),
        ("loadbalancer.service.update", "protocol", "values"),
        ("server.monitoring.rule_create", "service", "values"),
        ("server.monitoring.rule_create", "alert_type", "values"),
    ];
    let mut wrong = Vec::new();
    for row in inventory.lines().skip(1) {
        let cells: Vec<&str> = row.split('\t').collect();
        let [method, param, ty, optional, rules] = cells[..] else { continue };
        if param.is_empty() {
            continue;
        }
        let Some(op) = operations.iter().find(|o| o.name == method) else { panic!("{method}") };
        let Some(p) = op.params.iter().find(|p| p.name == param) else {
            wrong.push(format!("{method}: no parameter {param}"));
            continue;
        };
        let ty_ok = match ty {
            "String" => p.ty == SourceType::String,
            "Integer" => p.ty == SourceType::Integer,
            "Boolean" => p.ty == SourceType::Boolean,
            "Float" => p.ty == SourceType::Number,
            "Date" => p.ty == SourceType::Date,
            "List" => matches!(p.ty, SourceType::List(_)),
            "Dictionary" => p.ty == SourceType::Object(None),
            "String|List" => p.ty == SourceType::StringOrList,
            _ => false,
        };
        if !ty_ok {
            wrong.push(format!("{method}.{param}: type {:?}, key says {ty}", p.ty));
        }
        if (p.required == Required::No) != (optional == "yes") {
            wrong.push(format!("{method}.{param}: {:?}, key says optional={optional}", p.required));
        }
        if p.deprecated != rules.starts_with("DEPRECATED") {
            wrong.push(format!("{method}.{param}: deprecated={}, key: {rules}", p.deprecated));
        }
        let c = &p.constraints;
        for rule in rules.split("; ") {
            let number = |key: &str| {
                rule.strip_prefix(key)
                    .and_then(|n| n.split_whitespace().next())
                    .and_then(|n| n.parse::<i64>().ok())
            };
            let check =
                |what: &str, key: Option<i64>, got: Option<i64>, wrong: &mut Vec<String>| {
                    if key.is_some() && key != got {
                        wrong.push(format!("{method}.{param}: {what} {got:?}, key says {key:?}"));
                    }
                };
            let bound = |b: Option<codegen::ir::Bound>| match b {
                Some(codegen::ir::Bound::Integer(n)) => Some(n),
                _ => None,
            };
            check("max_length", number("max_length="), c.max_length.map(|n| n as i64), &mut wrong);
            check("min_length", number("min_length="), c.min_length.map(|n| n as i64), &mut wrong);
            check("min", number("min="), bound(c.min), &mut wrong);
            check("max", number("max="), bound(c.max), &mut wrong);
            if let Some(list) =
                rule.split_once("enum=[").map(|(_, r)| r).filter(|_| !rule.contains("enum=dynamic"))
            {
                let values = key_list(list);
                if values != c.values && !known.contains(&(method, param, "values")) {
                    wrong.push(format!(
                        "{method}.{param}: values {:?}, key says {values:?}",
                        c.values
                    ));
                }
            }
            check("max_items", number("max_items="), c.max_items.map(|n| n as i64), &mut wrong);
            // Character rules: the key's pattern or charset → the spec's way of writing it.
            let chars = [
                ("pattern=^[A-Za-z0-9._-]{1,64}$", "A-Za-z0-9._-"),
                ("pattern=^[0-9a-fA-F]{32}$", "0-9a-fA-F"),
                ("pattern=^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$", "A-Za-z0-9-"),
                ("pattern=^[A-Za-z0-9_-]+$", "A-Za-z0-9_-"),
                ("pattern=^[A-Za-z0-9_-][A-Za-z0-9._-]*$", "A-Za-z0-9._-"),
                ("charset=printable ASCII", " -~"),
            ];
            for (key, class) in chars {
                if rule.starts_with(key) && c.chars.as_deref() != Some(class) {
                    wrong.push(format!("{method}.{param}: chars {:?}, key: {rule}", c.chars));
                }
            }
            if rule.starts_with("pattern=^[0-9a-fA-F]{32}$")
                && (c.min_length, c.max_length) != (Some(32), Some(32))
            {
                wrong.push(format!(
                    "{method}.{param}: lengths {:?}..{:?}, key: {rule}",
                    c.min_length, c.max_length
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} differences from the answer key:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// `a,'b,c',d] (notes)` → a, b,c, d
fn key_list(list: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut quoted = false;
    for c in list.chars() {
        match c {
            '\'' => quoted = !quoted,
            ',' if !quoted => items.push(std::mem::take(&mut item)),
            ']' if !quoted => break,
            _ => item.push(c),
        }
    }
    items.push(item);
    items.into_iter().map(|i| i.trim().to_owned()).collect()
}
/// The text of operation `op`'s parameter `param` (from its `[[operation.param]]` line up to
/// the next table), after `edit`.
fn edit_param(text: &str, op: &str, param: &str, edit: impl Fn(&str) -> String) -> String {
    let op_at = text
        .find(&format!("[[operation]]\nname = \"{op}\"\n"))
        .unwrap_or_else(|| panic!("no operation {op}"));
    let header = format!("[[operation.param]]\nname = \"{param}\"\n");
    let start = op_at
        + text[op_at..].find(&header).unwrap_or_else(|| panic!("no parameter {param} of {op}"));
    let end = text[start + 1..].find("\n[[").map_or(text.len(), |i| start + 2 + i);
    format!("{}{}{}", &text[..start], edit(&text[start..end]), &text[end..])
}

#[test]
fn committed_spec_matches_every_source() {
    for reader in READERS {
        let outcome = committed(reader.provider);
        assert_eq!(
            outcome.failures(),
            0,
            "{}: {:?} {:?}",
            reader.provider,
            errors(&outcome),
            outcome.unused
        );
        assert_eq!(
            (outcome.operations.differ, outcome.parameters.differ),
            (0, 0),
            "{}",
            reader.provider
        );
        assert_eq!(
            outcome.operations.matched + outcome.operations.explained,
            outcome.operations.source.max(outcome.operations.spec)
        );
    }
}

#[test]
fn a_renamed_operation_fails() {
    let outcome = sync("profitbricks", "datacenters.toml", |t| {
        t.replace("name = \"get_datacenter\"", "name = \"get_data_center\"")
    });
    assert_eq!(errors(&outcome), ["get_datacenter: the source calls the operation of \"Retrieve a Data Center\" `get_datacenter`, the spec names it `get_data_center`"]);
    let report = super::report::render(std::slice::from_ref(&outcome));
    assert!(report.contains("error: profitbricks: get_datacenter: the source calls"), "{report}");
    assert!(report.contains("  --> sources/000_920d674ba669ef07.txt:148 (\"Retrieve a Data Center\")\n  --> spec/profitbricks/datacenters.toml:"), "{report}");

    let outcome = sync("memset", "dns.toml", |t| {
        t.replace("name = \"dns.zone_info\"", "name = \"dns.zone_details\"")
    });
    assert_eq!(
        errors(&outcome),
        [
            "dns.zone_info: operation `dns.zone_info` (\"DNS Methods\") is not in the spec",
            "dns.zone_details: operation `dns.zone_details` is in the spec but not in the source"
        ]
    );
}

#[test]
fn a_dropped_parameter_fails() {
    let outcome = sync("memset", "dns.toml", |t| {
        edit_param(t, "dns.zone_record_create", "priority", |_| String::new())
    });
    assert_eq!(
        errors(&outcome),
        ["dns.zone_record_create: parameter `priority` (an integer, optional) is not in the spec"]
    );

    let outcome = sync("oneandone", "servers.toml", |t| {
        edit_param(t, "delete_server", "keep_ips", |_| String::new())
    });
    assert_eq!(
        errors(&outcome),
        ["delete_server: parameter `keep_ips` (a boolean, optional) is not in the spec"]
    );

    // A field of the model an object argument is flattened into.
    let outcome = sync("profitbricks", "servers.toml", |t| {
        let field = t
            .lines()
            .find(|l| l.contains("name = \"properties.cpuFamily\""))
            .expect("NewServer's cpuFamily field");
        t.replace(&format!("{field}\n"), "")
    });
    assert_eq!(
        errors(&outcome),
        ["create_server: parameter `server.cpu_family` (a string, optional) is not in the spec"]
    );
}

#[test]
fn a_removed_constraint_fails() {
    let outcome = sync("memset", "apikey.toml", |t| {
        edit_param(t, "apikey.add_scope", "value", |p| p.replace("max_length = 50\n", ""))
    });
    assert_eq!(errors(&outcome), ["apikey.add_scope: parameter `value`: the source says at most 50 characters, the spec says nothing"]);

    let outcome = sync("memset", "dns.toml", |t| {
        edit_param(t, "dns.zone_record_create", "type", |p| {
            p.replace("type = \"DnsRecordType\"", "type = \"string\"")
        })
    });
    assert_eq!(errors(&outcome), ["dns.zone_record_create: parameter `type`: the source allows only 'A', 'AAAA', 'CNAME', 'MX', 'NS', 'SRV', 'TXT'; the spec does not restrict the values"]);

    let outcome = sync("profitbricks", "servers.toml", |t| {
        t.replace(
            "min = 256, multiple_of = 256, doc = \"The server's memory",
            "min = 256, doc = \"The server's memory",
        )
    });
    assert_eq!(errors(&outcome), ["create_server: parameter `server.ram`: the source says a multiple of 256, the spec says nothing"]);

    let outcome = sync("oneandone", "images.toml", |t| t.replace("max = 50", "max = 60"));
    assert_eq!(errors(&outcome), ["create_image: parameter `image.num_images`: the source says at most 50, the spec says max = 60"]);
}

/// A provider folder in spec/ without a reader fails the command, naming it.
#[test]
fn a_spec_without_a_reader_fails() {
    let specs =
        codegen::load::all(&workspace().join("spec"), "spec").expect("the specs are readable");
    let pairs = super::readers_for(&specs).expect("every committed spec has a reader");
    assert_eq!(pairs.len(), specs.len());

    let mut with_new = specs.clone();
    let mut new = specs[0].clone();
    new.name = "newcloud".to_owned();
    with_new.push(new);
    let error = super::readers_for(&with_new).err().expect("a spec without a reader fails");
    assert!(error.contains("spec/newcloud has no source-sync reader"), "{error}");

    let without = &specs[1..];
    let error = super::readers_for(without).err().expect("a reader without a spec fails");
    assert!(error.contains(&format!("spec/{} is missing", specs[0].name)), "{error}");
}

#[test]
fn a_deviation_that_explains_nothing_fails() {
    let outcome = sync("memset", "job.toml", |t| {
        format!("{t}\n[[deviation]]\noperation = \"job.status\"\nparameter = \"id\"\nreason = \"None.\"\n")
    });
    assert!(errors(&outcome).is_empty());
    assert_eq!(outcome.unused.len(), 1);
    assert_eq!(outcome.failures(), 1);
}

/// The SDK methods of a wire reference's endpoint table, in order: the first backticked
/// `name(` of each numbered row.
fn reference_methods(file: &str) -> Vec<(String, String)> {
    let text = fs::read_to_string(workspace().join("sources/reference").join(file)).expect(file);
    text.lines()
        .filter(|l| l.split('|').nth(1).is_some_and(|n| n.trim().parse::<u32>().is_ok()))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let (at, call) = cells
                .iter()
                .enumerate()
                .skip(2)
                .take(2)
                .find_map(|(i, c)| c.strip_prefix('`').map(|c| (i, c)))?;
            let (method, _) = call.split_once('(')?;
            let method_like =
                !method.is_empty() && method.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            method_like.then(|| {
                (if at == 3 { cells[2].to_owned() } else { String::new() }, method.to_owned())
            })
        })
        .collect()
}

/// The 1&1 parser finds the 136 methods of the SDK, in the order of its reference table.
#[test]
fn oneandone_parser_matches_the_wire_reference() {
    let expected: Vec<String> =
        reference_methods("oneandone-wire.md").into_iter().map(|(_, m)| m).collect();
    let parsed: Vec<String> =
        document("oneandone").parsed.operations.into_iter().map(|o| o.name).collect();
    assert_eq!(parsed, expected);
}

/// The ProfitBricks parser finds the README's 67 sections and the method each example calls:
/// the SDK's, except where the README's example calls the wrong one.
#[test]
fn profitbricks_parser_matches_the_wire_reference() {
    let reference = reference_methods("profitbricks-wire.md");
    let parsed = document("profitbricks").parsed.operations;
    assert_eq!(parsed.len(), reference.len());
    let examples_in_error = [
        ("Retrieve an Attached CD-ROM", "attach_cdrom"),
        ("Associate NIC to a Load Balancer", "get_loadbalanced_nic"),
        ("Create a LAN", "create_nic"),
    ];
    for (op, (section, method)) in parsed.iter().zip(&reference) {
        assert!(section.starts_with(&op.section), "{} vs {section}", op.section);
        match examples_in_error.iter().find(|(s, _)| *s == op.section) {
            Some((_, called)) => assert_eq!(op.name, *called),
            None => assert_eq!(op.name, *method, "{section}"),
        }
    }
}

/// The defaults the documents state without a condition, as the parsers read them: the answer
/// key of the default comparison (conditional ones, such as `add_to_next_bill`'s or
/// `data_zone`'s, are not defaults).
#[test]
fn documents_state_these_defaults() {
    fn walk(op: &str, prefix: &str, params: &[super::SourceParam], out: &mut Vec<String>) {
        for p in params {
            if let Some(d) = &p.default {
                out.push(format!("{op} {prefix}{} = {d}", p.name));
            }
            walk(op, &format!("{prefix}{}.", p.name), &p.fields, out);
        }
    }
    let mut found = Vec::new();
    for provider in ["profitbricks", "oneandone", "memset"] {
        for op in document(provider).parsed.operations {
            walk(&op.name, "", &op.params, &mut found);
        }
    }
    let expected = [
        "create_server server.cpu_family = AMD_OPTERON",
        "create_volume volume.bus = VIRTIO",
        "create_nic nic.dhcp = TRUE",
        "delete_server keep_ips = False",
        "remove_ip keep_ip = False",
        "create.hourly_miniserver network_zone = dunsfold",
        "create.hourly_miniserver period = 1",
        "create.memstore network_zone = reading",
        "create.monthly_fullserver network_zone = dunsfold",
        "create.monthly_fullserver period = 1",
        "create.monthly_miniserver network_zone = dunsfold",
        "create.monthly_miniserver period = 1",
        "firewalling.rule_create ip_version = any",
        "firewalling.rule_create direction = Inbound",
        "firewalling.rule_group_create default_outbound_policy = Accept",
        "firewalling.rule_group_list include_public = True",
        "loadbalancer.server.add enabled = false",
        "loadbalancer.server.add fallback = false",
        "loadbalancer.server.add weight = 10",
        "loadbalancer.service.add enabled = True",
        "partner.account.create account_currency = GBP",
        "service.list status = LIVE",
    ];
    assert_eq!(found, expected);
}

#[test]
fn a_default_the_spec_loses_fails() {
    // The API's default is only in prose on a model field: the doc must keep saying it.
    let outcome = sync("profitbricks", "servers.toml", |t| {
        t.replace("the API uses AMD_OPTERON when unset", "the API picks one when unset")
    });
    assert_eq!(errors(&outcome), ["create_server: parameter `server.cpu_family`: the source says it defaults to AMD_OPTERON; the spec neither sends that (`default`) nor says so in its doc"]);

    // A parameter's `default` is what goes on the wire: it must be the source's.
    let outcome = sync("memset", "create.toml", |t| {
        let at = t.find("name = \"create.monthly_miniserver\"").expect("the operation");
        let (head, tail) = t.split_at(at);
        let tail = tail.replacen(
            "name = \"period\"\ntype = \"integer\"\n",
            "name = \"period\"\ntype = \"integer\"\ndefault = 3\n",
            1,
        );
        format!("{head}{tail}")
    });
    assert_eq!(
        errors(&outcome),
        ["create.monthly_miniserver: parameter `period`: the source's default is 1, the spec sends 3"]
    );
}

#[test]
fn a_return_type_other_than_the_documented_shape_fails() {
    let outcome = sync("memset", "dns.toml", |t| {
        let at = t.find("name = \"dns.zone_create\"").expect("the operation");
        let (head, tail) = t.split_at(at);
        format!("{head}{}", tail.replacen("returns = \"Zone\"", "returns = \"json\"", 1))
    });
    assert_eq!(errors(&outcome), ["dns.zone_create: the source returns what dns.zone_info() returns (`Zone`), the spec returns `json`"]);

    let outcome = sync("memset", "server.toml", |t| {
        let at = t.find("name = \"server.reboot\"").expect("the operation");
        let (head, tail) = t.split_at(at);
        let tail =
            tail.replacen("returns = \"Job\"\nhandle = \"job\"\n", "returns = \"json\"\n", 1);
        format!("{head}{tail}")
    });
    assert_eq!(
        errors(&outcome),
        ["server.reboot: the source returns a job (as job.status() describes it), the spec returns `json`"]
    );
}

#[test]
fn a_deviation_that_blames_the_generator_fails_unless_tracked() {
    let reason = "The PDF text hyphenates 'REJECT' as 'RE-JECT' at a line break;";
    let outcome = sync("memset", "firewalling.toml", |t| {
        t.replace(reason, "The spec format cannot say 'RE-JECT';")
    });
    assert!(errors(&outcome).is_empty());
    assert_eq!((outcome.blaming.len(), outcome.failures()), (1, 1));
    let report = super::report::render(std::slice::from_ref(&outcome));
    assert!(report.contains("error: spec/memset/firewalling.toml:"), "{report}");
    assert!(report.contains("blames this project's generator or spec format"), "{report}");

    let outcome = sync("memset", "firewalling.toml", |t| {
        t.replace(reason, "A generator limitation, tracked in issue 99: 'RE-JECT';")
    });
    assert_eq!((outcome.blaming.len(), outcome.failures()), (0, 0));
    assert!(outcome.tracked.iter().any(|(_, issue)| issue == "issue 99"), "{:?}", outcome.tracked);
    let report = super::report::render(std::slice::from_ref(&outcome));
    assert!(report.contains("known generator limitations, tracked, not failures"), "{report}");
}

/// The known generator limitations the committed spec tracks, each with its issue: a new one
/// must be added here on purpose, and one that is lifted must be taken out.
#[test]
fn committed_spec_tracks_these_generator_limitations() {
    let mut tracked = Vec::new();
    for reader in READERS {
        let outcome = committed(reader.provider);
        assert!(outcome.blaming.is_empty(), "{}: {:?}", reader.provider, outcome.blaming);
        for (d, issue) in &outcome.tracked {
            let deviation = &outcome.deviations[*d];
            let what = match &deviation.parameter {
                Some(p) => format!("{} {p}", deviation.operation),
                None => deviation.operation.clone(),
            };
            tracked.push(format!("{what}: {issue}"));
        }
    }
    // items 3 (cluster toggles), 9 (read-then-write of monitored ports and processes) and 11
    // (optional monitoring_policy) are fixed: no limitation is left
    let expected: [&str; 0] = [];
    assert_eq!(tracked, expected);
}
