//! `generated/operations/`: one file per spec group. Each operation is a parameter model
//! (`<Name>Params`: serde, the checks, a constructor for the required arguments) that
//! implements the runtime's `Operation`; the `Client` (or namespace) method that starts it
//! returns a `Call` of it, whose setters are the optional arguments. No operation has code of
//! its own for sending: the runtime's one send path runs them all.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::deserialize::{self, Member, Struct};
use super::Emitted;
use super::{checks, rust};
use crate::docs;
use crate::ir::{
    Answer, BodyEncoding, Handle, Http, Location, Operation, Param, PathPart, Provider,
};

/// `operations/mod.rs`: the groups and the namespace handles of dotted (Memset) names.
pub fn module(p: &Provider) -> TokenStream {
    let groups = groups(p);
    let mods = groups.iter().map(|g| {
        let m = rust::ident(g);
        quote! { mod #m; pub use #m::*; }
    });
    let all = namespaces(p);
    let namespaces = all.iter().map(|ns| namespace(ns, &all));
    quote! {
        //! Every operation: its parameter model (`<Name>Params`), the method that starts it,
        //! and the request it returns (`<Name>Request`, a [`Call`](super::Call) of the
        //! parameters), whose setters are the optional arguments.
        #(#mods)*
        #[allow(unused_imports)]
        use super::Client;
        #(#namespaces)*
    }
}

/// The spec groups that hold operations, in spec order.
pub fn groups(p: &Provider) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for op in &p.operations {
        if !out.contains(&op.group) {
            out.push(op.group.clone());
        }
    }
    out
}

/// `operations/<group>.rs`: the group's operations, then how their arguments are read.
pub fn group(p: &Provider, group: &str) -> Emitted {
    let in_group: Vec<&Operation> = p.operations.iter().filter(|op| op.group == group).collect();
    let ops = in_group.iter().map(|op| operation(p, op));
    let doc = format!("The operations of the `{group}` group.");
    let read: Vec<Struct<'_>> = in_group.iter().map(|op| params_read(op)).collect();
    let tokens = quote! {
        #![doc = #doc]
        use cloud_sdks_runtime as rt;
        #[allow(unused_imports)]
        use super::super::models::*;
        #[allow(unused_imports)]
        use super::super::{Call, Client, Error, ErrorKind};
        #[allow(unused_imports)]
        use super::*;

        #(#ops)*
    };
    Emitted { tokens, text: deserialize::list(&read) }
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

/// A namespace handle (`client.dns()`) with its child namespaces; its operations' starters
/// are in their groups' files.
fn namespace(ns: &[String], all: &[Vec<String>]) -> TokenStream {
    let name = rust::namespace_name(ns);
    let dotted = ns.join(".");
    let doc = format!("The `{dotted}.*` methods; get it with `client.{}()`.", ns.join("()."));
    let children = all
        .iter()
        .filter(|n| n.len() == ns.len() + 1 && n.starts_with(ns))
        .map(|n| namespace_getter(n, quote!(self.client.clone())));
    let getter = (ns.len() == 1).then(|| {
        let getter = namespace_getter(ns, quote!(self.clone()));
        quote! { impl Client { #getter } }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            pub(crate) client: Client,
        }

        impl #name {
            #(#children)*
        }

        #getter
    }
}

fn namespace_getter(ns: &[String], client: TokenStream) -> TokenStream {
    let method = rust::ident(&ns[ns.len() - 1]);
    let name = rust::namespace_name(ns);
    let doc = format!("The `{}.*` methods.", ns.join("."));
    quote! {
        #[doc = #doc]
        pub fn #method(&self) -> #name {
            #name { client: #client }
        }
    }
}

/// Everything of one operation.
fn operation(p: &Provider, op: &Operation) -> TokenStream {
    let params = rust::params_name(op);
    let request = rust::builder_name(op);
    let model = params_model(op);
    let implementation = operation_impl(p, op);
    let starter = starter(op);
    let setters = setters(op);
    let pages = pages_method(op);
    let alias_doc = format!(
        "A `{}` request: set optional arguments, then `.await` it (or call [`send`](Call::send)).",
        op.name
    );
    let methods = (!setters.is_empty() || pages.is_some()).then(|| {
        quote! {
            impl #request {
                #(#setters)*
                #pages
            }
        }
    });
    quote! {
        #model
        #implementation

        #[doc = #alias_doc]
        pub type #request = Call<#params>;

        #starter
        #methods
    }
}

/// The Rust type of a parameter as its model stores it.
fn field_ty(param: &Param) -> TokenStream {
    let t = rust::ty(&param.ty);
    match (param.required, param.nullable) {
        (true, _) => t,
        // unset, cleared (null) or set
        (false, true) => quote!(Option<Option<#t>>),
        (false, false) => quote!(Option<#t>),
    }
}

/// How `<Name>Params` is read from callers' JSON, where a misspelt argument must not be lost
/// silently.
fn params_read(op: &Operation) -> Struct<'_> {
    let members = op
        .params
        .iter()
        .map(|param| Member {
            rust: &param.name,
            wire: &param.name,
            required: param.required,
            decoder: param.nullable.then_some("rt::dynamic::Nullable"),
        })
        .collect();
    Struct {
        name: rust::params_name(op).to_string(),
        members,
        strict: true,
        own_deserialize: false,
    }
}

/// `<Name>Params`: the operation's arguments by the source's names.
fn params_model(op: &Operation) -> TokenStream {
    let name = rust::params_name(op);
    let fields = op.params.iter().map(|param| {
        let n = rust::ident(&param.name);
        let t = field_ty(param);
        let doc = docs::attrs(&param_doc(param));
        let serde =
            param.nullable.then(|| quote!(#[serde(skip_serializing_if = "Option::is_none")]));
        quote! { #doc #serde pub #n: #t, }
    });
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
    let many = (op.params.iter().filter(|p| p.required).count() >= 7)
        .then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let secret = op.params.iter().any(|param| param.secret);
    let debug = (!secret).then(|| quote!(Debug,));
    // arguments that are all optional start out empty
    let default = op.params.iter().all(|p| !p.required).then(|| quote!(Default,));
    let redacted_debug = secret.then(|| {
        let members: Vec<(String, bool, bool)> = op
            .params
            .iter()
            .map(|param| (param.name.clone(), param.required, param.secret))
            .collect();
        rust::redacted_debug(&name.to_string(), &members, None)
    });
    let doc = format!(
        "The arguments of `{}`, by the source's names: what [`{}`]({}) sends, and what `Client::call` decodes from JSON.",
        op.name,
        rust::starter_path(op),
        rust::starter_path(op),
    );
    quote! {
        #[doc = #doc]
        #[derive(#debug #default Clone, serde::Serialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #redacted_debug

        impl #name {
            /// The arguments with every required one given and the optional ones unset.
            #many
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* }
            }
        }
    }
}

// `#[inline]` on what instantiates the generic send path (answer decoding, the dynamic
// dispatch, waits, page walks): it is then compiled in the crates that call it, so a client
// crate's own build only type-checks its operations; without it the memset crate emitted
// 27 times the LLVM IR (909k lines against 33k).
/// `impl Operation`: the catalog entry, the checks, how the answer is read.
fn operation_impl(p: &Provider, op: &Operation) -> TokenStream {
    let name = rust::params_name(op);
    let info = rust::info_name(op);
    let output = output_ty(op);
    let checks = argument_checks(p, op);
    let check = (!checks.is_empty()).then(|| {
        let op_name = &op.name;
        quote! {
            #[inline]
            fn check(&self) -> Result<(), rt::InvalidArgument> {
                let operation = #op_name;
                #checks
                Ok(())
            }
        }
    });
    let read = match &op.answer {
        Answer::Nothing => quote!(rt::operation::answer::nothing(response)),
        Answer::Value(_) | Answer::Job { id_field: None, .. } | Answer::JobOrState(_) => {
            quote!(rt::operation::answer::value(response))
        }
        Answer::Accepted(Some(_)) => {
            quote!(rt::operation::answer::accepted(response, &super::super::PROVIDER))
        }
        Answer::Accepted(None) => {
            quote!(rt::operation::answer::accepted_nothing(response, &super::super::PROVIDER))
        }
        Answer::Job { ty, id_field: Some(id) } => {
            let t = rust::ty(ty);
            let id = rust::ident(id);
            quote!(rt::operation::answer::job(response, |job: &#t| &job.#id))
        }
    };
    let allow_deprecated =
        op.params.iter().any(|p| p.deprecated.is_some()).then(|| quote!(#[allow(deprecated)]));
    let read_first = op.read_first.is_some().then(|| {
        let op_name = &op.name;
        quote! {
            fn read_first() -> Option<&'static rt::catalog::ReadFirst> {
                super::super::catalog::CATALOG.read_first(#op_name)
            }
        }
    });
    quote! {
        #allow_deprecated
        impl rt::Operation for #name {
            type Output = #output;
            type Kind = ErrorKind;

            fn info() -> &'static rt::catalog::OperationInfo {
                &super::super::catalog::#info
            }

            #check

            #read_first

            #[inline]
            fn read(response: rt::Response) -> Result<Self::Output, Error> {
                #read
            }
        }
    }
}

/// The method that starts an operation: required arguments in, request out.
fn starter(op: &Operation) -> TokenStream {
    let method = rust::ident(&op.method_name);
    let params = rust::params_name(op);
    let request = rust::builder_name(op);
    let args = op.params.iter().filter(|p| p.required).map(|p| {
        let n = rust::ident(&p.name);
        let t = rust::arg_ty(&p.ty);
        quote!(#n: #t)
    });
    let names = op.params.iter().filter(|p| p.required).map(|p| rust::ident(&p.name));
    let doc = docs::attrs(&operation_doc(op));
    let deprecated = op.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    // the source's required arguments are positional, however many there are
    let many = (op.params.iter().filter(|p| p.required).count() >= 7)
        .then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let (owner, client) = if op.namespace.is_empty() {
        (quote!(Client), quote!(self.clone()))
    } else {
        let ns = rust::namespace_name(&op.namespace);
        (quote!(#ns), quote!(self.client.clone()))
    };
    quote! {
        impl #owner {
            #doc
            #deprecated
            #many
            pub fn #method(&self, #(#args),*) -> #request {
                Call::new(#client, #params::new(#(#names),*))
            }
        }
    }
}

/// The setters of the optional arguments (and `clear_` for the nullable ones).
fn setters(op: &Operation) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for param in op.params.iter().filter(|param| !param.required) {
        let n = rust::ident(&param.name);
        let t = rust::arg_ty(&param.ty);
        let value = rust::arg_into(&param.ty, &quote!(value));
        let value = if param.nullable { quote!(Some(#value)) } else { value };
        let doc = docs::attrs(&param_doc(param));
        let deprecated = param.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        out.push(quote! {
            #doc
            #deprecated
            pub fn #n(mut self, value: #t) -> Self {
                self.params.#n = Some(#value);
                self
            }
        });
        if param.nullable {
            let clear = format_ident!("clear_{}", param.name);
            let doc = format!("Sends `{}` as `null`, which clears it.", param.wire.join("."));
            out.push(quote! {
                #[doc = #doc]
                pub fn #clear(mut self) -> Self {
                    self.params.#n = Some(None);
                    self
                }
            });
        }
    }
    out
}

/// `pages()` for a paged list.
fn pages_method(op: &Operation) -> Option<TokenStream> {
    let paging = op.paging.as_ref()?;
    let item = rust::ty(&paging.item);
    let (page, per_page) = (rust::ident(&paging.page), rust::ident(&paging.per_page));
    let (first, size) = (paging.first, paging.size);
    let doc = docs::attrs(&format!(
        "Walks every page of this list, one request per page, from page `{}` (or the one set) with `{}` items each ({size} unless set), until a page comes back short. The result is a `Stream` of pages, also walked with its own [`next`](crate::Pages::next); [`items`](crate::Pages::items) walks their items instead, and [`all`](crate::Pages::all) collects every item.",
        paging.page, paging.per_page
    ));
    Some(quote! {
        #doc
        #[inline]
        pub fn pages(self) -> rt::pages::Pages<#item, ErrorKind> {
            let first = self.params.#page.map_or(#first, |n| u64::try_from(n).unwrap_or(0));
            let size = self.params.#per_page.map_or(#size, |n| u64::try_from(n).unwrap_or(0));
            self.walk(first, size, |params, page, per_page| {
                params.#page = Some(page);
                params.#per_page = Some(per_page);
            })
        }
    })
}

/// The Rust type an operation resolves to.
pub fn output_ty(op: &Operation) -> TokenStream {
    match &op.answer {
        Answer::Nothing => quote!(()),
        Answer::Value(ty) | Answer::Job { ty, .. } => rust::ty(ty),
        Answer::Accepted(Some(ty)) => {
            let t = rust::ty(ty);
            quote!(rt::Accepted<#t>)
        }
        Answer::Accepted(None) => quote!(rt::Accepted<()>),
        Answer::JobOrState(ty) => {
            let t = rust::ty(ty);
            quote!(rt::JobOrState<#t>)
        }
    }
}

/// Statements checking every argument's documented rules (and the one-of groups), with
/// `operation` in scope.
fn argument_checks(p: &Provider, op: &Operation) -> TokenStream {
    let param = |member: &str| op.params.iter().find(|param| param.name == member);
    // an argument as `Option<&T>`: set or not (a cleared one is not set)
    let value_of = |member: &str| {
        let n = rust::ident(member);
        match param(member) {
            Some(param) if param.required => quote!(Some(&self.#n)),
            Some(param) if param.nullable => quote!(self.#n.as_ref().and_then(Option::as_ref)),
            _ => quote!(self.#n.as_ref()),
        }
    };
    let is_set = |member: &str| match param(member) {
        Some(param) if param.required => quote!(true),
        _ => {
            let value = value_of(member);
            quote!(#value.is_some())
        }
    };
    let param_checks = op.params.iter().map(|param| {
        let body = checks::value(p, &quote!(value), &param.ty, &param.constraints, &quote!(label));
        if body.is_empty() {
            return body;
        }
        let name = &param.name;
        let label = quote! { let label = rt::check::Field::Name(#name); };
        if param.required {
            let n = rust::ident(&param.name);
            quote! { { let value = &self.#n; #label #body } }
        } else {
            let value = value_of(&param.name);
            quote! { if let Some(value) = #value { #label #body } }
        }
    });
    let label = |m: &str| quote!(rt::check::Field::Name(#m));
    let groups = checks::groups(&op.at_least_one_of, &op.at_most_one_of, is_set, label);
    let requires = checks::requirements(&op.requires, value_of, is_set, label);
    quote! {
        #(#param_checks)*
        #groups
        #requires
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
            if let Some(read) = &op.read_first {
                let copied: Vec<String> = read.members.iter().map(|m| format!("`{m}`")).collect();
                lines.push(format!(
                    "first `GET {path}`, to send its {} back unchanged in `{}`",
                    copied.join(", "),
                    read.into
                ));
            }
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
        "idempotent: retried after HTTP 429, 500, 502, 503 and 504, broken connections and timeouts ([`RetryPolicy`](crate::RetryPolicy))".to_owned()
    } else {
        "not idempotent: retried only when no connection could be made ([`RetryPolicy`](crate::RetryPolicy))".to_owned()
    });
    match op.handle {
        Handle::Request => lines.push(
            "hands back the request id to poll, with the value ([`Accepted`](crate::Accepted))"
                .to_owned(),
        ),
        Handle::Job => lines.push("returns a job to wait on".to_owned()),
        Handle::JobWhenChanged => lines.push(
            "returns a job to wait on when it changes something, else the current state ([`JobOrState`](crate::JobOrState))".to_owned(),
        ),
        Handle::None => {}
    }
    if let Some(source) = &op.source {
        lines.push(format!("source section: \"{}\"", docs::prose(source)));
    }
    lines.iter().map(|line| format!("* {line}")).collect::<Vec<_>>().join("\n")
}
