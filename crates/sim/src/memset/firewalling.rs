//! Firewalling: the account's rule groups and their rules, Memset's public groups (read-only,
//! `managed-linux` among them), and which group each server is under.

use serde_json::{json, Map, Value};

use super::errors::{no_service, Failure, Kind, Outcome};
use super::services::not_a_server;
use super::state::{State, ACCOUNT};
use super::Call;
use crate::util::hex32;

/// The most rules a group holds.
const MAX_RULES: usize = 30;

/// The members of a rule that the rule methods set, with the API's defaults.
const RULE_MEMBERS: &[(&str, &str)] = &[
    ("ip_version", "any"),
    ("action", "ACCEPT"),
    ("source_ips", "any"),
    ("source_ip6s", "any"),
    ("dest_ips", "any"),
    ("dest_ip6s", "any"),
    ("source_ports", "any"),
    ("dest_ports", "any"),
    ("protocols", "any"),
    ("comment", ""),
    ("direction", "Inbound"),
];

/// The answer of the firewalling method `call.op`, if it is one.
pub(crate) fn answer(call: &mut Call<'_>) -> Option<Outcome> {
    let args = call.args;
    let state = &mut *call.state;
    let text = |member: &str| args.get(member).and_then(Value::as_str).unwrap_or_default();
    Some(match call.op.name {
        "firewalling.rule_group_list" => {
            let public = args.get("include_public").and_then(Value::as_bool).unwrap_or(true);
            let groups = state.rule_groups.iter().filter(|g| public || g["public"] != true);
            Ok(Value::Array(groups.cloned().collect()))
        }
        "firewalling.rule_group_info" => group(state, text("rule_group_name"), true).cloned(),
        "firewalling.rule_group_create" => group_create(state, args),
        "firewalling.rule_group_delete" => group_delete(state, text("rule_group_name")),
        "firewalling.rule_group_status" => {
            let name = text("name");
            let group_name = text("rule_group_name");
            group(state, group_name, true).and_then(|_| match state.service(name) {
                None => Err(no_service(name)),
                Some(s) if s.rule_group.as_deref() == Some(group_name) => Ok(json!("active")),
                Some(_) => Ok(json!("na")),
            })
        }
        "firewalling.update" => apply(state, text("name"), text("rule_group_name")),
        "firewalling.rule_create" => {
            let group_name = text("rule_group_name").to_owned();
            rule_create(state, &group_name, args)
        }
        "firewalling.rule_info" => find_rule(state, text("rule_id"), true).map(|(_, r)| r),
        "firewalling.rule_update" => rule_update(state, args),
        "firewalling.rule_delete" => {
            let id = text("rule_id");
            find_rule(state, id, false).map(|(group, _)| {
                if let Some(rules) =
                    group_mut(state, &group).and_then(|g| g["rules"].as_object_mut())
                {
                    rules.remove(id);
                }
                Value::from(id)
            })
        }
        _ => return None,
    })
}

/// The group named `name`; public groups only when `public` (they cannot be changed, so the
/// changing methods do not search them).
fn group<'s>(state: &'s State, name: &str, public: bool) -> Result<&'s Value, Failure> {
    state
        .rule_groups
        .iter()
        .find(|g| g["name"] == name && (public || g["public"] != true))
        .ok_or_else(|| Failure::new(Kind::DoesNotExist, format!("Rule group '{name}' not found")))
}

fn group_mut<'s>(state: &'s mut State, name: &str) -> Option<&'s mut Value> {
    state.rule_groups.iter_mut().find(|g| g["name"] == name)
}

/// A rule of `group` from the members of `new`.
fn new_rule(group: &str, new: &Value) -> Value {
    let mut rule = Map::new();
    let id = hex32();
    rule.insert("rule_id".to_owned(), Value::from(id));
    rule.insert("rule_group_name".to_owned(), Value::from(group));
    for (member, default) in RULE_MEMBERS {
        rule.insert(
            (*member).to_owned(),
            new.get(*member).cloned().unwrap_or(Value::from(*default)),
        );
    }
    rule.insert("ordering".to_owned(), new.get("ordering").cloned().unwrap_or(Value::from(1)));
    Value::Object(rule)
}

fn group_create(state: &mut State, args: &Map<String, Value>) -> Outcome {
    let nickname = args.get("nickname").and_then(Value::as_str).unwrap_or_default();
    let taken = state.rule_groups.iter().any(|g| g["public"] != true && g["nickname"] == nickname);
    if taken {
        return Err(Failure::new(
            Kind::PreconditionFailed,
            format!("Another rule group already has the nickname '{nickname}'"),
        ));
    }
    let name = state.next_name(&format!("{ACCOUNT}-fw"));
    let mut rules = Map::new();
    for new in args.get("rules").and_then(Value::as_array).into_iter().flatten() {
        let rule = new_rule(&name, new);
        if let Some(id) = rule["rule_id"].as_str() {
            rules.insert(id.to_owned(), rule.clone());
        }
    }
    let group = json!({
        "name": name, "nickname": nickname, "public": false,
        "notes": args.get("notes").cloned().unwrap_or(Value::from("")),
        "default_outbound_policy": args.get("default_outbound_policy").cloned().unwrap_or(Value::from("RETURN")),
        "rules": rules,
    });
    state.rule_groups.push(group.clone());
    Ok(group)
}

fn group_delete(state: &mut State, name: &str) -> Outcome {
    group(state, name, false)?;
    if let Some(server) = state.services.iter().find(|s| s.rule_group.as_deref() == Some(name)) {
        return Err(Failure::new(
            Kind::PreconditionFailed,
            format!("Rule group '{name}' is still used by server '{}'", server.name()),
        ));
    }
    state.rule_groups.retain(|g| g["name"] != name);
    Ok(Value::from(name))
}

fn apply(state: &mut State, server: &str, name: &str) -> Outcome {
    let rendered = group(state, name, true)?.clone();
    let Some(service) = state.service_mut(server) else { return Err(no_service(server)) };
    if !service.is_server() {
        return Err(not_a_server(server));
    }
    if service.value["firewall_type"] != "managed" {
        return Err(Failure::new(
            Kind::PreconditionFailed,
            format!("Server '{server}' does not have Memset-managed firewalling"),
        ));
    }
    service.rule_group = Some(name.to_owned());
    Ok(rendered)
}

fn rule_create(state: &mut State, group_name: &str, args: &Map<String, Value>) -> Outcome {
    let existing = group(state, group_name, false)?;
    if existing["rules"].as_object().map_or(0, Map::len) >= MAX_RULES {
        return Err(Failure::new(
            Kind::PreconditionFailed,
            format!("Rule group '{group_name}' already holds {MAX_RULES} rules"),
        ));
    }
    let rule = new_rule(group_name, &Value::Object(args.clone()));
    let id = rule["rule_id"].as_str().unwrap_or_default().to_owned();
    if let Some(rules) = group_mut(state, group_name).and_then(|g| g["rules"].as_object_mut()) {
        rules.insert(id, rule.clone());
    }
    Ok(rule)
}

/// The group holding rule `id` and the rule; rules of public groups only when `public`.
fn find_rule(state: &State, id: &str, public: bool) -> Result<(String, Value), Failure> {
    state
        .rule_groups
        .iter()
        .filter(|g| public || g["public"] != true)
        .find_map(|g| {
            let rule = g["rules"].get(id)?;
            Some((g["name"].as_str().unwrap_or_default().to_owned(), rule.clone()))
        })
        .ok_or_else(|| Failure::new(Kind::DoesNotExist, format!("Rule '{id}' not found")))
}

fn rule_update(state: &mut State, args: &Map<String, Value>) -> Outcome {
    let id = args.get("rule_id").and_then(Value::as_str).unwrap_or_default();
    let (group, mut rule) = find_rule(state, id, false)?;
    if let Some(object) = rule.as_object_mut() {
        for (member, _) in RULE_MEMBERS.iter().filter(|(m, _)| *m != "direction") {
            if let Some(given) = args.get(*member) {
                object.insert((*member).to_owned(), given.clone());
            }
        }
        if let Some(ordering) = args.get("ordering") {
            object.insert("ordering".to_owned(), ordering.clone());
        }
    }
    if let Some(rules) = group_mut(state, &group).and_then(|g| g["rules"].as_object_mut()) {
        rules.insert(id.to_owned(), rule.clone());
    }
    Ok(rule)
}
