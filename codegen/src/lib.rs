//! The generator behind `cargo xtask regen`: it turns the TOML specs under `spec/` into the
//! Rust source of the client crates.
//!
//! The pipeline is load → validate → IR → emit → format:
//!
//! * [`load`] reads a provider's spec folder (the only place that touches the file system);
//! * `validate` checks the files and resolves them into the IR, reporting every problem as a
//!   [`Diagnostic`] with file, line and column;
//! * `emit` turns the IR into token streams with `quote`;
//! * `format` renders them with `prettyplease`.
//!
//! Generation is pure: the same spec gives the same bytes every time.

mod decide;
mod diagnostic;
mod docs;
mod emit;
mod format;
pub mod ir;
pub mod load;
mod overview;
mod spec;
mod types;
mod validate;

pub use diagnostic::{Diagnostic, SourceFile};

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate's `src/` folder, e.g. `generated/mod.rs`.
    pub path: String,
    /// The file's contents.
    pub contents: String,
}

/// A provider's spec, read into memory.
#[derive(Debug, Clone)]
pub struct ProviderSpec {
    /// The provider's folder name under `spec/`, which is also its crate's name.
    pub name: String,
    /// `provider.toml`.
    pub provider: SourceFile,
    /// The resource group files, in name order.
    pub groups: Vec<SourceFile>,
}

/// Checks a provider's spec and generates its crate's `generated/` files.
pub fn generate(spec: &ProviderSpec) -> Result<Vec<GeneratedFile>, Vec<Diagnostic>> {
    let provider = check(spec)?;
    let mut files: Vec<GeneratedFile> = emit::provider(&provider)
        .into_iter()
        .map(|(path, tokens)| GeneratedFile { path, contents: format::render(tokens) })
        .collect();
    // the overview, which the crate's lib.rs includes as its crate-level docs
    let overview = docs::prose(&provider.doc);
    let usage = overview::usage(&provider);
    files.push(GeneratedFile {
        path: "generated/OVERVIEW.md".to_owned(),
        contents: format!(
            "{}\n\n{}\n\n{}",
            format::MARKDOWN_HEADER,
            overview.trim_end(),
            usage.trim_end_matches('\n').to_owned() + "\n"
        ),
    });
    Ok(files)
}

/// Checks a provider's spec and returns its resolved form (what `cargo xtask source-sync`
/// compares with the source material).
pub fn check(spec: &ProviderSpec) -> Result<ir::Provider, Vec<Diagnostic>> {
    let provider = validate::provider(&spec.provider, &spec.groups)?;
    if provider.name != spec.name {
        let span = 0..0;
        return Err(vec![spec.provider.error(
            span,
            format!(
                "provider name '{}' differs from its folder 'spec/{}'",
                provider.name, spec.name
            ),
            Some("name the folder after the crate".to_owned()),
        )]);
    }
    Ok(provider)
}
