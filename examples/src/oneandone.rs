//! 1&1 Cloud Server: the documentation's `wait_for` walk-through in Rust.

use cloud_sdks_sim::oneandone::Running;
use oneandone::models::{
    LoadBalancerMethod, NewHdd, NewLoadBalancer, NewLoadBalancerRule, NewServer,
};
use oneandone::Client;

use crate::Failure;

/// A 1&1 client and, unless a token is set, its simulator.
pub type Target = crate::Target<Client, Running>;

/// The appliance the walk-through installs (an Ubuntu image of the documentation's).
pub const APPLIANCE: &str = "D9DBA7D7F7E9C8200A493CE9013C4605";

/// The real API if `ONEANDONE_TOKEN` is set (and, optionally, `ONEANDONE_API_URL`), else a
/// new simulator.
///
/// # Errors
///
/// A variable that is invalid, or a simulator that cannot listen on 127.0.0.1.
pub async fn target() -> Result<Target, Failure> {
    if !crate::is_set("ONEANDONE_TOKEN") {
        return simulated().await;
    }
    // the handles' own pace (seconds), as the documentation's loop polls
    Ok(Target {
        client: Client::from_env()?,
        poll: std::time::Duration::from_secs(10),
        simulator: None,
    })
}

/// A new simulator and a client of it.
///
/// # Errors
///
/// A simulator that cannot listen on 127.0.0.1.
pub async fn simulated() -> Result<Target, Failure> {
    let simulator = cloud_sdks_sim::Simulator::oneandone().start().await?;
    let client = simulator.client();
    Ok(Target { client, poll: crate::SIMULATED_POLL, simulator: Some(simulator) })
}

/// What the walk-through made.
#[derive(Debug)]
pub struct WalkThrough {
    /// The load balancer's id.
    pub load_balancer: String,
    /// The server's id.
    pub server: String,
    /// The id of the IP the load balancer was put on.
    pub ip: String,
}

/// The walk-through: a load balancer, a server with two disks, a new IP for it, and the load
/// balancer on that IP, waiting for each step as the documentation's `wait_for` does.
///
/// # Errors
///
/// The first call or wait that fails.
pub async fn wait_for_walk_through(target: &Target) -> Result<WalkThrough, Failure> {
    let oa = &target.client;
    let lb = NewLoadBalancer::new("Example App LB")
        .description("Test Description")
        .health_check_test("TCP")
        .health_check_interval(40)
        .persistence(true)
        .persistence_time(1200)
        .method(LoadBalancerMethod::RoundRobin);
    let rules = vec![
        NewLoadBalancerRule::new("TCP", 80, 80).source("0.0.0.0"),
        NewLoadBalancerRule::new("TCP", 9999, 8888).source("0.0.0.0"),
    ];
    let lb = oa.create_load_balancer(lb, rules).await?;
    oa.load_balancer(&lb.id).wait_for().interval(target.poll).await?;
    println!("load balancer {} is ready", lb.id);

    let server = NewServer::new()
        .name("Example App Server")
        .description("Server Description")
        .vcore(1)
        .cores_per_processor(1)
        .ram(2.0)
        .appliance_id(APPLIANCE);
    let server =
        oa.create_server(server, vec![NewHdd::new(120, true), NewHdd::new(60, false)]).await?;
    oa.server(&server.id).wait_for().interval(target.poll).await?;
    println!("server {} is ready", server.id);

    let with_ip = oa.add_new_ip(&server.id).await?;
    let ip = with_ip.ips.unwrap_or_default().pop().ok_or("the server has no IP")?.id;
    oa.server(&server.id).wait_for().interval(target.poll).await?;
    oa.add_load_balancer(&server.id, &ip, &lb.id).await?;
    oa.server(&server.id).wait_for().interval(target.poll).await?;
    println!("load balancer {} is on IP {ip}", lb.id);
    Ok(WalkThrough { load_balancer: lb.id, server: server.id, ip })
}
