//! Turns the IR into the generated files: token streams, and the parts that are data written
//! out as text. The emitters cannot fail: everything they rely on was checked by `validate`.

mod catalog;
mod checks;
mod client;
mod deserialize;
mod dynamic;
mod handles;
mod models;
mod operations;
mod rust;
mod text;

use proc_macro2::TokenStream;

use crate::ir::Provider;

/// What an emitter makes of a file: Rust tokens for prettyplease to lay out, then text laid
/// out already that follows them (data: the catalog, the `members!` lists).
pub struct Emitted {
    /// The items prettyplease lays out (none for a file that is text only).
    pub tokens: TokenStream,
    /// Source laid out already, written after the formatted tokens.
    pub text: String,
}

impl From<TokenStream> for Emitted {
    fn from(tokens: TokenStream) -> Self {
        Emitted { tokens, text: String::new() }
    }
}

/// One generated file of a provider, before it is emitted: what [`File::emit`] turns into
/// tokens and text. Listing the files apart from emitting them lets `generate_all` emit and format each
/// file as a job of its own, on whichever thread is free.
#[derive(Debug, Clone)]
pub enum File {
    Client,
    Catalog,
    Dynamic,
    ModelsModule,
    OperationsModule,
    Models(String),
    Operations(String),
    Handles,
}

impl File {
    /// The file's path under `src/`.
    pub fn path(&self) -> String {
        match self {
            File::Client => "generated/mod.rs".to_owned(),
            File::Catalog => "generated/catalog.rs".to_owned(),
            File::Dynamic => "generated/dynamic.rs".to_owned(),
            File::ModelsModule => "generated/models/mod.rs".to_owned(),
            File::OperationsModule => "generated/operations/mod.rs".to_owned(),
            File::Models(group) => format!("generated/models/{group}.rs"),
            File::Operations(group) => format!("generated/operations/{group}.rs"),
            File::Handles => "generated/handles.rs".to_owned(),
        }
    }

    /// The file's tokens and text.
    pub fn emit(&self, p: &Provider) -> Emitted {
        match self {
            File::Client => client::file(p).into(),
            File::Catalog => Emitted { tokens: TokenStream::new(), text: catalog::file(p) },
            File::Dynamic => dynamic::file(p).into(),
            File::ModelsModule => models::module(p).into(),
            File::OperationsModule => operations::module(p).into(),
            File::Models(group) => models::group(p, group),
            File::Operations(group) => operations::group(p, group),
            File::Handles => handles::file(p).into(),
        }
    }
}

/// The generated files of one provider, in the order of their paths' listing in `generate`.
pub fn files(p: &Provider) -> Vec<File> {
    let mut files = vec![
        File::Client,
        File::Catalog,
        File::Dynamic,
        File::ModelsModule,
        File::OperationsModule,
    ];
    files.extend(models::groups(p).into_iter().map(File::Models));
    files.extend(operations::groups(p).into_iter().map(File::Operations));
    if !p.handles.is_empty() {
        files.push(File::Handles);
    }
    files
}
