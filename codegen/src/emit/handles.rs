//! `generated/handles.rs`: resource handles, `client.<name>(id)`, whose methods call the
//! operations that take that id, and whose `wait_for` polls the resource until it is ready.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use heck::ToUpperCamelCase;

use super::{operations, rust};
use crate::docs;
use crate::ir::{Operation, Provider, ResourceHandle, WaitSpec};

pub fn file(p: &Provider) -> TokenStream {
    let handles = p.handles.iter().map(|h| handle(p, h));
    quote! {
        //! Resource handles: `client.<resource>(id)` groups the calls on one resource and waits
        //! for it to be ready.
        #[allow(unused_imports)]
        use super::models::*;
        #[allow(unused_imports)]
        use super::operations::*;
        #[allow(unused_imports)]
        use super::{Client, ErrorKind};

        #(#handles)*
    }
}

fn find<'p>(p: &'p Provider, name: &str) -> Option<&'p Operation> {
    p.operations.iter().find(|op| op.name == name)
}

/// `self.client.ns().method` for an operation.
fn call_path(op: &Operation) -> TokenStream {
    let mut path = quote!(self.client);
    for ns in &op.namespace {
        let ns = rust::ident(ns);
        path = quote!(#path.#ns());
    }
    let method = rust::ident(&op.method_name);
    quote!(#path.#method)
}

fn handle(p: &Provider, h: &ResourceHandle) -> TokenStream {
    let type_name = format_ident!("{}Handle", h.name.to_upper_camel_case());
    let getter = rust::ident(&h.name);
    let id_param = rust::ident(&h.id);
    let doc = docs::attrs(&docs::prose(&h.doc));
    let getter_doc = docs::attrs(&format!(
        "A handle on one {}, by its `{}`.\n\n{}",
        h.name.replace('_', " "),
        h.id,
        docs::prose(&h.doc)
    ));
    let methods = h.methods.iter().filter_map(|(method, op_name)| {
        let op = find(p, op_name)?;
        let method = rust::ident(method);
        let builder = rust::builder_name(op);
        let others: Vec<_> =
            op.params.iter().filter(|param| param.required && param.name != h.id).collect();
        let args = others.iter().map(|param| {
            let n = rust::ident(&param.name);
            let t = rust::arg_ty(&param.ty);
            quote!(#n: #t)
        });
        let mut call_args = Vec::new();
        for param in op.params.iter().filter(|param| param.required) {
            let n = rust::ident(&param.name);
            call_args.push(if param.name == h.id { quote!(self.id.clone()) } else { quote!(#n) });
        }
        let call = call_path(op);
        let doc = docs::attrs(&format!(
            "{}\n\nCalls [`{}`](Client::{}) with this handle's id.",
            docs::summary(&op.doc),
            op.name,
            op.method_name
        ));
        let deprecated = op.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        let allow = deprecated.is_some().then(|| quote!(#[allow(deprecated)]));
        Some(quote! {
            #doc
            #deprecated
            #allow
            pub fn #method(&self, #(#args),*) -> #builder<'a> {
                #call(#(#call_args),*)
            }
        })
    });
    let wait = h.wait.as_ref().and_then(|w| Some(wait_methods(h, w, find(p, &w.operation)?)));
    quote! {
        impl Client {
            #getter_doc
            pub fn #getter(&self, #id_param: impl Into<String>) -> #type_name<'_> {
                #type_name { client: self, id: #id_param.into() }
            }
        }

        #doc
        #[derive(Debug, Clone)]
        pub struct #type_name<'a> {
            client: &'a Client,
            id: String,
        }

        impl<'a> #type_name<'a> {
            /// The id this handle refers to.
            pub fn id(&self) -> &str {
                &self.id
            }

            #(#methods)*
            #wait
        }
    }
}

fn wait_methods(h: &ResourceHandle, w: &WaitSpec, op: &Operation) -> TokenStream {
    let output = operations::output_ty(op);
    let call = call_path(op);
    let done = &w.done;
    let failed = &w.failed;
    let (interval, timeout) = (w.interval_secs, w.timeout_secs);
    let noun = h.name.replace('_', " ");
    // the state, as Option<String>, following the path through optional and required fields
    let mut state = quote!(Some(&value));
    for (segment, required) in &w.state {
        let field = rust::ident(segment);
        state = if *required {
            quote!(#state.map(|v| &v.#field))
        } else {
            quote!(#state.and_then(|v| v.#field.as_ref()))
        };
    }
    let done_list = done.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
    let failed_doc = if failed.is_empty() {
        String::new()
    } else {
        format!(
            " A state of {} ends it with an error.",
            failed.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
        )
    };
    let wait_doc = docs::attrs(&format!(
        "Waits until the {noun} is ready: polls [`{}`](Client::{}) every {interval} s until `{}` is one of {done_list}, and returns the last answer.{failed_doc} Gives up after {timeout} s with an [`Error::Wait`](cloud_sdks_runtime::Error::Wait); change the pace with the setters of the returned wait, then `.await` it.",
        op.name,
        op.method_name,
        w.state.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>().join("."),
    ));
    let state_doc = docs::attrs(&format!(
        "Like [`wait_for`](Self::wait_for), but waits for one of `states` instead of {done_list}."
    ));
    let failed_arm = (!failed.is_empty()).then(|| {
        quote! {
            Some(state) if [#(#failed),*].contains(&state.as_str()) => {
                let message = format!("the {} reached the state {}", #noun, state);
                cloud_sdks_runtime::wait::Progress::Failed { state, message }
            }
        }
    });
    quote! {
        #wait_doc
        pub fn wait_for(&self) -> cloud_sdks_runtime::wait::Wait<'a, #output, ErrorKind> {
            self.wait_for_state(&[#(#done),*])
        }

        #state_doc
        pub fn wait_for_state(&self, states: &[&str]) -> cloud_sdks_runtime::wait::Wait<'a, #output, ErrorKind> {
            let client = self.client;
            let id = self.id.clone();
            let done: Vec<String> = states.iter().map(|s| (*s).to_owned()).collect();
            let options = cloud_sdks_runtime::wait::WaitOptions::new(std::time::Duration::from_secs(#interval), std::time::Duration::from_secs(#timeout));
            let what = format!("{} {}", #noun, id);
            cloud_sdks_runtime::wait::Wait::new(what, options, Box::new(move || {
                let (id, done) = (id.clone(), done.clone());
                let handle = Self { client, id };
                Box::pin(async move { handle.look(&done).await })
            }))
        }

        /// One look at the resource for `wait_for`.
        async fn look(&self, done: &[String]) -> Result<cloud_sdks_runtime::wait::Progress<#output>, super::Error> {
            let value = #call(self.id.clone()).send().await?;
            let state: Option<String> = #state.map(|s| s.to_string());
            Ok(match state {
                Some(state) if done.contains(&state) => cloud_sdks_runtime::wait::Progress::Done(value),
                #failed_arm
                Some(state) => cloud_sdks_runtime::wait::Progress::Pending { state },
                None => cloud_sdks_runtime::wait::Progress::Pending { state: String::from("without a state") },
            })
        }
    }
}
