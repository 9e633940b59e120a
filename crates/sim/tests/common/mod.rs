//! What the simulator's test files share: a plain HTTP client, and the `cloud-sdks-sim serve`
//! binary run in the background.

// each test file uses a part of this module
#![allow(dead_code)]

use std::io::BufRead as _;
use std::process::{Child, Command, Stdio};

/// A client that talks to 127.0.0.1 directly, whatever proxy the environment names.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("a plain client")
}

/// A running `serve` binary; dropping it stops it, also when an assertion failed first.
pub struct Served {
    child: Child,
    /// The base URL it printed on its first line.
    pub base_url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cloud-sdks-sim serve` with `args` and waits for the base URL it prints.
pub fn serve(args: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloud-sdks-sim"))
        .arg("serve")
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the simulator starts");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("a pipe");
    std::io::BufReader::new(stdout).read_line(&mut line).expect("the base URL");
    Served { child, base_url: line.trim().to_owned() }
}

/// Creates the Memset zone both protocols' DNS tests start from: `example.com`, TTL 3600,
/// served for `example.com`, with one A record `www` → 192.0.2.1.
pub async fn create_example_zone(ms: &memset::Client) -> memset::models::Zone {
    use memset::models::{DnsRecordType, NewZoneDomain, NewZoneRecord};
    ms.dns()
        .zone_create("example.com")
        .ttl(3600)
        .domains(vec![NewZoneDomain::new("example.com")])
        .records(vec![NewZoneRecord::new(DnsRecordType::A, "192.0.2.1").record("www")])
        .await
        .expect("zone created")
}
