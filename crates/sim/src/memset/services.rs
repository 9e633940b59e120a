//! Services and servers: `service.info`, `service.list`, `service.set_nickname`,
//! `service.cancel`, `server.info`, `server.list`, `server.slave_ns_*`, and the create methods that order a new
//! Miniserver, dedicated server or Memstore (which then appears in the lists).

use serde_json::{Map, Value};

use super::errors::{no_service, Failure, Kind, Outcome};
use super::state::{server_value, Service, State};
use super::{jobs, schema, Call};
use crate::util::now;

/// The answer of the service or server method `call.op`, if it is one of them.
pub(crate) fn answer(call: &mut Call<'_>) -> Option<Outcome> {
    let args = call.args;
    let name = args.get("name").and_then(Value::as_str).unwrap_or_default();
    Some(match call.op.name {
        "service.info" => call
            .state
            .service(name)
            .map(|s| schema::project(&s.value, "Service"))
            .ok_or_else(|| no_service(name)),
        "service.list" => Ok(list(call.state, args, false, "Service")),
        "service.set_nickname" => set_nickname(call.state, name, args),
        "service.cancel" => cancel(call, name),
        "server.info" => match call.state.service(name) {
            Some(service) if service.is_server() => Ok(render_server(call.state, service)),
            Some(_) => Err(not_a_server(name)),
            None => Err(no_service(name)),
        },
        "server.list" => Ok(list(call.state, args, true, "ServerInfo")),
        "server.slave_ns_add" | "server.slave_ns_delete" | "server.slave_ns_list" => {
            slave_ns(call.state, call.op.name, name, args)
        }
        "create.monthly_miniserver" | "create.hourly_miniserver" => create(call, "miniserver"),
        "create.monthly_fullserver" => create(call, "fullserver"),
        "create.memstore" => create(call, "cloudstorage"),
        _ => return None,
    })
}

/// `ApiErrorMethodNotFound` for a server method called on another kind of service.
pub(crate) fn not_a_server(name: &str) -> Failure {
    Failure::new(Kind::MethodNotFound, format!("Method not found: '{name}' is not a server"))
}

/// `server.info`'s answer for `service`, its firewall rule group in full (an empty object
/// when it has none).
pub(crate) fn render_server(state: &State, service: &Service) -> Value {
    let mut value = schema::project(&service.value, "ServerInfo");
    let group = service
        .rule_group
        .as_deref()
        .and_then(|g| state.rule_groups.iter().find(|r| r["name"] == g))
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    if let Some(object) = value.as_object_mut() {
        object.insert("firewall_rule_group".to_owned(), group);
    }
    value
}

fn list(state: &State, args: &Map<String, Value>, servers: bool, model: &str) -> Value {
    let status = args.get("status").and_then(Value::as_str).unwrap_or("LIVE");
    let types: Option<Vec<&str>> = args
        .get("type")
        .and_then(Value::as_array)
        .map(|types| types.iter().filter_map(Value::as_str).collect());
    let items: Vec<Value> = state
        .services
        .iter()
        .filter(|s| s.value["status"] == status)
        .filter(|s| !servers || s.is_server())
        .filter(|s| types.as_ref().is_none_or(|t| t.contains(&s.kind())))
        .map(|s| if servers { render_server(state, s) } else { schema::project(&s.value, model) })
        .collect();
    Value::Array(items)
}

/// `server.slave_ns_add`, `_delete` and `_list`: the domains slaved from a server (live ones
/// only, as the API refuses cancelled servers).
fn slave_ns(state: &mut State, method: &str, name: &str, args: &Map<String, Value>) -> Outcome {
    let domain = args.get("domain_name").and_then(Value::as_str).unwrap_or_default().to_owned();
    let Some(service) = state.service_mut(name).filter(|s| s.value["status"] == "LIVE") else {
        return Err(no_service(name));
    };
    let slaved = service.slave_domains.contains(&domain);
    match method {
        "server.slave_ns_add" if slaved => Err(Failure::new(
            Kind::PreconditionFailed,
            format!("The domain '{domain}' is already slaved"),
        )),
        "server.slave_ns_add" => {
            service.slave_domains.push(domain.clone());
            service.slave_domains.sort();
            Ok(Value::from(domain))
        }
        "server.slave_ns_delete" if !slaved => Err(Failure::new(
            Kind::DoesNotExist,
            format!("The domain '{domain}' is not slaved from '{name}'"),
        )),
        "server.slave_ns_delete" => {
            service.slave_domains.retain(|d| *d != domain);
            Ok(Value::from(domain))
        }
        _ => Ok(Value::from(service.slave_domains.clone())),
    }
}

/// Cleans a nickname as the API does: only letters, digits, `_`, `.`, `-` and spaces are kept,
/// at most 255 characters, trimmed.
fn clean(nickname: &str) -> String {
    let kept: String = nickname
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ' '))
        .take(255)
        .collect();
    kept.trim().to_owned()
}

fn set_nickname(state: &mut State, name: &str, args: &Map<String, Value>) -> Outcome {
    let nickname = clean(args.get("nickname").and_then(Value::as_str).unwrap_or_default());
    if state.service(name).is_none() {
        return Err(no_service(name));
    }
    let taken = !nickname.is_empty()
        && state.services.iter().any(|s| s.name() != name && s.value["nickname"] == nickname);
    if taken {
        return Err(Failure::new(
            Kind::NotUnique,
            format!("nickname: another service already has the nickname '{nickname}'"),
        ));
    }
    if let Some(object) = state.service_mut(name).and_then(|s| s.value.as_object_mut()) {
        object.insert("nickname".to_owned(), Value::from(nickname.as_str()));
    }
    let mut answer = Map::new();
    answer.insert("nickname".to_owned(), Value::from(nickname));
    Ok(Value::Object(answer))
}

fn cancel(call: &mut Call<'_>, name: &str) -> Outcome {
    if call.state.service(name).is_some_and(|s| s.value["status"] == "CANCELLED") {
        return Err(Failure::new(
            Kind::AlreadyInProgress,
            format!("Service '{name}' is already being cancelled"),
        ));
    }
    let job =
        jobs::start_unique(call.state, call.op.name, Some(name.to_owned()), call.polls_until_done)?;
    if let Some(object) = call.state.service_mut(name).and_then(|s| s.value.as_object_mut()) {
        object.insert("status".to_owned(), Value::from("CANCELLED"));
    }
    Ok(job)
}

/// A create method: a dry run only prices the order; otherwise the new service is added
/// (named `mysrv1`, `mystore1`, ...) and the answer's job sets it up.
fn create(call: &mut Call<'_>, kind: &str) -> Outcome {
    let dry_run = call.args.get("dry_run").and_then(Value::as_bool).unwrap_or(false);
    if dry_run {
        return Ok(schema::answer(call));
    }
    let today = now()[..10].to_owned();
    let expiry = match today.split_once('-') {
        Some((year, rest)) => {
            format!("{}-{rest}", year.parse::<u32>().map_or(2100, |y| y.saturating_add(1)))
        }
        None => today.clone(),
    };
    let name = match kind {
        "cloudstorage" => call.state.next_name("mystore"),
        _ => call.state.next_name("mysrv"),
    };
    let value = if kind == "cloudstorage" {
        serde_json::json!({
            "name": name, "type": kind, "status": "LIVE", "nickname": "",
            "start_date": today, "expiry_date": expiry,
            "renewal_price_amount": 0.0, "renewal_price_currency": "GBP", "renewal_price_vat": 0.0,
            "network_zones": [], "data_zone": "Memset Public Cloud",
        })
    } else {
        let count = call.state.services.len();
        let ip = format!("192.0.2.{}", 10 + count % 240);
        let mut value = server_value(&name, kind, "", &ip, (&today, &expiry), (0.0, 0.0));
        if let (Some(os), Some(object)) =
            (call.args.get("os").and_then(Value::as_str), value.as_object_mut())
        {
            object.insert("os".to_owned(), Value::from(os));
        }
        value
    };
    call.state.services.push(Service { value, rule_group: None, slave_domains: Vec::new() });
    // The answer names the new service, and its job is about it.
    let mut args = call.args.clone();
    args.insert("name".to_owned(), Value::from(name.as_str()));
    args.insert("service".to_owned(), Value::from(name.as_str()));
    let mut inner = Call {
        op: call.op,
        args: &args,
        state: &mut *call.state,
        polls_until_done: call.polls_until_done,
    };
    Ok(schema::answer(&mut inner))
}

#[cfg(test)]
mod tests {
    #[test]
    fn nicknames_are_cleaned() {
        assert_eq!(super::clean("  web*server 1 "), "webserver 1");
        assert_eq!(super::clean(&"a".repeat(300)).len(), 255);
    }
}
