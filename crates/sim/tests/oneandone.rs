//! The 1&1 simulator through the real `oneandone` client and through raw HTTP.

#![cfg(feature = "oneandone")]

use std::collections::BTreeMap;
use std::time::Duration;

use cloud_sdks_runtime::catalog::{Location, ParamInfo, Type};
use cloud_sdks_sim::oneandone::{Running, DEFAULT_TOKEN};
use cloud_sdks_sim::Simulator;
use oneandone::models::{
    NewHdd, NewLoadBalancer, NewLoadBalancerRule, NewServer, ResourceState, ServerAction,
    ServerActionMethod,
};
use oneandone::ErrorKind;
use serde_json::{json, Value};

/// The appliance the SDK's `wait_for` walk-through installs.
const SEED_APPLIANCE: &str = "D9DBA7D7F7E9C8200A493CE9013C4605";
const FAST: Duration = Duration::from_millis(1);

mod common;

use common::http;

async fn raw(sim: &Running, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request =
        http().request(method, format!("{}{path}", sim.base_url())).header("X-TOKEN", sim.token());
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.expect("the simulator answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn assert_error_shape(body: &Value, kind: &str) {
    assert_eq!(body["type"], json!(kind), "{body}");
    assert!(body["message"].is_string(), "{body}");
    assert!(body.as_object().is_some_and(|o| o.contains_key("errors")), "{body}");
}

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap_or_else(|| panic!("an id in {value}")).to_owned()
}

#[tokio::test]
async fn the_seeds_wait_for_walk_through_runs() {
    let sim = Simulator::oneandone().start().await.expect("starts");
    assert!(sim.base_url().ends_with("/v1"));
    let oa = sim.client();

    // Create a load balancer and wait for it to go live.
    let lb = NewLoadBalancer::new("Example App LB")
        .description("Test Description")
        .health_check_test("TCP")
        .health_check_interval(40)
        .persistence(true)
        .persistence_time(1200)
        .method(oneandone::models::LoadBalancerMethod::RoundRobin);
    let rules = vec![
        NewLoadBalancerRule::new("TCP", 80, 80).source("0.0.0.0"),
        NewLoadBalancerRule::new("TCP", 9999, 8888).source("0.0.0.0"),
    ];
    let new_lb = oa.create_load_balancer(lb, rules).await.expect("created");
    assert_eq!(new_lb.state, Some(ResourceState::Configuring));
    assert_eq!(new_lb.id.len(), 32);
    assert!(new_lb.id.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    let live = oa.load_balancer(&new_lb.id).wait_for().interval(FAST).await.expect("live");
    assert_eq!(live.state, Some(ResourceState::Active));
    assert_eq!(live.rules.as_ref().map(Vec::len), Some(2));

    // Create a server with two disks and wait for it.
    let server = NewServer::new()
        .name("Example App Server")
        .description("Server Description")
        .vcore(1)
        .cores_per_processor(1)
        .ram(2.0)
        .appliance_id(SEED_APPLIANCE);
    let hdds = vec![NewHdd::new(120, true), NewHdd::new(60, false)];
    let new_server = oa.create_server(server, hdds).await.expect("created");
    assert_eq!(
        new_server.status.as_ref().and_then(|s| s.state.clone()),
        Some(ResourceState::Deploying)
    );
    let status = oa.server(&new_server.id).wait_for().interval(FAST).await.expect("deployed");
    assert_eq!(status.state, Some(ResourceState::PoweredOn));

    // Add a new IP; it comes second, after the one the server was created with.
    let new_ip = oa.add_new_ip(&new_server.id).await.expect("added");
    let ips = new_ip.ips.clone().unwrap_or_default();
    assert_eq!(ips.len(), 2);
    let ip_id = ips[1].id.clone();

    // Put the load balancer on the new IP and wait for the server again.
    let answer = oa.add_load_balancer(&new_server.id, &ip_id, &new_lb.id).await.expect("added");
    assert_eq!(answer.status.and_then(|s| s.state), Some(ResourceState::Configuring));
    oa.server(&new_server.id).wait_for().interval(FAST).await.expect("configured");

    let balanced = oa.list_load_balancer_servers(&new_lb.id).await.expect("listed");
    assert_eq!(balanced.len(), 1);
    assert_eq!(balanced[0].id, ip_id);
    assert_eq!(balanced[0].server_name.as_deref(), Some("Example App Server"));
    let on_ip = oa.list_ip_load_balancers(&new_server.id, &ip_id).await.expect("listed");
    assert_eq!(on_ip.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), [new_lb.id.as_str()]);
    let got = oa.get_server(&new_server.id).await.expect("got");
    let hardware = got.hardware.expect("hardware");
    let sizes: Vec<_> = hardware.hdds.unwrap_or_default().iter().map(|h| h.size).collect();
    assert_eq!(sizes, [Some(120), Some(60)]);
    assert_eq!(got.image.map(|i| i.id), Some(SEED_APPLIANCE.to_owned()));
    // The new IP is a public IP of the account, assigned to the server.
    let public = oa.get_public_ip(&ip_id).await.expect("got");
    assert_eq!(public.assigned_to.map(|a| a.id), Some(new_server.id.clone()));

    let received = sim.received();
    assert!(received.iter().any(|r| r.method == "POST"
        && r.path == "/v1/load_balancers"
        && r.body.contains("Example App LB")
        && r.status == 202));
}

#[tokio::test]
async fn power_hardware_disks_and_ips_change_the_server() {
    let sim = Simulator::oneandone().polls_until_ready(1).start().await.expect("starts");
    let oa = sim.client();
    let flavors = oa.fixed_server_flavors().await.expect("listed");
    let m = flavors.iter().find(|f| f.name.as_deref() == Some("M")).expect("flavor M");
    let server = NewServer::new().name("flavored").fixed_instance_size_id(&m.id);
    let created = oa.create_server(server, vec![NewHdd::new(40, true)]).await.expect("created");
    let sid = created.id.clone();
    let hardware = oa.get_server_hardware(&sid).await.expect("got");
    assert_eq!(hardware.fixed_instance_size_id, Some(json!(m.id)));
    assert_eq!(hardware.vcore, Some(1));

    let off = oa
        .modify_server_status(&sid, ServerAction::PowerOff, ServerActionMethod::Software)
        .await
        .expect("accepted");
    assert_eq!(off.status.and_then(|s| s.state), Some(ResourceState::PoweringOff));
    let status = oa.server(&sid).wait_for().interval(FAST).await.expect("off");
    assert_eq!(status.state, Some(ResourceState::PoweredOff));
    let error = oa
        .modify_server_status(&sid, ServerAction::Reboot, ServerActionMethod::Hardware)
        .await
        .expect_err("refused");
    assert_eq!(error.kind(), Some(&ErrorKind::BadRequest));
    oa.modify_server_status(&sid, ServerAction::PowerOn, ServerActionMethod::Software)
        .await
        .expect("accepted");
    let status = oa.server(&sid).wait_for().interval(FAST).await.expect("on");
    assert_eq!(status.state, Some(ResourceState::PoweredOn));
    let rebooting = oa
        .modify_server_status(&sid, ServerAction::Reboot, ServerActionMethod::Software)
        .await
        .expect("accepted");
    assert_eq!(rebooting.status.and_then(|s| s.state), Some(ResourceState::Rebooting));
    assert_eq!(
        oa.get_server_status(&sid).await.expect("got").state,
        Some(ResourceState::PoweredOn)
    );

    // Disks: add, grow, list, remove; the main disk stays.
    oa.add_hdd(&sid, vec![NewHdd::new(20, false)]).await.expect("added");
    let hdds = oa.list_server_hdds(&sid).await.expect("listed");
    assert_eq!(hdds.len(), 2);
    let extra = hdds.iter().find(|h| h.is_main == Some(false)).expect("the new disk").id.clone();
    let main = hdds.iter().find(|h| h.is_main == Some(true)).expect("the main disk").id.clone();
    oa.modify_hdd(&sid, &extra, 60).await.expect("grown");
    assert_eq!(oa.get_server_hdd(&sid, &extra).await.expect("got").size, Some(60));
    let error = oa.modify_hdd(&sid, &extra, 40).await.expect_err("disks only grow");
    assert_eq!(error.kind(), Some(&ErrorKind::BadRequest));
    let error = oa.remove_hdd(&sid, &main).await.expect_err("the main disk stays");
    assert_eq!(error.kind(), Some(&ErrorKind::BadRequest));
    oa.remove_hdd(&sid, &extra).await.expect("removed");
    assert_eq!(oa.list_server_hdds(&sid).await.expect("listed").len(), 1);
    let error = oa.get_server_hdd(&sid, &extra).await.expect_err("gone");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));

    // IPs: add, list, delete (keeping it as a public IP, then not).
    let ips = oa.add_new_ip(&sid).await.expect("added").ips.unwrap_or_default();
    assert_eq!(ips.len(), 2);
    assert_eq!(oa.list_server_ips(&sid).await.expect("listed").len(), 2);
    let kept = ips[1].id.clone();
    oa.remove_ip(&sid, &kept).keep_ip(true).await.expect("removed");
    assert_eq!(oa.list_server_ips(&sid).await.expect("listed").len(), 1);
    let public = oa.get_public_ip(&kept).await.expect("kept");
    assert!(public.assigned_to.is_none());
    let first = ips[0].id.clone();
    oa.remove_ip(&sid, &first).await.expect("removed");
    let error = oa.get_public_ip(&first).await.expect_err("released");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));

    // The DVD unit and the snapshot.
    let dvd = oa.list_dvds().await.expect("listed")[0].id.clone();
    oa.load_dvd(&sid, &dvd).await.expect("loaded");
    assert_eq!(oa.get_server_dvd(&sid).await.expect("got").id, dvd);
    oa.eject_dvd(&sid).await.expect("ejected");
    let error = oa.get_server_dvd(&sid).await.expect_err("empty");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
    let snapshot = oa.create_snapshot(&sid).await.expect("taken").snapshot.expect("a snapshot");
    let listed = oa.list_server_snapshots(&sid).await.expect("listed");
    assert_eq!(listed[0]["id"], json!(snapshot.id));
    oa.delete_snapshot(&sid, &snapshot.id).await.expect("deleted");

    // Rename, then clone.
    let renamed = oa.modify_server(&sid, "renamed").await.expect("renamed");
    assert_eq!(renamed.name.as_deref(), Some("renamed"));
    let clone = oa.clone_server(&sid, "the copy").await.expect("cloned");
    assert_ne!(clone.id, sid);
    assert_eq!(clone.name.as_deref(), Some("the copy"));
    assert_eq!(oa.list_servers().await.expect("listed").len(), 2);
}

#[tokio::test]
async fn lists_page_search_and_sort() {
    let sim = Simulator::oneandone().empty().start().await.expect("starts");
    let oa = sim.client();
    assert!(oa.list_appliances().await.expect("listed").is_empty(), "an empty account");
    for dns in ["c.example.com", "a.example.com", "b.example.org", "d.example.com", "e.example.com"]
    {
        oa.create_public_ip().reverse_dns(dns).await.expect("created");
    }
    let all = oa.list_public_ips().await.expect("listed");
    assert_eq!(all.len(), 5);
    let page = oa.list_public_ips().page(2).per_page(2).sort("reverse_dns").await.expect("listed");
    let names: Vec<_> = page.iter().filter_map(|ip| ip.reverse_dns.as_deref()).collect();
    assert_eq!(names, ["c.example.com", "d.example.com"]);
    let last = oa.list_public_ips().page(3).per_page(2).await.expect("listed");
    assert_eq!(last.len(), 1);
    let found = oa.list_public_ips().q("EXAMPLE.ORG").await.expect("listed");
    assert_eq!(found.len(), 1);
    let sorted = oa.list_public_ips().sort("-reverse_dns").await.expect("listed");
    assert_eq!(sorted[0].reverse_dns.as_deref(), Some("e.example.com"));
    let (status, body) = raw(&sim, "GET", "/public_ips?fields=ip", None).await;
    assert_eq!(status, 200);
    assert_eq!(body[0].as_object().map(|o| o.len()), Some(2), "id and ip: {body}");
    // The page stream walks them all.
    let walked = oa.list_public_ips().per_page(2).pages().all().await.expect("walked");
    assert_eq!(walked.len(), 5);
}

#[tokio::test]
async fn wrong_or_missing_tokens_are_unauthorized() {
    let sim = Simulator::oneandone().token("right").start().await.expect("starts");
    let oa = oneandone::Client::builder(oneandone::Credentials::token("wrong"))
        .base_url(sim.base_url())
        .build()
        .expect("valid settings");
    let error = oa.list_servers().await.expect_err("refused");
    assert_eq!(error.kind(), Some(&ErrorKind::Unauthorized));
    assert_eq!(error.status(), Some(401));
    let response = http().get(format!("{}/servers", sim.base_url())).send().await.expect("answers");
    assert_eq!(response.status().as_u16(), 401);
    let body: Value = serde_json::from_str(&response.text().await.expect("a body")).expect("json");
    assert_error_shape(&body, "UNAUTHORIZED");
    assert!(sim.client().list_servers().await.is_ok());
    assert_eq!(DEFAULT_TOKEN, "sim-token");
}

#[tokio::test]
async fn invalid_requests_are_refused_with_400_naming_the_member_before_any_change() {
    let sim = Simulator::oneandone().start().await.expect("starts");
    let hardware = |size: i64| {
        json!({"name": "s", "hardware": {"vcore": 1, "cores_per_processor": 1, "ram": 1,
            "hdds": [{"size": size, "is_main": true}]}})
    };
    let (status, body) = raw(&sim, "POST", "/servers", Some(hardware(30))).await;
    assert_eq!(status, 400, "{body}");
    assert_error_shape(&body, "BAD_REQUEST");
    assert!(body["message"].as_str().expect("text").contains("hardware.hdds"), "{body}");
    assert!(body["errors"][0]["field"].as_str().expect("a field").starts_with("hardware.hdds"));

    let (status, body) = raw(&sim, "POST", "/servers", Some(json!({"name": "s"}))).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().expect("text").contains("hardware.hdds"), "{body}");

    let (status, body) = raw(
        &sim,
        "PUT",
        "/servers/0123456789ABCDEF0123456789ABCDEF/status/action",
        Some(json!({"action": "EXPLODE", "method": "SOFTWARE"})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().expect("text").contains("EXPLODE"), "{body}");

    let (status, body) = raw(&sim, "POST", "/load_balancers", Some(json!({"name": "lb", "health_check_interval": 1, "rules": [{"protocol": "TCP", "port_balancer": 80, "port_server": 80}]}))).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().expect("text").contains("health_check_interval"), "{body}");

    let response = http()
        .post(format!("{}/servers", sim.base_url()))
        .header("X-TOKEN", DEFAULT_TOKEN)
        .body("{not json")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 400);

    // Exactly one main disk: the client refuses before sending, and so does the simulator
    // when another client sends it anyway.
    let oa = sim.client();
    let server = NewServer::new().name("two mains").vcore(1).cores_per_processor(1).ram(1.0);
    let error = oa
        .create_server(server, vec![NewHdd::new(40, true), NewHdd::new(40, true)])
        .await
        .expect_err("refused");
    assert!(matches!(error, oneandone::Error::InvalidArgument(_)), "{error:?}");
    let two_mains = serde_json::json!({"name": "two mains", "appliance_id": "D9DBA7D7F7E9C8200A493CE9013C4605",
        "hardware": {"vcore": 1, "cores_per_processor": 1, "ram": 1,
                     "hdds": [{"size": 40, "is_main": true}, {"size": 40, "is_main": true}]}});
    let response = reqwest::Client::new()
        .post(format!("{}/servers", sim.base_url()))
        .header("X-TOKEN", DEFAULT_TOKEN)
        .header("content-type", "application/json")
        .body(two_mains.to_string())
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 400);
    let body = response.text().await.expect("a body");
    assert!(
        body.contains("exactly one item with is_main true"),
        "the refusal names the main-disk rule: {body}"
    );
    assert!(oa.list_servers().await.expect("listed").is_empty(), "nothing was created");
}

#[tokio::test]
async fn unknown_paths_ids_and_methods() {
    let sim = Simulator::oneandone().start().await.expect("starts");
    let oa = sim.client();
    let error = oa.get_server("0123456789ABCDEF0123456789ABCDEF").await.expect_err("none");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
    let (status, body) = raw(&sim, "GET", "/no_such_things", None).await;
    assert_eq!(status, 404);
    assert_error_shape(&body, "NOT_FOUND");
    let response = http()
        .patch(format!("{}/servers", sim.base_url()))
        .header("X-TOKEN", DEFAULT_TOKEN)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 405);
    let allow = response.headers()["allow"].to_str().expect("text").to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let body: Value = serde_json::from_str(&response.text().await.expect("a body")).expect("json");
    assert_error_shape(&body, "METHOD_NOT_ALLOWED");
    let (status, _) = raw(&sim, "GET", "/servers/fixed_instance_sizes", None).await;
    assert_eq!(status, 200, "a literal segment is not a server id");
}

#[tokio::test]
async fn deleting_a_parent_removes_its_attachments_or_is_refused() {
    let sim = Simulator::oneandone().polls_until_ready(0).start().await.expect("starts");
    let oa = sim.client();
    let lb = oa
        .create_load_balancer(
            NewLoadBalancer::new("lb"),
            vec![NewLoadBalancerRule::new("TCP", 80, 80)],
        )
        .await
        .expect("created");
    let server = NewServer::new().name("web").vcore(1).cores_per_processor(1).ram(1.0);
    let server = oa.create_server(server, vec![NewHdd::new(40, true)]).await.expect("created");
    let ip = server.ips.clone().unwrap_or_default()[0].id.clone();
    oa.attach_load_balancer_server(&lb.id, vec![ip.clone()]).await.expect("attached");
    assert_eq!(oa.list_ip_load_balancers(&server.id, &ip).await.expect("listed").len(), 1);
    let error = oa.delete_public_ip(&ip).await.expect_err("still assigned");
    assert_eq!(error.kind(), Some(&ErrorKind::BadRequest));

    let pn = oa
        .create_private_network(oneandone::models::NewPrivateNetwork::new("back"))
        .await
        .expect("created");
    oa.assign_private_network(&server.id, &pn.id).await.expect("attached");
    let error = oa.delete_private_network(&pn.id).await.expect_err("has servers");
    assert_eq!(error.kind(), Some(&ErrorKind::BadRequest));
    assert_eq!(oa.list_private_network_servers(&pn.id).await.expect("listed").len(), 1);
    let on_server = oa.private_network_info(&server.id, &pn.id).await.expect("got");
    assert_eq!(on_server.name.as_deref(), Some("back"));

    let deleted = oa.delete_server(&server.id).await.expect("deleted");
    assert_eq!(deleted.status.and_then(|s| s.state), Some(ResourceState::Removing));
    let error = oa.get_server(&server.id).await.expect_err("gone");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
    assert!(oa.list_load_balancer_servers(&lb.id).await.expect("listed").is_empty());
    assert!(oa.list_private_network_servers(&pn.id).await.expect("listed").is_empty());
    let error = oa.get_public_ip(&ip).await.expect_err("released with the server");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
    oa.delete_private_network(&pn.id).await.expect("now empty");

    // keep_ips keeps them, unassigned.
    let server = NewServer::new().name("web2").vcore(1).cores_per_processor(1).ram(1.0);
    let server = oa.create_server(server, vec![NewHdd::new(40, true)]).await.expect("created");
    let ip = server.ips.clone().unwrap_or_default()[0].id.clone();
    oa.delete_server(&server.id).keep_ips(true).await.expect("deleted");
    assert!(oa.get_public_ip(&ip).await.expect("kept").assigned_to.is_none());
    oa.delete_public_ip(&ip).await.expect("deleted");

    // Deleting the load balancer takes it off the IPs it balanced.
    let server = NewServer::new().name("web3").vcore(1).cores_per_processor(1).ram(1.0);
    let server = oa.create_server(server, vec![NewHdd::new(40, true)]).await.expect("created");
    let ip = server.ips.clone().unwrap_or_default()[0].id.clone();
    oa.add_load_balancer(&server.id, &ip, &lb.id).await.expect("added");
    oa.delete_load_balancer(&lb.id).await.expect("deleted");
    assert!(oa.list_ip_load_balancers(&server.id, &ip).await.expect("listed").is_empty());
}

#[tokio::test]
async fn inspection_reset_and_time_based_readiness() {
    let sim = Simulator::oneandone()
        .polls_until_ready(1000)
        .ready_after(Duration::from_millis(30))
        .start()
        .await
        .expect("starts");
    let oa = sim.client();
    let pn = oa
        .create_private_network(oneandone::models::NewPrivateNetwork::new("net"))
        .await
        .expect("created");
    let path = format!("/private_networks/{}", pn.id);
    assert_eq!(sim.resource(&path).expect("there")["state"], "CONFIGURING");
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(
        oa.get_private_network(&pn.id).await.expect("got").state,
        Some(ResourceState::Active)
    );
    let snapshot = sim.snapshot();
    assert_eq!(snapshot["private_networks"][0]["id"], json!(pn.id));
    assert!(snapshot["server_appliances"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(sim.received().iter().any(|r| r.method == "POST" && r.path == "/v1/private_networks"));
    sim.reset();
    assert!(sim.received().is_empty());
    assert!(sim.resource(&path).is_none());
    assert!(
        !oa.list_appliances().await.expect("listed").is_empty(),
        "the starting account is back"
    );
}

#[tokio::test]
async fn dropping_the_simulator_stops_it() {
    let sim = Simulator::oneandone().start().await.expect("starts");
    let url = format!("{}/servers", sim.base_url());
    drop(sim);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(http().get(url).timeout(Duration::from_secs(2)).send().await.is_err());
}

#[tokio::test]
async fn the_binary_serves_oneandone_with_the_token_it_is_given() {
    let sim = common::serve(&["--provider", "oneandone", "--port", "0", "--token", "T", "--empty"]);
    let base = sim.base_url.clone();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/v1"), "{base}");
    let ok = http().get(format!("{base}/server_appliances")).header("X-TOKEN", "T").send();
    let ok = ok.await.expect("answers");
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.text().await.expect("a body"), "[]", "--empty");
    let refused = http().get(format!("{base}/servers")).header("X-TOKEN", DEFAULT_TOKEN).send();
    assert_eq!(refused.await.expect("answers").status().as_u16(), 401);
}

// ---------------------------------------------------------------------------------------------
// Every operation of the catalog, through `Client::call`.

/// The ids of one of everything.
struct Account {
    ids: BTreeMap<&'static str, String>,
}

async fn post(sim: &Running, path: &str, body: Value) -> Value {
    let (status, body) = raw(sim, "POST", path, Some(body)).await;
    assert!((200..300).contains(&status), "POST {path}: {status} {body}");
    body
}

/// Creates one of every resource kind, attached to each other.
async fn account(sim: &Running) -> Account {
    let mut ids = BTreeMap::new();
    let (_, dvds) = raw(sim, "GET", "/dvd_isos", None).await;
    ids.insert("dvd", id(&dvds[0]));
    let (_, flavors) = raw(sim, "GET", "/servers/fixed_instance_sizes", None).await;
    ids.insert("flavor", id(&flavors[0]));
    let (_, appliances) = raw(sim, "GET", "/server_appliances", None).await;
    ids.insert("appliance", id(&appliances[0]));
    let (_, users) = raw(sim, "GET", "/users", None).await;
    ids.insert("user", id(&users[0]));
    ids.insert("user_ip", users[0]["api"]["allowed_ips"][0].as_str().expect("an IP").to_owned());
    let (_, logs) = raw(sim, "GET", "/logs", None).await;
    ids.insert("log", id(&logs[0]));
    let server = post(
        sim,
        "/servers",
        json!({"name": "s", "appliance_id": ids["appliance"],
        "hardware": {"vcore": 1, "cores_per_processor": 1, "ram": 1,
        "hdds": [{"size": 40, "is_main": true}, {"size": 40, "is_main": false}]}}),
    )
    .await;
    ids.insert("server", id(&server));
    ids.insert("hdd", id(&server["hardware"]["hdds"][1]));
    ids.insert("ip", id(&server["ips"][0]));
    let lb = post(sim, "/load_balancers", json!({"name": "lb", "rules": [{"protocol": "TCP", "port_balancer": 80, "port_server": 80}]})).await;
    ids.insert("lb", id(&lb));
    ids.insert("lb_rule", id(&lb["rules"][0]));
    let fw = post(
        sim,
        "/firewall_policies",
        json!({"name": "fw", "rules": [{"protocol": "TCP", "port_from": 80, "port_to": 80}]}),
    )
    .await;
    ids.insert("fw", id(&fw));
    ids.insert("fw_rule", id(&fw["rules"][0]));
    let pn = post(sim, "/private_networks", json!({"name": "pn"})).await;
    ids.insert("pn", id(&pn));
    let threshold = json!({"warning": {"value": 90, "alert": false}, "critical": {"value": 95, "alert": false}});
    let mp = post(sim, "/monitoring_policies", json!({"name": "mp",
        "thresholds": {"cpu": threshold, "ram": threshold, "disk": threshold, "transfer": threshold, "internal_ping": threshold},
        "ports": [{"protocol": "TCP", "port": 22, "alert_if": "RESPONDING"}],
        "processes": [{"process": "sshd", "alert_if": "NOT_RUNNING"}]})).await;
    ids.insert("mp", id(&mp));
    ids.insert("port", id(&mp["ports"][0]));
    ids.insert("process", id(&mp["processes"][0]));
    let ss = post(sim, "/shared_storages", json!({"name": "ss", "size": 50})).await;
    ids.insert("ss", id(&ss));
    let image = post(
        sim,
        "/images",
        json!({"server_id": ids["server"], "name": "img", "frequency": "ONCE", "num_images": 1}),
    )
    .await;
    ids.insert("image", id(&image));
    let public = post(sim, "/public_ips", json!({})).await;
    ids.insert("public_ip", id(&public));
    // Attach everything to the server.
    let (server, ip) = (&ids["server"], &ids["ip"]);
    post(sim, &format!("/load_balancers/{}/server_ips", ids["lb"]), json!({"server_ips": [ip]}))
        .await;
    raw(
        sim,
        "PUT",
        &format!("/servers/{server}/ips/{ip}/firewall_policy"),
        Some(json!({"id": ids["fw"]})),
    )
    .await;
    post(sim, &format!("/private_networks/{}/servers", ids["pn"]), json!({"servers": [server]}))
        .await;
    post(sim, &format!("/monitoring_policies/{}/servers", ids["mp"]), json!({"servers": [server]}))
        .await;
    post(
        sim,
        &format!("/shared_storages/{}/servers", ids["ss"]),
        json!({"servers": [{"id": server, "rights": "RW"}]}),
    )
    .await;
    raw(sim, "PUT", &format!("/servers/{server}/dvd"), Some(json!({"id": ids["dvd"]}))).await;
    Account { ids }
}

impl Account {
    /// The value of the path parameter `name` of the operation at `path`.
    fn path_value(&self, path: &str, name: &str) -> String {
        let key = match name {
            "server_id" => "server",
            "ip_id" if path.starts_with("/public_ips") => "public_ip",
            "ip_id" | "server_ip_id" => "ip",
            "hdd_id" => "hdd",
            "load_balancer_id" => "lb",
            "firewall_id" => "fw",
            "rule_id" if path.starts_with("/load_balancers") => "lb_rule",
            "rule_id" => "fw_rule",
            "private_network_id" => "pn",
            "monitoring_policy_id" => "mp",
            "port_id" => "port",
            "process_id" => "process",
            "shared_storage_id" => "ss",
            "image_id" => "image",
            "appliance_id" => "appliance",
            "iso_id" => "dvd",
            "fixed_server_id" => "flavor",
            "user_id" => "user",
            "ip" => "user_ip",
            "log_id" => "log",
            // The snapshot is made by the setup of the operations that need one.
            "snapshot_id" => "snapshot",
            other => panic!("no value for the path parameter {other} of {path}"),
        };
        self.ids.get(key).cloned().unwrap_or_else(|| format!("missing-{key}"))
    }

    /// A minimal valid value of the body parameter or model field `name` of type `ty`.
    fn value(
        &self,
        name: &str,
        ty: &Type,
        limits_min: Option<f64>,
        multiple: Option<i64>,
    ) -> Value {
        match (name, ty) {
            ("server_ips", _) => json!([self.ids["ip"]]),
            ("servers" | "server_ids", Type::List(Type::String)) => json!([self.ids["server"]]),
            ("ips", _) => json!(["192.0.2.10"]),
            ("load_balancer_id", _) => json!(self.ids["lb"]),
            ("firewall_id", _) => json!(self.ids["fw"]),
            ("private_network_id", _) => json!(self.ids["pn"]),
            ("dvd_id", _) => json!(self.ids["dvd"]),
            ("image_id" | "appliance_id", _) => json!(self.ids["appliance"]),
            ("server_id", _) => json!(self.ids["server"]),
            ("id", _) => json!(self.ids["server"]),
            ("size", _) => json!(200),
            (_, Type::String | Type::Date) => json!(format!("sim-{name}")),
            (_, Type::Integer) => {
                let min = limits_min.map_or(1, |m| m as i64).max(1);
                let step = multiple.unwrap_or(1);
                json!((min + step - 1) / step * step)
            }
            (_, Type::Number) => json!(limits_min.unwrap_or(1.0).max(1.0)),
            (_, Type::Boolean) => json!(false),
            (_, Type::Enum(_, values)) => json!(values[0]),
            (_, Type::Json) => json!({}),
            (_, Type::Map(_)) => json!({}),
            (_, Type::List(item)) => json!([self.value(name, item, None, None)]),
            (_, Type::Model(model)) => self.model(model),
        }
    }

    /// The model's required fields (by their Rust names, as `Client::call` takes them), and
    /// the hardware a server needs.
    fn model(&self, model: &str) -> Value {
        let info = oneandone::CATALOG.model(model).expect("a model of the catalog");
        let mut object = serde_json::Map::new();
        for field in info.fields.iter().filter(|f| f.required) {
            object.insert(
                field.name.to_owned(),
                self.value(field.name, &field.ty, field.limits.min, field.limits.multiple_of),
            );
        }
        if model == "NewServer" {
            object.insert("vcore".to_owned(), json!(1));
            object.insert("cores_per_processor".to_owned(), json!(1));
            object.insert("ram".to_owned(), json!(1.0));
            object.insert("appliance_id".to_owned(), json!(self.ids["appliance"]));
        }
        if model == "NewHdd" {
            object.insert("is_main".to_owned(), json!(true));
        }
        Value::Object(object)
    }

    fn args(&self, path: &str, params: &[ParamInfo]) -> Value {
        let mut args = serde_json::Map::new();
        for param in params.iter().filter(|p| p.required) {
            let value = match param.location {
                Location::Path => json!(self.path_value(path, param.name)),
                _ => self.value(param.name, &param.ty, param.limits.min, param.limits.multiple_of),
            };
            args.insert(param.name.to_owned(), value);
        }
        if let Some(hdds) = args.get_mut("hdds").filter(|_| path.ends_with("/hardware/hdds")) {
            // A server has its main disk; the new ones are not.
            hdds[0]["is_main"] = json!(false);
        }
        Value::Object(args)
    }
}

/// The operations the API refuses on the account [`account`] makes, and why.
const REFUSED: &[(&str, ErrorKind, &str)] = &[
    ("delete_private_network", ErrorKind::BadRequest, "the private network has a server"),
    ("remove_private_network", ErrorKind::BadRequest, "the server is powered on"),
];

#[tokio::test]
async fn every_catalog_operation_answers_and_decodes_with_the_typed_models() {
    let sim = Simulator::oneandone().polls_until_ready(0).start().await.expect("starts");
    let oa = sim.client();
    let mut failures = Vec::new();
    let mut refused_seen = Vec::new();
    for op in oneandone::CATALOG.operations {
        sim.reset();
        let mut account = account(&sim).await;
        if op.path.contains("{snapshot_id}") {
            let (_, server) =
                raw(&sim, "POST", &format!("/servers/{}/snapshots", account.ids["server"]), None)
                    .await;
            account.ids.insert("snapshot", id(&server["snapshot"]));
        }
        let args = account.args(op.path, op.params);
        match oa.call(op.name, args.clone()).await {
            Ok(_) => {}
            Err(error) => {
                match (REFUSED.iter().find(|(name, ..)| *name == op.name), error.kind()) {
                    (Some((_, kind, _)), Some(got)) if got == kind => refused_seen.push(op.name),
                    _ => failures.push(format!("{} {args}: {error}", op.name)),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    let expected: Vec<&str> = REFUSED.iter().map(|(name, ..)| *name).collect();
    assert_eq!(refused_seen, expected, "each refusal is one the API makes");
}

// ---------------------------------------------------------------------------------------------
// The shapes of the real answers.

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/oneandone")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every top-level member of the real answer (its first item, for a list), the simulated one
/// has too.
fn assert_same_members(real: &Value, simulated: &Value, what: &str) {
    let first = |v: &Value| if v.is_array() { v[0].clone() } else { v.clone() };
    let (real, simulated) = (first(real), first(simulated));
    let have: Vec<&String> = simulated.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    for key in real.as_object().expect("an object").keys() {
        assert!(have.contains(&key), "{what} lacks {key:?}: {simulated}");
    }
}

#[tokio::test]
async fn answers_have_the_members_of_the_real_fixtures() {
    let sim = Simulator::oneandone().polls_until_ready(0).start().await.expect("starts");
    let account = account(&sim).await;
    let ids = &account.ids;
    let server = &ids["server"];
    let ip = &ids["ip"];
    let (_, snapshot_server) =
        raw(&sim, "POST", &format!("/servers/{server}/snapshots"), None).await;
    let cases: Vec<(&str, String)> = vec![
        ("get_server.json", format!("/servers/{server}")),
        ("add_new_ip.json", format!("/servers/{server}")),
        ("list_servers.json", "/servers".to_owned()),
        ("list_servers.libcloud.json", "/servers".to_owned()),
        ("get_server_hardware.json", format!("/servers/{server}/hardware")),
        ("list_server_hdds.json", format!("/servers/{server}/hardware/hdds")),
        ("list_server_ips.json", format!("/servers/{server}/ips")),
        ("get_server_ip.json", format!("/servers/{server}/ips/{ip}")),
        ("list_ip_firewall_policy.json", format!("/servers/{server}/ips/{ip}/firewall_policy")),
        ("get_server_status.json", format!("/servers/{server}/status")),
        ("list_server_snapshots.json", format!("/servers/{server}/snapshots")),
        ("fixed_server_flavors.json", "/servers/fixed_instance_sizes".to_owned()),
        ("list_images.json", "/images".to_owned()),
        ("get_image.json", format!("/images/{}", ids["image"])),
        ("list_shared_storages.json", "/shared_storages".to_owned()),
        ("attach_server_shared_storage.json", format!("/shared_storages/{}", ids["ss"])),
        ("get_credentials.json", "/shared_storages/access".to_owned()),
        ("list_firewall_policies.json", "/firewall_policies".to_owned()),
        ("create_firewall_policy.json", format!("/firewall_policies/{}", ids["fw"])),
        ("list_load_balancers.json", "/load_balancers".to_owned()),
        ("create_load_balancer.json", format!("/load_balancers/{}", ids["lb"])),
        ("list_public_ips.json", "/public_ips".to_owned()),
        ("create_public_ip.json", format!("/public_ips/{}", ids["public_ip"])),
        ("list_private_networks.json", "/private_networks".to_owned()),
        ("create_private_network.json", format!("/private_networks/{}", ids["pn"])),
        ("list_monitoring_policies.json", "/monitoring_policies".to_owned()),
        ("create_monitoring_policy.json", format!("/monitoring_policies/{}", ids["mp"])),
        (
            "get_monitoring_policy_port.json",
            format!("/monitoring_policies/{}/ports/{}", ids["mp"], ids["port"]),
        ),
        ("list_logs.json", "/logs".to_owned()),
        ("list_users.json", "/users".to_owned()),
        ("list_appliances.json", "/server_appliances".to_owned()),
        ("list_dvds.json", "/dvd_isos".to_owned()),
        ("list_server_usages.json", "/monitoring_center".to_owned()),
        ("get_usage.json", format!("/monitoring_center/{server}")),
    ];
    for (name, path) in cases {
        let (status, body) = raw(&sim, "GET", &path, None).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        assert_same_members(&fixture(name), &body, &format!("{name} (GET {path})"));
    }
    assert_same_members(&fixture("create_server.json"), &snapshot_server, "create_snapshot");
    let (_, deleted) = raw(&sim, "DELETE", &format!("/servers/{server}"), None).await;
    assert_same_members(&fixture("delete_server.json"), &deleted, "delete_server");
}

#[tokio::test]
async fn odd_requests_get_error_answers_never_a_dropped_connection() {
    let sim = Simulator::oneandone().polls_until_ready(0).start().await.expect("starts");
    let account = account(&sim).await;
    let junk =
        [json!("x"), json!(7), json!(-1.5), json!(true), json!([1, "a", null]), json!({"id": 1})];
    for op in oneandone::CATALOG.operations {
        let mut path = op.path.to_owned();
        for param in op.params.iter().filter(|p| p.location == Location::Path) {
            let value = account.path_value(op.path, param.name);
            path = path.replace(&format!("{{{}}}", param.name), &value);
        }
        let members: Vec<&str> = op
            .params
            .iter()
            .filter(|p| p.location == Location::Body)
            .flat_map(|p| match (p.flatten, p.ty) {
                (true, Type::Model(m)) => oneandone::CATALOG
                    .model(m)
                    .map(|m| m.fields.iter().map(|f| f.wire).collect::<Vec<_>>())
                    .unwrap_or_default(),
                _ => vec![p.wire],
            })
            .map(|wire| wire.split('.').next().unwrap_or(wire))
            .collect();
        let mut bodies = vec![None, Some(json!({})), Some(json!([1])), Some(json!("text"))];
        for value in &junk {
            let mut body = account.args(op.path, op.params);
            if let Some(object) = body.as_object_mut() {
                object.retain(|k, _| !op.param(k).is_some_and(|p| p.location == Location::Path));
            }
            for member in &members {
                body[*member] = value.clone();
            }
            bodies.push(Some(body));
        }
        for body in bodies {
            let method = op.method.as_str();
            let (status, answer) = raw(&sim, method, &path, body.clone()).await;
            assert!((200..500).contains(&status), "{method} {path} {body:?}: {status} {answer}");
            if status >= 400 {
                assert!(answer["type"].is_string(), "{method} {path}: {answer}");
            }
        }
        let (status, _) = raw(&sim, "GET", "/servers", None).await;
        assert_eq!(status, 200, "still answering after {}", op.name);
    }
    let (status, _) = raw(&sim, "GET", "/servers/%ZZ/ips/%00", None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn every_wire_vector_is_routed_back_to_its_operation() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/wire/oneandone.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let vectors: Vec<Value> = serde_json::from_str(&text).expect("the vectors");
    let sim = Simulator::oneandone().start().await.expect("starts");
    let mut wrong = Vec::new();
    for vector in &vectors {
        let request = &vector["request"];
        let method = request["method"].as_str().expect("a method");
        let mut url = reqwest::Url::parse(&format!(
            "{}{}",
            sim.base_url(),
            request["path"].as_str().expect("a path")
        ))
        .expect("a URL");
        if let Some(query) = request["query"].as_object() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                let values = match value {
                    Value::Array(items) => items.clone(),
                    other => vec![other.clone()],
                };
                for value in values {
                    pairs.append_pair(
                        name,
                        value.as_str().map_or_else(|| value.to_string(), str::to_owned).as_str(),
                    );
                }
            }
        }
        let mut call = http()
            .request(reqwest::Method::from_bytes(method.as_bytes()).expect("a method"), url)
            .header("X-TOKEN", sim.token());
        if let Some(json) = request.get("json") {
            call = call.header("content-type", "application/json").body(json.to_string());
        }
        let status = call.send().await.expect("answers").status().as_u16();
        let received = sim.received().pop().expect("received");
        let named = vector["op"].as_str().expect("an op");
        // Class helpers (`Server.get`) are aliases of operations.
        let expected = oneandone::CATALOG.operation(named).map(|op| op.name);
        // The simulator may still answer 404 for ids it does not know.
        if received.operation != expected || status == 405 || status == 401 {
            wrong.push(format!(
                "{method} {} ({named}): routed to {:?}, {status}",
                request["path"], received.operation
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn faults_answer_in_1and1_shape_and_failed_work_never_settles() {
    use cloud_sdks_sim::faults::{Fault, Rule};
    let sim = Simulator::oneandone().start().await.expect("starts");
    let oa = sim.client();
    // A rate limit once: the client waits X-Rate-Limit-Reset and retries the read.
    sim.faults().add(
        Rule::new(Fault::RateLimited { retry_after: Duration::from_secs(1) })
            .operation("list_servers")
            .times(1),
    );
    let (status, body) = raw(&sim, "GET", "/servers", None).await;
    assert_eq!(status, 429);
    assert_error_shape(&body, "RATE_LIMIT");
    sim.faults().add(
        Rule::new(Fault::RateLimited { retry_after: Duration::from_secs(1) })
            .operation("list_servers")
            .times(1),
    );
    assert!(oa.list_servers().await.expect("retried").is_empty());
    let statuses: Vec<(u16, Option<&str>)> =
        sim.received().iter().map(|r| (r.status, r.operation)).collect();
    assert_eq!(
        statuses,
        [(429, Some("list_servers")), (429, Some("list_servers")), (200, Some("list_servers"))]
    );
    let response = http()
        .get(format!("{}/servers", sim.base_url()))
        .header("X-TOKEN", DEFAULT_TOKEN)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 200, "the rules are used up");

    sim.faults().add(Rule::new(Fault::Status(503)).operation("get_server").times(1));
    let response = http()
        .get(format!("{}/servers/X", sim.base_url()))
        .header("X-TOKEN", DEFAULT_TOKEN)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 503);
    let body: Value = serde_json::from_str(&response.text().await.expect("a body")).expect("json");
    assert_error_shape(&body, "SERVICE_UNAVAILABLE");

    // A deployment that fails stays DEPLOYING: the wait times out.
    sim.faults()
        .add(Rule::new(Fault::FailWork("no capacity".to_owned())).operation("create_server"));
    let server = NewServer::new().name("doomed").vcore(1).cores_per_processor(1).ram(1.0);
    let created = oa.create_server(server, vec![NewHdd::new(40, true)]).await.expect("accepted");
    let error = oa
        .server(&created.id)
        .wait_for()
        .interval(FAST)
        .timeout(Duration::from_millis(50))
        .await
        .expect_err("never ready");
    assert!(matches!(error, oneandone::Error::Wait(_)), "{error}");
    let status = oa.get_server_status(&created.id).await.expect("got");
    assert_eq!(status.state, Some(ResourceState::Deploying));
}

/// Issue 12 item 9: a port's protocol and number and a process's name cannot change. The
/// client reads them first and sends them back unchanged; the simulator refuses another value.
#[tokio::test]
async fn monitored_ports_and_processes_keep_what_cannot_change() {
    use oneandone::models::{
        MonitoringPortUpdate, MonitoringProcessUpdate, PortAlertIf, ProcessAlertIf,
    };
    let sim = Simulator::oneandone().polls_until_ready(0).start().await.expect("starts");
    let account = account(&sim).await;
    let (mp, port, process) = (&account.ids["mp"], &account.ids["port"], &account.ids["process"]);
    let port_path = format!("/monitoring_policies/{mp}/ports/{port}");
    let (status, refused) =
        raw(&sim, "PUT", &port_path, Some(json!({"ports": {"protocol": "UDP", "port": 22}}))).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "ports.protocol", "{refused}");

    let sent_before = sim.received().len();
    let client = sim.client();
    let change =
        MonitoringPortUpdate::new().alert_if(PortAlertIf::NotResponding).email_notification(false);
    client.modify_port(mp.as_str(), port.as_str(), change).await.expect("the change is accepted");
    let change = MonitoringProcessUpdate::new().alert_if(ProcessAlertIf::Running);
    client.modify_process(mp.as_str(), process.as_str(), change).await.expect("accepted");

    let sent: Vec<_> = sim.received().into_iter().skip(sent_before).collect();
    let calls: Vec<(&str, &str)> =
        sent.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
    let process_path = format!("/v1/monitoring_policies/{mp}/processes/{process}");
    let port_path = format!("/v1{port_path}");
    assert_eq!(
        calls,
        [
            ("GET", &*port_path),
            ("PUT", &*port_path),
            ("GET", &*process_path),
            ("PUT", &*process_path)
        ]
    );
    let body: Value = serde_json::from_str(&sent[1].body).expect("JSON");
    assert_eq!(
        body,
        json!({"ports": {"alert_if": "NOT_RESPONDING", "email_notification": false, "protocol": "TCP", "port": 22}})
    );
    let policy = sim.resource(&format!("/monitoring_policies/{mp}")).expect("still there");
    assert_eq!(policy["ports"][0]["protocol"], "TCP");
    assert_eq!(policy["ports"][0]["port"], 22);
    assert_eq!(policy["ports"][0]["alert_if"], "NOT_RESPONDING");
    assert_eq!(policy["processes"][0]["process"], "sshd");
    assert_eq!(policy["processes"][0]["alert_if"], "RUNNING");
}
