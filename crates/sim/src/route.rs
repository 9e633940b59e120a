//! From a request back to the operation and the arguments a client called it with: the
//! inverse of the clients' encoding (`cloud_sdks_runtime::operation::request`), driven by a
//! catalog alone.
//!
//! The arguments come back keyed as `Client::call` takes them: parameters by their source
//! names, model members by their Rust field names, values typed by the catalog. A parameter
//! the client filled in with its default comes back with that value, since the wire cannot
//! tell it from one the caller gave.

use cloud_sdks_runtime::catalog::{
    BodyKind, Catalog, Location, ModelInfo, OperationInfo, ParamInfo, Type,
};
use serde_json::{Map, Value};

/// A request's body, as received.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No body.
    None,
    /// A JSON body.
    Json(Value),
    /// A form: its fields, decoded, in order.
    Form(Vec<(String, String)>),
}

/// An operation and its arguments, found from a request.
#[derive(Debug, Clone)]
pub struct Routed {
    /// The operation.
    pub operation: &'static OperationInfo,
    /// Its arguments as `Client::call` takes them.
    pub args: Map<String, Value>,
}

/// Why a request maps to no call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unrouted {
    /// No operation has this path.
    NotFound,
    /// Operations have this path, but not with this method; the methods they have, in
    /// catalog order.
    MethodNotAllowed(Vec<&'static str>),
    /// The operation was found, but a value cannot be read back: where and why.
    Unreadable {
        /// The operation.
        operation: &'static str,
        /// The parameter (or member) and why it cannot be read.
        message: String,
    },
}

/// The path parameters of a matched template, by name, percent-decoded.
pub type PathParams = Vec<(&'static str, String)>;

/// The operation of `catalog` that `method` and `path` (relative to the base URL, still
/// percent-encoded, without the query) name, with the path parameters decoded.
///
/// The method is matched exactly, as HTTP methods are case-sensitive; one trailing `/` is
/// ignored; a path parameter is never empty. When several templates match, the one with the
/// most literal segments wins (`/servers/fixed_instance_sizes` is not a server id).
///
/// # Errors
///
/// [`Unrouted::NotFound`] when no template matches the path, and
/// [`Unrouted::MethodNotAllowed`] with the methods of the templates that do, in catalog order,
/// when none of them has `method`.
pub fn operation(
    catalog: &Catalog,
    method: &str,
    path: &str,
) -> Result<(&'static OperationInfo, PathParams), Unrouted> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    let mut allowed: Vec<&'static str> = Vec::new();
    let mut best: Option<(usize, &'static OperationInfo, PathParams)> = None;
    for op in catalog.operations.iter().copied() {
        let Some(params) = match_template(op, &segments) else { continue };
        if !allowed.contains(&op.method.as_str()) {
            allowed.push(op.method.as_str());
        }
        if op.method.as_str() != method {
            continue;
        }
        let literals = op.path.split('/').filter(|s| !s.is_empty() && !s.starts_with('{')).count();
        if best.as_ref().is_none_or(|(most, ..)| literals > *most) {
            best = Some((literals, op, params));
        }
    }
    match best {
        Some((_, op, params)) => Ok((op, params)),
        None if allowed.is_empty() => Err(Unrouted::NotFound),
        None => Err(Unrouted::MethodNotAllowed(allowed)),
    }
}

fn match_template(op: &OperationInfo, segments: &[&str]) -> Option<PathParams> {
    let template: Vec<&'static str> = op.path.trim_matches('/').split('/').collect();
    let mut params = Vec::new();
    let mut at = 0;
    for (i, part) in template.iter().enumerate() {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                let param = op.param(name)?;
                // a slash-holding parameter takes what the literals after it leave
                let take = match param.allow_slash {
                    true => segments.len().checked_sub(at + template.len() - i - 1)?.max(1),
                    false => 1,
                };
                let value = segments.get(at..at + take)?.join("/");
                if value.is_empty() {
                    return None;
                }
                params.push((param.name, decode(&value)));
                at += take;
            }
            None => {
                if segments.get(at).map(|s| decode(s)).as_deref() != Some(*part) {
                    return None;
                }
                at += 1;
            }
        }
    }
    (at == segments.len()).then_some(params)
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The call a request makes: its operation and arguments.
///
/// # Errors
///
/// [`Unrouted`] when no operation has the path and method, or a value cannot be read back as
/// its parameter's type.
pub fn call(
    catalog: &Catalog,
    method: &str,
    path: &str,
    query: &[(String, String)],
    body: &Body,
) -> Result<Routed, Unrouted> {
    let (op, path_params) = operation(catalog, method, path)?;
    let unreadable = |message: String| Unrouted::Unreadable { operation: op.name, message };
    let mut args = Map::new();
    for (name, text) in path_params {
        let param = op.param(name).ok_or_else(|| unreadable(format!("{name}: not a parameter")))?;
        args.insert(name.to_owned(), from_text(catalog, &param.ty, &text).map_err(unreadable)?);
    }
    let wire = |location: Location, wire: &str| {
        op.params.iter().find(|p| p.location == location && p.wire == wire)
    };
    for (name, text) in query {
        let param = wire(Location::Query, name)
            .ok_or_else(|| unreadable(format!("{name}: not a query parameter")))?;
        args.insert(
            param.name.to_owned(),
            from_text(catalog, &param.ty, text).map_err(unreadable)?,
        );
    }
    match (op.body, body) {
        (_, Body::None) => {}
        (BodyKind::Json, Body::Json(Value::Object(members))) => {
            json_body(catalog, op, members, &mut args).map_err(unreadable)?;
        }
        (BodyKind::Named, Body::Form(fields)) => {
            for (name, text) in fields {
                let named: Value = serde_json::from_str(text)
                    .map_err(|e| unreadable(format!("{name}: not JSON: {e}")))?;
                let Value::Object(named) = named else {
                    return Err(unreadable(format!("{name}: not a JSON object")));
                };
                for (wire_name, value) in named {
                    let param = wire(Location::Named, &wire_name)
                        .ok_or_else(|| unreadable(format!("{wire_name}: not a parameter")))?;
                    args.insert(param.name.to_owned(), from_wire(catalog, &param.ty, value));
                }
            }
        }
        (BodyKind::Form, Body::Form(fields)) => {
            for (name, text) in fields {
                let param = op
                    .params
                    .iter()
                    .find(|p| {
                        matches!(p.location, Location::Form | Location::Body) && p.wire == name
                    })
                    .ok_or_else(|| unreadable(format!("{name}: not a form field")))?;
                let value = from_text(catalog, &param.ty, text).map_err(unreadable)?;
                args.insert(param.name.to_owned(), value);
            }
        }
        (kind, _) => {
            return Err(unreadable(format!("a {kind:?} operation got another kind of body")))
        }
    }
    Ok(Routed { operation: op, args })
}

fn json_body(
    catalog: &Catalog,
    op: &OperationInfo,
    members: &Map<String, Value>,
    args: &mut Map<String, Value>,
) -> Result<(), String> {
    let in_body =
        || op.params.iter().filter(|p| matches!(p.location, Location::Body | Location::Form));
    let mut flat: Option<&ParamInfo> = None;
    for param in in_body() {
        if param.flatten {
            flat = Some(param);
            continue;
        }
        let path: Vec<&str> = param.wire.split('.').collect();
        if let Some(value) = at(members, &path) {
            args.insert(param.name.to_owned(), from_wire(catalog, &param.ty, value.clone()));
        }
    }
    // a flattened model's members are the body's own: what the other parameters leave
    if let Some(param) = flat {
        let mut rest = members.clone();
        for other in in_body().filter(|p| !p.flatten) {
            remove_at(&mut rest, &other.wire.split('.').collect::<Vec<_>>());
        }
        if !rest.is_empty() {
            args.insert(param.name.to_owned(), from_wire(catalog, &param.ty, Value::Object(rest)));
        }
    }
    Ok(())
}

/// Removes the member at `path`, and the objects it leaves empty.
fn remove_at(members: &mut Map<String, Value>, path: &[&str]) {
    let Some((first, rest)) = path.split_first() else { return };
    if rest.is_empty() {
        members.remove(*first);
        return;
    }
    if let Some(Value::Object(inner)) = members.get_mut(*first) {
        remove_at(inner, rest);
        if inner.is_empty() {
            members.remove(*first);
        }
    }
}

/// Which of `model`'s list fields at `wire` the item belongs to: the first whose item model
/// has every member the item has.
fn owner(catalog: &Catalog, model: &ModelInfo, wire: &str, item: &Value) -> Option<&'static str> {
    let fits = |ty: &Type| match (ty, item) {
        (Type::List(Type::Model(name)), Value::Object(members)) => {
            catalog.model(name).is_some_and(|m| {
                let tops: Vec<&str> =
                    m.fields.iter().map(|f| f.wire.split('.').next().unwrap_or(f.wire)).collect();
                members.keys().all(|k| tops.contains(&k.as_str()))
            })
        }
        _ => true,
    };
    model.fields.iter().find(|f| f.wire == wire && fits(&f.ty)).map(|f| f.name)
}

fn at<'v>(members: &'v Map<String, Value>, path: &[&str]) -> Option<&'v Value> {
    let (first, rest) = path.split_first()?;
    let value = members.get(*first)?;
    match rest.is_empty() {
        true => Some(value),
        false => at(value.as_object()?, rest),
    }
}

/// A path, query or form text read as `ty` (the inverse of the clients' `text`).
fn from_text(catalog: &Catalog, ty: &Type, text: &str) -> Result<Value, String> {
    let parsed = |what: &str| {
        serde_json::from_str::<Value>(text).map_err(|_| format!("{text:?} is not {what}"))
    };
    Ok(match ty {
        Type::String | Type::Date | Type::Enum(..) => Value::String(text.to_owned()),
        Type::Integer | Type::Number => parsed("a number").and_then(|v| match v.is_number() {
            true => Ok(v),
            false => Err(format!("{text:?} is not a number")),
        })?,
        Type::Boolean => Value::Bool(match text {
            "true" => true,
            "false" => false,
            _ => return Err(format!("{text:?} is not a boolean")),
        }),
        Type::List(_) | Type::Map(_) | Type::Model(_) | Type::Json => {
            from_wire(catalog, ty, parsed("JSON")?)
        }
    })
}

/// A wire value read as `ty`: model members renamed from their wire paths to their Rust
/// field names, recursively.
fn from_wire(catalog: &Catalog, ty: &Type, value: Value) -> Value {
    match (ty, value) {
        (Type::List(item), Value::Array(items)) => {
            Value::Array(items.into_iter().map(|v| from_wire(catalog, item, v)).collect())
        }
        (Type::Map(item), Value::Object(entries)) => Value::Object(
            entries.into_iter().map(|(k, v)| (k, from_wire(catalog, item, v))).collect(),
        ),
        (Type::Model(name), Value::Object(members)) => match catalog.model(name) {
            Some(model) => {
                let mut fields = Map::new();
                for field in model.fields {
                    let path: Vec<&str> = field.wire.split('.').collect();
                    let Some(value) = at(&members, &path) else { continue };
                    let value = match (&field.ty, value) {
                        // lists that share a wire path (ProfitBricks' volumes to create and to
                        // attach) each take the items their model describes
                        (Type::List(item), Value::Array(items)) => {
                            let mine: Vec<Value> = items
                                .iter()
                                .filter(|v| {
                                    owner(catalog, model, field.wire, v) == Some(field.name)
                                })
                                .cloned()
                                .collect();
                            if mine.is_empty() {
                                continue;
                            }
                            from_wire(catalog, &Type::List(item), Value::Array(mine))
                        }
                        (ty, value) => from_wire(catalog, ty, value.clone()),
                    };
                    fields.insert(field.name.to_owned(), value);
                }
                Value::Object(fields)
            }
            None => Value::Object(members),
        },
        (_, value) => value,
    }
}

#[cfg(all(test, feature = "profitbricks", feature = "oneandone"))]
mod tests {
    use super::*;

    fn name(
        found: Result<(&'static OperationInfo, PathParams), Unrouted>,
    ) -> Result<&'static str, Unrouted> {
        found.map(|(op, _)| op.name)
    }

    #[test]
    fn templates_match_as_the_simulators_serve_them() {
        let pb = &::profitbricks::CATALOG;
        // one trailing slash is ignored; an empty parameter never matches
        assert_eq!(name(operation(pb, "GET", "/datacenters/")), Ok("list_datacenters"));
        assert_eq!(name(operation(pb, "GET", "/datacenters//")), Err(Unrouted::NotFound));
        assert_eq!(name(operation(pb, "GET", "/datacenters//servers")), Err(Unrouted::NotFound));
        // methods are case-sensitive; the allowed ones come in catalog order
        let allowed = Unrouted::MethodNotAllowed(vec!["GET", "POST"]);
        assert_eq!(name(operation(pb, "get", "/datacenters")), Err(allowed));
        // a slash-holding parameter keeps its slash; literals are compared decoded
        let (op, params) = operation(pb, "GET", "/locations/de/fra").expect("routed");
        assert_eq!((op.name, params), ("get_location", vec![("location_id", "de/fra".to_owned())]));
        assert_eq!(name(operation(pb, "GET", "/%64atacenters")), Ok("list_datacenters"));
        // the most literal segments win over an id
        let oa = &::oneandone::CATALOG;
        let flavors = operation(oa, "GET", "/servers/fixed_instance_sizes");
        assert_eq!(name(flavors), Ok("fixed_server_flavors"));
        assert_eq!(name(operation(oa, "GET", "/servers/ABC")), Ok("get_server"));
    }
}
