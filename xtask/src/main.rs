//! Maintainer commands of the workspace, run as `cargo xtask <command>`:
//!
//! * `regen`: regenerate every crate's `src/generated/` from `spec/`;
//! * `regen --check`: regenerate in memory and fail, naming each file, if anything differs;
//! * `source-sync [--sources DIR]`: compare the spec with the vendors' documents (default
//!   `sources/`) and fail on any difference the spec does not explain (see [`sync`]);
//! * `bench [--rounds N] [--quick] …`: the clients against raw reqwest and the official Python
//!   SDK, regen and compile times, side by side in one run (see [`bench`]).

mod bench;
mod sync;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask regen [--check]\n       cargo xtask source-sync [--sources DIR]\n       cargo xtask bench [--quick] (see BENCHMARKS.md)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["regen"] => regen(false),
        ["regen", "--check"] => regen(true),
        ["source-sync"] => source_sync(None),
        ["source-sync", "--sources", dir] => source_sync(Some(dir)),
        ["bench", rest @ ..] => bench::run(&root(), rest),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace to work on: the nearest folder, from the current one up, that holds
/// `spec/` and `xtask/`. Looked up at run time rather than compiled in, so a binary built in
/// one checkout (say, with a shared target dir) never regenerates another.
fn root() -> PathBuf {
    let here = std::env::current_dir().unwrap_or_default();
    let found = here
        .ancestors()
        .find(|dir| dir.join("spec").is_dir() && dir.join("xtask").join("Cargo.toml").is_file());
    match found {
        Some(dir) => dir.to_path_buf(),
        None => {
            let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
        }
    }
}

fn regen(check: bool) -> Result<(), String> {
    let root = root();
    let specs = codegen::load::all(&root.join("spec"), "spec")
        .map_err(|e| format!("error: cannot read the specs: {e}"))?;
    let mut spec_errors = Vec::new();
    let mut differences = Vec::new();
    for (spec, generated) in specs.iter().zip(codegen::generate_all(&specs)) {
        let files = match generated {
            Ok(files) => files,
            Err(diagnostics) => {
                spec_errors.extend(diagnostics.iter().map(ToString::to_string));
                continue;
            }
        };
        let crate_dir = root.join("crates").join(&spec.name);
        if !crate_dir.join("Cargo.toml").is_file() || !crate_dir.join("src/lib.rs").is_file() {
            spec_errors.push(format!(
                "error: spec/{0} has no crate: crates/{0}/Cargo.toml and crates/{0}/src/lib.rs are needed\n  help: copy the shell of another client crate (see README.md, \"Adding a provider\")",
                spec.name
            ));
            continue;
        }
        let src = crate_dir.join("src");
        let generated_dir = src.join("generated");
        let wanted: BTreeSet<PathBuf> = files.iter().map(|f| src.join(&f.path)).collect();
        for file in &files {
            let path = src.join(&file.path);
            let current = fs::read_to_string(&path).ok();
            if current.as_deref() == Some(file.contents.as_str()) {
                continue;
            }
            if check {
                let what = if current.is_none() { "missing" } else { "differs" };
                differences.push(format!("{} ({what})", shown(&root, &path)));
            } else {
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir)
                        .map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
                }
                fs::write(&path, &file.contents)
                    .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
                println!("wrote {}", shown(&root, &path));
            }
        }
        for stale in existing_files(&generated_dir).into_iter().filter(|p| !wanted.contains(p)) {
            if check {
                differences.push(format!("{} (not generated from the spec)", shown(&root, &stale)));
            } else {
                fs::remove_file(&stale)
                    .map_err(|e| format!("error: cannot remove {}: {e}", stale.display()))?;
                println!("removed {}", shown(&root, &stale));
            }
        }
    }
    if !spec_errors.is_empty() {
        let count = spec_errors.len();
        return Err(format!("{}\n\nerror: the spec has {count} error{}; nothing was generated for the providers above", spec_errors.join("\n"), if count == 1 { "" } else { "s" }));
    }
    if !differences.is_empty() {
        return Err(format!(
            "error: the generated code is not what the spec produces:\n  {}\n  help: run `cargo xtask regen` and commit the result",
            differences.join("\n  ")
        ));
    }
    if check {
        println!("generated code is up to date ({} providers)", specs.len());
    }
    Ok(())
}

/// `source-sync`: `--sources` is taken relative to the current folder; the default,
/// `sources/` (the in-repo copies of the vendors' documents), relative to the workspace.
fn source_sync(sources: Option<&str>) -> Result<(), String> {
    let root = root();
    match sources {
        Some(dir) => sync::run(&root, Path::new(dir), dir),
        None => sync::run(&root, &root.join("sources"), "sources"),
    }
}

/// The providers: the folders of `spec/` with a `provider.toml`, which are also the names of
/// their crates under `crates/`. Regen, source-sync and the bench all find them here.
pub fn providers(root: &Path) -> Result<Vec<String>, String> {
    let specs = codegen::load::all(&root.join("spec"), "spec")
        .map_err(|e| format!("error: cannot read the specs: {e}"))?;
    Ok(specs.into_iter().map(|spec| spec.name).collect())
}

fn existing_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(existing_files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
