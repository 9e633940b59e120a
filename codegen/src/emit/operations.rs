//! `generated/operations/`: one file per spec group. Each operation is a parameter model
//! (`<Name>Params`: serde, the checks, a constructor for the required arguments) that
//! implements the runtime's `Operation`; the `Client` (or namespace) method that starts it
//! returns a `Call` of it, whose setters are the optional arguments. No operation has code of
//! its own for sending: the runtime's one send path runs them all.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::deserialize::{self, Member, Struct};
use super::text::{self, Lines};
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

/// What every `operations/<group>.rs` imports.
const GROUP_USES: &str = "\
use cloud_sdks_runtime as rt;
#[allow(unused_imports)]
use super::super::models::*;
#[allow(unused_imports)]
use super::super::{Call, Client, Error, ErrorKind};
#[allow(unused_imports)]
use super::*;
";

/// `operations/<group>.rs`: the group's operations, then how their arguments are read.
pub fn group(p: &Provider, group: &str) -> Emitted {
    let in_group: Vec<&Operation> = p.operations.iter().filter(|op| op.group == group).collect();
    let mut file = Emitted::default();
    file.text(&format!("//!The operations of the `{group}` group.\n{GROUP_USES}"));
    for op in &in_group {
        operation(&mut file, p, op);
    }
    let read: Vec<Struct<'_>> = in_group.iter().map(|op| params_read(op)).collect();
    file.text(&deserialize::list(&read));
    file
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

/// Everything of one operation: its model, `impl Operation`, request type, starter and setters.
fn operation(file: &mut Emitted, p: &Provider, op: &Operation) {
    params_model(file, op);
    let mut out = Lines::default();
    operation_impl(&mut out, p, op);
    out.line(&format!(
        "///A `{}` request: set optional arguments, then `.await` it (or call [`send`](Call::send)).",
        op.name
    ));
    out.line(&format!("pub type {} = Call<{}>;", rust::builder_name(op), rust::params_name(op)));
    starter(&mut out, op);
    let optional = op.params.iter().any(|param| !param.required);
    if optional || op.paging.is_some() {
        out.open(&format!("impl {} {{", rust::builder_name(op)));
        setters(&mut out, op);
        pages_method(&mut out, op);
        out.close("}");
    }
    file.text(&out.finish());
}

/// The Rust type of a parameter as its model stores it.
fn field_ty(param: &Param) -> String {
    let t = rust::ty_text(&param.ty);
    match (param.required, param.nullable) {
        (true, _) => t,
        // unset, cleared (null) or set
        (false, true) => format!("Option<Option<{t}>>"),
        (false, false) => format!("Option<{t}>"),
    }
}

/// `#[allow(clippy::too_many_arguments)]` where a function takes 7 required arguments or
/// more: the source's required arguments are positional, however many there are.
fn allow_many(out: &mut Lines, op: &Operation) {
    if op.params.iter().filter(|p| p.required).count() >= 7 {
        out.line("#[allow(clippy::too_many_arguments)]");
    }
}

/// `name: Type` of each required argument, as a starter or constructor takes them.
fn required_args(op: &Operation) -> Vec<String> {
    op.params.iter().filter(|p| p.required).map(|p| rust::arg_text(&p.name, &p.ty)).collect()
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

/// `<Name>Params`: the operation's arguments by the source's names, and its constructor.
fn params_model(file: &mut Emitted, op: &Operation) {
    let name = rust::params_name(op).to_string();
    let secret = op.params.iter().any(|param| param.secret);
    let mut derives = Vec::new();
    if !secret {
        derives.push("Debug");
    }
    // arguments that are all optional start out empty
    if op.params.iter().all(|p| !p.required) {
        derives.push("Default");
    }
    derives.extend(["Clone", "serde::Serialize"]);
    let mut out = Lines::default();
    out.line(&format!(
        "///The arguments of `{}`, by the source's names: what [`{}`]({}) sends, and what `Client::call` decodes from JSON.",
        op.name,
        rust::starter_path(op),
        rust::starter_path(op),
    ));
    out.line(&format!("#[derive({})]", derives.join(", ")));
    out.line("#[non_exhaustive]");
    if op.params.is_empty() {
        out.line(&format!("pub struct {name} {{}}"));
    } else {
        out.open(&format!("pub struct {name} {{"));
        for param in &op.params {
            out.doc(&param_doc(param));
            if param.nullable {
                out.line("#[serde(skip_serializing_if = \"Option::is_none\")]");
            }
            out.line(&format!("pub {}: {},", rust::ident_text(&param.name), field_ty(param)));
        }
        out.close("}");
    }
    file.text(&out.finish());
    if secret {
        let members: Vec<(String, bool, bool)> = op
            .params
            .iter()
            .map(|param| (param.name.clone(), param.required, param.secret))
            .collect();
        file.text(&rust::redacted_debug(&name, &members));
    }
    let inits: Vec<String> =
        op.params.iter().map(|p| rust::init_text(&p.name, &p.ty, p.required)).collect();
    let mut out = Lines::default();
    out.open(&format!("impl {name} {{"));
    out.line("/// The arguments with every required one given and the optional ones unset.");
    allow_many(&mut out, op);
    out.open_wrapped("pub fn new(", &required_args(op), ") -> Self {");
    out.wrapped("Self {", &inits, "}", true);
    out.close("}");
    out.close("}");
    file.text(&out.finish());
}

// `#[inline]` on what instantiates the generic send path (answer decoding, the dynamic
// dispatch, waits, page walks): it is then compiled in the crates that call it, so a client
// crate's own build only type-checks its operations; without it the memset crate emitted
// 27 times the LLVM IR (909k lines against 33k).
/// `impl Operation`: the catalog entry, the checks, how the answer is read.
fn operation_impl(out: &mut Lines, p: &Provider, op: &Operation) {
    let read = match &op.answer {
        Answer::Nothing => "rt::operation::answer::nothing(response)".to_owned(),
        Answer::Value(_) | Answer::Job { id_field: None, .. } | Answer::JobOrState(_) => {
            "rt::operation::answer::value(response)".to_owned()
        }
        Answer::Accepted(Some(_)) => {
            "rt::operation::answer::accepted(response, &super::super::PROVIDER)".to_owned()
        }
        Answer::Accepted(None) => {
            "rt::operation::answer::accepted_nothing(response, &super::super::PROVIDER)".to_owned()
        }
        Answer::Job { ty, id_field: Some(id) } => format!(
            "rt::operation::answer::job(response, |job: &{}| &job.{})",
            rust::ty_text(ty),
            rust::ident_text(id)
        ),
    };
    let op_name = text::string(&op.name);
    if op.params.iter().any(|p| p.deprecated.is_some()) {
        out.line("#[allow(deprecated)]");
    }
    out.open(&format!("impl rt::Operation for {} {{", rust::params_name(op)));
    out.line(&format!("type Output = {};", output_ty_text(op)));
    out.line("type Kind = ErrorKind;");
    out.open("fn info() -> &'static rt::catalog::OperationInfo {");
    out.line(&format!("&super::super::catalog::{}", rust::info_name(op)));
    out.close("}");
    let checks = argument_checks(p, op);
    if !checks.is_empty() {
        out.line("#[inline]");
        out.open("fn check(&self) -> Result<(), rt::InvalidArgument> {");
        out.line(&format!("let operation = {op_name};"));
        for line in checks {
            out.line(&line);
        }
        out.line("Ok(())");
        out.close("}");
    }
    if op.read_first.is_some() {
        out.open("fn read_first() -> Option<&'static rt::catalog::ReadFirst> {");
        out.line(&format!("super::super::catalog::CATALOG.read_first({op_name})"));
        out.close("}");
    }
    out.line("#[inline]");
    out.open("fn read(response: rt::Response) -> Result<Self::Output, Error> {");
    out.line(&read);
    out.close("}");
    out.close("}");
}

/// The method that starts an operation: required arguments in, request out.
fn starter(out: &mut Lines, op: &Operation) {
    let (owner, client) = match op.namespace.is_empty() {
        true => ("Client".to_owned(), "self.clone()"),
        false => (rust::namespace_name(&op.namespace).to_string(), "self.client.clone()"),
    };
    let mut args = vec!["&self".to_owned()];
    args.extend(required_args(op));
    let names: Vec<String> =
        op.params.iter().filter(|p| p.required).map(|p| rust::ident_text(&p.name)).collect();
    let params = format!("{}::new({})", rust::params_name(op), names.join(", "));
    out.open(&format!("impl {owner} {{"));
    out.doc(&operation_doc(op));
    rust::deprecated(out, op.deprecated.as_ref());
    allow_many(out, op);
    let method = rust::ident_text(&op.method_name);
    out.open_wrapped(
        &format!("pub fn {method}("),
        &args,
        &format!(") -> {} {{", rust::builder_name(op)),
    );
    out.wrapped("Call::new(", &[client.to_owned(), params], ")", false);
    out.close("}");
    out.close("}");
}

/// The setters of the optional arguments (and `clear_` for the nullable ones).
fn setters(out: &mut Lines, op: &Operation) {
    for param in op.params.iter().filter(|param| !param.required) {
        let n = rust::ident_text(&param.name);
        let value = rust::arg_into_text(&param.ty, "value");
        let value = if param.nullable { format!("Some({value})") } else { value };
        out.doc(&param_doc(param));
        rust::deprecated(out, param.deprecated.as_ref());
        let arg = format!("value: {}", rust::arg_ty_text(&param.ty));
        rust::setter(out, &n, &arg, &format!("self.params.{n} = Some({value});"));
        if param.nullable {
            out.line(&format!("///Sends `{}` as `null`, which clears it.", param.wire.join(".")));
            let clear = format!("clear_{}", param.name);
            rust::setter(out, &clear, "", &format!("self.params.{n} = Some(None);"));
        }
    }
}

/// `pages()` for a paged list.
fn pages_method(out: &mut Lines, op: &Operation) {
    let Some(paging) = op.paging.as_ref() else { return };
    let (page, per_page) = (rust::ident_text(&paging.page), rust::ident_text(&paging.per_page));
    let (first, size) = (paging.first, paging.size);
    out.doc(&format!(
        "Walks every page of this list, one request per page, from page `{}` (or the one set) with `{}` items each ({size} unless set), until a page comes back short. The result is a `Stream` of pages, also walked with its own [`next`](crate::Pages::next); [`items`](crate::Pages::items) walks their items instead, and [`all`](crate::Pages::all) collects every item.",
        paging.page, paging.per_page
    ));
    out.line("#[inline]");
    out.open(&format!(
        "pub fn pages(self) -> rt::pages::Pages<{}, ErrorKind> {{",
        rust::ty_text(&paging.item)
    ));
    let count = "|n| u64::try_from(n).unwrap_or(0)";
    out.line(&format!("let first = self.params.{page}.map_or({first}u64, {count});"));
    out.line(&format!("let size = self.params.{per_page}.map_or({size}u64, {count});"));
    out.open("self.walk(first, size, |params, page, per_page| {");
    out.line(&format!("params.{page} = Some(page);"));
    out.line(&format!("params.{per_page} = Some(per_page);"));
    out.close("})");
    out.close("}");
}

/// The Rust type an operation resolves to.
pub fn output_ty(op: &Operation) -> TokenStream {
    rust::tokens(&output_ty_text(op))
}

/// [`output_ty`] as source text.
fn output_ty_text(op: &Operation) -> String {
    match &op.answer {
        Answer::Nothing => "()".to_owned(),
        Answer::Value(ty) | Answer::Job { ty, .. } => rust::ty_text(ty),
        Answer::Accepted(Some(ty)) => format!("rt::Accepted<{}>", rust::ty_text(ty)),
        Answer::Accepted(None) => "rt::Accepted<()>".to_owned(),
        Answer::JobOrState(ty) => format!("rt::JobOrState<{}>", rust::ty_text(ty)),
    }
}

/// Statements checking every argument's documented rules (and the one-of groups), with
/// `operation` in scope.
fn argument_checks(p: &Provider, op: &Operation) -> checks::Statements {
    let param = |member: &str| op.params.iter().find(|param| param.name == member);
    // an argument as `Option<&T>`: set or not (a cleared one is not set)
    let value_of = |member: &str| {
        let n = rust::ident_text(member);
        match param(member) {
            Some(param) if param.required => format!("Some(&self.{n})"),
            Some(param) if param.nullable => format!("self.{n}.as_ref().and_then(Option::as_ref)"),
            _ => format!("self.{n}.as_ref()"),
        }
    };
    let is_set = |member: &str| match param(member) {
        Some(param) if param.required => "true".to_owned(),
        _ => format!("{}.is_some()", value_of(member)),
    };
    let mut out = Vec::new();
    for param in &op.params {
        let body = checks::value(p, "value", &param.ty, &param.constraints, "label");
        if body.is_empty() {
            continue;
        }
        let place = match param.required {
            true => format!("&self.{}", rust::ident_text(&param.name)),
            false => value_of(&param.name),
        };
        let label = format!("rt::check::Field::Name({})", text::string(&param.name));
        out.extend(checks::member(param.required, &place, &label, body));
    }
    let label = |m: &str| format!("rt::check::Field::Name({})", text::string(m));
    out.extend(checks::groups(&op.at_least_one_of, &op.at_most_one_of, is_set, label));
    out.extend(checks::requirements(&op.requires, value_of, is_set, label));
    out
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
