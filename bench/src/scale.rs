//! Answers at scale, built from the real fixture item shapes: list answers of any length, the
//! pages of a 1&1 page walk, JSON-RPC batch answers and request statuses that finish after a
//! number of polls. The fixture server serves them; nothing here is timed.

use serde_json::Value;

/// The list operation of each provider measured with large answers.
pub const LARGE: [&str; 3] =
    ["profitbricks/list_datacenters", "oneandone/list_servers", "memset/service.list"];

/// Items per page of the 1&1 page walk, and the number of full pages.
pub const PAGE_SIZE: usize = 100;
/// Full pages the fixture server has for the page walk (the walk's last request gets `[]`).
pub const PAGES: usize = 50;

/// The ProfitBricks request status a wait polls (`GET /requests/{id}/status`).
pub const STATUS_PREFIX: &str = "/cloudapi/v3/requests/";

/// The item shapes of `op`'s list answer, read from its fixture `body`, and how they are
/// wrapped: ProfitBricks collections have them under `items`, 1&1 answers are an array, and
/// Memset's `service.list` is an array of the `service.info` item.
fn shapes(op: &str, body: &[u8]) -> Result<Vec<Value>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("{op}: {e}"))?;
    let items = match op {
        "profitbricks/list_datacenters" => value.get("items").cloned(),
        "oneandone/list_servers" => Some(value),
        "memset/service.list" => Some(Value::Array(vec![value])),
        _ => None,
    };
    match items {
        Some(Value::Array(items)) if !items.is_empty() => Ok(items),
        _ => Err(format!("{op}: no list items in the fixture")),
    }
}

/// `n` items cycled from `shapes`, each with its own id (or name), as the API would give.
fn items(op: &str, shapes: &[Value], n: usize, offset: usize) -> Vec<Value> {
    let key = if op.starts_with("memset/") { "name" } else { "id" };
    (0..n)
        .map(|i| {
            let mut item = shapes[i % shapes.len()].clone();
            if let Some(Value::String(id)) = item.get_mut(key) {
                *id = format!("{id}-{}", offset + i);
            }
            item
        })
        .collect()
}

/// The list answer of `op` with `n` items, built from its fixture `body`.
///
/// # Errors
///
/// When `op` is not one of [`LARGE`] or its fixture has no items.
pub fn list_answer(op: &str, body: &[u8], n: usize) -> Result<Vec<u8>, String> {
    let shapes = shapes(op, body)?;
    let items = items(op, &shapes, n, 0);
    let answer = match op {
        "profitbricks/list_datacenters" => {
            let mut collection: Value =
                serde_json::from_slice(body).map_err(|e| format!("{op}: {e}"))?;
            collection["items"] = Value::Array(items);
            collection
        }
        _ => Value::Array(items),
    };
    serde_json::to_vec(&answer).map_err(|e| e.to_string())
}

/// Page `page` (from 1) of the 1&1 server list walk: [`PAGE_SIZE`] items up to page
/// [`PAGES`], `[]` after it.
pub fn page_answer(list_servers: &[u8], page: usize, per_page: usize) -> Result<Vec<u8>, String> {
    let op = "oneandone/list_servers";
    let shapes = shapes(op, list_servers)?;
    let n = if (1..=PAGES).contains(&page) { per_page } else { 0 };
    serde_json::to_vec(&items(op, &shapes, n, (page.max(1) - 1) * per_page))
        .map_err(|e| e.to_string())
}

/// The answer to a JSON-RPC request (one call or a batch): every call gets `result` (JSON
/// text) as its result, under its own id. Only the ids are decoded (the rest of each call is
/// skipped without building anything) and the answers are written as text, so that the
/// server's share of a batch stays small next to the client's.
pub fn jsonrpc_answer(request: &[u8], result: &str) -> Option<Vec<u8>> {
    #[derive(serde::Deserialize)]
    struct Call {
        id: Option<Value>,
    }
    let mut out = Vec::with_capacity(64 + result.len() + 40);
    let answer = |call: &Call, out: &mut Vec<u8>| {
        out.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
        match &call.id {
            Some(id) => out.extend_from_slice(id.to_string().as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(br#","result":"#);
        out.extend_from_slice(result.as_bytes());
        out.push(b'}');
    };
    // a batch is an array; told by its first byte rather than by an untagged enum, which
    // would copy the whole request into serde's buffer before trying each shape
    if request.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        let calls: Vec<Call> = serde_json::from_slice(request).ok()?;
        out.reserve(calls.len() * (result.len() + 40));
        out.push(b'[');
        for (i, call) in calls.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            answer(call, &mut out);
        }
        out.push(b']');
    } else {
        answer(&serde_json::from_slice::<Call>(request).ok()?, &mut out);
    }
    Some(out)
}

/// The value of `name` in a query string, if it is there.
pub fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}
