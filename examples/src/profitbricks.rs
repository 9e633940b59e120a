//! ProfitBricks: the quick start, and the examples of the vendor's documentation (its
//! "Examples" section) in Rust.

use std::time::Duration;

use cloud_sdks_sim::profitbricks::Running;
use profitbricks::models::{
    Bus, CpuFamily, LicenceType, NewDatacenter, NewIpBlock, NewNic, NewServer, NewVolume,
    VolumeAvailabilityZone, VolumeType,
};
use profitbricks::Client;

use crate::Failure;

/// A ProfitBricks client and, unless credentials are set, its simulator.
pub type Target = crate::Target<Client, Running>;

/// The real API if `PROFITBRICKS_USERNAME` is set (with `PROFITBRICKS_PASSWORD` and,
/// optionally, `PROFITBRICKS_API_URL`), else a new simulator.
///
/// # Errors
///
/// A variable that is missing or invalid, or a simulator that cannot listen on 127.0.0.1.
pub async fn target() -> Result<Target, Failure> {
    if !crate::is_set("PROFITBRICKS_USERNAME") {
        return simulated().await;
    }
    // every 5 s: the crate's own pace for a provisioning request
    Ok(Target { client: Client::from_env()?, poll: Duration::from_secs(5), simulator: None })
}

/// A new simulator and a client of it.
///
/// # Errors
///
/// A simulator that cannot listen on 127.0.0.1.
pub async fn simulated() -> Result<Target, Failure> {
    let simulator = cloud_sdks_sim::Simulator::profitbricks().start().await?;
    let client = simulator.client();
    Ok(Target { client, poll: crate::SIMULATED_POLL, simulator: Some(simulator) })
}

/// The quick start: a data center with a server that has a volume and a NIC, waited for,
/// listed, and deleted again. Returns the names of the servers it listed.
///
/// # Errors
///
/// The first call or wait that fails.
pub async fn quickstart(target: &Target) -> Result<Vec<String>, Failure> {
    let pb = &target.client;
    let datacenter = pb.create_datacenter(NewDatacenter::new("quickstart", "de/fra")).await?;
    pb.wait_for(&datacenter).interval(target.poll).await?;
    let dc = datacenter.value().id.clone();
    println!("data center {dc} is ready");

    let volume =
        NewVolume::new(10, VolumeType::Hdd).name("system").licence_type(LicenceType::Linux);
    let nic = NewNic::new(1).name("public").dhcp(true);
    let server = NewServer::new("web", 1, 1024).create_volumes(vec![volume]).nics(vec![nic]);
    let server = pb.create_server(&dc, server).await?;
    pb.wait_for(&server).interval(target.poll).await?;
    println!("server {} is ready", server.value().id);

    let servers = pb.list_servers(&dc).depth(1).await?;
    let names: Vec<String> = servers
        .items
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| s.properties.and_then(|p| p.name))
        .collect();
    println!("servers in {dc}: {names:?}");

    let deleted = pb.delete_datacenter(&dc).await?;
    pb.wait_for(&deleted).interval(target.poll).await?;
    println!("data center {dc} is deleted");
    Ok(names)
}

/// The vendor's examples: list the data centers, reserve an IP block, create a simple server
/// and a composite one (with two volumes and two NICs). Returns the new servers' ids.
///
/// # Errors
///
/// The first call or wait that fails.
pub async fn seed_examples(target: &Target) -> Result<Vec<String>, Failure> {
    let pb = &target.client;
    let datacenters = pb.list_datacenters().await?;
    println!("{} data centers", datacenters.items.map_or(0, |items| items.len()));

    let ipblock = pb.reserve_ipblock(NewIpBlock::new("de/fra", 5)).await?;
    pb.wait_for(&ipblock).interval(target.poll).await?;
    println!("reserved IP block {}", ipblock.value().id);

    // the examples need a data center to put the servers in
    let datacenter = pb.create_datacenter(NewDatacenter::new("examples", "de/fra")).await?;
    pb.wait_for(&datacenter).interval(target.poll).await?;
    let dc = datacenter.value().id.clone();

    let simple = pb.create_server(&dc, NewServer::new("server1", 4, 4096)).await?;
    pb.wait_for(&simple).interval(target.poll).await?;

    let image = public_image(pb).await?;
    let nic1 = NewNic::new(1)
        .name("nic1")
        .ips(vec!["10.2.2.3"])
        .dhcp(true)
        .firewall_active(true)
        .nat(false);
    let nic2 = NewNic::new(1).name("nic2").ips(vec!["10.2.3.4"]).dhcp(true).firewall_active(true);
    let volume1 = NewVolume::new(56, VolumeType::Hdd)
        .name("volume1")
        .image(image.clone())
        .bus(Bus::Virtio)
        .ssh_keys(vec!["ssh-rsa AAAAB3NzaC1yc2EAAAADAQ example"])
        // the documentation's "s3cr3tpass0rd" has a 0, outside the documented password
        // alphabet, which the crate refuses before sending
        .image_password("s3cr3tpass2rd")
        .availability_zone(VolumeAvailabilityZone::Zone3);
    let volume2 = NewVolume::new(56, VolumeType::Ssd).name("volume2").image(image).bus(Bus::Virtio);
    let composite = NewServer::new("server1", 4, 4096)
        .cpu_family(CpuFamily::IntelXeon)
        .nics(vec![nic1, nic2])
        .create_volumes(vec![volume1, volume2]);
    let composite = pb.create_server(&dc, composite).await?;
    pb.wait_for(&composite).interval(target.poll).await?;
    println!("created servers {} and {}", simple.value().id, composite.value().id);
    Ok(vec![simple.value().id.clone(), composite.value().id.clone()])
}

/// A public HDD image in de/fra, for the volumes made from one.
async fn public_image(pb: &Client) -> Result<String, Failure> {
    let images = pb.list_images().depth(1).await?;
    images
        .items
        .unwrap_or_default()
        .into_iter()
        .find(|image| {
            image.properties.as_ref().is_some_and(|p| {
                p.public == Some(true)
                    && p.location.as_deref() == Some("de/fra")
                    && p.image_type.as_ref().is_some_and(|t| format!("{t:?}") == "Hdd")
            })
        })
        .map(|image| image.id)
        .ok_or_else(|| "no public HDD image in de/fra".into())
}
