//! The 1&1 walk-through runs against a simulator and leaves the load balancer on the new IP.

use cloud_sdks_examples::oneandone::{simulated, wait_for_walk_through};

#[tokio::test]
async fn the_walk_through_puts_the_load_balancer_on_the_new_ip() {
    let target = simulated().await.expect("a simulator");
    let made = wait_for_walk_through(&target).await.expect("the walk-through runs");
    let balanced =
        target.client.list_load_balancer_servers(&made.load_balancer).await.expect("listed");
    assert_eq!(balanced.iter().map(|ip| ip.id.as_str()).collect::<Vec<_>>(), [made.ip.as_str()]);
    let ips = target.client.list_server_ips(&made.server).await.expect("listed");
    assert_eq!(ips.len(), 2, "the first IP and the new one");
}
