//! The official ProfitBricks Python SDK (`profitbricks==3.1.2`) pointed at the `serve` binary:
//! the simulator serves what the vendor's own client sends and reads.
//!
//! The SDK is not a Rust dependency: the test runs when `CLOUD_SDKS_PROFITBRICKS_PYTHON` names
//! a Python that imports it (`.ci/run` makes that venv and sets it) and says it is skipped
//! otherwise.
#![cfg(feature = "profitbricks")]

mod common;

use std::process::Command;

use serde_json::{json, Value};

#[test]
fn the_official_python_sdk_walks_a_data_center_through_the_simulator() {
    let Some(python) = std::env::var_os("CLOUD_SDKS_PROFITBRICKS_PYTHON") else {
        eprintln!(
            "skipped: CLOUD_SDKS_PROFITBRICKS_PYTHON names no Python with profitbricks==3.1.2"
        );
        return;
    };
    let sim = common::serve(&["--provider", "profitbricks", "--port", "0"]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/profitbricks_sdk.py");
    let output = Command::new(python).arg(script).arg(&sim.base_url).output();
    drop(sim);
    let output = output.expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the script failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(
        seen,
        json!({
            "datacenter_request": "DONE",
            "datacenters": ["py"],
            "server_request": "DONE",
            "server": ["web", "AVAILABLE"],
            "server_volumes": 1,
            "server_nics": 1,
            "ips": 2,
            "missing": "PBNotFoundError",
            "left": 0,
        })
    );
}
