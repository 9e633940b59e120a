//! A request as generated code describes it, before the transport sends it.

use std::fmt;

use serde_json::{Map, Value};

use crate::error::InvalidArgument;

pub use reqwest::Method;

/// One API call, ready for [`Transport::send`](crate::Transport::send).
#[derive(Debug, Clone)]
pub struct Request {
    /// Name of the operation, e.g. `"get_datacenter"`; used in errors.
    pub operation: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path relative to the base URL, starting with `/`, already percent-encoded
    /// (see [`encode`](crate::encode)).
    pub path: String,
    /// Query parameters, percent-encoded by the transport.
    pub query: Vec<(&'static str, String)>,
    /// Request body.
    pub body: Body,
    /// The HTTP statuses that mean success for this operation.
    pub success: &'static [u16],
    /// Whether sending the request twice has the same effect as sending it once, so that it
    /// may be retried after an answer such as HTTP 503 or after a failure mid-request.
    ///
    /// Generated operations set it for GET, PUT and DELETE, and for the POSTs and PATCHes the
    /// spec marks `idempotent` (e.g. Memset's read-only methods). A request that is not
    /// idempotent is only retried when its connection could not be made, as then nothing
    /// was sent.
    pub idempotent: bool,
}

/// A request body.
///
/// `Debug` shows only sizes and field names, never values: bodies may carry passwords.
#[derive(Clone, PartialEq)]
pub enum Body {
    /// No body and no `Content-Type`.
    Empty,
    /// Serialized JSON, sent with `Content-Type: application/json`.
    Json(Vec<u8>),
    /// Fields sent as `application/x-www-form-urlencoded`; an empty `Vec` sends an empty form.
    Form(Vec<(String, String)>),
    /// Named parameters (Memset), sent as a form with the single field
    /// `parameters=<JSON text of the map>`.
    Named(Map<String, Value>),
}

impl Body {
    /// Serializes `value` as a JSON body.
    ///
    /// A serialization failure (e.g. a map with non-string keys) is an [`InvalidArgument`] for
    /// field `"body"` with an empty operation; see [`InvalidArgument::in_operation`].
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Body, InvalidArgument> {
        serde_json::to_vec(value).map(Body::Json).map_err(|error| {
            InvalidArgument::new("", "body", format!("could not be serialized as JSON: {error}"))
        })
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Json(bytes) => write!(f, "Json(<{} bytes>)", bytes.len()),
            Body::Form(fields) => f
                .debug_tuple("Form")
                .field(&Names(fields.iter().map(|(name, _)| name.as_str())))
                .finish(),
            Body::Named(map) => {
                f.debug_tuple("Named").field(&Names(map.keys().map(String::as_str))).finish()
            }
        }
    }
}

/// Debug-prints a list of field names.
struct Names<I>(I);

impl<'a, I: Iterator<Item = &'a str> + Clone> fmt::Debug for Names<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.clone()).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn json_body_serializes() {
        let body = Body::json(&serde_json::json!({"name": "dc1"})).expect("serializable");
        assert_eq!(body, Body::Json(br#"{"name":"dc1"}"#.to_vec()));
    }

    #[test]
    fn json_body_failure_is_invalid_argument() {
        let mut map = HashMap::new();
        map.insert((1, 2), "tuple keys are not JSON object keys");
        let error = Body::json(&map).expect_err("not serializable");
        assert_eq!(error.field, "body");
        assert!(error.rule.starts_with("could not be serialized as JSON"), "{}", error.rule);
    }

    #[test]
    fn debug_hides_values() {
        let json = Body::Json(br#"{"password":"hunter2"}"#.to_vec());
        assert_eq!(format!("{json:?}"), "Json(<22 bytes>)");

        let form = Body::Form(vec![("password".into(), "hunter2".into())]);
        assert_eq!(format!("{form:?}"), r#"Form(["password"])"#);

        let mut map = Map::new();
        map.insert("password".into(), Value::String("hunter2".into()));
        let named = Body::Named(map);
        assert_eq!(format!("{named:?}"), r#"Named(["password"])"#);

        let request = Request {
            operation: "create_user",
            method: Method::POST,
            path: "/users".into(),
            query: vec![],
            body: named,
            success: &[201],
            idempotent: false,
        };
        assert!(!format!("{request:?}").contains("hunter2"));
        assert_eq!(format!("{:?}", Body::Empty), "Empty");
    }
}
