//! DNS: zones, the zone domains they are served for and their records, kept consistent (a
//! record or domain names an existing zone; deleting a zone deletes its records and domains),
//! `dns.reload`, which returns a job of type `dns`, and the reverse DNS names of the servers'
//! addresses (`dns.reverse_map_list`, `dns.reverse_map_update`, kept in `server.info`'s `ips`).

use serde_json::{json, Map, Value};

use super::errors::{Failure, Kind, Outcome};
use super::state::State;
use super::{jobs, Call};
use crate::util::hex32;

/// The answer of the DNS method `call.op`, if the simulator keeps state for it.
pub(crate) fn answer(call: &mut Call<'_>) -> Option<Outcome> {
    let args = call.args;
    let state = &mut *call.state;
    let text = |member: &str| args.get(member).and_then(Value::as_str).unwrap_or_default();
    Some(match call.op.name {
        "dns.zone_create" => zone_create(state, args),
        "dns.zone_info" => zone(state, text("id")).map(|_| render_zone(state, text("id"))),
        "dns.zone_list" => {
            let ids: Vec<String> =
                state.zones.iter().filter_map(|z| z["id"].as_str().map(str::to_owned)).collect();
            Ok(Value::Array(ids.iter().map(|id| render_zone(state, id)).collect()))
        }
        "dns.zone_update" => zone_update(state, args),
        "dns.zone_delete" => zone_delete(state, text("id")),
        "dns.zone_domain_create" => domain_create(state, text("domain"), args.get("zone_id")),
        "dns.zone_domain_info" => domain(state, text("domain")).cloned(),
        "dns.zone_domain_list" => Ok(Value::Array(state.domains.clone())),
        "dns.zone_domain_update" => domain_update(state, text("domain"), args.get("zone_id")),
        "dns.zone_domain_delete" => {
            let name = text("domain");
            domain(state, name).cloned().inspect(|_| state.domains.retain(|d| d["domain"] != name))
        }
        "dns.zone_record_create" => record_create(state, args),
        "dns.zone_record_info" => record(state, text("id")).cloned(),
        "dns.zone_record_list" => Ok(Value::Array(state.records.clone())),
        "dns.zone_record_update" => record_update(state, args),
        "dns.zone_record_delete" => {
            let id = text("id").to_ascii_lowercase();
            record(state, &id).cloned().inspect(|_| state.records.retain(|r| r["id"] != id))
        }
        "dns.reload" => Ok(jobs::start(state, call.op.name, None, call.polls_until_done)),
        "dns.reverse_map_list" => reverse_maps(state, args),
        "dns.reverse_map_update" => reverse_map_update(state, args),
        _ => return None,
    })
}

fn zone<'s>(state: &'s State, id: &str) -> Result<&'s Value, Failure> {
    let id = id.to_ascii_lowercase();
    state
        .zones
        .iter()
        .find(|z| z["id"] == id)
        .ok_or_else(|| Failure::new(Kind::DoesNotExist, "Zone not found"))
}

fn domain<'s>(state: &'s State, domain: &str) -> Result<&'s Value, Failure> {
    state
        .domains
        .iter()
        .find(|d| d["domain"] == domain)
        .ok_or_else(|| Failure::new(Kind::DoesNotExist, "Zone domain not found"))
}

fn record<'s>(state: &'s State, id: &str) -> Result<&'s Value, Failure> {
    let id = id.to_ascii_lowercase();
    state
        .records
        .iter()
        .find(|r| r["id"] == id)
        .ok_or_else(|| Failure::new(Kind::DoesNotExist, "Zone record not found"))
}

/// A zone as `dns.zone_info` shows it, with its records and domains.
fn render_zone(state: &State, id: &str) -> Value {
    let Some(zone) = state.zones.iter().find(|z| z["id"] == id) else { return Value::Null };
    let mut zone = zone.clone();
    let records: Vec<Value> =
        state.records.iter().filter(|r| r["zone_id"] == id).cloned().collect();
    let domains: Vec<Value> =
        state.domains.iter().filter(|d| d["zone_id"] == id).cloned().collect();
    if let Some(object) = zone.as_object_mut() {
        object.insert("records".to_owned(), Value::Array(records));
        object.insert("domains".to_owned(), Value::Array(domains));
    }
    zone
}

fn zone_create(state: &mut State, args: &Map<String, Value>) -> Outcome {
    // Check every domain first, so that a refused call changes nothing.
    let domains: Vec<&str> = args
        .get("domains")
        .and_then(Value::as_array)
        .map(|d| d.iter().filter_map(|d| d.get("domain").and_then(Value::as_str)).collect())
        .unwrap_or_default();
    for name in &domains {
        if domain(state, name).is_ok() {
            return Err(Failure::new(
                Kind::NotUnique,
                format!("domain: the zone domain '{name}' already exists"),
            ));
        }
    }
    let id = hex32();
    let ttl = args.get("ttl").cloned().unwrap_or(Value::from(0));
    let nickname = args.get("nickname").cloned().unwrap_or(Value::from(""));
    state.zones.push(json!({"id": id, "nickname": nickname, "ttl": ttl}));
    for name in domains {
        state.domains.push(json!({"domain": name, "zone_id": id}));
    }
    for new in args.get("records").and_then(Value::as_array).into_iter().flatten() {
        let record = new_record(&id, new);
        state.records.push(record);
    }
    Ok(render_zone(state, &id))
}

fn zone_update(state: &mut State, args: &Map<String, Value>) -> Outcome {
    let id = args.get("id").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
    zone(state, &id)?;
    if let Some(zone) =
        state.zones.iter_mut().find(|z| z["id"] == id).and_then(Value::as_object_mut)
    {
        for member in ["nickname", "ttl"] {
            if let Some(value) = args.get(member) {
                zone.insert(member.to_owned(), value.clone());
            }
        }
    }
    Ok(render_zone(state, &id))
}

fn zone_delete(state: &mut State, id: &str) -> Outcome {
    let id = id.to_ascii_lowercase();
    zone(state, &id)?;
    let rendered = render_zone(state, &id);
    state.zones.retain(|z| z["id"] != id);
    state.records.retain(|r| r["zone_id"] != id);
    state.domains.retain(|d| d["zone_id"] != id);
    Ok(rendered)
}

/// The zone id argument, checked to name an existing zone.
fn zone_id(state: &State, given: Option<&Value>) -> Result<Option<String>, Failure> {
    match given.and_then(Value::as_str) {
        None => Ok(None),
        Some(id) => zone(state, id).map(|_| Some(id.to_ascii_lowercase())),
    }
}

fn domain_create(state: &mut State, name: &str, zone: Option<&Value>) -> Outcome {
    let zone = zone_id(state, zone)?;
    if domain(state, name).is_ok() {
        return Err(Failure::new(
            Kind::NotUnique,
            format!("domain: the zone domain '{name}' already exists"),
        ));
    }
    let mut value = json!({"domain": name});
    if let (Some(zone), Some(object)) = (zone, value.as_object_mut()) {
        object.insert("zone_id".to_owned(), Value::from(zone));
    }
    state.domains.push(value.clone());
    Ok(value)
}

fn domain_update(state: &mut State, name: &str, zone: Option<&Value>) -> Outcome {
    let zone = zone_id(state, zone)?;
    domain(state, name)?;
    let Some(value) = state.domains.iter_mut().find(|d| d["domain"] == name) else {
        return Err(Failure::new(Kind::DoesNotExist, "Zone domain not found"));
    };
    if let Some(object) = value.as_object_mut() {
        match zone {
            Some(zone) => object.insert("zone_id".to_owned(), Value::from(zone)),
            None => object.remove("zone_id"),
        };
    }
    Ok(value.clone())
}

/// A record of the zone `zone_id` made from the members of `new` (a `NewZoneRecord` or the
/// arguments of `dns.zone_record_create`), with the API's defaults for those left out.
fn new_record(zone_id: &str, new: &Value) -> Value {
    let member = |name: &str, default: Value| new.get(name).cloned().unwrap_or(default);
    json!({
        "id": hex32(), "zone_id": zone_id,
        "type": member("type", Value::from("A")),
        "record": member("record", Value::from("")),
        "address": member("address", Value::from("")),
        "ttl": member("ttl", Value::from(0)),
        "priority": member("priority", Value::from(0)),
        "relative": member("relative", Value::Bool(false)),
    })
}

fn record_create(state: &mut State, args: &Map<String, Value>) -> Outcome {
    let zone = zone_id(state, args.get("zone_id"))?.unwrap_or_default();
    let record = new_record(&zone, &Value::Object(args.clone()));
    state.records.push(record.clone());
    Ok(record)
}

fn record_update(state: &mut State, args: &Map<String, Value>) -> Outcome {
    let id = args.get("id").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
    record(state, &id)?;
    let zone = zone_id(state, args.get("zone_id"))?;
    let Some(value) = state.records.iter_mut().find(|r| r["id"] == id) else {
        return Err(Failure::new(Kind::DoesNotExist, "Zone record not found"));
    };
    if let Some(object) = value.as_object_mut() {
        if let Some(zone) = zone {
            object.insert("zone_id".to_owned(), Value::from(zone));
        }
        for member in ["type", "record", "address", "ttl", "priority", "relative"] {
            if let Some(given) = args.get(member) {
                object.insert(member.to_owned(), given.clone());
            }
        }
    }
    Ok(value.clone())
}

/// The reverse maps of the live servers' addresses, of the server `name` and the address
/// `address` when given.
fn reverse_maps(state: &State, args: &Map<String, Value>) -> Outcome {
    let name = args.get("name").and_then(Value::as_str);
    let address = args.get("address").and_then(Value::as_str);
    let mut maps = Vec::new();
    for service in state.services.iter().filter(|s| s.is_server() && s.value["status"] == "LIVE") {
        if name.is_some_and(|n| n != service.name()) {
            continue;
        }
        for ip in service.value["ips"].as_array().into_iter().flatten() {
            if address.is_some_and(|a| ip["address"] != a) {
                continue;
            }
            maps.push(json!({"name": service.name(), "address": ip["address"],
                "reverse_map": ip.get("reverse_map").cloned().unwrap_or(Value::from(""))}));
        }
    }
    if address.is_some() && maps.is_empty() {
        return Err(Failure::new(Kind::DoesNotExist, "IP address not found"));
    }
    Ok(Value::Array(maps))
}

fn reverse_map_update(state: &mut State, args: &Map<String, Value>) -> Outcome {
    let name = args.get("name").and_then(Value::as_str);
    let address = args.get("address").and_then(Value::as_str).unwrap_or_default();
    let reverse_map = args.get("reverse_map").cloned().unwrap_or(Value::from(""));
    let ip = state
        .services
        .iter_mut()
        .filter(|s| s.is_server() && name.is_none_or(|n| s.name() == n))
        .filter_map(|s| s.value.get_mut("ips").and_then(Value::as_array_mut))
        .flatten()
        .find(|ip| ip["address"] == address);
    let Some(ip) = ip.and_then(Value::as_object_mut) else {
        return Err(Failure::new(Kind::DoesNotExist, "IP address not found"));
    };
    ip.insert("reverse_map".to_owned(), reverse_map);
    let mut only = Map::new();
    only.insert("address".to_owned(), Value::from(address));
    reverse_maps(state, &only)
}
