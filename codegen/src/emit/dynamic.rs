//! `generated/dynamic.rs`: the dynamic entry point, operation name + JSON arguments → typed
//! call → JSON result. Tests drive it from data files; a shell can be built on it.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::rust;
use crate::ir::{Operation, Param, Provider};

pub fn file(p: &Provider) -> TokenStream {
    let mut names: Vec<String> = p.operations.iter().map(|op| op.name.clone()).collect();
    let mut arms: Vec<TokenStream> =
        p.operations.iter().map(|op| arm(&op.name, op, None)).collect();
    // a handle's methods answer to the source's class-helper names, e.g. "Server.hardware"
    for h in &p.handles {
        for (method, op_name) in &h.methods {
            let Some(op) = p.operations.iter().find(|op| &op.name == op_name) else { continue };
            let name = format!("{}.{method}", h.name.to_upper_camel_case());
            arms.push(arm(&name, op, Some((&h.name, &h.id, method))));
            names.push(name);
        }
    }
    quote! {
        //! Calling operations by name with JSON arguments.
        #[allow(unused_imports)]
        use super::models::*;
        use super::{Client, Error};

        impl Client {
            /// The names of every operation [`call`](Self::call) accepts, as the source
            /// material spells them (class helpers as `Class.method`).
            pub const OPERATIONS: &'static [&'static str] = &[#(#names),*];

            /// Calls the operation named `operation` (the source's name, e.g. `"get_server"`)
            /// with `args`, a JSON object of its arguments by their source names; returns the
            /// answer as JSON.
            ///
            /// # Errors
            ///
            /// An [`InvalidArgument`](cloud_sdks_runtime::InvalidArgument) error for an unknown
            /// operation, or arguments that are missing, unknown or of the wrong type; otherwise
            /// whatever the typed call returns.
            #[allow(deprecated)]
            pub async fn call(&self, operation: &str, args: serde_json::Value) -> Result<serde_json::Value, Error> {
                match operation {
                    #(#arms)*
                    other => Err(cloud_sdks_runtime::dynamic::unknown_operation(other, Self::OPERATIONS).into()),
                }
            }
        }
    }
}

/// One `match` arm: decode the arguments, start the call (through a handle when `via` names
/// one: (handle, id parameter, method)), apply the optional arguments, send.
fn arm(name: &str, op: &Operation, via: Option<(&String, &String, &String)>) -> TokenStream {
    let fields = op.params.iter().map(|p| {
        let n = rust::ident(&p.name);
        let t = rust::ty(&p.ty);
        if p.required {
            quote!(#n: #t,)
        } else if p.nullable {
            // missing: leave it; null: clear it
            quote!(#[serde(default, deserialize_with = "cloud_sdks_runtime::dynamic::nullable")] #n: Option<Option<#t>>,)
        } else {
            quote!(#[serde(default)] #n: Option<#t>,)
        }
    });
    let required = |skip: Option<&String>| -> Vec<TokenStream> {
        op.params
            .iter()
            .filter(|p| p.required && Some(&p.name) != skip)
            .map(|p: &Param| {
                let n = rust::ident(&p.name);
                quote!(args.#n)
            })
            .collect()
    };
    let start = match via {
        Some((handle, id, method)) => {
            let (handle, id_field, method) =
                (rust::ident(handle), rust::ident(id), rust::ident(method));
            let others = required(Some(id));
            quote!(self.#handle(args.#id_field).#method(#(#others),*))
        }
        None => {
            let mut start = quote!(self);
            for ns in &op.namespace {
                let ns = rust::ident(ns);
                start = quote!(#start.#ns());
            }
            let method = rust::ident(&op.method_name);
            let all = required(None);
            quote!(#start.#method(#(#all),*))
        }
    };
    let setters = op.params.iter().filter(|p| !p.required).map(|p| {
        let n = rust::ident(&p.name);
        if p.nullable {
            let clear = quote::format_ident!("clear_{}", p.name);
            return quote! {
                match args.#n {
                    Some(Some(value)) => request = request.#n(value),
                    Some(None) => request = request.#clear(),
                    None => {}
                }
            };
        }
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
            let #args_binding: Args = cloud_sdks_runtime::dynamic::args(#name, args)?;
            #binding = #start;
            #(#setters)*
            cloud_sdks_runtime::dynamic::output(#name, request.send().await?)
        }
    }
}
