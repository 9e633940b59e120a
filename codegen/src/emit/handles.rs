//! `generated/handles.rs`: resource handles, `client.<name>(id)`, whose methods call the
//! operations that take that id, and whose `wait_for` polls the resource until it is ready.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use heck::ToUpperCamelCase;

use super::{operations, rust};
use crate::docs;
use crate::ir::{Operation, Provider, ResourceHandle, Ty, WaitSpec};

pub fn file(p: &Provider) -> TokenStream {
    let handles = p.handles.iter().map(|h| handle(p, h));
    quote! {
        //! Resource handles: `client.<resource>(id)` groups the calls on one resource and waits
        //! for it to be ready.
        use cloud_sdks_runtime as rt;
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

/// `client.ns().method` for an operation, on `client`.
fn call_path(op: &Operation, client: TokenStream) -> TokenStream {
    let mut path = client;
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
    let methods = h.methods.iter().filter_map(|m| {
        let op = find(p, &m.operation)?;
        let method = rust::ident(&m.name);
        let request = rust::builder_name(op);
        let others: Vec<_> =
            op.params.iter().filter(|param| param.required && param.name != h.id).collect();
        let args = others.iter().map(|param| {
            let n = rust::ident(&param.name);
            let t = rust::arg_ty(&param.ty);
            quote!(#n: #t)
        });
        let call_args = op.params.iter().filter(|param| param.required).map(|param| {
            if param.name == h.id {
                quote!(self.id.clone())
            } else {
                let n = rust::ident(&param.name);
                quote!(#n)
            }
        });
        let call = call_path(op, quote!(self.client));
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
            pub fn #method(&self, #(#args),*) -> #request {
                #call(#(#call_args),*)
            }
        })
    });
    let wait = h.wait.as_ref().and_then(|w| Some(wait_methods(p, h, w, find(p, &w.operation)?)));
    quote! {
        impl Client {
            #getter_doc
            pub fn #getter(&self, #id_param: impl Into<String>) -> #type_name {
                #type_name { client: self.clone(), id: #id_param.into() }
            }
        }

        #doc
        #[derive(Debug, Clone)]
        pub struct #type_name {
            client: Client,
            id: String,
        }

        impl #type_name {
            /// The id this handle refers to.
            pub fn id(&self) -> &str {
                &self.id
            }

            #(#methods)*
            #wait
        }
    }
}

// `#[inline]` on what instantiates the generic send path (answer decoding, the dynamic
// dispatch, waits, page walks): it is then compiled in the crates that call it, so a client
// crate's own build only type-checks its operations; without it the memset crate emitted
// 27 times the LLVM IR (909k lines against 33k).
/// The type of the state a wait reads: the last field of its path through the answer.
fn state_ty(p: &Provider, w: &WaitSpec, op: &Operation) -> Option<Ty> {
    let mut ty = op.returns.clone()?;
    for step in &w.state {
        let Ty::Model(name) = &ty else { return None };
        ty = p.model(name)?.fields.iter().find(|f| f.rust == step.field)?.ty.clone();
    }
    Some(ty)
}

fn wait_methods(p: &Provider, h: &ResourceHandle, w: &WaitSpec, op: &Operation) -> TokenStream {
    let output = operations::output_ty(op);
    let call = call_path(op, quote!(client));
    let done = &w.done;
    let failed = &w.failed;
    let (interval, timeout) = (w.interval_secs, w.timeout_secs);
    let noun = h.name.replace('_', " ");
    // the state, as Option<&_>, following the path through optional and required fields
    let mut state = quote!(Some(&value));
    for step in &w.state {
        let field = rust::ident(&step.field);
        state = if step.required {
            quote!(#state.map(|v| &v.#field))
        } else {
            quote!(#state.and_then(|v| v.#field.as_ref()))
        };
    }
    let quoted = |states: &[String]| states.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>();
    let done_list = quoted(done).join(", ");
    let failed_doc = if failed.is_empty() {
        String::new()
    } else {
        format!(" A state of {} ends it with an error.", quoted(failed).join(", "))
    };
    let state_path = w.state.iter().map(|s| s.field.as_str()).collect::<Vec<_>>().join(".");
    let wait_doc = docs::attrs(&format!(
        "Waits until the {noun} is ready: polls [`{}`](Client::{}) every {interval} s until `{state_path}` is one of {done_list}, and returns the last answer.{failed_doc} Gives up after {timeout} s with an [`Error::Wait`](crate::Error::Wait); change the pace with the setters of the returned wait, then `.await` it.",
        op.name, op.method_name,
    ));
    let state_doc = docs::attrs(&format!(
        "Like [`wait_for`](Self::wait_for), but waits for one of `states` instead of {done_list}."
    ));
    // the states as the answer types them: an enum's variants, or text
    let (state_arg, done_args, text) = match state_ty(p, w, op) {
        Some(Ty::Enum(name)) => {
            let e = rust::ident(&name);
            let done_args = quote!([#(#e::from(#done)),*]);
            (quote!(impl IntoIterator<Item = #e>), done_args, quote!(s.to_string()))
        }
        _ => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!([#(#done),*]),
            quote!(s.into()),
        ),
    };
    quote! {
        #wait_doc
        #[inline]
        pub fn wait_for(&self) -> rt::wait::Wait<#output, ErrorKind> {
            self.wait_for_state(#done_args)
        }

        #state_doc
        #[inline]
        pub fn wait_for_state(&self, states: #state_arg) -> rt::wait::Wait<#output, ErrorKind> {
            let (client, id) = (self.client.clone(), self.id.clone());
            let done: Vec<String> = states.into_iter().map(|s| #text).collect();
            let options = rt::wait::WaitOptions::new(std::time::Duration::from_secs(#interval), std::time::Duration::from_secs(#timeout));
            let what = format!("{} {}", #noun, self.id);
            let look = rt::wait::look(move || #call(id.clone()).send(), move |value: #output| {
                let state = #state.map(|s| s.to_string());
                rt::wait::by_state(value, state, &done, &[#(#failed),*], #noun)
            });
            rt::wait::Wait::new(what, options, look)
        }
    }
}
