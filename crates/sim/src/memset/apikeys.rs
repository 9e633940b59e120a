//! API keys: `apikey.create`, `apikey.list`, `apikey.info`, `apikey.delete` and the scope
//! methods keep the account's keys (the simulator's own key is the first); and
//! `partner.account.create` names the new account `myaccount1`, `myaccount2`, ... with a fresh
//! key. Only the simulator's own key authenticates requests; the others are kept, not
//! accepted.

use serde_json::{json, Map, Value};

use super::errors::{Failure, Kind, Outcome};
use super::state::State;
use super::Call;
use crate::util::{hex32, now};

/// The answer of the API key method `call.op`, if it is one.
pub(crate) fn answer(call: &mut Call<'_>) -> Option<Outcome> {
    let args = call.args;
    let state = &mut *call.state;
    let id = args.get("id").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
    Some(match call.op.name {
        "apikey.create" => {
            let key = new_key(args.get("scopes"), args.get("comment"));
            state.api_keys.push(key.clone());
            Ok(key)
        }
        "apikey.list" => Ok(Value::Array(state.api_keys.clone())),
        "apikey.info" => find(state, &id).cloned(),
        "apikey.delete" => exists(state, &id).map(|()| {
            state.api_keys.retain(|k| k["key"] != id);
            json!({})
        }),
        "apikey.add_scope" | "apikey.delete_scope" => {
            let add = call.op.name == "apikey.add_scope";
            let scope = args.get("scope_name").and_then(Value::as_str).unwrap_or_default();
            let value = args.get("value").cloned().unwrap_or(Value::Null);
            exists(state, &id).map(|()| {
                let Some(key) = state.api_keys.iter_mut().find(|k| k["key"] == id) else {
                    return Value::Null;
                };
                if let Some(scopes) = key.get_mut("scopes").and_then(Value::as_object_mut) {
                    let list = scopes.entry(scope.to_owned()).or_insert_with(|| json!([]));
                    if let Some(items) = list.as_array_mut() {
                        items.retain(|v| *v != value);
                        if add {
                            items.push(value.clone());
                        }
                    }
                }
                key.clone()
            })
        }
        "partner.account.create" => {
            let account = state.next_name("myaccount");
            Ok(json!({"account": account, "api_key": new_key(None, None)}))
        }
        _ => return None,
    })
}

/// A new key as `apikey.info` describes it, created now.
pub(crate) fn new_key(scopes: Option<&Value>, comment: Option<&Value>) -> Value {
    let date = now();
    let created = format!("{} {}", &date[..10], &date[11..19]);
    let mut all = Map::new();
    all.insert("method".to_owned(), json!([]));
    all.insert("name".to_owned(), json!([]));
    if let Some(given) = scopes.and_then(Value::as_object) {
        all.extend(given.clone());
    }
    json!({"key": hex32(), "scopes": all, "comment": comment.cloned().unwrap_or(json!("")),
        "created": created})
}

fn find<'s>(state: &'s State, id: &str) -> Result<&'s Value, Failure> {
    state
        .api_keys
        .iter()
        .find(|k| k["key"] == id)
        .ok_or_else(|| Failure::new(Kind::DoesNotExist, "API key not found"))
}

/// `Ok` when the key `id` exists (so that the caller may change the keys).
fn exists(state: &State, id: &str) -> Result<(), Failure> {
    find(state, id).map(|_| ())
}
