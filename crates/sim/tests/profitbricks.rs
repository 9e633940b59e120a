//! The ProfitBricks simulator through the real `profitbricks` client and through raw HTTP.

#![cfg(feature = "profitbricks")]

use std::time::Duration;

use cloud_sdks_runtime::catalog::Verb;
use cloud_sdks_sim::profitbricks::{DEFAULT_PASSWORD, DEFAULT_USERNAME};
use cloud_sdks_sim::Simulator;
use profitbricks::models::{LicenceType, NewDatacenter, NewServer, NewVolume, State, VolumeType};
use profitbricks::ErrorKind;
use serde_json::{json, Value};

mod common;

use common::http;

async fn raw(
    sim: &cloud_sdks_sim::profitbricks::Running,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = http()
        .request(method, format!("{}{path}", sim.base_url()))
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD));
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.expect("the simulator answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn assert_error_shape(body: &Value, status: u16) {
    assert_eq!(body["httpStatus"], json!(status), "{body}");
    let first = &body["messages"][0];
    assert!(first["errorCode"].is_string(), "{body}");
    assert!(first["message"].is_string(), "{body}");
}

#[tokio::test]
async fn a_server_lives_through_create_wait_list_get_delete() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    assert!(sim.base_url().ends_with("/cloudapi/v3"));
    let pb = sim.client();

    let dc = pb.create_datacenter(NewDatacenter::new("web", "de/fra")).await.expect("created");
    assert_eq!(dc.value().metadata.as_ref().and_then(|m| m.state.clone()), Some(State::Busy));
    pb.wait_for(&dc)
        .interval(Duration::from_millis(1))
        .await
        .expect("the data center is provisioned");
    let dc_id = dc.value().id.clone();
    let got = pb.get_datacenter(&dc_id).await.expect("got");
    assert_eq!(got.metadata.and_then(|m| m.state), Some(State::Available));
    assert_eq!(got.properties.and_then(|p| p.location).as_deref(), Some("de/fra"));

    let server = pb.create_server(&dc_id, NewServer::new("app", 2, 2048)).await.expect("created");
    assert!(server.request_id().is_some());
    let server_id = server.value().id.clone();
    assert_eq!(server.value().metadata.as_ref().and_then(|m| m.state.clone()), Some(State::Busy));
    let status = pb
        .wait_for(&server)
        .interval(Duration::from_millis(1))
        .await
        .expect("the server is provisioned");
    assert!(status.metadata.is_some());

    let list = pb.list_servers(&dc_id).await.expect("listed");
    let items = list.items.unwrap_or_default();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].id, server_id);
    let got = pb.get_server(&dc_id, &server_id).await.expect("got");
    assert_eq!(got.metadata.and_then(|m| m.state), Some(State::Available));
    let properties = got.properties.expect("properties");
    assert_eq!(
        (properties.name.as_deref(), properties.cores, properties.ram),
        (Some("app"), Some(2), Some(2048))
    );

    let deleted = pb.delete_server(&dc_id, &server_id).await.expect("deleted");
    assert!(deleted.request_id().is_some());
    let error = pb.get_server(&dc_id, &server_id).await.expect_err("gone");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
    assert!(pb.list_servers(&dc_id).await.expect("listed").items.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn deleting_a_data_center_removes_its_children() {
    let sim = Simulator::profitbricks().polls_until_done(0).start().await.expect("starts");
    let pb = sim.client();
    let dc = pb
        .create_datacenter(NewDatacenter::new("web", "us/las"))
        .await
        .expect("created")
        .into_inner();
    let server = pb
        .create_server(&dc.id, NewServer::new("app", 1, 1024))
        .await
        .expect("created")
        .into_inner();
    // With 0 polls everything is available at once.
    let got = pb.get_server(&dc.id, &server.id).await.expect("got");
    assert_eq!(got.metadata.and_then(|m| m.state), Some(State::Available));
    pb.delete_datacenter(&dc.id).await.expect("deleted");
    assert_eq!(
        pb.get_datacenter(&dc.id).await.expect_err("gone").kind(),
        Some(&ErrorKind::NotFound)
    );
    assert_eq!(
        pb.get_server(&dc.id, &server.id).await.expect_err("gone").kind(),
        Some(&ErrorKind::NotFound)
    );
    let (status, body) = raw(&sim, "GET", &format!("/datacenters/{}/servers", dc.id), None).await;
    assert_eq!(status, 404);
    assert_error_shape(&body, 404);
}

#[tokio::test]
async fn request_status_goes_queued_running_done() {
    let sim = Simulator::profitbricks().polls_until_done(3).start().await.expect("starts");
    let response = http()
        .post(format!("{}/datacenters", sim.base_url()))
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
        .body(json!({"properties": {"name": "web", "location": "de/fra"}}).to_string())
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 202);
    let location = response.headers()["location"].to_str().expect("text").to_owned();
    let prefix = format!("{}/requests/", sim.base_url());
    let id = location
        .strip_prefix(&prefix)
        .and_then(|l| l.strip_suffix("/status"))
        .expect("a request URL");
    assert_eq!(id.len(), 36);
    let body: Value = serde_json::from_str(&response.text().await.expect("a body")).expect("json");
    assert_eq!(body["metadata"]["state"], "BUSY");
    assert_eq!(body["type"], "datacenter");
    let dc_path = format!("/datacenters/{}", body["id"].as_str().expect("an id"));
    let mut seen = Vec::new();
    for _ in 0..4 {
        let (status, body) = raw(&sim, "GET", &format!("/requests/{id}/status"), None).await;
        assert_eq!(status, 200);
        assert_eq!(body["type"], "request-status");
        assert_eq!(body["metadata"]["targets"][0]["target"]["type"], "datacenter");
        seen.push(body["metadata"]["status"].as_str().expect("a status").to_owned());
        let (_, dc) = raw(&sim, "GET", &dc_path, None).await;
        let expected =
            if seen.last().map(String::as_str) == Some("DONE") { "AVAILABLE" } else { "BUSY" };
        assert_eq!(dc["metadata"]["state"], expected);
    }
    assert_eq!(seen, ["QUEUED", "RUNNING", "DONE", "DONE"]);
    let (_, dc) = raw(&sim, "GET", &dc_path, None).await;
    for child in ["servers", "volumes", "lans", "loadbalancers"] {
        assert_eq!(dc["entities"][child]["type"], "collection", "{dc}");
    }
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_not_authorized() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    let pb = profitbricks::Client::builder(profitbricks::Credentials::basic("someone", "wrong"))
        .base_url(sim.base_url())
        .build()
        .expect("valid settings");
    let error = pb.list_datacenters().await.expect_err("refused");
    assert_eq!(error.kind(), Some(&ErrorKind::NotAuthorized));
    let response =
        http().get(format!("{}/datacenters", sim.base_url())).send().await.expect("answers");
    assert_eq!(response.status().as_u16(), 401);
    let body: Value = serde_json::from_str(&response.text().await.expect("a body")).expect("json");
    assert_error_shape(&body, 401);
    assert_eq!(body["messages"][0]["errorCode"], "315");
}

#[tokio::test]
async fn invalid_requests_are_refused_with_422_naming_the_member_before_any_change() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    let (status, body) =
        raw(&sim, "POST", "/datacenters", Some(json!({"properties": {"name": "web"}}))).await;
    assert_eq!(status, 422);
    assert_error_shape(&body, 422);
    let message = body["messages"][0]["message"].as_str().expect("text");
    assert!(message.contains("properties.location"), "{message}");

    let (status, body) = raw(
        &sim,
        "POST",
        "/datacenters",
        Some(json!({"properties": {"name": 7, "location": "de/fra"}})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["messages"][0]["message"].as_str().expect("text").contains("properties.name"));

    let (status, body) = raw(&sim, "POST", "/datacenters", Some(json!({"properties": {"name": "web", "location": "de/fra"}, "entities": {"servers": {"items": [{"properties": {"name": "a", "cores": 1, "ram": 1024, "cpuFamily": "Z80"}}]}}}))).await;
    assert_eq!(status, 422, "{body}");
    let message = body["messages"][0]["message"].as_str().expect("text");
    assert!(message.contains("cpuFamily") && message.contains("Expected one of"), "{message}");
    assert_eq!(body["messages"][0]["errorCode"], "109");

    let (status, _) = raw(&sim, "GET", "/datacenters?depth=-1", None).await;
    assert_eq!(status, 422);
    let (status, _) = raw(&sim, "GET", "/datacenters?depth=deep", None).await;
    assert_eq!(status, 422);

    let (status, body) = raw(&sim, "GET", "/datacenters", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["items"], json!([]), "nothing was created");
}

#[tokio::test]
async fn the_client_gets_validation_for_a_rule_it_does_not_check() {
    let sim = Simulator::profitbricks().polls_until_done(0).start().await.expect("starts");
    let pb = sim.client();
    let dc = pb
        .create_datacenter(NewDatacenter::new("web", "de/fra"))
        .await
        .expect("created")
        .into_inner();
    // A volume needs an image or a licence type, and a password needs an image: the API's rule,
    // across members, which the client leaves to it.
    let volume = NewVolume::new(10, VolumeType::Hdd)
        .licence_type(LicenceType::Linux)
        .image_password("Kp7xRt3mQa9c");
    let error = pb.create_volume(&dc.id, volume).await.expect_err("refused");
    assert_eq!(error.kind(), Some(&ErrorKind::Validation), "{error}");
    let text = error.to_string();
    assert!(text.contains("licenceType") || text.contains("imagePassword"), "{text}");
    assert!(pb.list_volumes(&dc.id).await.expect("listed").items.unwrap_or_default().is_empty());
    let volume = NewVolume::new(10, VolumeType::Hdd).licence_type(LicenceType::Linux);
    pb.create_volume(&dc.id, volume).await.expect("a licence type is enough");
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    let (status, body) = raw(&sim, "GET", "/nothing-here", None).await;
    assert_eq!(status, 404);
    assert_error_shape(&body, 404);
    assert_eq!(body["messages"][0]["errorCode"], "309");
    let (status, body) =
        raw(&sim, "GET", "/datacenters/00000000-0000-4000-8000-000000000000", None).await;
    assert_eq!(status, 404);
    assert_error_shape(&body, 404);
    let (status, body) = raw(&sim, "PUT", "/datacenters", None).await;
    assert_eq!(status, 405);
    assert_error_shape(&body, 405);
    let response = http()
        .get(format!("http://{}/other/prefix", sim.addr()))
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn locations_and_images_are_there_from_the_start() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    let pb = sim.client();
    let locations = pb.list_locations().await.expect("listed").items.unwrap_or_default();
    assert!(locations.iter().any(|l| l.id == "de/fra"));
    let location = pb.get_location("us/las").await.expect("got");
    assert_eq!(location.id, "us/las");
    let images = pb.list_images().await.expect("listed").items.unwrap_or_default();
    assert!(!images.is_empty());
    pb.get_image(&images[0].id).await.expect("got");
}

#[tokio::test]
async fn every_catalog_operation_is_routed() {
    let sim = Simulator::profitbricks().polls_until_done(0).start().await.expect("starts");
    let create = |path: String, body: Value| {
        let sim = &sim;
        async move {
            let (status, body) = raw(sim, "POST", &path, Some(body)).await;
            assert_eq!(status, 202, "{path}: {body}");
            body["id"].as_str().expect("an id").to_owned()
        }
    };
    let dc =
        create("/datacenters".into(), json!({"properties": {"name": "dc", "location": "de/fra"}}))
            .await;
    let srv = create(
        format!("/datacenters/{dc}/servers"),
        json!({"properties": {"name": "s", "cores": 1, "ram": 1024}}),
    )
    .await;
    let vol = create(
        format!("/datacenters/{dc}/volumes"),
        json!({"properties": {"size": 10, "type": "HDD", "licenceType": "LINUX"}}),
    )
    .await;
    let lan =
        create(format!("/datacenters/{dc}/lans"), json!({"properties": {"public": true}})).await;
    let lb =
        create(format!("/datacenters/{dc}/loadbalancers"), json!({"properties": {"name": "lb"}}))
            .await;
    let nic =
        create(format!("/datacenters/{dc}/servers/{srv}/nics"), json!({"properties": {"lan": 1}}))
            .await;
    let fw = create(
        format!("/datacenters/{dc}/servers/{srv}/nics/{nic}/firewallrules"),
        json!({"properties": {"protocol": "TCP"}}),
    )
    .await;
    let ipb =
        create("/ipblocks".into(), json!({"properties": {"location": "de/fra", "size": 1}})).await;
    let (_, images) = raw(&sim, "GET", "/images", None).await;
    let image = images["items"][0]["id"].as_str().expect("an image").to_owned();
    let cdrom = images["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["properties"]["imageType"] == "CDROM"))
        .and_then(|i| i["id"].as_str())
        .expect("a CD-ROM image")
        .to_owned();
    for (path, id) in [
        (format!("/datacenters/{dc}/servers/{srv}/volumes"), &vol),
        (format!("/datacenters/{dc}/servers/{srv}/cdroms"), &cdrom),
        (format!("/datacenters/{dc}/loadbalancers/{lb}/balancednics"), &nic),
    ] {
        let (status, body) = raw(&sim, "POST", &path, Some(json!({ "id": id }))).await;
        assert_eq!(status, 202, "{path}: {body}");
    }
    let response = http()
        .post(format!("{}/datacenters/{dc}/volumes/{vol}/create-snapshot", sim.base_url()))
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=snap")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 202);
    let snapshot: Value =
        serde_json::from_str(&response.text().await.expect("a body")).expect("json");
    let snapshot = snapshot["id"].as_str().expect("an id").to_owned();
    let response = http()
        .patch(format!("{}/datacenters/{dc}", sim.base_url()))
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
        .body("{}")
        .send()
        .await
        .expect("answers");
    let location = response.headers()["location"].to_str().expect("text").to_owned();
    let request = location.rsplit('/').nth(1).expect("an id").to_owned();

    let ids = [
        ("datacenter_id", dc),
        ("server_id", srv),
        ("volume_id", vol),
        ("lan_id", lan),
        ("loadbalancer_id", lb),
        ("nic_id", nic),
        ("firewall_rule_id", fw),
        ("ipblock_id", ipb),
        ("image_id", image),
        ("location_id", "de/fra".to_owned()),
        ("request_id", request),
        ("cdrom_id", cdrom),
        ("snapshot_id", snapshot),
    ];
    let mut operations: Vec<_> = profitbricks::CATALOG.operations.to_vec();
    // Deletions last, the deepest first, so the others find what they need.
    operations.sort_by_key(|op| {
        (
            op.method == Verb::Delete,
            std::cmp::Reverse(if op.method == Verb::Delete { op.path.len() } else { 0 }),
        )
    });
    let mut failed = Vec::new();
    for op in operations {
        let mut path = op.path.to_owned();
        for (name, id) in &ids {
            path = path.replace(&format!("{{{name}}}"), id);
        }
        assert!(!path.contains('{'), "{}: no id for {path}", op.name);
        let body = (op.body == cloud_sdks_runtime::catalog::BodyKind::Json).then(|| json!({}));
        let (status, answer) = raw(&sim, op.method.as_str(), &path, body).await;
        assert!(
            status != 404 && status != 405,
            "{} {} {path} answered {status}: {answer}",
            op.name,
            op.method
        );
        if status >= 400 {
            assert_error_shape(&answer, status);
        }
        if status >= 500 {
            failed.push(op.name);
        }
    }
    // Every operation of the catalog is answered, none with a server error.
    assert!(failed.is_empty(), "answered 5xx: {failed:?}");
}

#[tokio::test]
async fn dropping_the_simulator_stops_it() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    let url = format!("{}/datacenters", sim.base_url());
    drop(sim);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(http().get(url).timeout(Duration::from_secs(2)).send().await.is_err());
}

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/profitbricks")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn keys(value: &Value) -> Vec<String> {
    value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

/// Every member the real answer has, the simulated one has too, in the envelope, its
/// metadata, its properties and its entities.
fn assert_same_shape(real: &Value, simulated: &Value, what: &str) {
    for part in [None, Some("metadata"), Some("properties"), Some("entities")] {
        let (real, simulated) = match part {
            None => (real, simulated),
            Some(member) => (&real[member], &simulated[member]),
        };
        let have = keys(simulated);
        for key in keys(real) {
            assert!(have.contains(&key), "{what}: {part:?} lacks {key:?}: {simulated}");
        }
    }
}

#[tokio::test]
async fn answers_have_the_members_of_the_real_fixtures() {
    let sim = Simulator::profitbricks().polls_until_done(0).start().await.expect("starts");
    let post = |path: String, body: Value| {
        let sim = &sim;
        async move {
            let (status, body) = raw(sim, "POST", &path, Some(body)).await;
            assert_eq!(status, 202, "{path}: {body}");
            body
        }
    };
    let dc =
        post("/datacenters".into(), json!({"properties": {"name": "dc", "location": "us/las"}}))
            .await;
    assert_same_shape(&fixture("create_datacenter.json"), &dc, "create_datacenter");
    let dc = dc["id"].as_str().expect("an id").to_owned();
    let srv = post(
        format!("/datacenters/{dc}/servers"),
        json!({"properties": {"name": "s", "cores": 2, "ram": 4096}}),
    )
    .await;
    let srv = srv["id"].as_str().expect("an id").to_owned();
    let (_, got) = raw(&sim, "GET", &format!("/datacenters/{dc}/servers/{srv}"), None).await;
    assert_same_shape(&fixture("get_server.json"), &got, "get_server");
    let (_, list) = raw(&sim, "GET", &format!("/datacenters/{dc}/servers"), None).await;
    assert_same_shape(&fixture("list_servers.json")["items"][0], &list["items"][0], "list_servers");
    assert_eq!(list["type"], "collection");
    assert_eq!(list["id"], format!("{dc}/servers"));
    let vol = post(
        format!("/datacenters/{dc}/volumes"),
        json!({"properties": {"size": 10, "type": "HDD", "licenceType": "LINUX"}}),
    )
    .await;
    assert_same_shape(&fixture("create_volume.json"), &vol, "create_volume");
    post(format!("/datacenters/{dc}/lans"), json!({"properties": {"public": true}})).await;
    let (_, lans) = raw(&sim, "GET", &format!("/datacenters/{dc}/lans"), None).await;
    assert_same_shape(&fixture("list_lans.json")["items"][0], &lans["items"][0], "list_lans");
    assert_eq!(lans["items"][0]["id"], "1");
    let nic =
        post(format!("/datacenters/{dc}/servers/{srv}/nics"), json!({"properties": {"lan": 1}}))
            .await;
    let nic_id = nic["id"].as_str().expect("an id").to_owned();
    let (_, nics) = raw(&sim, "GET", &format!("/datacenters/{dc}/servers/{srv}/nics"), None).await;
    assert_same_shape(&fixture("list_nics.json")["items"][0], &nics["items"][0], "list_nics");
    post(
        format!("/datacenters/{dc}/servers/{srv}/nics/{nic_id}/firewallrules"),
        json!({"properties": {"protocol": "TCP"}}),
    )
    .await;
    let (_, rules) = raw(
        &sim,
        "GET",
        &format!("/datacenters/{dc}/servers/{srv}/nics/{nic_id}/firewallrules"),
        None,
    )
    .await;
    assert_same_shape(
        &fixture("get_firewall_rules.json")["items"][0],
        &rules["items"][0],
        "firewall rules",
    );
    post(format!("/datacenters/{dc}/loadbalancers"), json!({"properties": {"name": "lb"}})).await;
    let (_, lbs) = raw(&sim, "GET", &format!("/datacenters/{dc}/loadbalancers"), None).await;
    assert_same_shape(
        &fixture("list_loadbalancers.json")["items"][0],
        &lbs["items"][0],
        "list_loadbalancers",
    );
    post("/ipblocks".into(), json!({"properties": {"location": "us/las", "size": 2}})).await;
    let (_, blocks) = raw(&sim, "GET", "/ipblocks", None).await;
    assert_same_shape(
        &fixture("list_ipblocks.json")["items"][0],
        &blocks["items"][0],
        "list_ipblocks",
    );
    let (_, locations) = raw(&sim, "GET", "/locations", None).await;
    assert_same_shape(
        &fixture("list_locations.json")["items"][0],
        &locations["items"][0],
        "list_locations",
    );
    let (_, images) = raw(&sim, "GET", "/images", None).await;
    assert_same_shape(&fixture("list_images.json")["items"][0], &images["items"][0], "list_images");
    // depth 0 gives bare references; a deeper depth expands the children in place.
    let (_, shallow) = raw(&sim, "GET", "/datacenters?depth=0", None).await;
    assert_eq!(keys(&shallow["items"][0]).len(), 3, "{shallow}");
    let (_, deep) = raw(&sim, "GET", &format!("/datacenters/{dc}?depth=2"), None).await;
    assert_eq!(deep["entities"]["servers"]["items"][0]["properties"]["name"], "s", "{deep}");
}

#[tokio::test]
async fn odd_requests_get_error_answers_not_a_dropped_connection() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    for (method, path, body) in [
        ("GET", "", None),
        ("GET", "/", None),
        ("GET", "//datacenters", None),
        ("GET", "/datacenters/%FF%FE", None),
        ("GET", "/datacenters?depth=99999999999999999999", None),
        ("POST", "/datacenters", Some("[1, 2]")),
        ("POST", "/datacenters", Some("\"text\"")),
        ("POST", "/datacenters", Some("{not json")),
        ("PATCH", "/datacenters/x", Some("[]")),
        (
            "POST",
            "/ipblocks",
            Some("{\"properties\": {\"location\": \"de/fra\", \"size\": 1e300}}"),
        ),
        ("DELETE", "/requests/x/status", None),
    ] {
        let mut request = http()
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).expect("a method"),
                format!("{}{path}", sim.base_url()),
            )
            .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD));
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{method} {path} answered {status}");
        let body: Value =
            serde_json::from_str(&response.text().await.expect("a body")).expect("json");
        assert_error_shape(&body, status);
    }
}

#[tokio::test]
async fn the_binary_serves_on_the_port_it_prints() {
    let sim = common::serve(&[
        "--provider",
        "profitbricks",
        "--port",
        "0",
        "--username",
        "u",
        "--password",
        "p",
    ]);
    let base = sim.base_url.clone();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/cloudapi/v3"), "{base}");
    let response = http()
        .get(format!("{base}/datacenters"))
        .basic_auth("u", Some("p"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 200);
    let response = http()
        .get(format!("{base}/datacenters"))
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn volumes_and_cdroms_attach_to_servers_and_nics_to_load_balancers() {
    let sim = Simulator::profitbricks().polls_until_done(1).start().await.expect("starts");
    let pb = sim.client();
    let dc = pb
        .create_datacenter(NewDatacenter::new("web", "de/fra"))
        .await
        .expect("created")
        .into_inner();
    let boot = NewVolume::new(10, VolumeType::Hdd).licence_type(LicenceType::Linux);
    let server = pb
        .create_server(&dc.id, NewServer::new("app", 1, 1024).create_volumes(vec![boot]))
        .await
        .expect("created");
    pb.wait_for(&server).interval(Duration::from_millis(1)).await.expect("provisioned");
    let server = server.into_inner();
    let attached = pb
        .get_attached_volumes(&dc.id, &server.id)
        .await
        .expect("listed")
        .items
        .unwrap_or_default();
    assert_eq!(attached.len(), 1, "the new server's volume is attached");
    let boot_id = attached[0].id.clone();
    assert_eq!(pb.list_volumes(&dc.id).await.expect("listed").items.unwrap_or_default().len(), 1);

    let data = NewVolume::new(20, VolumeType::Ssd).licence_type(LicenceType::Other);
    let data = pb.create_volume(&dc.id, data).await.expect("created").into_inner();
    let accepted = pb.attach_volume(&dc.id, &server.id, &data.id).await.expect("attached");
    pb.wait_for(&accepted).interval(Duration::from_millis(1)).await.expect("done");
    assert_eq!(
        pb.get_attached_volumes(&dc.id, &server.id)
            .await
            .expect("listed")
            .items
            .unwrap_or_default()
            .len(),
        2
    );
    pb.get_attached_volume(&dc.id, &server.id, &data.id).await.expect("attached");
    pb.detach_volume(&dc.id, &server.id, &data.id).await.expect("detached");
    let error = pb.get_attached_volume(&dc.id, &server.id, &data.id).await.expect_err("detached");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
    assert!(pb.get_volume(&dc.id, &data.id).await.is_ok(), "detaching keeps the volume");
    pb.delete_volume(&dc.id, &boot_id).await.expect("deleted");
    assert!(pb
        .get_attached_volumes(&dc.id, &server.id)
        .await
        .expect("listed")
        .items
        .unwrap_or_default()
        .is_empty());
    let error = pb.attach_volume(&dc.id, &server.id, "no-such-volume").await.expect_err("refused");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));

    let (_, images) = raw(&sim, "GET", "/images", None).await;
    let cdrom = images["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["properties"]["imageType"] == "CDROM"))
        .and_then(|i| i["id"].as_str())
        .expect("a CD-ROM image")
        .to_owned();
    let cdroms = format!("/datacenters/{}/servers/{}/cdroms", dc.id, server.id);
    let (status, body) = raw(&sim, "POST", &cdroms, Some(json!({"id": cdrom}))).await;
    assert_eq!(status, 202, "{body}");
    let (_, got) =
        raw(&sim, "GET", &format!("/datacenters/{}/servers/{}?depth=2", dc.id, server.id), None)
            .await;
    assert_eq!(got["entities"]["cdroms"]["items"][0]["id"], json!(cdrom), "{got}");

    let nic = raw(
        &sim,
        "POST",
        &format!("/datacenters/{}/servers/{}/nics", dc.id, server.id),
        Some(json!({"properties": {"lan": 1}})),
    )
    .await
    .1;
    let lb = raw(
        &sim,
        "POST",
        &format!("/datacenters/{}/loadbalancers", dc.id),
        Some(json!({"properties": {"name": "lb"}})),
    )
    .await
    .1;
    let (lb_id, nic_id) = (lb["id"].as_str().expect("an id"), nic["id"].as_str().expect("an id"));
    pb.add_loadbalanced_nics(&dc.id, lb_id, nic_id).await.expect("balanced");
    let members =
        pb.get_loadbalancer_members(&dc.id, lb_id).await.expect("listed").items.unwrap_or_default();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].id, nic_id);
    // Deleting the server removes its NIC from the load balancer too.
    pb.delete_server(&dc.id, &server.id).await.expect("deleted");
    assert!(pb
        .get_loadbalancer_members(&dc.id, lb_id)
        .await
        .expect("listed")
        .items
        .unwrap_or_default()
        .is_empty());
}

#[tokio::test]
async fn snapshots_and_the_request_log() {
    let sim = Simulator::profitbricks().polls_until_done(0).start().await.expect("starts");
    let pb = sim.client();
    let dc = pb.create_datacenter(NewDatacenter::new("web", "de/fkb")).await.expect("created");
    let dc_request = dc.request_id().expect("a request id").to_owned();
    let dc = dc.into_inner();
    let volume = NewVolume::new(10, VolumeType::Hdd).licence_type(LicenceType::Linux);
    let volume = pb.create_volume(&dc.id, volume).await.expect("created").into_inner();
    let snapshot =
        pb.create_snapshot(&dc.id, &volume.id).name("nightly").await.expect("created").into_inner();
    let snapshots = pb.list_snapshots().await.expect("listed").items.unwrap_or_default();
    assert_eq!(snapshots.len(), 1);
    let got = pb.get_snapshot(&snapshot.id).await.expect("got");
    let properties = got.properties.expect("properties");
    assert_eq!(properties.name.as_deref(), Some("nightly"));
    assert_eq!(properties.location.as_deref(), Some("de/fkb"));
    let (_, raw_snapshot) = raw(&sim, "GET", &format!("/snapshots/{}", snapshot.id), None).await;
    assert_same_shape(&fixture("create_snapshot.json"), &raw_snapshot, "create_snapshot");
    pb.restore_snapshot(&dc.id, &volume.id, &snapshot.id).await.expect("restored");
    let error =
        pb.restore_snapshot(&dc.id, &volume.id, "no-such-snapshot").await.expect_err("refused");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
    pb.delete_snapshot(&snapshot.id).await.expect("deleted");
    assert!(pb.list_snapshots().await.expect("listed").items.unwrap_or_default().is_empty());

    let request = pb.get_request(&dc_request).await.expect("got");
    let properties = request.properties.expect("properties");
    assert_eq!(properties.method.as_deref(), Some("POST"));
    assert!(
        properties.url.as_deref().is_some_and(|u| u.ends_with("/cloudapi/v3/datacenters")),
        "{:?}",
        properties.url
    );
    assert!(properties.body.as_deref().is_some_and(|b| b.contains("de/fkb")));
    let requests = pb.list_requests().await.expect("listed").items.unwrap_or_default();
    assert_eq!(requests.len(), 5, "create dc, create volume, snapshot, restore, delete snapshot");
    assert_eq!(requests[0].id, dc_request);
}

#[tokio::test]
async fn every_kind_decodes_with_the_typed_models() {
    use profitbricks::models::{
        NewFirewallRule, NewIpBlock, NewLan, NewLoadBalancer, NewNic, Protocol,
    };
    let sim = Simulator::profitbricks().polls_until_done(0).start().await.expect("starts");
    let pb = sim.client();
    let dc = pb
        .create_datacenter(NewDatacenter::new("web", "de/fra"))
        .await
        .expect("created")
        .into_inner();
    let lan = pb.create_lan(&dc.id, NewLan::new()).await.expect("created").into_inner();
    let server = pb
        .create_server(&dc.id, NewServer::new("app", 1, 1024))
        .await
        .expect("created")
        .into_inner();
    let nic =
        pb.create_nic(&dc.id, &server.id, NewNic::new(1)).await.expect("created").into_inner();
    let rule = pb
        .create_firewall_rule(&dc.id, &server.id, &nic.id, NewFirewallRule::new(Protocol::Tcp))
        .await
        .expect("created")
        .into_inner();
    pb.create_loadbalancer(&dc.id, NewLoadBalancer::new("lb")).await.expect("created");
    pb.reserve_ipblock(NewIpBlock::new("de/fra", 2)).await.expect("reserved");
    assert_eq!(pb.list_lans(&dc.id).await.expect("listed").items.unwrap_or_default()[0].id, lan.id);
    assert_eq!(
        pb.list_nics(&dc.id, &server.id).await.expect("listed").items.unwrap_or_default()[0].id,
        nic.id
    );
    let rules = pb.get_firewall_rules(&dc.id, &server.id, &nic.id).await.expect("listed");
    assert_eq!(rules.items.unwrap_or_default()[0].id, rule.id);
    assert_eq!(
        pb.list_loadbalancers(&dc.id).await.expect("listed").items.unwrap_or_default().len(),
        1
    );
    let blocks = pb.list_ipblocks().await.expect("listed").items.unwrap_or_default();
    assert_eq!(
        blocks[0].properties.as_ref().and_then(|p| p.ips.clone()).map(|ips| ips.len()),
        Some(2)
    );
    pb.get_datacenter(&dc.id).depth(3).await.expect("a deep data center decodes");
    pb.list_datacenters().depth(5).await.expect("a deep list decodes");
}

#[tokio::test]
async fn inspection_reset_and_time_based_completion() {
    let sim = Simulator::profitbricks()
        .polls_until_done(1000)
        .done_after(Duration::from_millis(30))
        .start()
        .await
        .expect("starts");
    let pb = sim.client();
    let dc = pb
        .create_datacenter(NewDatacenter::new("web", "de/fra"))
        .await
        .expect("created")
        .into_inner();
    let path = format!("/datacenters/{}", dc.id);
    assert_eq!(sim.resource(&path).expect("there")["metadata"]["state"], "BUSY");
    tokio::time::sleep(Duration::from_millis(60)).await;
    // Time alone finished it: the next look at the resource shows it available.
    let got = pb.get_datacenter(&dc.id).await.expect("got");
    assert_eq!(got.metadata.and_then(|m| m.state), Some(State::Available));
    let received = sim.received();
    assert_eq!(received.len(), 2);
    assert_eq!((received[0].method.as_str(), received[0].status), ("POST", 202));
    assert_eq!(received[0].path, "/cloudapi/v3/datacenters");
    assert!(received[0].body.contains("\"de/fra\""), "{}", received[0].body);
    assert!(received[1].path.starts_with(&format!("/cloudapi/v3{path}")), "{}", received[1].path);
    sim.reset();
    assert!(sim.received().is_empty());
    assert!(sim.resource(&path).is_none());
    assert_eq!(
        pb.get_datacenter(&dc.id).await.expect_err("forgotten").kind(),
        Some(&ErrorKind::NotFound)
    );
}

#[tokio::test]
async fn an_empty_account_has_no_public_images_and_reset_keeps_it_empty() {
    let full = Simulator::profitbricks().start().await.expect("starts");
    assert!(!full
        .client()
        .list_images()
        .await
        .expect("listed")
        .items
        .unwrap_or_default()
        .is_empty());
    let sim = Simulator::profitbricks().empty().start().await.expect("starts");
    let pb = sim.client();
    assert!(pb.list_images().await.expect("listed").items.unwrap_or_default().is_empty());
    assert!(!pb.list_locations().await.expect("listed").items.unwrap_or_default().is_empty());
    sim.reset();
    assert!(pb.list_images().await.expect("listed").items.unwrap_or_default().is_empty());
}
