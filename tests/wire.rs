//! Wire conformance: every vector in `wire/<provider>.json` (format: `wire/README.md`) is sent
//! through the client's dynamic entry point `Client::call` to a mock server on 127.0.0.1.
//! The test checks exactly what went over the wire, and that the decoded answer kept
//! everything the response said.

mod support;

use std::borrow::Cow;
use std::path::PathBuf;

use serde_json::{Map, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use support::{Outcome, Provider, PROVIDERS};

/// Every vector of every provider in `support::PROVIDERS`; fails once at the end, listing every
/// difference of every provider.
#[tokio::test]
async fn every_vector_of_every_provider() {
    let mut failures = Vec::new();
    let mut count = 0;
    for provider in PROVIDERS {
        let (vectors, problems) = run(provider).await;
        count += vectors;
        failures.extend(problems);
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) in {count} vectors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs every vector of `provider`: how many there were, and every difference.
async fn run(provider: &Provider) -> (usize, Vec<String>) {
    let vectors = load_vectors(provider.name);
    let server = MockServer::start().await;
    let mut failures = Vec::new();
    for (index, vector) in vectors.iter().enumerate() {
        let op = vector["op"].as_str().unwrap_or("<no op>");
        for problem in check_vector(provider, &server, vector).await {
            failures.push(format!("{} vector #{index} ({op}): {problem}", provider.name));
        }
    }
    (vectors.len(), failures)
}

fn load_vectors(provider: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("wire/{provider}.json"));
    support::json_array(&path).unwrap_or_else(|| panic!("{} is missing", path.display()))
}

/// Sends one vector's call and returns what differed from the vector (nothing when it conforms).
async fn check_vector(provider: &Provider, server: &MockServer, vector: &Value) -> Vec<String> {
    let (template, response_body) = mock_response(&vector["response"]);
    let before = support::before(vector);
    server.reset().await;
    support::mount_before(provider, server, before).await;
    Mock::given(any()).respond_with(template).mount(server).await;

    let base_url = format!("{}{}", server.uri(), provider.prefix);
    let op = vector["op"].as_str().expect("every vector has an \"op\"");
    let result = call(provider, base_url, op, vector["args"].clone()).await;

    let requests = server.received_requests().await.unwrap_or_default();
    let want = before.len() + 1;
    let Some((request, earlier)) = requests.split_last().filter(|_| requests.len() == want) else {
        let error = result.err().map(|e| format!(" (the call failed: {e})")).unwrap_or_default();
        return vec![format!("expected exactly {want} request(s), got {}{error}", requests.len())];
    };
    let mut problems = Vec::new();
    for (n, (exchange, got)) in before.iter().zip(earlier).enumerate() {
        let found = check_request(provider, &exchange["request"], got);
        problems.extend(found.into_iter().map(|p| format!("request {} of {want}: {p}", n + 1)));
    }
    problems.extend(check_request(provider, &vector["request"], request));
    match result {
        Ok(result) => {
            problems.extend(check_result(&vector["response"], &response_body, result).err())
        }
        Err(error) => problems.push(format!("the call failed: {error}")),
    }
    problems
}

/// Calls `op` through the provider's `Client::call`; any error as text.
async fn call(
    provider: &Provider,
    base_url: String,
    op: &str,
    args: Value,
) -> Result<Value, String> {
    match support::call(provider, base_url, op, args).await {
        Outcome::Ok(value) => Ok(value),
        Outcome::Invalid(error) => Err(error.to_string()),
        Outcome::Other(error) => Err(error),
    }
}

/// The mock's answer for a vector's `response`, and the body it carries as JSON (`null` if none).
fn mock_response(spec: &Value) -> (ResponseTemplate, Value) {
    assert!(spec["status"].is_u64(), "every response has a \"status\"");
    let (template, body) = support::response(spec);
    let json = body.map_or(Value::Null, |body| {
        serde_json::from_slice(&body).expect("response bodies are JSON")
    });
    (template, json)
}

/// Everything about the received request that differs from the vector's `request`.
fn check_request(provider: &Provider, expected: &Value, request: &Request) -> Vec<String> {
    let path =
        format!("{}{}", provider.prefix, expected["path"].as_str().expect("a request \"path\""));
    [
        same_text(
            "method",
            expected["method"].as_str().expect("a request \"method\""),
            request.method.as_str(),
        ),
        same_text("path", &path, request.url.path()),
        check_query(expected.get("query"), request),
        check_headers(provider, expected, request),
        check_body(expected, request),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect()
}

fn same_text(what: &str, expected: &str, got: &str) -> Result<(), String> {
    if expected == got {
        Ok(())
    } else {
        Err(format!("{what}: expected {expected:?}, got {got:?}"))
    }
}

/// The decoded query must hold exactly the expected pairs; none expected means no `?` at all.
fn check_query(expected: Option<&Value>, request: &Request) -> Result<(), String> {
    let mut want = pairs(expected.and_then(Value::as_object));
    if want.is_empty() {
        return match request.url.query() {
            None => Ok(()),
            Some(query) => Err(format!("expected no query string, got ?{query}")),
        };
    }
    let mut got = owned(request.url.query_pairs());
    want.sort();
    got.sort();
    if want == got {
        Ok(())
    } else {
        Err(format!("query: expected {want:?}, got {got:?}"))
    }
}

/// Decoded pairs (of a query or form), owned.
fn owned<'a>(pairs: impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>)>) -> Vec<(String, String)> {
    pairs.map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

/// Query pairs from a vector: a string is taken as is, an array gives one pair per item, any
/// other value its JSON text (`3`, `true`).
fn pairs(object: Option<&Map<String, Value>>) -> Vec<(String, String)> {
    let text = |value: &Value| value.as_str().map_or_else(|| value.to_string(), str::to_owned);
    let mut pairs = Vec::new();
    for (name, value) in object.into_iter().flatten() {
        match value {
            Value::Array(items) => {
                pairs.extend(items.iter().map(|item| (name.clone(), text(item))))
            }
            other => pairs.push((name.clone(), text(other))),
        }
    }
    pairs
}

/// Authentication, User-Agent and Content-Type, each sent once with the exact expected value.
fn check_headers(provider: &Provider, expected: &Value, request: &Request) -> Result<(), String> {
    let (auth_name, auth_value) = provider.auth;
    same_text(auth_name, auth_value, single_header(request, auth_name)?.unwrap_or("<absent>"))?;
    // All crates share the workspace version, so this package's version is theirs.
    let user_agent = format!("{}/{}", provider.name, env!("CARGO_PKG_VERSION"));
    same_text(
        "user-agent",
        &user_agent,
        single_header(request, "user-agent")?.unwrap_or("<absent>"),
    )?;

    let content_type = single_header(request, "content-type")?;
    if expected.get("json").is_some() {
        same_text("content-type", "application/json", content_type.unwrap_or("<absent>"))
    } else if expected.get("form").is_some() {
        let media_type =
            content_type.unwrap_or("<absent>").split(';').next().unwrap_or_default().trim();
        same_text(
            "content-type media type",
            "application/x-www-form-urlencoded",
            &media_type.to_ascii_lowercase(),
        )
    } else {
        match content_type {
            None => Ok(()),
            Some(value) => Err(format!("content-type: expected none (no body), got {value:?}")),
        }
    }
}

/// The value of header `name`, if sent; an error if it was sent more than once or is not text.
fn single_header<'a>(request: &'a Request, name: &str) -> Result<Option<&'a str>, String> {
    let values: Vec<_> = request.headers.get_all(name).iter().collect();
    match values.as_slice() {
        [] => Ok(None),
        [value] => value.to_str().map(Some).map_err(|_| format!("{name}: not valid text")),
        many => Err(format!("{name}: sent {} times", many.len())),
    }
}

/// A JSON body is compared as a parsed value, a form as decoded fields; no body means none.
fn check_body(expected: &Value, request: &Request) -> Result<(), String> {
    if let Some(want) = expected.get("json") {
        let got: Value =
            serde_json::from_slice(&request.body).map_err(|e| format!("body: not JSON: {e}"))?;
        same_json(want, &got, "body", Numbers::Json)
    } else if let Some(want) = expected.get("form") {
        check_form(want.as_object().expect("\"form\" is an object"), request)
    } else if request.body.is_empty() {
        Ok(())
    } else {
        Err(format!("expected no body, got {:?}", String::from_utf8_lossy(&request.body)))
    }
}

/// Each expected field must be sent exactly once and nothing else; a string is compared as
/// text, any other value with the field's text parsed as JSON.
fn check_form(want: &Map<String, Value>, request: &Request) -> Result<(), String> {
    let text = std::str::from_utf8(&request.body).map_err(|_| "form body: not UTF-8".to_owned())?;
    // Decode with the URL's own form decoder: a URL whose query is the form body.
    let mut url = request.url.clone();
    url.set_query(Some(text));
    let got = owned(url.query_pairs());
    if let Some((name, _)) = got.iter().find(|(name, _)| !want.contains_key(name)) {
        return Err(format!("form: unexpected field {name:?} in {text:?}"));
    }
    for (name, value) in want {
        let sent: Vec<&str> =
            got.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
        let [sent] = sent.as_slice() else {
            return Err(format!("form field {name:?}: expected once, sent {} times", sent.len()));
        };
        match value {
            Value::String(text) => same_text(&format!("form field {name:?}"), text, sent)?,
            other => {
                let parsed: Value = serde_json::from_str(sent)
                    .map_err(|e| format!("form field {name:?}: not JSON ({e}): {sent:?}"))?;
                same_json(other, &parsed, &format!("form field {name:?}"), Numbers::Json)?;
            }
        }
    }
    Ok(())
}

/// The call's result (for an `Accepted` result, its `value`) must equal the response body,
/// after dropping null members from both; a number the response sent as text may come back
/// as that number (what the lenient decoding of a provider like Memset does). An `Accepted`
/// result must carry the request id of the response's `Location` header; a vector whose
/// response sets `Location` expects an `Accepted` result.
fn check_result(response: &Value, body: &Value, result: Value) -> Result<(), String> {
    let value = match location_request_id(response) {
        None => result,
        Some(id) => {
            let Value::Object(mut accepted) = result else {
                return Err(format!("result: expected an Accepted object, got {}", short(&result)));
            };
            let request_id = accepted.remove("request_id").unwrap_or_default();
            if request_id != Value::String(id.clone()) {
                return Err(format!(
                    "result/request_id: expected {id:?} (from Location), got {request_id}"
                ));
            }
            let value = accepted.remove("value").unwrap_or_default();
            if let Some(key) = accepted.keys().next() {
                return Err(format!(
                    "result: unexpected member {key:?} next to request_id and value"
                ));
            }
            value
        }
    };
    same_json(&without_nulls(body), &without_nulls(&value), "result", Numbers::AlsoText)
}

/// The request id in the vector's `Location` response header: the segment after `/requests/`.
fn location_request_id(response: &Value) -> Option<String> {
    let headers = response["headers"].as_object()?;
    let (_, location) = headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("location"))?;
    let after = location.as_str()?.split_once("/requests/")?.1;
    Some(after.split('/').next().unwrap_or_default().to_owned())
}

/// `value` with every null object member removed, at any depth.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// How [`same_json`] compares numbers.
#[derive(Clone, Copy)]
enum Numbers {
    /// Numerically: `2` equals `2.0`.
    Json,
    /// Also a string holding a number in `want` equals that number in `got`: `"30.00"` is `30`.
    AlsoText,
}

/// Compares JSON values as `numbers` says; the error names the first difference by its JSON
/// pointer under `at`.
fn same_json(want: &Value, got: &Value, at: &str, numbers: Numbers) -> Result<(), String> {
    match (want, got) {
        (Value::Object(want), Value::Object(got)) => {
            if let Some((key, value)) = got.iter().find(|(key, _)| !want.contains_key(*key)) {
                return Err(format!("{at}/{key}: unexpected member {}", short(value)));
            }
            for (key, value) in want {
                let Some(other) = got.get(key) else {
                    return Err(format!("{at}/{key}: missing (expected {})", short(value)));
                };
                same_json(value, other, &format!("{at}/{key}"), numbers)?;
            }
            Ok(())
        }
        (Value::Array(want), Value::Array(got)) if want.len() == got.len() => want
            .iter()
            .zip(got)
            .enumerate()
            .try_for_each(|(index, (a, b))| same_json(a, b, &format!("{at}/{index}"), numbers)),
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (Value::String(text), Value::Number(b))
            if matches!(numbers, Numbers::AlsoText)
                && text.trim().parse::<f64>().ok() == b.as_f64() =>
        {
            Ok(())
        }
        _ if want == got => Ok(()),
        _ => Err(format!("{at}: expected {}, got {}", short(want), short(got))),
    }
}

/// A value's JSON text, cut to a readable length.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
