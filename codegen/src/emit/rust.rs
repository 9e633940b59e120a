//! Small shared pieces: identifiers, Rust types of spec types, literals, text conversions.

use heck::ToUpperCamelCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::format_ident;

use super::text::{self, Lines};
use crate::ir::{Literal, Operation, Ty};

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// An identifier, raw (`r#type`) when the name is a keyword.
pub fn ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// [`ident`] as source text.
pub fn ident_text(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// Source text the generator wrote as tokens, for the emitters that build tokens.
pub fn tokens(text: &str) -> TokenStream {
    // the text comes from the functions below, out of validated names: it always lexes
    text.parse().unwrap_or_else(|err| panic!("codegen wrote Rust that does not lex: {text}: {err}"))
}

/// The request builder type of an operation: `dns.zone_info` → `DnsZoneInfoRequest`.
pub fn builder_name(op: &Operation) -> Ident {
    format_ident!("{}Request", op.name.replace('.', "_").to_upper_camel_case())
}

/// The parameter model of an operation: `dns.zone_info` → `DnsZoneInfoParams`.
pub fn params_name(op: &Operation) -> Ident {
    format_ident!("{}Params", op.name.replace('.', "_").to_upper_camel_case())
}

/// The catalog entry of an operation: `dns.zone_info` → `DNS_ZONE_INFO`.
pub fn info_name(op: &Operation) -> Ident {
    format_ident!("{}", op.name.replace('.', "_").to_uppercase())
}

/// The path of the method that starts an operation, for doc links: `Client::get_server`,
/// `DnsApi::zone_info`.
pub fn starter_path(op: &Operation) -> String {
    match op.namespace.is_empty() {
        true => format!("Client::{}", op.method_name),
        false => format!("{}::{}", namespace_name(&op.namespace), op.method_name),
    }
}

/// The namespace handle type of a dotted prefix: `["cluster", "real_service"]` → `ClusterRealServiceApi`.
pub fn namespace_name(path: &[String]) -> Ident {
    format_ident!("{}Api", path.join("_").to_upper_camel_case())
}

/// The Rust type of a spec type.
pub fn ty(t: &Ty) -> TokenStream {
    tokens(&ty_text(t))
}

/// [`ty`] as source text.
pub fn ty_text(t: &Ty) -> String {
    match t {
        Ty::String => "String".to_owned(),
        Ty::Integer => "i64".to_owned(),
        Ty::Number => "f64".to_owned(),
        Ty::Boolean => "bool".to_owned(),
        Ty::Json => "serde_json::Value".to_owned(),
        Ty::Date => "cloud_sdks_runtime::date::Date".to_owned(),
        Ty::List(inner) => format!("Vec<{}>", ty_text(inner)),
        Ty::Map(inner) => format!("std::collections::BTreeMap<String, {}>", ty_text(inner)),
        Ty::Model(name) | Ty::Enum(name) => ident_text(name),
    }
}

/// The type a caller passes for a value of `t`: strings as `impl Into<String>`, enums as
/// `impl Into<Enum>` (a variant, or its wire text), lists as `impl Into<OneOrMany<T>>` (one
/// value or many).
pub fn arg_ty(t: &Ty) -> TokenStream {
    tokens(&arg_ty_text(t))
}

/// [`arg_ty`] as source text.
pub fn arg_ty_text(t: &Ty) -> String {
    match t {
        Ty::String => "impl Into<String>".to_owned(),
        Ty::Enum(name) => format!("impl Into<{}>", ident_text(name)),
        Ty::List(item) => {
            format!("impl Into<cloud_sdks_runtime::OneOrMany<{}>>", ty_text(item))
        }
        other => ty_text(other),
    }
}

/// `name: Type`, an argument that a constructor or starter takes for a required member.
pub fn arg_text(name: &str, t: &Ty) -> String {
    format!("{}: {}", ident_text(name), arg_ty_text(t))
}

/// A struct member's initialiser in a constructor, as source text: a required one from the
/// argument of the same name (converting strings), an optional one unset.
pub fn init_text(name: &str, t: &Ty, required: bool) -> String {
    let n = ident_text(name);
    match (required, t) {
        (false, _) => format!("{n}: None"),
        (true, Ty::String | Ty::Enum(_) | Ty::List(_)) => format!("{n}: {}", arg_into_text(t, &n)),
        (true, _) => n,
    }
}

/// Converts `value`, an argument of `arg_ty(t)`, into the stored type, as source text.
pub fn arg_into_text(t: &Ty, value: &str) -> String {
    match t {
        Ty::String | Ty::Enum(_) => format!("{value}.into()"),
        Ty::List(_) => format!("{value}.into().into_vec()"),
        _ => value.to_owned(),
    }
}

/// A default in the words of the docs.
pub fn literal_doc(l: &Literal) -> String {
    match l {
        Literal::String(s) | Literal::Enum(_, s) => format!("`{s:?}`"),
        Literal::Integer(i) => format!("`{i}`"),
        Literal::Number(n) => format!("`{n}`"),
        Literal::Boolean(b) => format!("`{b}`"),
    }
}

/// A `Debug` impl for `name` that shows `<redacted>` instead of its secret members: `members`
/// are (Rust name, required, secret).
pub fn redacted_debug(name: &str, members: &[(String, bool, bool)]) -> String {
    let mut out = Lines::default();
    out.open(&format!("impl std::fmt::Debug for {} {{", ident_text(name)));
    out.open("fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {");
    out.line(&format!("f.debug_struct({})", text::string(name)));
    for (member, required, secret) in members {
        let n = ident_text(member);
        let value = match (secret, required) {
            (false, _) => format!("&self.{n}"),
            (true, true) => "&\"<redacted>\"".to_owned(),
            (true, false) => format!("&self.{n}.as_ref().map(|_| \"<redacted>\")"),
        };
        out.line(&format!("    .field({}, {value})", text::string(member)));
    }
    out.line("    .finish()");
    out.close("}");
    out.close("}");
    out.finish()
}

/// `#[deprecated(note = …)]` when there is a note.
pub fn deprecated(out: &mut Lines, note: Option<&String>) {
    if let Some(note) = note {
        out.line(&format!("#[deprecated(note = {})]", text::string(note)));
    }
}

/// A setter, `pub fn name(mut self, arg) -> Self` (`arg` may be empty), that runs `store` and
/// returns the value.
pub fn setter(out: &mut Lines, name: &str, arg: &str, store: &str) {
    let arg = if arg.is_empty() { String::new() } else { format!(", {arg}") };
    out.open(&format!("pub fn {name}(mut self{arg}) -> Self {{"));
    out.line(store);
    out.line("self");
    out.close("}");
}
