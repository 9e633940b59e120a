//! Round trip: for every wire vector, the simulators' router (`cloud_sdks_sim::route`) maps the
//! request the vector says a client sends back to the vector's operation and arguments — the
//! inverse of the clients' encoding, from the catalog alone.

use std::path::PathBuf;

use cloud_sdks_runtime::catalog::{Catalog, OperationInfo, Type};
use cloud_sdks_sim::route::{self, Body};
use serde_json::{Map, Value};

fn vectors(provider: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("wire/{provider}.json"));
    let text = std::fs::read_to_string(&path).expect("the vectors");
    serde_json::from_str(&text).expect("a JSON array")
}

/// A value as the wire carries it in a query or form: strings as they are, anything else as
/// its JSON text (the vectors' README).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether two argument values are the same call: numbers compare numerically, an enum's
/// case is the server's to fold.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            let given = |m: &Map<String, Value>| m.iter().filter(|(_, v)| !v.is_null()).count();
            given(x) == given(y)
                && x.iter()
                    .filter(|(_, v)| !v.is_null())
                    .all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// What differs between the arguments the router read and the ones the vector called with;
/// a parameter the vector left out may come back with its default.
fn differences(
    op: &OperationInfo,
    read: &Map<String, Value>,
    called: &Map<String, Value>,
) -> Vec<String> {
    let mut problems = Vec::new();
    // nothing and an empty object send the same: nothing
    let given = |v: &&Value| !v.is_null() && v.as_object().is_none_or(|m| !m.is_empty());
    for (name, value) in called.iter().filter(|(_, v)| given(v)) {
        // a single value given for a list goes out as a list of one
        let is_list = op.param(name).is_some_and(|p| matches!(p.ty, Type::List(_)));
        let value = &match value {
            Value::Array(_) => value.clone(),
            single if is_list => Value::Array(vec![single.clone()]),
            other => other.clone(),
        };
        match read.get(name) {
            Some(back) if same(value, back) => {}
            back => problems.push(format!("{name}: called with {value}, read back {back:?}")),
        }
    }
    for (name, back) in read.iter().filter(|(name, _)| !called.contains_key(*name)) {
        let default = op.param(name).and_then(|p| p.default).map(|d| d.to_json());
        if !default.as_ref().is_some_and(|d| same(d, back)) {
            problems.push(format!("{name}: read back {back} without the vector giving it"));
        }
    }
    problems
}

fn round_trip(provider: &str, catalog: &Catalog) {
    let mut problems = Vec::new();
    let all = vectors(provider);
    for (i, vector) in all.iter().enumerate() {
        let name = vector["op"].as_str().expect("op");
        let request = &vector["request"];
        let mut query = Vec::new();
        for (key, value) in request["query"].as_object().into_iter().flatten() {
            match value {
                Value::Array(items) => query.extend(items.iter().map(|v| (key.clone(), text(v)))),
                other => query.push((key.clone(), text(other))),
            }
        }
        let body = match (&request["json"], &request["form"]) {
            (Value::Null, Value::Object(form)) => {
                Body::Form(form.iter().map(|(k, v)| (k.clone(), text(v))).collect())
            }
            (Value::Null, _) => Body::None,
            (json, _) => Body::Json(json.clone()),
        };
        let method = request["method"].as_str().expect("method");
        let path = request["path"].as_str().expect("path");
        let expected = catalog.operation(name).expect("the vector's operation exists");
        match route::call(catalog, method, path, &query, &body) {
            Ok(routed) if routed.operation.name != expected.name => problems
                .push(format!("#{i} {name}: {method} {path} routed to {}", routed.operation.name)),
            Ok(routed) => {
                let called = vector["args"].as_object().cloned().unwrap_or_default();
                for problem in differences(expected, &routed.args, &called) {
                    problems.push(format!("#{i} {name}: {problem}"));
                }
            }
            Err(unrouted) => problems.push(format!("#{i} {name}: {method} {path}: {unrouted:?}")),
        }
    }
    assert!(
        problems.is_empty(),
        "{provider}: {} of {} vectors do not round-trip:\n{}",
        problems.len(),
        all.len(),
        problems.join("\n")
    );
}

#[test]
fn profitbricks_requests_route_back_to_their_calls() {
    round_trip("profitbricks", &profitbricks::CATALOG);
}

#[test]
fn oneandone_requests_route_back_to_their_calls() {
    round_trip("oneandone", &oneandone::CATALOG);
}

#[test]
fn memset_requests_route_back_to_their_calls() {
    round_trip("memset", &memset::CATALOG);
}

#[test]
fn unknown_paths_and_methods_are_told_apart() {
    let pb = &profitbricks::CATALOG;
    assert_eq!(route::operation(pb, "GET", "/nowhere").err(), Some(route::Unrouted::NotFound));
    match route::operation(pb, "PATCH", "/datacenters") {
        Err(route::Unrouted::MethodNotAllowed(methods)) => assert_eq!(methods, ["GET", "POST"]),
        other => panic!("{other:?}"),
    }
    let (op, params) = route::operation(pb, "GET", "/datacenters/d%2F1/servers").expect("routed");
    assert_eq!((op.name, params), ("list_servers", vec![("datacenter_id", "d/1".to_owned())]));
}
