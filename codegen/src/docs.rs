//! Rustdoc text: the spec's prose made safe for rustdoc, and the doc sections the generator
//! adds (arguments, notes, warnings, wire form).

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line of `text`.
pub fn attrs(text: &str) -> TokenStream {
    let lines = lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// The doc attributes' values of `text`, one per line: what follows `///` in the source.
pub fn lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.trim_end().lines().map(|line| format!(" {line}").trim_end().to_owned())
}

/// Escapes the spec's prose so rustdoc shows it as written: brackets would become intra-doc
/// links and angle brackets HTML. Text between backticks is left alone.
pub fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.trim().chars() {
        if c == '`' {
            in_code = !in_code;
        }
        if !in_code && matches!(c, '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The first sentence-line of a doc, for one-line summaries.
pub fn summary(text: &str) -> String {
    prose(text.trim().lines().next().unwrap_or_default())
}
