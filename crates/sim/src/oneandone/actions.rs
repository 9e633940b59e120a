//! What each routed request does. The operation's path template decides: the segments before
//! its first parameter name the collection, a parameter after them the record, and what
//! follows a member of it (`/servers/{server_id}/ips/{ip_id}/load_balancers`). Reads of any
//! member are generic; the changes below a record are the behaviours of `change`.

use serde_json::{json, Value};

use super::lifecycle::{self, Clock};
use super::resources::{self, field_error, identity, text};
use super::routing::{error, not_found, refused, Routed};
use super::state::{self, ListQuery, State};
use crate::schema::Samples;
use crate::server::Reply;
use crate::util::now;

/// `(method, path template)` of the calls whose success status is not the usual one (200
/// for reads, 202 for changes), as the official Go SDK expects them.
const STATUSES: &[(&str, &str, u16)] = &[
    ("POST", "/public_ips", 201),
    ("POST", "/servers/{server_id}/ips", 201),
    ("POST", "/monitoring_policies", 201),
    ("POST", "/users", 201),
    ("POST", "/users/{user_id}/api/ips", 201),
    ("PUT", "/servers/{server_id}", 200),
    ("PUT", "/images/{image_id}", 200),
    ("PUT", "/firewall_policies/{firewall_id}", 200),
    ("PUT", "/private_networks/{private_network_id}", 200),
    ("PUT", "/public_ips/{ip_id}", 200),
    ("PUT", "/users/{user_id}", 200),
    ("PUT", "/users/{user_id}/api", 200),
    ("PUT", "/users/{user_id}/api/key", 200),
    ("DELETE", "/public_ips/{ip_id}", 200),
    ("DELETE", "/users/{user_id}", 200),
    ("DELETE", "/users/{user_id}/api/ips/{ip}", 200),
];

/// The success status of the routed operation.
fn success(routed: &Routed) -> u16 {
    let method = routed.op.method.as_str();
    STATUSES
        .iter()
        .find(|(m, p, _)| *m == method && *p == routed.op.path)
        .map_or(if method == "GET" { 200 } else { 202 }, |(_, _, s)| *s)
}

fn reply(status: u16, body: Value) -> Reply {
    Reply { status, headers: Vec::new(), body: Some(body) }
}

/// The parts of a path template: the collection, the record's id parameter, and the rest
/// (literal segments, `{}` for parameters) with the concrete values of its parameters.
struct Shape {
    collection: String,
    id: Option<String>,
    rest: Vec<&'static str>,
    rest_ids: Vec<String>,
}

impl Shape {
    fn of(routed: &Routed) -> Shape {
        let parts: Vec<&'static str> =
            routed.op.path.split('/').filter(|s| !s.is_empty()).collect();
        let first = parts.iter().position(|p| p.starts_with('{')).unwrap_or(parts.len());
        let name = |part: &str| part.trim_start_matches('{').trim_end_matches('}').to_owned();
        let id = parts.get(first).map(|p| routed.param(&name(p)).to_owned());
        let rest: Vec<&'static str> = parts.iter().skip(first + 1).copied().collect();
        let rest_ids = rest
            .iter()
            .filter(|p| p.starts_with('{'))
            .map(|p| routed.param(&name(p)).to_owned())
            .collect();
        Shape { collection: parts[..first].join("/"), id, rest, rest_ids }
    }

    /// The rest with parameters as `{}`: `ips/{}/load_balancers`.
    fn key(&self) -> String {
        let parts: Vec<&str> =
            self.rest.iter().map(|p| if p.starts_with('{') { "{}" } else { p }).collect();
        parts.join("/")
    }

    fn sub(&self, n: usize) -> &str {
        self.rest_ids.get(n).map_or("", String::as_str)
    }
}

/// A singular name for messages: `load_balancers` → `load balancer`.
fn what(collection: &str) -> String {
    let last = collection.rsplit('/').next().unwrap_or(collection);
    let singular = last
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| last.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| last.to_owned());
    singular.replace('_', " ")
}

/// Answers `routed`.
pub(super) fn act(state: &mut State, clock: &Clock, routed: &Routed) -> Reply {
    let shape = Shape::of(routed);
    let method = routed.op.method.as_str();
    let collection = shape.collection.as_str();
    match (&shape.id, shape.rest.is_empty(), method) {
        _ if collection == "shared_storages/access" => credentials(state, routed),
        _ if collection == "monitoring_center" || collection == "usages" => {
            by_schema(state, routed, &shape)
        }
        (None, true, "GET") => list(state, routed, collection),
        (None, true, "POST") => create(state, clock, routed, collection),
        (Some(id), true, "GET") => match state.get_mut(collection, id) {
            Some(record) => {
                lifecycle::look(record, clock, true);
                reply(200, record.value.clone())
            }
            None => not_found(&format!("{} {id}", what(collection))),
        },
        (Some(id), true, "PUT") => modify(state, clock, routed, collection, id),
        (Some(id), true, "DELETE") => delete(state, routed, collection, id),
        (Some(id), false, "GET") => view(state, clock, routed, &shape, id),
        (Some(id), false, _) => {
            if state.get(collection, id).is_none() {
                return not_found(&format!("{} {id}", what(collection)));
            }
            match change(state, routed, &shape, id) {
                Err(reply) => reply,
                Ok(Answer::Other(collection, other, transitional)) => {
                    let Some(record) = state.get_mut(&collection, &other) else {
                        return not_found(&what(&collection));
                    };
                    if let Some((during, target)) = transitional {
                        lifecycle::begin(record, during, target);
                    }
                    let body = record.value.clone();
                    lifecycle::after_change(record, clock);
                    reply(success(routed), body)
                }
                Ok(Answer::Parent(transition)) => {
                    let status = success(routed);
                    let Some(record) = state.get_mut(collection, id) else {
                        return not_found(&what(collection));
                    };
                    match transition {
                        Transition::Usual if status == 202 => {
                            lifecycle::begin(record, "CONFIGURING", None)
                        }
                        Transition::To(during, target) => lifecycle::begin(record, during, target),
                        Transition::Usual | Transition::Nothing => {}
                    }
                    let body = record.value.clone();
                    lifecycle::after_change(record, clock);
                    reply(status, body)
                }
            }
        }
        _ => by_schema(state, routed, &shape),
    }
}

/// An answer built from the operation's declared return type, for what is not kept in state.
fn by_schema(state: &State, routed: &Routed, shape: &Shape) -> Reply {
    let returns = routed.op.returns.unwrap_or("json");
    let mut body = Samples::new(&::oneandone::CATALOG, resources::new_id).of(returns);
    match (shape.collection.as_str(), &shape.id) {
        // The monitoring center speaks of the account's servers.
        ("monitoring_center", None) => {
            let sample = body.as_array().and_then(|a| a.first()).cloned().unwrap_or_default();
            let items: Vec<Value> = state
                .all("servers")
                .iter()
                .map(|server| {
                    let mut item = sample.clone();
                    item["id"] = server.value["id"].clone();
                    item["name"] = server.value["name"].clone();
                    item
                })
                .collect();
            body = Value::Array(state::list(items, &list_query(routed)));
        }
        ("monitoring_center", Some(id)) => {
            let Some(server) = state.get("servers", id) else {
                return not_found(&format!("server {id}"));
            };
            body["id"] = server.value["id"].clone();
            body["name"] = server.value["name"].clone();
        }
        _ => {}
    }
    reply(success(routed), body)
}

fn list_query(routed: &Routed) -> ListQuery<'_> {
    ListQuery {
        page: routed.query("page").and_then(|p| p.parse().ok()),
        per_page: routed.query("per_page").and_then(|p| p.parse().ok()),
        q: routed.query("q"),
        sort: routed.query("sort"),
        fields: routed.query("fields"),
    }
}

fn list(state: &State, routed: &Routed, collection: &str) -> Reply {
    let mut items: Vec<Value> = state.all(collection).iter().map(|r| r.value.clone()).collect();
    if collection == "servers" {
        // A list shows summaries.
        for item in &mut items {
            if let Some(object) = item.as_object_mut() {
                object.retain(|k, _| {
                    matches!(
                        k.as_str(),
                        "id" | "name"
                            | "description"
                            | "status"
                            | "datacenter"
                            | "creation_date"
                            | "image"
                            | "hardware"
                            | "ips"
                            | "alerts"
                    )
                });
                if let Some(ips) = object.get_mut("ips").and_then(Value::as_array_mut) {
                    for ip in ips {
                        *ip = json!({"id": ip["id"], "ip": ip["ip"]});
                    }
                }
            }
        }
    }
    reply(200, Value::Array(state::list(items, &list_query(routed))))
}

fn create(state: &mut State, clock: &Clock, routed: &Routed, collection: &str) -> Reply {
    let body = &routed.body;
    let (id, transition) = if collection == "servers" {
        let powered = body.get("power_on").and_then(Value::as_bool).unwrap_or(true);
        match resources::create_server(state, body) {
            Ok(id) => (id, Some(("DEPLOYING", if powered { "POWERED_ON" } else { "POWERED_OFF" }))),
            Err(reply) => return reply,
        }
    } else {
        match resources::create(state, collection, body) {
            Ok((id, transitional)) => (id, transitional.map(|t| (t, "ACTIVE"))),
            Err(reply) => return reply,
        }
    };
    log(state, "CREATE", collection, &id);
    let Some(record) = state.get_mut(collection, &id) else { return not_found(collection) };
    if let Some((during, target)) = transition {
        lifecycle::begin(record, during, Some(target));
        if during == "DEPLOYING" {
            record.value["status"]["percent"] = Value::from(0);
        }
    }
    let body = record.value.clone();
    lifecycle::after_change(record, clock);
    reply(success(routed), body)
}

/// Merges `patch` into `value`: objects member by member, anything else replaced.
fn merge(value: &mut Value, patch: &Value) {
    match (value.as_object_mut(), patch.as_object()) {
        (Some(target), Some(patch)) => {
            for (k, v) in patch {
                match target.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        target.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        _ => *value = patch.clone(),
    }
}

fn modify(state: &mut State, clock: &Clock, routed: &Routed, collection: &str, id: &str) -> Reply {
    let status = success(routed);
    let mut patch = routed.body.clone();
    if let Some(object) = patch.as_object_mut() {
        // Secrets are taken, never shown.
        object.remove("password");
    }
    let Some(record) = state.get_mut(collection, id) else {
        return not_found(&format!("{} {id}", what(collection)));
    };
    if collection == "shared_storages" {
        let size = record.value["size"].as_i64().unwrap_or(0);
        if let Some(new) = patch.get("size").and_then(Value::as_i64) {
            if new < size {
                return field_error(
                    "size",
                    format!("[size] A shared storage cannot shrink (from {size} to {new} GB)"),
                );
            }
        }
    }
    merge(&mut record.value, &patch);
    if status == 202 {
        lifecycle::begin(record, "CONFIGURING", None);
    }
    let body = record.value.clone();
    lifecycle::after_change(record, clock);
    reply(status, body)
}

fn delete(state: &mut State, routed: &Routed, collection: &str, id: &str) -> Reply {
    let Some(record) = state.get(collection, id) else {
        return not_found(&format!("{} {id}", what(collection)));
    };
    let value = record.value.clone();
    match collection {
        "public_ips" if !value["assigned_to"].is_null() => {
            return refused("The IP is assigned to a server; remove it from the server first")
        }
        "private_networks"
            if value["servers"].as_array().is_some_and(|servers| !servers.is_empty()) =>
        {
            return refused("The private network has servers attached; detach them first")
        }
        "server_appliances" | "dvd_isos" | "servers/fixed_instance_sizes" | "logs" => {
            return error(405, "METHOD_NOT_ALLOWED", "This resource is read-only")
        }
        _ => {}
    }
    log(state, "DELETE", collection, id);
    let Some(mut record) = state.remove(collection, id) else { return not_found(collection) };
    if collection == "servers" {
        let keep = routed.flag("keep_ips");
        for ip in value["ips"].as_array().into_iter().flatten() {
            let ip_id = ip["id"].as_str().unwrap_or_default();
            state.unlink(ip_id);
            if !keep {
                state.remove("public_ips", ip_id);
            }
        }
    }
    state.unlink(id);
    lifecycle::begin(&mut record, "REMOVING", None);
    if record.value["status"]["percent"].is_number() {
        record.value["status"]["percent"] = Value::from(0);
    }
    reply(success(routed), record.value)
}

/// A `GET` of something below a record: the member the rest of the path names.
fn view(state: &mut State, clock: &Clock, routed: &Routed, shape: &Shape, id: &str) -> Reply {
    let collection = shape.collection.as_str();
    let Some(record) = state.get_mut(collection, id) else {
        return not_found(&format!("{} {id}", what(collection)));
    };
    lifecycle::look(record, clock, true);
    let mut value = record.value.clone();
    let mut last = "";
    let mut ids = shape.rest_ids.iter();
    for part in &shape.rest {
        if part.starts_with('{') {
            let wanted = ids.next().map_or("", String::as_str);
            let found = value.as_array().and_then(|items| {
                items.iter().find(|i| i["id"] == wanted || i.as_str() == Some(wanted)).cloned()
            });
            match found {
                Some(found) => value = found,
                None => return not_found(&format!("{} {wanted}", what(last))),
            }
        } else {
            let member = match (last, *part) {
                (_, "snapshots") => "snapshot",
                ("api", "ips") => "allowed_ips",
                (_, part) => part,
            };
            value = value.get(member).cloned().unwrap_or(Value::Null);
            last = part;
        }
    }
    let returns = routed.op.returns.unwrap_or("json");
    let model = (!returns.contains('<') && returns != "json").then_some(returns);
    // A reference to a record of another collection, where the full record is asked for.
    if let (Some(reference), Some(model)) = (value.get("id").and_then(Value::as_str), model) {
        if let Some(owner) = state.collection_of(reference) {
            if owner != collection && model_of(owner) == Some(model) {
                let full = state.get(owner, reference).map(|r| r.value.clone());
                return reply(200, full.unwrap_or_default());
            }
        }
    }
    if returns.starts_with("list<") || returns == "json" {
        value = match value {
            Value::Null => json!([]),
            Value::Array(items) => Value::Array(items),
            other => json!([other]),
        };
    } else if value.is_string() {
        let mut wrapped = serde_json::Map::new();
        wrapped.insert(last.to_owned(), value);
        value = Value::Object(wrapped);
    } else if value.is_null() {
        return not_found(&format!("{} of {} {id}", last.replace('_', " "), what(collection)));
    }
    reply(200, value)
}

/// The model a `GET` of one record of `collection` answers with, from the catalog.
fn model_of(collection: &str) -> Option<&'static str> {
    let prefix = format!("/{collection}/{{");
    ::oneandone::CATALOG
        .operations
        .iter()
        .find(|op| {
            op.method.as_str() == "GET"
                && op.path.starts_with(&prefix)
                && op.path[prefix.len()..].find('/').is_none()
        })
        .and_then(|op| op.returns)
}

/// How a change below a record answers.
enum Answer {
    /// With the parent record, after this transition.
    Parent(Transition),
    /// With another record (`collection`, `id`), in this transitional state (settling on the
    /// given state, or the one it was heading for).
    Other(String, String, Option<(&'static str, Option<&'static str>)>),
}

enum Transition {
    /// `CONFIGURING` if the call answers 202.
    Usual,
    /// This transitional state, settling on the given state (or the one it was heading for).
    To(&'static str, Option<&'static str>),
    /// None: the change is done at once.
    Nothing,
}

fn ids(body: &Value, member: &str) -> Vec<String> {
    body.get(member)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned).or_else(|| text(v, "id").map(str::to_owned)))
        .collect()
}

/// The changes below a record. Anything the simulator does not model answers with the record,
/// unchanged.
fn change(state: &mut State, routed: &Routed, shape: &Shape, id: &str) -> Result<Answer, Reply> {
    let body = &routed.body;
    let method = routed.op.method.as_str();
    let key = shape.key();
    let parent = Answer::Parent(Transition::Usual);
    let server_state = |state: &State| {
        state
            .get("servers", id)
            .and_then(|s| lifecycle::state_of(&s.value).map(str::to_owned))
            .unwrap_or_default()
    };
    match (shape.collection.as_str(), method, key.as_str()) {
        ("servers", "POST", "hardware/hdds") => {
            let new = resources::hdds(body.get("hdds"));
            if new.iter().any(|d| d["is_main"] == Value::Bool(true)) {
                return Err(field_error(
                    "hdds",
                    "[hdds] A server has one main disk already".to_owned(),
                ));
            }
            let record = server(state, id)?;
            if let Some(disks) = record.value["hardware"]["hdds"].as_array_mut() {
                disks.extend(new);
            }
            Ok(parent)
        }
        ("servers", "PUT", "hardware") => {
            let mut patch = body.clone();
            if let Some(flavor_id) = text(body, "fixed_instance_size_id") {
                let Some(flavor) = state.get("servers/fixed_instance_sizes", flavor_id) else {
                    return Err(field_error(
                        "fixed_instance_size_id",
                        format!("The fixed server flavor {flavor_id} does not exist"),
                    ));
                };
                let h = &flavor.value["hardware"];
                patch = json!({"fixed_instance_size_id": flavor_id, "vcore": h["vcore"], "cores_per_processor": h["cores_per_processor"], "ram": h["ram"]});
            }
            let on = server_state(state) == "POWERED_ON";
            let record = server(state, id)?;
            for member in ["vcore", "ram", "cores_per_processor"] {
                let (old, new) =
                    (record.value["hardware"][member].as_f64(), patch[member].as_f64());
                if let (true, Some(old), Some(new)) = (on, old, new) {
                    if new < old {
                        return Err(field_error(member, format!("[{member}] Cannot be decreased while the server is powered on; power it off first")));
                    }
                }
            }
            if let Some(object) = patch.as_object_mut() {
                object.retain(|_, v| !v.is_null());
            }
            merge(&mut record.value["hardware"], &patch);
            Ok(parent)
        }
        ("servers", "PUT", "hardware/hdds/{}") => {
            let hdd = shape.sub(0).to_owned();
            let size = body.get("size").and_then(Value::as_i64).unwrap_or(0);
            let record = server(state, id)?;
            let disk = record.value["hardware"]["hdds"]
                .as_array_mut()
                .and_then(|d| d.iter_mut().find(|d| d["id"] == hdd.as_str()));
            let Some(disk) = disk else { return Err(not_found(&format!("disk {hdd}"))) };
            let old = disk["size"].as_i64().unwrap_or(0);
            if size <= old {
                return Err(field_error(
                    "size",
                    format!("[size] A disk can only grow: {size} is not more than {old}"),
                ));
            }
            disk["size"] = Value::from(size);
            Ok(parent)
        }
        ("servers", "DELETE", "hardware/hdds/{}") => {
            let hdd = shape.sub(0).to_owned();
            let record = server(state, id)?;
            let disks = record.value["hardware"]["hdds"].as_array_mut();
            let Some(disks) = disks else { return Err(not_found(&format!("disk {hdd}"))) };
            let Some(at) = disks.iter().position(|d| d["id"] == hdd.as_str()) else {
                return Err(not_found(&format!("disk {hdd}")));
            };
            if disks[at]["is_main"] == Value::Bool(true) {
                return Err(refused("The main disk of a server cannot be removed"));
            }
            disks.remove(at);
            Ok(parent)
        }
        ("servers", "POST", "ips") => {
            let server_value = server(state, id)?.value.clone();
            let ip = resources::new_ip(state, Some(&server_value), None);
            if let Some(ips) = server(state, id)?.value["ips"].as_array_mut() {
                ips.push(ip);
            } else {
                server(state, id)?.value["ips"] = json!([ip]);
            }
            Ok(parent)
        }
        ("servers", "DELETE", "ips/{}") => {
            let ip = shape.sub(0).to_owned();
            if !resources::remove_item(&mut server(state, id)?.value, "ips", &ip) {
                return Err(not_found(&format!("IP {ip}")));
            }
            state.unlink(&ip);
            if routed.flag("keep_ip") {
                if let Some(public) = state.get_mut("public_ips", &ip) {
                    public.value["assigned_to"] = Value::Null;
                }
            } else {
                state.remove("public_ips", &ip);
            }
            Ok(parent)
        }
        ("servers", "POST", "ips/{}/load_balancers") => {
            let (ip, lb) =
                (shape.sub(0).to_owned(), text(body, "load_balancer_id").unwrap_or_default());
            server_ip(state, id, &ip)?;
            if state.get("load_balancers", lb).is_none() {
                return Err(not_found(&format!("load balancer {lb}")));
            }
            resources::attach_load_balancer(state, id, &ip, lb);
            Ok(parent)
        }
        ("servers", "DELETE", "ips/{}/load_balancers/{}") => {
            let (ip, lb) = (shape.sub(0).to_owned(), shape.sub(1).to_owned());
            server_ip(state, id, &ip)?;
            if !resources::detach_load_balancer(state, id, &ip, &lb) {
                return Err(not_found(&format!("load balancer {lb} of IP {ip}")));
            }
            Ok(parent)
        }
        ("servers", "PUT", "ips/{}/firewall_policy") => {
            let (ip, fw) = (shape.sub(0).to_owned(), text(body, "id").unwrap_or_default());
            server_ip(state, id, &ip)?;
            if state.get("firewall_policies", fw).is_none() {
                return Err(not_found(&format!("firewall policy {fw}")));
            }
            resources::attach_firewall(state, id, &ip, fw);
            Ok(parent)
        }
        ("servers", "DELETE", "ips/{}/firewall_policy") => {
            let ip = shape.sub(0).to_owned();
            server_ip(state, id, &ip)?;
            if !resources::detach_firewall(state, id, &ip) {
                return Err(not_found(&format!("firewall policy of IP {ip}")));
            }
            Ok(parent)
        }
        ("servers", "PUT", "status/action") => {
            let now_in = server_state(state);
            // A change still in progress ends where it was heading; the API's checks are
            // made against a settled server only.
            let settled = server(state, id)?.pending.is_none();
            let transition = match text(body, "action").unwrap_or_default() {
                "POWER_ON" if settled && now_in == "POWERED_ON" => {
                    return Err(refused("The server is already powered on"))
                }
                "POWER_OFF" if settled && now_in == "POWERED_OFF" => {
                    return Err(refused("The server is already powered off"))
                }
                "REBOOT" if settled && now_in == "POWERED_OFF" => {
                    return Err(refused("A powered off server cannot be rebooted; power it on"))
                }
                "POWER_ON" => Transition::To("POWERING_ON", Some("POWERED_ON")),
                "POWER_OFF" => Transition::To("POWERING_OFF", Some("POWERED_OFF")),
                _ => Transition::To("REBOOTING", Some("POWERED_ON")),
            };
            Ok(Answer::Parent(transition))
        }
        ("servers", "PUT", "dvd") => {
            let dvd = text(body, "id").unwrap_or_default();
            let Some(iso) = state.get("dvd_isos", dvd).map(|r| identity(&r.value)) else {
                return Err(not_found(&format!("DVD ISO {dvd}")));
            };
            server(state, id)?.value["dvd"] = iso;
            Ok(parent)
        }
        ("servers", "DELETE", "dvd") => {
            let record = server(state, id)?;
            if record.value["dvd"].is_null() {
                return Err(not_found("DVD in the server's unit"));
            }
            record.value["dvd"] = Value::Null;
            Ok(parent)
        }
        ("servers", "POST", "private_networks") => {
            let pn = text(body, "id").unwrap_or_default();
            if state.get("private_networks", pn).is_none() {
                return Err(not_found(&format!("private network {pn}")));
            }
            if !server(state, id)?.value["snapshot"].is_null() {
                return Err(refused("A server with a snapshot cannot be attached to a private network; delete the snapshot first"));
            }
            resources::attach_private_network(state, id, pn);
            Ok(parent)
        }
        ("servers", "DELETE", "private_networks/{}") => {
            let pn = shape.sub(0).to_owned();
            if server_state(state) == "POWERED_ON" {
                return Err(refused("A running server cannot be detached from a private network; power it off first"));
            }
            if !server(state, id)?.value["snapshot"].is_null() {
                return Err(refused("A server with a snapshot cannot be detached from a private network; delete the snapshot first"));
            }
            if !resources::detach_private_network(state, id, &pn) {
                return Err(not_found(&format!("private network {pn} of the server")));
            }
            Ok(parent)
        }
        ("servers", "POST", "snapshots") => {
            let record = server(state, id)?;
            if !record.value["snapshot"].is_null() {
                return Err(refused("The server has a snapshot already; delete it first"));
            }
            record.value["snapshot"] =
                json!({"id": resources::new_id(), "creation_date": now(), "deletion_date": null});
            Ok(parent)
        }
        ("servers", "PUT", "snapshots/{}") | ("servers", "DELETE", "snapshots/{}") => {
            let snapshot = shape.sub(0).to_owned();
            let record = server(state, id)?;
            if record.value["snapshot"]["id"] != snapshot.as_str() {
                return Err(not_found(&format!("snapshot {snapshot}")));
            }
            if method == "DELETE" {
                record.value["snapshot"] = Value::Null;
            }
            Ok(parent)
        }
        ("servers", "POST", "clone") => {
            let original = server(state, id)?.value.clone();
            let hardware = &original["hardware"];
            let hdds: Vec<Value> = hardware["hdds"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| json!({"size": d["size"], "is_main": d["is_main"]}))
                .collect();
            let mut hw = json!({"vcore": hardware["vcore"], "cores_per_processor": hardware["cores_per_processor"], "ram": hardware["ram"], "hdds": hdds});
            if let Some(flavor) = hardware["fixed_instance_size_id"].as_str() {
                hw["fixed_instance_size_id"] = Value::from(flavor);
            }
            let mut request = json!({"name": body.get("name"), "description": original["description"], "hardware": hw});
            if let Some(image) = original["image"]["id"].as_str().filter(|i| {
                state.get("server_appliances", i).is_some() || state.get("images", i).is_some()
            }) {
                request["appliance_id"] = Value::from(image);
            }
            let clone = resources::create_server(state, &request)?;
            log(state, "CREATE", "servers", &clone);
            if let Some(record) = state.get_mut("servers", &clone) {
                record.value["status"]["percent"] = Value::from(0);
            }
            Ok(Answer::Other("servers".to_owned(), clone, Some(("DEPLOYING", Some("POWERED_ON")))))
        }
        ("servers", "PUT", "image") => {
            let image = text(body, "id").unwrap_or_default();
            let Some(found) =
                ["server_appliances", "images"].iter().find_map(|c| state.get(c, image))
            else {
                return Err(not_found(&format!("image {image}")));
            };
            let found = identity(&found.value);
            if let Some(fw) = body.pointer("/firewall_policy/id").and_then(Value::as_str) {
                if state.get("firewall_policies", fw).is_none() {
                    return Err(not_found(&format!("firewall policy {fw}")));
                }
            }
            server(state, id)?.value["image"] = found;
            Ok(Answer::Parent(Transition::To("DEPLOYING", Some("POWERED_ON"))))
        }
        ("load_balancers" | "firewall_policies", "POST", "server_ips") => {
            let wanted = ids(body, "server_ips");
            let mut found = Vec::new();
            for ip in &wanted {
                let Some((server_id, _)) = resources::server_ip(state, ip) else {
                    return Err(not_found(&format!("server IP {ip}")));
                };
                found.push((server_id, ip.clone()));
            }
            for (server_id, ip) in found {
                if shape.collection == "load_balancers" {
                    resources::attach_load_balancer(state, &server_id, &ip, id);
                } else {
                    resources::attach_firewall(state, &server_id, &ip, id);
                }
            }
            Ok(parent)
        }
        ("load_balancers" | "firewall_policies", "DELETE", "server_ips/{}") => {
            let ip = shape.sub(0).to_owned();
            let Some((server_id, _)) = resources::server_ip(state, &ip) else {
                return Err(not_found(&format!("server IP {ip}")));
            };
            let found = if shape.collection == "load_balancers" {
                resources::detach_load_balancer(state, &server_id, &ip, id)
            } else {
                resources::detach_firewall(state, &server_id, &ip)
            };
            if !found {
                return Err(not_found(&format!(
                    "server IP {ip} of the {}",
                    what(&shape.collection)
                )));
            }
            Ok(parent)
        }
        (
            c @ ("load_balancers" | "firewall_policies" | "monitoring_policies"),
            "POST",
            member @ ("rules" | "ports" | "processes"),
        ) => {
            let record = state.get_mut(c, id).ok_or_else(|| not_found(&what(c)))?;
            resources::add_items(&mut record.value, member, body.get(member));
            Ok(parent)
        }
        (
            c @ ("load_balancers" | "firewall_policies" | "monitoring_policies"),
            "DELETE",
            "rules/{}" | "ports/{}" | "processes/{}",
        ) => {
            let member = shape.rest[0];
            let item = shape.sub(0).to_owned();
            let record = state.get_mut(c, id).ok_or_else(|| not_found(&what(c)))?;
            if !resources::remove_item(&mut record.value, member, &item) {
                return Err(not_found(&format!("{} {item}", what(member))));
            }
            Ok(parent)
        }
        ("monitoring_policies", "PUT", "ports/{}" | "processes/{}") => {
            let member = shape.rest[0];
            let item = shape.sub(0).to_owned();
            let patch = body.get(member).cloned().unwrap_or_default();
            let record = state
                .get_mut("monitoring_policies", id)
                .ok_or_else(|| not_found("monitoring policy"))?;
            let entry = record.value[member]
                .as_array_mut()
                .and_then(|items| items.iter_mut().find(|i| i["id"] == item.as_str()));
            let Some(entry) = entry else {
                return Err(not_found(&format!("{} {item}", what(member))));
            };
            // what the catalog reads first goes back unchanged: the API refuses another value
            let fixed =
                ::oneandone::CATALOG.read_first(routed.op.name).map_or(&[][..], |r| r.members);
            if let Some(changed) =
                fixed.iter().find(|m| patch.get(**m).is_some_and(|v| *v != entry[**m]))
            {
                return Err(field_error(
                    &format!("{member}.{changed}"),
                    format!(
                        "The {changed} of a monitoring policy's {} cannot be changed",
                        what(member)
                    ),
                ));
            }
            merge(entry, &patch);
            Ok(parent)
        }
        (
            c @ ("private_networks" | "monitoring_policies" | "shared_storages"),
            "POST",
            "servers",
        ) => {
            let wanted = ids(body, "servers");
            for server_id in &wanted {
                if state.get("servers", server_id).is_none() {
                    return Err(not_found(&format!("server {server_id}")));
                }
            }
            for (n, server_id) in wanted.iter().enumerate() {
                match c {
                    "private_networks" => resources::attach_private_network(state, server_id, id),
                    "monitoring_policies" => resources::attach_monitoring(state, server_id, id),
                    _ => {
                        let rights = body["servers"][n]["rights"].clone();
                        let name = state.get("servers", server_id).map(|s| s.value["name"].clone());
                        if let Some(ss) = state.get_mut("shared_storages", id) {
                            resources::remove_item(&mut ss.value, "servers", server_id);
                            if let Some(servers) = ss.value["servers"].as_array_mut() {
                                servers
                                    .push(json!({"id": server_id, "name": name, "rights": rights}));
                            }
                        }
                    }
                }
            }
            Ok(parent)
        }
        (
            c @ ("private_networks" | "monitoring_policies" | "shared_storages"),
            "DELETE",
            "servers/{}",
        ) => {
            let server_id = shape.sub(0).to_owned();
            let found = match c {
                "private_networks" => resources::detach_private_network(state, &server_id, id),
                "monitoring_policies" => resources::detach_monitoring(state, &server_id, id),
                _ => state
                    .get_mut("shared_storages", id)
                    .is_some_and(|ss| resources::remove_item(&mut ss.value, "servers", &server_id)),
            };
            if !found {
                return Err(not_found(&format!("server {server_id} of the {}", what(c))));
            }
            Ok(parent)
        }
        ("users", "POST", "api/ips") => {
            let new = ids(body, "ips");
            let record = state.get_mut("users", id).ok_or_else(|| not_found("user"))?;
            if !record.value["api"]["allowed_ips"].is_array() {
                record.value["api"]["allowed_ips"] = json!([]);
            }
            if let Some(allowed) = record.value["api"]["allowed_ips"].as_array_mut() {
                for ip in new {
                    if !allowed.iter().any(|a| *a == ip.as_str()) {
                        allowed.push(Value::from(ip));
                    }
                }
            }
            Ok(Answer::Parent(Transition::Nothing))
        }
        ("users", "DELETE", "api/ips/{}") => {
            let ip = shape.sub(0).to_owned();
            let record = state.get_mut("users", id).ok_or_else(|| not_found("user"))?;
            let allowed = record.value["api"]["allowed_ips"].as_array_mut();
            let Some(allowed) = allowed.filter(|a| a.iter().any(|i| *i == ip.as_str())) else {
                return Err(not_found(&format!("allowed IP {ip}")));
            };
            allowed.retain(|i| *i != ip.as_str());
            Ok(Answer::Parent(Transition::Nothing))
        }
        ("users", "PUT", "api") => {
            let record = state.get_mut("users", id).ok_or_else(|| not_found("user"))?;
            record.value["api"]["active"] =
                body.get("active").cloned().unwrap_or(Value::Bool(true));
            Ok(Answer::Parent(Transition::Nothing))
        }
        ("users", "PUT", "api/key") => {
            let record = state.get_mut("users", id).ok_or_else(|| not_found("user"))?;
            record.value["api"]["key"] = Value::from(crate::util::hex32());
            Ok(Answer::Parent(Transition::Nothing))
        }
        // Not modelled: the record answers, unchanged.
        _ => Ok(Answer::Parent(Transition::Nothing)),
    }
}

/// The server `id`, to change.
fn server<'s>(state: &'s mut State, id: &str) -> Result<&'s mut super::state::Record, Reply> {
    state.get_mut("servers", id).ok_or_else(|| not_found(&format!("server {id}")))
}

/// Checks that the server has the IP `ip`.
fn server_ip(state: &State, id: &str, ip: &str) -> Result<(), Reply> {
    let has = state
        .get("servers", id)
        .and_then(|s| s.value["ips"].as_array().map(|ips| ips.iter().any(|i| i["id"] == ip)))
        .unwrap_or(false);
    if has {
        Ok(())
    } else {
        Err(not_found(&format!("IP {ip} of server {id}")))
    }
}

/// `GET` / `PUT /shared_storages/access`.
fn credentials(state: &mut State, routed: &Routed) -> Reply {
    if routed.op.method.as_str() == "PUT" {
        state.credentials["state"] = Value::from("CONFIGURING");
        state.credentials["needs_password_reset"] = Value::Bool(false);
        let body = state.credentials.clone();
        state.credentials["state"] = Value::from("ACTIVE");
        return reply(success(routed), body);
    }
    reply(200, state.credentials.clone())
}

/// Adds a completed entry to the account's logs.
fn log(state: &mut State, action: &str, collection: &str, id: &str) {
    let resource = state.get(collection, id).map_or(Value::Null, |r| identity(&r.value));
    // As the API's logs name them: `MONITORINGPOLICY`, `SERVER`.
    let kind = what(collection).replace(' ', "").to_uppercase();
    let date = now();
    let user = state.all("users").first().map_or(Value::Null, |u| identity(&u.value));
    state.insert(
        "logs",
        json!({"id": resources::new_id(), "start_date": date, "end_date": date, "duration": 0,
            "status": {"state": "COMPLETED", "percent": 100}, "action": action, "type": kind,
            "resource": resource, "details": {}, "user": user}),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn singular_names() {
        assert_eq!(super::what("firewall_policies"), "firewall policy");
        assert_eq!(super::what("servers/fixed_instance_sizes"), "fixed instance size");
        assert_eq!(
            super::what("monitoring_policies").replace(' ', "").to_uppercase(),
            "MONITORINGPOLICY"
        );
    }
}
