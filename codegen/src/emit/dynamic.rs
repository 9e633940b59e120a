//! `generated/dynamic.rs`: the dynamic entry point, operation name + JSON arguments → the
//! operation's parameter model → the one send path → JSON result. Tests drive it from data
//! files; a shell can be built on it.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::rust;
use crate::ir::Provider;

// `#[inline]` on what instantiates the generic send path (answer decoding, the dynamic
// dispatch, waits, page walks): it is then compiled in the crates that call it, so a client
// crate's own build only type-checks its operations; without it the memset crate emitted
// 27 times the LLVM IR (909k lines against 33k).
pub fn file(p: &Provider) -> TokenStream {
    let mut names: Vec<String> = p.operations.iter().map(|op| op.name.clone()).collect();
    let mut arms: Vec<TokenStream> = p
        .operations
        .iter()
        .map(|op| {
            let name = &op.name;
            let params = rust::params_name(op);
            quote!(#name => rt::dynamic::call::<#params>,)
        })
        .collect();
    // a handle's methods answer to the source's class-helper names, e.g. "Server.hardware"
    for h in &p.handles {
        for m in &h.methods {
            let Some(op) = p.operations.iter().find(|op| op.name == m.operation) else { continue };
            let name = format!("{}.{}", h.name.to_upper_camel_case(), m.name);
            let params = rust::params_name(op);
            arms.push(quote!(#name => rt::dynamic::call::<#params>,));
            names.push(name);
        }
    }
    quote! {
        //! Calling operations by name with JSON arguments.
        use cloud_sdks_runtime as rt;

        use super::operations::*;
        use super::{Client, ErrorKind};

        /// How a dynamic call starts.
        type Start = fn(&rt::Transport, serde_json::Value) -> rt::CallFuture<serde_json::Value, ErrorKind>;

        impl Client {
            /// The names of every operation [`call`](Self::call) accepts, as the source
            /// material spells them (class helpers as `Class.method`).
            pub const OPERATIONS: &'static [&'static str] = &[#(#names),*];

            /// Calls the operation named `operation` (the source's name, e.g. `"get_server"`)
            /// with `args`, a JSON object of its arguments by their source names; the answer
            /// comes back as JSON. It runs exactly like the typed call: the same checks,
            /// request, retries and errors.
            ///
            /// # Errors
            ///
            /// An [`InvalidArgument`](crate::InvalidArgument) error for an unknown
            /// operation, or arguments that are missing, unknown or of the wrong type; otherwise
            /// whatever the typed call returns.
            #[inline]
            pub fn call(&self, operation: &str, args: serde_json::Value) -> rt::CallFuture<serde_json::Value, ErrorKind> {
                let start: Start = match operation {
                    #(#arms)*
                    other => {
                        let unknown = rt::dynamic::unknown_operation(other, Self::OPERATIONS);
                        return rt::CallFuture::failed(unknown.into());
                    }
                };
                start(&self.transport, args)
            }
        }
    }
}
