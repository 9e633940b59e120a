//! The Memset API simulator.
//!
//! Served under [`PREFIX`] (`http://127.0.0.1:<port>/v1`) with the three interfaces the `memset`
//! crate speaks, on the same methods and account:
//!
//! * **JSON over HTTP**: `GET` or `POST <prefix>/json/<method>`, optionally with the service
//!   name as one more path segment (`/json/server.info/myserver1/`). Arguments come as query
//!   or form fields (text: booleans `0`/`1`, numbers in decimal), as the `parameters` field
//!   holding a JSON object of them all (what the crate sends), or as a JSON object body.
//!   Success is HTTP 200 with the method's result as the whole body; an error is Memset's
//!   `{"error_type", "error_code", "error"}` body with the HTTP status of the documentation's
//!   Errors section.
//! * **JSON-RPC 2.0**: `POST <prefix>/jsonrpc`, named parameters only, single calls and
//!   batches of at most 100 (what the crate's `Client::batch` sends). A failed call is a
//!   JSON-RPC error object whose `code` is the documented error code, with `data.error_type`
//!   and `data.error_code`.
//! * **XML-RPC**: `POST <prefix>/xmlrpc` (what `memset::Protocol::XmlRpc` and Python's
//!   `xmlrpc.client.ServerProxy` send), one `struct` of named parameters or none. A result is a
//!   `methodResponse`, the members the spec types as dates as `dateTime.iso8601`; a failed
//!   call is a fault (HTTP 200) whose `faultCode` is the documented error code and whose
//!   `faultString` is the JSON interface's message. Also `system.listMethods` and
//!   `system.methodHelp`, which the documentation's Python example calls; no
//!   `system.multicall`.
//!
//! The API key ([`DEFAULT_API_KEY`] unless [`Builder::api_key`] says otherwise) is the HTTP
//! Basic user name, any password, or an `api_key` argument (also in the query of the
//! JSON-RPC and XML-RPC endpoints). No key answers `ApiErrorNotAuthorized` (10, HTTP 401); a
//! wrong one `ApiErrorForbidden` (4, HTTP 403), over XML-RPC as a fault with that status.
//!
//! Every method of [`memset::CATALOG`] is routed by its name; an unknown name
//! answers `ApiErrorMethodNotFound` (5, HTTP 400). Arguments are checked against the catalog
//! (required, types, allowed values, limits) and refused with `ApiErrorBadParameters` (7, HTTP
//! 400) naming each parameter (`"name: ..."`). A `name`, `storage_name` or `destination_name`
//! argument must name a service of the account (`ApiErrorDoesNotExist`); a `server.*` method
//! must be called on a server, and a `memstore.*` method or a `storage_name` must name cloud
//! storage (`ApiErrorMethodNotFound` otherwise: the method does not apply to the service).
//!
//! # Stateful
//!
//! * services: `service.info`, `service.list` (`type` and `status` filters),
//!   `service.set_nickname` (cleaned as the API does; unique, else `ApiErrorNotUnique`),
//!   `service.cancel` (the service becomes `CANCELLED`);
//! * servers: `server.info`, `server.list` (with the applied firewall rule group),
//!   `server.slave_ns_add`/`_delete`/`_list`, and monitoring: `server.monitoring.rule_*` and
//!   the policy (`get_policy`; `set_policy` changes what `server.info` shows);
//! * the create methods `create.monthly_miniserver`, `create.hourly_miniserver`,
//!   `create.monthly_fullserver` (a new server `mysrv1`, `mysrv2`, ...) and `create.memstore`
//!   (`mystore1`, ...), unless `dry_run`;
//! * DNS: `dns.zone_*`, `dns.zone_domain_*`, `dns.zone_record_*` (consistent: records and
//!   domains name existing zones, deleting a zone deletes its records and domains, a domain
//!   exists once), `dns.reload`, and `dns.reverse_map_list`/`_update` (the reverse names of
//!   the servers' addresses, as `server.info`'s `ips` show them);
//! * firewalling: every `firewalling.*` method (groups named `myaccount-fw1`, ...; Memset's
//!   public groups `managed-linux` and `managed-windows` are read-only; a group in use cannot
//!   be deleted);
//! * API keys: `apikey.*` (the simulator's own key is listed first; keys it creates are kept,
//!   but only its own key authenticates), and `partner.account.create` (accounts `myaccount1`,
//!   `myaccount2`, ..., each with a new key);
//! * jobs: every method that returns a job (`server.reboot`, `dns.reload`, `service.cancel`,
//!   `server.snapshot`, the `cluster.*` toggles, ...) starts one, also those inside answers
//!   (`create.*`, `server.upgrade`); `job.status` reports it `NEW` and not finished until its
//!   [`Builder::polls_until_done`]-th look, then `DONE` and finished, so
//!   `Client::wait_for_job` works. A job method called again on the same service while its
//!   job is unfinished answers `ApiErrorAlreadyInProgress`.
//!
//! # Answered by schema
//!
//! Every other method (`bandwidth.*`, `cluster.*` reads, `create.available` and
//! the other create methods, `internal.*`, `invoice.*`,
//! `loadbalancer.*`, `memshell.*`, `memstore.*`, `openstack.*`, the other `partner.*` methods,
//! `payment_method.*`, the other `server.*` methods, `vlan.*`, `website_firewall.*`) answers
//! HTTP 200 with a body built from the spec's model of its result: every member present with
//! a value of its type (an argument of the same name where one was given), so it decodes
//! with the crate's typed models; nothing is remembered.
//!
//! # Starting account
//!
//! The seed examples' resources: the Miniserver `myserver1` (nickname `www`, under the
//! public rule group `managed-linux`) and the cloud storage `mystorage1` of the ma-shell,
//! Python and cURL examples, and the public firewall rule groups. [`Builder::empty`] starts
//! with the public rule groups only; [`Running::reset`] goes back to the start.
//!
//! # Not simulated (yet)
//!
//! The scopes of API keys (only the simulator's own, unscoped key authenticates); the
//! rules between arguments that the spec states but the catalog does not carry (e.g. a
//! `contact_address` for e-mail monitoring alerts; the client checks those before sending).
//!
//! # Faults
//!
//! [`Running::faults`] works as for the other simulators; a rate limit is Memset's
//! `ApiErrorThrottled` (HTTP 403). Rules for one method hit its JSON-interface requests
//! (`/json/<method>`) and its XML-RPC calls, which get an XML-RPC fault with the kind's code;
//! a JSON-RPC request may carry several methods, so only rules for every request hit it.

mod apikeys;
mod dns;
mod errors;
mod firewalling;
mod jobs;
mod monitoring;
mod protocol;
mod schema;
mod services;
mod state;
mod xmlrpc;

use std::io;
use std::sync::Mutex;

use cloud_sdks_runtime::catalog::{OperationInfo, Type};
use serde_json::{Map, Value};

use self::errors::{no_service, Failure, Kind, Outcome};
use self::protocol::{Interface, MAX_BATCH};
use self::state::State;
use crate::faults::Faults;
use crate::server::{self, Handler, Incoming, Reply};
use crate::validate::{self, Arguments};

/// The path prefix the API is served under, as `https://api.memset.com/v1`.
pub const PREFIX: &str = "/v1";
/// The API key accepted unless another is set: 32 hex digits, the key of the `memset`
/// crate's own examples.
pub const DEFAULT_API_KEY: &str = "0123456789abcdef0123456789abcdef";
/// How many `job.status` looks a job takes to finish unless set otherwise.
pub const DEFAULT_POLLS_UNTIL_DONE: u32 = 2;

/// Settings of a Memset simulator, made by [`Simulator::memset`](crate::Simulator::memset).
#[derive(Debug, Clone)]
pub struct Builder {
    api_key: String,
    polls_until_done: u32,
    port: u16,
    empty: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            api_key: DEFAULT_API_KEY.to_owned(),
            polls_until_done: DEFAULT_POLLS_UNTIL_DONE,
            port: 0,
            empty: false,
        }
    }
}

impl Builder {
    /// The API key to accept.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// The `job.status` look on which a job reports finished (0: jobs are finished when
    /// they start).
    pub fn polls_until_done(mut self, polls: u32) -> Self {
        self.polls_until_done = polls;
        self
    }

    /// The port to listen on at 127.0.0.1; 0 (the default) takes any free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Starts with no services (Memset's public firewall rule groups are still there).
    pub fn empty(mut self) -> Self {
        self.empty = true;
        self
    }

    /// Starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// The listener could not be bound (the port is taken).
    pub async fn start(self) -> io::Result<Running> {
        Running::start(self.port, PREFIX, |_| {
            let faults = Faults::default();
            Sim {
                api_key: self.api_key.clone(),
                polls_until_done: self.polls_until_done,
                empty: self.empty,
                state: Mutex::new(start_state(self.empty, &self.api_key, &faults)),
                received: Mutex::new(Vec::new()),
                faults,
            }
        })
        .await
    }
}

fn start_state(empty: bool, api_key: &str, faults: &Faults) -> State {
    let mut state = State::seeded();
    state.faults = faults.clone();
    if empty {
        state.services.clear();
    }
    let mut key = apikeys::new_key(None, Some(&Value::from("the simulator's key")));
    if let Some(object) = key.as_object_mut() {
        object.insert("key".to_owned(), Value::from(api_key));
    }
    state.api_keys.push(key);
    state
}

/// A running Memset simulator; dropping it stops the server.
pub type Running = crate::running::Running<Sim>;

/// A request the simulator received, for assertions.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Received {
    /// The HTTP method, e.g. `"POST"`.
    pub method: String,
    /// The path with its query, still percent-encoded (`/v1/json/server.info`).
    pub path: String,
    /// The body as text (lossily decoded if it is not UTF-8).
    pub body: String,
    /// The status it was answered with.
    pub status: u16,
    /// The Memset method calls it carried, in order (several for a JSON-RPC batch).
    pub calls: Vec<ReceivedCall>,
}

/// One Memset method call of a request, as the simulator understood it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReceivedCall {
    /// The method's name, as sent (`server.info`).
    pub method: String,
    /// Its arguments as a JSON object, by their wire names, after plain-field text was read
    /// as the parameter's type (`"1"` → `true`); without `api_key`.
    pub params: serde_json::Value,
}

impl Running {
    /// The account's current state as JSON, for assertions: `services` (with their
    /// `server.info` members; `firewall_rule_group` by name), `dns_zones`,
    /// `dns_zone_domains`, `dns_zone_records`, `firewall_rule_groups`, `jobs`, `api_keys` and
    /// `monitoring_rules`.
    pub fn snapshot(&self) -> serde_json::Value {
        self.sim().state.lock().map(|s| s.snapshot()).unwrap_or(Value::Null)
    }

    /// The service named `name` as `service.info` shows it, if it exists.
    pub fn service(&self, name: &str) -> Option<serde_json::Value> {
        let state = self.sim().state.lock().ok()?;
        state.service(name).map(|s| schema::project(&s.value, "Service"))
    }

    /// The API key it accepts.
    pub fn api_key(&self) -> &str {
        &self.sim().api_key
    }
}

impl crate::running::Provider for Sim {
    type Client = ::memset::Client;
    type Received = Received;
}

impl crate::running::sealed::Simulated for Sim {
    fn log(&self) -> &Mutex<Vec<Received>> {
        &self.received
    }

    fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Back to the starting account.
    fn restart(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = start_state(self.empty, &self.api_key, &self.faults);
        }
    }

    fn client(&self, base_url: &str) -> ::memset::Client {
        ::memset::Client::builder(::memset::Credentials::api_key(&self.api_key))
            .base_url(base_url)
            .build()
            .expect("a loopback http base URL and a plain API key are accepted")
    }
}

// ---------------------------------------------------------------------------------------------

/// The simulator behind a [`Running`]: its settings, account and request log.
pub struct Sim {
    api_key: String,
    polls_until_done: u32,
    empty: bool,
    state: Mutex<State>,
    received: Mutex<Vec<Received>>,
    faults: Faults,
}

/// One call being answered: the method, its (checked) arguments and the account.
pub(crate) struct Call<'a> {
    pub op: &'static OperationInfo,
    pub args: &'a Map<String, Value>,
    pub state: &'a mut State,
    pub polls_until_done: u32,
}

impl Handler for Sim {
    fn handle(&self, request: &Incoming) -> Reply {
        let mut calls = Vec::new();
        let reply = self.answer(request, &mut calls);
        self.record_calls(request, reply.status, calls);
        reply
    }

    fn unreadable(&self, path: &str) -> Reply {
        let failure =
            Failure::new(Kind::BadParameters, "The request body could not be read or is too large");
        match is_xmlrpc(path) {
            true => xmlrpc::fault(&failure),
            false => failure.reply(),
        }
    }

    fn faults(&self) -> Option<&Faults> {
        Some(&self.faults)
    }

    /// The method of a JSON-interface request (`/v1/json/<method>[/<name>]`) or of an
    /// XML-RPC call; a JSON-RPC request may carry several, so only rules for every request
    /// hit it.
    fn operation(&self, request: &Incoming) -> Option<&'static str> {
        if is_xmlrpc(&request.path) {
            return xmlrpc::method_of(request);
        }
        let rest = request.path.strip_prefix("/v1/json/")?;
        let method = rest.split('/').next()?;
        ::memset::CATALOG.operation(method).map(|op| op.name)
    }

    fn fault_reply(&self, request: &Incoming, status: u16, message: &str) -> Reply {
        // Memset throttles with ApiErrorThrottled (HTTP 403), not 429
        let failure = match status {
            429 => Failure::new(Kind::Throttled, message),
            _ => Failure::new(Kind::InternalError, message),
        };
        let mut reply = match is_xmlrpc(&request.path) {
            true => xmlrpc::fault(&failure),
            false => failure.reply(),
        };
        reply.status = if status == 429 { failure.code_and_status().1 } else { status };
        reply
    }

    fn rate_limit_headers(&self, _retry_after_secs: u64) -> Vec<(&'static str, String)> {
        // the documentation names no rate-limit header
        Vec::new()
    }

    fn record(&self, request: &Incoming, status: u16) {
        self.record_calls(request, status, Vec::new());
    }
}

impl Sim {
    /// Notes a request and the calls it carried, for [`Running::received`].
    fn record_calls(&self, request: &Incoming, status: u16, calls: Vec<ReceivedCall>) {
        let path = request.path_and_query();
        server::log(
            &self.received,
            Received {
                method: request.method.clone(),
                path,
                body: String::from_utf8_lossy(&request.body).into_owned(),
                status,
                calls,
            },
        );
    }

    fn answer(&self, request: &Incoming, calls: &mut Vec<ReceivedCall>) -> Reply {
        let rest = request.path.strip_prefix(PREFIX).filter(|r| r.is_empty() || r.starts_with('/'));
        let interface = rest.map_or(Interface::Unknown, protocol::interface);
        match interface {
            Interface::Json { method, name } => {
                if request.method != "GET" && request.method != "POST" {
                    return Failure::new(
                        Kind::MethodNotFound,
                        format!("The JSON interface takes GET or POST, not {}", request.method),
                    )
                    .reply();
                }
                let mut args = match protocol::json_arguments(request) {
                    Ok(args) => args,
                    Err(failure) => return failure.reply(),
                };
                if let Err(failure) =
                    protocol::check_key(protocol::api_key(request, &args).as_deref(), &self.api_key)
                {
                    return failure.reply();
                }
                args.remove("api_key");
                if let Some(name) = name {
                    args.insert("name".to_owned(), Value::String(name));
                }
                match self.call(&method, args, calls) {
                    Ok(result) => protocol::ok(result),
                    Err(failure) => failure.reply(),
                }
            }
            Interface::JsonRpc => self.jsonrpc(request, calls),
            Interface::XmlRpc => xmlrpc::answer(self, request, calls),
            Interface::Unknown => Failure::new(
                Kind::DoesNotExist,
                format!(
                    "No API interface at '{}': the simulator serves {PREFIX}/json/<method>, {PREFIX}/jsonrpc and {PREFIX}/xmlrpc",
                    request.path
                ),
            )
            .reply(),
        }
    }

    fn jsonrpc(&self, request: &Incoming, calls: &mut Vec<ReceivedCall>) -> Reply {
        let query: Map<String, Value> =
            form_urlencoded::parse(request.query.as_deref().unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect();
        if let Err(failure) =
            protocol::check_key(protocol::api_key(request, &query).as_deref(), &self.api_key)
        {
            return failure.reply();
        }
        if request.method != "POST" {
            return protocol::ok(protocol::rpc_error(
                Value::Null,
                -32600,
                "Invalid Request: JSON-RPC requests are POSTed",
            ));
        }
        let body = match serde_json::from_slice::<Value>(&request.body) {
            Ok(body) => body,
            Err(e) => {
                return protocol::ok(protocol::rpc_error(
                    Value::Null,
                    -32700,
                    &format!("Parse error: {e}"),
                ))
            }
        };
        let (entries, batch) = match body {
            Value::Array(entries) => (entries, true),
            single => (vec![single], false),
        };
        if batch && entries.is_empty() {
            return protocol::ok(protocol::rpc_error(
                Value::Null,
                -32600,
                "Invalid Request: an empty batch",
            ));
        }
        if entries.len() > MAX_BATCH {
            return protocol::ok(protocol::rpc_error(
                Value::Null,
                -32600,
                &format!(
                    "Invalid Request: a batch of {} calls; batch mode is supported only up to {MAX_BATCH} items",
                    entries.len()
                ),
            ));
        }
        let mut answers = Vec::new();
        for entry in &entries {
            let call = match protocol::rpc_call(entry) {
                Ok(call) => call,
                Err(error) => {
                    answers.push(error);
                    continue;
                }
            };
            let outcome = self.call(&call.method, call.params, calls);
            if let Some(id) = call.id {
                answers.push(protocol::rpc_answer(id, outcome));
            }
        }
        if batch {
            if answers.is_empty() {
                return Reply { status: 200, headers: Vec::new(), body: None };
            }
            protocol::ok(Value::Array(answers))
        } else {
            match answers.pop() {
                Some(answer) => protocol::ok(answer),
                None => Reply { status: 200, headers: Vec::new(), body: None },
            }
        }
    }

    /// Carries out the method `method` with `args`, noting the call in `calls`.
    fn call(
        &self,
        method: &str,
        mut args: Map<String, Value>,
        calls: &mut Vec<ReceivedCall>,
    ) -> Outcome {
        args.remove("api_key");
        let op = ::memset::CATALOG.operation(method);
        if let Some(op) = op {
            protocol::typed(op, &mut args);
        }
        let json = Value::Object(args);
        calls.push(ReceivedCall { method: method.to_owned(), params: json.clone() });
        let Some(op) = op else {
            return Err(Failure::new(Kind::MethodNotFound, format!("Method '{method}' not found")));
        };
        let problems = validate::check(
            &::memset::CATALOG,
            op,
            &Arguments { query: &[], form: &[], json: &json },
        );
        if !problems.is_empty() {
            let messages: Vec<String> = problems
                .into_iter()
                .map(|p| {
                    let at = p.at.strip_prefix("(root).").unwrap_or(&p.at).to_owned();
                    let text = p.message.split_once("] ").map_or(p.message.as_str(), |(_, t)| t);
                    if p.missing {
                        format!("{at}: This field is required.")
                    } else {
                        format!("{at}: {text}")
                    }
                })
                .collect();
            return Err(Failure::new(Kind::BadParameters, messages.join("; ")));
        }
        let Value::Object(args) = json else { return Err(internal()) };
        let Ok(mut state) = self.state.lock() else { return Err(internal()) };
        check_services(&state, op, &args)?;
        let mut call =
            Call { op, args: &args, state: &mut state, polls_until_done: self.polls_until_done };
        if op.name == "job.status" {
            return jobs::status(call.state, call.args, call.polls_until_done);
        }
        if let Some(outcome) = services::answer(&mut call)
            .or_else(|| apikeys::answer(&mut call))
            .or_else(|| monitoring::answer(&mut call))
            .or_else(|| dns::answer(&mut call))
            .or_else(|| firewalling::answer(&mut call))
        {
            return outcome;
        }
        if op.answer == cloud_sdks_runtime::catalog::AnswerKind::Job {
            let service = args.get("name").and_then(Value::as_str).map(str::to_owned);
            return jobs::start_unique(call.state, op.name, service, self.polls_until_done);
        }
        Ok(schema::answer(&mut call))
    }
}

fn internal() -> Failure {
    Failure::new(Kind::InternalError, "Internal error - something bad happened")
}

/// The parameters that name a service of the account: `name`, `storage_name` and
/// `destination_name`, typed as service names (1-64 of `A-Za-z0-9._-`).
fn check_services(
    state: &State,
    op: &OperationInfo,
    args: &Map<String, Value>,
) -> Result<(), Failure> {
    for param in op.params {
        let is_service = matches!(param.wire, "name" | "storage_name" | "destination_name")
            && param.ty == Type::String
            && param.limits.chars == Some("A-Za-z0-9._-");
        let Some(name) = args.get(param.wire).and_then(Value::as_str) else { continue };
        if !is_service {
            continue;
        }
        let Some(service) = state.service(name) else { return Err(no_service(name)) };
        if param.wire == "name" && op.name.starts_with("server.") && !service.is_server() {
            return Err(services::not_a_server(name));
        }
        let storage = param.wire == "storage_name"
            || (param.wire == "name" && op.name.starts_with("memstore."));
        if storage && service.kind() != "cloudstorage" {
            return Err(Failure::new(
                Kind::MethodNotFound,
                format!("Method not found: '{name}' is not a Memstore (cloud storage) service"),
            ));
        }
    }
    Ok(())
}

/// Whether `path` is the XML-RPC endpoint's (`/v1/xmlrpc[/]`).
fn is_xmlrpc(path: &str) -> bool {
    let rest = path.strip_prefix(PREFIX).unwrap_or_default();
    matches!(protocol::interface(rest), Interface::XmlRpc)
}
