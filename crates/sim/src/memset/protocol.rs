//! The wire: Memset's JSON interface (`GET`/`POST <prefix>/json/<method>[/<name>][/]`, with
//! arguments as query or form fields, as the JSON `parameters` field, or as a JSON object
//! body) and its JSON-RPC 2.0 endpoint (`POST <prefix>/jsonrpc[/]`, single calls and batches
//! of at most 100); the XML-RPC endpoint's path (`POST <prefix>/xmlrpc[/]`, see `xmlrpc.rs`).
//! Credentials: the API key as the HTTP Basic user name (any password), or an
//! `api_key` argument.

use base64::Engine as _;
use cloud_sdks_runtime::catalog::{OperationInfo, Type};
use serde_json::{json, Map, Value};

use super::errors::{Failure, Kind};
use crate::server::{Incoming, Reply};

/// The most calls a JSON-RPC batch may hold, as the documentation says.
pub(crate) const MAX_BATCH: usize = 100;

/// Which interface a path asks for.
pub(crate) enum Interface {
    /// `json/<method>[/<name>]`.
    Json { method: String, name: Option<String> },
    /// `jsonrpc`.
    JsonRpc,
    /// `xmlrpc`.
    XmlRpc,
    /// Anything else below the prefix.
    Unknown,
}

/// The interface the path below the prefix (`/json/server.info/myserver1/`) asks for.
pub(crate) fn interface(rest: &str) -> Interface {
    let segments: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    match segments.as_slice() {
        [json, method] if json == "json" => Interface::Json { method: method.clone(), name: None },
        [json, method, name] if json == "json" => {
            Interface::Json { method: method.clone(), name: Some(name.clone()) }
        }
        [rpc] if rpc == "jsonrpc" => Interface::JsonRpc,
        [rpc] if rpc == "xmlrpc" => Interface::XmlRpc,
        _ => Interface::Unknown,
    }
}

/// The API key the request carries: the HTTP Basic user name (the password is not checked),
/// else an `api_key` argument.
pub(crate) fn api_key(request: &Incoming, args: &Map<String, Value>) -> Option<String> {
    let basic = request
        .authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Basic ").or_else(|| a.strip_prefix("basic ")))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .map(|pair| pair.split_once(':').map_or(pair.clone(), |(user, _)| user.to_owned()));
    basic.or_else(|| args.get("api_key").and_then(Value::as_str).map(str::to_owned))
}

/// Refuses a missing or wrong key the way the API does: no key is `ApiErrorNotAuthorized`
/// (401), a wrong one `ApiErrorForbidden` (403).
pub(crate) fn check_key(given: Option<&str>, expected: &str) -> Result<(), Failure> {
    match given {
        None | Some("") => Err(Failure::new(
            Kind::NotAuthorized,
            "Not Authorized - Authentication is required: give the API key as the HTTP Basic user name",
        )),
        Some(key) if key == expected => Ok(()),
        Some(_) => Err(Failure::new(Kind::Forbidden, "Forbidden - Authentication is incorrect")),
    }
}

/// The arguments of a JSON-interface request, merged from the query, the body (form fields or
/// a JSON object) and the `parameters` JSON field, in that order; plain fields are still text.
pub(crate) fn json_arguments(request: &Incoming) -> Result<Map<String, Value>, Failure> {
    let mut args = Map::new();
    let query = request.query.as_deref().unwrap_or("");
    let mut parameters: Vec<String> = Vec::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == "parameters" {
            parameters.push(v.into_owned());
        } else {
            args.insert(k.into_owned(), Value::String(v.into_owned()));
        }
    }
    let body = &request.body;
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| body[i]) {
        None => {}
        // Not documented, but some clients send a JSON object body.
        Some(b'{') => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(members)) => args.extend(members),
            _ => {
                return Err(Failure::new(Kind::BadParameters, "The JSON body is not a JSON object"))
            }
        },
        Some(_) => {
            for (k, v) in form_urlencoded::parse(body) {
                if k == "parameters" {
                    parameters.push(v.into_owned());
                } else {
                    args.insert(k.into_owned(), Value::String(v.into_owned()));
                }
            }
        }
    }
    for text in parameters {
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(members)) => args.extend(members),
            _ => {
                return Err(Failure::new(
                    Kind::BadParameters,
                    "parameters: must be a JSON-encoded dictionary of the call's parameters",
                ))
            }
        }
    }
    Ok(args)
}

/// Turns plain-field text into the JSON value the parameter's type stands for (booleans are
/// `"0"`/`"1"`, numbers decimal text); text that does not fit stays text, for validation to
/// refuse. Also takes `service.list`'s `type` as a one-item list when it is a single string,
/// as the documentation allows ("String or List").
pub(crate) fn typed(op: &OperationInfo, args: &mut Map<String, Value>) {
    for param in op.params {
        let Some(value) = args.get_mut(param.wire) else { continue };
        if let Value::String(text) = value {
            let converted = match param.ty {
                Type::Boolean => match text.as_str() {
                    "1" | "true" | "True" => Some(Value::Bool(true)),
                    "0" | "false" | "False" => Some(Value::Bool(false)),
                    _ => None,
                },
                Type::Integer => text.trim().parse::<i64>().ok().map(Value::from),
                Type::Number => text.trim().parse::<f64>().ok().map(Value::from),
                Type::List(Type::String) if op.name == "service.list" => {
                    Some(json!([text.clone()]))
                }
                _ => None,
            };
            if let Some(converted) = converted {
                *value = converted;
            }
        }
    }
}

/// One JSON-RPC call of a request: its id (`None` for a notification), method and arguments.
pub(crate) struct RpcCall {
    pub id: Option<Value>,
    pub method: String,
    pub params: Map<String, Value>,
}

/// A JSON-RPC request that cannot be carried out at all, as its error object.
pub(crate) fn rpc_error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id})
}

/// Reads one entry of a JSON-RPC request.
pub(crate) fn rpc_call(entry: &Value) -> Result<RpcCall, Value> {
    let id = entry.get("id").cloned();
    let invalid = |message: &str| rpc_error(id.clone().unwrap_or(Value::Null), -32600, message);
    let Some(object) = entry.as_object() else {
        return Err(invalid("Invalid Request: a call must be a JSON object"));
    };
    let Some(method) = object.get("method").and_then(Value::as_str) else {
        return Err(invalid("Invalid Request: 'method' must be a string"));
    };
    let params = match object.get("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(params)) => params.clone(),
        Some(_) => {
            let failure = Failure::new(
                Kind::BadParameters,
                "The server only supports named parameters - not argument lists",
            );
            return Err(
                json!({"jsonrpc": "2.0", "error": failure.jsonrpc(), "id": id.unwrap_or(Value::Null)}),
            );
        }
    };
    Ok(RpcCall { id, method: method.to_owned(), params })
}

/// A JSON-RPC answer to one call.
pub(crate) fn rpc_answer(id: Value, outcome: Result<Value, Failure>) -> Value {
    match outcome {
        Ok(result) => json!({"jsonrpc": "2.0", "result": result, "id": id}),
        Err(failure) => json!({"jsonrpc": "2.0", "error": failure.jsonrpc(), "id": id}),
    }
}

/// A 200 answer with `body`.
pub(crate) fn ok(body: Value) -> Reply {
    Reply { status: 200, headers: Vec::new(), body: Some(body) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(
            matches!(interface("/json/server.info"), Interface::Json { method, name: None } if method == "server.info")
        );
        assert!(matches!(interface("/json/service.info/myserver1/"),
            Interface::Json { name: Some(name), .. } if name == "myserver1"));
        assert!(matches!(interface("/jsonrpc/"), Interface::JsonRpc));
        assert!(matches!(interface("/xmlrpc"), Interface::XmlRpc));
        assert!(matches!(interface("/xmlrpc/"), Interface::XmlRpc));
        assert!(matches!(interface("/xmlrpc/x"), Interface::Unknown));
        assert!(matches!(interface("/json/a/b/c"), Interface::Unknown));
    }

    #[test]
    fn keys() {
        assert!(check_key(Some("k"), "k").is_ok());
        assert_eq!(check_key(None, "k").map_err(|f| f.kind), Err(Kind::NotAuthorized));
        assert_eq!(check_key(Some("x"), "k").map_err(|f| f.kind), Err(Kind::Forbidden));
    }

    #[test]
    fn plain_fields_are_typed() {
        let op = ::memset::CATALOG.operation("dns.zone_record_create").expect("an op");
        let mut args = Map::new();
        args.insert("ttl".into(), Value::from("300"));
        args.insert("relative".into(), Value::from("1"));
        args.insert("priority".into(), Value::from("ten"));
        typed(op, &mut args);
        assert_eq!(Value::Object(args), json!({"ttl": 300, "relative": true, "priority": "ten"}));
    }
}
