//! Server monitoring: the monitoring rules of each server (`server.monitoring.rule_*`) and its
//! policy (`get_policy`; `set_policy` returns a job and changes the `monitor`,
//! `no_auto_reboot` and `ignore_monitoring_off` members `server.info` shows).

use serde_json::{json, Map, Value};

use super::errors::{no_service, Failure, Kind, Outcome};
use super::state::State;
use super::{jobs, Call};
use crate::util::hex32;

/// The members of a rule the rule methods set.
const RULE_MEMBERS: &[&str] =
    &["service", "alert_type", "contact_address", "port", "host_name", "http_check_string"];

/// The answer of the monitoring method `call.op`, if it is one.
pub(crate) fn answer(call: &mut Call<'_>) -> Option<Outcome> {
    let args = call.args;
    let name = args.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
    let rule_id = args.get("rule_id").and_then(Value::as_str).unwrap_or_default().to_owned();
    let state = &mut *call.state;
    Some(match call.op.name {
        "server.monitoring.get_policy" => server(state, &name).map(|value| {
            let flag = |member: &str| value.get(member).and_then(Value::as_bool).unwrap_or(false);
            json!({"monitoring": flag("monitor"), "auto_reboot": !flag("no_auto_reboot"),
                "reminder_emails": !flag("ignore_monitoring_off")})
        }),
        "server.monitoring.set_policy" => {
            if let Err(failure) = server(state, &name) {
                return Some(Err(failure));
            }
            let job =
                jobs::start_unique(state, call.op.name, Some(name.clone()), call.polls_until_done);
            if job.is_ok() {
                set_policy(state, &name, args);
            }
            job
        }
        "server.monitoring.rule_list" => server(state, &name).map(|_| {
            let rules = state.monitoring_rules.iter().filter(|(s, _)| *s == name);
            Value::Array(rules.map(|(_, r)| r.clone()).collect())
        }),
        "server.monitoring.rule_info" => {
            server(state, &name).and_then(|_| rule(state, &name, &rule_id).cloned())
        }
        "server.monitoring.rule_create" => exists(state, &name, None).map(|()| {
            let mut rule = Map::new();
            rule.insert("rule_id".to_owned(), Value::from(hex32()));
            for member in RULE_MEMBERS {
                let value = args.get(*member).cloned().unwrap_or(match *member {
                    "port" => Value::Null,
                    _ => Value::from(""),
                });
                rule.insert((*member).to_owned(), value);
            }
            let rule = Value::Object(rule);
            state.monitoring_rules.push((name.clone(), rule.clone()));
            rule
        }),
        "server.monitoring.rule_update" => {
            if let Err(failure) = exists(state, &name, Some(&rule_id)) {
                return Some(Err(failure));
            }
            let found = state
                .monitoring_rules
                .iter_mut()
                .find(|(s, r)| *s == name && r["rule_id"] == rule_id.as_str());
            let Some((_, rule)) = found else { return Some(Err(not_found(&rule_id))) };
            if let Some(object) = rule.as_object_mut() {
                for member in RULE_MEMBERS {
                    if let Some(given) = args.get(*member) {
                        object.insert((*member).to_owned(), given.clone());
                    }
                }
            }
            Ok(rule.clone())
        }
        "server.monitoring.rule_delete" => exists(state, &name, Some(&rule_id)).map(|()| {
            state
                .monitoring_rules
                .retain(|(s, r)| !(*s == name && r["rule_id"] == rule_id.as_str()));
            json!({})
        }),
        _ => return None,
    })
}

/// The `server.info` members of the server `name`.
fn server<'s>(state: &'s State, name: &str) -> Result<&'s Value, Failure> {
    state.service(name).map(|s| &s.value).ok_or_else(|| no_service(name))
}

/// `Ok` when the server `name` (and its rule `rule_id`, if given) exists.
fn exists(state: &State, name: &str, rule_id: Option<&str>) -> Result<(), Failure> {
    server(state, name)?;
    match rule_id {
        Some(id) => rule(state, name, id).map(|_| ()),
        None => Ok(()),
    }
}

fn not_found(id: &str) -> Failure {
    Failure::new(Kind::DoesNotExist, format!("Monitoring rule '{id}' not found"))
}

fn rule<'s>(state: &'s State, name: &str, id: &str) -> Result<&'s Value, Failure> {
    state
        .monitoring_rules
        .iter()
        .find(|(s, r)| s == name && r["rule_id"] == id)
        .map(|(_, r)| r)
        .ok_or_else(|| not_found(id))
}

fn set_policy(state: &mut State, name: &str, args: &Map<String, Value>) {
    let Some(object) = state.service_mut(name).and_then(|s| s.value.as_object_mut()) else {
        return;
    };
    let given = |member: &str| args.get(member).and_then(Value::as_bool);
    if let Some(on) = given("monitoring") {
        object.insert("monitor".to_owned(), Value::Bool(on));
    }
    if let Some(on) = given("auto_reboot") {
        object.insert("no_auto_reboot".to_owned(), Value::Bool(!on));
    }
    if let Some(on) = given("reminder_emails") {
        object.insert("ignore_monitoring_off".to_owned(), Value::Bool(!on));
    }
}
