//! The starting account: the read-only catalogue a new 1&1 account sees (server appliances,
//! DVD ISOs, fixed server flavors), its users and logs, from `account.json` (the official
//! SDK's test data, see there), and the data center resources are placed in.

use serde_json::{json, Value};

/// The collections of the starting account and their records.
pub(super) fn starting() -> Vec<(String, Vec<Value>)> {
    let Ok(Value::Object(account)) = serde_json::from_str::<Value>(include_str!("account.json"))
    else {
        return Vec::new();
    };
    account
        .into_iter()
        .filter(|(name, _)| !name.starts_with('_'))
        .filter_map(|(name, items)| match items {
            Value::Array(items) => Some((name, items)),
            _ => None,
        })
        .collect()
}

/// The data center every new resource is placed in (the one of libcloud's recorded answer).
pub(super) fn datacenter() -> Value {
    json!({"id": "908DC2072407C94C8054610AD5A53B8C", "country_code": "US", "location": "United States of America"})
}

/// The shared storages' access credentials of a new account.
pub(super) fn credentials() -> Value {
    json!({
        "state": "ACTIVE",
        "kerberos_content_file": "BQIAAABSAAIACERFVjEuTEFOAANuZnMAEnVpZDYyNDQ2OC5kZXYxLmxhbgAAAAEAAAAAAwASACDoMmqCQE8L1/Kcur6pzBRM+DDT+lELrKHRIPSM966n5w==",
        "user_domain": "sim\\uid000001",
        "needs_password_reset": true,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_account_parses() {
        let account = super::starting();
        let names: Vec<&str> = account.iter().map(|(n, _)| n.as_str()).collect();
        for expected in ["server_appliances", "dvd_isos", "servers/fixed_instance_sizes"] {
            assert!(names.contains(&expected), "{names:?}");
        }
        assert!(account.iter().all(|(_, items)| !items.is_empty()));
    }
}
