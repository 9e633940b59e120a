//! `generated/models.rs`: the models and enums of a provider.

use proc_macro2::TokenStream;
use quote::quote;

use super::deserialize::{self, Member, Struct};
use super::text::{self, Lines};
use super::Emitted;
use super::{checks, rust};
use crate::docs;
use crate::ir::{Enum, Field, Model, Provider, Ty};

/// `models/mod.rs`: one module per spec group that defines models or enums.
pub fn module(p: &Provider) -> TokenStream {
    let doc = format!("The models and enums of the {}.", p.title);
    let mods = groups(p).into_iter().map(|g| {
        let m = rust::ident(&g);
        quote! { mod #m; pub use #m::*; }
    });
    let response_types = response_types(p);
    quote! {
        #![doc = #doc]
        use cloud_sdks_runtime as rt;
        #(#mods)*
        #response_types
    }
}

/// The spec groups that define models or enums, in spec order.
pub fn groups(p: &Provider) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let names = p.models.iter().map(|m| &m.group).chain(p.enums.iter().map(|e| &e.group));
    for group in names {
        if !out.contains(group) {
            out.push(group.clone());
        }
    }
    out
}

/// What every `models/<group>.rs` imports.
const GROUP_USES: &str = "\
#[allow(unused_imports)]
use cloud_sdks_runtime as rt;
#[allow(unused_imports)]
use super::*;
";

/// `models/<group>.rs`: the group's models, then its enums, then how the models are read.
pub fn group(p: &Provider, group: &str) -> Emitted {
    let in_group: Vec<&Model> = p.models.iter().filter(|m| m.group == group).collect();
    let mut file = Emitted::default();
    file.text(&format!("//!The models and enums of the `{group}` group.\n{GROUP_USES}"));
    for m in &in_group {
        model(&mut file, p, m);
    }
    for e in p.enums.iter().filter(|e| e.group == group) {
        file.text(&enumeration(e));
    }
    let read: Vec<Struct<'_>> = in_group.iter().map(|m| read(p, m)).collect();
    file.text(&deserialize::list(&read));
    file
}

/// `RESPONSE_TYPES`: every type a response body is decoded into (each operation's return type,
/// every model and enum inside one), by name, with its decoder; for tests.
fn response_types(p: &Provider) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let mut entries = Vec::new();
    let returns = p.operations.iter().filter_map(|op| op.returns.clone());
    let models = p.models.iter().filter(|m| m.output).map(|m| Ty::Model(m.name.clone()));
    let enums = p
        .enums
        .iter()
        .filter(|e| {
            p.models.iter().any(|m| {
                m.output
                    && m.fields.iter().any(
                        |f| matches!(crate::validate::item_of(&f.ty), Ty::Enum(n) if *n == e.name),
                    )
            })
        })
        .map(|e| Ty::Enum(e.name.clone()));
    for ty in returns.chain(models).chain(enums) {
        let tokens = rust::ty(&ty);
        let name = tokens.to_string().replace(' ', "");
        if seen.insert(name.clone()) {
            entries.push(quote!((#name, rt::dynamic::decodes::<#tokens>)));
        }
    }
    quote! {
        /// Every type a response body is decoded into (each operation's return type, and the
        /// models and enums inside them), by name, with a function that decodes bytes into it
        /// the way responses are decoded. Tests feed arbitrary bytes to each.
        #[doc(hidden)]
        pub const RESPONSE_TYPES: &[(&str, rt::dynamic::Decoder)] = &[#(#entries),*];
    }
}

/// A model: its struct, constructors, redacted `Debug` and checks as text; the serde impls of
/// a model read from a bare string or sent nested as tokens.
fn model(file: &mut Emitted, p: &Provider, m: &Model) {
    // a model holding a password, token or key gets a Debug that hides it
    let secret = m.fields.iter().any(|f| f.secret);
    let mut derives = Vec::new();
    if !secret {
        derives.push("Debug");
    }
    derives.extend(["Clone", "PartialEq"]);
    // a model of optional fields only starts out empty, so it gets `Default` too
    if m.input && m.fields.iter().all(|f| !f.required) {
        derives.push("Default");
    }
    // a nested model is sent only, serialized to the nested wire shape by hand below; decoded
    // (by Rust names) only from callers' JSON, for the dynamic entry point
    if !m.nested {
        derives.push("serde::Serialize");
    }
    let mut out = Lines::default();
    out.doc(&docs::prose(&m.doc));
    out.line(&format!("#[derive({})]", derives.join(", ")));
    // a model that may also come as a bare string: its Serialize derive becomes an inherent
    // function (`remote = "Self"`), which the trait impls call for objects
    if m.from_string.is_some() {
        out.line("#[serde(remote = \"Self\")]");
    }
    out.line("#[non_exhaustive]");
    let name = rust::ident_text(&m.name);
    if m.fields.is_empty() {
        out.line(&format!("pub struct {name} {{}}"));
    } else {
        out.open(&format!("pub struct {name} {{"));
        for f in &m.fields {
            field(&mut out, m, f);
        }
        out.close("}");
    }
    file.text(&out.finish());
    if let Some(field) = &m.from_string {
        file.tokens(string_form(m, field));
    }
    if secret {
        let members: Vec<(String, bool, bool)> =
            m.fields.iter().map(|f| (f.rust.clone(), f.required, f.secret)).collect();
        file.text(&rust::redacted_debug(&m.name, &members));
    }
    if m.nested {
        file.tokens(nested_serialize(m));
    }
    if m.input {
        file.text(&constructors(m));
    }
    if m.checked {
        file.text(&check(p, m));
    }
}

/// How the model is read: by its wire names, and by its Rust names too (callers' JSON for the
/// dynamic entry point uses those); a nested model only by its Rust names. Callers' JSON for
/// a model that is only sent must not lose a misspelt member silently, so unknown members are
/// refused there; answers may carry members this crate does not know yet.
fn read<'a>(p: &Provider, m: &'a Model) -> Struct<'a> {
    let members = m
        .fields
        .iter()
        .map(|f| Member {
            rust: &f.rust,
            wire: if m.nested { &f.rust } else { &f.wire[0] },
            required: f.required,
            decoder: (p.lenient_numbers && !m.nested).then(|| lenient(f)).flatten(),
        })
        .collect();
    Struct {
        name: m.name.clone(),
        members,
        strict: m.input && !m.output,
        own_deserialize: m.from_string.is_some(),
    }
}

/// The runtime's lenient decoder of a number member, for providers that send numbers as text.
fn lenient(f: &Field) -> Option<&'static str> {
    match (&f.ty, f.required) {
        (Ty::Integer, true) => Some("rt::lenient::Integer"),
        (Ty::Integer, false) => Some("rt::lenient::OptionInteger"),
        (Ty::Number, true) => Some("rt::lenient::Number"),
        (Ty::Number, false) => Some("rt::lenient::OptionNumber"),
        _ => None,
    }
}

/// `Deserialize` (and `Serialize`) of a model that also decodes from a bare string, which
/// fills `field` and leaves the others unset; an object is read as any other model.
fn string_form(m: &Model, field: &str) -> TokenStream {
    let name = rust::ident(&m.name);
    let inits = m.fields.iter().map(|f| {
        let n = rust::ident(&f.rust);
        match (f.rust == field, f.required) {
            (true, true) => quote!(#n: text),
            (true, false) => quote!(#n: Some(text)),
            (false, _) => quote!(#n: None),
        }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::encode::string_or(deserializer, |text| Self { #(#inits),* }, rt::struct_de::deserialize)
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                Self::serialize(self, serializer)
            }
        }
    }
}

fn field_doc(f: &Field) -> String {
    let rules = checks::describe(&f.ty, &f.constraints);
    let mut text = docs::prose(&f.doc);
    if !rules.is_empty() {
        text.push_str("\n\n");
        text.push_str(&rules);
    }
    text
}

fn field(out: &mut Lines, m: &Model, f: &Field) {
    let ty = rust::ty_text(&f.ty);
    let ty = if f.required { ty } else { format!("Option<{ty}>") };
    // what `Serialize` needs; reading is the `members!` list at the end of the file, and a
    // nested model has its own `Serialize`
    let mut serde_attrs = Vec::new();
    if !m.nested {
        let wire = &f.wire[0];
        if *wire != f.rust {
            serde_attrs.push(format!("rename = {}", text::string(wire)));
        }
        if !f.required {
            serde_attrs.push("skip_serializing_if = \"Option::is_none\"".to_owned());
        }
    }
    out.doc(&field_doc(f));
    rust::deprecated(out, f.deprecated.as_ref());
    if !serde_attrs.is_empty() {
        out.line(&format!("#[serde({})]", serde_attrs.join(", ")));
    }
    out.line(&format!("pub {}: {ty},", rust::ident_text(&f.rust)));
}

/// `Serialize` for a model with dotted wire names: builds the nested JSON object.
fn nested_serialize(m: &Model) -> TokenStream {
    let name = rust::ident(&m.name);
    let inserts = m.fields.iter().map(|f| {
        let field = rust::ident(&f.rust);
        let path = &f.wire;
        let shared = m.fields.iter().filter(|other| other.wire == f.wire).count() > 1;
        let put = if shared { quote!(append_at) } else { quote!(insert_at) };
        let insert = quote! {
            rt::encode::#put(&mut body, &[#(#path),*], serde_json::to_value(value).map_err(serde::ser::Error::custom)?);
        };
        if f.required {
            quote! { let value = &self.#field; #insert }
        } else {
            quote! { if let Some(value) = &self.#field { #insert } }
        }
    });
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut body = serde_json::Map::new();
                #(#inserts)*
                serde::Serialize::serialize(&body, serializer)
            }
        }
    }
}

/// `new(<required fields>)` and a setter per optional field.
fn constructors(m: &Model) -> String {
    let required: Vec<&Field> = m.fields.iter().filter(|f| f.required).collect();
    let args: Vec<String> = required.iter().map(|f| rust::arg_text(&f.rust, &f.ty)).collect();
    let inits: Vec<String> =
        m.fields.iter().map(|f| rust::init_text(&f.rust, &f.ty, f.required)).collect();
    let new_doc = if required.is_empty() {
        format!("Creates an empty `{}`; set what you need with the setters.", m.name)
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.rust)).collect();
        format!(
            "Creates a `{}` from its required fields ({}); the optional ones start unset.",
            m.name,
            names.join(", ")
        )
    };
    let mut out = Lines::default();
    out.open(&format!("impl {} {{", rust::ident_text(&m.name)));
    out.line(&format!("///{new_doc}"));
    if m.fields.iter().any(|f| f.deprecated.is_some()) {
        out.line("#[allow(deprecated)]");
    }
    if required.len() > 7 {
        out.line("#[allow(clippy::too_many_arguments)]");
    }
    out.open_wrapped("pub fn new(", &args, ") -> Self {");
    out.wrapped("Self {", &inits, "}", true);
    out.close("}");
    for f in m.fields.iter().filter(|f| !f.required) {
        let n = rust::ident_text(&f.rust);
        out.doc(&field_doc(f));
        rust::deprecated(&mut out, f.deprecated.as_ref());
        let value = rust::arg_into_text(&f.ty, "value");
        let arg = format!("value: {}", rust::arg_ty_text(&f.ty));
        rust::setter(&mut out, &n, &arg, &format!("self.{n} = Some({value});"));
    }
    out.close("}");
    out.finish()
}

/// `check`: the model's documented rules, run before a request carrying it is sent.
fn check(p: &Provider, m: &Model) -> String {
    let field = |member: &str| m.fields.iter().find(|f| f.rust == member);
    let value_of = |member: &str| {
        let n = rust::ident_text(member);
        match field(member) {
            Some(f) if f.required => format!("Some(&self.{n})"),
            _ => format!("self.{n}.as_ref()"),
        }
    };
    let is_set = |member: &str| match field(member) {
        Some(f) if f.required => "true".to_owned(),
        _ => format!("self.{}.is_some()", rust::ident_text(member)),
    };
    let label = |member: &str| format!("rt::check::Field::Member(&at, {})", text::string(member));
    let mut body = Vec::new();
    for f in &m.fields {
        let checks = checks::value(p, "value", &f.ty, &f.constraints, "label");
        if checks.is_empty() {
            continue;
        }
        let place = format!("&self.{}", rust::ident_text(&f.rust));
        body.extend(checks::member(f.required, &place, &label(&f.rust), checks));
    }
    body.extend(checks::groups(&m.at_least_one_of, &m.at_most_one_of, is_set, label));
    body.extend(checks::requirements(&m.requires, value_of, is_set, label));
    let mut out = Lines::default();
    out.open(&format!("impl {} {{", rust::ident_text(&m.name)));
    out.line("/// Checks the documented rules of this model; `at` names it in errors.");
    if m.fields.iter().any(|f| f.deprecated.is_some()) {
        out.line("#[allow(deprecated)]");
    }
    out.open_wrapped(
        "pub(crate) fn check(",
        &["&self".to_owned(), "operation: &str".to_owned(), "at: rt::check::Field<'_>".to_owned()],
        ") -> Result<(), rt::InvalidArgument> {",
    );
    for line in body {
        out.line(&line);
    }
    out.line("let _ = (operation, at);");
    out.line("Ok(())");
    out.close("}");
    out.close("}");
    out.finish()
}

/// An enum's trait impls, the same for every enum but its name (`NAME`).
const ENUM_IMPLS: &str = "\
impl From<&str> for NAME {
    fn from(value: &str) -> Self {
        match value {
VALUES_TO_VARIANTS            other => Self::Unknown(other.to_owned()),
        }
    }
}
impl std::fmt::Display for NAME {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
impl serde::Serialize for NAME {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
impl<'de> serde::Deserialize<'de> for NAME {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        rt::encode::deserialize_str_enum(deserializer)
    }
}
";

/// An enum of wire values, with `Unknown` for the values this crate does not know.
fn enumeration(e: &Enum) -> String {
    let name = rust::ident_text(&e.name);
    let mut out = Lines::default();
    out.doc(&docs::prose(&e.doc));
    out.line("#[derive(Debug, Clone, PartialEq, Eq, Hash)]");
    out.line("#[non_exhaustive]");
    out.open(&format!("pub enum {name} {{"));
    for v in &e.values {
        out.doc(&format!("{}\n\nOn the wire: `{}`.", docs::prose(&v.doc), v.value));
        out.line(&format!("{},", rust::ident_text(&v.rust)));
    }
    out.line("/// A value this version of the crate does not know; kept as sent.");
    out.line("Unknown(String),");
    out.close("}");
    out.open(&format!("impl {name} {{"));
    out.line("/// Every documented value, as sent on the wire.");
    let values: Vec<String> = e.values.iter().map(|v| text::string(&v.value)).collect();
    out.wrapped("pub const VALUES: &'static [&'static str] = &[", &values, "];", false);
    out.line("/// The value as sent on the wire.");
    out.open("pub fn as_str(&self) -> &str {");
    out.open("match self {");
    for v in &e.values {
        out.line(&format!("Self::{} => {},", rust::ident_text(&v.rust), text::string(&v.value)));
    }
    out.line("Self::Unknown(value) => value,");
    out.close("}");
    out.close("}");
    out.close("}");
    // at the depth of the `match` arms in ENUM_IMPLS
    let arms: String = e
        .values
        .iter()
        .map(|v| {
            let (value, variant) = (text::string(&v.value), rust::ident_text(&v.rust));
            format!("            {value} => Self::{variant},\n")
        })
        .collect();
    let impls = ENUM_IMPLS.replace("NAME", &name).replace("VALUES_TO_VARIANTS", &arms);
    out.finish() + &impls
}
