//! The 1&1 Cloud Server API v1 simulator.
//!
//! Served under [`PREFIX`] (`/v1`, as `https://cloudpanel-api.1and1.com/v1`), with the API
//! token in the `X-TOKEN` header ([`DEFAULT_TOKEN`] unless [`Builder::token`] says otherwise).
//! Every operation of [`oneandone::CATALOG`] is routed by method and path template (the most
//! specific template wins, so `/servers/fixed_instance_sizes` is not a server id); its query
//! and JSON body are checked against the catalog (required members, types, allowed values,
//! limits) before anything changes. Errors have 1&1's shape,
//! `{"type": "BAD_REQUEST", "message": "...", "errors": ...}`: a missing or wrong token is 401
//! `UNAUTHORIZED`, a refused request 400 `BAD_REQUEST` (its `errors` lists each
//! `{"field", "message"}`), an unknown path or id 404 `NOT_FOUND`, a method the path does not
//! take 405 `METHOD_NOT_ALLOWED` (with `Allow`).
//!
//! # What is stateful
//!
//! Kept in memory, with 32-digit upper-case hex ids as 1&1 gives them:
//!
//! - **servers**: create (custom hardware or a fixed flavor, with its disks and a first public
//!   IP, or an existing one by `ip_id`), get, list, modify, clone, delete (`keep_ips`); their
//!   hardware and disks (add, resize, remove; the main disk cannot be removed, disks only
//!   grow); IPs (add, list, get, remove with `keep_ip`), each IP's firewall policy and load
//!   balancers; power (`POWER_ON`, `POWER_OFF`, `REBOOT`); the DVD unit (load, eject); the
//!   image (reinstall); private networks (attach, detach: not while the server has a snapshot,
//!   detach not while it is powered on); the snapshot (create, list, restore, delete);
//! - **images**, **shared storages** (and the servers they are attached to, and the account's
//!   storage access credentials), **firewall policies** (rules, server IPs), **load balancers**
//!   (rules, server IPs), **public IPs** (server IPs are public IPs too), **private networks**
//!   (servers), **monitoring policies** (ports, processes, servers) and **users** (API access,
//!   key and allowed IPs): create, get, list, modify, delete and their nested lists;
//! - read-only: the server appliances, DVD ISOs and fixed server flavors of the starting
//!   account (taken from the official SDK's test data, plus the appliance the SDK's own
//!   `wait_for` walk-through installs), and its logs.
//!
//! Both sides of an attachment are kept: a load balancer attached to a server's IP lists the
//! IP under `server_ips`, and the IP lists the load balancer. Deleting a resource removes every
//! reference to it; deleting a server releases its IPs (or keeps them, unassigned, with
//! `keep_ips`). The API refuses (400) to delete a public IP still assigned to a server, and a
//! private network that still has servers.
//!
//! Lists honour `page` and `per_page` (pages from 1; `per_page` 100 when only `page` is
//! given), `q` (a case-insensitive search in the item's text members), `sort` (a member name,
//! `-name` for descending) and `fields` (the members to keep; `id` is always kept). Like the
//! real API, a list is a plain JSON array of one page; no total-count header is sent.
//!
//! # What answers by schema only
//!
//! The monitoring center (`list_server_usages`, `get_usage`: the servers' ids and names with
//! sample figures) and `list_usages` answer with schema-valid bodies built from the catalog's
//! models. Any other combination the catalog may gain later answers the same way (or, on a
//! stateful resource, with the resource itself), never with a 501.
//!
//! # Life cycle
//!
//! A new server answers `DEPLOYING` (`status.percent` counting up), a change to it
//! `CONFIGURING`, a power action `POWERING_ON` / `POWERING_OFF` / `REBOOTING`, a deletion
//! `REMOVING` (and it is gone at once). Images deploy (`DEPLOYING`), load balancers, firewall
//! policies, private networks and shared storages configure (`CONFIGURING`); public IPs,
//! monitoring policies and users are `ACTIVE` at once. A resource settles (servers on
//! `POWERED_ON`, or `POWERED_OFF` when created with `power_on: false` or powered off; the others
//! on `ACTIVE`) on the [`Builder::polls_until_ready`]-th look at it (a `GET` of it or of
//! anything under it, such as its status), or once [`Builder::ready_after`] has passed. So the
//! `oneandone` handles' `wait_for()` work against it.
//!
//! Fault rules ([`Running::faults`]) answer in 1&1's error shape, a 429 with the API's
//! `X-Rate-Limit-*` headers; a failing change never settles, since the API has no failure state.
//!
//! Success statuses are those the official Go SDK expects of each call: 200 for reads and
//! the synchronous changes, 201 for the creations that answer it, 202 for the asynchronous
//! changes.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use cloud_sdks_sim::Simulator;
//! use oneandone::models::{NewHdd, NewServer};
//!
//! let sim = Simulator::oneandone().start().await?;
//! let oa = sim.client();
//! let server = NewServer::new().name("web").vcore(1).cores_per_processor(1).ram(2.0);
//! let created = oa.create_server(server, vec![NewHdd::new(40, true)]).await?;
//! oa.server(&created.id).wait_for().interval(std::time::Duration::from_millis(1)).await?;
//! # Ok(())
//! # }
//! ```

mod account;
mod actions;
mod lifecycle;
mod resources;
mod routing;
mod state;

use std::io;
use std::sync::Mutex;
use std::time::Duration;

use crate::faults::Faults;
use crate::server::{self, Handler, Incoming, Reply};
use state::State;

/// The path prefix the API is served under.
pub const PREFIX: &str = "/v1";
/// The API token accepted in `X-TOKEN` unless another is set.
pub const DEFAULT_TOKEN: &str = "sim-token";
/// On which look at a changing resource it settles, unless set otherwise.
pub const DEFAULT_POLLS_UNTIL_READY: u32 = 2;

/// Settings of a 1&1 simulator, made by [`Simulator::oneandone`](crate::Simulator::oneandone).
#[derive(Debug, Clone)]
pub struct Builder {
    token: String,
    polls_until_ready: u32,
    ready_after: Option<Duration>,
    port: u16,
    empty: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            token: DEFAULT_TOKEN.to_owned(),
            polls_until_ready: DEFAULT_POLLS_UNTIL_READY,
            ready_after: None,
            port: 0,
            empty: false,
        }
    }
}

impl Builder {
    /// The API token to accept in the `X-TOKEN` header.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// The look at a changing resource on which it settles (0 and 1: the first look; the
    /// answer to the change itself still shows the transitional state).
    pub fn polls_until_ready(mut self, polls: u32) -> Self {
        self.polls_until_ready = polls;
        self
    }

    /// Also settle a changing resource once `time` has passed since the change, whether or not
    /// anyone looked at it. Without it, only looks move resources on.
    pub fn ready_after(mut self, time: Duration) -> Self {
        self.ready_after = Some(time);
        self
    }

    /// Starts with a blank account: no server appliances, DVD ISOs, fixed flavors, users or
    /// logs, nothing but what the requests create.
    pub fn empty(mut self) -> Self {
        self.empty = true;
        self
    }

    /// The port to listen on at 127.0.0.1; 0 (the default) takes any free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// The listener could not be bound (the port is taken).
    pub async fn start(self) -> io::Result<Running> {
        Running::start(self.port, PREFIX, |_| Sim {
            token: self.token.clone(),
            polls_until_ready: self.polls_until_ready,
            ready_after: self.ready_after,
            empty: self.empty,
            state: Mutex::new(State::new(self.empty)),
            received: Mutex::new(Vec::new()),
            faults: Faults::default(),
        })
        .await
    }
}

/// A running 1&1 simulator; dropping it stops the server.
pub type Running = crate::running::Running<Sim>;

/// A request the simulator received, for assertions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Received {
    /// The HTTP method, e.g. `"POST"`.
    pub method: String,
    /// The path with its query, still percent-encoded (`/v1/servers?page=1`).
    pub path: String,
    /// The body as text (lossily decoded if it is not UTF-8).
    pub body: String,
    /// The status it was answered with.
    pub status: u16,
    /// The catalog operation it was routed to (`"get_server"`), if any: `None` for an unknown
    /// path or method and for a missing or wrong token.
    pub operation: Option<&'static str>,
}

impl Running {
    /// The resource at `path` below the prefix (`/servers/<id>`, `/load_balancers/<id>`) as a
    /// `GET` would show it, if it exists; looking does not count as a poll.
    pub fn resource(&self, path: &str) -> Option<serde_json::Value> {
        let state = self.sim().state.lock().ok()?;
        let (collection, id) = path.trim_matches('/').rsplit_once('/')?;
        state.get(collection, id).map(|r| r.value.clone())
    }

    /// The whole current state as JSON, for assertions: an object with one array per
    /// collection (`"servers"`, `"load_balancers"`, ...; fixed flavors as
    /// `"servers/fixed_instance_sizes"`), each record as a `GET` shows it, and the shared
    /// storage access credentials as `"shared_storages/access"`.
    pub fn snapshot(&self) -> serde_json::Value {
        self.sim().state.lock().map(|s| s.snapshot()).unwrap_or_default()
    }

    /// The API token it accepts.
    pub fn token(&self) -> &str {
        &self.sim().token
    }
}

impl crate::running::Provider for Sim {
    type Client = ::oneandone::Client;
    type Received = Received;
}

impl crate::running::sealed::Simulated for Sim {
    fn log(&self) -> &Mutex<Vec<Received>> {
        &self.received
    }

    fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Back to the starting account, or a blank one if built [`empty`](Builder::empty).
    fn restart(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = State::new(self.empty);
        }
    }

    fn client(&self, base_url: &str) -> ::oneandone::Client {
        ::oneandone::Client::builder(::oneandone::Credentials::token(&self.token))
            .base_url(base_url)
            .build()
            .expect("a loopback http base URL and a header-safe token are accepted")
    }
}

/// The simulator behind a [`Running`]: its settings, state and request log.
pub struct Sim {
    token: String,
    polls_until_ready: u32,
    ready_after: Option<Duration>,
    empty: bool,
    state: Mutex<State>,
    received: Mutex<Vec<Received>>,
    faults: Faults,
}

impl Sim {
    fn log(&self, request: &Incoming, status: u16, operation: Option<&'static str>) {
        let path = request.path_and_query();
        server::log(
            &self.received,
            Received {
                method: request.method.clone(),
                path,
                body: String::from_utf8_lossy(&request.body).into_owned(),
                status,
                operation,
            },
        );
    }
}

impl Handler for Sim {
    fn handle(&self, request: &Incoming) -> Reply {
        let (reply, operation) = self.answer(request);
        self.log(request, reply.status, operation);
        reply
    }

    fn faults(&self) -> Option<&Faults> {
        Some(&self.faults)
    }

    fn operation(&self, request: &Incoming) -> Option<&'static str> {
        let rest = request.path.strip_prefix(PREFIX)?;
        let (op, _) = crate::route::operation(&::oneandone::CATALOG, &request.method, rest).ok()?;
        Some(op.name)
    }

    fn fault_reply(&self, _request: &Incoming, status: u16, message: &str) -> Reply {
        let kind = match status {
            429 => "RATE_LIMIT",
            500 => "INTERNAL_SERVER_ERROR",
            502 => "BAD_GATEWAY",
            503 => "SERVICE_UNAVAILABLE",
            504 => "GATEWAY_TIMEOUT",
            _ => "ERROR",
        };
        routing::error(status, kind, message)
    }

    fn rate_limit_headers(&self, retry_after_secs: u64) -> Vec<(&'static str, String)> {
        // The API's own (the wire reference, 5.3): the budget per minute, none left, and the
        // seconds until there is.
        vec![
            ("X-Rate-Limit-Limit", "25".to_owned()),
            ("X-Rate-Limit-Remaining", "0".to_owned()),
            ("X-Rate-Limit-Reset", retry_after_secs.to_string()),
        ]
    }

    fn record(&self, request: &Incoming, status: u16) {
        self.log(request, status, self.operation(request));
    }

    fn unreadable(&self, _path: &str) -> Reply {
        routing::error(400, "BAD_REQUEST", "The request body could not be read or is too large")
    }
}

impl Sim {
    fn answer(&self, request: &Incoming) -> (Reply, Option<&'static str>) {
        let routed = match routing::route(request, &self.token) {
            Ok(routed) => routed,
            Err((reply, operation)) => return (reply, operation),
        };
        // A poisoned lock (a bug of the simulator's) must not take every later request down.
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // 1&1 has no failure state: work that fails never settles.
        let stuck =
            routed.op.method.as_str() != "GET" && self.faults.failed_work(routed.op.name).is_some();
        let clock =
            lifecycle::Clock { polls: self.polls_until_ready, after: self.ready_after, stuck };
        lifecycle::settle_due(&mut state, &clock);
        (actions::act(&mut state, &clock, &routed), Some(routed.op.name))
    }
}
