//! What `cargo xtask bench` measures, shared by its two binaries:
//!
//! * `fixture-server` answers each benchmarked call with the real response body from
//!   `tests/fixtures` ([`OPS`] gives the route of each);
//! * `load` runs one client on one operation, sequentially or with many calls in flight,
//!   and prints calls per second and its peak memory.
//!
//! Each [`Op`] is described once, as the HTTP exchange it is, so that the raw reqwest
//! baseline of `load` and the server's route table cannot drift apart from each other.

/// Credentials the benchmarked clients send; the fixture server ignores them.
pub mod credentials {
    /// ProfitBricks user name (HTTP Basic).
    pub const PB_USER: &str = "bench-user";
    /// ProfitBricks password (HTTP Basic).
    pub const PB_PASSWORD: &str = "bench-pass";
    /// 1&1 API token (`X-TOKEN` header).
    pub const ONEANDONE_TOKEN: &str = "bench-token";
    /// Memset API key (HTTP Basic user name, password `x`).
    pub const MEMSET_KEY: &str = "0123456789abcdef0123456789abcdef";
}

/// One benchmarked operation: the call a client makes and the HTTP exchange it amounts to.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    /// The client crate, e.g. `"profitbricks"`.
    pub client: &'static str,
    /// The operation's name in that crate, e.g. `"list_datacenters"` or `"service.info"`.
    pub name: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path prefix of the provider's base URL on the fixture server, e.g. `"/cloudapi/v3"`.
    pub prefix: &'static str,
    /// Path below the base URL, e.g. `"/datacenters"`.
    pub path: &'static str,
    /// Query string without `?` (empty for none).
    pub query: &'static str,
    /// Memset's named parameters (`parameters=<JSON object>` form body), as one name and value.
    pub named: Option<(&'static str, &'static str)>,
    /// The fixture answering it, relative to the fixtures folder.
    pub fixture: &'static str,
}

impl Op {
    /// `client/name`, the way `load` and the report name it.
    pub fn id(&self) -> String {
        format!("{}/{}", self.client, self.name)
    }

    /// The path the request arrives at on the server (prefix + path, without the query).
    pub fn server_path(&self) -> String {
        format!("{}{}", self.prefix, self.path)
    }
}

/// Every operation of the main table (`seq` and `c64` against raw reqwest).
pub const OPS: &[Op] = &[
    Op {
        client: "profitbricks",
        name: "list_datacenters",
        method: "GET",
        prefix: "/cloudapi/v3",
        path: "/datacenters",
        query: "depth=1",
        named: None,
        fixture: "profitbricks/list_datacenters.json",
    },
    Op {
        client: "profitbricks",
        name: "get_server",
        method: "GET",
        prefix: "/cloudapi/v3",
        path: "/datacenters/dc-1/servers/srv-1",
        query: "depth=1",
        named: None,
        fixture: "profitbricks/get_server.json",
    },
    Op {
        client: "oneandone",
        name: "list_servers",
        method: "GET",
        prefix: "/v1",
        path: "/servers",
        query: "",
        named: None,
        fixture: "oneandone/list_servers.json",
    },
    Op {
        client: "memset",
        name: "service.info",
        method: "POST",
        prefix: "/v1",
        path: "/json/service.info",
        query: "",
        named: Some(("name", "myserver1")),
        fixture: "memset/service.info.json",
    },
    Op {
        client: "memset",
        name: "dns.zone_info",
        method: "POST",
        prefix: "/v1",
        path: "/json/dns.zone_info",
        query: "",
        named: Some(("id", "cbceea86fe9c099f019e386488ead6d8")),
        fixture: "memset/dns.zone_info.json",
    },
];

/// Operations measured only at scale (large answers), not in the main table.
pub const SCALE_OPS: &[Op] = &[Op {
    client: "memset",
    name: "service.list",
    method: "POST",
    prefix: "/v1",
    path: "/json/service.list",
    query: "",
    named: None,
    // the JSON interface's item shape; the list answer is built from it (see `scale`)
    fixture: "memset/service.info.json",
}];

/// The operation called `client/name`.
pub fn find(id: &str) -> Option<&'static Op> {
    OPS.iter().chain(SCALE_OPS).find(|op| op.id() == id)
}

pub mod scale;

/// Peak resident memory of this process so far (`VmHWM` of `/proc/self/status`), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time this process's threads have run so far, in nanoseconds (the first field of each
/// `/proc/self/task/*/schedstat`). Threads that ended before the call are not counted, so
/// take both readings while the threads being measured are alive.
pub fn cpu_time_ns() -> Option<u64> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("schedstat")) else { continue };
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}
