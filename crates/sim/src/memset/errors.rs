//! Memset's errors: the `ApiError*` kinds of the documentation's Errors section, each with its
//! error code and HTTP status, in the JSON interface's shape, as JSON-RPC error objects and
//! as XML-RPC faults.

use serde_json::{json, Value};

use crate::server::Reply;

/// An error kind of the Errors section (those the simulator raises).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `ApiErrorInternalError`, code 2, HTTP 500.
    InternalError,
    /// `ApiErrorDoesNotExist`, code 3, HTTP 404.
    DoesNotExist,
    /// `ApiErrorForbidden`, code 4, HTTP 403.
    Forbidden,
    /// `ApiErrorMethodNotFound`, code 5, HTTP 400.
    MethodNotFound,
    /// `ApiErrorAlreadyInProgress`, code 6, HTTP 400.
    AlreadyInProgress,
    /// `ApiErrorBadParameters`, code 7, HTTP 400.
    BadParameters,
    /// `ApiErrorNotUnique`, code 8, HTTP 400.
    NotUnique,
    /// `ApiErrorPreconditionFailed`, code 9, HTTP 412.
    PreconditionFailed,
    /// `ApiErrorNotAuthorized`, code 10, HTTP 401.
    NotAuthorized,
    /// `ApiErrorThrottled`, code 12, HTTP 403: answered only as an injected fault.
    Throttled,
}

impl Kind {
    /// `(error_type, error_code, HTTP status)` as the Errors section gives them.
    fn facts(self) -> (&'static str, u16, u16) {
        match self {
            Kind::InternalError => ("ApiErrorInternalError", 2, 500),
            Kind::DoesNotExist => ("ApiErrorDoesNotExist", 3, 404),
            Kind::Forbidden => ("ApiErrorForbidden", 4, 403),
            Kind::MethodNotFound => ("ApiErrorMethodNotFound", 5, 400),
            Kind::AlreadyInProgress => ("ApiErrorAlreadyInProgress", 6, 400),
            Kind::BadParameters => ("ApiErrorBadParameters", 7, 400),
            Kind::NotUnique => ("ApiErrorNotUnique", 8, 400),
            Kind::PreconditionFailed => ("ApiErrorPreconditionFailed", 9, 412),
            Kind::NotAuthorized => ("ApiErrorNotAuthorized", 10, 401),
            Kind::Throttled => ("ApiErrorThrottled", 12, 403),
        }
    }
}

/// A refused call: its kind and the API's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub kind: Kind,
    pub message: String,
}

/// What a call answers: its result, or why it was refused.
pub(crate) type Outcome = Result<Value, Failure>;

impl Failure {
    /// A failure of `kind` saying `message`.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Failure { kind, message: message.into() }
    }

    /// The JSON interface's error body:
    /// `{"error_type": "ApiErrorDoesNotExist", "error_code": 3, "error": "..."}`.
    pub fn body(&self) -> Value {
        let (error_type, code, _) = self.kind.facts();
        json!({"error_type": error_type, "error_code": code, "error": self.message})
    }

    /// The documented error code (the XML-RPC `faultCode`) and HTTP status.
    pub fn code_and_status(&self) -> (u16, u16) {
        let (_, code, status) = self.kind.facts();
        (code, status)
    }

    /// The JSON interface's answer: the error body with the documented HTTP status.
    pub fn reply(&self) -> Reply {
        let (_, _, status) = self.kind.facts();
        Reply { status, headers: Vec::new(), body: Some(self.body()) }
    }

    /// A JSON-RPC 2.0 error object: the documented error code as `code`, the message, and the
    /// error type and code again under `data` (the documentation maps JSON-RPC errors to the
    /// same table without showing the object).
    pub fn jsonrpc(&self) -> Value {
        let (error_type, code, _) = self.kind.facts();
        json!({"code": code, "message": self.message,
            "data": {"error_type": error_type, "error_code": code}})
    }
}

/// `ApiErrorDoesNotExist` for the service `name`, worded as the API words it.
pub(crate) fn no_service(name: &str) -> Failure {
    Failure::new(Kind::DoesNotExist, format!("Couldn't find service with name '{name}'"))
}
