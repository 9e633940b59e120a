//! The Memset examples run against a simulator with the documentation's account.

use cloud_sdks_examples::memset::{seed_examples, simulated};

#[tokio::test]
async fn the_documentations_examples_rename_reboot_and_batch() {
    let target = simulated().await.expect("a simulator");
    let nickname = seed_examples(&target, "myserver1").await.expect("the examples run");
    assert_eq!(nickname.as_deref(), Some("webserver"));
    let sim = target.simulator.as_ref().expect("simulated");
    let jsonrpc = sim.received().iter().filter(|r| r.path.ends_with("/jsonrpc")).count();
    assert_eq!(jsonrpc, 1, "the two batched calls went in one request");
}
