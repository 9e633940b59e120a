//! `generated/models.rs`: the models and enums of a provider.

use proc_macro2::TokenStream;
use quote::quote;

use super::deserialize::{self, Member, Struct};
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

/// `models/<group>.rs`: the group's models, then its enums, then how the models are read.
pub fn group(p: &Provider, group: &str) -> Emitted {
    let in_group: Vec<&Model> = p.models.iter().filter(|m| m.group == group).collect();
    let models = in_group.iter().map(|m| model(p, m));
    let enums = p.enums.iter().filter(|e| e.group == group).map(enumeration);
    let doc = format!("The models and enums of the `{group}` group.");
    let read: Vec<Struct<'_>> = in_group.iter().map(|m| read(p, m)).collect();
    let tokens = quote! {
        #![doc = #doc]
        #[allow(unused_imports)]
        use cloud_sdks_runtime as rt;
        #[allow(unused_imports)]
        use super::*;

        #(#models)*
        #(#enums)*
    };
    let mut file = Emitted::from(tokens);
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

fn model(p: &Provider, m: &Model) -> TokenStream {
    let name = rust::ident(&m.name);
    let doc = docs::attrs(&docs::prose(&m.doc));
    let fields = m.fields.iter().map(|f| field(m, f));
    // a model of optional fields only starts out empty, so it gets `Default` too
    let default = (m.input && m.fields.iter().all(|f| !f.required)).then(|| quote!(Default,));
    // a model holding a password, token or key gets a Debug that hides it
    let secret = m.fields.iter().any(|f| f.secret);
    let debug = (!secret).then(|| quote!(Debug,));
    let redacted_debug = secret.then(|| {
        let members: Vec<(String, bool, bool)> =
            m.fields.iter().map(|f| (f.rust.clone(), f.required, f.secret)).collect();
        rust::redacted_debug(&m.name, &members, None)
    });
    let derives = if m.nested {
        // sent only, serialized to the nested wire shape by hand below; decoded (by Rust
        // names) only from callers' JSON, for the dynamic entry point
        quote!(#[derive(#debug Clone, PartialEq, #default)])
    } else {
        quote!(#[derive(#debug Clone, PartialEq, #default serde::Serialize)])
    };
    // a model that may also come as a bare string: its Serialize derive becomes an inherent
    // function (`remote = "Self"`), which the trait impls call for objects
    let (remote, string_form) = match &m.from_string {
        Some(field) => (quote!(#[serde(remote = "Self")]), string_form(m, field)),
        None => (TokenStream::new(), TokenStream::new()),
    };
    let serialize = if m.nested { nested_serialize(m) } else { TokenStream::new() };
    let builder = if m.input { constructors(m) } else { TokenStream::new() };
    let check = if m.checked { check(p, m) } else { TokenStream::new() };
    quote! {
        #doc
        #derives
        #remote
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #string_form
        #redacted_debug
        #serialize
        #builder
        #check
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

fn field_doc(f: &Field) -> TokenStream {
    let rules = checks::describe(&f.ty, &f.constraints);
    let mut text = docs::prose(&f.doc);
    if !rules.is_empty() {
        text.push_str("\n\n");
        text.push_str(&rules);
    }
    docs::attrs(&text)
}

fn field(m: &Model, f: &Field) -> TokenStream {
    let name = rust::ident(&f.rust);
    let doc = field_doc(f);
    let inner = rust::ty(&f.ty);
    let ty = if f.required { inner } else { quote!(Option<#inner>) };
    // what `Serialize` needs; reading is the `members!` list at the end of the file, and a
    // nested model has its own `Serialize`
    let mut serde_attrs = Vec::new();
    if !m.nested {
        let wire = &f.wire[0];
        if *wire != f.rust {
            serde_attrs.push(quote!(rename = #wire));
        }
        if !f.required {
            serde_attrs.push(quote!(skip_serializing_if = "Option::is_none"));
        }
    }
    let serde = if serde_attrs.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[serde(#(#serde_attrs),*)])
    };
    let deprecated = f.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    quote! {
        #doc
        #deprecated
        #serde
        pub #name: #ty,
    }
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
fn constructors(m: &Model) -> TokenStream {
    let name = rust::ident(&m.name);
    let required: Vec<&Field> = m.fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let n = rust::ident(&f.rust);
        let t = rust::arg_ty(&f.ty);
        quote!(#n: #t)
    });
    let inits = m.fields.iter().map(|f| {
        let n = rust::ident(&f.rust);
        if f.required {
            rust::init_from_arg(&f.rust, &f.ty)
        } else {
            quote!(#n: None)
        }
    });
    let setters = m.fields.iter().filter(|f| !f.required).map(|f| {
        let n = rust::ident(&f.rust);
        let t = rust::arg_ty(&f.ty);
        let value = rust::arg_into(&f.ty, "value");
        let doc = field_doc(f);
        let deprecated = f.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        quote! {
            #doc
            #deprecated
            pub fn #n(mut self, value: #t) -> Self {
                self.#n = Some(#value);
                self
            }
        }
    });
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
    let allow_deprecated =
        m.fields.iter().any(|f| f.deprecated.is_some()).then(|| quote!(#[allow(deprecated)]));
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #name {
            #[doc = #new_doc]
            #allow_deprecated
            #many
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
        }
    }
}

/// `check`: the model's documented rules, run before a request carrying it is sent.
fn check(p: &Provider, m: &Model) -> TokenStream {
    let name = rust::ident(&m.name);
    let per_field = m.fields.iter().map(|f| {
        let n = rust::ident(&f.rust);
        let rust_name = &f.rust;
        let body = checks::value(p, &quote!(value), &f.ty, &f.constraints, &quote!(label));
        if body.is_empty() {
            return body;
        }
        let label_init = quote! { let label = rt::check::Field::Member(&at, #rust_name); };
        if f.required {
            quote! { { let value = &self.#n; #label_init #body } }
        } else {
            quote! { if let Some(value) = &self.#n { #label_init #body } }
        }
    });
    let groups = checks::groups(
        &m.at_least_one_of,
        &m.at_most_one_of,
        |member| {
            let n = rust::ident(member);
            match m.fields.iter().find(|f| f.rust == member) {
                Some(f) if f.required => quote!(true),
                _ => quote!(self.#n.is_some()),
            }
        },
        |member| quote!(rt::check::Field::Member(&at, #member)),
    );
    let requires = checks::requirements(
        &m.requires,
        |member| {
            let n = rust::ident(member);
            match m.fields.iter().find(|f| f.rust == member) {
                Some(f) if f.required => quote!(Some(&self.#n)),
                _ => quote!(self.#n.as_ref()),
            }
        },
        |member| {
            let n = rust::ident(member);
            match m.fields.iter().find(|f| f.rust == member) {
                Some(f) if f.required => quote!(true),
                _ => quote!(self.#n.is_some()),
            }
        },
        |member| quote!(rt::check::Field::Member(&at, #member)),
    );
    let allow_deprecated =
        m.fields.iter().any(|f| f.deprecated.is_some()).then(|| quote!(#[allow(deprecated)]));
    quote! {
        impl #name {
            /// Checks the documented rules of this model; `at` names it in errors.
            #allow_deprecated
            pub(crate) fn check(&self, operation: &str, at: rt::check::Field<'_>) -> Result<(), rt::InvalidArgument> {
                #(#per_field)*
                #groups
                #requires
                let _ = (operation, at);
                Ok(())
            }
        }
    }
}

fn enumeration(e: &Enum) -> TokenStream {
    let name = rust::ident(&e.name);
    let doc = docs::attrs(&docs::prose(&e.doc));
    let variants = e.values.iter().map(|v| {
        let variant = rust::ident(&v.rust);
        let doc = docs::attrs(&format!("{}\n\nOn the wire: `{}`.", docs::prose(&v.doc), v.value));
        quote! { #doc #variant, }
    });
    let to_str = e.values.iter().map(|v| {
        let variant = rust::ident(&v.rust);
        let value = &v.value;
        quote! { Self::#variant => #value, }
    });
    let from_str = e.values.iter().map(|v| {
        let variant = rust::ident(&v.rust);
        let value = &v.value;
        quote! { #value => Self::#variant, }
    });
    let values = e.values.iter().map(|v| &v.value);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know; kept as sent.
            Unknown(String),
        }

        impl #name {
            /// Every documented value, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::encode::deserialize_str_enum(deserializer)
            }
        }
    }
}
