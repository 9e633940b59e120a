//! Read-then-write ([`ReadFirst`]): some changes must send back members of the current object
//! that the caller cannot change (1&1's monitoring policy ports keep their protocol and port).
//! The call reads the object at its own path first and copies those members into its body,
//! so the caller gives only what can change and never sends a stale or different value.

use serde_json::{Map, Value};

use crate::catalog::ReadFirst;
use crate::error::{Classify, Error};
use crate::request::{Body, Method, Request};
use crate::transport::Transport;

/// `request` with `read.members` of the object at its path copied into its body member
/// `read.into`.
///
/// # Errors
///
/// The read's own error (the object does not exist, the API is down), or a decode error
/// when its answer is not an object holding every member.
pub(crate) async fn complete<K: Classify + Send + 'static>(
    transport: &Transport,
    mut request: Request,
    read: &'static ReadFirst,
) -> Result<Request, Error<K>> {
    let look = Request {
        operation: request.operation,
        method: Method::GET,
        path: request.path.clone(),
        query: Vec::new(),
        body: Body::Empty,
        success: &[200],
        idempotent: true,
    };
    let answer = transport.send::<K>(look).await?;
    let current: Map<String, Value> = answer.json()?;
    let mut kept = Map::new();
    for member in read.members {
        let Some(value) = current.get(*member) else {
            let message = format!(
                "the current object has no `{member}`, which `{}` must send back unchanged",
                request.operation
            );
            return Err(answer.decode_error(&message));
        };
        kept.insert((*member).to_owned(), value.clone());
    }
    request.body = with_members(&request.body, read.into, kept);
    Ok(request)
}

/// The JSON `body` with `kept` added to its object member `into` (made if missing). A body
/// that is not a JSON object is left as it is: generated changes always send one.
fn with_members(body: &Body, into: &str, kept: Map<String, Value>) -> Body {
    let Body::Json(bytes) = body else { return body.clone() };
    let Ok(Value::Object(mut members)) = serde_json::from_slice::<Value>(bytes) else {
        return body.clone();
    };
    let target = members.entry(into).or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(target) = target {
        target.extend(kept);
    }
    Body::Json(serde_json::to_vec(&members).unwrap_or_else(|_| bytes.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_of(body: &Body) -> Value {
        match body {
            Body::Json(bytes) => serde_json::from_slice(bytes).unwrap(),
            _ => Value::Null,
        }
    }

    #[test]
    fn the_current_members_join_the_changed_ones() {
        let body = Body::json(&json!({"ports": {"alert_if": "RESPONDING"}})).unwrap();
        let kept = json!({"protocol": "TCP", "port": 22}).as_object().unwrap().clone();
        let got = json_of(&with_members(&body, "ports", kept));
        assert_eq!(
            got,
            json!({"ports": {"alert_if": "RESPONDING", "protocol": "TCP", "port": 22}})
        );
    }

    #[test]
    fn a_missing_target_object_is_made() {
        let body = Body::json(&json!({})).unwrap();
        let kept = json!({"process": "sshd"}).as_object().unwrap().clone();
        assert_eq!(
            json_of(&with_members(&body, "processes", kept)),
            json!({"processes": {"process": "sshd"}})
        );
    }
}
