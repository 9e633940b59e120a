//! What the simulated account holds, and the account it starts with.
//!
//! Resources are kept as the JSON objects the API describes them with (the members of the
//! spec's models), in the order they were made, so lists come out in a stable order.

use serde_json::{json, Map, Value};

/// The account's name: the prefix of the names the simulator makes up (`myaccount-fw1`).
pub(crate) const ACCOUNT: &str = "myaccount";

/// A service of the account; servers carry their `server.info` members too.
#[derive(Debug, Clone)]
pub(crate) struct Service {
    /// Every member of `server.info` (for a server) or `service.info`.
    pub value: Value,
    /// The firewall rule group applied to a server, by name.
    pub rule_group: Option<String>,
    /// The domains Memset's slave name servers slave from a server.
    pub slave_domains: Vec<String>,
}

impl Service {
    /// The service's name.
    pub fn name(&self) -> &str {
        self.value.get("name").and_then(Value::as_str).unwrap_or_default()
    }

    /// The service's type (`miniserver`, `cloudstorage`, ...).
    pub fn kind(&self) -> &str {
        self.value.get("type").and_then(Value::as_str).unwrap_or_default()
    }

    /// Whether the service is a server (a Miniserver or a dedicated server).
    pub fn is_server(&self) -> bool {
        self.value.get("host_name").is_some()
    }
}

/// A job: background work and how far it has got.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub id: String,
    /// The job's type, e.g. `dns`, `SETUP-NEW-MINISERVER`.
    pub kind: String,
    /// The method that started it.
    pub method: String,
    /// The service it concerns.
    pub service: Option<String>,
    /// How many times `job.status` looked at it.
    pub looks: u32,
    pub finished: bool,
    /// Why it ends with an error, if an injected fault says it does.
    pub fails: Option<String>,
}

impl Job {
    /// The job as `job.status` describes it.
    pub fn render(&self) -> Value {
        let mut job = json!({
            "id": self.id, "type": self.kind,
            "status": match (self.finished, &self.fails) {
                (false, _) => "NEW",
                (true, None) => "DONE",
                (true, Some(_)) => "FAILED",
            },
            "finished": self.finished, "error": self.finished && self.fails.is_some(),
        });
        if let (Some(service), Some(object)) = (&self.service, job.as_object_mut()) {
            object.insert("service".to_owned(), Value::from(service.as_str()));
        }
        job
    }
}

/// Everything the account holds.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    pub services: Vec<Service>,
    /// DNS zones (`id`, `nickname`, `ttl`); their records and domains are kept apart.
    pub zones: Vec<Value>,
    /// Zone domains (`domain`, `zone_id`).
    pub domains: Vec<Value>,
    /// Zone records (the members of `ZoneRecord`).
    pub records: Vec<Value>,
    /// Firewall rule groups (the members of `FirewallRuleGroup`, `rules` keyed by rule id).
    pub rule_groups: Vec<Value>,
    pub jobs: Vec<Job>,
    /// The simulator's fault rules (shared with [`Running::faults`](super::Running::faults)),
    /// for the jobs that end failed.
    pub faults: crate::faults::Faults,
    /// Monitoring rules as `(server name, the members of MonitoringRule)`.
    pub monitoring_rules: Vec<(String, Value)>,
    /// API keys (the members of `ApiKey`).
    pub api_keys: Vec<Value>,
    /// The last number used per name prefix (`mysrv` → 1 for `mysrv1`).
    pub counters: Map<String, Value>,
}

impl State {
    /// The seed examples' account: the Miniserver `myserver1` and the cloud storage
    /// `mystorage1` of the ma-shell, Python and cURL examples, and Memset's public firewall
    /// rule groups (`managed-linux`, which the firewalling example applies and clones, and
    /// `managed-windows`).
    pub fn seeded() -> State {
        let mut state = State::default();
        state.rule_groups.push(public_group(
            0,
            "managed-linux",
            "Managed Linux",
            &[("22", "tcp", 1, "SSH"), ("80,443", "tcp", 2, "Web"), ("any", "icmp", 3, "Ping")],
        ));
        state.rule_groups.push(public_group(
            1,
            "managed-windows",
            "Managed Windows",
            &[
                ("3389", "tcp", 1, "Remote desktop"),
                ("80,443", "tcp", 2, "Web"),
                ("any", "icmp", 3, "Ping"),
            ],
        ));
        state.services.push(Service {
            value: server_value(
                "myserver1",
                "miniserver",
                "www",
                "192.0.2.10",
                ("2010-12-01", "2012-12-01"),
                (21.6, 4.34),
            ),
            rule_group: Some("managed-linux".to_owned()),
            slave_domains: Vec::new(),
        });
        state.services.push(Service {
            value: json!({
                "name": "mystorage1", "type": "cloudstorage", "status": "LIVE", "nickname": "",
                "start_date": "2011-06-17", "expiry_date": "2011-11-12",
                "renewal_price_amount": 24.0, "renewal_price_currency": "GBP", "renewal_price_vat": 4.0,
                "network_zones": [], "data_zone": "Memset Public Cloud",
            }),
            rule_group: None,
            slave_domains: Vec::new(),
        });
        state
    }

    /// The next name with `prefix`: `mysrv1`, `mysrv2`, ...
    pub fn next_name(&mut self, prefix: &str) -> String {
        let next = self.counters.get(prefix).and_then(Value::as_u64).unwrap_or(0) + 1;
        self.counters.insert(prefix.to_owned(), Value::from(next));
        format!("{prefix}{next}")
    }

    /// The service named `name`.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name() == name)
    }

    /// The service named `name`, to change.
    pub fn service_mut(&mut self, name: &str) -> Option<&mut Service> {
        self.services.iter_mut().find(|s| s.name() == name)
    }

    /// The whole account as JSON, for assertions.
    pub fn snapshot(&self) -> Value {
        let services: Vec<Value> = self
            .services
            .iter()
            .map(|s| {
                let mut value = s.value.clone();
                if let (Some(group), Some(object)) = (&s.rule_group, value.as_object_mut()) {
                    object.insert("firewall_rule_group".to_owned(), Value::from(group.as_str()));
                }
                value
            })
            .collect();
        let jobs: Vec<Value> = self.jobs.iter().map(Job::render).collect();
        json!({
            "services": services, "dns_zones": self.zones, "dns_zone_domains": self.domains,
            "dns_zone_records": self.records, "firewall_rule_groups": self.rule_groups, "jobs": jobs,
            "api_keys": self.api_keys,
            "monitoring_rules": self.monitoring_rules.iter()
                .map(|(server, rule)| json!({"server": server, "rule": rule}))
                .collect::<Vec<Value>>(),
        })
    }
}

/// A server's `server.info` members (the `Service` ones included).
pub(crate) fn server_value(
    name: &str,
    kind: &str,
    nickname: &str,
    ip: &str,
    (start, expiry): (&str, &str),
    (price, vat): (f64, f64),
) -> Value {
    json!({
        "name": name, "type": kind, "status": "LIVE", "nickname": nickname,
        "start_date": start, "expiry_date": expiry,
        "renewal_price_amount": price, "renewal_price_currency": "GBP", "renewal_price_vat": vat,
        "network_zones": ["reading"], "data_zone": "Memset Public Cloud",
        "host_name": format!("{name}.miniserver.com"), "primary_ip": ip,
        "ips": [{"address": ip, "reverse_map": format!("{name}.miniserver.com"),
            "bytes_in_yesterday": 0, "bytes_out_yesterday": 0, "bytes_in_today": 0, "bytes_out_today": 0}],
        "vlans": {"tagged": [], "untagged": []},
        "os": "debian_buster_64", "backups": false, "control_panel": "none",
        "firewall_type": "managed", "monitoring_level": "basic", "monitor": true,
        "ignore_monitoring_off": false, "no_nrpe": false, "no_auto_reboot": false,
        "support_level": "standard", "vulnscan": "none", "intrusion_detection": "none",
        "intrusion_detection_alert_level": 0,
    })
}

/// One of Memset's public rule groups with `(dest_ports, protocols, ordering, comment)` rules.
fn public_group(
    group: usize,
    name: &str,
    nickname: &str,
    rules: &[(&str, &str, i64, &str)],
) -> Value {
    let mut members = Map::new();
    for (n, (ports, protocols, ordering, comment)) in rules.iter().enumerate() {
        // fixed ids, so that examples and tests can name them
        let id = format!("{:016x}{:016x}", 0xf1 + group, n + 1);
        members.insert(
            id.clone(),
            json!({
                "rule_id": id, "rule_group_name": name, "ip_version": "any", "action": "ACCEPT",
                "source_ips": "any", "source_ip6s": "any", "dest_ips": "any", "dest_ip6s": "any",
                "source_ports": "any", "dest_ports": ports, "protocols": protocols,
                "ordering": ordering, "comment": comment, "direction": "Inbound",
            }),
        );
    }
    json!({
        "name": name, "nickname": nickname, "public": true, "notes": "",
        "default_outbound_policy": "RETURN", "rules": members,
    })
}
