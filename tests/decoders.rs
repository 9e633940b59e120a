//! Property tests: every response type of every crate (`models::RESPONSE_TYPES`: each
//! operation's return type and the models and enums inside them) decodes arbitrary input to a
//! value or a typed error, never a panic: random bytes, random JSON, and real fixtures cut,
//! flipped and spliced.
//!
//! Each property runs `CASES` cases per provider, and every case goes through every decoder of
//! the provider; proptest shrinks a failure to a minimal input. `PROPTEST_CASES` overrides the
//! count (e.g. a long soak run).
//!
//! Run with `cargo test -p workspace-tests --test decoders`.

mod support;

use std::path::PathBuf;

use cloud_sdks_runtime::dynamic::Decoder;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value};

/// Cases per property and provider: 3 properties make 3 × 2,000 inputs per provider, each fed
/// to every one of its decoders (about 100 to 200).
const CASES: u32 = 2000;

type Decoders = &'static [(&'static str, Decoder)];

/// Every provider of `support::PROVIDERS` with its response types.
fn providers() -> impl Iterator<Item = (&'static str, Decoders)> {
    support::PROVIDERS.iter().map(|provider| (provider.name, provider.response_types))
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(CASES);
    // no failure persistence files in the repository; failures print the minimal input
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// Feeds `input` to every decoder; a panic fails the property (proptest catches it).
fn decode_all(decoders: Decoders, input: &[u8]) {
    for (_, decode) in decoders {
        let _ = decode(input);
    }
}

fn check(provider: &str, decoders: Decoders, strategy: impl Strategy<Value = Vec<u8>>) {
    let mut runner = TestRunner::new(config());
    runner
        .run(&strategy, |input| {
            decode_all(decoders, &input);
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{provider}: {failure}"));
}

/// Names real answers use, so that random objects reach into the models' members.
const KEYS: &[&str] = &[
    "id",
    "type",
    "href",
    "name",
    "items",
    "properties",
    "metadata",
    "entities",
    "state",
    "status",
    "message",
    "error",
    "finished",
    "servers",
    "hardware",
    "ips",
    "hdds",
    "vcore",
    "ram",
    "size",
    "location",
    "datacenter",
    "description",
    "creation_date",
    "etag",
    "createdDate",
    "cores",
    "nics",
    "volumes",
    "lans",
    "firewallrules",
    "image",
    "rules",
    "port",
    "protocol",
    "price",
    "amount",
    "service",
    "key",
    "scopes",
    "targets",
    "requestStatus",
    "first_password",
    "ip",
    "value",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<u64>().prop_map(Value::from),
        // text, numbers written as text ("30.00"), and values the enums know
        "[ -~]{0,12}".prop_map(Value::String),
        "-?[0-9]{1,4}(\\.[0-9]{1,3})?".prop_map(Value::String),
        prop::sample::select(
            &[
                "AVAILABLE",
                "BUSY",
                "DONE",
                "FAILED",
                "POWERED_ON",
                "LIVE",
                "datacenter",
                "server",
                "HDD",
                "1e400",
                "NaN"
            ][..]
        )
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 48, 8, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec(
                (
                    prop_oneof![prop::sample::select(KEYS).prop_map(str::to_owned), "[a-z_]{1,8}"],
                    inner
                ),
                0..8
            )
            .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn fixtures(provider: &str) -> Vec<Vec<u8>> {
    let dir = support::fixtures().join(provider);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
        .iter()
        .map(|path| std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}

/// One change to a byte string.
#[derive(Debug, Clone)]
enum Mutation {
    /// Keep the first part (a fraction of the length, in thousandths).
    Truncate(u16),
    /// Replace the byte at a position.
    Replace(u16, u8),
    /// Insert a byte.
    Insert(u16, u8),
    /// Remove a range.
    Remove(u16, u8),
    /// Copy a range to another place (splices members into odd places).
    Splice(u16, u16, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0u16..1000).prop_map(Mutation::Truncate),
        (0u16..1000, prop::sample::select(&b"{}[]\",:0-9.eE-+ntfu\\\x00\xff"[..]))
            .prop_map(|(at, byte)| Mutation::Replace(at, byte)),
        (0u16..1000, any::<u8>()).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        (0u16..1000, 1u8..40).prop_map(|(at, len)| Mutation::Remove(at, len)),
        (0u16..1000, 0u16..1000, 1u8..80)
            .prop_map(|(from, to, len)| Mutation::Splice(from, to, len)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    let at = |len: usize, thousandths: u16| len * usize::from(thousandths) / 1000;
    for m in mutations {
        let len = bytes.len();
        match *m {
            Mutation::Truncate(keep) => bytes.truncate(at(len, keep)),
            Mutation::Replace(pos, byte) if len > 0 => bytes[at(len, pos).min(len - 1)] = byte,
            Mutation::Replace(..) => {}
            Mutation::Insert(pos, byte) => bytes.insert(at(len, pos), byte),
            Mutation::Remove(pos, n) => {
                let start = at(len, pos);
                bytes.drain(start..(start + usize::from(n)).min(len));
            }
            Mutation::Splice(from, to, n) => {
                let start = at(len, from);
                let piece: Vec<u8> = bytes[start..(start + usize::from(n)).min(len)].to_vec();
                let target = at(len, to);
                bytes.splice(target..target, piece);
            }
        }
    }
    bytes
}

#[test]
fn every_decoder_takes_arbitrary_bytes() {
    for (provider, decoders) in providers() {
        check(provider, decoders, vec(any::<u8>(), 0..300));
    }
}

#[test]
fn every_decoder_takes_arbitrary_json() {
    for (provider, decoders) in providers() {
        check(provider, decoders, json_value().prop_map(|value| value.to_string().into_bytes()));
    }
}

#[test]
fn every_decoder_takes_damaged_real_answers() {
    for (provider, decoders) in providers() {
        let fixtures = fixtures(provider);
        let strategy = (prop::sample::select(fixtures), vec(mutation(), 1..4))
            .prop_map(|(bytes, mutations)| apply(bytes, &mutations));
        check(provider, decoders, strategy);
    }
}

#[test]
fn every_provider_lists_its_response_types() {
    for (provider, decoders) in providers() {
        assert!(decoders.len() >= 20, "{provider}: only {} response types", decoders.len());
        // the real answers decode into at least one of them (the decoders are live)
        for fixture in fixtures(provider) {
            let text = String::from_utf8_lossy(&fixture);
            if text.contains("error_type") || text.contains("\"messages\"") {
                continue; // error bodies
            }
            assert!(
                decoders.iter().any(|(_, decode)| decode(&fixture).is_ok()),
                "{provider}: no decoder takes {text:.200}"
            );
        }
    }
}
