//! Turns the IR into token streams, one per generated file. The emitters cannot fail:
//! everything they rely on was checked by `validate`.

mod catalog;
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
    let mut files = vec![
        ("generated/mod.rs".to_owned(), client::file(p)),
        ("generated/catalog.rs".to_owned(), catalog::file(p)),
        ("generated/dynamic.rs".to_owned(), dynamic::file(p)),
        ("generated/models/mod.rs".to_owned(), models::module(p)),
        ("generated/operations/mod.rs".to_owned(), operations::module(p)),
    ];
    for group in models::groups(p) {
        files.push((format!("generated/models/{group}.rs"), models::group(p, &group)));
    }
    for group in operations::groups(p) {
        files.push((format!("generated/operations/{group}.rs"), operations::group(p, &group)));
    }
    if !p.handles.is_empty() {
        files.push(("generated/handles.rs".to_owned(), handles::file(p)));
    }
    files
}
