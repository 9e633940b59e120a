//! `generated/dynamic.rs`: the dynamic entry point, operation name + JSON arguments → typed
//! call → JSON result. Tests drive it from data files; a shell can be built on it.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust;
use crate::ir::{Operation, Provider};

pub fn file(p: &Provider) -> TokenStream {
    let names = p.operations.iter().map(|op| &op.name);
    let arms = p.operations.iter().map(arm);
    quote! {
        //! Calling operations by name with JSON arguments.
        #[allow(unused_imports)]
        use super::models::*;
        use super::{Client, Error};

        impl Client {
            /// The names of every operation [`call`](Self::call) accepts, as the source
            /// material spells them.
            pub const OPERATIONS: &'static [&'static str] = &[#(#names),*];

            /// Calls the operation named `operation` (the source's name, e.g. `"get_server"`)
            /// with `args`, a JSON object of its arguments by their source names; returns the
            /// answer as JSON.
            ///
            /// # Errors
            ///
            /// An [`InvalidArgument`](sdk_runtime::InvalidArgument) error for an unknown
            /// operation, or arguments that are missing, unknown or of the wrong type; otherwise
            /// whatever the typed call returns.
            #[allow(deprecated)]
            pub async fn call(&self, operation: &str, args: serde_json::Value) -> Result<serde_json::Value, Error> {
                match operation {
                    #(#arms)*
                    other => Err(sdk_runtime::dynamic::unknown_operation(other, Self::OPERATIONS).into()),
                }
            }
        }
    }
}

fn arm(op: &Operation) -> TokenStream {
    let name = &op.name;
    let fields = op.params.iter().map(|p| {
        let n = rust::ident(&p.name);
        let t = rust::ty(&p.ty);
        if p.required {
            quote!(#n: #t,)
        } else {
            quote!(#[serde(default)] #n: Option<#t>,)
        }
    });
    let mut start = quote!(self);
    for ns in &op.namespace {
        let ns = rust::ident(ns);
        start = quote!(#start.#ns());
    }
    let method = rust::ident(&op.method_name);
    let required = op.params.iter().filter(|p| p.required).map(|p| {
        let n = rust::ident(&p.name);
        quote!(args.#n)
    });
    let setters = op.params.iter().filter(|p| !p.required).map(|p| {
        let n = rust::ident(&p.name);
        quote! {
            if let Some(value) = args.#n {
                request = request.#n(value);
            }
        }
    });
    let has_optional = op.params.iter().any(|p| !p.required);
    let binding = if has_optional { quote!(let mut request) } else { quote!(let request) };
    let args_binding = if op.params.is_empty() { quote!(_) } else { quote!(args) };
    quote! {
        #name => {
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                #(#fields)*
            }
            let #args_binding: Args = sdk_runtime::dynamic::args(#name, args)?;
            #binding = #start.#method(#(#required),*);
            #(#setters)*
            sdk_runtime::dynamic::output(#name, request.send().await?)
        }
    }
}
