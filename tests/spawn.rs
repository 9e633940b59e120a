//! Everything a call hands out owns a client clone, so it is `Send + 'static` and can be
//! given to `tokio::spawn` with only `&Client` in scope: a plain operation, a builder with
//! setters, a handle's helper, a Memset namespace call, a page stream, waits and batches.

use std::future::IntoFuture;

use serde_json::json;
use tokio::task::JoinHandle;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answer(server: &MockServer, verb: &str, at: &str, body: serde_json::Value) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

fn resource(id: &str, kind: &str) -> serde_json::Value {
    json!({"id": id, "type": kind, "href": format!("https://api.example/{id}")})
}

/// What the ProfitBricks calls found: a data center's id, how many data centers, whether
/// the wait ended.
type ProfitbricksSpawned =
    (JoinHandle<Result<String, String>>, JoinHandle<Result<usize, String>>, JoinHandle<bool>);

/// Spawns ProfitBricks calls; only the borrowed client is in scope, so each spawned future
/// must own what it needs.
fn spawn_profitbricks(pb: &profitbricks::Client) -> ProfitbricksSpawned {
    let plain = tokio::spawn(pb.get_datacenter("dc-1").into_future());
    let with_setters = tokio::spawn(pb.list_datacenters().depth(2).send());
    let wait = tokio::spawn(pb.wait_for("0f3c1e4a-aaaa-bbbb-cccc-123456789abc").into_future());
    let plain = tokio::spawn(async move {
        plain.await.map_err(|e| e.to_string())?.map(|dc| dc.id).map_err(|e| e.to_string())
    });
    let with_setters = tokio::spawn(async move {
        let collection = with_setters.await.map_err(|e| e.to_string())?;
        collection.map(|c| c.items.map_or(0, |items| items.len())).map_err(|e| e.to_string())
    });
    let wait = tokio::spawn(async move { matches!(wait.await, Ok(Ok(_))) });
    (plain, with_setters, wait)
}

#[tokio::test]
async fn profitbricks_calls_waits_and_builders_can_be_spawned() {
    let server = MockServer::start().await;
    answer(&server, "GET", "/datacenters/dc-1", resource("dc-1", "datacenter")).await;
    let collection = json!({"id": "datacenters", "type": "collection", "href": "https://api.example/dcs",
        "items": [resource("dc-1", "datacenter"), resource("dc-2", "datacenter")]});
    Mock::given(method("GET"))
        .and(path("/datacenters"))
        .and(query_param("depth", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(collection))
        .mount(&server)
        .await;
    let mut status = resource("0f3c1e4a-aaaa-bbbb-cccc-123456789abc", "request-status");
    status["metadata"] = json!({"status": "DONE"});
    answer(&server, "GET", "/requests/0f3c1e4a-aaaa-bbbb-cccc-123456789abc/status", status).await;
    let pb = profitbricks::Client::builder(profitbricks::Credentials::basic("user", "pass"))
        .base_url(server.uri())
        .build()
        .expect("valid settings");

    let (plain, with_setters, wait) = spawn_profitbricks(&pb);
    drop(pb);
    assert_eq!(plain.await.expect("joined"), Ok("dc-1".to_owned()));
    assert_eq!(with_setters.await.expect("joined"), Ok(2));
    assert!(wait.await.expect("joined"), "the request is DONE at the first look");
}

type Spawned = (JoinHandle<Option<f64>>, JoinHandle<usize>, JoinHandle<bool>);

/// Spawns 1&1 calls through a handle, a page stream and a handle's wait.
fn spawn_oneandone(oa: &oneandone::Client) -> Spawned {
    let hardware = oa.server("srv-1").hardware().into_future();
    let pages = oa.list_servers().per_page(2).pages().all();
    let wait = oa.server("srv-1").wait_for().into_future();
    (
        tokio::spawn(async move { hardware.await.ok().and_then(|h| h.ram) }),
        tokio::spawn(async move { pages.await.map_or(0, |servers| servers.len()) }),
        tokio::spawn(async move { wait.await.is_ok() }),
    )
}

#[tokio::test]
async fn oneandone_handles_pages_and_waits_can_be_spawned() {
    let server = MockServer::start().await;
    answer(&server, "GET", "/servers/srv-1/hardware", json!({"vcore": 2, "ram": 4.0})).await;
    answer(&server, "GET", "/servers/srv-1/status", json!({"state": "POWERED_ON", "percent": 0}))
        .await;
    let summary = |id: &str| json!({"id": id, "name": id});
    for (page, items) in [("1", json!([summary("a"), summary("b")])), ("2", json!([summary("c")]))]
    {
        Mock::given(method("GET"))
            .and(path("/servers"))
            .and(query_param("page", page))
            .respond_with(ResponseTemplate::new(200).set_body_json(items))
            .mount(&server)
            .await;
    }
    let oa = oneandone::Client::builder(oneandone::Credentials::token("token"))
        .base_url(server.uri())
        .build()
        .expect("valid settings");

    let (hardware, pages, wait) = spawn_oneandone(&oa);
    drop(oa);
    assert_eq!(hardware.await.expect("joined"), Some(4.0));
    assert_eq!(pages.await.expect("joined"), 3, "two pages, the second short");
    assert!(wait.await.expect("joined"), "the server is POWERED_ON at the first look");
}

/// Spawns a Memset namespace call and a batch.
fn spawn_memset(ms: &memset::Client) -> (JoinHandle<Option<String>>, JoinHandle<Option<String>>) {
    let info = tokio::spawn(ms.server().info("myserver1").into_future());
    let mut batch = ms.batch();
    let ticket = batch.add(ms.server().info("myserver2")).expect("valid arguments");
    let sent = batch.send();
    (
        tokio::spawn(async move { info.await.ok()?.ok().map(|i| i.name) }),
        tokio::spawn(async move { sent.await.ok()?.take(ticket).ok().map(|i| i.name) }),
    )
}

#[tokio::test]
async fn memset_namespaces_and_batches_can_be_spawned() {
    let server = MockServer::start().await;
    answer(&server, "POST", "/json/server.info", json!({"name": "myserver1"})).await;
    let batch_answer = json!([{"jsonrpc": "2.0", "id": 0, "result": {"name": "myserver2"}}]);
    answer(&server, "POST", "/jsonrpc", batch_answer).await;
    let ms =
        memset::Client::builder(memset::Credentials::api_key("0123456789abcdef0123456789abcdef"))
            .base_url(server.uri())
            .build()
            .expect("valid settings");

    let (info, batched) = spawn_memset(&ms);
    drop(ms);
    assert_eq!(info.await.expect("joined").as_deref(), Some("myserver1"));
    assert_eq!(batched.await.expect("joined").as_deref(), Some("myserver2"));
}
