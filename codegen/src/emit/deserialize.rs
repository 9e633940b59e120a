//! `Deserialize` of a generated struct (a model or an operation's arguments), through the
//! runtime's `struct_de`: an `index` match of the member names and one `visit` with an arm
//! per member. serde's derive would write a field enum, its visitor and a sequence visitor
//! into every struct, which was most of a client crate's build time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust;

/// One member of the struct, as it is read.
pub struct Member<'a> {
    /// The Rust field name.
    pub rust: &'a str,
    /// The name the member is read by, and named by in errors.
    pub wire: &'a str,
    /// Whether a missing member is an error; an optional one is left at its default (`None`).
    pub required: bool,
    /// A runtime `Decode` marker, for a member its type's own `Deserialize` does not read.
    pub decoder: Option<TokenStream>,
}

/// `impl Members` and (unless `trait_impl` is false, for a struct whose own `Deserialize`
/// calls `rt::struct_de::deserialize` itself) `impl Deserialize` for `name`. A member whose
/// `wire` name differs from its Rust name is read by both. `strict` refuses unknown keys.
pub fn impls(
    name: &str,
    members: &[Member<'_>],
    strict: bool,
    deprecated: bool,
    trait_impl: bool,
) -> TokenStream {
    let ty = rust::ident(name);
    let mut names: Vec<&str> = Vec::new();
    let mut arms = Vec::new();
    for member in members {
        let mut own = vec![member.wire, member.rust];
        own.sort_unstable();
        own.dedup();
        let indexes =
            (names.len()..names.len() + own.len()).map(proc_macro2::Literal::usize_unsuffixed);
        names.extend(own);
        let slot = slot(member);
        let wire = member.wire;
        let read = match &member.decoder {
            None => quote!(rt::struct_de::field(&mut map, &mut #slot, #wire)?),
            Some(decoder) => {
                quote!(rt::struct_de::field_with(&mut map, &mut #slot, #wire, #decoder)?)
            }
        };
        arms.push(quote!(#(#indexes)|* => #read,));
    }
    let numbers = (0..names.len()).map(proc_macro2::Literal::usize_unsuffixed);
    let index = if names.is_empty() {
        quote!(
            fn index(_: &str) -> usize {
                rt::struct_de::OTHER
            }
        )
    } else {
        quote! {
            fn index(key: &str) -> usize {
                match key {
                    #(#names => #numbers,)*
                    _ => rt::struct_de::OTHER,
                }
            }
        }
    };
    let slots = members.iter().map(slot);
    let inits = members.iter().map(|member| {
        let field = rust::ident(member.rust);
        let slot = slot(member);
        let wire = member.wire;
        if member.required {
            quote!(#field: rt::struct_de::required(#slot, #wire)?)
        } else {
            quote!(#field: #slot.unwrap_or_default())
        }
    });
    let read = if members.is_empty() {
        quote! {
            let keys = rt::struct_de::Keys::of::<Self>();
            while keys.next(&mut map)?.is_some() {
                rt::struct_de::skip(&mut map)?;
            }
        }
    } else {
        quote! {
            #(let mut #slots = None;)*
            let keys = rt::struct_de::Keys::of::<Self>();
            while let Some(key) = keys.next(&mut map)? {
                match key {
                    #(#arms)*
                    _ => rt::struct_de::skip(&mut map)?,
                }
            }
        }
    };
    let strict = strict.then(|| {
        quote!(
            const STRICT: bool = true;
        )
    });
    let allow_deprecated = deprecated.then(|| quote!(#[allow(deprecated)]));
    let deserialize = trait_impl.then(|| {
        quote! {
            impl<'de> serde::Deserialize<'de> for #ty {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    rt::struct_de::deserialize(deserializer)
                }
            }
        }
    });
    quote! {
        impl rt::struct_de::Members for #ty {
            const NAME: &'static str = #name;
            const NAMES: &'static [&'static str] = &[#(#names),*];
            #strict

            #index

            #allow_deprecated
            fn visit<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                #read
                Ok(Self { #(#inits),* })
            }
        }

        #deserialize
    }
}

/// The local a member is read into, named apart from `map`, `keys` and `key` whatever the
/// field is.
fn slot(member: &Member<'_>) -> proc_macro2::Ident {
    format_ident!("slot_{}", member.rust)
}
