//! The dynamic entry point (`Client::call`): an operation's parameter model decoded from
//! JSON arguments, sent through the same path as a typed call, its answer given back as JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::call::CallFuture;
use crate::catalog::{OperationInfo, Type};
use crate::operation::Operation;
use crate::response::Response;
use crate::struct_de::Decode;
use crate::{Error, InvalidArgument, Transport};

/// Calls the operation `O` with `args`, a JSON object of its arguments by their source names
/// (`null` counts as none), and gives its answer as JSON.
///
/// The arguments are checked like a typed call's before anything is sent: a missing, unknown
/// or mistyped argument is an [`InvalidArgument`] on field `args`.
pub fn call<O>(transport: &Transport, args: Value) -> CallFuture<Value, O::Kind>
where
    O: Operation + DeserializeOwned,
    O::Output: Serialize,
{
    let args = one_or_many(O::info(), args);
    match self::args::<O>(O::info().name, args) {
        Ok(operation) => CallFuture::new(transport, &operation, read_json::<O>),
        Err(invalid) => CallFuture::failed(Error::InvalidArgument(invalid)),
    }
}

/// Reads `O`'s answer, then turns it into JSON (the body is freed before the JSON is built).
fn read_json<O: Operation>(response: Response) -> Result<Value, Error<O::Kind>>
where
    O::Output: Serialize,
{
    output(O::info().name, O::read(response)?)
}

/// A single value given for a list argument becomes a list of it, as typed calls take one
/// value or many ([`OneOrMany`](crate::OneOrMany)).
fn one_or_many(info: &OperationInfo, mut args: Value) -> Value {
    if let Value::Object(members) = &mut args {
        for param in info.params.iter().filter(|p| matches!(p.ty, Type::List(_))) {
            if let Some(value) = members.get_mut(param.name) {
                if !value.is_array() && !value.is_null() {
                    *value = Value::Array(vec![value.take()]);
                }
            }
        }
    }
    args
}

/// Decodes an operation's JSON arguments (`null` counts as no arguments).
///
/// # Errors
///
/// An [`InvalidArgument`] on field `args` that quotes serde's reason: a missing or unknown
/// argument, or one of the wrong type.
pub fn args<T: DeserializeOwned>(operation: &str, args: Value) -> Result<T, InvalidArgument> {
    let args = if args.is_null() { Value::Object(serde_json::Map::new()) } else { args };
    serde_json::from_value(args)
        .map_err(|error| InvalidArgument::new(operation, "args", error.to_string()))
}

/// Encodes an operation's result as JSON.
///
/// # Errors
///
/// An [`Error::Encode`] if the value cannot be represented as JSON, which the generated models
/// never cause.
pub fn output<T: Serialize, K>(operation: &'static str, value: T) -> Result<Value, Error<K>> {
    serde_json::to_value(value).map_err(|error| Error::Encode {
        operation,
        message: format!("the result could not be encoded as JSON: {error}"),
    })
}

/// The decoder of a nullable argument ([`Decode`]): a missing member stays `None` (the
/// generated struct's default), an explicit `null` becomes `Some(None)` (clear it), a value
/// `Some(Some(value))`.
pub struct Nullable;

impl<T: DeserializeOwned> Decode<Option<Option<T>>> for Nullable {
    fn decode<'de, D: serde::Deserializer<'de>>(
        &self,
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
    }
}

/// A function that decodes a response body into one type, as [`decodes`] does.
pub type Decoder = fn(&[u8]) -> Result<(), String>;

/// Decodes `body` into `T` the way [`Response::json`](crate::Response::json) decodes a
/// response, keeping only whether it worked (the error's message otherwise).
///
/// Each client crate lists one per response type in `models::RESPONSE_TYPES`, so that tests
/// can feed arbitrary bytes to every decoder of a crate.
pub fn decodes<T: DeserializeOwned>(body: &[u8]) -> Result<(), String> {
    let response =
        crate::Response::new("decode", 200, reqwest::header::HeaderMap::new(), body.to_vec());
    match response.json::<T, ()>() {
        Ok(_) => Ok(()),
        Err(Error::Decode { message, .. }) => Err(message),
        Err(other) => Err(other.to_string()),
    }
}

/// The error for an operation name the client does not have.
pub fn unknown_operation(name: &str, known: &[&str]) -> InvalidArgument {
    let close: Vec<&str> =
        known.iter().copied().filter(|k| k.contains(name) || name.contains(*k)).take(5).collect();
    let hint = if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    };
    InvalidArgument::new(
        name,
        "operation",
        format!("no operation is named '{name}' ({} known){hint}", known.len()),
    )
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Args {
        name: String,
        #[serde(default)]
        depth: Option<i64>,
    }

    #[test]
    fn args_decode_and_report_problems() {
        let ok: Args = args("op", json!({"name": "a"})).expect("valid");
        assert_eq!(ok, Args { name: "a".into(), depth: None });
        let missing = args::<Args>("op", Value::Null).expect_err("name is required");
        assert_eq!((missing.operation.as_str(), missing.field.as_str()), ("op", "args"));
        assert!(missing.rule.contains("missing field `name`"), "{}", missing.rule);
        let unknown = args::<Args>("op", json!({"name": "a", "dpth": 1})).expect_err("unknown");
        assert!(unknown.rule.contains("unknown field `dpth`"), "{}", unknown.rule);
    }

    #[test]
    fn unknown_operation_suggests_close_names() {
        let error = unknown_operation("list_datacenter", &["list_datacenters", "get_server"]);
        assert_eq!(
            error.rule,
            "no operation is named 'list_datacenter' (2 known); did you mean list_datacenters?"
        );
    }
}
