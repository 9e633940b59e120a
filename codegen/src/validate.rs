//! Checks a provider's spec files and resolves them into the IR. Every problem found becomes a
//! diagnostic pointing at the offending value; checking goes on after an error so one run
//! reports as much as it can.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use heck::{ToSnakeCase, ToUpperCamelCase};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::ir::{self, Bound, Constraints, Literal, Location, Ty};
use crate::spec::{self, MemberEntry};
use crate::types::{self, TypeExpr};

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

    fn provider_section(&mut self, file: &SourceFile, raw: &spec::ProviderFile) -> ir::Provider {
        let mut at = self.at(file);
        let p = &raw.provider;
        if !is_snake_ident(p.name.get_ref()) {
            at.error(
                p.name.span(),
                format!("provider name '{}' is not a valid crate name", p.name.get_ref()),
                "use lower-case letters, digits and underscores, e.g. \"profitbricks\"",
            );
        }
        let base = p.base_url.get_ref();
        if !(base.starts_with("https://") || base.starts_with("http://")) || base.ends_with('/') {
            at.error(
                p.base_url.span(),
                format!("base_url '{base}' must be an absolute http(s) URL without a trailing '/'"),
                "write it like \"https://api.example.com/v1\"",
            );
        }
        let transport = match p.transport.get_ref().as_str() {
            "rest" => ir::Transport::Rest,
            "memset" => ir::Transport::Memset,
            other => {
                at.error(
                    p.transport.span(),
                    format!("unknown transport '{other}'"),
                    "expected \"rest\" or \"memset\"",
                );
                ir::Transport::Rest
            }
        };
        let success = at.statuses(&p.success);
        let auth = match (p.auth.scheme.get_ref().as_str(), &p.auth.header) {
            ("basic", None) => ir::Auth::Basic,
            ("basic_username", None) => ir::Auth::BasicUsername,
            ("header", Some(name)) => ir::Auth::Header(name.get_ref().clone()),
            ("header", None) => {
                at.error(
                    p.auth.scheme.span(),
                    "auth scheme 'header' needs the header's name",
                    "add header = \"X-TOKEN\" (the header that carries the token)",
                );
                ir::Auth::Basic
            }
            ("basic" | "basic_username", Some(name)) => {
                at.error(
                    name.span(),
                    "'header' is only used with scheme = \"header\"",
                    "remove the key",
                );
                ir::Auth::Basic
            }
            (other, _) => {
                at.error(
                    p.auth.scheme.span(),
                    format!("unknown auth scheme '{other}'"),
                    "expected \"basic\", \"header\" or \"basic_username\"",
                );
                ir::Auth::Basic
            }
        };
        let errors = &raw.errors;
        for pointer in [&errors.code, &errors.message, &errors.error_type].into_iter().flatten() {
            if !pointer.get_ref().starts_with('/') {
                at.error(
                    pointer.span(),
                    format!("'{}' is not a JSON pointer", pointer.get_ref()),
                    "JSON pointers start with '/', e.g. \"/messages/0/message\"",
                );
            }
        }
        let mut kinds = Vec::new();
        let mut seen = BTreeSet::new();
        for kind in &errors.kind {
            let name = kind.name.get_ref();
            if !is_camel_ident(name) || name == "Other" {
                at.error(
                    kind.name.span(),
                    format!("error kind '{name}' is not a usable variant name"),
                    "use UpperCamelCase, and not 'Other' (every crate has that kind already)",
                );
            } else if !seen.insert(name.clone()) {
                at.error(
                    kind.name.span(),
                    format!("error kind '{name}' is defined twice"),
                    "give each kind its own name",
                );
            }
            if kind.status.is_none() && kind.code.is_none() && kind.error_type.is_none() {
                at.error(
                    kind.name.span(),
                    format!("error kind '{name}' has nothing to match on"),
                    "give it a status, a code or a type",
                );
            }
            if kind.code.is_some() && errors.code.is_none()
                || kind.error_type.is_some() && errors.error_type.is_none()
            {
                at.error(kind.name.span(), format!("error kind '{name}' matches on a code or type the error model does not read"), "add the JSON pointer for it under [errors]");
            }
            let status = kind.status.as_ref().and_then(|s| at.status(s));
            kinds.push(ir::ErrorKind {
                name: name.clone(),
                doc: kind.doc.clone(),
                status,
                code: kind.code.clone(),
                error_type: kind.error_type.clone(),
            });
        }
        ir::Provider {
            name: p.name.get_ref().clone(),
            title: p.title.clone(),
            doc: p.doc.clone(),
            base_url: base.clone(),
            transport,
            success,
            auth,
            headers: p.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            request_id: p.request_id.as_ref().map(|r| ir::RequestIdSource {
                header: r.header.clone(),
                marker: r.marker.clone(),
            }),
            lenient_numbers: p.lenient_numbers,
            pages: p.pages.as_ref().and_then(|pages| {
                let first = u64::try_from(*pages.first.get_ref()).ok();
                let size = u64::try_from(*pages.size.get_ref()).ok().filter(|s| *s > 0);
                if first.is_none() {
                    at.error(
                        pages.first.span(),
                        "the first page number cannot be negative",
                        "usually 0 or 1",
                    );
                }
                if size.is_none() {
                    at.error(
                        pages.size.span(),
                        "the page size must be positive",
                        "e.g. size = 100",
                    );
                }
                Some(ir::PagesSpec {
                    page: pages.page.clone(),
                    per_page: pages.per_page.clone(),
                    first: first?,
                    size: size?,
                })
            }),
            errors: ir::ErrorModel {
                code: errors.code.as_ref().map(|s| s.get_ref().clone()),
                message: errors.message.as_ref().map(|s| s.get_ref().clone()),
                error_type: errors.error_type.as_ref().map(|s| s.get_ref().clone()),
                kinds,
            },
            operations: Vec::new(),
            models: Vec::new(),
            enums: Vec::new(),
            deviations: Vec::new(),
            handles: Vec::new(),
        }
    }

    /// Checks the provider's `idempotent_names`; each comes back with its span and whether an
    /// operation matched it yet.
    fn idempotent_names(
        &mut self,
        file: &SourceFile,
        names: &[Spanned<String>],
    ) -> Vec<(String, Range<usize>, bool)> {
        let mut at = self.at(file);
        let mut out = Vec::new();
        for name in names {
            let pattern = name.get_ref();
            let valid = !pattern.is_empty()
                && pattern
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '*')
                && pattern.matches('*').count() <= 1;
            if !valid {
                at.error(name.span(), format!("idempotent_names: '{pattern}' is not a method name pattern"), "use a snake_case method name with at most one '*', e.g. \"info\", \"*_list\" or \"list_*\"");
            } else if pattern == "*" {
                at.error(
                    name.span(),
                    "idempotent_names: '*' would let every operation be retried, writes included",
                    "list the read-only names, e.g. \"info\" and \"*_list\"",
                );
            } else {
                out.push((pattern.clone(), name.span(), false));
            }
        }
        out
    }

    fn type_names(&mut self, groups: &[(&SourceFile, spec::GroupFile)]) -> TypeNames {
        let mut names = TypeNames { models: BTreeSet::new(), enums: BTreeSet::new() };
        let mut first: BTreeMap<String, String> = BTreeMap::new();
        for (file, group) in groups {
            let mut at = self.at(file);
            let all = group
                .model
                .iter()
                .map(|m| (&m.get_ref().name, true))
                .chain(group.enums.iter().map(|e| (&e.get_ref().name, false)));
            for (name, is_model) in all {
                let n = name.get_ref();
                if !is_camel_ident(n) {
                    at.error(
                        name.span(),
                        format!("type name '{n}' is not UpperCamelCase"),
                        format!("rename it to '{}'", n.to_upper_camel_case()),
                    );
                    continue;
                }
                if types::is_builtin(n) || RESERVED_TYPE_NAMES.contains(&n.as_str()) {
                    at.error(
                        name.span(),
                        format!("type name '{n}' clashes with a name the generated crate uses"),
                        "pick another name",
                    );
                    continue;
                }
                if let Some(place) = first.get(n) {
                    at.error(
                        name.span(),
                        format!("type '{n}' is defined twice (first in {place})"),
                        "rename one of them",
                    );
                    continue;
                }
                first.insert(n.clone(), file.name.clone());
                if is_model {
                    names.models.insert(n.clone())
                } else {
                    names.enums.insert(n.clone())
                };
            }
        }
        names
    }

    fn cross_checks(
        &mut self,
        operations: &[(&SourceFile, Range<usize>, ir::Operation)],
        models: &[ir::Model],
        groups: &[(&SourceFile, spec::GroupFile)],
    ) {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        let methods: BTreeSet<Vec<&str>> =
            operations.iter().map(|(_, _, op)| op.name.split('.').collect()).collect();
        for (file, span, op) in operations {
            let mut at = self.at(file);
            if let Some(place) = seen.get(op.name.as_str()) {
                at.error(
                    span.clone(),
                    format!("operation '{}' is defined twice (first in {place})", op.name),
                    "remove or rename one of them",
                );
            }
            seen.insert(&op.name, &file.name);
            // a namespace may not share its name with a method at the same level
            let parts: Vec<&str> = op.name.split('.').collect();
            for depth in 1..parts.len() {
                if methods.contains(&parts[..depth]) {
                    at.error(
                        span.clone(),
                        format!(
                            "'{}' is both a method and the namespace of '{}'",
                            parts[..depth].join("."),
                            op.name
                        ),
                        "rename one of them",
                    );
                }
            }
        }
        // nested (dotted) models are write-only: they cannot come back in a response
        let nested: BTreeSet<&str> =
            models.iter().filter(|m| m.nested).map(|m| m.name.as_str()).collect();
        for (file, _, op) in operations {
            if let Some(ty) = &op.returns {
                if let Some(model) =
                    reachable_models(ty, models).into_iter().find(|m| nested.contains(m.as_str()))
                {
                    let span = groups
                        .iter()
                        .filter(|(f, _)| f.name == file.name)
                        .flat_map(|(_, g)| g.operation.iter())
                        .find(|o| o.get_ref().name.get_ref() == &op.name)
                        .and_then(|o| o.get_ref().returns.as_ref().map(|r| r.span()))
                        .unwrap_or(0..0);
                    self.at(file).error(span, format!("operation '{}' returns '{model}', which has dotted field names and so cannot be decoded", op.name), "return a model whose fields mirror the response (dotted names are for request models only)");
                }
            }
        }
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

    fn handle(
        &mut self,
        entry: &Spanned<spec::HandleEntry>,
        ops: &[&ir::Operation],
        models: &[ir::Model],
        earlier: &[ir::ResourceHandle],
    ) -> Option<ir::ResourceHandle> {
        let h = entry.get_ref();
        let name = h.name.get_ref();
        let what = format!("handle '{name}'");
        if !is_snake_ident(name) || NOT_RAW_IDENTS.contains(&name.as_str()) {
            self.error(
                h.name.span(),
                format!("'{name}' is not a valid handle name"),
                "use a snake_case name, e.g. \"server\" for client.server(id)",
            );
            return None;
        }
        let clash = earlier.iter().any(|e| &e.name == name)
            || ops.iter().any(|op| op.name.split('.').next() == Some(name.as_str()));
        if clash {
            self.error(
                h.name.span(),
                format!("{what} clashes with another handle, operation or namespace of the client"),
                "give the handle its own name",
            );
            return None;
        }
        self.doc(&h.doc, &what);
        let id = h.id.get_ref();
        let mut methods: Vec<ir::HandleMethod> = Vec::new();
        for m in &h.methods {
            let m = m.get_ref();
            let (method, op_name) = (m.name.get_ref(), m.operation.get_ref());
            if !is_snake_ident(method)
                || method == "id"
                || method.starts_with("wait_for")
                || methods.iter().any(|m| &m.name == method)
            {
                self.error(m.name.span(), format!("{what}: method name '{method}' is not usable"), "use a snake_case name that is unique in the handle (not 'id' or 'wait_for...')");
                continue;
            }
            match ops.iter().find(|op| &op.name == op_name) {
                None => self.error(
                    m.operation.span(),
                    format!("{what}: unknown operation '{op_name}'"),
                    "name an operation of this provider",
                ),
                Some(op)
                    if !op
                        .params
                        .iter()
                        .any(|p| &p.name == id && p.required && p.ty == Ty::String) =>
                {
                    self.error(
                        m.operation.span(),
                        format!(
                            "{what}: operation '{op_name}' has no required string parameter '{id}'"
                        ),
                        "a handle's methods call operations that take its id",
                    )
                }
                Some(_) => methods
                    .push(ir::HandleMethod { name: method.clone(), operation: op_name.clone() }),
            }
        }
        let wait = match &h.wait {
            Some(w) => Some(self.wait(w.get_ref(), id, ops, models, &what)?),
            None => None,
        };
        Some(ir::ResourceHandle {
            name: name.clone(),
            doc: h.doc.get_ref().clone(),
            id: id.clone(),
            methods,
            wait,
        })
    }

    fn wait(
        &mut self,
        w: &spec::WaitEntry,
        id: &str,
        ops: &[&ir::Operation],
        models: &[ir::Model],
        what: &str,
    ) -> Option<ir::WaitSpec> {
        let op_name = w.operation.get_ref();
        let Some(op) = ops.iter().find(|op| &op.name == op_name) else {
            self.error(
                w.operation.span(),
                format!("{what}: unknown operation '{op_name}' to poll"),
                "name an operation of this provider that returns the resource",
            );
            return None;
        };
        if !op.params.iter().any(|p| p.name == id && p.required)
            || op.params.iter().filter(|p| p.required).count() != 1
        {
            self.error(w.operation.span(), format!("{what}: the polled operation '{op_name}' must take the id '{id}' as its only required argument"), "poll the operation that fetches the resource (or its status) by id");
            return None;
        }
        // walk the state path through the answer's models
        let mut path = Vec::new();
        let mut ty = op.returns.clone();
        for segment in w.state.get_ref().split('.') {
            let model = match &ty {
                Some(Ty::Model(name)) => models.iter().find(|m| &m.name == name),
                _ => None,
            };
            let field = model.and_then(|m| m.fields.iter().find(|f| f.rust == segment));
            path.extend(
                field.map(|f| ir::StateStep { field: f.rust.clone(), required: f.required }),
            );
            ty = field.map(|f| f.ty.clone());
            if ty.is_none() {
                self.error(w.state.span(), format!("{what}: the answer of '{op_name}' has no field '{segment}' on the way to the state"), "write the path with Rust field names, e.g. \"status.state\"");
                return None;
            }
        }
        if !matches!(ty, Some(Ty::String | Ty::Enum(_))) {
            self.error(
                w.state.span(),
                format!("{what}: the state '{}' is not a string or enum", w.state.get_ref()),
                "point at the field that holds the state's name",
            );
            return None;
        }
        if w.done.get_ref().is_empty() {
            self.error(
                w.done.span(),
                format!("{what}: no state ends the wait"),
                "list the states that mean done, e.g. [\"ACTIVE\"]",
            );
        }
        let seconds = |at: &mut Self, value: &Spanned<i64>, key: &str| match u64::try_from(
            *value.get_ref(),
        ) {
            Ok(n) if n > 0 => Some(n),
            _ => {
                at.error(
                    value.span(),
                    format!("{what}: '{key}' must be a positive number of seconds"),
                    "e.g. interval = 5",
                );
                None
            }
        };
        let interval_secs = seconds(self, &w.interval, "interval")?;
        let timeout_secs = seconds(self, &w.timeout, "timeout")?;
        Some(ir::WaitSpec {
            operation: op_name.clone(),
            state: path,
            done: w.done.get_ref().clone(),
            failed: w.failed.clone(),
            interval_secs,
            timeout_secs,
        })
    }

    /// One deviation per parameter it names (or one for the whole operation).
    fn deviation(&mut self, entry: &Spanned<spec::DeviationEntry>) -> Vec<ir::Deviation> {
        let d = entry.get_ref();
        if d.reason.get_ref().trim().is_empty() {
            self.error(
                d.reason.span(),
                format!("the deviation for '{}' gives no reason", d.operation.get_ref()),
                "say why the spec differs from the source (an erratum, a removed method, ...)",
            );
            return Vec::new();
        }
        let parameters: Vec<Option<String>> = match (&d.parameter, &d.parameters) {
            (Some(_), Some(list)) => {
                self.error(
                    list.span(),
                    "a deviation names either `parameter` or `parameters`, not both",
                    "move the single parameter into the list",
                );
                return Vec::new();
            }
            (None, Some(list)) if list.get_ref().is_empty() => {
                self.error(
                    list.span(),
                    "`parameters` is empty",
                    "list the parameters, or leave the key out to cover the whole operation",
                );
                return Vec::new();
            }
            (None, Some(list)) => list.get_ref().iter().cloned().map(Some).collect(),
            (parameter, None) => vec![parameter.clone()],
        };
        let place = self.file.error(d.operation.span(), "", None);
        let place = format!("{}:{}:{}", place.file, place.line, place.column);
        parameters
            .into_iter()
            .map(|parameter| ir::Deviation {
                operation: d.operation.get_ref().clone(),
                parameter,
                reason: d.reason.get_ref().trim().to_owned(),
                place: place.clone(),
            })
            .collect()
    }

    fn enumeration(&mut self, entry: &Spanned<spec::EnumEntry>) -> Option<ir::Enum> {
        let e = entry.get_ref();
        if e.values.is_empty() {
            self.error(
                e.name.span(),
                format!("enum '{}' has no values", e.name.get_ref()),
                "list its values, each with a doc",
            );
        }
        let mut values = Vec::new();
        let mut seen_rust = BTreeSet::new();
        for v in &e.values {
            let v = v.get_ref();
            let rust = match &v.rust {
                Some(r) => r.get_ref().clone(),
                None => v.value.get_ref().to_upper_camel_case(),
            };
            let span = v.rust.as_ref().map_or(v.value.span(), |r| r.span());
            if !is_camel_ident(&rust) || rust == "Unknown" {
                self.error(
                    span,
                    format!(
                        "enum value '{}' gives the variant name '{rust}', which is not usable",
                        v.value.get_ref()
                    ),
                    "add rust = \"SomeName\" (UpperCamelCase, not 'Unknown')",
                );
            } else if !seen_rust.insert(rust.clone()) {
                self.error(
                    span,
                    format!(
                        "enum value '{}' gives the variant name '{rust}' twice",
                        v.value.get_ref()
                    ),
                    "add rust = \"...\" to tell the values apart",
                );
            }
            self.doc(
                &Spanned::new(v.value.span(), v.doc.clone()),
                &format!("enum value '{}'", v.value.get_ref()),
            );
            values.push(ir::EnumValue {
                value: v.value.get_ref().clone(),
                rust,
                doc: v.doc.clone(),
            });
        }
        self.doc(&e.doc, &format!("enum '{}'", e.name.get_ref()));
        Some(ir::Enum {
            name: e.name.get_ref().clone(),
            group: String::new(),
            doc: e.doc.get_ref().clone(),
            values,
        })
    }

    fn model(&mut self, entry: &Spanned<spec::ModelEntry>, names: &TypeNames) -> Option<ir::Model> {
        let m = entry.get_ref();
        let what = format!("model '{}'", m.name.get_ref());
        self.doc(&m.doc, &what);
        let mut fields = Vec::new();
        let mut rust_names = BTreeSet::new();
        let mut wire_paths: Vec<Vec<String>> = Vec::new();
        for f in &m.fields {
            let f = f.get_ref();
            let wire: Vec<String> = f.name.get_ref().split('.').map(str::to_owned).collect();
            if wire.iter().any(String::is_empty) {
                self.error(
                    f.name.span(),
                    format!("field name '{}' has an empty part", f.name.get_ref()),
                    "write dotted names like \"properties.name\"",
                );
                continue;
            }
            for key in [
                ("wire", f.wire.as_ref().map(|s| s.span())),
                ("in", f.location.as_ref().map(|s| s.span())),
                ("default", f.default.as_ref().map(|s| s.span())),
                ("allow_slash", f.allow_slash.as_ref().map(|s| s.span())),
                ("flatten", f.flatten.as_ref().map(|s| s.span())),
                ("nullable", f.nullable.as_ref().map(|s| s.span())),
            ] {
                if let (name, Some(span)) = key {
                    self.error(
                        span,
                        format!("'{name}' is only for operation parameters, not model fields"),
                        "remove it (a field's wire name is its `name`)",
                    );
                }
            }
            let rust = match &f.rust {
                Some(r) => r.get_ref().clone(),
                None => wire.last().map(|w| w.to_snake_case()).unwrap_or_default(),
            };
            let rust_span = f.rust.as_ref().map_or(f.name.span(), |r| r.span());
            if !is_snake_ident(&rust) || NOT_RAW_IDENTS.contains(&rust.as_str()) {
                self.error(
                    rust_span,
                    format!(
                        "field '{}' gets the Rust name '{rust}', which is not a usable identifier",
                        f.name.get_ref()
                    ),
                    "add rust = \"some_name\" (snake_case)",
                );
                continue;
            }
            if !rust_names.insert(rust.clone()) {
                self.error(
                    rust_span,
                    format!("two fields of {what} have the Rust name '{rust}'"),
                    "add rust = \"...\" to one of them",
                );
                continue;
            }
            // two list fields may share a wire path: their items go into one list
            let shares_a_list = |p: &Vec<String>| {
                *p == wire
                    && f.ty.get_ref().starts_with("list<")
                    && m.fields.iter().any(|o| {
                        o.get_ref().name.get_ref().split('.').eq(p.iter().map(String::as_str))
                            && o.get_ref().ty.get_ref().starts_with("list<")
                    })
            };
            if let Some(clash) = wire_paths
                .iter()
                .find(|p| (p.starts_with(&wire) || wire.starts_with(p)) && !shares_a_list(p))
            {
                self.error(
                    f.name.span(),
                    format!("field '{}' overlaps field '{}'", f.name.get_ref(), clash.join(".")),
                    "a wire name may not be a prefix of another",
                );
                continue;
            }
            wire_paths.push(wire.clone());
            let label = format!("field '{}' of {what}", f.name.get_ref());
            let Some(ty) = self.ty(&f.ty, names, &label) else { continue };
            self.doc(&f.doc, &label);
            let constraints = self.constraints(f, &ty, &label);
            let secret = is_secret(f, &rust);
            fields.push(ir::Field {
                wire,
                rust,
                ty,
                required: f.required,
                doc: f.doc.get_ref().clone(),
                deprecated: f.deprecated.clone(),
                constraints,
                secret,
            });
        }
        let known: Vec<&str> = fields.iter().map(|f| f.rust.as_str()).collect();
        let at_least_one_of = self.groups(&m.at_least_one_of, &known, &what);
        let at_most_one_of = self.groups(&m.at_most_one_of, &known, &what);
        let members: Vec<(&str, &Ty)> = fields.iter().map(|f| (f.rust.as_str(), &f.ty)).collect();
        let requires = self.requirements(&m.requires, &members, &what);
        let nested = fields.iter().any(|f| f.wire.len() > 1);
        Some(ir::Model {
            group: String::new(),
            name: m.name.get_ref().clone(),
            doc: m.doc.get_ref().clone(),
            fields,
            at_least_one_of,
            at_most_one_of,
            requires,
            nested,
            input: false,
            output: false,
            checked: false,
        })
    }

    fn operation(
        &mut self,
        entry: &Spanned<spec::OperationEntry>,
        names: &TypeNames,
        transport: ir::Transport,
    ) -> Option<ir::Operation> {
        let o = entry.get_ref();
        let name = o.name.get_ref();
        let what = format!("operation '{name}'");
        let parts: Vec<&str> = name.split('.').collect();
        if parts.iter().any(|p| !is_snake_ident(p) || NOT_RAW_IDENTS.contains(p))
            || (transport == ir::Transport::Rest && parts.len() > 1)
        {
            let help = if transport == ir::Transport::Rest {
                "use the source's method name in snake_case, e.g. \"list_datacenters\""
            } else {
                "use the source's dotted method name, e.g. \"dns.zone_info\""
            };
            self.error(o.name.span(), format!("'{name}' is not a valid operation name"), help);
            return None;
        }
        self.doc(&o.doc, &what);
        let success = match &o.success {
            Some(list) => self.statuses(list),
            None => Vec::new(),
        };
        let handle = match o.handle.as_ref().map(|h| (h.span(), h.get_ref().as_str())) {
            None => ir::Handle::None,
            Some((_, "request")) => ir::Handle::Request,
            Some((_, "job")) => ir::Handle::Job,
            Some((span, other)) => {
                self.error(span, format!("unknown handle '{other}'"), "expected \"request\" (hand back the request id) or \"job\" (the value is a job)");
                ir::Handle::None
            }
        };
        let returns = match &o.returns {
            Some(r) => Some(self.ty(r, names, &what)?),
            None => None,
        };
        if handle == ir::Handle::Job && !matches!(returns, Some(Ty::Model(_))) {
            self.error(
                o.handle.as_ref().map_or(o.name.span(), |h| h.span()),
                format!("{what} hands back a job but returns no model"),
                "set returns = \"Job\" (the job model)",
            );
        }

        let mut params = Vec::new();
        let mut seen = BTreeSet::new();
        for p in &o.param {
            let label = format!("parameter '{}' of {what}", p.get_ref().name.get_ref());
            if let Some(param) = self.param(p.get_ref(), names, transport, &label) {
                if !seen.insert(param.name.clone()) {
                    self.error(
                        p.get_ref().name.span(),
                        format!("{what} has two parameters named '{}'", param.name),
                        "rename one of them",
                    );
                    continue;
                }
                params.push(param);
            }
        }

        let http = match transport {
            ir::Transport::Memset => {
                for (key, span) in [
                    ("method", o.method.as_ref().map(|s| s.span())),
                    ("path", o.path.as_ref().map(|s| s.span())),
                    ("body", o.body.as_ref().map(|s| s.span())),
                ] {
                    if let Some(span) = span {
                        self.error(
                            span,
                            format!("'{key}' is not used with transport \"memset\""),
                            "remove it: a Memset call is POST <base>/<operation name>",
                        );
                    }
                }
                ir::Http::Memset
            }
            ir::Transport::Rest => self.rest(o, &params, &what)?,
        };

        let known: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        let at_least_one_of = self.groups(&o.at_least_one_of, &known, &what);
        let at_most_one_of = self.groups(&o.at_most_one_of, &known, &what);
        let members: Vec<(&str, &Ty)> = params.iter().map(|p| (p.name.as_str(), &p.ty)).collect();
        let requires = self.requirements(&o.requires, &members, &what);
        Some(ir::Operation {
            name: name.clone(),
            namespace: parts[..parts.len() - 1].iter().map(|s| (*s).to_owned()).collect(),
            method_name: parts[parts.len() - 1].to_owned(),
            source: o.source.clone(),
            doc: o.doc.get_ref().clone(),
            notes: o.notes.clone(),
            warning: o.warning.clone(),
            deprecated: o.deprecated.clone(),
            http,
            returns,
            success,
            handle,
            params,
            at_least_one_of,
            at_most_one_of,
            requires,
            raises: o.raises.as_ref().map(|r| r.get_ref().clone()).unwrap_or_default(),
            idempotent: false,
            group: String::new(),
            answer: ir::Answer::Nothing,
            paging: None,
        })
    }

    fn rest(
        &mut self,
        o: &spec::OperationEntry,
        params: &[ir::Param],
        what: &str,
    ) -> Option<ir::Http> {
        let (Some(method), Some(path)) = (&o.method, &o.path) else {
            self.error(
                o.name.span(),
                format!("{what} needs a method and a path"),
                "add method = \"GET\" and path = \"/things/{thing_id}\"",
            );
            return None;
        };
        let verb = method.get_ref().to_ascii_uppercase();
        if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&verb.as_str())
            || &verb != method.get_ref()
        {
            self.error(
                method.span(),
                format!("unknown HTTP method '{}'", method.get_ref()),
                "expected one of GET, POST, PUT, PATCH, DELETE (upper case)",
            );
        }
        let parts = self.path(path)?;
        let in_path: BTreeSet<&str> = parts
            .iter()
            .filter_map(|p| if let ir::PathPart::Param(n) = p { Some(n.as_str()) } else { None })
            .collect();
        for name in &in_path {
            if !params.iter().any(|p| p.name == *name && p.location == Location::Path) {
                self.error(
                    path.span(),
                    format!("path segment '{{{name}}}' has no path parameter"),
                    format!(
                        "add a parameter with name = \"{name}\", in = \"path\", required = true"
                    ),
                );
            }
        }
        for p in params.iter().filter(|p| p.location == Location::Path) {
            if !in_path.contains(p.name.as_str()) {
                self.error(
                    path.span(),
                    format!("path parameter '{}' does not appear in the path", p.name),
                    format!("put {{{}}} in the path, or change its `in`", p.name),
                );
            }
        }
        let has_form = params.iter().any(|p| p.location == Location::Form);
        let body = match o.body.as_ref().map(|b| (b.span(), b.get_ref().as_str())) {
            None if has_form => ir::BodyEncoding::Form,
            None | Some((_, "json")) => ir::BodyEncoding::Json,
            Some((_, "form")) => ir::BodyEncoding::Form,
            Some((span, other)) => {
                self.error(
                    span,
                    format!("unknown body encoding '{other}'"),
                    "expected \"json\" or \"form\"",
                );
                ir::BodyEncoding::Json
            }
        };
        if has_form && body == ir::BodyEncoding::Json && o.body.is_some() {
            self.error(
                o.body.as_ref().map_or(0..0, |b| b.span()),
                format!("{what} has form parameters but a JSON body"),
                "use body = \"form\", or put the parameters in = \"body\"",
            );
        }
        if body == ir::BodyEncoding::Form {
            for p in params.iter().filter(|p| matches!(p.location, Location::Body | Location::Form))
            {
                if !is_scalar(&p.ty) || p.wire.len() > 1 || p.flatten {
                    self.error(o.name.span(), format!("form parameter '{}' of {what} must be a plain string, number, boolean or enum", p.name), "form bodies are flat: use a JSON body for structured values");
                }
            }
        }
        let flattened = params.iter().filter(|p| p.flatten).count();
        if flattened > 1 {
            self.error(
                o.name.span(),
                format!("{what} flattens more than one model into its body"),
                "flatten one model and make the others its fields",
            );
        }
        Some(ir::Http::Rest { method: verb, path: parts, body })
    }

    fn path(&mut self, path: &Spanned<String>) -> Option<Vec<ir::PathPart>> {
        let text = path.get_ref();
        if !text.starts_with('/') {
            self.error(
                path.span(),
                format!("path '{text}' does not start with '/'"),
                "paths are relative to the base URL and start with '/'",
            );
            return None;
        }
        let mut parts = Vec::new();
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.error(
                    path.span(),
                    format!("path '{text}' has a '{{' without '}}'"),
                    "close every {parameter}",
                );
                return None;
            };
            if open > 0 {
                parts.push(ir::PathPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            if !is_snake_ident(name) {
                self.error(
                    path.span(),
                    format!("path '{text}' names an invalid parameter '{{{name}}}'"),
                    "path parameters are snake_case names, e.g. {datacenter_id}",
                );
                return None;
            }
            parts.push(ir::PathPart::Param(name.to_owned()));
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            self.error(
                path.span(),
                format!("path '{text}' has a '}}' without '{{'"),
                "open every {parameter}",
            );
            return None;
        }
        if !rest.is_empty() {
            parts.push(ir::PathPart::Literal(rest.to_owned()));
        }
        Some(parts)
    }

    fn param(
        &mut self,
        p: &MemberEntry,
        names: &TypeNames,
        transport: ir::Transport,
        label: &str,
    ) -> Option<ir::Param> {
        let name = p.name.get_ref();
        if !is_snake_ident(name) || NOT_RAW_IDENTS.contains(&name.as_str()) {
            self.error(
                p.name.span(),
                format!("parameter name '{name}' is not a snake_case identifier"),
                format!(
                    "use the source's argument name in snake_case, e.g. '{}'",
                    name.to_snake_case()
                ),
            );
            return None;
        }
        if let Some(rust) = &p.rust {
            self.error(
                rust.span(),
                "'rust' is only for model fields",
                "a parameter's Rust name is its `name`; set the wire name with `wire`",
            );
        }
        let default_location = if transport == ir::Transport::Memset { "named" } else { "query" };
        let location_text = p.location.as_ref().map_or(default_location, |l| l.get_ref().as_str());
        let location_span = p.location.as_ref().map_or(p.name.span(), |l| l.span());
        let location = match (location_text, transport) {
            ("path", ir::Transport::Rest) => Location::Path,
            ("query", ir::Transport::Rest) => Location::Query,
            ("body", ir::Transport::Rest) => Location::Body,
            ("form", ir::Transport::Rest) => Location::Form,
            ("named", ir::Transport::Memset) => Location::Named,
            (other, ir::Transport::Rest) => {
                self.error(
                    location_span,
                    format!("{label}: unknown location '{other}'"),
                    "expected one of path, query, body, form",
                );
                return None;
            }
            (other, ir::Transport::Memset) => {
                self.error(
                    location_span,
                    format!("{label}: location '{other}' is not used with transport \"memset\""),
                    "Memset parameters are all in = \"named\" (the default)",
                );
                return None;
            }
        };
        let wire_text = p.wire.as_ref().map_or(name.as_str(), |w| w.get_ref().as_str());
        let wire: Vec<String> = wire_text.split('.').map(str::to_owned).collect();
        let wire_span = p.wire.as_ref().map_or(p.name.span(), |w| w.span());
        if wire.iter().any(String::is_empty) || (wire.len() > 1 && location != Location::Body) {
            self.error(
                wire_span,
                format!("{label}: wire name '{wire_text}' is not usable here"),
                "only body parameters may use a dotted path, and no part may be empty",
            );
        }
        let ty = self.ty(&p.ty, names, label)?;
        self.doc(&p.doc, label);
        if location == Location::Path && !p.required {
            self.error(
                p.name.span(),
                format!("{label} is in the path but not required"),
                "add required = true",
            );
        }
        if matches!(location, Location::Path | Location::Query | Location::Form) && !is_scalar(&ty)
        {
            self.error(p.ty.span(), format!("{label}: a {location_text} parameter must be a string, number, boolean or enum"), "send structured values in the body");
        }
        let allow_slash = p.allow_slash.as_ref().is_some_and(|s| *s.get_ref());
        if let Some(s) = &p.allow_slash {
            if location != Location::Path || ty != Ty::String {
                self.error(
                    s.span(),
                    format!("{label}: allow_slash is only for string path parameters"),
                    "remove it",
                );
            }
        }
        let flatten = p.flatten.as_ref().is_some_and(|s| *s.get_ref());
        if let Some(s) = &p.flatten {
            if location != Location::Body || !matches!(ty, Ty::Model(_)) || !p.required {
                self.error(
                    s.span(),
                    format!(
                        "{label}: only a required body parameter of a model type can be flattened"
                    ),
                    "remove flatten, or make the parameter a required body model",
                );
            }
        }
        let nullable = p.nullable.as_ref().is_some_and(|s| *s.get_ref());
        if let Some(s) = &p.nullable {
            if location != Location::Body
                || p.required
                || p.flatten.is_some()
                || transport != ir::Transport::Rest
            {
                self.error(
                    s.span(),
                    format!("{label}: only an optional JSON body parameter can be nullable"),
                    "remove nullable, or make it an optional body parameter",
                );
            }
        }
        let default = match &p.default {
            Some(value) => {
                if p.required {
                    self.error(
                        value.span(),
                        format!("{label} is required, so its default is never used"),
                        "remove the default or the required flag",
                    );
                }
                self.literal(value, &ty, label)
            }
            None => None,
        };
        let constraints = self.constraints(p, &ty, label);
        let secret = is_secret(p, name);
        Some(ir::Param {
            name: name.clone(),
            wire,
            location,
            ty,
            required: p.required,
            default,
            allow_slash,
            flatten,
            nullable,
            doc: p.doc.get_ref().clone(),
            deprecated: p.deprecated.clone(),
            constraints,
            secret,
        })
    }

    fn literal(&mut self, value: &Spanned<toml::Value>, ty: &Ty, label: &str) -> Option<Literal> {
        let literal = match (ty, value.get_ref()) {
            (Ty::String, toml::Value::String(s)) => Literal::String(s.clone()),
            (Ty::Integer, toml::Value::Integer(i)) => Literal::Integer(*i),
            (Ty::Number, toml::Value::Integer(i)) => Literal::Number(*i as f64),
            (Ty::Number, toml::Value::Float(f)) => Literal::Number(*f),
            (Ty::Boolean, toml::Value::Boolean(b)) => Literal::Boolean(*b),
            (Ty::Enum(e), toml::Value::String(s)) => Literal::Enum(e.clone(), s.clone()),
            (ty, other) => {
                self.error(value.span(), format!("{label}: a default of type {} does not fit the type {}", other.type_str(), ty), "give a default of the parameter's type (only strings, numbers, booleans and enum values can be defaults)");
                return None;
            }
        };
        Some(literal)
    }

    fn constraints(&mut self, m: &MemberEntry, ty: &Ty, label: &str) -> Constraints {
        let item = match ty {
            Ty::List(inner) => inner.as_ref(),
            other => other,
        };
        let numeric = matches!(ty, Ty::Integer | Ty::Number);
        let stringy = *item == Ty::String;
        let mut c = Constraints::default();
        let misplaced = |at: &mut Self, key: &str, span: Range<usize>, fits: &str| {
            at.error(
                span,
                format!("{label}: '{key}' does not apply to type {}", ty),
                format!("'{key}' applies to {fits}"),
            );
        };
        for (key, bound, slot) in [("min", &m.min, &mut c.min), ("max", &m.max, &mut c.max)] {
            let Some(b) = bound else { continue };
            if !numeric {
                misplaced(self, key, b.span(), "integer and number");
                continue;
            }
            *slot = match (ty, b.get_ref()) {
                (Ty::Integer, toml::Value::Integer(i)) => Some(Bound::Integer(*i)),
                (Ty::Number, toml::Value::Integer(i)) => Some(Bound::Number(*i as f64)),
                (Ty::Number, toml::Value::Float(f)) => Some(Bound::Number(*f)),
                (_, other) => {
                    self.error(
                        b.span(),
                        format!(
                            "{label}: '{key}' must be a number of the parameter's type, not a {}",
                            other.type_str()
                        ),
                        "write an integer bound for an integer, e.g. min = 1",
                    );
                    None
                }
            };
        }
        if let (Some(Bound::Integer(lo)), Some(Bound::Integer(hi))) = (c.min, c.max) {
            if lo > hi {
                self.error(
                    m.min.as_ref().map_or(0..0, |s| s.span()),
                    format!("{label}: min {lo} is above max {hi}"),
                    "swap them",
                );
            }
        }
        if let Some(n) = &m.multiple_of {
            if *ty != Ty::Integer {
                misplaced(self, "multiple_of", n.span(), "integer");
            } else if *n.get_ref() <= 0 {
                self.error(
                    n.span(),
                    format!("{label}: multiple_of must be positive"),
                    "e.g. multiple_of = 256",
                );
            } else {
                c.multiple_of = Some(*n.get_ref());
            }
        }
        for (key, value, slot) in [
            ("min_length", &m.min_length, &mut c.min_length),
            ("max_length", &m.max_length, &mut c.max_length),
        ] {
            let Some(v) = value else { continue };
            if !stringy {
                misplaced(self, key, v.span(), "string and list<string>");
            } else {
                *slot = self.count(v, label, key);
            }
        }
        for (key, value, slot) in [
            ("min_items", &m.min_items, &mut c.min_items),
            ("max_items", &m.max_items, &mut c.max_items),
        ] {
            let Some(v) = value else { continue };
            if !matches!(ty, Ty::List(_)) {
                misplaced(self, key, v.span(), "lists");
            } else {
                *slot = self.count(v, label, key);
            }
        }
        for (key, value, slot) in [
            ("chars", &m.chars, &mut c.chars),
            ("forbidden_chars", &m.forbidden_chars, &mut c.forbidden_chars),
        ] {
            let Some(v) = value else { continue };
            if !stringy {
                misplaced(self, key, v.span(), "string and list<string>");
            } else if v.get_ref().is_empty() {
                self.error(
                    v.span(),
                    format!("{label}: '{key}' is empty"),
                    "list the characters, e.g. \"A-Za-z0-9._-\"",
                );
            } else {
                *slot = Some(v.get_ref().clone());
            }
        }
        if let Some(v) = &m.values {
            // on an enum, `values` narrows the enum to the ones this member accepts
            let strings: Option<Vec<String>> =
                v.get_ref().iter().map(|x| x.as_str().map(str::to_owned)).collect();
            let integers: Option<Vec<i64>> =
                v.get_ref().iter().map(toml::Value::as_integer).collect();
            if v.get_ref().is_empty() {
                self.error(
                    v.span(),
                    format!("{label}: 'values' is empty"),
                    "list the allowed values",
                );
            } else if *item == Ty::Integer {
                match integers {
                    Some(list) => c.int_values = list,
                    None => self.error(
                        v.span(),
                        format!("{label}: the values of an integer must be integers"),
                        "write them without quotes, e.g. values = [1, 3, 6, 12]",
                    ),
                }
            } else if !stringy && !matches!(item, Ty::Enum(_)) {
                self.error(
                    v.span(),
                    format!("{label}: 'values' does not apply to type {}", ty),
                    "'values' applies to strings, integers, enums and lists of them",
                );
            } else {
                match strings {
                    Some(list) => c.values = list,
                    None => self.error(
                        v.span(),
                        format!("{label}: the values of a {} must be strings", item),
                        "quote them, e.g. values = [\"LIVE\", \"CANCELLED\"]",
                    ),
                }
            }
        }
        c
    }

    fn requirements(
        &mut self,
        entries: &[Spanned<spec::RequiresEntry>],
        members: &[(&str, &Ty)],
        what: &str,
    ) -> Vec<ir::Requirement> {
        let names: Vec<&str> = members.iter().map(|(n, _)| *n).collect();
        let mut out = Vec::new();
        for entry in entries {
            let r = entry.get_ref();
            let Some((_, ty)) = members.iter().find(|(n, _)| *n == r.when.get_ref()) else {
                self.error(
                    r.when.span(),
                    format!("{what}: 'requires' names an unknown member '{}'", r.when.get_ref()),
                    format!("use one of: {}", names.join(", ")),
                );
                continue;
            };
            let unknown: Vec<&String> =
                r.then.get_ref().iter().filter(|n| !names.contains(&n.as_str())).collect();
            if r.then.get_ref().is_empty() || !unknown.is_empty() {
                self.error(
                    r.then.span(),
                    format!(
                        "{what}: 'then' must list members of it (unknown: {})",
                        unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                    format!("use some of: {}", names.join(", ")),
                );
                continue;
            }
            let equals = match &r.equals {
                Some(value)
                    if matches!(ty, Ty::Boolean | Ty::String | Ty::Integer | Ty::Enum(_)) =>
                {
                    self.literal(value, ty, what)
                }
                Some(value) => {
                    self.error(
                        value.span(),
                        format!("{what}: 'equals' cannot compare a {}", ty),
                        "compare a boolean, string, integer or enum member",
                    );
                    continue;
                }
                None => None,
            };
            if r.equals.is_some() && equals.is_none() {
                continue;
            }
            out.push(ir::Requirement {
                when: r.when.get_ref().clone(),
                equals,
                then: r.then.get_ref().clone(),
            });
        }
        out
    }

    fn count(&mut self, value: &Spanned<i64>, label: &str, key: &str) -> Option<usize> {
        match usize::try_from(*value.get_ref()) {
            Ok(n) => Some(n),
            Err(_) => {
                self.error(
                    value.span(),
                    format!("{label}: '{key}' cannot be negative"),
                    "use 0 or more",
                );
                None
            }
        }
    }

    fn groups(
        &mut self,
        groups: &[Spanned<Vec<String>>],
        known: &[&str],
        what: &str,
    ) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for group in groups {
            let mut ok = group.get_ref().len() >= 2;
            if !ok {
                self.error(
                    group.span(),
                    format!("{what}: a one-of group needs at least two names"),
                    "list two or more parameter or field names",
                );
            }
            for name in group.get_ref() {
                if !known.contains(&name.as_str()) {
                    ok = false;
                    self.error(
                        group.span(),
                        format!("{what}: '{name}' in a one-of group is not one of its names"),
                        format!("use one of: {}", known.join(", ")),
                    );
                }
            }
            if ok {
                out.push(group.get_ref().clone());
            }
        }
        out
    }

    fn ty(&mut self, text: &Spanned<String>, names: &TypeNames, label: &str) -> Option<Ty> {
        match types::parse(text.get_ref()) {
            Err(message) => {
                self.error(
                    text.span(),
                    format!("{label}: {message}"),
                    "write types like string, list<Server>, map<integer>",
                );
                None
            }
            Ok(expr) => self.resolve(&expr, text, names, label),
        }
    }

    fn resolve(
        &mut self,
        expr: &TypeExpr,
        text: &Spanned<String>,
        names: &TypeNames,
        label: &str,
    ) -> Option<Ty> {
        Some(match expr {
            TypeExpr::List(inner) => Ty::List(Box::new(self.resolve(inner, text, names, label)?)),
            TypeExpr::Map(inner) => Ty::Map(Box::new(self.resolve(inner, text, names, label)?)),
            TypeExpr::Name(name) => match types::builtin(name) {
                Some(ty) => ty,
                None if names.models.contains(name) => Ty::Model(name.clone()),
                None if names.enums.contains(name) => Ty::Enum(name.clone()),
                None => {
                    let known: Vec<&str> = types::BUILTINS
                        .iter()
                        .copied()
                        .chain(names.models.iter().map(String::as_str))
                        .chain(names.enums.iter().map(String::as_str))
                        .collect();
                    let help = match closest(name, &known) {
                        Some(guess) => format!("did you mean '{guess}'? Types are {}, list<T>, map<T>, or a model or enum name", types::BUILTINS.join(", ")),
                        None => format!("expected one of {}, list<T>, map<T>, or a model or enum name", types::BUILTINS.join(", ")),
                    };
                    self.error(text.span(), format!("{label}: unknown type '{name}'"), help);
                    return None;
                }
            },
        })
    }

    fn doc(&mut self, doc: &Spanned<String>, what: &str) {
        if doc.get_ref().trim().is_empty() {
            self.error(
                doc.span(),
                format!("{what} has an empty doc"),
                "say what it is, in a sentence of your own words",
            );
        }
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
