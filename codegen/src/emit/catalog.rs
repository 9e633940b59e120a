//! `generated/catalog.rs`: every operation as data (the runtime's `OperationInfo`): its name,
//! docs, parameters with their types, defaults and rules, and its wire form. The runtime
//! builds requests from it; the dynamic entry point, shells and simulators read it.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::quote;

use super::rust;
use crate::docs;
use crate::ir::{
    Answer, BodyEncoding, Bound, Constraints, Http, Literal, Location, Model, Operation, Paging,
    Param, PathPart, Provider, ResourceHandle, Ty,
};

pub fn file(p: &Provider) -> TokenStream {
    let entries = p.operations.iter().map(|op| entry(p, op));
    let names = p.operations.iter().map(rust::info_name);
    let aliases = p.handles.iter().flat_map(|h| {
        h.methods.iter().map(move |m| {
            let alias = format!("{}.{}", h.name.to_upper_camel_case(), m.name);
            let operation = &m.operation;
            quote!((#alias, #operation))
        })
    });
    let provider = &p.name;
    let models = p.models.iter().map(|m| model_info(p, m));
    let model_names = p.models.iter().map(|m| model_static(&m.name));
    let waits = p.handles.iter().filter_map(wait_info);
    let reads_first = p.operations.iter().filter_map(read_first_info);
    quote! {
        //! Every operation of this API as data: what it does, its parameters and its wire form
        //! ([`CATALOG`]), and the types that describe them.
        pub use cloud_sdks_runtime::catalog::*;

        /// Every operation of this API, in the order of its documentation.
        pub static CATALOG: Catalog = Catalog {
            provider: #provider,
            operations: &[#(&#names),*],
            aliases: &[#(#aliases),*],
            models: &[#(&#model_names),*],
            waits: &[#(#waits),*],
            reads_first: &[#(#reads_first),*],
        };

        #(#entries)*
        #(#models)*
    }
}

/// The `ReadFirst` entry of an operation that reads before it changes.
fn read_first_info(op: &Operation) -> Option<TokenStream> {
    let read = op.read_first.as_ref()?;
    let (operation, into, members) = (&op.name, &read.into, &read.members);
    Some(quote!(ReadFirst { operation: #operation, into: #into, members: &[#(#members),*] }))
}

/// A model's catalog entry: `NewDatacenter` → `MODEL_NEW_DATACENTER`.
fn model_static(name: &str) -> proc_macro2::Ident {
    quote::format_ident!("MODEL_{}", name.to_snake_case().to_uppercase())
}

fn model_info(p: &Provider, m: &Model) -> TokenStream {
    let static_name = model_static(&m.name);
    let name = &m.name;
    let doc = docs::prose(&m.doc);
    let (input, output) = (m.input, m.output);
    let fields = m.fields.iter().map(|f| {
        let field = &f.rust;
        let wire = f.wire.join(".");
        let ty = ty(p, &f.ty);
        let doc = docs::prose(&f.doc);
        // only what differs from `FieldInfo::BASE`
        let required = f.required.then(|| quote!(required: true,));
        let secret = f.secret.then(|| quote!(secret: true,));
        let limits = (!f.constraints.is_empty()).then(|| {
            let limits = limits(&f.constraints);
            quote!(limits: #limits,)
        });
        quote! {
            FieldInfo { name: #field, wire: #wire, ty: #ty, #required #secret doc: #doc, #limits ..FieldInfo::BASE }
        }
    });
    quote! {
        static #static_name: ModelInfo = ModelInfo {
            name: #name,
            doc: #doc,
            input: #input,
            output: #output,
            fields: &[#(#fields),*],
        };
    }
}

fn entry(p: &Provider, op: &Operation) -> TokenStream {
    let static_name = rust::info_name(op);
    let name = &op.name;
    let summary = docs::summary(&op.doc);
    let doc = docs::prose(&op.doc);
    let deprecated = option_str(op.deprecated.as_deref());
    let (method, path, body) = match &op.http {
        Http::Rest { method, path, body } => {
            let verb = proc_macro2::Ident::new(
                &method.to_lowercase().to_upper_camel_case(),
                proc_macro2::Span::call_site(),
            );
            let template: String = path
                .iter()
                .map(|part| match part {
                    PathPart::Literal(s) => s.clone(),
                    PathPart::Param(n) => format!("{{{n}}}"),
                })
                .collect();
            let has_members =
                op.params.iter().any(|p| matches!(p.location, Location::Body | Location::Form));
            let body = match body {
                BodyEncoding::Form => quote!(BodyKind::Form),
                BodyEncoding::Json if has_members => quote!(BodyKind::Json),
                BodyEncoding::Json => quote!(BodyKind::None),
            };
            (quote!(Verb::#verb), template, body)
        }
        Http::Memset => (quote!(Verb::Post), format!("/json/{}", op.name), quote!(BodyKind::Named)),
    };
    let params = op.params.iter().map(|param| param_info(p, param));
    let success: &[u16] = if op.success.is_empty() { &p.success } else { &op.success };
    let idempotent = op.idempotent;
    let answer = match op.answer {
        Answer::Nothing => quote!(AnswerKind::Nothing),
        Answer::Value(_) => quote!(AnswerKind::Value),
        Answer::Accepted(_) => quote!(AnswerKind::Accepted),
        Answer::Job { .. } | Answer::JobOrState(_) => quote!(AnswerKind::Job),
    };
    let returns = option_str(op.returns.as_ref().map(|t| t.to_string()).as_deref());
    let pages = match &op.paging {
        Some(Paging { page, per_page, first, size, .. }) => {
            quote!(Some(PageInfo { page: #page, per_page: #per_page, first: #first, size: #size }))
        }
        None => quote!(None),
    };
    quote! {
        pub(crate) static #static_name: OperationInfo = OperationInfo {
            name: #name,
            summary: #summary,
            doc: #doc,
            deprecated: #deprecated,
            method: #method,
            path: #path,
            body: #body,
            params: &[#(#params),*],
            success: &[#(#success),*],
            idempotent: #idempotent,
            answer: #answer,
            returns: #returns,
            pages: #pages,
        };
    }
}

/// A handle's wait as data, for callers that wait without its Rust type (the shells).
fn wait_info(h: &ResourceHandle) -> Option<TokenStream> {
    let w = h.wait.as_ref()?;
    let id = &h.id;
    let operation = &w.operation;
    let state: Vec<&str> = w.state.iter().flat_map(|step| step.wire.split('.')).collect();
    let (done, failed) = (&w.done, &w.failed);
    let (interval, timeout) = (w.interval_secs, w.timeout_secs);
    Some(quote! {
        WaitInfo {
            id: #id,
            operation: #operation,
            state: &[#(#state),*],
            done: &[#(#done),*],
            failed: &[#(#failed),*],
            interval_secs: #interval,
            timeout_secs: #timeout,
        }
    })
}

fn param_info(p: &Provider, param: &Param) -> TokenStream {
    let name = &param.name;
    let wire = param.wire.join(".");
    let location = match param.location {
        Location::Path => quote!(Location::Path),
        Location::Query => quote!(Location::Query),
        Location::Body => quote!(Location::Body),
        Location::Form => quote!(Location::Form),
        Location::Named => quote!(Location::Named),
    };
    let ty = ty(p, &param.ty);
    // only what differs from `ParamInfo::BASE`
    let flag = |on: bool, name: &str| {
        let name = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
        on.then(|| quote!(#name: true,))
    };
    let required = flag(param.required, "required");
    let allow_slash = flag(param.allow_slash, "allow_slash");
    let flatten = flag(param.flatten, "flatten");
    let nullable = flag(param.nullable, "nullable");
    let secret = flag(param.secret, "secret");
    let default = param.default.as_ref().map(|default| {
        let literal = match default {
            Literal::String(s) | Literal::Enum(_, s) => quote!(Literal::String(#s)),
            Literal::Integer(i) => quote!(Literal::Integer(#i)),
            Literal::Number(n) => quote!(Literal::Number(#n)),
            Literal::Boolean(b) => quote!(Literal::Boolean(#b)),
        };
        quote!(default: Some(#literal),)
    });
    let deprecated = param.deprecated.as_deref().map(|note| quote!(deprecated: Some(#note),));
    let doc = docs::prose(&param.doc);
    let limits = (!param.constraints.is_empty()).then(|| {
        let limits = limits(&param.constraints);
        quote!(limits: #limits,)
    });
    quote! {
        ParamInfo {
            name: #name,
            wire: #wire,
            location: #location,
            ty: #ty,
            #required
            #default
            #allow_slash
            #flatten
            #nullable
            #secret
            #deprecated
            doc: #doc,
            #limits
            ..ParamInfo::BASE
        }
    }
}

fn ty(p: &Provider, t: &Ty) -> TokenStream {
    match t {
        Ty::String => quote!(Type::String),
        Ty::Integer => quote!(Type::Integer),
        Ty::Number => quote!(Type::Number),
        Ty::Boolean => quote!(Type::Boolean),
        Ty::Json => quote!(Type::Json),
        Ty::Date => quote!(Type::Date),
        Ty::List(item) => {
            let item = ty(p, item);
            quote!(Type::List(&#item))
        }
        Ty::Map(item) => {
            let item = ty(p, item);
            quote!(Type::Map(&#item))
        }
        Ty::Model(name) => quote!(Type::Model(#name)),
        Ty::Enum(name) => {
            let values = p
                .enums
                .iter()
                .find(|e| &e.name == name)
                .map(|e| e.values.iter().map(|v| v.value.clone()).collect::<Vec<_>>())
                .unwrap_or_default();
            quote!(Type::Enum(#name, &[#(#values),*]))
        }
    }
}

fn limits(c: &Constraints) -> TokenStream {
    if c.is_empty() {
        return quote!(Limits::NONE);
    }
    let mut set = Vec::new();
    let bound = |b: &Bound| match b {
        Bound::Integer(i) => *i as f64,
        Bound::Number(n) => *n,
    };
    if let Some(min) = &c.min {
        let min = bound(min);
        set.push(quote!(min: Some(#min)));
    }
    if let Some(max) = &c.max {
        let max = bound(max);
        set.push(quote!(max: Some(#max)));
    }
    if let Some(factor) = c.multiple_of {
        set.push(quote!(multiple_of: Some(#factor)));
    }
    if let Some(n) = c.min_length {
        set.push(quote!(min_length: Some(#n)));
    }
    if let Some(n) = c.max_length {
        set.push(quote!(max_length: Some(#n)));
    }
    if let Some(chars) = &c.chars {
        set.push(quote!(chars: Some(#chars)));
    }
    if let Some(chars) = &c.forbidden_chars {
        set.push(quote!(forbidden_chars: Some(#chars)));
    }
    if !c.values.is_empty() {
        let values = &c.values;
        set.push(quote!(values: &[#(#values),*]));
    }
    if let Some(separator) = &c.separator {
        set.push(quote!(separator: Some(#separator)));
    }
    if !c.int_values.is_empty() {
        let values = &c.int_values;
        set.push(quote!(int_values: &[#(#values),*]));
    }
    if let Some(n) = c.min_items {
        set.push(quote!(min_items: Some(#n)));
    }
    if let Some(n) = c.max_items {
        set.push(quote!(max_items: Some(#n)));
    }
    quote!(Limits { #(#set,)* ..Limits::NONE })
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}
