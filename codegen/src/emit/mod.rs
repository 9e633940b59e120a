//! Turns the IR into token streams, one per generated file. The emitters cannot fail:
//! everything they rely on was checked by `validate`.

mod checks;
mod client;
mod dynamic;
mod handles;
mod models;
mod operations;
mod rust;

use proc_macro2::TokenStream;

use crate::ir::Provider;

/// The generated files of one provider: (path under `src/`, tokens).
pub fn provider(p: &Provider) -> Vec<(String, TokenStream)> {
    vec![
        ("generated/mod.rs".to_owned(), client::file(p)),
        ("generated/models.rs".to_owned(), models::file(p)),
        ("generated/operations.rs".to_owned(), operations::file(p)),
        ("generated/dynamic.rs".to_owned(), dynamic::file(p)),
        ("generated/handles.rs".to_owned(), handles::file(p)),
    ]
}
