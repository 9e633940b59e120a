//! The checks of documented constraints that run before a request is sent, and their
//! description in the docs. Generated checks use two names from their scope: `operation`
//! (the operation's name, `&str`) and the value being checked.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Bound, Constraints, Literal, Provider, Requirement, Ty};

/// Statements checking `value` (an expression of type `&T`, T the Rust type of `ty`) against
/// its constraints; `label` is a variable of type `rt::check::Field` naming it in errors
/// (written out only when a check fails). Empty when there is nothing to check.
pub fn value(
    p: &Provider,
    value: &TokenStream,
    ty: &Ty,
    c: &Constraints,
    label: &TokenStream,
) -> TokenStream {
    match ty {
        Ty::List(inner) => {
            let mut out = TokenStream::new();
            if let Some(min) = c.min_items {
                out.extend(
                    quote! { rt::check::min_items(operation, #label, #value.len(), #min)?; },
                );
            }
            if let Some(max) = c.max_items {
                out.extend(
                    quote! { rt::check::max_items(operation, #label, #value.len(), #max)?; },
                );
            }
            if let Some(field) = &c.exactly_one {
                let ident = super::rust::ident(field);
                out.extend(quote! {
                    rt::check::exactly_one(operation, #label, #value.iter().map(|item| rt::check::is_true(&item.#ident)), #field)?;
                });
            }
            let item = quote!(item);
            let item_label = quote!(item_label);
            let per_item = value_checks_scalar(p, &item, inner, c, &item_label);
            if !per_item.is_empty() {
                out.extend(quote! {
                    for (index, item) in #value.iter().enumerate() {
                        let item_label = rt::check::Field::Item(&#label, index);
                        #per_item
                    }
                });
            }
            out
        }
        Ty::Map(inner) => {
            let item = quote!(item);
            let item_label = quote!(item_label);
            let per_item =
                value_checks_scalar(p, &item, inner, &Constraints::default(), &item_label);
            if per_item.is_empty() {
                return per_item;
            }
            quote! {
                for (key, item) in #value.iter() {
                    let item_label = rt::check::Field::Key(&#label, key.as_str());
                    #per_item
                }
            }
        }
        other => value_checks_scalar(p, value, other, c, label),
    }
}

fn value_checks_scalar(
    p: &Provider,
    value: &TokenStream,
    ty: &Ty,
    c: &Constraints,
    label: &TokenStream,
) -> TokenStream {
    let mut out = TokenStream::new();
    match ty {
        Ty::Integer => {
            if let Some(Bound::Integer(min)) = c.min {
                out.extend(quote! { rt::check::min_i64(operation, #label, *#value, #min)?; });
            }
            if let Some(Bound::Integer(max)) = c.max {
                out.extend(quote! { rt::check::max_i64(operation, #label, *#value, #max)?; });
            }
            if let Some(factor) = c.multiple_of {
                out.extend(
                    quote! { rt::check::multiple_of(operation, #label, *#value, #factor)?; },
                );
            }
            if !c.int_values.is_empty() {
                let values = &c.int_values;
                out.extend(
                    quote! { rt::check::one_of_i64(operation, #label, *#value, &[#(#values),*])?; },
                );
            }
        }
        Ty::Number => {
            if let Some(Bound::Number(min)) = c.min {
                out.extend(quote! { rt::check::min_f64(operation, #label, *#value, #min)?; });
            }
            if let Some(Bound::Number(max)) = c.max {
                out.extend(quote! { rt::check::max_f64(operation, #label, *#value, #max)?; });
            }
        }
        Ty::String => {
            if let Some(min) = c.min_length {
                out.extend(quote! { rt::check::min_length(operation, #label, #value, #min)?; });
            }
            if let Some(max) = c.max_length {
                out.extend(quote! { rt::check::max_length(operation, #label, #value, #max)?; });
            }
            if let Some(class) = &c.chars {
                out.extend(
                    quote! { rt::check::allowed_chars(operation, #label, #value, #class)?; },
                );
            }
            if let Some(chars) = &c.forbidden_chars {
                out.extend(
                    quote! { rt::check::forbidden_chars(operation, #label, #value, #chars)?; },
                );
            }
            if !c.values.is_empty() {
                let values = &c.values;
                out.extend(match &c.separator {
                    Some(sep) => quote! { rt::check::one_of_joined(operation, #label, #value, &[#(#values),*], #sep)?; },
                    None => quote! { rt::check::one_of(operation, #label, #value, &[#(#values),*])?; },
                });
            }
        }
        Ty::Enum(name) if c.values.is_empty() => {
            let name = super::rust::ident(name);
            out.extend(
                quote! { rt::check::one_of(operation, #label, #value.as_str(), #name::VALUES)?; },
            );
        }
        Ty::Enum(_) => {
            let values = &c.values;
            out.extend(
                quote! { rt::check::one_of(operation, #label, #value.as_str(), &[#(#values),*])?; },
            );
        }
        Ty::Model(name) => {
            if p.model(name).is_some_and(|m| m.checked) {
                out.extend(quote! { #value.check(operation, #label)?; });
            }
        }
        Ty::List(_) | Ty::Map(_) => out.extend(self::value(p, value, ty, c, label)),
        Ty::Boolean | Ty::Json | Ty::Date => {}
    }
    out
}

/// Statements checking one-of groups; `is_set` gives, for a member name, an expression of type
/// `bool` telling whether the caller set it; `label` gives the member's name in errors (an
/// expression of type `rt::check::Field`).
pub fn groups(
    at_least: &[Vec<String>],
    at_most: &[Vec<String>],
    is_set: impl Fn(&str) -> TokenStream,
    label: impl Fn(&str) -> TokenStream,
) -> TokenStream {
    let mut out = TokenStream::new();
    for (group, check) in at_least
        .iter()
        .map(|g| (g, quote!(at_least_one_of)))
        .chain(at_most.iter().map(|g| (g, quote!(at_most_one_of))))
    {
        let pairs = group.iter().map(|name| {
            let set = is_set(name);
            let label = label(name);
            quote!((#label, #set))
        });
        out.extend(quote! { rt::check::#check(operation, &[#(#pairs),*])?; });
    }
    out
}

/// Statements checking conditional requirements. `value_of` gives, for a member name, an
/// expression of type `Option<&T>`; `is_set` and `label` as for [`groups`].
pub fn requirements(
    reqs: &[Requirement],
    value_of: impl Fn(&str) -> TokenStream,
    is_set: impl Fn(&str) -> TokenStream,
    label: impl Fn(&str) -> TokenStream,
) -> TokenStream {
    let mut out = TokenStream::new();
    for r in reqs {
        let value = value_of(&r.when);
        let (test, condition) = match &r.equals {
            None => (quote!(true), format!("{} is set", r.when)),
            Some(Literal::Boolean(true)) => (quote!(*v), format!("{} is true", r.when)),
            Some(Literal::Boolean(false)) => (quote!(!*v), format!("{} is false", r.when)),
            Some(Literal::Integer(i)) => (quote!(*v == #i), format!("{} is {i}", r.when)),
            Some(Literal::Number(n)) => (quote!(*v == #n), format!("{} is {n}", r.when)),
            Some(Literal::String(s)) => (quote!(v == #s), format!("{} is {s}", r.when)),
            Some(Literal::Enum(_, s)) => (quote!(v.as_str() == #s), format!("{} is {s}", r.when)),
        };
        // a condition on being set only does not look at the value
        let holds = if r.equals.is_none() {
            quote!(#value.is_some())
        } else {
            quote!(#value.is_some_and(|v| #test))
        };
        let pairs = r.then.iter().map(|name| {
            let set = is_set(name);
            let label = label(name);
            quote!((#label, #set))
        });
        out.extend(quote! {
            if #holds {
                rt::check::required_when(operation, #condition, &[#(#pairs),*])?;
            }
        });
    }
    out
}

/// The rules of a parameter or field in words, for its docs ("" when there are none).
pub fn describe(ty: &Ty, c: &Constraints) -> String {
    let mut rules = Vec::new();
    let bound = |b: &Bound| match b {
        Bound::Integer(i) => i.to_string(),
        Bound::Number(n) => n.to_string(),
    };
    match (&c.min, &c.max) {
        (Some(lo), Some(hi)) => rules.push(format!("from {} to {}", bound(lo), bound(hi))),
        (Some(lo), None) => rules.push(format!("at least {}", bound(lo))),
        (None, Some(hi)) => rules.push(format!("at most {}", bound(hi))),
        (None, None) => {}
    }
    if let Some(factor) = c.multiple_of {
        rules.push(format!("a multiple of {factor}"));
    }
    let each = if matches!(ty, Ty::List(_)) { "each item " } else { "" };
    match (c.min_length, c.max_length) {
        (Some(lo), Some(hi)) if lo == hi => rules.push(format!("{each}exactly {lo} characters")),
        (Some(lo), Some(hi)) => rules.push(format!("{each}{lo} to {hi} characters")),
        (Some(lo), None) => rules.push(format!("{each}at least {lo} characters")),
        (None, Some(hi)) => rules.push(format!("{each}at most {hi} characters")),
        (None, None) => {}
    }
    if let Some(class) = &c.chars {
        rules.push(format!("{each}only the characters `{class}`"));
    }
    if let Some(chars) = &c.forbidden_chars {
        rules.push(format!("{each}none of the characters `{chars}`"));
    }
    if !c.values.is_empty() {
        let values: Vec<String> = c.values.iter().map(|v| format!("`{v}`")).collect();
        rules.push(format!("{each}one of {}", values.join(", ")));
        if let Some(sep) = &c.separator {
            rules.push(format!("{each}or several of them joined by `{sep}` without spaces"));
        }
    }
    if !c.int_values.is_empty() {
        let values: Vec<String> = c.int_values.iter().map(|v| format!("`{v}`")).collect();
        rules.push(format!("{each}one of {}", values.join(", ")));
    }
    match (c.min_items, c.max_items) {
        (Some(lo), Some(hi)) => rules.push(format!("{lo} to {hi} items")),
        (Some(lo), None) => {
            rules.push(format!("at least {lo} item{}", if lo == 1 { "" } else { "s" }))
        }
        (None, Some(hi)) => rules.push(format!("at most {hi} items")),
        (None, None) => {}
    }
    if let Some(field) = &c.exactly_one {
        rules.push(format!("exactly one item with `{field}` true"));
    }
    if rules.is_empty() {
        String::new()
    } else {
        format!("Must be {}.", rules.join("; "))
    }
}
