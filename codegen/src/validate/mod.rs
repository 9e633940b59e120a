//! Checks a provider's spec files and resolves them into the IR. Every problem found becomes a
//! diagnostic pointing at the offending value; checking goes on after an error so one run
//! reports as much as it can.
//!
//! This file runs the checks in order and holds what they share; each kind of entry has its
//! own file: `provider` (the provider file and cross-file checks), `operations`, `models`
//! (models and enums), `members` (types, defaults, constraints and groups of parameters and
//! fields alike), `handles` and `deviations`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use heck::{ToSnakeCase, ToUpperCamelCase};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::ir::{self, Bound, Constraints, Literal, Location, Ty};
use crate::spec::{self, MemberEntry};
use crate::types::{self, TypeExpr};

mod deviations;
mod handles;
mod members;
mod models;
mod operations;
mod provider;

/// Parses and checks `provider.toml` plus the group files of one provider.
pub fn provider(
    provider_file: &SourceFile,
    groups: &[SourceFile],
) -> Result<ir::Provider, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let parsed_provider = parse::<spec::ProviderFile>(provider_file, &mut diags);
    let parsed_groups: Vec<(&SourceFile, spec::GroupFile)> = groups
        .iter()
        .filter_map(|file| parse::<spec::GroupFile>(file, &mut diags).map(|g| (file, g)))
        .collect();
    let Some(raw) = parsed_provider else { return Err(diags) };

    let mut checker = Checker { diags };
    let header = checker.provider_section(provider_file, &raw);
    let mut idempotent_names =
        checker.idempotent_names(provider_file, &raw.provider.idempotent_names);
    let names = checker.type_names(&parsed_groups);
    let mut operations = Vec::new();
    let mut models = Vec::new();
    let mut enums = Vec::new();
    let mut deviations = Vec::new();
    for (file, group) in &parsed_groups {
        let group_name = group_name(file);
        let mut at = checker.at(file);
        for entry in &group.deviation {
            deviations.extend(at.deviation(entry));
        }
        for entry in &group.enums {
            if let Some(e) = at.enumeration(entry) {
                enums.push(ir::Enum { group: group_name.clone(), ..e });
            }
        }
        for entry in &group.model {
            if let Some(m) = at.model(entry, &names) {
                models.push(ir::Model { group: group_name.clone(), ..m });
            }
        }
        for entry in &group.operation {
            if let Some(mut op) = at.operation(entry, &names, header.transport) {
                op.group = group_name.clone();
                op.idempotent = idempotent(&op, entry.get_ref(), &mut idempotent_names);
                let kinds: Vec<&str> =
                    header.errors.kinds.iter().map(|k| k.name.as_str()).collect();
                let raises = entry.get_ref().raises.as_ref();
                for kind in raises.map(|r| r.get_ref().as_slice()).unwrap_or_default() {
                    if !kinds.contains(&kind.as_str()) {
                        let raises = raises.map_or(0..0, |r| r.span());
                        at.error(raises, format!("operation '{}' raises '{kind}', which is not an error kind of this provider", op.name), format!("use the names of [[errors.kind]]: {}", kinds.join(", ")));
                    }
                }
                if op.handle == ir::Handle::Request && header.request_id.is_none() {
                    let span = entry.get_ref().handle.as_ref().map_or(entry.span(), |h| h.span());
                    at.error(span, format!("operation '{}' hands back a request id, but the provider does not say where to find one", op.name), "add [provider.request_id] with header and marker to provider.toml");
                }
                operations.push((*file, entry.get_ref().name.span(), op));
            }
        }
    }
    let mut at = checker.at(provider_file);
    for (pattern, span, used) in idempotent_names {
        if !used {
            at.error(
                span,
                format!("idempotent_names: '{pattern}' matches no operation"),
                "fix the name, or remove it (names match the part after the last dot)",
            );
        }
    }
    checker.cross_checks(&operations, &models, &parsed_groups);
    let ops: Vec<&ir::Operation> = operations.iter().map(|(_, _, op)| op).collect();
    let mut handles = Vec::new();
    for (file, group) in &parsed_groups {
        let mut at = checker.at(file);
        for entry in &group.handle {
            if let Some(h) = at.handle(entry, &ops, &models, &handles) {
                handles.push(h);
            }
        }
    }
    if !checker.diags.is_empty() {
        return Err(checker.diags);
    }
    let mut provider = ir::Provider {
        operations: operations.into_iter().map(|(_, _, op)| op).collect(),
        models,
        enums,
        deviations,
        handles,
        ..header
    };
    mark_models(&mut provider);
    crate::decide::provider(&mut provider);
    Ok(provider)
}

/// A group's name: its file's stem (`spec/memset/dns.toml` → `dns`).
fn group_name(file: &SourceFile) -> String {
    let base = file.name.rsplit(['/', '\\']).next().unwrap_or(&file.name);
    base.strip_suffix(".toml").unwrap_or(base).to_owned()
}

/// Whether a parameter or field holds a secret: its `secret` key, else whether its Rust name
/// ends in `password`.
fn is_secret(member: &MemberEntry, rust_name: &str) -> bool {
    member
        .secret
        .as_ref()
        .map_or_else(|| rust_name.to_ascii_lowercase().ends_with("password"), |s| *s.get_ref())
}

/// Whether an operation may be retried: its own `idempotent` key, else GET, PUT and DELETE,
/// else a match of the provider's `idempotent_names` (each marked as used when it matches).
fn idempotent(
    op: &ir::Operation,
    entry: &spec::OperationEntry,
    names: &mut [(String, Range<usize>, bool)],
) -> bool {
    let mut matched = false;
    for (pattern, _, used) in names.iter_mut() {
        if name_matches(pattern, &op.method_name) {
            *used = true;
            matched = true;
        }
    }
    if let Some(explicit) = &entry.idempotent {
        return *explicit.get_ref();
    }
    let by_method = matches!(&op.http, ir::Http::Rest { method, .. } if ["GET", "PUT", "DELETE"].contains(&method.as_str()));
    by_method || matched
}

/// `info` matches `info` only; `*_info` any name ending in `_info`; `list_*` any name
/// starting with `list_`.
fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, suffix)) => {
            name.len() >= prefix.len() + suffix.len()
                && name.starts_with(prefix)
                && name.ends_with(suffix)
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    file: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    match toml::from_str::<T>(&file.text) {
        Ok(value) => Some(value),
        Err(err) => {
            let span = err.span().unwrap_or(0..0);
            let message = err.message().trim_end().to_owned();
            let help = if message.starts_with("unknown field") {
                Some(
                    "remove the key or fix its spelling; spec/README.md lists every key".to_owned(),
                )
            } else if message.starts_with("missing field") {
                Some("add the key; spec/README.md says what it holds".to_owned())
            } else if message.starts_with("invalid type") {
                Some("spec/README.md gives the kind of value each key takes".to_owned())
            } else {
                None
            };
            diags.push(file.error(span, message, help));
            None
        }
    }
}

/// Model and enum names of the whole provider, for resolving types.
struct TypeNames {
    models: BTreeSet<String>,
    enums: BTreeSet<String>,
}

struct Checker {
    diags: Vec<Diagnostic>,
}

/// A checker positioned in one file.
struct At<'c> {
    file: &'c SourceFile,
    diags: &'c mut Vec<Diagnostic>,
}

impl Checker {
    fn at<'c>(&'c mut self, file: &'c SourceFile) -> At<'c> {
        At { file, diags: &mut self.diags }
    }
}

/// Names the generated crate defines itself.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Client",
    "ClientBuilder",
    "Error",
    "ErrorKind",
    "Accepted",
    "Credentials",
    "Option",
    "Vec",
    "String",
    "Result",
    "Box",
];

impl At<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: impl Into<String>) {
        self.diags.push(self.file.error(span, message, Some(help.into())));
    }

    fn status(&mut self, status: &Spanned<i64>) -> Option<u16> {
        match u16::try_from(*status.get_ref()) {
            Ok(s) if (100..=599).contains(&s) => Some(s),
            _ => {
                self.error(
                    status.span(),
                    format!("{} is not an HTTP status", status.get_ref()),
                    "use a status from 100 to 599",
                );
                None
            }
        }
    }

    fn statuses(&mut self, list: &Spanned<Vec<i64>>) -> Vec<u16> {
        if list.get_ref().is_empty() {
            self.error(
                list.span(),
                "the list of success statuses is empty",
                "list at least one status, e.g. [200]",
            );
        }
        list.get_ref()
            .iter()
            .filter_map(|s| {
                let status = Spanned::new(list.span(), *s);
                self.status(&status)
            })
            .collect()
    }
}

fn is_scalar(ty: &Ty) -> bool {
    matches!(ty, Ty::String | Ty::Integer | Ty::Number | Ty::Boolean | Ty::Enum(_) | Ty::Date)
}

/// Keywords that cannot be raw identifiers, plus `new`, which request models use as constructor.
const NOT_RAW_IDENTS: &[&str] = &["self", "super", "crate", "new", "_"];

fn is_snake_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_camel_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The known name nearest to a misspelt one, if it is near enough to be a likely typo.
fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb { previous } else { 1 + previous.min(row[j]).min(current) };
            previous = current;
        }
    }
    row[b.len()]
}

/// Every model a type mentions, directly or through other models.
fn reachable_models(ty: &Ty, models: &[ir::Model]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![ty.clone()];
    while let Some(ty) = stack.pop() {
        match ty {
            Ty::List(inner) | Ty::Map(inner) => stack.push(*inner),
            Ty::Model(name) if !found.contains(&name) => {
                if let Some(model) = models.iter().find(|m| m.name == name) {
                    stack.extend(model.fields.iter().map(|f| f.ty.clone()));
                }
                found.push(name);
            }
            _ => {}
        }
    }
    found
}

/// Marks the models reachable from parameters as inputs, and the ones with rules to check.
fn mark_models(provider: &mut ir::Provider) {
    let mut inputs = BTreeSet::new();
    let mut outputs = BTreeSet::new();
    for op in &provider.operations {
        for p in &op.params {
            inputs.extend(reachable_models(&p.ty, &provider.models));
        }
        if let Some(ty) = &op.returns {
            outputs.extend(reachable_models(ty, &provider.models));
        }
    }
    // a model is checked if it has rules or holds a checked model; iterate to a fixed point
    let mut checked: BTreeSet<String> = provider
        .models
        .iter()
        .filter(|m| {
            !m.at_least_one_of.is_empty()
                || !m.at_most_one_of.is_empty()
                || !m.requires.is_empty()
                || m.fields
                    .iter()
                    .any(|f| !f.constraints.is_empty() || matches!(item_of(&f.ty), Ty::Enum(_)))
        })
        .map(|m| m.name.clone())
        .collect();
    loop {
        let before = checked.len();
        for m in &provider.models {
            if m.fields
                .iter()
                .any(|f| matches!(item_of(&f.ty), Ty::Model(n) if checked.contains(n)))
            {
                checked.insert(m.name.clone());
            }
        }
        if checked.len() == before {
            break;
        }
    }
    for m in &mut provider.models {
        m.input = inputs.contains(&m.name);
        m.output = outputs.contains(&m.name);
        m.checked = m.input && checked.contains(&m.name);
    }
}

/// The element type of a list or map, or the type itself.
pub fn item_of(ty: &Ty) -> &Ty {
    match ty {
        Ty::List(inner) | Ty::Map(inner) => item_of(inner),
        other => other,
    }
}
