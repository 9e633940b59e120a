//! `generated/catalog.rs`: every operation as data (the runtime's `OperationInfo`): its name,
//! docs, parameters with their types, defaults and rules, and its wire form. The runtime
//! builds requests from it; the dynamic entry point, shells and simulators read it.

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::rust;
use super::text::{option_string, slice, string, strings, Lines};
use crate::docs;
use crate::ir::{
    Answer, BodyEncoding, Bound, Constraints, Http, Literal, Location, Model, Operation, Paging,
    Param, PathPart, Provider, ResourceHandle, Ty, WaitSpec,
};

/// The file, laid out as text: it is data only, and the largest file of each crate.
pub fn file(p: &Provider) -> String {
    let mut out = Lines::default();
    out.line(
        "//! Every operation of this API as data: what it does, its parameters and its wire form",
    );
    out.line("//! ([`CATALOG`]), and the types that describe them.");
    out.line("pub use cloud_sdks_runtime::catalog::*;");
    out.line("/// Every operation of this API, in the order of its documentation.");
    out.open("pub static CATALOG: Catalog = Catalog {");
    out.field("provider", &string(&p.name));
    list(&mut out, "operations", p.operations.iter().map(|op| format!("&{}", rust::info_name(op))));
    let aliases = p.handles.iter().flat_map(|h| {
        h.methods.iter().map(move |m| {
            let alias = format!("{}.{}", h.name.to_upper_camel_case(), m.name);
            format!("({}, {})", string(&alias), string(&m.operation))
        })
    });
    list(&mut out, "aliases", aliases);
    list(&mut out, "models", p.models.iter().map(|m| format!("&{}", model_static(&m.name))));
    let waits = p.handles.iter().filter_map(|h| Some((h, h.wait.as_ref()?)));
    out.items("waits", waits, |out, (h, w)| wait_info(out, h, w));
    list(&mut out, "reads_first", p.operations.iter().filter_map(read_first_info));
    out.close("};");
    for op in &p.operations {
        entry(&mut out, p, op);
    }
    for m in &p.models {
        model_info(&mut out, p, m);
    }
    out.finish()
}

/// `name: &[…],` with one item per line.
fn list(out: &mut Lines, name: &str, items: impl Iterator<Item = String>) {
    out.items(name, items, |out, item| out.line(&format!("{item},")));
}

/// The `ReadFirst` entry of an operation that reads before it changes.
fn read_first_info(op: &Operation) -> Option<String> {
    let read = op.read_first.as_ref()?;
    Some(format!(
        "ReadFirst {{ operation: {}, into: {}, members: {} }}",
        string(&op.name),
        string(&read.into),
        strings(&read.members)
    ))
}

/// A model's catalog entry: `NewDatacenter` → `MODEL_NEW_DATACENTER`.
fn model_static(name: &str) -> String {
    format!("MODEL_{}", name.to_snake_case().to_uppercase())
}

fn model_info(out: &mut Lines, p: &Provider, m: &Model) {
    out.open(&format!("static {}: ModelInfo = ModelInfo {{", model_static(&m.name)));
    out.field("name", &string(&m.name));
    out.field("doc", &string(&docs::prose(&m.doc)));
    out.field("input", &m.input.to_string());
    out.field("output", &m.output.to_string());
    out.items("fields", &m.fields, |out, f| {
        out.open("FieldInfo {");
        out.field("name", &string(&f.rust));
        out.field("wire", &string(&f.wire.join(".")));
        out.field("ty", &ty(p, &f.ty));
        // only what differs from `FieldInfo::BASE`
        if f.required {
            out.field("required", "true");
        }
        if f.secret {
            out.field("secret", "true");
        }
        out.field("doc", &string(&docs::prose(&f.doc)));
        limits(out, &f.constraints);
        out.line("..FieldInfo::BASE");
        out.close("},");
    });
    out.close("};");
}

fn entry(out: &mut Lines, p: &Provider, op: &Operation) {
    let (method, path, body) = match &op.http {
        Http::Rest { method, path, body } => {
            let verb = method.to_lowercase().to_upper_camel_case();
            let template: String = path
                .iter()
                .map(|part| match part {
                    PathPart::Literal(s) => s.clone(),
                    PathPart::Param(n) => format!("{{{n}}}"),
                })
                .collect();
            let has_members =
                op.params.iter().any(|p| matches!(p.location, Location::Body | Location::Form));
            let body = match body {
                BodyEncoding::Form => "Form",
                BodyEncoding::Json if has_members => "Json",
                BodyEncoding::Json => "None",
            };
            (verb, template, body)
        }
        Http::Memset => ("Post".to_owned(), format!("/json/{}", op.name), "Named"),
    };
    let success: &[u16] = if op.success.is_empty() { &p.success } else { &op.success };
    let answer = match op.answer {
        Answer::Nothing => "Nothing",
        Answer::Value(_) => "Value",
        Answer::Accepted(_) => "Accepted",
        Answer::Job { .. } | Answer::JobOrState(_) => "Job",
    };
    let returns = op.returns.as_ref().map(|t| t.to_string());
    let pages = match &op.paging {
        Some(Paging { page, per_page, first, size, .. }) => format!(
            "Some(PageInfo {{ page: {}, per_page: {}, first: {first}, size: {size} }})",
            string(page),
            string(per_page)
        ),
        None => "None".to_owned(),
    };
    out.open(&format!(
        "pub(crate) static {}: OperationInfo = OperationInfo {{",
        rust::info_name(op)
    ));
    out.field("name", &string(&op.name));
    out.field("summary", &string(&docs::summary(&op.doc)));
    out.field("doc", &string(&docs::prose(&op.doc)));
    out.field("deprecated", &option_string(op.deprecated.as_deref()));
    out.field("method", &format!("Verb::{method}"));
    out.field("path", &string(&path));
    out.field("body", &format!("BodyKind::{body}"));
    out.items("params", &op.params, |out, param| param_info(out, p, param));
    out.field("success", &slice(success.iter().map(u16::to_string)));
    out.field("idempotent", &op.idempotent.to_string());
    out.field("answer", &format!("AnswerKind::{answer}"));
    out.field("returns", &option_string(returns.as_deref()));
    out.field("pages", &pages);
    out.close("};");
}

/// A handle's wait as data, for callers that wait without its Rust type (the shells).
fn wait_info(out: &mut Lines, h: &ResourceHandle, w: &WaitSpec) {
    let state = w.state.iter().flat_map(|step| step.wire.split('.'));
    out.open("WaitInfo {");
    out.field("id", &string(&h.id));
    out.field("operation", &string(&w.operation));
    out.field("state", &strings(state));
    out.field("done", &strings(&w.done));
    out.field("failed", &strings(&w.failed));
    out.field("interval_secs", &w.interval_secs.to_string());
    out.field("timeout_secs", &w.timeout_secs.to_string());
    out.close("},");
}

fn param_info(out: &mut Lines, p: &Provider, param: &Param) {
    let location = match param.location {
        Location::Path => "Path",
        Location::Query => "Query",
        Location::Body => "Body",
        Location::Form => "Form",
        Location::Named => "Named",
    };
    out.open("ParamInfo {");
    out.field("name", &string(&param.name));
    out.field("wire", &string(&param.wire.join(".")));
    out.field("location", &format!("Location::{location}"));
    out.field("ty", &ty(p, &param.ty));
    // only what differs from `ParamInfo::BASE`
    if param.required {
        out.field("required", "true");
    }
    if let Some(default) = &param.default {
        let literal = match default {
            Literal::String(s) | Literal::Enum(_, s) => format!("String({})", string(s)),
            Literal::Integer(i) => format!("Integer({i})"),
            Literal::Number(n) => format!("Number({})", number(*n)),
            Literal::Boolean(b) => format!("Boolean({b})"),
        };
        out.field("default", &format!("Some(Literal::{literal})"));
    }
    for (on, flag) in [
        (param.allow_slash, "allow_slash"),
        (param.flatten, "flatten"),
        (param.nullable, "nullable"),
        (param.secret, "secret"),
    ] {
        if on {
            out.field(flag, "true");
        }
    }
    if let Some(note) = &param.deprecated {
        out.field("deprecated", &format!("Some({})", string(note)));
    }
    out.field("doc", &string(&docs::prose(&param.doc)));
    limits(out, &param.constraints);
    out.line("..ParamInfo::BASE");
    out.close("},");
}

fn ty(p: &Provider, t: &Ty) -> String {
    match t {
        Ty::String => "Type::String".to_owned(),
        Ty::Integer => "Type::Integer".to_owned(),
        Ty::Number => "Type::Number".to_owned(),
        Ty::Boolean => "Type::Boolean".to_owned(),
        Ty::Json => "Type::Json".to_owned(),
        Ty::Date => "Type::Date".to_owned(),
        Ty::List(item) => format!("Type::List(&{})", ty(p, item)),
        Ty::Map(item) => format!("Type::Map(&{})", ty(p, item)),
        Ty::Model(name) => format!("Type::Model({})", string(name)),
        Ty::Enum(name) => {
            let values = p
                .enums
                .iter()
                .find(|e| &e.name == name)
                .map(|e| e.values.iter().map(|v| v.value.as_str()).collect::<Vec<_>>())
                .unwrap_or_default();
            format!("Type::Enum({}, {})", string(name), strings(values))
        }
    }
}

/// `limits: Limits { … },` for a member with rules; nothing for one without.
fn limits(out: &mut Lines, c: &Constraints) {
    if c.is_empty() {
        return;
    }
    let bound = |b: &Bound| match b {
        Bound::Integer(i) => number(*i as f64),
        Bound::Number(n) => number(*n),
    };
    let some = |value: String| format!("Some({value})");
    out.open("limits: Limits {");
    let set = [
        ("min", c.min.as_ref().map(bound)),
        ("max", c.max.as_ref().map(bound)),
        ("multiple_of", c.multiple_of.map(|n| n.to_string())),
        ("min_length", c.min_length.map(|n| n.to_string())),
        ("max_length", c.max_length.map(|n| n.to_string())),
        ("chars", c.chars.as_deref().map(string)),
        ("forbidden_chars", c.forbidden_chars.as_deref().map(string)),
    ];
    for (name, value) in set {
        if let Some(value) = value {
            out.field(name, &some(value));
        }
    }
    if !c.values.is_empty() {
        out.field("values", &strings(&c.values));
    }
    if let Some(separator) = &c.separator {
        out.field("separator", &some(string(separator)));
    }
    if !c.int_values.is_empty() {
        out.field("int_values", &slice(c.int_values.iter().map(i64::to_string)));
    }
    if let Some(n) = c.min_items {
        out.field("min_items", &some(n.to_string()));
    }
    if let Some(n) = c.max_items {
        out.field("max_items", &some(n.to_string()));
    }
    if let Some(member) = &c.exactly_one {
        out.field("exactly_one", &some(string(member)));
    }
    out.line("..Limits::NONE");
    out.close("},");
}

/// An `f64` as a literal that reads back as the same value (`2.0`, `0.5`, `1e-7`).
fn number(n: f64) -> String {
    format!("{n:?}")
}
