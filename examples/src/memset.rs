//! Memset: the documentation's examples in Rust (its Python and JSON-RPC ones).

use cloud_sdks_sim::memset::Running;
use memset::Client;

use crate::Failure;

/// A Memset client and, unless a key is set, its simulator.
pub type Target = crate::Target<Client, Running>;

/// The real API if `MEMSET_API_KEY` is set (and, optionally, `MEMSET_API_URL`), else a new
/// simulator with the documentation's account (`myserver1`, `mystorage1`).
///
/// # Errors
///
/// A variable that is invalid, or a simulator that cannot listen on 127.0.0.1.
pub async fn target() -> Result<Target, Failure> {
    if !crate::is_set("MEMSET_API_KEY") {
        return simulated().await;
    }
    // every 5 s: the crate's own pace for a job
    Ok(Target {
        client: Client::from_env()?,
        poll: std::time::Duration::from_secs(5),
        simulator: None,
    })
}

/// A new simulator and a client of it.
///
/// # Errors
///
/// A simulator that cannot listen on 127.0.0.1.
pub async fn simulated() -> Result<Target, Failure> {
    let simulator = cloud_sdks_sim::Simulator::memset().start().await?;
    let client = simulator.client();
    Ok(Target { client, poll: crate::SIMULATED_POLL, simulator: Some(simulator) })
}

/// The documentation's examples on `name` (`myserver1` in them): its details, the account's
/// cloud storage and Miniservers, a new nickname, a reboot waited for, and two calls in one
/// JSON-RPC batch. Returns the nickname the service has at the end.
///
/// # Errors
///
/// The first call or wait that fails.
pub async fn seed_examples(target: &Target, name: &str) -> Result<Option<String>, Failure> {
    let ms = &target.client;
    let info = ms.service().info(name).await?;
    println!("{name}: {:?}", info.nickname);
    let storage = ms.service().list().r#type("cloudstorage").await?;
    let servers = ms.service().list().r#type(vec!["miniserver"]).await?;
    println!("{} cloud storage, {} Miniservers", storage.len(), servers.len());

    ms.service().set_nickname(name, "webserver").await?;
    let job = ms.server().reboot(name).await?;
    ms.wait_for_job(&job).interval(target.poll).await?;
    println!("{name} rebooted (job {})", job.id);

    let mut batch = ms.batch();
    let first = batch.add(ms.service().info(name))?;
    let second = batch.add(ms.server().info(name))?;
    let mut answers = batch.send().await?;
    let service = answers.take(first)?;
    let server = answers.take(second)?;
    println!("batch: {} and {}", service.name, server.name);
    Ok(service.nickname)
}
