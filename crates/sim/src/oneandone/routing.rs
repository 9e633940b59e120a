//! From an HTTP request to a catalog operation: the prefix, the token, the path template and
//! method (matched by [`crate::route::operation`]), the query and body decoded and checked
//! against the catalog. Also 1&1's error shape.

use cloud_sdks_runtime::catalog::{BodyKind, Location, OperationInfo, Type};
use serde_json::{json, Value};

use super::PREFIX;
use crate::route;
use crate::server::{Incoming, Reply};
use crate::validate::{self, Arguments};

/// A request matched to its operation, with its arguments decoded and checked.
pub(super) struct Routed {
    pub op: &'static OperationInfo,
    /// The path parameters, decoded, by template name.
    pub params: route::PathParams,
    /// The query pairs, decoded (booleans as `true`/`false`).
    pub query: Vec<(String, String)>,
    /// The JSON body, `Null` when there is none.
    pub body: Value,
}

impl Routed {
    /// The path parameter `name` ("" if the template has none of that name).
    pub fn param(&self, name: &str) -> &str {
        self.params.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v.as_str())
    }

    /// The query parameter `name`, if given.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The query parameter `name` as a flag (`true` / `True`).
    pub fn flag(&self, name: &str) -> bool {
        self.query(name) == Some("true")
    }
}

/// A reply in 1&1's error shape, `{"type", "message", "errors": null}`.
pub(super) fn error(status: u16, kind: &str, message: &str) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        body: Some(json!({"type": kind, "message": message, "errors": null})),
    }
}

/// 404 for the resource `what` (`"server 0A1B…"`).
pub(super) fn not_found(what: &str) -> Reply {
    error(404, "NOT_FOUND", &format!("The {what} does not exist"))
}

/// 400 for a request the API refuses, with one `{"field", "message"}` per problem.
pub(super) fn bad_request(problems: &[(String, String)]) -> Reply {
    let message = problems.first().map_or("Bad request", |(_, m)| m.as_str());
    let errors: Vec<Value> = problems
        .iter()
        .map(|(field, message)| json!({"field": field, "message": message}))
        .collect();
    Reply {
        status: 400,
        headers: Vec::new(),
        body: Some(json!({"type": "BAD_REQUEST", "message": message, "errors": errors})),
    }
}

/// 400 for one problem that concerns no single member.
pub(super) fn refused(message: &str) -> Reply {
    error(400, "BAD_REQUEST", message)
}

/// The operation `request` is for, with its arguments, or the error reply (with the
/// operation, when the request was routed but its arguments were refused).
pub(super) fn route(
    request: &Incoming,
    token: &str,
) -> Result<Routed, (Reply, Option<&'static str>)> {
    route_inner(request, token).map_err(|(reply, op)| (reply, op.map(|op| op.name)))
}

type Refusal = (Reply, Option<&'static OperationInfo>);

fn route_inner(request: &Incoming, token: &str) -> Result<Routed, Refusal> {
    let Some(rest) =
        request.path.strip_prefix(PREFIX).filter(|r| r.is_empty() || r.starts_with('/'))
    else {
        return Err((error(404, "NOT_FOUND", "No such path: the API is served under /v1"), None));
    };
    if request.header("x-token") != Some(token) {
        return Err((error(401, "UNAUTHORIZED", "The API token is missing or not valid"), None));
    }
    let (op, params) = match route::operation(&::oneandone::CATALOG, &request.method, rest) {
        Ok(found) => found,
        Err(route::Unrouted::MethodNotAllowed(allowed)) => {
            let mut reply = error(
                405,
                "METHOD_NOT_ALLOWED",
                &format!("Method {} is not allowed on {}", request.method, request.path),
            );
            reply.headers.push(("Allow", allowed.join(", ")));
            return Err((reply, None));
        }
        Err(_) => {
            return Err((error(404, "NOT_FOUND", &format!("No such path: {}", request.path)), None))
        }
    };
    let query: Vec<(String, String)> =
        form_urlencoded::parse(request.query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .map(|(k, v)| {
                // The official SDK writes query booleans the Python way.
                let boolean = op
                    .params
                    .iter()
                    .any(|p| p.location == Location::Query && p.wire == k && p.ty == Type::Boolean);
                let v = match v.as_str() {
                    "True" if boolean => "true".to_owned(),
                    "False" if boolean => "false".to_owned(),
                    _ => v,
                };
                (k, v)
            })
            .collect();
    let body = if op.body == BodyKind::Json && !request.body.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(value) => value,
            Err(e) => return Err((refused(&format!("The body is not valid JSON: {e}")), Some(op))),
        }
    } else {
        Value::Null
    };
    if !body.is_null() && !body.is_object() {
        return Err((refused("The body must be a JSON object"), Some(op)));
    }
    let problems = validate::check(
        &::oneandone::CATALOG,
        op,
        &Arguments { query: &query, form: &[], json: &body },
    );
    if !problems.is_empty() {
        let problems: Vec<(String, String)> = problems
            .into_iter()
            .map(|p| (p.at.trim_start_matches("(root).").to_owned(), p.message))
            .collect();
        return Err((bad_request(&problems), Some(op)));
    }
    Ok(Routed { op, params, query, body: declared(op, body) })
}

/// `body` with only the top-level members the operation's catalog entry names (its body
/// parameters, and the fields of a flattened model), so that nothing a client adds can
/// overwrite what the simulator keeps.
fn declared(op: &OperationInfo, body: Value) -> Value {
    let Value::Object(members) = body else { return body };
    let first = |wire: &'static str| wire.split('.').next().unwrap_or(wire);
    let mut names: Vec<&'static str> = Vec::new();
    for param in op.params.iter().filter(|p| p.location == Location::Body) {
        match (param.flatten, param.ty) {
            (true, Type::Model(model)) => {
                let fields = ::oneandone::CATALOG.model(model).map_or(&[][..], |m| m.fields);
                names.extend(fields.iter().map(|f| first(f.wire)));
            }
            _ => names.push(first(param.wire)),
        }
    }
    Value::Object(members.into_iter().filter(|(k, _)| names.contains(&k.as_str())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(method: &str, path: &str) -> Incoming {
        Incoming {
            method: method.to_owned(),
            path: path.to_owned(),
            query: None,
            authorization: None,
            headers: vec![("x-token".to_owned(), "t".to_owned())],
            body: Vec::new(),
        }
    }

    #[test]
    fn literal_segments_win_over_ids() {
        let routed =
            route(&incoming("GET", "/v1/servers/fixed_instance_sizes"), "t").expect("routed");
        assert_eq!(routed.op.name, "fixed_server_flavors");
        let routed = route(&incoming("GET", "/v1/servers/ABC"), "t").expect("routed");
        assert_eq!((routed.op.name, routed.param("server_id")), ("get_server", "ABC"));
        let mut request = incoming("PUT", "/v1/shared_storages/access");
        request.body = br#"{"password": "secret"}"#.to_vec();
        let routed = route(&request, "t").ok();
        assert_eq!(routed.map(|r| r.op.name), Some("change_password"));
    }

    #[test]
    fn undeclared_members_are_dropped() {
        let mut request = incoming("PUT", "/v1/servers/ABC");
        request.body = br#"{"name": "n", "status": "x", "hardware": 1}"#.to_vec();
        let routed = route(&request, "t").expect("routed");
        assert_eq!(routed.body, json!({"name": "n"}));
        let mut request = incoming("POST", "/v1/servers");
        request.body =
            br#"{"name": "n", "ips": 1, "hardware": {"hdds": [{"size": 20, "is_main": true}]}}"#
                .to_vec();
        let routed = route(&request, "t").expect("routed");
        assert_eq!(
            routed.body,
            json!({"name": "n", "hardware": {"hdds": [{"size": 20, "is_main": true}]}})
        );
    }

    #[test]
    fn unknown_paths_and_methods() {
        let reply = route(&incoming("GET", "/v1/nothing"), "t").err().expect("refused").0;
        assert_eq!(reply.status, 404);
        let reply = route(&incoming("PATCH", "/v1/servers"), "t").err().expect("refused").0;
        assert_eq!(reply.status, 405);
        let reply = route(&incoming("GET", "/v2/servers"), "t").err().expect("refused").0;
        assert_eq!(reply.status, 404);
        let reply = route(&incoming("GET", "/v1/servers"), "other").err().expect("refused").0;
        assert_eq!(reply.status, 401);
    }
}
