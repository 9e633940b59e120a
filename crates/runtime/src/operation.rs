//! An operation is data: its parameters are a generated model that implements [`Operation`],
//! and [`Operation::request`] turns it into a [`Request`] by reading the operation's
//! [catalog entry](OperationInfo), so every operation goes on the wire the same way.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog::{BodyKind, Location, OperationInfo, ParamInfo, ReadFirst};
use crate::error::{Classify, Error, InvalidArgument};
use crate::request::{Body, Request};
use crate::response::{Accepted, Response};
use crate::{encode, Provider};

/// The parameters of one operation, which know how to become a request and how to read its
/// answer. Generated for every operation; [`run`](crate::run) sends any of them.
pub trait Operation: Serialize + Send + Sync + 'static {
    /// What a successful call gives: a value, an [`Accepted`] value, a job, or `()`.
    type Output: Send + 'static;
    /// The provider's error kinds.
    type Kind: Classify + Send + 'static;

    /// The operation's catalog entry.
    fn info() -> &'static OperationInfo;

    /// What to read before sending, for a change the API wants members of the current object
    /// back in ([`ReadFirst`]); `None` for almost every operation.
    fn read_first() -> Option<&'static ReadFirst> {
        None
    }

    /// Checks the documented rules of the arguments.
    ///
    /// # Errors
    ///
    /// The first rule an argument breaks.
    fn check(&self) -> Result<(), InvalidArgument> {
        Ok(())
    }

    /// Reads a successful response.
    ///
    /// # Errors
    ///
    /// A decode error when the body does not fit the output.
    fn read(response: Response) -> Result<Self::Output, Error<Self::Kind>>;

    /// Checks the arguments and describes the request that sends them.
    ///
    /// # Errors
    ///
    /// The first rule an argument breaks, or an argument that cannot be encoded.
    fn request(&self) -> Result<Request, InvalidArgument> {
        self.check()?;
        request(Self::info(), self)
    }
}

/// The request `params` (an operation's parameter model) make for the operation `info`.
///
/// # Errors
///
/// An argument that cannot be encoded as JSON, or a path parameter that is empty, too long
/// or holds a `.`/`..` segment ([`encode::path_param`]).
pub fn request<P: Serialize + ?Sized>(
    info: &'static OperationInfo,
    params: &P,
) -> Result<Request, InvalidArgument> {
    let values = match serde_json::to_value(params) {
        Ok(Value::Object(values)) => values,
        Ok(_) => Map::new(),
        Err(error) => {
            let rule = format!("could not be serialized as JSON: {error}");
            return Err(InvalidArgument::new(info.name, "args", rule));
        }
    };
    let arguments = Arguments { info, values };
    Ok(Request {
        operation: info.name,
        method: info.method.method(),
        path: arguments.path()?,
        query: arguments.query(),
        body: arguments.body(),
        success: info.success,
        idempotent: info.idempotent,
    })
}

/// An operation's arguments as JSON, by the source's names.
struct Arguments {
    info: &'static OperationInfo,
    values: Map<String, Value>,
}

impl Arguments {
    /// What is sent for `param`: the caller's value, else its default. `null` counts as
    /// unset unless the parameter is nullable (then it clears the value).
    fn value(&self, param: &ParamInfo) -> Option<Cow<'_, Value>> {
        match self.values.get(param.name) {
            Some(Value::Null) if param.nullable => Some(Cow::Owned(Value::Null)),
            Some(Value::Null) | None => param.default.map(|d| Cow::Owned(d.to_json())),
            Some(value) => Some(Cow::Borrowed(value)),
        }
    }

    /// [`value`](Self::value), taken out rather than copied: for the body, which is built
    /// last and is the only place a parameter of the body is read.
    fn take(&mut self, param: &ParamInfo) -> Option<Value> {
        match self.values.remove(param.name) {
            Some(Value::Null) if param.nullable => Some(Value::Null),
            Some(Value::Null) | None => param.default.map(|d| d.to_json()),
            Some(value) => Some(value),
        }
    }

    fn params(&self, location: Location) -> impl Iterator<Item = &'static ParamInfo> {
        let info = self.info;
        info.params.iter().filter(move |p| p.location == location)
    }

    fn path(&self) -> Result<String, InvalidArgument> {
        let mut path = String::with_capacity(self.info.path.len() + 40);
        let mut rest = self.info.path;
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |i| open + i);
            let name = &rest[open + 1..close];
            rest = rest.get(close + 1..).unwrap_or_default();
            let param = self.info.param(name);
            let text = param.and_then(|p| self.value(p)).map(|v| text(&v)).unwrap_or_default();
            let allow_slash = param.is_some_and(|p| p.allow_slash);
            path.push_str(&encode::path_param(self.info.name, name, &text, allow_slash)?);
        }
        path.push_str(rest);
        Ok(path)
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        self.params(Location::Query)
            .filter_map(|p| Some((p.wire, text(&*self.value(p)?))))
            .collect()
    }

    fn body(mut self) -> Body {
        let info = self.info;
        let members =
            || info.params.iter().filter(|p| matches!(p.location, Location::Body | Location::Form));
        match info.body {
            BodyKind::None => Body::Empty,
            BodyKind::Form => Body::Form(
                members()
                    .filter_map(|p| Some((p.wire.to_owned(), text(&*self.value(p)?))))
                    .collect(),
            ),
            BodyKind::Named => Body::Named(
                self.params(Location::Named)
                    .filter_map(|p| Some((p.wire.to_owned(), self.take(p)?)))
                    .collect(),
            ),
            BodyKind::Json => {
                let mut body = Map::new();
                // a flattened model's members are the body's own; the other members go in after
                for param in members().filter(|p| p.flatten) {
                    if let Some(Value::Object(entries)) = self.take(param) {
                        body.extend(entries);
                    }
                }
                for param in members().filter(|p| !p.flatten) {
                    if let Some(value) = self.take(param) {
                        let path: Vec<&str> = param.wire.split('.').collect();
                        encode::insert_at(&mut body, &path, value);
                    }
                }
                Body::Json(serde_json::to_vec(&body).unwrap_or_default())
            }
        }
    }
}

/// The text of a scalar for a path, query or form: strings as they are, numbers as Rust
/// prints them (`4`, `2.5`), booleans as `true`/`false`, anything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Ways an operation's answer is read, for the generated [`Operation::read`].
pub mod answer {
    use super::*;

    /// The body decoded as `T`.
    ///
    /// # Errors
    ///
    /// A decode error when the body does not fit `T`.
    pub fn value<T: serde::de::DeserializeOwned, K>(response: Response) -> Result<T, Error<K>> {
        response.json()
    }

    /// Nothing: the body is ignored.
    ///
    /// # Errors
    ///
    /// Never; the signature matches the other readers.
    pub fn nothing<K>(response: Response) -> Result<(), Error<K>> {
        drop(response);
        Ok(())
    }

    /// The body decoded as `T`, with the provisioning request id `provider` finds in it.
    ///
    /// # Errors
    ///
    /// A decode error when the body does not fit `T`.
    pub fn accepted<T: serde::de::DeserializeOwned, K>(
        response: Response,
        provider: &Provider,
    ) -> Result<Accepted<T>, Error<K>> {
        let request_id = provider.request_id.as_ref().and_then(|s| response.request_id(s));
        Ok(Accepted::new(response.json()?, request_id))
    }

    /// Like [`accepted`], for an operation whose answer carries no value.
    ///
    /// # Errors
    ///
    /// Never; the signature matches the other readers.
    pub fn accepted_nothing<K>(
        response: Response,
        provider: &Provider,
    ) -> Result<Accepted<()>, Error<K>> {
        let request_id = provider.request_id.as_ref().and_then(|s| response.request_id(s));
        Ok(Accepted::new((), request_id))
    }

    /// A job, whose id (`id_of`) is recorded on the call's tracing span.
    ///
    /// # Errors
    ///
    /// A decode error when the body does not fit `T`.
    pub fn job<T: serde::de::DeserializeOwned, K>(
        response: Response,
        id_of: fn(&T) -> &str,
    ) -> Result<T, Error<K>> {
        let job = response.json()?;
        response.record_job_id(id_of(&job));
        Ok(job)
    }
}
