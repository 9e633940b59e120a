//! One provider registry: the providers are the folders of `spec/` (each with a
//! `provider.toml`). Regen and source-sync find them there; the tests run the ones in
//! `support::PROVIDERS`, and this test fails unless those are exactly the spec's, each with its
//! crate, its fixtures and a wire vector for every operation.
//!
//! Adding a provider (README.md, "Adding a provider"): a spec folder, a crate, a source-sync
//! reader, an entry in `support::PROVIDERS`, its wire vectors and fixtures.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{root, PROVIDERS};

/// The provider folders of `spec/`, as regen and source-sync read them.
fn spec_providers() -> Vec<String> {
    let specs = codegen::load::all(&root().join("spec"), "spec").expect("the specs are readable");
    specs.into_iter().map(|spec| spec.name).collect()
}

#[test]
fn the_tests_know_every_provider_of_the_spec() {
    let spec: BTreeSet<String> = spec_providers().into_iter().collect();
    let tests: BTreeSet<String> = PROVIDERS.iter().map(|p| p.name.to_owned()).collect();
    assert_eq!(tests.len(), PROVIDERS.len(), "a provider is listed twice in support::PROVIDERS");
    let missing: Vec<_> = spec.difference(&tests).collect();
    let unknown: Vec<_> = tests.difference(&spec).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "spec/ has {missing:?} that tests/support.rs PROVIDERS lacks; PROVIDERS has {unknown:?} \
         that spec/ lacks\n  help: see README.md, \"Adding a provider\""
    );
    assert!(!spec.is_empty(), "no provider under spec/");
}

#[test]
fn every_provider_has_its_crate_and_material() {
    let root = root();
    let mut problems = Vec::new();
    for provider in PROVIDERS {
        let name = provider.name;
        let manifest = root.join("crates").join(name).join("Cargo.toml");
        match std::fs::read_to_string(&manifest) {
            Ok(text) if text.contains(&format!("\nname = \"{name}\"\n")) => {}
            Ok(_) => problems
                .push(format!("crates/{name}/Cargo.toml: the package is not named {name:?}")),
            Err(e) => problems.push(format!("crates/{name}/Cargo.toml: {e}")),
        }
        let readmes = std::fs::read_to_string(root.join("tests/readmes.rs")).expect("readmes.rs");
        if !readmes.contains(&format!("\"../crates/{name}/README.md\"")) {
            problems.push(format!("tests/readmes.rs does not compile crates/{name}/README.md"));
        }
        for file in [
            format!("crates/{name}/README.md"),
            format!("tests/wire/{name}.json"),
            format!("tests/fixtures/{name}/MANIFEST.md"),
        ] {
            if !root.join(&file).is_file() {
                problems.push(format!("{file} is missing"));
            }
        }
        if provider.operations.is_empty() {
            problems.push(format!("{name}: Client::OPERATIONS is empty"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The wire vectors are the contract of each operation: every operation `Client::call` takes
/// (`Client::OPERATIONS`, generated from the spec) has at least one, and every vector names an
/// operation there is.
#[test]
fn every_operation_has_a_wire_vector() {
    let mut problems = Vec::new();
    let mut operations = 0;
    for provider in PROVIDERS {
        let path = root().join("tests/wire").join(format!("{}.json", provider.name));
        let vectors = support::json_array(&path).unwrap_or_default();
        let covered: BTreeSet<&str> = vectors.iter().filter_map(|v| v["op"].as_str()).collect();
        let known: BTreeSet<&str> = provider.operations.iter().copied().collect();
        let missing: Vec<&str> =
            provider.operations.iter().copied().filter(|op| !covered.contains(op)).collect();
        if !missing.is_empty() {
            problems.push(format!(
                "{}: {} operation(s) without a wire vector in tests/wire/{}.json: {}",
                provider.name,
                missing.len(),
                provider.name,
                missing.join(", ")
            ));
        }
        for vector in &vectors {
            match vector["op"].as_str() {
                Some(op) if known.contains(op) => {}
                Some(op) => problems.push(format!(
                    "{}: a vector names {op:?}, which is not an operation",
                    provider.name
                )),
                None => problems.push(format!(
                    "{}: a vector without \"op\": {}",
                    provider.name,
                    short(vector)
                )),
            }
        }
        operations += provider.operations.len();
    }
    assert!(
        problems.is_empty(),
        "{}\n  help: write the vectors from the vendor's wire reference (sources/reference/), see tests/wire/README.md",
        problems.join("\n")
    );
    assert!(operations > 0);
}

fn short(value: &Value) -> String {
    value.to_string().chars().take(120).collect()
}
