//! `cargo xtask source-sync`: proves that the spec matches the vendors' own documents.
//!
//! Each file under `--sources` is recognised by its contents and read by its provider's parser
//! ([`profitbricks`], [`oneandone`], [`memset`]) into [`SourceOperation`]s: every documented
//! operation with its arguments (name, type, required or optional), allowed values and
//! constraints, stated defaults and (Memset) return shapes. [`compare`] sets them against the
//! checked spec (`codegen::check`), and
//! [`report`] prints every difference rustc-style, lists the ones a `[[deviation]]` of the spec
//! explains apart (with the reason), and ends with a summary table. Any difference the spec does
//! not explain, and any deviation that explains nothing, makes the command fail.

mod compare;
mod memset;
mod oneandone;
mod profitbricks;
mod python;
mod report;
#[cfg(test)]
mod tests;
mod text;

use std::fs;
use std::path::Path;

use codegen::ir::Constraints;

pub use compare::{Outcome, SpecIndex};

/// One operation as the source document describes it.
#[derive(Debug, Clone, Default)]
pub struct SourceOperation {
    /// The operation's name in the source: the SDK method of the example (`create_server`) or
    /// the documented method (`dns.zone_info`).
    pub name: String,
    /// The heading or title it is documented under (`Create a Server`).
    pub section: String,
    /// 1-based line of the document where it starts.
    pub line: usize,
    /// The document marks the whole operation deprecated.
    pub deprecated: bool,
    pub params: Vec<SourceParam>,
    /// What the document says the operation returns, where it says it in a way that can be
    /// checked (Memset's "Returns …" lines); `None` when it does not.
    pub returns: Option<SourceReturn>,
}

/// A return shape the document states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceReturn {
    /// "A dictionary as described in job.status()": a job to wait on.
    Job,
    /// "If the server is enabled, a dictionary as described in job.status()": a job only when
    /// something changed, otherwise something else (the current state).
    JobWhenChanged,
    /// "A dictionary as described in apikey.info()": what that method returns.
    Like(String),
    /// "A list of dictionaries where each is as described in cluster.info()".
    ListOf(String),
    /// "An empty dictionary".
    Empty,
}

/// One argument of a source operation, or one documented field of an object argument.
#[derive(Debug, Clone, Default)]
pub struct SourceParam {
    /// snake_case; compared with the spec's names ignoring `_` and case.
    pub name: String,
    pub ty: SourceType,
    /// The type was only guessed from an example value (`size=80`), not stated.
    pub ty_from_example: bool,
    pub required: Required,
    pub deprecated: bool,
    /// Allowed values, checks and limits the document states.
    pub constraints: Constraints,
    /// The value the document says is used when the argument is left out (`Default: VIRTIO`,
    /// "Defaults to 'any'", "(`False` by default)"), as written there; only unconditional
    /// defaults ("Defaults to True for accounts with …, otherwise False" is not one).
    pub default: Option<String>,
    /// The documented members of an object argument (`server=Server(name=…, cores=…)`).
    pub fields: Vec<SourceParam>,
    pub line: usize,
}

/// A type as the source states (or shows) it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SourceType {
    /// The source does not say.
    #[default]
    Unknown,
    String,
    Integer,
    Number,
    Boolean,
    Date,
    List(Box<SourceType>),
    /// An object of a named SDK class (`Server`), or a dictionary.
    Object(Option<String>),
    /// Memset's "String or List".
    StringOrList,
}

/// Whether the source requires an argument.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Required {
    /// The source does not say.
    #[default]
    Unstated,
    Yes,
    No,
    /// Required only with another argument or value (`Yes*`, "required if `persistence`").
    Conditional,
}

/// What a parser read from one document.
#[derive(Debug, Default)]
pub struct Parsed {
    pub operations: Vec<SourceOperation>,
    /// Places the parser could not read, as (line, what): reported as errors, so a change of the
    /// document that a parser does not understand never passes silently.
    pub problems: Vec<(usize, String)>,
}

/// A provider's source document, parsed.
#[derive(Debug)]
pub struct Document {
    pub provider: &'static str,
    /// The file, as shown in messages.
    pub path: String,
    pub parsed: Parsed,
}

/// A provider's source-sync reader: which document it reads and how. Every provider folder of
/// `spec/` must have one here ([`readers_for`]): a spec without a reader is never checked
/// against its source, so source-sync fails on it.
pub struct Reader {
    pub provider: &'static str,
    pub document: &'static str,
    pub recognizes: fn(&str) -> bool,
    pub parse: fn(&str) -> Parsed,
}

pub const READERS: &[Reader] = &[
    Reader {
        provider: "profitbricks",
        document: "the ProfitBricks Python SDK README",
        recognizes: profitbricks::recognizes,
        parse: profitbricks::parse,
    },
    Reader {
        provider: "oneandone",
        document: "the 1&1 Python SDK reference",
        recognizes: oneandone::recognizes,
        parse: oneandone::parse,
    },
    Reader {
        provider: "memset",
        document: "the Memset API documentation (PDF text)",
        recognizes: memset::recognizes,
        parse: memset::parse,
    },
];

/// Runs the whole command: reads the documents under `sources` and the specs under
/// `root/spec`, prints the report, and fails when the spec does not match.
pub fn run(root: &Path, sources: &Path, sources_shown: &str) -> Result<(), String> {
    let documents = read_documents(sources, sources_shown)?;
    let specs = codegen::load::all(&root.join("spec"), "spec")
        .map_err(|e| format!("error: cannot read the specs: {e}"))?;
    let mut outcomes = Vec::new();
    for (reader, spec) in readers_for(&specs)? {
        let Some(document) = documents.iter().find(|d| d.provider == reader.provider) else {
            return Err(format!(
                "error: no source document for {} in {sources_shown}\n  help: put {} there, or point --sources at the folder that has it",
                reader.provider, reader.document
            ));
        };
        let provider = codegen::check(spec).map_err(|diagnostics| {
            let all: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            format!("{}\n\nerror: the spec of {} has errors; fix them first (`cargo xtask regen` shows the same)", all.join("\n"), reader.provider)
        })?;
        outcomes.push(compare::provider(document, &provider, &SpecIndex::new(spec)));
    }
    print!("{}", report::render(&outcomes));
    let unexplained: usize = outcomes.iter().map(Outcome::failures).sum();
    if unexplained > 0 {
        return Err(format!(
            "error: source-sync found {unexplained} difference{} the spec does not explain\n  help: fix the spec (then run `cargo xtask regen`), or write a [[deviation]] with the reason (see spec/README.md)",
            if unexplained == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

/// Pairs every provider of the spec with its reader, in the order of [`READERS`]. Fails on a
/// provider without a reader (it would never be checked) and on a reader whose provider has no
/// spec.
pub fn readers_for(
    specs: &[codegen::ProviderSpec],
) -> Result<Vec<(&'static Reader, &codegen::ProviderSpec)>, String> {
    if let Some(spec) = specs.iter().find(|s| !READERS.iter().any(|r| r.provider == s.name)) {
        return Err(format!(
            "error: spec/{0} has no source-sync reader, so nothing checks it against the vendor's documentation\n  help: add a reader for {0} to READERS in xtask/src/sync/mod.rs (see README.md, \"Adding a provider\")",
            spec.name
        ));
    }
    READERS
        .iter()
        .map(|reader| match specs.iter().find(|s| s.name == reader.provider) {
            Some(spec) => Ok((reader, spec)),
            None => Err(format!("error: spec/{} is missing", reader.provider)),
        })
        .collect()
}

/// Reads every file of `dir` and keeps those a reader recognises, one per provider.
pub fn read_documents(dir: &Path, shown: &str) -> Result<Vec<Document>, String> {
    let entries = fs::read_dir(dir).map_err(|e| {
        format!("error: cannot read the sources folder {shown}: {e}\n  help: pass --sources <DIR>")
    })?;
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.sort();
    let mut documents: Vec<Document> = Vec::new();
    for path in paths {
        let Ok(text) = fs::read_to_string(&path) else { continue };
        let Some(reader) = READERS.iter().find(|r| (r.recognizes)(&text)) else { continue };
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let shown_path = format!("{}/{file}", shown.trim_end_matches('/'));
        if let Some(other) = documents.iter().find(|d| d.provider == reader.provider) {
            return Err(format!("error: two source documents for {}: {} and {shown_path}\n  help: keep one copy per provider in the folder", reader.provider, other.path));
        }
        documents.push(Document {
            provider: reader.provider,
            path: shown_path,
            parsed: (reader.parse)(&text),
        });
    }
    Ok(documents)
}
