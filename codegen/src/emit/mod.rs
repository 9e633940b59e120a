//! Turns the IR into the generated files: token streams, and the parts written out as text.
//! The emitters cannot fail: everything they rely on was checked by `validate`.

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

use crate::format;
use crate::ir::Provider;

/// A generated file as its emitter writes it, in file order: Rust tokens, which prettyplease
/// lays out, and source laid out already (the catalog, the `members!` lists, the operations,
/// models and enums).
#[derive(Default)]
pub struct Emitted {
    /// The file so far, laid out.
    out: String,
    /// Tokens not laid out yet: consecutive ones are formatted together.
    pending: TokenStream,
}

impl Emitted {
    /// Adds items for prettyplease to lay out.
    pub fn tokens(&mut self, tokens: TokenStream) {
        self.pending.extend(tokens);
    }

    /// Adds source laid out already.
    pub fn text(&mut self, text: &str) {
        self.flush();
        self.out.push_str(text);
    }

    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        self.out.push_str(&format::render(pending));
    }

    /// The file's source (without the `@generated` header).
    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

impl From<TokenStream> for Emitted {
    fn from(tokens: TokenStream) -> Self {
        Emitted { out: String::new(), pending: tokens }
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

    /// The file's source (without the `@generated` header).
    pub fn emit(&self, p: &Provider) -> String {
        let emitted = match self {
            File::Client => client::file(p).into(),
            File::Catalog => return catalog::file(p),
            File::Dynamic => dynamic::file(p).into(),
            File::ModelsModule => models::module(p).into(),
            File::OperationsModule => operations::module(p).into(),
            File::Models(group) => models::group(p, group),
            File::Operations(group) => operations::group(p, group),
            File::Handles => handles::file(p).into(),
        };
        emitted.finish()
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
