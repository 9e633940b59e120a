//! The ProfitBricks examples run against a simulator, and leave what they say.

use cloud_sdks_examples::profitbricks::{quickstart, seed_examples, simulated};

#[tokio::test]
async fn the_quickstart_provisions_lists_and_deletes() {
    let target = simulated().await.expect("a simulator");
    let names = quickstart(&target).await.expect("the quick start runs");
    assert_eq!(names, ["web"]);
    let sim = target.simulator.as_ref().expect("simulated");
    let datacenters = target.client.list_datacenters().await.expect("listed");
    assert!(datacenters.items.unwrap_or_default().is_empty(), "the data center is deleted");
    assert!(sim.received().iter().any(|r| r.method == "DELETE"));
}

#[tokio::test]
async fn the_vendors_examples_create_what_they_describe() {
    let target = simulated().await.expect("a simulator");
    let servers = seed_examples(&target).await.expect("the examples run");
    assert_eq!(servers.len(), 2);
    let sim = target.simulator.as_ref().expect("simulated");
    let dc = sim
        .received()
        .iter()
        .find_map(|r| {
            r.path
                .strip_prefix("/cloudapi/v3/datacenters/")
                .and_then(|p| p.split('/').next())
                .map(str::to_owned)
        })
        .expect("a data center was used");
    let composite =
        target.client.get_server(&dc, &servers[1]).depth(2).await.expect("the composite server");
    let entities = composite.entities.expect("entities");
    let volumes = entities.volumes.and_then(|v| v.items).unwrap_or_default();
    let nics = entities.nics.and_then(|n| n.items).unwrap_or_default();
    assert_eq!((volumes.len(), nics.len()), (2, 2));
    assert_eq!(
        target.client.list_ipblocks().await.expect("listed").items.map_or(0, |i| i.len()),
        1
    );
}
