//! The provider file: its header, the idempotent names, the type names and the checks that
//! span files.

use super::*;

impl Checker {
    pub(super) fn provider_section(
        &mut self,
        file: &SourceFile,
        raw: &spec::ProviderFile,
    ) -> ir::Provider {
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
            let category = kind.category.as_ref().and_then(|category| {
                let known = match category.get_ref().as_str() {
                    "not_found" => Some("NotFound"),
                    "rate_limited" => Some("RateLimited"),
                    "unauthorized" => Some("Unauthorized"),
                    _ => None,
                };
                if known.is_none() {
                    at.error(
                        category.span(),
                        format!("unknown error category '{}'", category.get_ref()),
                        "expected \"not_found\", \"rate_limited\" or \"unauthorized\"",
                    );
                }
                known
            });
            kinds.push(ir::ErrorKind {
                name: name.clone(),
                doc: kind.doc.clone(),
                status,
                code: kind.code.clone(),
                error_type: kind.error_type.clone(),
                category,
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
    pub(super) fn idempotent_names(
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

    pub(super) fn type_names(&mut self, groups: &[(&SourceFile, spec::GroupFile)]) -> TypeNames {
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

    pub(super) fn cross_checks(
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
        self.read_first_checks(operations, models, groups);
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

impl Checker {
    /// A change that reads first needs a GET at the same path, and must not also let the
    /// caller set what it copies from the current object.
    fn read_first_checks(
        &mut self,
        operations: &[(&SourceFile, Range<usize>, ir::Operation)],
        models: &[ir::Model],
        groups: &[(&SourceFile, spec::GroupFile)],
    ) {
        let shape = |op: &ir::Operation| match &op.http {
            ir::Http::Rest { method, path, .. } => Some((
                method.clone(),
                path.iter()
                    .map(|p| match p {
                        ir::PathPart::Literal(text) => text.clone(),
                        ir::PathPart::Param(_) => "{}".to_owned(),
                    })
                    .collect::<Vec<_>>(),
            )),
            ir::Http::Memset => None,
        };
        for (file, _, op) in operations {
            let Some(read) = &op.read_first else { continue };
            let span = groups
                .iter()
                .filter(|(f, _)| f.name == file.name)
                .flat_map(|(_, g)| g.operation.iter())
                .find(|o| o.get_ref().name.get_ref() == &op.name)
                .and_then(|o| o.get_ref().read_first.as_ref().map(|r| r.span()))
                .unwrap_or(0..0);
            let path = shape(op).map(|(_, path)| path);
            let readable = operations.iter().any(|(_, _, other)| {
                shape(other).is_some_and(|(m, p)| m == "GET" && Some(p) == path)
            });
            if !readable {
                self.at(file).error(
                    span.clone(),
                    format!(
                        "operation '{}' reads first, but no GET operation has its path",
                        op.name
                    ),
                    "add the GET operation for the same path, or remove [operation.read_first]",
                );
            }
            let model = op.params.iter().find(|p| p.name == read.param).and_then(|p| match &p.ty {
                Ty::Model(name) => models.iter().find(|m| &m.name == name),
                _ => None,
            });
            for member in &read.members {
                if model.is_some_and(|m| m.fields.iter().any(|f| f.wire.first() == Some(member))) {
                    self.at(file).error(span.clone(), format!("operation '{}' copies '{member}' from the current object, but the caller can also set it", op.name), format!("remove the field '{member}' from the parameter's model: what is read first cannot change"));
                }
            }
        }
    }
}
