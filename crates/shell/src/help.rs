//! Help from the catalog, offline: the local commands, every operation, one operation.

use std::fmt::Write;

use cloud_sdks_runtime::catalog::{Catalog, Limits, Literal, OperationInfo, ParamInfo, Type};

/// `help` alone: the local commands and how to call a remote one.
pub fn general(program: &str) -> String {
    format!(
        "Local commands:\n  help             this text\n  help remote      every remote command with its summary\n  \
         help <command>   a remote command's parameters\n  quit             end the session\n\n\
         Remote commands: command [param_name [(type)] param_value ...]\n  \
         Values are converted by the parameter's type; a (type) before a value sets its form:\n  \
         (string), (int), (float), (boolean) = true/false/yes/no/1/0, (list) = comma separated \
         values, (json).\n\nUse '{program} help remote' or 'help remote' for remote commands."
    )
}

/// `help remote`: every operation, one a line, with its summary; then the aliases.
pub fn remote(catalog: &Catalog) -> String {
    let width = catalog.operations.iter().map(|op| op.name.len()).max().unwrap_or(0);
    let mut out = String::from("Remote command list:\n");
    for op in catalog.operations {
        let note = if op.deprecated.is_some() { " (deprecated)" } else { "" };
        let _ = writeln!(out, "  {:width$}  {}{note}", op.name, op.summary);
    }
    if !catalog.aliases.is_empty() {
        out.push_str("\nAliases:\n");
        for (alias, op) in catalog.aliases {
            let _ = writeln!(out, "  {alias} = {op}");
        }
    }
    out.trim_end().to_owned()
}

fn literal(value: &Literal) -> String {
    match value {
        Literal::String(text) => format!("'{text}'"),
        Literal::Integer(i) => i.to_string(),
        Literal::Number(n) => n.to_string(),
        Literal::Boolean(b) => b.to_string(),
    }
}

/// The limits of a parameter in words, e.g. `"1 to 64 characters of A-Za-z0-9._-"`.
pub fn limits(limits: &Limits) -> Vec<String> {
    let mut out = Vec::new();
    match (limits.min, limits.max) {
        (Some(min), Some(max)) => out.push(format!("from {min} to {max}")),
        (Some(min), None) => out.push(format!("at least {min}")),
        (None, Some(max)) => out.push(format!("at most {max}")),
        (None, None) => {}
    }
    if let Some(step) = limits.multiple_of {
        out.push(format!("a multiple of {step}"));
    }
    match (limits.min_length, limits.max_length) {
        (Some(min), Some(max)) => out.push(format!("{min} to {max} characters")),
        (Some(min), None) => out.push(format!("at least {min} characters")),
        (None, Some(max)) => out.push(format!("at most {max} characters")),
        (None, None) => {}
    }
    if let Some(chars) = limits.chars {
        out.push(format!("only characters {chars}"));
    }
    if let Some(chars) = limits.forbidden_chars {
        out.push(format!("none of the characters {chars}"));
    }
    if !limits.values.is_empty() {
        out.push(format!("one of {}", limits.values.join(", ")));
    }
    if !limits.int_values.is_empty() {
        let values: Vec<String> = limits.int_values.iter().map(i64::to_string).collect();
        out.push(format!("one of {}", values.join(", ")));
    }
    match (limits.min_items, limits.max_items) {
        (Some(min), Some(max)) => out.push(format!("{min} to {max} items")),
        (Some(min), None) => out.push(format!("at least {min} items")),
        (None, Some(max)) => out.push(format!("at most {max} items")),
        (None, None) => {}
    }
    if let Some(member) = limits.exactly_one {
        out.push(format!("exactly one item with {member} true"));
    }
    out
}

fn param(out: &mut String, catalog: &Catalog, p: &ParamInfo) {
    let need = if p.required { "required" } else { "optional" };
    let _ = writeln!(out, "  {} ({}, {need})", p.name, p.ty);
    if !p.doc.is_empty() {
        let _ = writeln!(out, "      {}", p.doc.replace('\n', "\n      "));
    }
    let mut facts = Vec::new();
    if let Type::Enum(_, values) = p.ty {
        facts.push(format!("values: {}", values.join(", ")));
    }
    if let Type::Model(name) = p.ty {
        if let Some(model) = catalog.model(name) {
            let fields: Vec<&str> = model.fields.iter().map(|f| f.name).collect();
            facts.push(format!("a JSON object with {}", fields.join(", ")));
        }
    }
    if let Some(default) = &p.default {
        facts.push(format!("default: {}", literal(default)));
    }
    let rules = limits(&p.limits);
    if !rules.is_empty() {
        facts.push(format!("limits: {}", rules.join("; ")));
    }
    if p.secret {
        facts.push("secret: never shown".to_owned());
    }
    if let Some(why) = p.deprecated {
        facts.push(format!("deprecated: {why}"));
    }
    facts.push(format!("wire: {:?} {}", p.location, p.wire));
    for fact in facts {
        let _ = writeln!(out, "      {fact}");
    }
}

/// `help <command>`: its description, its wire form and each parameter with type,
/// required/optional, default, allowed values and limits.
pub fn operation(catalog: &Catalog, op: &OperationInfo) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", op.name, op.doc.trim());
    if let Some(why) = op.deprecated {
        let _ = writeln!(out, "Deprecated: {why}");
    }
    let _ = writeln!(out, "Wire: {} {}", op.method, op.path);
    if let Some(returns) = op.returns {
        let _ = writeln!(out, "Returns: {returns}");
    }
    if op.params.is_empty() {
        out.push_str("Parameters: none\n");
    } else {
        out.push_str("Parameters:\n");
        for p in op.params {
            param(&mut out, catalog, p);
        }
    }
    out.trim_end().to_owned()
}
