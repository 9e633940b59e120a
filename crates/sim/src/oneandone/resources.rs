//! The records the simulator creates, as 1&1 shows them, and the attachments between them
//! (both sides kept in step).

use serde_json::{json, Map, Value};

use super::account::datacenter;
use super::routing::{bad_request, not_found};
use super::state::State;
use crate::server::Reply;
use crate::util::{hex32, now};

/// A new id as 1&1 gives them: 32 upper-case hex digits.
pub(super) fn new_id() -> String {
    hex32().to_uppercase()
}

/// A Cloud Panel id such as `LB99AA4_1`.
fn cloudpanel_id(prefix: &str) -> String {
    format!("{prefix}{}", &new_id()[..7])
}

/// `{id, name}` of a record.
pub(super) fn identity(value: &Value) -> Value {
    json!({"id": value.get("id"), "name": value.get("name")})
}

/// The next public address (documentation ranges, then onwards).
fn next_address(state: &mut State) -> String {
    state.next_ip = state.next_ip.wrapping_add(1);
    let n = state.next_ip;
    let (third, fourth) = (n / 254 % 256, n % 254 + 1);
    format!("198.51.{third}.{fourth}")
}

/// The string member `name` of `body`.
pub(super) fn text<'b>(body: &'b Value, name: &str) -> Option<&'b str> {
    body.get(name).and_then(Value::as_str)
}

/// A 400 naming `field`.
pub(super) fn field_error(field: &str, message: String) -> Reply {
    bad_request(&[(field.to_owned(), message)])
}

fn object(body: &Value) -> Map<String, Value> {
    body.as_object().cloned().unwrap_or_default()
}

/// The disks of a request (`[{size, is_main}]`) as a server has them.
pub(super) fn hdds(items: Option<&Value>) -> Vec<Value> {
    items
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|hdd| json!({"id": new_id(), "size": hdd.get("size"), "is_main": hdd.get("is_main")}))
        .collect()
}

/// A new public IP, in `public_ips`, assigned to `server` if given; its server IP entry.
pub(super) fn new_ip(
    state: &mut State,
    server: Option<&Value>,
    reverse_dns: Option<&str>,
) -> Value {
    let id = new_id();
    let ip = next_address(state);
    let assigned =
        server.map(|s| json!({"id": s.get("id"), "name": s.get("name"), "type": "SERVER"}));
    state.insert(
        "public_ips",
        json!({"id": id, "ip": ip, "type": "IPV4", "assigned_to": assigned, "reverse_dns": reverse_dns,
            "is_dhcp": false, "state": "ACTIVE", "creation_date": now(), "datacenter": datacenter()}),
    );
    json!({"id": id, "ip": ip, "type": "IPV4", "reverse_dns": reverse_dns, "firewall_policy": null, "load_balancers": []})
}

/// The `image` member for the appliance or image `id`.
fn image_of(state: &State, id: &str) -> Option<Value> {
    ["server_appliances", "images"]
        .iter()
        .find_map(|c| state.get(c, id))
        .map(|r| identity(&r.value))
}

/// Creates a server from the body of `create_server`; its id. Refuses what the API refuses:
/// neither a flavor nor the whole hardware, no main disk or two, an unknown image, flavor,
/// IP or policy.
pub(super) fn create_server(state: &mut State, body: &Value) -> Result<String, Reply> {
    let hardware = body.get("hardware").cloned().unwrap_or(Value::Null);
    let flavor_id = text(&hardware, "fixed_instance_size_id");
    let (vcore, cores, ram, flavor) = match flavor_id {
        Some(id) => {
            let Some(flavor) = state.get("servers/fixed_instance_sizes", id) else {
                return Err(field_error(
                    "hardware.fixed_instance_size_id",
                    format!("The fixed server flavor {id} does not exist"),
                ));
            };
            let h = flavor.value.get("hardware").cloned().unwrap_or(Value::Null);
            (
                h.get("vcore").cloned(),
                h.get("cores_per_processor").cloned(),
                h.get("ram").cloned(),
                Value::from(id),
            )
        }
        None => {
            let member = |name: &str| hardware.get(name).filter(|v| !v.is_null()).cloned();
            for name in ["vcore", "cores_per_processor", "ram"] {
                if member(name).is_none() {
                    return Err(field_error(
                        &format!("hardware.{name}"),
                        format!(
                            "[hardware.{name}] is required when no fixed_instance_size_id is given"
                        ),
                    ));
                }
            }
            (member("vcore"), member("cores_per_processor"), member("ram"), Value::from(0))
        }
    };
    // the catalog's rules (exactly one main disk among them) were checked when it was routed
    let disks = hdds(hardware.get("hdds"));
    let image = match text(body, "appliance_id") {
        Some(id) => match image_of(state, id) {
            Some(image) => image,
            None => {
                return Err(field_error("appliance_id", format!("The image {id} does not exist")))
            }
        },
        None => Value::Null,
    };
    for (member, collection) in [
        ("firewall_policy_id", "firewall_policies"),
        ("load_balancer_id", "load_balancers"),
        ("monitoring_policy_id", "monitoring_policies"),
        ("ip_id", "public_ips"),
    ] {
        if let Some(id) = text(body, member) {
            if state.get(collection, id).is_none() {
                return Err(field_error(member, format!("[{member}] {id} does not exist")));
            }
        }
    }
    if let Some(ip) = text(body, "ip_id").and_then(|id| state.get("public_ips", id)) {
        if !ip.value["assigned_to"].is_null() {
            return Err(field_error(
                "ip_id",
                "[ip_id] The IP is assigned to another server".to_owned(),
            ));
        }
    }
    let id = new_id();
    let password = text(body, "password").map_or_else(|| new_id()[..10].to_owned(), str::to_owned);
    let server = json!({
        "id": id, "cloudpanel_id": cloudpanel_id(""), "name": body.get("name"),
        "description": body.get("description").cloned().unwrap_or(Value::from("")),
        "creation_date": now(), "first_password": password,
        "status": {"state": "DEPLOYING", "percent": 0},
        "hardware": {"fixed_instance_size_id": flavor, "vcore": vcore, "cores_per_processor": cores, "ram": ram, "hdds": disks},
        "image": image, "dvd": null, "snapshot": null, "ips": [], "alerts": [],
        "monitoring_policy": null, "private_networks": [], "datacenter": datacenter(),
        "server_type": "cloud", "ipv6_range": null, "hostname": null,
    });
    state.insert("servers", server.clone());
    let ip = match text(body, "ip_id") {
        Some(ip_id) => {
            let ip_id = ip_id.to_owned();
            let Some(public) = state.get_mut("public_ips", &ip_id) else {
                return Err(not_found("public IP"));
            };
            public.value["assigned_to"] =
                json!({"id": id, "name": server.get("name"), "type": "SERVER"});
            let (address, dns) = (public.value["ip"].clone(), public.value["reverse_dns"].clone());
            json!({"id": ip_id, "ip": address, "type": "IPV4", "reverse_dns": dns, "firewall_policy": null, "load_balancers": []})
        }
        None => new_ip(state, Some(&server), None),
    };
    let ip_id = ip["id"].as_str().unwrap_or_default().to_owned();
    if let Some(record) = state.get_mut("servers", &id) {
        record.value["ips"] = json!([ip]);
    }
    if let Some(fw) = text(body, "firewall_policy_id") {
        attach_firewall(state, &id, &ip_id, fw);
    }
    if let Some(lb) = text(body, "load_balancer_id") {
        attach_load_balancer(state, &id, &ip_id, lb);
    }
    if let Some(mp) = text(body, "monitoring_policy_id") {
        attach_monitoring(state, &id, mp);
    }
    Ok(id)
}

/// Creates a resource of `collection` (other than servers) from its create body; its id and
/// the state it answers with, or `None` when it is at once what it will be.
pub(super) fn create(
    state: &mut State,
    collection: &str,
    body: &Value,
) -> Result<(String, Option<&'static str>), Reply> {
    let id = new_id();
    let date = now();
    let mut record = object(body);
    record.insert("id".to_owned(), Value::from(id.clone()));
    record.insert("creation_date".to_owned(), Value::from(date));
    let with_ids = |items: Option<&Value>| -> Vec<Value> {
        items
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|item| {
                let mut item = object(item);
                item.insert("id".to_owned(), Value::from(new_id()));
                Value::Object(item)
            })
            .collect()
    };
    let transitional = match collection {
        "images" => {
            let server_id = text(body, "server_id").unwrap_or_default().to_owned();
            let Some(server) = state.get("servers", &server_id) else {
                return Err(field_error(
                    "server_id",
                    format!("[server_id] The server {server_id} does not exist"),
                ));
            };
            let server = server.value.clone();
            let source =
                server["image"]["id"].as_str().and_then(|i| state.get("server_appliances", i));
            for member in
                ["os_family", "os", "os_version", "architecture", "min_hdd_size", "licenses"]
            {
                set(&mut record, member, source.map_or(Value::Null, |s| s.value[member].clone()));
            }
            set(&mut record, "description", Value::Null);
            set(&mut record, "os_image_type", Value::from("Personal"));
            set(&mut record, "type", Value::from("MY_IMAGE"));
            set(&mut record, "cloudpanel_id", Value::from(cloudpanel_id("ap")));
            set(&mut record, "hdds", server["hardware"]["hdds"].clone());
            set(&mut record, "datacenter", datacenter());
            Some("DEPLOYING")
        }
        "shared_storages" => {
            set(&mut record, "description", Value::Null);
            let cp = cloudpanel_id("vid");
            let name = text(body, "name").unwrap_or_default().to_owned();
            set(&mut record, "cifs_path", Value::from(format!("\\\\{cp}.sim.lan\\{name}")));
            set(&mut record, "nfs_path", Value::from(format!("{cp}.sim.lan/:{name}")));
            set(&mut record, "cloudpanel_id", Value::from(cp));
            set(&mut record, "size_used", Value::from("0.00"));
            set(&mut record, "minimum_size_allowed", Value::from(50));
            set(&mut record, "servers", json!([]));
            set(&mut record, "datacenter", datacenter());
            Some("CONFIGURING")
        }
        "firewall_policies" => {
            set(&mut record, "description", Value::Null);
            set(&mut record, "default", Value::from(0));
            set(&mut record, "server_ips", json!([]));
            set(&mut record, "cloudpanel_id", Value::from(cloudpanel_id("FW")));
            record.insert("rules".to_owned(), Value::Array(with_ids(body.get("rules"))));
            Some("CONFIGURING")
        }
        "load_balancers" => {
            set(&mut record, "description", Value::Null);
            set(&mut record, "ip", Value::Null);
            for member in [
                "health_check_test",
                "health_check_interval",
                "health_check_path",
                "health_check_path_parser",
                "persistence",
                "persistence_time",
                "method",
            ] {
                set(&mut record, member, Value::Null);
            }
            set(&mut record, "server_ips", json!([]));
            set(&mut record, "cloudpanel_id", Value::from(cloudpanel_id("LB")));
            set(&mut record, "datacenter", datacenter());
            record.insert("rules".to_owned(), Value::Array(with_ids(body.get("rules"))));
            Some("CONFIGURING")
        }
        "public_ips" => {
            let ip = next_address(state);
            record.insert("ip".to_owned(), Value::from(ip));
            record.entry("type".to_owned()).or_insert(Value::from("IPV4"));
            record.entry("reverse_dns".to_owned()).or_insert(Value::Null);
            record.insert("assigned_to".to_owned(), Value::Null);
            record.insert("is_dhcp".to_owned(), Value::Bool(false));
            record.insert("datacenter".to_owned(), datacenter());
            None
        }
        "private_networks" => {
            for member in ["description", "network_address", "subnet_mask"] {
                set(&mut record, member, Value::Null);
            }
            set(&mut record, "servers", json!([]));
            set(&mut record, "cloudpanel_id", Value::from(cloudpanel_id("pn")));
            set(&mut record, "datacenter", datacenter());
            Some("CONFIGURING")
        }
        "monitoring_policies" => {
            set(&mut record, "description", Value::Null);
            set(&mut record, "default", Value::from(0));
            set(&mut record, "email", Value::from(""));
            set(&mut record, "agent", Value::Bool(false));
            set(&mut record, "servers", json!([]));
            set(&mut record, "cloudpanel_id", Value::from(cloudpanel_id("mo")));
            for member in ["ports", "processes"] {
                let mut holder = json!({member: []});
                add_items(&mut holder, member, body.get(member));
                record.insert(member.to_owned(), holder[member].take());
            }
            None
        }
        "users" => {
            record.remove("password");
            set(&mut record, "description", Value::Null);
            set(&mut record, "email", Value::Null);
            set(&mut record, "role", Value::Null);
            record.insert(
                "api".to_owned(),
                json!({"active": true, "key": hex32(), "allowed_ips": []}),
            );
            None
        }
        _ => None,
    };
    record.insert("state".to_owned(), Value::from(transitional.unwrap_or("ACTIVE")));
    state.insert(collection, Value::Object(record));
    Ok((id, transitional))
}

/// A monitored port or process answers with the flag under both names: requests and the Go
/// SDK say `email_notification`, the official SDK's test data `email_notifications`.
fn notifications(item: &mut Map<String, Value>) {
    let flag = item.get("email_notification").cloned().unwrap_or(Value::Bool(false));
    item.insert("email_notification".to_owned(), flag.clone());
    item.insert("email_notifications".to_owned(), flag);
}

/// Sets the member `k` of `record` unless the request gave it.
fn set(record: &mut Map<String, Value>, k: &str, v: Value) {
    record.entry(k.to_owned()).or_insert(v);
}

/// The server IP entry `ip_id` of any server: the server's id and the entry.
pub(super) fn server_ip(state: &State, ip_id: &str) -> Option<(String, Value)> {
    state.all("servers").iter().find_map(|server| {
        let ip = server.value["ips"].as_array()?.iter().find(|ip| ip["id"] == ip_id)?;
        Some((server.id().to_owned(), ip.clone()))
    })
}

/// Pushes `item` onto the list `member` of `value` unless an item with its id is there.
fn push_unique(value: &mut Value, member: &str, item: Value) {
    if !value[member].is_array() {
        value[member] = json!([]);
    }
    if let Some(items) = value[member].as_array_mut() {
        if !items.iter().any(|i| i["id"] == item["id"]) {
            items.push(item);
        }
    }
}

/// Removes the item `id` from the list `member` of `value`; whether it was there.
pub(super) fn remove_item(value: &mut Value, member: &str, id: &str) -> bool {
    let Some(items) = value.get_mut(member).and_then(Value::as_array_mut) else { return false };
    let before = items.len();
    items.retain(|i| i["id"] != id);
    items.len() != before
}

/// The server IP entry `ip_id` of the server record, to change.
pub(super) fn ip_entry<'v>(server: &'v mut Value, ip_id: &str) -> Option<&'v mut Value> {
    server.get_mut("ips")?.as_array_mut()?.iter_mut().find(|ip| ip["id"] == ip_id)
}

fn attached_ip(state: &State, server_id: &str, ip_id: &str) -> Value {
    let server = state.get("servers", server_id).map(|s| s.value.clone()).unwrap_or_default();
    let ip = server["ips"]
        .as_array()
        .and_then(|ips| ips.iter().find(|ip| ip["id"] == ip_id))
        .map_or(Value::Null, |ip| ip["ip"].clone());
    json!({"id": ip_id, "ip": ip, "server_name": server.get("name")})
}

/// Puts the server IP behind the load balancer (both records).
pub(super) fn attach_load_balancer(state: &mut State, server_id: &str, ip_id: &str, lb_id: &str) {
    let entry = attached_ip(state, server_id, ip_id);
    let Some(lb) = state.get_mut("load_balancers", lb_id) else { return };
    push_unique(&mut lb.value, "server_ips", entry);
    let reference = identity(&lb.value);
    if let Some(ip) =
        state.get_mut("servers", server_id).and_then(|s| ip_entry(&mut s.value, ip_id))
    {
        push_unique(ip, "load_balancers", reference);
    }
}

/// Takes the server IP from behind the load balancer; whether it was there.
pub(super) fn detach_load_balancer(
    state: &mut State,
    server_id: &str,
    ip_id: &str,
    lb_id: &str,
) -> bool {
    let mut found = false;
    if let Some(lb) = state.get_mut("load_balancers", lb_id) {
        found |= remove_item(&mut lb.value, "server_ips", ip_id);
    }
    if let Some(ip) =
        state.get_mut("servers", server_id).and_then(|s| ip_entry(&mut s.value, ip_id))
    {
        found |= remove_item(ip, "load_balancers", lb_id);
    }
    found
}

/// Applies the firewall policy to the server IP, instead of the one it had (both records).
pub(super) fn attach_firewall(state: &mut State, server_id: &str, ip_id: &str, fw_id: &str) {
    detach_firewall(state, server_id, ip_id);
    let entry = attached_ip(state, server_id, ip_id);
    let Some(fw) = state.get_mut("firewall_policies", fw_id) else { return };
    push_unique(&mut fw.value, "server_ips", entry);
    let reference = identity(&fw.value);
    if let Some(ip) =
        state.get_mut("servers", server_id).and_then(|s| ip_entry(&mut s.value, ip_id))
    {
        ip["firewall_policy"] = reference;
    }
}

/// Removes the server IP's firewall policy; whether it had one.
pub(super) fn detach_firewall(state: &mut State, server_id: &str, ip_id: &str) -> bool {
    let Some(ip) = state.get_mut("servers", server_id).and_then(|s| ip_entry(&mut s.value, ip_id))
    else {
        return false;
    };
    let old = ip["firewall_policy"]["id"].as_str().map(str::to_owned);
    ip["firewall_policy"] = Value::Null;
    let Some(old) = old else { return false };
    if let Some(fw) = state.get_mut("firewall_policies", &old) {
        remove_item(&mut fw.value, "server_ips", ip_id);
    }
    true
}

/// The server's `{id, name}`.
fn server_ref(state: &State, server_id: &str) -> Value {
    state.get("servers", server_id).map_or(Value::Null, |s| identity(&s.value))
}

/// Attaches the server to the private network (both records).
pub(super) fn attach_private_network(state: &mut State, server_id: &str, pn_id: &str) {
    let server = server_ref(state, server_id);
    let Some(pn) = state.get_mut("private_networks", pn_id) else { return };
    push_unique(&mut pn.value, "servers", server);
    let reference = identity(&pn.value);
    if let Some(s) = state.get_mut("servers", server_id) {
        push_unique(&mut s.value, "private_networks", reference);
    }
}

/// Detaches the server from the private network; whether it was attached.
pub(super) fn detach_private_network(state: &mut State, server_id: &str, pn_id: &str) -> bool {
    let mut found = false;
    if let Some(pn) = state.get_mut("private_networks", pn_id) {
        found |= remove_item(&mut pn.value, "servers", server_id);
    }
    if let Some(s) = state.get_mut("servers", server_id) {
        found |= remove_item(&mut s.value, "private_networks", pn_id);
    }
    found
}

/// Puts the server under the monitoring policy, instead of the one it had (both records).
pub(super) fn attach_monitoring(state: &mut State, server_id: &str, mp_id: &str) {
    let old = state
        .get("servers", server_id)
        .and_then(|s| s.value["monitoring_policy"]["id"].as_str().map(str::to_owned));
    if let Some(old) = old {
        detach_monitoring(state, server_id, &old);
    }
    let server = server_ref(state, server_id);
    let Some(mp) = state.get_mut("monitoring_policies", mp_id) else { return };
    push_unique(&mut mp.value, "servers", server);
    let reference = identity(&mp.value);
    if let Some(s) = state.get_mut("servers", server_id) {
        s.value["monitoring_policy"] = reference;
    }
}

/// Takes the server from under the monitoring policy; whether it was there.
pub(super) fn detach_monitoring(state: &mut State, server_id: &str, mp_id: &str) -> bool {
    let mut found = false;
    if let Some(mp) = state.get_mut("monitoring_policies", mp_id) {
        found |= remove_item(&mut mp.value, "servers", server_id);
    }
    if let Some(s) = state.get_mut("servers", server_id) {
        if s.value["monitoring_policy"]["id"] == mp_id {
            s.value["monitoring_policy"] = Value::Null;
            found = true;
        }
    }
    found
}

/// New items for a list member of a policy (rules, ports, processes): each with an id.
pub(super) fn add_items(value: &mut Value, member: &str, items: Option<&Value>) {
    for item in items.and_then(Value::as_array).into_iter().flatten() {
        let mut item = object(item);
        item.insert("id".to_owned(), Value::from(new_id()));
        if member == "ports" || member == "processes" {
            notifications(&mut item);
        }
        push_unique(value, member, Value::Object(item));
    }
}
