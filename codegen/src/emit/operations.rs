//! `generated/operations.rs`: one request builder per operation, the `Client` methods that
//! start them, and the namespace handles of dotted (Memset) names.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{checks, rust};
use crate::docs;
use crate::ir::{BodyEncoding, Handle, Http, Location, Operation, Param, PathPart, Provider, Ty};

pub fn file(p: &Provider) -> TokenStream {
    let namespaces = namespaces(p);
    let entry_points = entry_points(p, &namespaces);
    let builders = p.operations.iter().map(|op| builder(p, op));
    quote! {
        //! Request builders: each operation's optional arguments are setters on its builder,
        //! which sends when awaited.
        use std::future::{Future, IntoFuture};
        use std::pin::Pin;

        #[allow(unused_imports)]
        use super::models::*;
        use super::{Client, Error, ErrorKind};

        #entry_points
        #(#builders)*
    }
}

/// Every dotted prefix used by an operation name, parents first, in order of appearance.
fn namespaces(p: &Provider) -> Vec<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for op in &p.operations {
        for depth in 1..=op.namespace.len() {
            let path = op.namespace[..depth].to_vec();
            if seen.insert(path.clone()) {
                out.push(path);
            }
        }
    }
    out
}

/// The `Client` methods (and namespace handles) that start each operation.
fn entry_points(p: &Provider, namespaces: &[Vec<String>]) -> TokenStream {
    let mut out = TokenStream::new();
    // methods on the client: top-level operations and first-level namespaces
    let top_ops = p
        .operations
        .iter()
        .filter(|op| op.namespace.is_empty())
        .map(|op| starter(op, quote!(self)));
    let top_ns =
        namespaces.iter().filter(|n| n.len() == 1).map(|n| namespace_getter(n, quote!(self)));
    out.extend(quote! {
        impl Client {
            #(#top_ns)*
            #(#top_ops)*
        }
    });
    for ns in namespaces {
        let name = rust::namespace_name(ns);
        let dotted = ns.join(".");
        let doc = format!("The `{dotted}.*` methods; get it with `client.{}()`.", ns.join("()."));
        let children = namespaces
            .iter()
            .filter(|n| n.len() == ns.len() + 1 && n.starts_with(ns))
            .map(|n| namespace_getter(n, quote!(self.client)));
        let ops = p
            .operations
            .iter()
            .filter(|op| op.namespace == *ns)
            .map(|op| starter(op, quote!(self.client)));
        out.extend(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #name<'a> {
                client: &'a Client,
            }

            impl<'a> #name<'a> {
                #(#children)*
                #(#ops)*
            }
        });
    }
    out
}

fn namespace_getter(ns: &[String], client: TokenStream) -> TokenStream {
    let method = rust::ident(&ns[ns.len() - 1]);
    let name = rust::namespace_name(ns);
    let doc = format!("The `{}.*` methods.", ns.join("."));
    let lifetime = if client.to_string() == "self" { quote!('_) } else { quote!('a) };
    quote! {
        #[doc = #doc]
        pub fn #method(&self) -> #name<#lifetime> {
            #name { client: #client }
        }
    }
}

/// The method that starts an operation: required arguments in, builder out.
fn starter(op: &Operation, client: TokenStream) -> TokenStream {
    let method = rust::ident(&op.method_name);
    let builder = rust::builder_name(op);
    let lifetime = if client.to_string() == "self" { quote!('_) } else { quote!('a) };
    let args = op.params.iter().filter(|p| p.required).map(|p| {
        let n = rust::ident(&p.name);
        let t = rust::arg_ty(&p.ty);
        quote!(#n: #t)
    });
    let inits = op.params.iter().map(|p| {
        let n = rust::ident(&p.name);
        if p.required {
            rust::init_from_arg(&p.name, &p.ty)
        } else {
            quote!(#n: None)
        }
    });
    let cleared = op.params.iter().any(|p| p.nullable).then(|| quote!(cleared: Vec::new(),));
    let doc = docs::attrs(&operation_doc(op));
    let deprecated = op.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    // the source's required arguments are positional, however many there are
    let many = (op.params.iter().filter(|p| p.required).count() >= 7)
        .then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #deprecated
        #many
        pub fn #method(&self, #(#args),*) -> #builder<#lifetime> {
            #builder { client: #client, #(#inits,)* #cleared }
        }
    }
}

/// The rustdoc of an operation: what it does, its arguments, notes, warning and wire form.
fn operation_doc(op: &Operation) -> String {
    let mut out = docs::prose(&op.doc);
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    if !required.is_empty() {
        out.push_str("\n\n# Arguments\n");
        for p in &required {
            out.push_str(&format!("\n* `{}`: {}", p.name, param_doc(p).replace('\n', " ")));
        }
    }
    if !optional.is_empty() {
        let builder = rust::builder_name(op);
        out.push_str(
            "\n\n# Optional arguments\n\nSet them on the returned request before awaiting it:\n",
        );
        for p in &optional {
            out.push_str(&format!(
                "\n* [`{name}`]({builder}::{name}): {}",
                docs::summary(&p.doc),
                name = p.name
            ));
        }
    }
    if !op.notes.is_empty() {
        out.push_str("\n\n# Notes\n");
        for note in &op.notes {
            out.push_str(&format!("\n* {}", docs::prose(note).replace('\n', " ")));
        }
    }
    if !op.raises.is_empty() {
        out.push_str(
            "\n\n# Errors\n\nBesides transport and decoding errors, the API may answer with:\n",
        );
        for kind in &op.raises {
            out.push_str(&format!("\n* [`ErrorKind::{kind}`](crate::ErrorKind::{kind})"));
        }
    }
    if let Some(warning) = &op.warning {
        out.push_str(&format!("\n\n# Warning\n\n{}", docs::prose(warning)));
    }
    out.push_str("\n\n# Wire\n\n");
    out.push_str(&wire_doc(op));
    out
}

/// A parameter's doc with its rules and default.
fn param_doc(p: &Param) -> String {
    let mut text = docs::prose(&p.doc);
    let rules = checks::describe(&p.ty, &p.constraints);
    if !rules.is_empty() {
        text.push(' ');
        text.push_str(&rules);
    }
    if let Some(default) = &p.default {
        text.push_str(&format!(" When unset, {} is sent.", rust::literal_doc(default)));
    }
    text
}

fn wire_doc(op: &Operation) -> String {
    let wire_name = |p: &Param| p.wire.join(".");
    let names = |loc: Location| -> Vec<String> {
        op.params
            .iter()
            .filter(|p| p.location == loc)
            .map(|p| format!("`{}`", wire_name(p)))
            .collect()
    };
    let mut lines = Vec::new();
    match &op.http {
        Http::Rest { method, path, body } => {
            let path: String = path
                .iter()
                .map(|part| match part {
                    PathPart::Literal(s) => s.clone(),
                    PathPart::Param(n) => format!("{{{n}}}"),
                })
                .collect();
            lines.push(format!("`{method} {path}`"));
            let query = names(Location::Query);
            if !query.is_empty() {
                lines.push(format!("query: {}", query.join(", ")));
            }
            let mut members = names(Location::Body);
            members.extend(names(Location::Form));
            let flattened: Vec<String> = op
                .params
                .iter()
                .filter(|p| p.flatten)
                .map(|p| format!("the members of `{}`", p.name))
                .collect();
            members.splice(0..0, flattened);
            let members: Vec<String> = members
                .into_iter()
                .filter(|m| {
                    !op.params.iter().any(|p| p.flatten && *m == format!("`{}`", wire_name(p)))
                })
                .collect();
            match body {
                BodyEncoding::Json if !members.is_empty() => lines.push(format!(
                    "JSON body (`Content-Type: application/json`): {}",
                    members.join(", ")
                )),
                BodyEncoding::Form => lines.push(format!(
                    "form body (`Content-Type: application/x-www-form-urlencoded`){}",
                    if members.is_empty() {
                        " (empty)".to_owned()
                    } else {
                        format!(": {}", members.join(", "))
                    }
                )),
                BodyEncoding::Json => {}
            }
        }
        Http::Memset => {
            lines.push(format!("`POST /json/{}`", op.name));
            let named = names(Location::Named);
            if !named.is_empty() {
                lines.push(format!(
                    "named parameters (form field `parameters`, a JSON object): {}",
                    named.join(", ")
                ));
            }
        }
    }
    if !op.success.is_empty() {
        let statuses: Vec<String> = op.success.iter().map(|s| s.to_string()).collect();
        lines.push(format!("success: {}", statuses.join(", ")));
    }
    lines.push(if op.idempotent {
        "idempotent: retried after HTTP 429, 500, 502, 503 and 504, broken connections and timeouts ([`RetryPolicy`](cloud_sdks_runtime::RetryPolicy))".to_owned()
    } else {
        "not idempotent: retried only when no connection could be made ([`RetryPolicy`](cloud_sdks_runtime::RetryPolicy))".to_owned()
    });
    match op.handle {
        Handle::Request => lines.push("hands back the request id to poll, with the value ([`Accepted`](cloud_sdks_runtime::Accepted))".to_owned()),
        Handle::Job => lines.push("returns a job to wait on".to_owned()),
        Handle::None => {}
    }
    if let Some(source) = &op.source {
        lines.push(format!("source section: \"{}\"", docs::prose(source)));
    }
    lines.iter().map(|line| format!("* {line}")).collect::<Vec<_>>().join("\n")
}

/// The Rust type an operation resolves to.
pub fn output_ty(op: &Operation) -> TokenStream {
    let value = op.returns.as_ref().map_or(quote!(()), rust::ty);
    if op.handle == Handle::Request {
        quote!(cloud_sdks_runtime::Accepted<#value>)
    } else {
        value
    }
}

fn builder(p: &Provider, op: &Operation) -> TokenStream {
    let name = rust::builder_name(op);
    let fields = op.params.iter().map(|param| {
        let n = rust::ident(&param.name);
        let t = rust::ty(&param.ty);
        let t = if param.required { t } else { quote!(Option<#t>) };
        quote!(#n: #t,)
    });
    // names of nullable parameters the caller cleared: sent as null
    let cleared_field =
        op.params.iter().any(|p| p.nullable).then(|| quote!(cleared: Vec<&'static str>,));
    let setters = op.params.iter().filter(|param| !param.required).map(|param| {
        let n = rust::ident(&param.name);
        let t = rust::arg_ty(&param.ty);
        let value = rust::arg_into(&param.ty, &quote!(value));
        let doc = docs::attrs(&param_doc(param));
        let deprecated = param.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        quote! {
            #doc
            #deprecated
            pub fn #n(mut self, value: #t) -> Self {
                self.#n = Some(#value);
                self
            }
        }
    });
    let clearers = op.params.iter().filter(|param| param.nullable).map(|param| {
        let n = rust::ident(&param.name);
        let clear = quote::format_ident!("clear_{}", param.name);
        let name = &param.name;
        let doc = format!("Sends `{}` as `null`, which clears it.", param.wire.join("."));
        quote! {
            #[doc = #doc]
            pub fn #clear(mut self) -> Self {
                self.#n = None;
                self.cleared.push(#name);
                self
            }
        }
    });
    let output = output_ty(op);
    let send = send_body(p, op);
    let pages = pages_method(p, op);
    let named = named_parameters(p, op);
    let prepared = prepared_impl(op);
    let method_path = match op.namespace.is_empty() {
        true => format!("Client::{}", op.method_name),
        false => format!("{}::{}", rust::namespace_name(&op.namespace), op.method_name),
    };
    let doc = format!("A `{}` request, started by [`{method_path}`]: set optional arguments, then `.await` it (or call [`send`](Self::send)).", op.name);
    let allow_deprecated = (op.deprecated.is_some()
        || op.params.iter().any(|p| p.deprecated.is_some()))
    .then(|| quote!(#[allow(deprecated)]));
    // a request holding a password, token or key gets a Debug that hides it
    let secret = op.params.iter().any(|param| param.secret);
    let debug = (!secret).then(|| quote!(Debug,));
    let redacted_debug = secret.then(|| {
        let mut members = vec![("client".to_owned(), true, false)];
        members.extend(
            op.params.iter().map(|param| (param.name.clone(), param.required, param.secret)),
        );
        rust::redacted_debug(&name.to_string(), &members, Some(quote!('_)))
    });
    quote! {
        #[doc = #doc]
        #[derive(#debug Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #name<'a> {
            client: &'a Client,
            #(#fields)*
            #cleared_field
        }

        #redacted_debug

        impl<'a> #name<'a> {
            #(#setters)*
            #(#clearers)*

            #pages
            #named

            /// Checks the arguments, sends the request and decodes the answer.
            #allow_deprecated
            pub async fn send(self) -> Result<#output, Error> {
                #send
            }
        }

        #prepared

        impl<'a> IntoFuture for #name<'a> {
            type Output = Result<#output, Error>;
            type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

/// `pages()` for a paged list: the provider pages, the operation has both paging parameters
/// (optional integers in the query) and returns a list.
fn pages_method(p: &Provider, op: &Operation) -> Option<TokenStream> {
    let spec = p.pages.as_ref()?;
    let is_paging = |name: &str| {
        op.params.iter().any(|param| {
            param.name == name
                && !param.required
                && param.ty == Ty::Integer
                && param.location == Location::Query
        })
    };
    let item = match &op.returns {
        Some(Ty::List(item)) if op.handle == Handle::None => rust::ty(item),
        _ => return None,
    };
    if !is_paging(&spec.page) || !is_paging(&spec.per_page) {
        return None;
    }
    let (page, per_page) = (rust::ident(&spec.page), rust::ident(&spec.per_page));
    let (first, size) = (spec.first, spec.size);
    let doc = docs::attrs(&format!(
        "Walks every page of this list, one request per page, from page `{}` (or the one set) with `{}` items each ({size} unless set), until a page comes back short. The result is a `Stream` of pages; [`all`](cloud_sdks_runtime::pages::Pages::all) collects every item.",
        spec.page, spec.per_page
    ));
    Some(quote! {
        #doc
        pub fn pages(self) -> cloud_sdks_runtime::pages::Pages<'a, #item, ErrorKind> {
            let first = self.#page.map_or(#first, |n| u64::try_from(n).unwrap_or(0));
            let size = self.#per_page.map_or(#size, |n| u64::try_from(n).unwrap_or(0));
            let per_page = i64::try_from(size).unwrap_or(i64::MAX);
            cloud_sdks_runtime::pages::Pages::new(first, size, Box::new(move |page| {
                let request = self.clone().#page(i64::try_from(page).unwrap_or(i64::MAX)).#per_page(per_page);
                Box::pin(request.send())
            }))
        }
    })
}

/// The body of `send`: checks, request, decoding.
/// Statements checking every argument's documented rules (and the one-of groups).
fn argument_checks(p: &Provider, op: &Operation) -> TokenStream {
    let param_checks = op.params.iter().map(|param| {
        let n = rust::ident(&param.name);
        let label_text = &param.name;
        let label = quote!(#label_text);
        let body = checks::value(p, &quote!(value), &param.ty, &param.constraints, &label);
        if body.is_empty() {
            body
        } else if param.required {
            quote! { { let value = &self.#n; #body } }
        } else {
            quote! { if let Some(value) = &self.#n { #body } }
        }
    });
    let groups = checks::groups(
        &op.at_least_one_of,
        &op.at_most_one_of,
        |member| {
            let n = rust::ident(member);
            match op.params.iter().find(|param| param.name == member) {
                Some(param) if param.required => quote!(true),
                _ => quote!(self.#n.is_some()),
            }
        },
        |member| quote!(#member),
    );
    let is_required =
        |member: &str| op.params.iter().any(|param| param.name == member && param.required);
    let requires = checks::requirements(
        &op.requires,
        |member| {
            let n = rust::ident(member);
            if is_required(member) {
                quote!(Some(&self.#n))
            } else {
                quote!(self.#n.as_ref())
            }
        },
        |member| {
            let n = rust::ident(member);
            if is_required(member) {
                quote!(true)
            } else {
                quote!(self.#n.is_some())
            }
        },
        |member| quote!(#member),
    );
    quote! {
        #(#param_checks)*
        #groups
        #requires
    }
}

fn send_body(p: &Provider, op: &Operation) -> TokenStream {
    let op_name = &op.name;
    // Memset checks its arguments in named(), which batches share
    let checks =
        if matches!(op.http, Http::Memset) { TokenStream::new() } else { argument_checks(p, op) };
    let (method, path, body) = match &op.http {
        Http::Rest { method, path, body } => {
            let method = proc_macro2::Ident::new(method, proc_macro2::Span::call_site());
            (quote!(cloud_sdks_runtime::Method::#method), path_expr(op, path), rest_body(op, *body))
        }
        Http::Memset => {
            let path = format!("/json/{}", op.name);
            (
                quote!(cloud_sdks_runtime::Method::POST),
                quote!(String::from(#path)),
                quote!(cloud_sdks_runtime::Body::Named(self.named()?)),
            )
        }
    };
    let query = query(op);
    let idempotent = op.idempotent;
    let success: Vec<u16> =
        if op.success.is_empty() { p.success.clone() } else { op.success.clone() };
    let value = match &op.returns {
        Some(ty) => {
            let t = rust::ty(ty);
            quote!(response.json::<#t, ErrorKind>()?)
        }
        None => quote!(()),
    };
    let result = if op.handle == Handle::Request {
        quote! {
            let request_id = super::PROVIDER.request_id.as_ref().and_then(|source| response.request_id(source));
            Ok(cloud_sdks_runtime::Accepted::new(#value, request_id))
        }
    } else if let Some(id) = job_id_field(p, op) {
        let t = op.returns.as_ref().map_or(quote!(()), rust::ty);
        quote! {
            let value = response.json::<#t, ErrorKind>()?;
            response.record_job_id(&value.#id);
            Ok(value)
        }
    } else if let Some(ty) = &op.returns {
        let t = rust::ty(ty);
        quote!(response.json::<#t, ErrorKind>())
    } else {
        quote! { let _ = response; Ok(()) }
    };
    quote! {
        let operation: &'static str = #op_name;
        #checks
        let request = cloud_sdks_runtime::Request {
            operation,
            method: #method,
            path: #path,
            query: #query,
            body: #body,
            success: &[#(#success),*],
            idempotent: #idempotent,
        };
        let response = self.client.transport.send::<ErrorKind>(request).await?;
        #result
    }
}

/// For an operation that hands back a job: the job's required string `id` field, which the
/// call's tracing span records.
fn job_id_field(p: &Provider, op: &Operation) -> Option<proc_macro2::Ident> {
    let Some(Ty::Model(name)) = &op.returns else { return None };
    if op.handle != Handle::Job {
        return None;
    }
    let model = p.models.iter().find(|m| &m.name == name)?;
    let field = model.fields.iter().find(|f| f.rust == "id" && f.required && f.ty == Ty::String)?;
    Some(rust::ident(&field.rust))
}

fn path_expr(op: &Operation, parts: &[PathPart]) -> TokenStream {
    let mut template = String::new();
    let mut args = Vec::new();
    for part in parts {
        match part {
            PathPart::Literal(text) => {
                template.push_str(&text.replace('{', "{{").replace('}', "}}"))
            }
            PathPart::Param(name) => {
                template.push_str("{}");
                // validate made sure every path segment has its parameter
                let param = op.params.iter().find(|p| &p.name == name);
                let n = rust::ident(name);
                let text = rust::text(param.map_or(&Ty::String, |p| &p.ty), &quote!(self.#n));
                // checked (empty, too long, dot segments) and encoded by the runtime
                let allow_slash = param.is_some_and(|p| p.allow_slash);
                args.push(quote!(cloud_sdks_runtime::encode::path_param(
                    operation, #name, &#text, #allow_slash
                )?));
            }
        }
    }
    if args.is_empty() {
        quote!(String::from(#template))
    } else {
        quote!(format!(#template, #(#args),*))
    }
}

fn query(op: &Operation) -> TokenStream {
    let params: Vec<&Param> = op.params.iter().filter(|p| p.location == Location::Query).collect();
    if params.is_empty() {
        return quote!(Vec::new());
    }
    let pushes = params.iter().map(|param| {
        let n = rust::ident(&param.name);
        let wire = param.wire.join(".");
        let text = rust::text(&param.ty, &quote!(value));
        if param.required {
            quote! { { let value = &self.#n; query.push((#wire, #text)); } }
        } else if let Some(default) = &param.default {
            let value = value_or_default(&n, default);
            quote! { { #value query.push((#wire, #text)); } }
        } else {
            quote! { if let Some(value) = &self.#n { query.push((#wire, #text)); } }
        }
    });
    quote! {{
        let mut query = Vec::new();
        #(#pushes)*
        query
    }}
}

/// Binds `value` to the parameter's value, or to its default when unset.
fn value_or_default(n: &proc_macro2::Ident, default: &crate::ir::Literal) -> TokenStream {
    let default = rust::literal(default);
    quote! {
        let default_value = #default;
        let value = self.#n.as_ref().unwrap_or(&default_value);
    }
}

/// How a body parameter's value is read: `value` bound to a reference, or skipped when unset.
fn with_value(param: &Param, body: TokenStream) -> TokenStream {
    let n = rust::ident(&param.name);
    if param.required {
        quote! { { let value = &self.#n; #body } }
    } else if let Some(default) = &param.default {
        let value = value_or_default(&n, default);
        quote! { { #value #body } }
    } else {
        quote! { if let Some(value) = &self.#n { #body } }
    }
}

fn rest_body(op: &Operation, encoding: BodyEncoding) -> TokenStream {
    let members: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| matches!(p.location, Location::Body | Location::Form))
        .collect();
    match encoding {
        BodyEncoding::Form => {
            let pushes = members.iter().map(|param| {
                let wire = param.wire.join(".");
                let text = rust::text(&param.ty, &quote!(value));
                with_value(param, quote! { form.push((String::from(#wire), #text)); })
            });
            quote! {{
                #[allow(unused_mut)]
                let mut form: Vec<(String, String)> = Vec::new();
                #(#pushes)*
                cloud_sdks_runtime::Body::Form(form)
            }}
        }
        BodyEncoding::Json if members.is_empty() => quote!(cloud_sdks_runtime::Body::Empty),
        BodyEncoding::Json => {
            let flattened = members.iter().find(|p| p.flatten);
            if let (Some(param), 1) = (flattened, members.len()) {
                let n = rust::ident(&param.name);
                return quote!(cloud_sdks_runtime::Body::json(&self.#n).map_err(|e| e.in_operation(operation))?);
            }
            let start = match flattened {
                Some(param) => {
                    let n = rust::ident(&param.name);
                    let name = &param.name;
                    quote!(cloud_sdks_runtime::encode::object(operation, #name, &self.#n)?)
                }
                None => quote!(serde_json::Map::new()),
            };
            let inserts = members.iter().filter(|p| !p.flatten).map(|param| {
                let path = &param.wire;
                let name = &param.name;
                with_value(param, quote! {
                    cloud_sdks_runtime::encode::insert_at(&mut body, &[#(#path),*], cloud_sdks_runtime::encode::value(operation, #name, value)?);
                })
            });
            let nulls = members.iter().filter(|p| p.nullable).map(|param| {
                let path = &param.wire;
                let name = &param.name;
                quote! {
                    if self.cleared.contains(&#name) {
                        cloud_sdks_runtime::encode::insert_at(&mut body, &[#(#path),*], serde_json::Value::Null);
                    }
                }
            });
            quote! {{
                let mut body = #start;
                #(#inserts)*
                #(#nulls)*
                cloud_sdks_runtime::Body::json(&body).map_err(|e| e.in_operation(operation))?
            }}
        }
    }
}

/// Memset builders: `named()`, the checked named parameters, shared by `send` and batches.
fn named_parameters(p: &Provider, op: &Operation) -> Option<TokenStream> {
    if !matches!(op.http, Http::Memset) {
        return None;
    }
    let op_name = &op.name;
    let operation =
        (!op.params.is_empty()).then(|| quote!(let operation: &'static str = #op_name;));
    let checks = argument_checks(p, op);
    let inserts = op.params.iter().map(|param| {
        let wire = param.wire.join(".");
        let name = &param.name;
        with_value(param, quote! {
            named.insert(String::from(#wire), cloud_sdks_runtime::encode::value(operation, #name, value)?);
        })
    });
    let allow_deprecated =
        op.params.iter().any(|p| p.deprecated.is_some()).then(|| quote!(#[allow(deprecated)]));
    Some(quote! {
        /// Checks the arguments and gives the named parameters this call sends.
        #allow_deprecated
        fn named(&self) -> Result<serde_json::Map<String, serde_json::Value>, cloud_sdks_runtime::InvalidArgument> {
            #operation
            #checks
            #[allow(unused_mut)]
            let mut named = serde_json::Map::new();
            #(#inserts)*
            Ok(named)
        }
    })
}

/// Memset builders can go into a JSON-RPC batch.
fn prepared_impl(op: &Operation) -> Option<TokenStream> {
    if !matches!(op.http, Http::Memset) {
        return None;
    }
    let name = rust::builder_name(op);
    let op_name = &op.name;
    let output = output_ty(op);
    let allow_deprecated =
        op.params.iter().any(|p| p.deprecated.is_some()).then(|| quote!(#[allow(deprecated)]));
    Some(quote! {
        impl cloud_sdks_runtime::batch::Prepared for #name<'_> {
            type Output = #output;
            const METHOD: &'static str = #op_name;

            #allow_deprecated
            fn params(&self) -> Result<serde_json::Map<String, serde_json::Value>, cloud_sdks_runtime::InvalidArgument> {
                self.named()
            }
        }
    })
}
