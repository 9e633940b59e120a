//! Memset's XML-RPC interface: `POST <prefix>/xmlrpc[/]` with a `methodCall` whose one
//! `struct` argument holds the named parameters (or no argument), answered by the same
//! methods and account as the JSON interface and JSON-RPC.
//!
//! The call is read and the answer written by the runtime's XML-RPC codec
//! ([`cloud_sdks_runtime::xmlrpc`]), the one the `memset` client uses: a result is a
//! `methodResponse` whose members the spec types as dates are `dateTime.iso8601`; a refused
//! call is a fault whose `faultCode` is the documented error code and whose `faultString` is
//! the message the JSON interface's `error` carries, sent with HTTP 200 as XML-RPC servers do,
//! except that a missing or wrong key is answered with its documented status (401 or 403),
//! as for the JSON interface. A body that is not a `methodCall` is an
//! `ApiErrorBadParameters` fault. Besides the catalog's methods, the introspection the
//! documentation's Python example calls: `system.listMethods` and
//! `system.methodHelp("<method>")`; there is no `system.multicall` (batches are JSON-RPC's).

use cloud_sdks_runtime::xmlrpc::{self, MethodCall};
use serde_json::{Map, Value};

use super::errors::{Failure, Kind};
use super::{protocol, ReceivedCall, Sim};
use crate::server::{Incoming, Reply};

/// The content type of every answer, as Python's `xmlrpc.server` sends it.
const CONTENT_TYPE: &str = "text/xml";

/// The introspection methods served besides the catalog's.
const SYSTEM_METHODS: [&str; 2] = ["system.listMethods", "system.methodHelp"];

/// Answers one XML-RPC request, noting the call it carried in `calls`.
pub(super) fn answer(sim: &Sim, request: &Incoming, calls: &mut Vec<ReceivedCall>) -> Reply {
    if request.method != "POST" {
        let mut reply = fault(&Failure::new(
            Kind::MethodNotFound,
            format!("The XML-RPC interface takes POST, not {}", request.method),
        ));
        reply.status = 405;
        reply.headers.push(("Allow", "POST".to_owned()));
        return reply;
    }
    let MethodCall { name, params } = match xmlrpc::parse_method_call(&request.body) {
        Ok(call) => call,
        Err(error) => {
            return fault(&Failure::new(
                Kind::BadParameters,
                format!(
                    "The request is not a valid XML-RPC methodCall: {} (at byte {})",
                    error.message, error.offset
                ),
            ))
        }
    };
    let (named, positional) = match <[Value; 1]>::try_from(params) {
        Ok([Value::Object(members)]) => (members, Vec::new()),
        Ok([other]) => (Map::new(), vec![other]),
        Err(params) => (Map::new(), params),
    };
    // the key: the Basic user name, else an `api_key` in the query or among the parameters
    let mut args: Map<String, Value> =
        form_urlencoded::parse(request.query.as_deref().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
    args.extend(named.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Err(failure) =
        protocol::check_key(protocol::api_key(request, &args).as_deref(), &sim.api_key)
    {
        let mut reply = fault(&failure);
        reply.status = failure.code_and_status().1;
        return reply;
    }
    if SYSTEM_METHODS.contains(&name.as_str()) {
        calls.push(ReceivedCall { method: name.clone(), params: Value::Array(positional.clone()) });
        return match system(&name, &positional) {
            Ok(value) => response(&value, None),
            Err(failure) => fault(&failure),
        };
    }
    if !positional.is_empty() {
        return fault(&Failure::new(
            Kind::BadParameters,
            "The server only supports named parameters - not argument lists: call with one \
             struct of them",
        ));
    }
    let returns = ::memset::CATALOG.operation(&name).and_then(|op| op.returns);
    match sim.call(&name, named, calls) {
        Ok(value) => response(&value, returns),
        Err(failure) => fault(&failure),
    }
}

/// `system.listMethods()` (every method served) and `system.methodHelp(name)` (its docs).
fn system(name: &str, params: &[Value]) -> Result<Value, Failure> {
    if name == "system.listMethods" {
        let names = ::memset::CATALOG.operations.iter().map(|op| op.name).chain(SYSTEM_METHODS);
        return Ok(names.map(Value::from).collect());
    }
    let [Value::String(method)] = params else {
        return Err(Failure::new(
            Kind::BadParameters,
            "system.methodHelp takes one argument: the name of a method",
        ));
    };
    match ::memset::CATALOG.operation(method) {
        Some(op) => Ok(Value::from(op.doc)),
        None if SYSTEM_METHODS.contains(&method.as_str()) => Ok(Value::from("")),
        None => Err(Failure::new(Kind::MethodNotFound, format!("Method '{method}' not found"))),
    }
}

/// The `methodResponse` of `value`, of the spec type `returns`; a value XML-RPC cannot carry
/// (a whole number beyond 32 bits, a control character) is an `ApiErrorInternalError` fault.
fn response(value: &Value, returns: Option<&str>) -> Reply {
    match xmlrpc::encode_response(value, &::memset::CATALOG, returns) {
        Ok(text) => Reply::text(200, CONTENT_TYPE, text),
        Err(rule) => fault(&Failure::new(
            Kind::InternalError,
            format!("The answer cannot be sent over XML-RPC: a value {rule}"),
        )),
    }
}

/// The catalog method an XML-RPC request calls, if its body is a call of one (what
/// per-method fault rules match).
pub(super) fn method_of(request: &Incoming) -> Option<&'static str> {
    let call = xmlrpc::parse_method_call(&request.body).ok()?;
    ::memset::CATALOG.operation(&call.name).map(|op| op.name)
}

/// The fault of `failure`: its documented code and its message, with HTTP 200.
pub(super) fn fault(failure: &Failure) -> Reply {
    let (code, _) = failure.code_and_status();
    Reply::text(200, CONTENT_TYPE, xmlrpc::encode_fault(i32::from(code), &failure.message))
}

#[cfg(test)]
mod tests {
    use cloud_sdks_runtime::xmlrpc::{method_response, MethodResponse};

    use super::*;

    fn read(reply: &Reply) -> MethodResponse {
        let Some(Value::String(text)) = &reply.body else { panic!("no text: {reply:?}") };
        method_response(text.as_bytes()).expect("a methodResponse")
    }

    #[test]
    fn faults_carry_the_documented_code_and_the_message() {
        for (kind, code) in [
            (Kind::InternalError, "2"),
            (Kind::DoesNotExist, "3"),
            (Kind::Forbidden, "4"),
            (Kind::MethodNotFound, "5"),
            (Kind::AlreadyInProgress, "6"),
            (Kind::BadParameters, "7"),
            (Kind::NotUnique, "8"),
            (Kind::PreconditionFailed, "9"),
            (Kind::NotAuthorized, "10"),
            (Kind::Throttled, "12"),
        ] {
            let reply = fault(&Failure::new(kind, "it <went> wrong"));
            assert_eq!(reply.status, 200);
            assert_eq!(reply.headers, [("Content-Type", CONTENT_TYPE.to_owned())]);
            let MethodResponse::Fault(fault) = read(&reply) else { panic!("{kind:?}: no fault") };
            assert_eq!(fault.code.as_deref(), Some(code), "{kind:?}");
            assert_eq!(fault.message.as_deref(), Some("it <went> wrong"), "{kind:?}");
        }
    }

    #[test]
    fn introspection() {
        let Ok(Value::Array(names)) = system("system.listMethods", &[]) else { panic!() };
        assert_eq!(names.len(), ::memset::CATALOG.operations.len() + 2);
        assert!(names.contains(&Value::from("service.info")));
        let help = system("system.methodHelp", &[Value::from("service.list")]).expect("help");
        assert!(help.as_str().is_some_and(|h| !h.is_empty()), "{help}");
        let unknown = system("system.methodHelp", &[Value::from("nope")]).expect_err("unknown");
        assert_eq!(unknown.kind, Kind::MethodNotFound);
        let bad = system("system.methodHelp", &[]).expect_err("no argument");
        assert_eq!(bad.kind, Kind::BadParameters);
    }

    #[test]
    fn an_answer_xml_rpc_cannot_carry_is_an_internal_error_fault() {
        let reply = response(&serde_json::json!({"n": 1_u64 << 40}), None);
        let MethodResponse::Fault(fault) = read(&reply) else { panic!("no fault") };
        assert_eq!(fault.code.as_deref(), Some("2"));
        assert!(fault.message.is_some_and(|m| m.contains("32-bit")));
    }
}
