//! The Memset simulator through the real `memset` client and through raw HTTP.
#![cfg(feature = "memset")]

use std::time::Duration;

use cloud_sdks_runtime::catalog::{Limits, ParamInfo, Type};
use cloud_sdks_sim::memset::{Running, DEFAULT_API_KEY};
use cloud_sdks_sim::Simulator;
use memset::models::{DnsRecordType, FirewallAction, NewFirewallRule};
use memset::{Error, ErrorKind};
use serde_json::{json, Map, Value};

mod common;

use common::http;

/// POSTs `parameters=<json>` to `/json/<method>` with the default key; status and body.
async fn raw(sim: &Running, method: &str, params: Value) -> (u16, Value) {
    let response = http()
        .post(format!("{}/json/{method}", sim.base_url()))
        .basic_auth(DEFAULT_API_KEY, Some("x"))
        .form(&[("parameters", params.to_string())])
        .send()
        .await
        .expect("the simulator answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The JSON body of `response` (`Null` if it is not JSON).
async fn body_of(response: reqwest::Response) -> Value {
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn kind(error: &Error) -> Option<ErrorKind> {
    error.kind().copied()
}

/// Memset's error body: the documented type, code and HTTP status, and a message.
fn assert_error(status: u16, body: &Value, error_type: &str, code: u64, http_status: u16) {
    assert_eq!(status, http_status, "{body}");
    assert_eq!(body["error_type"], json!(error_type), "{body}");
    assert_eq!(body["error_code"], json!(code), "{body}");
    assert!(body["error"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert_eq!(body.as_object().map(|o| o.len()), Some(3), "{body}");
}

#[tokio::test]
async fn the_seed_examples_run_through_the_client() {
    let sim = Simulator::memset().start().await.expect("starts");
    assert!(sim.base_url().starts_with("http://127.0.0.1:") && sim.base_url().ends_with("/v1"));
    let ms = sim.client();

    // ma-shell: service.info name myserver1
    let info = ms.service().info("myserver1").await.expect("service.info");
    assert_eq!(info.name, "myserver1");
    assert_eq!(info.r#type.as_deref(), Some("miniserver"));
    assert_eq!(info.nickname.as_deref(), Some("www"));

    let storage = ms.service().list().r#type("cloudstorage").await.expect("listed");
    let names: Vec<&str> = storage.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["mystorage1"]);
    let servers = ms.service().list().r#type("miniserver").await.expect("listed");
    let names: Vec<&str> = servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["myserver1"]);
    assert_eq!(ms.service().list().await.expect("all").len(), 2);
    assert!(ms.service().list().status("CANCELLED").await.expect("none").is_empty());

    // ma-shell: service.set_nickname name myserver1 nickname webserver
    let set = ms.service().set_nickname("myserver1", "webserver").await.expect("set");
    assert_eq!(set.nickname, "webserver");
    let info = ms.service().info("myserver1").await.expect("info");
    assert_eq!(info.nickname.as_deref(), Some("webserver"));

    // the Python example: server.list, server.info, server.reboot
    let servers = ms.server().list().await.expect("server.list");
    assert_eq!(servers.len(), 1);
    let server = ms.server().info("myserver1").await.expect("server.info");
    assert_eq!(server.nickname.as_deref(), Some("webserver"));
    let group = server.firewall_rule_group.expect("a rule group");
    assert_eq!(group.name.as_deref(), Some("managed-linux"));
    let job = ms.server().reboot("myserver1").await.expect("reboot");
    assert!(!job.finished && !job.error);
    assert_eq!(job.service.as_deref(), Some("myserver1"));
    let again = ms.server().reboot("myserver1").await.expect_err("a reboot is pending");
    assert_eq!(kind(&again), Some(ErrorKind::AlreadyInProgress), "{again}");
    let done = ms.wait_for_job(&job).interval(Duration::from_millis(1)).await.expect("done");
    assert!(done.finished && !done.error);
    assert_eq!(done.status, "DONE");
    ms.server().reboot("myserver1").await.expect("a new reboot once the last one is done");

    ms.server().slave_ns_add("myserver1", "example.org").await.expect("slaved");
    ms.server().slave_ns_add("myserver1", "example.com").await.expect("slaved");
    let twice = ms.server().slave_ns_add("myserver1", "example.com").await.expect_err("twice");
    assert_eq!(kind(&twice), Some(ErrorKind::PreconditionFailed));
    let slaved = ms.server().slave_ns_list("myserver1").await.expect("listed");
    assert_eq!(slaved, ["example.com", "example.org"]);
    ms.server().slave_ns_delete("myserver1", "example.org").await.expect("removed");
    let gone = ms.server().slave_ns_delete("myserver1", "example.org").await.expect_err("gone");
    assert_eq!(kind(&gone), Some(ErrorKind::DoesNotExist));

    // reverse DNS
    let maps = ms.dns().reverse_map_list().name("myserver1").await.expect("reverse maps");
    assert_eq!(maps.len(), 1);
    let address = maps[0].address.clone();
    let updated = ms
        .dns()
        .reverse_map_update(&address, "www.example.com")
        .name("myserver1")
        .await
        .expect("updated");
    assert_eq!(updated[0].reverse_map.as_deref(), Some("www.example.com"));
    let server = ms.server().info("myserver1").await.expect("info");
    let ips = server.ips.expect("ips");
    assert_eq!(ips[0].reverse_map.as_deref(), Some("www.example.com"));
    let unknown =
        ms.dns().reverse_map_update("198.51.100.1", "x.example.com").await.expect_err("not ours");
    assert_eq!(kind(&unknown), Some(ErrorKind::DoesNotExist));

    // monitoring rules and policy
    let (status, rule) = raw(
        &sim,
        "server.monitoring.rule_create",
        json!({"name": "myserver1",
        "service": "http", "alert_type": "email", "contact_address": "admin@example.com"}),
    )
    .await;
    assert_eq!(status, 200, "{rule}");
    let rule_id = rule["rule_id"].as_str().expect("an id").to_owned();
    let rules = ms.server().monitoring().rule_list("myserver1").await.expect("rules");
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].rule_id, rule_id);
    let (_, updated) = raw(&sim, "server.monitoring.rule_update",
        json!({"name": "myserver1", "rule_id": rule_id, "alert_type": "sms", "contact_address": "0123"})).await;
    assert_eq!(updated["alert_type"], "sms");
    let (status, _) = raw(
        &sim,
        "server.monitoring.rule_delete",
        json!({"name": "myserver1", "rule_id": rule_id}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) =
        raw(&sim, "server.monitoring.rule_info", json!({"name": "myserver1", "rule_id": rule_id}))
            .await;
    assert_eq!(status, 404);
    let (_, job) = raw(
        &sim,
        "server.monitoring.set_policy",
        json!({"name": "myserver1", "monitoring": false}),
    )
    .await;
    assert_eq!(job["finished"], false, "{job}");
    let policy = ms.server().monitoring().get_policy("myserver1").await.expect("policy");
    assert_eq!(policy.monitoring, Some(false));
    assert_eq!(ms.server().info("myserver1").await.expect("info").monitor, Some(false));

    let missing = ms.service().info("BADSERVERNAME").await.expect_err("no such service");
    assert_eq!(kind(&missing), Some(ErrorKind::DoesNotExist));
    assert_eq!(missing.status(), Some(404));
    let not_server = ms.server().info("mystorage1").await.expect_err("not a server");
    assert_eq!(kind(&not_server), Some(ErrorKind::MethodNotFound));
    let not_storage = ms.memstore().usage("myserver1").await.expect_err("not a Memstore");
    assert_eq!(kind(&not_storage), Some(ErrorKind::MethodNotFound));
    ms.memstore().usage("mystorage1").await.expect("a Memstore");
}

#[tokio::test]
async fn the_curl_examples_path_name_and_api_key_parameter() {
    let sim = Simulator::memset().start().await.expect("starts");
    let url = format!("{}/json/service.info/myserver1/?api_key={DEFAULT_API_KEY}", sim.base_url());
    let response = http().get(url).send().await.expect("answers");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = body_of(response).await;
    assert_eq!(body["name"], "myserver1");
    assert_eq!(body["renewal_price_amount"], json!(21.6));

    let response = http()
        .get(format!("{}/json/service.info/BADSERVERNAME/", sim.base_url()))
        .basic_auth(DEFAULT_API_KEY, Some("x"))
        .send()
        .await
        .expect("answers");
    let status = response.status().as_u16();
    let body: Value = body_of(response).await;
    assert_error(status, &body, "ApiErrorDoesNotExist", 3, 404);
    assert_eq!(body["error"], "Couldn't find service with name 'BADSERVERNAME'");

    // plain form fields, booleans as 0/1
    let response = http()
        .post(format!("{}/json/firewalling.rule_group_list", sim.base_url()))
        .basic_auth(DEFAULT_API_KEY, Some(""))
        .form(&[("include_public", "0")])
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(body_of(response).await, json!([]));
}

#[tokio::test]
async fn a_dns_zone_domain_and_record_life_cycle() {
    let sim = Simulator::memset().empty().start().await.expect("starts");
    let ms = sim.client();
    let zone = common::create_example_zone(&ms).await;
    assert_eq!(zone.id.len(), 32);
    assert_eq!(zone.records.as_ref().map(Vec::len), Some(1));
    assert_eq!(zone.domains.as_ref().map(Vec::len), Some(1));

    let domain = ms.dns().zone_domain_info("example.com").await.expect("domain");
    assert_eq!(domain.zone_id.as_deref(), Some(zone.id.as_str()));
    let twice = ms.dns().zone_domain_create("example.com").await.expect_err("unique");
    assert_eq!(kind(&twice), Some(ErrorKind::NotUnique));
    ms.dns().zone_domain_create("example.org").zone_id(&zone.id).await.expect("second domain");

    let record = ms
        .dns()
        .zone_record_create(&zone.id, DnsRecordType::Txt, "challengetoken")
        .record("_acme-challenge")
        .ttl(300)
        .await
        .expect("record created");
    assert_eq!(record.zone_id.as_deref(), Some(zone.id.as_str()));
    assert_eq!(record.ttl, Some(300));
    let updated = ms
        .dns()
        .zone_record_update(&record.id)
        .address("othertoken")
        .await
        .expect("record updated");
    assert_eq!(updated.address.as_deref(), Some("othertoken"));
    assert_eq!(updated.record.as_deref(), Some("_acme-challenge"));
    let info = ms.dns().zone_info(&zone.id).await.expect("zone info");
    assert_eq!(info.records.as_ref().map(Vec::len), Some(2));
    assert_eq!(info.domains.as_ref().map(Vec::len), Some(2));
    assert_eq!(ms.dns().zone_record_list().await.expect("records").len(), 2);
    let renamed = ms.dns().zone_update(&zone.id).nickname("renamed").await.expect("updated");
    assert_eq!(renamed.nickname.as_deref(), Some("renamed"));

    let deleted = ms.dns().zone_record_delete(&record.id).await.expect("deleted");
    assert_eq!(deleted.id, record.id);
    let gone = ms.dns().zone_record_info(&record.id).await.expect_err("gone");
    assert_eq!(kind(&gone), Some(ErrorKind::DoesNotExist));
    let no_zone = ms
        .dns()
        .zone_record_create("ffffffffffffffffffffffffffffffff", DnsRecordType::A, "192.0.2.2")
        .await
        .expect_err("no such zone");
    assert_eq!(kind(&no_zone), Some(ErrorKind::DoesNotExist));

    // deleting the zone takes its records and domains with it
    ms.dns().zone_delete(&zone.id).await.expect("zone deleted");
    assert!(ms.dns().zone_list().await.expect("zones").is_empty());
    assert!(ms.dns().zone_record_list().await.expect("records").is_empty());
    assert!(ms.dns().zone_domain_list().await.expect("domains").is_empty());
    let missing = ms.dns().zone_domain_info("example.com").await.expect_err("gone");
    assert_eq!(kind(&missing), Some(ErrorKind::DoesNotExist));
    assert_eq!(missing.status(), Some(404));

    let maps = ms.dns().reverse_map_list().await.expect("reverse maps");
    assert!(maps.is_empty(), "an empty account has no servers");
    let job = ms.dns().reload().await.expect("reload");
    assert_eq!(job.r#type, "dns");
    ms.wait_for_job(&job).interval(Duration::from_millis(1)).await.expect("reloaded");
}

#[tokio::test]
async fn jobs_finish_after_the_configured_number_of_polls() {
    let sim = Simulator::memset().polls_until_done(3).start().await.expect("starts");
    let ms = sim.client();
    let job = ms.dns().reload().await.expect("a job");
    for _ in 0..2 {
        let look = ms.job().status(&job.id).await.expect("status");
        assert!(!look.finished);
        assert_eq!(look.status, "NEW");
    }
    let look = ms.job().status(&job.id).await.expect("status");
    assert!(look.finished && look.status == "DONE");
    let unknown = ms.job().status("0123456789abcdef0123456789abcdef").await.expect_err("none");
    assert_eq!(kind(&unknown), Some(ErrorKind::DoesNotExist));

    let sim = Simulator::memset().polls_until_done(0).start().await.expect("starts");
    let job = sim.client().server().reboot("myserver1").await.expect("a job");
    assert!(job.finished);
}

#[tokio::test]
async fn a_json_rpc_batch_with_one_failing_call() {
    let sim = Simulator::memset().start().await.expect("starts");
    let ms = sim.client();
    let mut batch = ms.batch();
    let echo = batch.add(ms.internal().echo().string("Hello World")).expect("added");
    let version = batch.add(ms.internal().version()).expect("added");
    let noop = batch.add(ms.internal().noop()).expect("added");
    let good = batch.add(ms.service().info("myserver1")).expect("added");
    let bad = batch.add(ms.service().info("BADSERVERNAME")).expect("added");
    let mut answers = batch.send().await.expect("sent");
    answers.take(echo).expect("echo");
    answers.take(version).expect("version");
    answers.take(noop).expect("noop");
    assert_eq!(answers.take(good).expect("info").name, "myserver1");
    let error = answers.take(bad).expect_err("no such service");
    assert_eq!(kind(&error), Some(ErrorKind::DoesNotExist), "{error}");
    let received = sim.received();
    let last = received.last().expect("a request");
    assert!(last.path.ends_with("/v1/jsonrpc"), "{}", last.path);
    assert_eq!(last.calls.len(), 5);
    assert_eq!(last.calls[3].method, "service.info");
    assert_eq!(last.calls[3].params, json!({"name": "myserver1"}));

    // raw: a single call, an unknown method, positional params and a notification
    let post = |body: Value| {
        http()
            .post(format!("{}/jsonrpc", sim.base_url()))
            .basic_auth(DEFAULT_API_KEY, Some(""))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let single: Value = post(json!({"jsonrpc": "2.0", "method": "server.info", "params": {"name": "myserver1"}, "id": 7}))
        .await
        .expect("answers")
        .text()
        .await
        .map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
        .expect("a body");
    assert_eq!(single["id"], 7);
    assert_eq!(single["result"]["name"], "myserver1");
    let batch: Value = post(json!([
        {"jsonrpc": "2.0", "method": "no.such_method", "params": {}, "id": 1},
        {"jsonrpc": "2.0", "method": "service.info", "params": ["myserver1"], "id": 2},
        {"jsonrpc": "2.0", "method": "internal.noop", "params": {}},
        {"jsonrpc": "2.0", "method": "service.info", "params": {"name": "bad name"}, "id": 3},
    ]))
    .await
    .expect("answers")
    .text()
    .await
    .map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
    .expect("a body");
    let answers = batch.as_array().expect("a batch answer");
    assert_eq!(answers.len(), 3, "the notification is not answered: {batch}");
    assert_eq!(answers[0]["error"]["code"], 5);
    assert_eq!(answers[0]["error"]["data"]["error_type"], "ApiErrorMethodNotFound");
    assert_eq!(answers[1]["error"]["code"], 7);
    assert_eq!(answers[2]["error"]["data"]["error_type"], "ApiErrorBadParameters");
    assert!(answers[2]["error"]["message"].as_str().is_some_and(|m| m.starts_with("name: ")));
    let too_many: Vec<Value> = (0..101)
        .map(|i| json!({"jsonrpc": "2.0", "method": "internal.noop", "params": {}, "id": i}))
        .collect();
    let refused: Value = post(Value::Array(too_many))
        .await
        .expect("answers")
        .text()
        .await
        .map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
        .expect("a body");
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
}

#[tokio::test]
async fn wrong_or_missing_keys_get_the_real_error_shapes() {
    let sim = Simulator::memset().start().await.expect("starts");
    let wrong =
        memset::Client::builder(memset::Credentials::api_key("ffffffffffffffffffffffffffffffff"))
            .base_url(sim.base_url())
            .build()
            .expect("a client");
    let error = wrong.service().info("myserver1").await.expect_err("refused");
    assert_eq!(kind(&error), Some(ErrorKind::Forbidden), "{error}");
    assert_eq!(error.status(), Some(403));
    let mut batch = wrong.batch();
    batch.add(wrong.internal().noop()).expect("added");
    let error = batch.send().await.expect_err("the batch is refused");
    assert_eq!(kind(&error), Some(ErrorKind::Forbidden), "{error}");

    let response =
        http().post(format!("{}/json/service.list", sim.base_url())).send().await.expect("answers");
    let status = response.status().as_u16();
    let body: Value = body_of(response).await;
    assert_error(status, &body, "ApiErrorNotAuthorized", 10, 401);

    let response = http()
        .post(format!("{}/json/service.list", sim.base_url()))
        .basic_auth("nope", Some("x"))
        .send()
        .await
        .expect("answers");
    let status = response.status().as_u16();
    let body: Value = body_of(response).await;
    assert_error(status, &body, "ApiErrorForbidden", 4, 403);

    let other = Simulator::memset()
        .api_key("abcdefabcdefabcdefabcdefabcdefab")
        .start()
        .await
        .expect("starts");
    assert_eq!(other.api_key(), "abcdefabcdefabcdefabcdefabcdefab");
    other.client().service().list().await.expect("its own key works");
}

#[tokio::test]
async fn bad_parameters_and_unknown_methods_are_refused() {
    let sim = Simulator::memset().start().await.expect("starts");
    let (status, body) = raw(&sim, "service.info", json!({})).await;
    assert_error(status, &body, "ApiErrorBadParameters", 7, 400);
    assert_eq!(body["error"], "name: This field is required.");
    let (status, body) = raw(&sim, "service.info", json!({"name": "not a name!"})).await;
    assert_error(status, &body, "ApiErrorBadParameters", 7, 400);
    assert!(body["error"].as_str().is_some_and(|e| e.starts_with("name: ")), "{body}");
    let (status, body) = raw(&sim, "dns.zone_create", json!({"nickname": "x", "ttl": 1234})).await;
    assert_error(status, &body, "ApiErrorBadParameters", 7, 400);
    assert!(body["error"].as_str().is_some_and(|e| e.contains("ttl")), "{body}");
    let (status, body) = raw(&sim, "service.list", json!({"status": "SLEEPING"})).await;
    assert_error(status, &body, "ApiErrorBadParameters", 7, 400);
    let (status, body) =
        raw(&sim, "firewalling.rule_group_list", json!({"include_public": "maybe"})).await;
    assert_error(status, &body, "ApiErrorBadParameters", 7, 400);
    // "String or List": a single type is taken
    let (status, body) = raw(&sim, "service.list", json!({"type": "miniserver"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.as_array().map(Vec::len), Some(1));

    let (status, body) = raw(&sim, "server.explode", json!({})).await;
    assert_error(status, &body, "ApiErrorMethodNotFound", 5, 400);
    // no interface there (XML-RPC is /xmlrpc: tests/memset_xmlrpc.rs)
    let response = http()
        .post(format!("{}/xmlrpc/server.info", sim.base_url()))
        .basic_auth(DEFAULT_API_KEY, Some("x"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 404);

    // nothing changed
    assert_eq!(sim.service("myserver1").expect("there")["nickname"], "www");
    let (status, _) =
        raw(&sim, "service.set_nickname", json!({"name": "myserver1", "nickname": "web*1 "})).await;
    assert_eq!(status, 200);
    assert_eq!(sim.service("myserver1").expect("there")["nickname"], "web1");
    let (status, body) =
        raw(&sim, "service.set_nickname", json!({"name": "mystorage1", "nickname": "web1"})).await;
    assert_error(status, &body, "ApiErrorNotUnique", 8, 400);
}

#[tokio::test]
async fn the_firewalling_example() {
    let sim = Simulator::memset().start().await.expect("starts");
    let ms = sim.client();
    let rules = vec![
        NewFirewallRule::new(FirewallAction::Accept, 1)
            .dest_ports("80,8000,8080")
            .protocols("tcp")
            .comment("Extended HTTP traffic"),
        NewFirewallRule::new(FirewallAction::Reject, 2)
            .ip_version("ipv4")
            .source_ips("222.111.111.10/24")
            .protocols("tcp,udp")
            .comment("Dossers"),
    ];
    let group = ms
        .firewalling()
        .rule_group_create("test-rule-group")
        .notes("Standard firewall")
        .rules(rules)
        .await
        .expect("created");
    let name = group.name.clone().expect("a name");
    assert_eq!(name, "myaccount-fw1");
    assert_eq!(group.rules.as_ref().map(|r| r.len()), Some(2));
    ms.firewalling().update("myserver1", &name).await.expect("applied");
    let status = ms.firewalling().rule_group_status("myserver1", &name).await.expect("status");
    assert_eq!(format!("{status:?}").to_lowercase(), "active");
    let rule = ms
        .firewalling()
        .rule_create(&name, FirewallAction::Accept, "9999", 3)
        .protocols("udp")
        .comment("Video conferencing")
        .await
        .expect("rule");
    let updated = ms
        .firewalling()
        .rule_update(&rule.rule_id)
        .ip_version("ipv4")
        .dest_ports("9000,9001,9999")
        .await
        .expect("updated");
    assert_eq!(updated.dest_ports.as_deref(), Some("9000,9001,9999"));
    let in_use = ms.firewalling().rule_group_delete(&name).await.expect_err("in use");
    assert_eq!(kind(&in_use), Some(ErrorKind::PreconditionFailed));
    ms.firewalling().update("myserver1", "managed-linux").await.expect("back to public");
    ms.firewalling().rule_group_delete(&name).await.expect("deleted");
    let public = ms.firewalling().rule_group_delete("managed-linux").await.expect_err("public");
    assert_eq!(kind(&public), Some(ErrorKind::DoesNotExist));

    // 'clone' the managed-linux public group
    let linux = ms.firewalling().rule_group_info("managed-linux").await.expect("public group");
    assert_eq!(linux.public, Some(true));
    let cloned: Vec<NewFirewallRule> = linux
        .rules
        .unwrap_or_default()
        .into_values()
        .map(|r| {
            NewFirewallRule::new(r.action.expect("an action"), r.ordering.expect("an ordering"))
                .dest_ports(r.dest_ports.unwrap_or_default())
                .protocols(r.protocols.unwrap_or_default())
        })
        .collect();
    let clone =
        ms.firewalling().rule_group_create("cloned-group").rules(cloned).await.expect("cloned");
    assert_eq!(clone.rules.map(|r| r.len()), Some(3));
    ms.firewalling().rule_group_delete(clone.name.expect("a name")).await.expect("deleted");
}

#[tokio::test]
async fn creates_add_services_and_dry_runs_do_not() {
    let sim = Simulator::memset().start().await.expect("starts");
    let (status, body) = raw(
        &sim,
        "create.monthly_miniserver",
        json!({"sku": "MSVM001", "os": "debian_buster_64", "dry_run": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("job").is_none() && body.get("invoice_ref").is_none(), "{body}");
    assert_eq!(sim.snapshot()["services"].as_array().map(Vec::len), Some(2));
    let (status, body) = raw(
        &sim,
        "create.monthly_miniserver",
        json!({"sku": "MSVM001", "os": "debian_buster_64", "dry_run": false}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["service"], "mysrv1");
    assert_eq!(body["job"]["service"], "mysrv1");
    assert_eq!(body["job"]["type"], "SETUP-NEW-MINISERVER");
    let ms = sim.client();
    let job_id = body["job"]["id"].as_str().expect("a job id").to_owned();
    ms.wait_for_job(job_id).interval(Duration::from_millis(1)).await.expect("set up");
    let server = ms.server().info("mysrv1").await.expect("the new server");
    assert_eq!(server.os.as_deref(), Some("debian_buster_64"));
    assert_eq!(ms.server().list().await.expect("servers").len(), 2);

    let job = ms.service().cancel("mysrv1").await.expect("cancelling");
    assert_eq!(ms.server().list().await.expect("live servers").len(), 1);
    assert_eq!(ms.server().list().status("CANCELLED").await.expect("cancelled").len(), 1);
    let twice = ms.service().cancel("mysrv1").await.expect_err("already");
    assert_eq!(kind(&twice), Some(ErrorKind::AlreadyInProgress));
    ms.wait_for_job(&job).interval(Duration::from_millis(1)).await.expect("cancelled");
}

#[tokio::test]
async fn inspection_reset_and_empty() {
    let sim = Simulator::memset().start().await.expect("starts");
    let ms = sim.client();
    ms.service().set_nickname("myserver1", "changed").await.expect("set");
    ms.dns().zone_create("z").await.expect("zone");
    let snapshot = sim.snapshot();
    assert_eq!(snapshot["services"][0]["nickname"], "changed");
    assert_eq!(snapshot["services"][0]["firewall_rule_group"], "managed-linux");
    assert_eq!(snapshot["dns_zones"].as_array().map(Vec::len), Some(1));
    let received = sim.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].path, "/v1/json/service.set_nickname");
    assert!(received[0].body.starts_with("parameters="), "{}", received[0].body);
    assert_eq!(received[0].calls.len(), 1);
    assert_eq!(received[0].calls[0].method, "service.set_nickname");
    assert_eq!(received[0].calls[0].params, json!({"name": "myserver1", "nickname": "changed"}));
    assert_eq!(received[0].status, 200);

    sim.reset();
    assert!(sim.received().is_empty());
    assert_eq!(sim.service("myserver1").expect("back")["nickname"], "www");
    assert_eq!(sim.snapshot()["dns_zones"], json!([]));

    let empty = Simulator::memset().empty().start().await.expect("starts");
    assert!(empty.client().service().list().await.expect("listed").is_empty());
    let groups = empty.client().firewalling().rule_group_list().await.expect("public groups");
    assert!(groups.iter().any(|g| g.name.as_deref() == Some("managed-linux")));
    empty.reset();
    assert!(empty.client().service().list().await.expect("still empty").is_empty());
}

#[tokio::test]
async fn dropping_the_simulator_stops_it() {
    let sim = Simulator::memset().start().await.expect("starts");
    let url = format!("{}/json/service.list", sim.base_url());
    drop(sim);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(http().post(url).timeout(Duration::from_secs(2)).send().await.is_err());
}

// --- every method ----------------------------------------------------------------------------

/// A value of `ty` that keeps the documented rules, for the parameter or member `name` of
/// `method`.
fn minimal(method: &str, name: &str, ty: &Type, limits: &Limits) -> Value {
    match ty {
        Type::String | Type::Date => {
            if let Some(first) = limits.values.first() {
                return json!(first);
            }
            if limits.chars == Some("0-9a-fA-F") || limits.min_length == Some(32) {
                return json!("fedcba9876543210fedcba9876543210");
            }
            let service = matches!(name, "name" | "storage_name" | "destination_name")
                && limits.chars == Some("A-Za-z0-9._-");
            if service {
                let storage = name == "storage_name" || method.starts_with("memstore.");
                return json!(if storage { "mystorage1" } else { "myserver1" });
            }
            if name == "rule_group_name" {
                return json!("managed-linux");
            }
            let n = limits.min_length.unwrap_or(1).max(1);
            json!("a".repeat(n))
        }
        Type::Integer => {
            if let Some(first) = limits.int_values.first() {
                return json!(first);
            }
            json!(limits.min.map_or(1, |m| m as i64))
        }
        Type::Number => json!(limits.min.unwrap_or(1.0)),
        Type::Boolean => json!(name == "dry_run"),
        Type::Json => json!({}),
        Type::Enum(_, values) => {
            let allowed = if limits.values.is_empty() { *values } else { limits.values };
            json!(allowed.first().copied().unwrap_or_default())
        }
        Type::List(item) => {
            let n = limits.min_items.unwrap_or(0);
            Value::Array((0..n).map(|_| minimal(method, name, item, &Limits::NONE)).collect())
        }
        Type::Map(_) => json!({}),
        Type::Model(model) => {
            let info = memset::CATALOG.model(model).expect("a model of the catalog");
            let mut object = Map::new();
            for field in info.fields.iter().filter(|f| f.required) {
                object.insert(
                    field.name.to_owned(),
                    minimal(method, field.name, &field.ty, &field.limits),
                );
            }
            Value::Object(object)
        }
    }
}

fn minimal_args(method: &str, params: &[ParamInfo]) -> Value {
    let mut args = Map::new();
    for param in params.iter().filter(|p| p.required) {
        args.insert(param.name.to_owned(), minimal(method, param.name, &param.ty, &param.limits));
    }
    Value::Object(args)
}

#[tokio::test]
async fn every_catalog_method_answers_and_decodes_with_the_typed_models() {
    let sim = Simulator::memset().polls_until_done(1).start().await.expect("starts");
    let ms = sim.client();
    let mut failures = Vec::new();
    let mut answered = 0;
    for op in memset::CATALOG.operations {
        let mut args = minimal_args(op.name, op.params);
        // rules between members that the catalog's parameters do not carry
        if op.name == "server.monitoring.rule_create" {
            args["contact_address"] = json!("admin@example.com");
        }
        match ms.call(op.name, args.clone()).await {
            Ok(_) => answered += 1,
            Err(error) => match kind(&error) {
                // a typed error of the API for a call the account cannot satisfy
                Some(
                    ErrorKind::DoesNotExist
                    | ErrorKind::MethodNotFound
                    | ErrorKind::PreconditionFailed
                    | ErrorKind::AlreadyInProgress
                    | ErrorKind::NotUnique,
                ) => eprintln!("{}: {error}", op.name),
                _ => failures.push(format!("{} {args}: {error}", op.name)),
            },
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(answered >= 120, "only {answered} methods answered");
    // every request was answered by the simulator, none with a 5xx
    let received = sim.received();
    assert_eq!(received.len(), memset::CATALOG.operations.len());
    assert!(received.iter().all(|r| r.status < 500));
}

// --- the real fixtures' shapes ---------------------------------------------------------------

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/memset")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every member the real answer has, the simulated one has too (recursively into objects and
/// the first item of lists), apart from `except`.
fn assert_same_shape(real: &Value, simulated: &Value, what: &str, except: &[&str]) {
    match (real, simulated) {
        (Value::Object(real), Value::Object(simulated)) => {
            for (key, value) in real {
                if except.contains(&key.as_str()) {
                    continue;
                }
                let Some(other) = simulated.get(key) else {
                    panic!("{what}: lacks {key:?}: {simulated:?}")
                };
                // rules are keyed by rule id: compare one rule with one rule
                if key == "rules" && value.is_object() {
                    if let (Some(a), Some(b)) = (
                        value.as_object().and_then(|o| o.values().next()),
                        other.as_object().and_then(|o| o.values().next()),
                    ) {
                        assert_same_shape(a, b, &format!("{what}.rules[]"), except);
                    }
                    continue;
                }
                assert_same_shape(value, other, &format!("{what}.{key}"), except);
            }
        }
        (Value::Array(real), Value::Array(simulated)) => {
            if let (Some(a), Some(b)) = (real.first(), simulated.first()) {
                assert_same_shape(a, b, &format!("{what}[0]"), except);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn answers_have_the_members_of_the_real_fixtures() {
    let sim = Simulator::memset().start().await.expect("starts");
    let call = |method: &'static str, params: Value| {
        let sim = &sim;
        async move {
            let (status, body) = raw(sim, method, params).await;
            assert_eq!(status, 200, "{method}: {body}");
            body
        }
    };
    let info = call("service.info", json!({"name": "myserver1"})).await;
    assert_same_shape(&fixture("service.info.json"), &info, "service.info", &[]);
    let list = call("service.list", json!({})).await;
    assert_same_shape(
        &fixture("service.list.via_xmlrpc_ma-shell.json"),
        &list,
        "service.list",
        &[],
    );
    let nickname =
        call("service.set_nickname", json!({"name": "myserver1", "nickname": "webserver"})).await;
    assert_eq!(nickname, fixture("service.set_nickname.json"));
    // the sample predates API 0.17.0's renames
    let server = call("server.info", json!({"name": "myserver1"})).await;
    assert_same_shape(
        &fixture("server.info.ansible_sample.json"),
        &server,
        "server.info",
        &["penetration_patrol", "penetration_patrol_alert_level"],
    );
    let group =
        call("firewalling.rule_group_info", json!({"rule_group_name": "managed-linux"})).await;
    assert_same_shape(
        &fixture("firewalling.rule_group_info.ansible_sample.json"),
        &group,
        "rule_group_info",
        &[],
    );

    let zone = call("dns.zone_create", json!({"nickname": "testzone.com", "domains": [{"domain": "testzone.com"}],
        "records": [{"type": "CNAME", "record": "docs", "address": "docs.example.com", "ttl": 3600}]})).await;
    let id = zone["id"].as_str().expect("an id").to_owned();
    let info = call("dns.zone_info", json!({"id": id})).await;
    assert_same_shape(&fixture("dns.zone_info.json"), &info, "dns.zone_info", &[]);
    let domain = call("dns.zone_domain_info", json!({"domain": "testzone.com"})).await;
    assert_same_shape(&fixture("dns.zone_domain_info.json"), &domain, "dns.zone_domain_info", &[]);
    let record = call("dns.zone_record_create", json!({"zone_id": id, "type": "TXT", "record": "_acme-challenge.full", "address": "challengetoken", "ttl": 3600})).await;
    assert_same_shape(
        &fixture("dns.zone_record_create.json"),
        &record,
        "dns.zone_record_create",
        &[],
    );
    let record_id = record["id"].as_str().expect("an id").to_owned();
    let updated =
        call("dns.zone_record_update", json!({"id": record_id, "record": "updated.test"})).await;
    assert_same_shape(
        &fixture("dns.zone_record_update.json"),
        &updated,
        "dns.zone_record_update",
        &[],
    );
    let deleted = call("dns.zone_record_delete", json!({"id": record_id})).await;
    assert_same_shape(
        &fixture("dns.zone_record_delete.json"),
        &deleted,
        "dns.zone_record_delete",
        &[],
    );
    let job = call("dns.reload", json!({})).await;
    assert_same_shape(&fixture("dns.reload.json"), &job, "dns.reload", &[]);
    let job_id = job["id"].as_str().expect("an id").to_owned();
    let status = call("job.status", json!({"id": job_id})).await;
    assert_same_shape(&fixture("job.status.ansible_sample.json"), &status, "job.status", &[]);

    // answered by schema (apikey.info above is stateful)
    let usage = call("memstore.usage", json!({"name": "mystorage1"})).await;
    assert_same_shape(
        &fixture("memstore.usage.ansible_sample.json"),
        &usage,
        "memstore.usage",
        &[],
    );
    let acl = call(
        "memstore.container.acl",
        json!({"name": "mystorage1", "container": "a_container_name"}),
    )
    .await;
    assert_same_shape(&fixture("memstore.container.acl.json"), &acl, "memstore.container.acl", &[]);
    let created = call(
        "apikey.create",
        json!({"comment": "my test key", "scopes": {"method": ["dns.reload"]}}),
    )
    .await;
    let key = call("apikey.info", json!({"id": created["key"]})).await;
    assert_same_shape(&fixture("apikey.info.ansible_sample.json"), &key, "apikey.info", &[]);
    let dry = call(
        "create.monthly_miniserver",
        json!({"sku": "MSVM001", "os": "debian_buster_64", "dry_run": true}),
    )
    .await;
    assert_same_shape(
        &fixture("create.monthly_miniserver.dry_run.json"),
        &dry,
        "create (dry run)",
        &[],
    );
    let created = call(
        "create.monthly_miniserver",
        json!({"sku": "MSVM001", "os": "debian_buster_64", "dry_run": false}),
    )
    .await;
    assert_same_shape(&fixture("create.monthly_miniserver.json"), &created, "create", &[]);

    // the error fixtures
    let (status, body) =
        raw(&sim, "dns.zone_domain_info", json!({"domain": "thisisadomainidonotown.com"})).await;
    assert_eq!(status, 404);
    assert_eq!(body, fixture("dns.zone_domain_info.error_404_ApiErrorDoesNotExist.json"));
    let (status, body) = raw(&sim, "service.info", json!({"name": "BADSERVERNAME"})).await;
    assert_eq!(status, 404);
    assert_eq!(body, fixture("service.info.error_404_ApiErrorDoesNotExist.json"));
}

#[tokio::test]
async fn the_binary_serves_memset_on_the_port_it_prints() {
    let sim = common::serve(&[
        "--provider",
        "memset",
        "--port",
        "0",
        "--api-key",
        "abcdefabcdefabcdefabcdefabcdefab",
        "--empty",
    ]);
    let base = sim.base_url.clone();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/v1"), "{base}");
    let response = http()
        .post(format!("{base}/json/service.list"))
        .basic_auth("abcdefabcdefabcdefabcdefabcdefab", Some("x"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(body_of(response).await, json!([]));
    let response = http()
        .post(format!("{base}/json/service.list"))
        .basic_auth(DEFAULT_API_KEY, Some("x"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 403);
}

/// Whether two JSON values are equal, numbers compared numerically (`2` equals `2.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[tokio::test]
async fn every_wire_vector_routes_back_to_its_method_and_arguments() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/wire/memset.json");
    let text = std::fs::read_to_string(&path).expect("the wire vectors");
    let vectors: Vec<Value> = serde_json::from_str(&text).expect("a JSON array");
    assert!(vectors.len() > 150);
    let sim = Simulator::memset().polls_until_done(1).start().await.expect("starts");
    for vector in &vectors {
        let op = vector["op"].as_str().expect("an op");
        let request = &vector["request"];
        let method = request["method"].as_str().expect("a method");
        let url = format!("{}{}", sim.base_url(), request["path"].as_str().expect("a path"));
        let fields: Vec<(String, String)> = request["form"]
            .as_object()
            .map(|form| {
                form.iter()
                    .map(|(k, v)| {
                        (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let response = http()
            .request(reqwest::Method::from_bytes(method.as_bytes()).expect("a method"), url)
            .basic_auth(DEFAULT_API_KEY, Some("x"))
            .form(&fields)
            .send()
            .await
            .expect("answers");
        let status = response.status().as_u16();
        let body = body_of(response).await;
        let received = sim.received();
        let last = received.last().expect("received");
        assert_eq!(last.calls.len(), 1, "{op}");
        let call = &last.calls[0];
        let info = memset::CATALOG.operation(op).expect("a catalog operation");
        assert_eq!(
            memset::CATALOG.operation(&call.method).map(|o| o.name),
            Some(info.name),
            "{op}"
        );
        // the arguments the vector names, by their wire names, came through unchanged
        let sent = &request["form"]["parameters"];
        assert!(same(&call.params, sent), "{op}: {} != {sent}", call.params);
        for (name, value) in vector["args"].as_object().into_iter().flatten() {
            let wire = info.param(name).map_or(name.as_str(), |p| p.wire);
            let got = call.params.get(wire).unwrap_or(&Value::Null);
            let list = info
                .param(name)
                .is_some_and(|p| matches!(p.ty, cloud_sdks_runtime::catalog::Type::List(_)));
            if value.is_object() || value.is_array() || list {
                // a single value given for a list goes out as a list of one
                assert!(got.is_object() || got.is_array(), "{op}: {name}");
            } else {
                assert!(same(got, value), "{op}: {name}: {got} != {value}");
            }
        }
        // what the client lets through, the simulator accepts
        assert_ne!(body["error_type"], "ApiErrorBadParameters", "{op}: {body}");
        assert_ne!(status, 500, "{op}: {body}");
    }
}

#[tokio::test]
async fn odd_requests_get_error_answers_not_a_dropped_connection() {
    let sim = Simulator::memset().start().await.expect("starts");
    let base = sim.base_url().to_owned();
    let send = |request: reqwest::RequestBuilder| async move {
        let response =
            request.basic_auth(DEFAULT_API_KEY, Some("x")).send().await.expect("answers");
        let status = response.status().as_u16();
        (status, body_of(response).await)
    };
    let (status, body) = send(http().put(format!("{base}/json/service.list"))).await;
    assert_error(status, &body, "ApiErrorMethodNotFound", 5, 400);
    let (status, body) =
        send(http().post(format!("{base}/json/service.info")).form(&[("parameters", "[1, 2]")]))
            .await;
    assert_error(status, &body, "ApiErrorBadParameters", 7, 400);
    let (status, body) =
        send(http().post(format!("{base}/json/service.info")).body("{not json")).await;
    assert_error(status, &body, "ApiErrorBadParameters", 7, 400);
    let (status, body) =
        send(http().post(format!("{base}/json/service.info")).body(vec![0xff, 0xfe, 0x00])).await;
    assert_error(status, &body, "ApiErrorBadParameters", 7, 400);
    let (status, body) = send(http().post(format!("{base}/json/%ff%fe"))).await;
    assert_error(status, &body, "ApiErrorMethodNotFound", 5, 400);
    let (status, body) =
        send(http().post(format!("{base}/json/service.info")).body(vec![b'a'; 5 << 20])).await;
    assert_error(status, &body, "ApiErrorBadParameters", 7, 400);
    let (status, body) =
        send(http().post(format!("{base}/json/service.info")).body(r#"{"name": ["a", "b"]}"#))
            .await;
    assert_error(status, &body, "ApiErrorBadParameters", 7, 400);
    let (status, body) = send(http().post(format!("{base}/jsonrpc")).body("{")).await;
    assert_eq!(status, 200);
    assert_eq!(body["error"]["code"], -32700, "{body}");
    let (status, body) = send(http().post(format!("{base}/jsonrpc")).body("[]")).await;
    assert_eq!(status, 200);
    assert_eq!(body["error"]["code"], -32600, "{body}");
    let (status, body) =
        send(http().post(format!("{base}/jsonrpc")).body("[1, {\"id\": 2}]")).await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().map(Vec::len), Some(2), "{body}");
    let (status, body) = send(http().get(format!("{base}/json"))).await;
    assert_error(status, &body, "ApiErrorDoesNotExist", 3, 404);
    let (status, _) = send(http().get(format!("{}/other", base.trim_end_matches("/v1")))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn api_keys_and_partner_accounts() {
    let sim = Simulator::memset().start().await.expect("starts");
    let ms = sim.client();
    let keys = ms.apikey().list().await.expect("listed");
    assert_eq!(keys.len(), 1);
    let (status, body) = raw(
        &sim,
        "apikey.create",
        json!({"comment": "dns only", "scopes": {"method": ["dns.reload"]}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let key = body["key"].as_str().expect("a key").to_owned();
    assert_eq!(key.len(), 32);
    assert_eq!(body["scopes"]["method"], json!(["dns.reload"]));
    let (_, scoped) = raw(
        &sim,
        "apikey.add_scope",
        json!({"id": key, "scope_name": "name", "value": "myserver1"}),
    )
    .await;
    assert_eq!(scoped["scopes"]["name"], json!(["myserver1"]));
    let (_, unscoped) = raw(
        &sim,
        "apikey.delete_scope",
        json!({"id": key, "scope_name": "method", "value": "dns.reload"}),
    )
    .await;
    assert_eq!(unscoped["scopes"]["method"], json!([]));
    assert_eq!(ms.apikey().list().await.expect("listed").len(), 2);
    ms.apikey().delete(&key).await.expect("deleted");
    let gone = ms.apikey().info(&key).await.expect_err("gone");
    assert_eq!(kind(&gone), Some(ErrorKind::DoesNotExist));
    assert_eq!(sim.snapshot()["api_keys"].as_array().map(Vec::len), Some(1));

    let (status, account) = raw(&sim, "partner.account.create", json!({
        "user_title": "Ms", "user_forename": "Jane", "user_surname": "Doe", "user_company": "ACME",
        "user_email": "jane.doe@example.com", "user_phone": "01111111111", "user_address": "10 Downing Street",
        "user_town": "Westminster", "user_statecounty": "London", "user_postcode": "SW1A 2AA", "user_country": "GB"})).await;
    if status == 200 {
        assert_eq!(account["account"], "myaccount1");
        assert_eq!(account["api_key"]["key"].as_str().map(str::len), Some(32));
    } else {
        panic!("partner.account.create: {account}");
    }
}

#[tokio::test]
async fn injected_faults_take_memsets_shapes() {
    use cloud_sdks_sim::faults::{Fault, Rule};
    let sim = Simulator::memset().polls_until_done(1).start().await.expect("starts");
    let ms = sim.client();
    sim.faults().add(
        Rule::new(Fault::RateLimited { retry_after: std::time::Duration::from_secs(1) })
            .operation("service.info")
            .times(1),
    );
    let error = ms.service().info("myserver1").await.expect_err("throttled");
    assert!(error.is_rate_limited(), "{error:?}");
    assert_eq!(sim.received().last().map(|r| r.status), Some(403));
    ms.service().info("myserver1").await.expect("the rule ran out");

    sim.faults().add(Rule::new(Fault::FailWork("the host is full".into())).times(1));
    let job = ms.server().reboot("myserver1").await.expect("a job");
    let error = ms
        .wait_for_job(&job)
        .interval(std::time::Duration::from_millis(1))
        .await
        .expect_err("the job failed");
    assert!(error.to_string().contains(&job.id), "{error}");
}
