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
pub use format::HEADER;

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

/// Checks a provider's spec and generates its crate's `generated/` files, on this thread.
pub fn generate(spec: &ProviderSpec) -> Result<Vec<GeneratedFile>, Vec<Diagnostic>> {
    let provider = check(spec)?;
    let files = emit::files(&provider).iter().map(|file| render(&provider, file)).collect();
    Ok(finish(&provider, files))
}

/// [`generate`] for every provider, the work spread over the machine's cores: the specs are
/// checked one per job, then every file of every provider is emitted and formatted as a job
/// of its own. The result, in the order of `specs`, is the same as calling [`generate`] on
/// each: the jobs share nothing, and their outputs are put back in order.
pub fn generate_all(specs: &[ProviderSpec]) -> Vec<Result<Vec<GeneratedFile>, Vec<Diagnostic>>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let checked = parallel(specs.len(), threads, |i| check(&specs[i]));
    // (provider, place in its file list, file)
    let mut jobs: Vec<(usize, usize, emit::File)> = Vec::new();
    for (i, provider) in checked.iter().enumerate() {
        if let Ok(provider) = provider {
            jobs.extend(emit::files(provider).into_iter().enumerate().map(|(n, f)| (i, n, f)));
        }
    }
    // The catalogs are by far the largest files: started first, none of them is left to run
    // alone at the end while the other threads are idle.
    jobs.sort_by_key(|(_, _, file)| !matches!(file, emit::File::Catalog));
    let rendered = parallel(jobs.len(), threads, |j| {
        let (i, _, file) = &jobs[j];
        let provider = checked[*i].as_ref().expect("only checked providers have jobs");
        render(provider, file)
    });
    let mut files: Vec<Vec<(usize, GeneratedFile)>> = specs.iter().map(|_| Vec::new()).collect();
    for ((i, n, _), file) in jobs.into_iter().zip(rendered) {
        files[i].push((n, file));
    }
    checked
        .into_iter()
        .zip(files)
        .map(|(checked, mut files)| {
            let provider = checked?;
            files.sort_by_key(|(n, _)| *n);
            Ok(finish(&provider, files.into_iter().map(|(_, file)| file).collect()))
        })
        .collect()
}

/// Runs `job(0)` … `job(count - 1)` on up to `threads` threads, each taking the next job when
/// it is done with one, and gives the results in job order.
fn parallel<T: Send>(count: usize, threads: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads.clamp(1, count.max(1));
    if threads == 1 {
        return (0..count).map(job).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= count {
                            break done;
                        }
                        done.push((i, job(i)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

/// One file, emitted and formatted.
fn render(provider: &ir::Provider, file: &emit::File) -> GeneratedFile {
    let (path, source) = (file.path(), file.emit(provider));
    GeneratedFile { path, contents: format!("{}\n{source}", format::HEADER) }
}

/// A provider's formatted files, with the overview after them.
fn finish(provider: &ir::Provider, mut files: Vec<GeneratedFile>) -> Vec<GeneratedFile> {
    // the overview, which the crate's lib.rs includes as its crate-level docs
    let overview = docs::prose(&provider.doc);
    let usage = overview::usage(provider);
    files.push(GeneratedFile {
        path: "generated/OVERVIEW.md".to_owned(),
        contents: format!(
            "{}\n\n{}\n\n{}",
            format::MARKDOWN_HEADER,
            overview.trim_end(),
            usage.trim_end_matches('\n').to_owned() + "\n"
        ),
    });
    files
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
