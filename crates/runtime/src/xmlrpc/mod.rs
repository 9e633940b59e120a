//! XML-RPC, Memset's second interface (`<base_url>/xmlrpc`), for the same typed operations
//! (feature `xmlrpc`).
//!
//! A transport built with [`TransportBuilder::xml_rpc`](crate::TransportBuilder::xml_rpc)
//! sends every call with named parameters ([`Body::Named`]) as an
//! XML-RPC `methodCall` instead of the JSON interface's form: `POST <base_url>/xmlrpc`,
//! `Content-Type: text/xml`, the method's dotted name as `methodName` and its parameters as
//! one `struct` ([`method_call`]). The `methodResponse` is turned into the JSON value the
//! JSON interface would have answered ([`method_response`]), which the typed models then
//! decode as usual; `dateTime.iso8601` becomes `YYYY-MM-DD HH:MM:SS`, the JSON interface's
//! date format. A `fault` becomes an [`Error::Api`] whose
//! [`ApiError::code`](crate::ApiError::code) is the `faultCode` and whose message is the
//! `faultString`; Memset uses the same codes for faults as for its JSON errors, so the
//! provider's [`Classify`] picks the same kind. Everything else (retries,
//! timeouts, size limits, redirects, redaction, tracing) is the transport's as for JSON.
//!
//! The server side uses the same encoding: [`parse_method_call`] reads a `methodCall`,
//! [`encode_response`] and [`encode_fault`] write the `methodResponse` (the simulator's XML-RPC
//! interface is built on them), so client and server share one implementation of the values.
//!
//! The encoder and decoder are small and hand-written (no XML library): elements, text,
//! character references, CDATA, comments and processing instructions. Nesting is bounded
//! ([`MAX_DEPTH`]), a document type declaration is refused (so no entity ever expands), and
//! any answer that is not a well-formed `methodResponse` is a [`DecodeError`] (an
//! [`Error::Decode`] keeping the status and body), never a panic; so is any request that is
//! not a well-formed `methodCall`.

mod decode;
mod encode;

use std::fmt;

use reqwest::header::HeaderValue;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::error::{ApiError, Classify, Error};
use crate::request::{Body, Request};
use crate::response::Response;
use crate::transport::Transport;

pub use encode::{encode_fault, encode_response, method_call};

/// The deepest nesting of arrays and structs encoded or decoded; anything deeper is refused.
/// Memset's answers nest four levels at most.
pub const MAX_DEPTH: usize = 64;

/// The path of the XML-RPC interface, relative to the base URL.
pub const PATH: &str = "/xmlrpc";

/// A decoded `methodResponse`.
#[derive(Debug, Clone, PartialEq)]
pub enum MethodResponse {
    /// The returned value, as JSON (`null` when the answer has no `param`).
    Value(Value),
    /// A fault.
    Fault(Fault),
}

/// An XML-RPC fault: its `faultCode` (as text) and `faultString`, when the fault has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The `faultCode`, e.g. `"3"`.
    pub code: Option<String>,
    /// The `faultString`.
    pub message: Option<String>,
}

/// A decoded `methodCall`, as a server reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall {
    /// The `methodName`, e.g. `"server.info"` (trimmed, never empty).
    pub name: String,
    /// The parameters in order, as JSON (Memset's calls have none, or one `struct` of named
    /// parameters).
    pub params: Vec<Value>,
}

/// Why a document is not a well-formed XML-RPC `methodResponse` (or `methodCall`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What was wrong.
    pub message: String,
    /// Where, as a byte offset into the answer.
    pub offset: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid XML-RPC answer: {} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for DecodeError {}

/// Reads an XML-RPC `methodResponse`: the value it returns, as JSON, or its fault.
///
/// Types become JSON as the JSON interface writes them: `string` (or a value without a type)
/// → string, `int`/`i4`/`i8` → whole number, `double` → number, `boolean` → `true`/`false`,
/// `nil` → `null`, `array` → array, `struct` → object, `dateTime.iso8601` → a string
/// `YYYY-MM-DD HH:MM:SS` (other forms, e.g. with a zone, are kept as they are), `base64` →
/// the decoded text (or the Base64 text itself when it does not decode to UTF-8).
///
/// # Errors
///
/// A [`DecodeError`] when `body` is not UTF-8, not well-formed, not a `methodResponse`,
/// holds a value that is not of its type, nests deeper than [`MAX_DEPTH`] or declares a
/// document type.
pub fn method_response(body: &[u8]) -> Result<MethodResponse, DecodeError> {
    decode::method_response(body)
}

/// Reads an XML-RPC `methodCall`: its method name and parameters, as JSON.
///
/// Values become JSON as [`method_response`] turns them (`dateTime.iso8601` → a string
/// `YYYY-MM-DD HH:MM:SS`, and so on); a call without `<params>` has no parameters.
///
/// # Errors
///
/// A [`DecodeError`] when `body` is not UTF-8, not well-formed, not a `methodCall` with a
/// non-empty `methodName`, holds a value that is not of its type, nests deeper than
/// [`MAX_DEPTH`] or declares a document type. Its `Display` speaks of an answer; a server
/// words its own message from [`DecodeError::message`] and [`DecodeError::offset`].
pub fn parse_method_call(body: &[u8]) -> Result<MethodCall, DecodeError> {
    decode::method_call(body)
}

/// Sends `request` (named parameters) as an XML-RPC call through `transport` and turns the
/// answer into the JSON the operation reads.
pub(crate) async fn send<K: Classify>(
    transport: &Transport,
    catalog: &'static Catalog,
    request: Request,
) -> Result<Response, Error<K>> {
    let Request { operation, body, success, idempotent, .. } = request;
    let Body::Named(params) = body else {
        return Err(Error::Config(crate::ConfigError::new(
            "only calls with named parameters can be sent over XML-RPC",
        )));
    };
    let info = catalog.operation(operation);
    let xml = method_call(operation, &params, info).map_err(Error::InvalidArgument)?;
    let sent = transport
        .send_bytes::<K>(
            operation,
            PATH,
            xml.into_bytes(),
            HeaderValue::from_static("text/xml"),
            success,
            idempotent,
        )
        .await;
    let mut response = match sent {
        Ok(response) => response,
        // a fault sent with an error status: its code and message classify it
        Err(Error::Api { mut error, .. }) => {
            if let Ok(MethodResponse::Fault(fault)) = method_response(error.body.as_bytes()) {
                error.code = fault.code;
                error.message = fault.message;
            }
            return Err(Error::Api { kind: K::classify(&error), error });
        }
        Err(other) => return Err(other),
    };
    let redactor = response.redactor().clone();
    match method_response(&response.body) {
        Ok(MethodResponse::Value(value)) => {
            response.body = serde_json::to_vec(&value).unwrap_or_default();
            Ok(response)
        }
        Ok(MethodResponse::Fault(fault)) => {
            let headers = response
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let mut error = ApiError::from_body(
                operation,
                response.status,
                headers,
                std::mem::take(&mut response.body),
                &crate::ErrorModel::default(),
            );
            error.code = fault.code;
            error.message = fault.message;
            error.attempts = response.attempts;
            error.redact(&redactor);
            Err(Error::Api { kind: K::classify(&error), error: Box::new(error) })
        }
        Err(decode) => Err(Error::Decode {
            operation,
            status: response.status,
            body: redactor.scrub(&String::from_utf8_lossy(&response.body)).into_owned(),
            message: redactor.scrub(&decode.to_string()).into_owned(),
        }),
    }
}
