//! The repository is self-contained: no test, tool, benchmark or CI script reads anything
//! outside it. The vendor documents are in `sources/`, the fixtures in `tests/fixtures/`.
//!
//! This test reads the code that opens files (the tests, xtask, the bench, codegen, the crates'
//! hand-written sources, the manifests and `.ci/`) and fails on any path that leaves the
//! repository: the old `../shared` material, an absolute path into someone's machine, or a
//! relative path with more `..` than the folder it is taken from is deep. `.ci/run` also runs
//! everything from a copy of the repository with nothing beside it, which proves the same
//! thing by doing it.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where the scanned files live, and how deep the folder their relative paths start from is
/// (`0`: the workspace root; the tests join paths to `CARGO_MANIFEST_DIR`, one level down; a
/// crate under `crates/` is two levels down).
const SCANNED: &[(&str, usize)] = &[
    ("tests", 1),
    ("bench", 1),
    ("codegen", 1),
    // xtask works from the workspace root it finds at run time
    ("xtask", 0),
    ("crates", 2),
    (".ci", 0),
    (".cargo", 0),
];

/// Text that names material outside the repository, in any file.
const FORBIDDEN: &[&str] = &[
    "../shared",
    "shared/fixtures",
    "shared/seeds",
    "shared/reference",
    "\"/work/",
    "\"/home/",
    "\"/root/",
    "\"/Users/",
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            // data folders (fixtures, vectors, cases) and generated code open no files
            if !matches!(
                name.as_ref(),
                "fixtures" | "wire" | "constraints" | "generated" | "target"
            ) {
                files(&path, out);
            }
        } else if name.ends_with(".rs")
            || name.ends_with(".toml")
            || name.ends_with(".py")
            || name.ends_with(".sh")
            || dir.file_name().is_some_and(|d| d == ".ci")
        {
            out.push(path);
        }
    }
}

/// The string literals of a line (roughly: the text between pairs of double quotes).
fn literals(line: &str) -> impl Iterator<Item = &str> {
    line.split('"').skip(1).step_by(2)
}

/// How many folders up a relative path climbs before it goes down again (`../../x` is 2).
fn climb(path: &str) -> usize {
    path.split('/').take_while(|part| *part == "..").count()
}

/// Every place in `text` (a file under a folder `depth` levels below the repository root)
/// that leaves the repository.
fn escapes(text: &str, depth: usize) -> Vec<String> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        for forbidden in FORBIDDEN {
            if line.contains(forbidden) {
                found.push(format!("line {}: {forbidden}: {}", number + 1, line.trim()));
            }
        }
        for literal in literals(line) {
            if climb(literal) > depth {
                found.push(format!(
                    "line {}: {literal:?} climbs {} folder(s) from {depth} below the root: {}",
                    number + 1,
                    climb(literal),
                    line.trim()
                ));
            }
        }
    }
    found
}

#[test]
fn nothing_reads_outside_the_repository() {
    let root = root();
    let mut problems = Vec::new();
    let mut scanned = 0;
    for (dir, base_depth) in SCANNED {
        let mut found = Vec::new();
        files(&root.join(dir), &mut found);
        for file in found {
            // the test names the forbidden text itself
            if file.ends_with("tests/self_contained.rs") {
                continue;
            }
            let relative = file.strip_prefix(&root).unwrap_or(&file).to_path_buf();
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            scanned += 1;
            for problem in escapes(&text, *base_depth) {
                problems.push(format!("{}: {problem}", relative.display()));
            }
        }
    }
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    scanned += 1;
    problems.extend(escapes(&manifest, 0).into_iter().map(|p| format!("Cargo.toml: {p}")));
    assert!(scanned >= 50, "only {scanned} files scanned; has the layout changed?");
    assert!(
        problems.is_empty(),
        "paths leaving the repository (the material lives in sources/ and tests/fixtures/):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scan_finds_what_it_looks_for() {
    let join = ["PathBuf::from(env!(\"CARGO_MANIFEST_DIR\")).join(\"", "..", "/", "..", "/x\")"];
    assert_eq!(escapes(&join.concat(), 1).len(), 1);
    assert!(escapes("let root = PathBuf::from(dir).join(\"..\");", 1).is_empty());
    assert_eq!(escapes(&["root.join(\"", "..", "/shared/seeds\")"].concat(), 0).len(), 3);
    assert_eq!(escapes(&["let p = \"", "/work/", "shared/fixtures/x\";"].concat(), 0).len(), 2);
    assert!(escapes("if decoded == \"..\" { }", 2).is_empty());
}

#[test]
fn the_material_is_in_the_repository() {
    let root = root();
    // every set of fixtures says where it came from (tests/providers.rs: one set per provider)
    for entry in std::fs::read_dir(root.join("tests/fixtures")).expect("tests/fixtures").flatten() {
        if entry.path().is_dir() {
            let manifest = entry.path().join("MANIFEST.md");
            assert!(manifest.is_file(), "{} is missing", manifest.display());
        }
    }
    // every document and reference file is in the README that says where it came from
    let readme =
        std::fs::read_to_string(root.join("sources/README.md")).expect("sources/README.md");
    for dir in ["sources", "sources/reference"] {
        for entry in std::fs::read_dir(root.join(dir)).expect(dir).flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let shown = if dir == "sources" { name.clone() } else { format!("reference/{name}") };
            if entry.path().is_file() && name != "README.md" {
                assert!(
                    readme.contains(&format!("`{shown}`")),
                    "sources/README.md does not say where {shown} came from"
                );
            }
        }
    }
}
