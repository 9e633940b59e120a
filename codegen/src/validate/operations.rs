//! Operations: their wire form (method, path, body) and parameters.

use super::*;

impl At<'_> {
    pub(super) fn operation(
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
            Some((_, "job_when_changed")) => ir::Handle::JobWhenChanged,
            Some((span, other)) => {
                self.error(span, format!("unknown handle '{other}'"), "expected \"request\" (hand back the request id), \"job\" (the value is a job) or \"job_when_changed\" (a job only when something changes)");
                ir::Handle::None
            }
        };
        let returns = match &o.returns {
            Some(r) => Some(self.ty(r, names, &what)?),
            None => None,
        };
        if matches!(handle, ir::Handle::Job | ir::Handle::JobWhenChanged)
            && !matches!(returns, Some(Ty::Model(_)))
        {
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
        let read_first =
            o.read_first.as_ref().and_then(|r| self.read_first(r, &http, &params, &what));
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
            read_first,
        })
    }

    /// `[operation.read_first]`: a REST change whose body parameter `param` is a model, and
    /// at least one member to copy.
    fn read_first(
        &mut self,
        entry: &Spanned<spec::ReadFirstEntry>,
        http: &ir::Http,
        params: &[ir::Param],
        what: &str,
    ) -> Option<ir::ReadFirst> {
        let r = entry.get_ref();
        if !matches!(http, ir::Http::Rest { method, .. } if method != "GET") {
            self.error(entry.span(), format!("{what} reads first, but it is not a REST change"), "remove [operation.read_first]: only a PUT, PATCH, POST or DELETE reads the object at its path first");
            return None;
        }
        let name = r.param.get_ref();
        let param = params.iter().find(|p| &p.name == name);
        let Some(param) = param.filter(|p| {
            p.location == Location::Body && matches!(p.ty, Ty::Model(_)) && p.wire.len() == 1
        }) else {
            self.error(r.param.span(), format!("{what} has no body parameter '{name}' holding a model"), "name the body parameter (of a model type, with a plain wire name) the current members go into");
            return None;
        };
        if r.members.get_ref().is_empty() {
            self.error(r.members.span(), format!("{what} reads first but copies nothing"), "list the wire names of the members to send back, e.g. members = [\"protocol\", \"port\"]");
            return None;
        }
        Some(ir::ReadFirst {
            param: name.clone(),
            into: param.wire[0].clone(),
            members: r.members.get_ref().clone(),
        })
    }

    pub(super) fn rest(
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

    pub(super) fn path(&mut self, path: &Spanned<String>) -> Option<Vec<ir::PathPart>> {
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

    pub(super) fn param(
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
            if location != Location::Body || !matches!(ty, Ty::Model(_)) {
                self.error(
                    s.span(),
                    format!("{label}: only a body parameter of a model type can be flattened"),
                    "remove flatten, or make the parameter a body model",
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
}
