//! The ProfitBricks Cloud API v3 simulator.
//!
//! Served under [`PREFIX`] with HTTP Basic credentials ([`DEFAULT_USERNAME`] /
//! [`DEFAULT_PASSWORD`] unless [`Builder::credentials`] says otherwise). Every operation of
//! [`profitbricks::CATALOG`] is routed by method and path template, and
//! its query, form and JSON body are checked against the catalog before anything changes.
//!
//! Stateful: data centers and, inside them, servers, volumes, LANs and load balancers; NICs of
//! servers and firewall rules of NICs; IP blocks; server start/stop/reboot; provisioning request
//! status; volumes and CD-ROMs attached to servers (also volumes created or attached with a new
//! server) and NICs behind load balancers; snapshots (made from and restored onto volumes); the
//! provisioning requests themselves (list, and details with the method, URL and body that
//! started them). Locations and images are a fixed read-only set. Every operation of the
//! catalog is simulated; one the catalog gains later is routed and checked at once and,
//! until the simulator keeps it in state, answered with a schema-valid sample of its declared
//! answer model: 202 with a provisioning request for a change the API
//! carries out in the background, else the operation's success status.
//!
//! Every change answers 202 with `Location: <base>/requests/<uuid>/status`; the changed
//! resources are `BUSY` until the request is `DONE`, which it is on the
//! [`Builder::polls_until_done`]-th look at its status (QUEUED on the first look, RUNNING
//! after). Deletions take effect at once.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use cloud_sdks_runtime::catalog::{AnswerKind, BodyKind, OperationInfo, Verb};
use serde_json::{json, Map, Value};

use crate::faults::Faults;
use crate::route;
use crate::schema::Samples;
use crate::server::{self, Handler, Incoming, Reply};
use crate::util::{hex32, now, uuid};
use crate::validate::{self, Arguments};

/// The path prefix the API is served under.
pub const PREFIX: &str = "/cloudapi/v3";
/// The user name accepted unless another is set.
pub const DEFAULT_USERNAME: &str = "sim-user";
/// The password accepted unless another is set.
pub const DEFAULT_PASSWORD: &str = "sim-password";
/// How many status polls a provisioning request takes unless set otherwise.
pub const DEFAULT_POLLS_UNTIL_DONE: u32 = 2;

/// Settings of a ProfitBricks simulator, made by [`Simulator::profitbricks`](crate::Simulator::profitbricks).
#[derive(Debug, Clone)]
pub struct Builder {
    username: String,
    password: String,
    polls_until_done: u32,
    done_after: Option<Duration>,
    port: u16,
    empty: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            username: DEFAULT_USERNAME.to_owned(),
            password: DEFAULT_PASSWORD.to_owned(),
            polls_until_done: DEFAULT_POLLS_UNTIL_DONE,
            done_after: None,
            port: 0,
            empty: false,
        }
    }
}

impl Builder {
    /// The Basic credentials to accept.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = username.into();
        self.password = password.into();
        self
    }

    /// The status poll on which a provisioning request reports `DONE` (0 and 1: the first).
    pub fn polls_until_done(mut self, polls: u32) -> Self {
        self.polls_until_done = polls;
        self
    }

    /// Also make a provisioning request `DONE` once `time` has passed since it was accepted,
    /// whether or not anyone looked at its status (the resources it changes become
    /// `AVAILABLE` then too). Without it, only status polls move requests on.
    pub fn done_after(mut self, time: Duration) -> Self {
        self.done_after = Some(time);
        self
    }

    /// Starts with an empty account: no public images either (the locations, which are the
    /// API's own, stay).
    pub fn empty(mut self) -> Self {
        self.empty = true;
        self
    }

    /// The port to listen on at 127.0.0.1; 0 (the default) takes any free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The simulator these settings make, served at `base_url`.
    fn sim(&self, base_url: &str) -> Sim {
        Sim {
            base_url: base_url.to_owned(),
            username: self.username.clone(),
            password: self.password.clone(),
            expected_auth: format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{}:{}", self.username, self.password))
            ),
            polls_until_done: self.polls_until_done,
            done_after: self.done_after,
            state: Mutex::new(State::default()),
            received: Mutex::new(Vec::new()),
            faults: Faults::default(),
            images: if self.empty { &[] } else { IMAGES },
        }
    }

    /// Starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// The listener could not be bound (the port is taken).
    pub async fn start(self) -> io::Result<Running> {
        Running::start(self.port, PREFIX, |base_url| self.sim(base_url)).await
    }
}

/// A running ProfitBricks simulator; dropping it stops the server.
pub type Running = crate::running::Running<Sim>;

/// A request the simulator received, for assertions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Received {
    /// The HTTP method, e.g. `"POST"`.
    pub method: String,
    /// The path with its query, still percent-encoded (`/cloudapi/v3/datacenters?depth=1`).
    pub path: String,
    /// The body as text (lossily decoded if it is not UTF-8).
    pub body: String,
    /// The status it was answered with (0: the connection was dropped by an injected fault).
    pub status: u16,
}

impl Running {
    /// The resource at `path` below the prefix (`/datacenters/<id>`) as the API would show it
    /// at depth 1, if it exists: the current state, for assertions.
    pub fn resource(&self, path: &str) -> Option<serde_json::Value> {
        let sim = self.sim();
        let state = sim.state.lock().ok()?;
        state.nodes.contains_key(path).then(|| sim.render(&state, path, 1))
    }
}

impl crate::running::Provider for Sim {
    type Client = ::profitbricks::Client;
    type Received = Received;
}

impl crate::running::sealed::Simulated for Sim {
    fn log(&self) -> &Mutex<Vec<Received>> {
        &self.received
    }

    fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Forgets every resource and request.
    fn restart(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = State::default();
        }
    }

    fn client(&self, base_url: &str) -> ::profitbricks::Client {
        ::profitbricks::Client::builder(::profitbricks::Credentials::basic(
            &self.username,
            &self.password,
        ))
        .base_url(base_url)
        .build()
        .expect("a loopback http base URL is accepted")
    }
}

// ---------------------------------------------------------------------------------------------

/// Error codes: 309 (not found) and 315 (unauthorized), 100 and 109 (validation) are the API's
/// own (see the wire reference); the API's codes for 405 and unreadable bodies were never
/// observed, so these are the simulator's.
const CODE_NOT_FOUND: &str = "309";
const CODE_UNAUTHORIZED: &str = "315";
const CODE_REQUIRED: &str = "100";
const CODE_NOT_ALLOWED: &str = "109";
const CODE_METHOD: &str = "305";

/// `(parent collection, collection, type)`: the collections kept in state. The parent is the
/// collection segment before the parent's id in the path ("" for the top level).
const STATEFUL: &[(&str, &str, &str)] = &[
    ("", "datacenters", "datacenter"),
    ("datacenters", "servers", "server"),
    ("datacenters", "volumes", "volume"),
    ("datacenters", "lans", "lan"),
    ("datacenters", "loadbalancers", "loadbalancer"),
    ("servers", "nics", "nic"),
    ("nics", "firewallrules", "firewall-rule"),
    ("", "ipblocks", "ipblock"),
    ("", "snapshots", "snapshot"),
];

/// The child collections shown under `entities`, per collection of the resource.
const ENTITIES: &[(&str, &[&str])] = &[
    ("datacenters", &["servers", "volumes", "lans", "loadbalancers"]),
    ("servers", &["cdroms", "volumes", "nics"]),
    ("nics", &["firewallrules"]),
    ("loadbalancers", &["balancednics"]),
    ("lans", &["nics"]),
];

const LOCATIONS: &[(&str, &str)] = &[
    ("de/fra", "Frankfurt am Main"),
    ("de/fkb", "Karlsruhe"),
    ("us/las", "Las Vegas"),
    ("us/ewr", "Newark"),
];

const IMAGES: &[ImageRow] = &[
    ("7f2e5c9a-2d57-4f3c-9d7a-0c3b6f1e2a01", "Ubuntu-16.04-LTS-server-2017-01-01", "HDD", "LINUX"),
    ("7f2e5c9a-2d57-4f3c-9d7a-0c3b6f1e2a02", "CentOS-7-server-2017-01-01", "HDD", "LINUX"),
    ("7f2e5c9a-2d57-4f3c-9d7a-0c3b6f1e2a03", "ubuntu-16.04.1-server-amd64.iso", "CDROM", "LINUX"),
];

/// The simulator behind a [`Running`]: its settings, state and request log.
pub struct Sim {
    base_url: String,
    username: String,
    password: String,
    expected_auth: String,
    polls_until_done: u32,
    done_after: Option<Duration>,
    state: Mutex<State>,
    received: Mutex<Vec<Received>>,
    faults: Faults,
    /// The public images: [`IMAGES`], or none for an empty account.
    images: &'static [ImageRow],
}

/// `(id, name, image type, licence type)` of a public image.
type ImageRow = (&'static str, &'static str, &'static str, &'static str);

#[derive(Default)]
struct State {
    /// Resources by path below the prefix (`/datacenters/<id>/servers/<id>`).
    nodes: BTreeMap<String, Node>,
    requests: HashMap<String, Provisioning>,
    /// Attachments by path (`/datacenters/<id>/servers/<id>/volumes/<id>`): their order and
    /// what they point at, a resource path or `image:<id>`.
    attachments: BTreeMap<String, (u64, String)>,
    /// The request being answered, for the provisioning request it may start.
    current: Recorded,
    seq: u64,
}

/// What can be attached to what.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Attachable {
    /// A data center's volume to a server.
    Volume,
    /// A CD-ROM image to a server.
    Cdrom,
    /// A server's NIC to a load balancer.
    BalancedNic,
}

/// `(parent collection, collection, what)`: the collections of attachments.
const ATTACHMENTS: &[(&str, &str, Attachable)] = &[
    ("servers", "volumes", Attachable::Volume),
    ("servers", "cdroms", Attachable::Cdrom),
    ("loadbalancers", "balancednics", Attachable::BalancedNic),
];

struct Node {
    seq: u64,
    /// The envelope without `entities`.
    value: Value,
}

/// The HTTP request that started a provisioning request, as `GET /requests/{id}` shows it.
#[derive(Clone, Default)]
struct Recorded {
    /// The operation, as the catalog names it.
    operation: &'static str,
    method: String,
    url: String,
    body: String,
    date: String,
}

struct Provisioning {
    seq: u64,
    accepted: Instant,
    /// What started it.
    recorded: Recorded,
    looks: u32,
    done: bool,
    /// Why it fails when it is over, if an injected fault says it does.
    fails: Option<String>,
    /// Resource paths to make AVAILABLE when done.
    targets: Vec<String>,
    /// `{id, type, href}` of each target.
    refs: Vec<Value>,
}

/// What a matched route does.
enum Action {
    List {
        collection: String,
    },
    Create {
        collection: String,
        kind: &'static str,
    },
    Get {
        key: String,
    },
    Update {
        key: String,
        replace: bool,
    },
    Delete {
        key: String,
    },
    ServerPower {
        key: String,
        vm_state: &'static str,
    },
    RequestStatus {
        id: String,
    },
    Locations,
    Location {
        id: String,
    },
    Images,
    Image {
        id: String,
    },
    Attachments {
        collection: String,
    },
    CreateSnapshot {
        volume: String,
    },
    RestoreSnapshot {
        volume: String,
    },
    Requests,
    Request {
        id: String,
    },
    Attach {
        collection: String,
        what: Attachable,
    },
    Attached {
        key: String,
    },
    Detach {
        key: String,
    },
    /// Not kept in state: answered with a sample of the declared answer.
    Unmodelled,
}

fn error(status: u16, code: &str, message: &str) -> Reply {
    errors(status, &[(code.to_owned(), message.to_owned())])
}

fn errors(status: u16, messages: &[(String, String)]) -> Reply {
    let messages: Vec<Value> = messages
        .iter()
        .map(|(code, message)| json!({"errorCode": code, "message": message}))
        .collect();
    Reply {
        status,
        headers: Vec::new(),
        body: Some(json!({"httpStatus": status, "messages": messages})),
    }
}

fn not_found() -> Reply {
    error(404, CODE_NOT_FOUND, "Resource does not exist")
}

/// The resource a request names: the template of `op` with its path parameters filled in
/// (`/datacenters/<id>/servers`).
fn key_of(op: &OperationInfo, params: &route::PathParams) -> String {
    let mut key = String::new();
    for part in op.path.split('/').filter(|s| !s.is_empty()) {
        key.push('/');
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                key.push_str(params.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v))
            }
            None => key.push_str(part),
        }
    }
    key
}

/// The route of `op` for the concrete path parameters `params`.
fn action(op: &OperationInfo, params: &route::PathParams) -> Action {
    let key = key_of(op, params);
    let param = |name: &str| {
        params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    match (op.method, op.path) {
        (Verb::Get, "/requests/{request_id}/status") => {
            return Action::RequestStatus { id: param("request_id") }
        }
        (Verb::Get, "/locations") => return Action::Locations,
        (Verb::Get, "/requests") => return Action::Requests,
        (Verb::Get, "/requests/{request_id}") => {
            return Action::Request { id: param("request_id") }
        }
        (Verb::Post, "/datacenters/{datacenter_id}/volumes/{volume_id}/create-snapshot") => {
            return Action::CreateSnapshot { volume: parent_of(&key).to_owned() }
        }
        (Verb::Post, "/datacenters/{datacenter_id}/volumes/{volume_id}/restore-snapshot") => {
            return Action::RestoreSnapshot { volume: parent_of(&key).to_owned() }
        }
        (Verb::Get, "/locations/{location_id}") => {
            return Action::Location { id: param("location_id") }
        }
        (Verb::Get, "/images") => return Action::Images,
        (Verb::Get, "/images/{image_id}") => return Action::Image { id: param("image_id") },
        _ => {}
    }
    if let Some(power) = op.path.strip_prefix("/datacenters/{datacenter_id}/servers/{server_id}/") {
        let server = parent_of(&key).to_owned();
        match (op.method, power) {
            (Verb::Post, "start" | "reboot") => {
                return Action::ServerPower { key: server, vm_state: "RUNNING" }
            }
            (Verb::Post, "stop") => {
                return Action::ServerPower { key: server, vm_state: "SHUTOFF" }
            }
            _ => {}
        }
    }
    // Alternating collection/id templates whose collections are all kept in state.
    let parts: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
    if parts.len() >= 5
        && parts[0] == "datacenters"
        && parts[4].chars().all(|c| c.is_ascii_lowercase())
    {
        if let Some((_, _, what)) =
            ATTACHMENTS.iter().find(|(p, c, _)| *p == parts[2] && *c == parts[4])
        {
            return match (parts.len(), op.method) {
                (5, Verb::Get) => Action::Attachments { collection: key },
                (5, Verb::Post) => Action::Attach { collection: key, what: *what },
                (6, Verb::Get) => Action::Attached { key },
                (6, Verb::Delete) => Action::Detach { key },
                _ => Action::Unmodelled,
            };
        }
    }
    let mut parent = "";
    let mut kind = None;
    for (n, part) in parts.iter().enumerate() {
        let is_param = part.starts_with('{');
        if n % 2 == 1 {
            if !is_param {
                return Action::Unmodelled;
            }
            continue;
        }
        if is_param {
            return Action::Unmodelled;
        }
        let Some((_, _, k)) = STATEFUL.iter().find(|(p, c, _)| *p == parent && c == part) else {
            return Action::Unmodelled;
        };
        kind = Some(*k);
        parent = part;
    }
    let Some(kind) = kind else { return Action::Unmodelled };
    let on_collection = parts.len() % 2 == 1;
    match (on_collection, op.method) {
        (true, Verb::Get) => Action::List { collection: key },
        (true, Verb::Post) => Action::Create { collection: key, kind },
        (false, Verb::Get) => Action::Get { key },
        (false, Verb::Patch) => Action::Update { key, replace: false },
        (false, Verb::Put) => Action::Update { key, replace: true },
        (false, Verb::Delete) => Action::Delete { key },
        _ => Action::Unmodelled,
    }
}

impl Handler for Sim {
    fn handle(&self, request: &Incoming) -> Reply {
        let reply = self.answer(request);
        self.record(request, reply.status);
        reply
    }

    fn unreadable(&self, _path: &str) -> Reply {
        error(422, CODE_REQUIRED, "[(root)] The request body could not be read or is too large")
    }

    fn faults(&self) -> Option<&Faults> {
        Some(&self.faults)
    }

    fn operation(&self, request: &Incoming) -> Option<&'static str> {
        let rest = request.path.strip_prefix(PREFIX)?;
        let (op, _) = route::operation(&::profitbricks::CATALOG, &request.method, rest).ok()?;
        Some(op.name)
    }

    fn fault_reply(&self, _request: &Incoming, status: u16, message: &str) -> Reply {
        // the API's codes for these were never observed: the status stands in for one
        error(status, &status.to_string(), message)
    }

    fn rate_limit_headers(&self, retry_after_secs: u64) -> Vec<(&'static str, String)> {
        // the API's headers (the wire reference) carry no reset time, only the budget per
        // minute: one request is free again after 60 / limit seconds
        let limit = (60 / retry_after_secs.max(1)).max(1);
        vec![
            ("X-RateLimit-Remaining", "0".to_owned()),
            ("X-RateLimit-Limit", limit.to_string()),
            ("X-RateLimit-Burst", limit.to_string()),
        ]
    }

    fn record(&self, request: &Incoming, status: u16) {
        let path = request.path_and_query();
        server::log(
            &self.received,
            Received {
                method: request.method.clone(),
                path,
                body: String::from_utf8_lossy(&request.body).into_owned(),
                status,
            },
        );
    }
}

impl Sim {
    fn answer(&self, request: &Incoming) -> Reply {
        let Some(rest) =
            request.path.strip_prefix(PREFIX).filter(|r| r.is_empty() || r.starts_with('/'))
        else {
            return not_found();
        };
        if request.authorization.as_deref() != Some(self.expected_auth.as_str()) {
            let mut reply = error(401, CODE_UNAUTHORIZED, "Unauthorized");
            reply.headers.push(("WWW-Authenticate", "Basic realm=\"Cloud API\"".to_owned()));
            return reply;
        }
        let (op, params) = match route::operation(&::profitbricks::CATALOG, &request.method, rest) {
            Ok(found) => found,
            Err(route::Unrouted::MethodNotAllowed(allowed)) => {
                let mut reply = error(
                    405,
                    CODE_METHOD,
                    &format!("Method {} not allowed on this resource", request.method),
                );
                reply.headers.push(("Allow", allowed.join(", ")));
                return reply;
            }
            Err(_) => return not_found(),
        };
        let query: Vec<(String, String)> =
            form_urlencoded::parse(request.query.as_deref().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let (form, json) = match op.body {
            BodyKind::Form | BodyKind::Named => {
                (form_urlencoded::parse(&request.body).into_owned().collect(), Value::Null)
            }
            BodyKind::Json if !request.body.iter().all(u8::is_ascii_whitespace) => {
                match serde_json::from_slice::<Value>(&request.body) {
                    Ok(value) => (Vec::new(), value),
                    Err(e) => {
                        return error(422, CODE_REQUIRED, &format!("[(root)] Malformed JSON: {e}"))
                    }
                }
            }
            _ => (Vec::new(), Value::Null),
        };
        let problems = validate::check(
            &::profitbricks::CATALOG,
            op,
            &Arguments { query: &query, form: &form, json: &json },
        );
        if !problems.is_empty() {
            let messages: Vec<(String, String)> = problems
                .into_iter()
                .map(|p| {
                    (
                        (if p.missing { CODE_REQUIRED } else { CODE_NOT_ALLOWED }).to_owned(),
                        p.message,
                    )
                })
                .collect();
            return errors(422, &messages);
        }
        let depth = query
            .iter()
            .find(|(k, _)| k == "depth")
            .and_then(|(_, v)| v.parse::<u32>().ok())
            .unwrap_or(1)
            .min(10);
        let Ok(mut state) = self.state.lock() else {
            return error(
                500,
                "301",
                "Oops! Something went very wrong. Please contact the administrator",
            );
        };
        if let Some(time) = self.done_after {
            let due: Vec<String> = state
                .requests
                .iter()
                .filter(|(_, r)| !r.done && r.accepted.elapsed() >= time)
                .map(|(id, _)| id.clone())
                .collect();
            for id in due {
                finish(&mut state, &id);
            }
        }
        state.current = Recorded {
            operation: op.name,
            method: request.method.clone(),
            url: format!("{}{}", self.base_url, rest),
            body: String::from_utf8_lossy(&request.body).into_owned(),
            date: now(),
        };
        // Form fields are handed on as the members of a JSON object.
        let json = if form.is_empty() {
            json
        } else {
            Value::Object(form.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
        };
        self.act(&mut state, action(op, &params), &json, depth, op)
    }

    fn href(&self, key: &str) -> String {
        format!("{}{key}", self.base_url)
    }

    fn act(
        &self,
        state: &mut State,
        action: Action,
        body: &Value,
        depth: u32,
        op: &OperationInfo,
    ) -> Reply {
        match action {
            Action::List { collection } => {
                let parent = parent_of(&collection);
                if !parent.is_empty() && !state.nodes.contains_key(parent) {
                    return not_found();
                }
                ok(self.collection(state, &collection, depth))
            }
            Action::Get { key } => match state.nodes.get(&key) {
                Some(_) => ok(self.render(state, &key, depth)),
                None => not_found(),
            },
            Action::Create { collection, kind } => {
                let parent = parent_of(&collection);
                if !parent.is_empty() && !state.nodes.contains_key(parent) {
                    return not_found();
                }
                let problems = rules(kind, body, "(root)");
                if !problems.is_empty() {
                    return errors(422, &problems);
                }
                let mut created = Vec::new();
                let key = self.create(state, &collection, kind, body, &mut created);
                let reply = self.render(state, &key, 1);
                self.accepted(state, created, Some(reply))
            }
            Action::Update { key, replace } => {
                let date = now();
                let Some(node) = state.nodes.get_mut(&key) else { return not_found() };
                let patch = if replace {
                    body.get("properties").cloned().unwrap_or(Value::Null)
                } else {
                    body.clone()
                };
                if let (Some(properties), Value::Object(patch)) =
                    (node.value.get_mut("properties").and_then(Value::as_object_mut), patch)
                {
                    for (k, v) in patch {
                        properties.insert(k, v);
                    }
                }
                touch(&mut node.value, &self.username, &date, "BUSY");
                let reply = self.render(state, &key, 1);
                self.accepted(state, vec![key], Some(reply))
            }
            Action::Delete { key } => {
                let Some(node) = state.nodes.remove(&key) else { return not_found() };
                let inside = format!("{key}/");
                state.nodes.retain(|k, _| !k.starts_with(&inside));
                state.attachments.retain(|k, (_, target)| {
                    !k.starts_with(&inside) && target != &key && !target.starts_with(&inside)
                });
                let reference = reference(&node.value);
                let mut reply = self.accepted(state, Vec::new(), None);
                if let Some(id) = reply.headers.first().and_then(|(_, l)| request_id_of(l)) {
                    if let Some(request) = state.requests.get_mut(&id) {
                        request.refs.push(reference);
                    }
                }
                reply.body = None;
                reply
            }
            Action::ServerPower { key, vm_state } => {
                let date = now();
                let Some(node) = state.nodes.get_mut(&key) else { return not_found() };
                if let Some(properties) =
                    node.value.get_mut("properties").and_then(Value::as_object_mut)
                {
                    properties.insert("vmState".to_owned(), Value::from(vm_state));
                }
                touch(&mut node.value, &self.username, &date, "BUSY");
                let mut reply = self.accepted(state, vec![key], None);
                reply.body = None;
                reply
            }
            Action::RequestStatus { id } => self.request_status(state, &id),
            Action::Locations => {
                let items: Vec<Value> =
                    LOCATIONS.iter().map(|(id, name)| self.location(id, name, depth)).collect();
                ok(
                    json!({"id": "locations", "type": "collection", "href": self.href("/locations"), "items": items}),
                )
            }
            Action::Location { id } => match LOCATIONS.iter().find(|(l, _)| *l == id) {
                Some((id, name)) => ok(self.location(id, name, depth.max(1))),
                None => not_found(),
            },
            Action::Images => {
                let items: Vec<Value> =
                    self.images.iter().map(|image| self.image(image, depth)).collect();
                ok(
                    json!({"id": "images", "type": "collection", "href": self.href("/images"), "items": items}),
                )
            }
            Action::Image { id } => match self.images.iter().find(|(i, ..)| *i == id) {
                Some(image) => ok(self.image(image, depth.max(1))),
                None => not_found(),
            },
            Action::CreateSnapshot { volume } => {
                let Some(node) = state.nodes.get(&volume) else { return not_found() };
                let source = node.value.get("properties").cloned().unwrap_or(Value::Null);
                let location = state
                    .nodes
                    .get(parent_of(parent_of(&volume)))
                    .and_then(|dc| dc.value.pointer("/properties/location"))
                    .cloned()
                    .unwrap_or(Value::Null);
                let mut properties = Map::new();
                properties
                    .insert("name".to_owned(), body.get("name").cloned().unwrap_or(Value::Null));
                properties.insert(
                    "description".to_owned(),
                    body.get("description").cloned().unwrap_or(Value::Null),
                );
                properties.insert("location".to_owned(), location);
                for member in [
                    "size",
                    "licenceType",
                    "cpuHotPlug",
                    "cpuHotUnplug",
                    "ramHotPlug",
                    "ramHotUnplug",
                    "nicHotPlug",
                    "nicHotUnplug",
                    "discVirtioHotPlug",
                    "discVirtioHotUnplug",
                    "discScsiHotPlug",
                    "discScsiHotUnplug",
                ] {
                    properties.insert(
                        member.to_owned(),
                        source.get(member).cloned().unwrap_or(Value::Null),
                    );
                }
                let mut created = Vec::new();
                let key = self.create(
                    state,
                    "/snapshots",
                    "snapshot",
                    &json!({"properties": properties}),
                    &mut created,
                );
                let reply = self.render(state, &key, 1);
                self.accepted(state, created, Some(reply))
            }
            Action::RestoreSnapshot { volume } => {
                let snapshot = body.get("snapshotId").and_then(Value::as_str).unwrap_or_default();
                if !state.nodes.contains_key(&volume)
                    || !state.nodes.contains_key(&format!("/snapshots/{snapshot}"))
                {
                    return not_found();
                }
                let date = now();
                if let Some(node) = state.nodes.get_mut(&volume) {
                    touch(&mut node.value, &self.username, &date, "BUSY");
                }
                let mut reply = self.accepted(state, vec![volume], None);
                reply.body = None;
                reply
            }
            Action::Requests => {
                let mut requests: Vec<(&String, &Provisioning)> = state.requests.iter().collect();
                requests.sort_by_key(|(_, r)| r.seq);
                let items: Vec<Value> =
                    requests.into_iter().map(|(id, r)| self.request(id, r, depth)).collect();
                ok(
                    json!({"id": "requests", "type": "collection", "href": self.href("/requests"), "items": items}),
                )
            }
            Action::Request { id } => match state.requests.get(&id) {
                Some(request) => ok(self.request(&id, request, depth.max(1))),
                None => not_found(),
            },
            Action::Attachments { collection } => {
                if !state.nodes.contains_key(parent_of(&collection)) {
                    return not_found();
                }
                ok(self.collection(state, &collection, depth))
            }
            Action::Attach { collection, what } => {
                if !state.nodes.contains_key(parent_of(&collection)) {
                    return not_found();
                }
                let id = body.get("id").and_then(Value::as_str).unwrap_or_default();
                let Some(target) = resolve(state, self.images, &collection, what, id) else {
                    return not_found();
                };
                let key = format!("{collection}/{id}");
                state.seq += 1;
                let seq = state.seq;
                state.attachments.insert(key.clone(), (seq, target.clone()));
                let date = now();
                let parent = parent_of(&collection).to_owned();
                if let Some(node) = state.nodes.get_mut(&parent) {
                    touch(&mut node.value, &self.username, &date, "BUSY");
                }
                let reply = self.render_target(state, &target, 1);
                let mut targets = vec![parent];
                if state.nodes.contains_key(&target) {
                    targets.push(target);
                }
                self.accepted(state, targets, Some(reply))
            }
            Action::Attached { key } => match state.attachments.get(&key) {
                Some((_, target)) => ok(self.render_target(state, target, depth)),
                None => not_found(),
            },
            Action::Detach { key } => {
                if state.attachments.remove(&key).is_none() {
                    return not_found();
                }
                let parent = parent_of(parent_of(&key)).to_owned();
                let date = now();
                if let Some(node) = state.nodes.get_mut(&parent) {
                    touch(&mut node.value, &self.username, &date, "BUSY");
                }
                let mut reply = self.accepted(state, vec![parent], None);
                reply.body = None;
                reply
            }
            Action::Unmodelled => self.unmodelled(state, op),
        }
    }

    /// The answer to an operation the simulator keeps no state for: a sample of its declared
    /// answer model, with a provisioning request (202 and `Location`) when the API carries
    /// the operation out in the background.
    fn unmodelled(&self, state: &mut State, op: &OperationInfo) -> Reply {
        let body = op.returns.map(|ty| Samples::new(&::profitbricks::CATALOG, uuid).of(ty));
        match op.answer {
            AnswerKind::Accepted => self.accepted(state, Vec::new(), body),
            _ => Reply {
                status: op.success.first().copied().unwrap_or(200),
                headers: Vec::new(),
                body,
            },
        }
    }

    fn location(&self, id: &str, name: &str, depth: u32) -> Value {
        let href = self.href(&format!("/locations/{id}"));
        if depth == 0 {
            return json!({"id": id, "type": "location", "href": href});
        }
        json!({"id": id, "type": "location", "href": href, "properties": {"name": name, "features": ["SSD"]}})
    }

    fn image(&self, (id, name, kind, licence): &(&str, &str, &str, &str), depth: u32) -> Value {
        let href = self.href(&format!("/images/{id}"));
        if depth == 0 {
            return json!({"id": id, "type": "image", "href": href});
        }
        json!({"id": id, "type": "image", "href": href,
            "metadata": {"createdDate": "2017-01-01T00:00:00Z", "createdBy": "System", "etag": "5c1e0b7f3a2d4e6f8091a2b3c4d5e6f7",
                "lastModifiedDate": "2017-01-01T00:00:00Z", "lastModifiedBy": "System", "state": "AVAILABLE"},
            "properties": {"name": name, "description": null, "location": "de/fra", "size": 2.0,
                "cpuHotPlug": true, "cpuHotUnplug": false, "ramHotPlug": true, "ramHotUnplug": false,
                "nicHotPlug": true, "nicHotUnplug": true, "discVirtioHotPlug": true, "discVirtioHotUnplug": true,
                "discScsiHotPlug": false, "discScsiHotUnplug": false, "licenceType": licence,
                "imageType": kind, "public": true}})
    }

    /// Creates the resource described by `body` in `collection`, and the children its
    /// `entities` describe; the new path, with every created path in `created`.
    fn create(
        &self,
        state: &mut State,
        collection: &str,
        kind: &str,
        body: &Value,
        created: &mut Vec<String>,
    ) -> String {
        state.seq += 1;
        let seq = state.seq;
        let id = if kind == "lan" {
            // LAN ids are small numbers, counted per data center.
            let inside = format!("{collection}/");
            let next = state
                .nodes
                .keys()
                .filter_map(|k| k.strip_prefix(&inside))
                .filter_map(|id| id.parse::<u64>().ok())
                .max()
                .unwrap_or(0)
                + 1;
            next.to_string()
        } else {
            uuid()
        };
        let key = format!("{collection}/{id}");
        let mut properties =
            body.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        defaults(kind, &mut properties);
        let date = now();
        let value = json!({
            "id": id, "type": kind, "href": self.href(&key),
            "metadata": {"createdDate": date, "createdBy": self.username, "etag": hex32(),
                "lastModifiedDate": date, "lastModifiedBy": self.username, "state": "BUSY"},
            "properties": properties,
        });
        state.nodes.insert(key.clone(), Node { seq, value });
        created.push(key.clone());
        let segment = collection.rsplit('/').next().unwrap_or("");
        if kind == "server" {
            let volumes = lookup_items(body, "volumes");
            let datacenter_volumes = format!("{}/volumes", parent_of(collection));
            for item in volumes {
                let target = if item.get("properties").is_some() {
                    Some(self.create(state, &datacenter_volumes, "volume", item, created))
                } else {
                    let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
                    resolve(state, self.images, &format!("{key}/volumes"), Attachable::Volume, id)
                };
                if let Some(target) = target {
                    let id = target.rsplit('/').next().unwrap_or_default().to_owned();
                    state.seq += 1;
                    let seq = state.seq;
                    state.attachments.insert(format!("{key}/volumes/{id}"), (seq, target));
                }
            }
        }
        if let Some(children) = body.get("entities").and_then(Value::as_object) {
            for (child, list) in children {
                let Some((_, _, child_kind)) =
                    STATEFUL.iter().find(|(p, c, _)| *p == segment && c == child)
                else {
                    continue;
                };
                let Some(items) = list.get("items").and_then(Value::as_array) else { continue };
                let child_collection = format!("{key}/{child}");
                for item in items {
                    self.create(state, &child_collection, child_kind, item, created);
                }
            }
        }
        key
    }

    /// A 202 with a new provisioning request for `targets`.
    fn accepted(&self, state: &mut State, targets: Vec<String>, body: Option<Value>) -> Reply {
        let id = uuid();
        let refs = targets
            .iter()
            .filter_map(|k| state.nodes.get(k))
            .map(|n| reference(&n.value))
            .collect();
        state.seq += 1;
        let (seq, recorded) = (state.seq, state.current.clone());
        let fails = self.faults.failed_work(recorded.operation);
        state.requests.insert(
            id.clone(),
            Provisioning {
                seq,
                accepted: Instant::now(),
                recorded,
                looks: 0,
                done: false,
                fails,
                targets,
                refs,
            },
        );
        if self.polls_until_done == 0 {
            finish(state, &id);
        }
        Reply {
            status: 202,
            headers: vec![("Location", self.href(&format!("/requests/{id}/status")))],
            body,
        }
    }

    fn request_status(&self, state: &mut State, id: &str) -> Reply {
        let Some(request) = state.requests.get_mut(id) else { return not_found() };
        request.looks = request.looks.saturating_add(1);
        let over = request.done
            || request.looks >= self.polls_until_done
            || self.done_after.is_some_and(|t| request.accepted.elapsed() >= t);
        if let (true, Some(why)) = (over, request.fails.clone()) {
            // a failed request changes nothing: its resources stay as they were
            request.done = true;
            let refs = request.refs.clone();
            let targets: Vec<Value> = refs
                .into_iter()
                .map(|target| json!({"status": "FAILED", "target": target}))
                .collect();
            return ok(json!({
                "id": format!("{id}/status"), "type": "request-status", "href": self.href(&format!("/requests/{id}/status")),
                "metadata": {"etag": hex32(), "message": why, "status": "FAILED", "targets": targets},
            }));
        }
        let status = if over {
            "DONE"
        } else if request.looks == 1 {
            "QUEUED"
        } else {
            "RUNNING"
        };
        if status == "DONE" {
            finish(state, id);
        }
        let refs = state.requests.get(id).map(|r| r.refs.clone()).unwrap_or_default();
        let targets: Vec<Value> =
            refs.into_iter().map(|target| json!({"status": status, "target": target})).collect();
        let message = if status == "DONE" {
            "Request has been successfully executed"
        } else {
            "Request is being processed"
        };
        ok(json!({
            "id": format!("{id}/status"), "type": "request-status", "href": self.href(&format!("/requests/{id}/status")),
            "metadata": {"etag": hex32(), "message": message, "status": status, "targets": targets},
        }))
    }

    /// The resource at `key` as the API shows it at `depth`.
    fn render(&self, state: &State, key: &str, depth: u32) -> Value {
        let Some(node) = state.nodes.get(key) else { return Value::Null };
        if depth == 0 {
            return reference(&node.value);
        }
        let mut value = node.value.clone();
        let segment = parent_of(key).rsplit('/').next().unwrap_or("");
        if let Some((_, children)) = ENTITIES.iter().find(|(c, _)| *c == segment) {
            let mut entities = Map::new();
            for child in *children {
                entities.insert(
                    (*child).to_owned(),
                    self.collection(state, &format!("{key}/{child}"), depth - 1),
                );
            }
            if let Some(object) = value.as_object_mut() {
                object.insert("entities".to_owned(), Value::Object(entities));
            }
        }
        value
    }

    /// A provisioning request as `GET /requests/{id}` shows it.
    fn request(&self, id: &str, request: &Provisioning, depth: u32) -> Value {
        let href = self.href(&format!("/requests/{id}"));
        if depth == 0 {
            return json!({"id": id, "type": "request", "href": href});
        }
        let recorded = &request.recorded;
        json!({
            "id": id, "type": "request", "href": href,
            "metadata": {"createdDate": recorded.date, "createdBy": self.username, "etag": hex32(),
                "requestStatus": {"id": format!("{id}/status"), "type": "request-status", "href": format!("{href}/status")}},
            "properties": {"method": recorded.method, "url": recorded.url, "body": recorded.body,
                "headers": {"Content-Type": "application/json"}},
        })
    }

    /// A resource path or an `image:<id>` attachment target at `depth`.
    fn render_target(&self, state: &State, target: &str, depth: u32) -> Value {
        match target.strip_prefix("image:") {
            Some(id) => self
                .images
                .iter()
                .find(|(i, ..)| *i == id)
                .map_or(Value::Null, |image| self.image(image, depth)),
            None => self.render(state, target, depth),
        }
    }

    /// The collection at `collection`, its items at `depth`.
    fn collection(&self, state: &State, collection: &str, depth: u32) -> Value {
        let inside = format!("{collection}/");
        let items: Vec<(&String, &Node)> = state
            .nodes
            .range(inside.clone()..)
            .take_while(|(k, _)| k.starts_with(&inside))
            .filter(|(k, _)| !k[inside.len()..].contains('/'))
            .collect();
        let mut items: Vec<(u64, &str)> =
            items.into_iter().map(|(k, n)| (n.seq, k.as_str())).collect();
        items.extend(
            state
                .attachments
                .range(inside.clone()..)
                .take_while(|(k, _)| k.starts_with(&inside))
                .filter(|(k, _)| !k[inside.len()..].contains('/'))
                .map(|(_, (seq, target))| (*seq, target.as_str())),
        );
        items.sort_by_key(|(seq, _)| *seq);
        let items: Vec<Value> =
            items.into_iter().map(|(_, k)| self.render_target(state, k, depth)).collect();
        let mut parts = collection.rsplitn(3, '/');
        let name = parts.next().unwrap_or("");
        let id = match parts.next() {
            Some(parent) if !parent.is_empty() => format!("{parent}/{name}"),
            _ => name.to_owned(),
        };
        json!({"id": id, "type": "collection", "href": self.href(collection), "items": items})
    }
}

/// The API's rules that tie members together, which no single member's spec says and the
/// client does not check: a volume needs an image or a licence type, and a password or SSH
/// keys only go with an image. Checked for `body` and the resources nested in its `entities`.
fn rules(kind: &str, body: &Value, at: &str) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let has = |member: &str| {
        body.get("properties").and_then(|p| p.get(member)).is_some_and(|v| !v.is_null())
    };
    if kind == "volume" {
        if !has("image") && !has("imageAlias") && !has("licenceType") {
            problems.push((
                CODE_REQUIRED.to_owned(),
                format!("[{at}.properties.licenceType] Attribute 'licenceType' must be set when no 'image' or 'imageAlias' is given"),
            ));
        }
        for secret in ["imagePassword", "sshKeys"] {
            if has(secret) && !has("image") && !has("imageAlias") {
                problems.push((
                    CODE_REQUIRED.to_owned(),
                    format!("[{at}.properties.{secret}] Attribute 'image' or 'imageAlias' must be set for {secret}"),
                ));
            }
        }
    }
    if let Some(children) = body.get("entities").and_then(Value::as_object) {
        for (child, list) in children {
            let child_kind = STATEFUL.iter().find(|(_, c, _)| c == child).map_or("", |(_, _, k)| k);
            for (i, item) in
                list.get("items").and_then(Value::as_array).into_iter().flatten().enumerate()
            {
                problems.extend(rules(
                    child_kind,
                    item,
                    &format!("{at}.entities.{child}.items[{i}]"),
                ));
            }
        }
    }
    problems
}

/// The items of `entities.<child>.items` of `body`.
fn lookup_items<'v>(body: &'v Value, child: &str) -> Vec<&'v Value> {
    body.get("entities")
        .and_then(|e| e.get(child))
        .and_then(|c| c.get("items"))
        .and_then(Value::as_array)
        .map(|items| items.iter().collect())
        .unwrap_or_default()
}

/// What the attachment of `id` in `collection` points at, if it exists.
fn resolve(
    state: &State,
    images: &[ImageRow],
    collection: &str,
    what: Attachable,
    id: &str,
) -> Option<String> {
    if id.is_empty() || id.contains('/') {
        return None;
    }
    // `collection` is `/datacenters/<dc>/<servers|loadbalancers>/<id>/<attachments>`.
    let datacenter = parent_of(parent_of(parent_of(collection)));
    match what {
        Attachable::Volume => {
            Some(format!("{datacenter}/volumes/{id}")).filter(|k| state.nodes.contains_key(k))
        }
        Attachable::Cdrom => images
            .iter()
            .find(|(i, _, kind, _)| *i == id && *kind == "CDROM")
            .map(|_| format!("image:{id}")),
        Attachable::BalancedNic => {
            let servers = format!("{datacenter}/servers/");
            let suffix = format!("/nics/{id}");
            state.nodes.keys().find(|k| k.starts_with(&servers) && k.ends_with(&suffix)).cloned()
        }
    }
}

fn ok(body: Value) -> Reply {
    Reply { status: 200, headers: Vec::new(), body: Some(body) }
}

/// `/a/b/c` → `/a/b`; `/a` → ``.
fn parent_of(key: &str) -> &str {
    key.rsplit_once('/').map_or("", |(parent, _)| parent)
}

fn reference(value: &Value) -> Value {
    json!({"id": value.get("id"), "type": value.get("type"), "href": value.get("href")})
}

fn request_id_of(location: &str) -> Option<String> {
    let (_, rest) = location.rsplit_once("/requests/")?;
    rest.strip_suffix("/status").map(str::to_owned)
}

fn touch(value: &mut Value, user: &str, date: &str, state: &str) {
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.insert("lastModifiedDate".to_owned(), Value::from(date));
        metadata.insert("lastModifiedBy".to_owned(), Value::from(user));
        metadata.insert("etag".to_owned(), Value::from(hex32()));
        metadata.insert("state".to_owned(), Value::from(state));
    }
}

/// Marks the request `id` done and its targets AVAILABLE.
fn finish(state: &mut State, id: &str) {
    let Some(request) = state.requests.get_mut(id) else { return };
    if request.done {
        return;
    }
    request.done = true;
    let targets = request.targets.clone();
    for key in targets {
        if let Some(metadata) = state.nodes.get_mut(&key).and_then(|n| n.value.get_mut("metadata"))
        {
            if let Some(metadata) = metadata.as_object_mut() {
                metadata.insert("state".to_owned(), Value::from("AVAILABLE"));
            }
        }
    }
}

/// The properties the API fills in when a create leaves them out.
fn defaults(kind: &str, properties: &mut Map<String, Value>) {
    let mut set = |k: &str, v: Value| {
        properties.entry(k.to_owned()).or_insert(v);
    };
    match kind {
        "datacenter" => {
            set("description", Value::Null);
            set("version", Value::from(1));
            set("features", json!([]));
        }
        "server" => {
            set("availabilityZone", Value::from("AUTO"));
            set("vmState", Value::from("RUNNING"));
            set("bootCdrom", Value::Null);
            set("bootVolume", Value::Null);
            set("cpuFamily", Value::from("AMD_OPTERON"));
        }
        "volume" => {
            set("availabilityZone", Value::from("AUTO"));
            set("bus", Value::from("VIRTIO"));
            set("image", Value::Null);
            set("imagePassword", Value::Null);
            set("sshKeys", Value::Null);
            set("licenceType", Value::from("UNKNOWN"));
            set("deviceNumber", Value::Null);
            set("name", Value::Null);
            for flag in [
                "cpuHotPlug",
                "ramHotPlug",
                "nicHotPlug",
                "nicHotUnplug",
                "discVirtioHotPlug",
                "discVirtioHotUnplug",
            ] {
                set(flag, Value::Bool(true));
            }
            for flag in ["cpuHotUnplug", "ramHotUnplug", "discScsiHotPlug", "discScsiHotUnplug"] {
                set(flag, Value::Bool(false));
            }
        }
        "loadbalancer" => {
            set("ip", Value::Null);
            set("dhcp", Value::Bool(true));
        }
        "lan" => {
            set("name", Value::Null);
            set("public", Value::Bool(false));
        }
        "nic" => {
            set("mac", Value::from(format!("02:01:{}", mac_tail())));
            set("ips", json!([]));
            set("dhcp", Value::Bool(true));
            set("firewallActive", Value::Bool(false));
            set("name", Value::Null);
            set("nat", Value::Bool(false));
        }
        "firewall-rule" => {
            set("name", Value::Null);
            set("sourceMac", Value::Null);
            set("sourceIp", Value::Null);
            set("targetIp", Value::Null);
            for member in ["icmpCode", "icmpType", "portRangeStart", "portRangeEnd"] {
                set(member, Value::Null);
            }
        }
        "ipblock" => {
            set("name", Value::Null);
            let size = properties
                .get("size")
                .and_then(|s| s.as_u64().or_else(|| s.as_str()?.parse().ok()))
                .unwrap_or(1);
            let ips: Vec<Value> =
                (0..size.min(256)).map(|i| Value::from(format!("198.51.100.{}", i + 1))).collect();
            properties.insert("ips".to_owned(), Value::Array(ips));
            properties.insert("size".to_owned(), Value::from(size));
        }
        _ => {}
    }
}

fn mac_tail() -> String {
    let hex = hex32();
    format!("{}:{}:{}:{}", &hex[0..2], &hex[2..4], &hex[4..6], &hex[6..8])
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, SocketAddr};
    use std::sync::Arc;

    use super::*;

    /// Answers every routed request as an operation the simulator keeps no state for.
    struct Unmodelled(Arc<Sim>);

    impl Handler for Unmodelled {
        fn handle(&self, request: &Incoming) -> Reply {
            let rest = request.path.strip_prefix(PREFIX).unwrap_or_default();
            let Ok((op, _)) = route::operation(&::profitbricks::CATALOG, &request.method, rest)
            else {
                return not_found();
            };
            let mut state = self.0.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            self.0.unmodelled(&mut state, op)
        }

        fn unreadable(&self, _path: &str) -> Reply {
            not_found()
        }
    }

    /// The arguments of one wire vector per operation.
    fn vector_args() -> HashMap<String, Value> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/wire/profitbricks.json");
        let text = std::fs::read_to_string(&path).expect("the wire vectors");
        let vectors: Vec<Value> = serde_json::from_str(&text).expect("a JSON array");
        let mut args = HashMap::new();
        for vector in vectors {
            let op = vector["op"].as_str().expect("an op").to_owned();
            args.entry(op).or_insert_with(|| vector["args"].clone());
        }
        args
    }

    #[tokio::test]
    async fn every_operation_answered_by_schema_decodes_with_the_typed_models() {
        let listener =
            server::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await.expect("binds");
        let base_url = format!("http://{}{PREFIX}", listener.local_addr().expect("an address"));
        let sim = Arc::new(Builder::default().sim(&base_url));
        let _stop = server::spawn(listener, Arc::new(Unmodelled(Arc::clone(&sim))));
        let pb = ::profitbricks::Client::builder(::profitbricks::Credentials::basic("u", "p"))
            .base_url(&base_url)
            .build()
            .expect("a client");
        let args = vector_args();
        let mut failures = Vec::new();
        let mut accepted = 0;
        for op in ::profitbricks::CATALOG.operations {
            let given = args.get(op.name).cloned().unwrap_or(Value::Null);
            match pb.call(op.name, given).await {
                Ok(_) => accepted += usize::from(op.answer == AnswerKind::Accepted),
                Err(error) => failures.push(format!("{}: {error}", op.name)),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // each change started a provisioning request of its own
        let requests = sim.state.lock().map(|s| s.requests.len()).unwrap_or_default();
        assert!(accepted > 0);
        assert_eq!(requests, accepted);
    }
}
