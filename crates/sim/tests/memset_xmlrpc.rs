//! The Memset simulator's XML-RPC interface (`/v1/xmlrpc`): through the `memset` client with
//! `Protocol::XmlRpc`, through raw HTTP, and through Python's standard `xmlrpc.client`.
#![cfg(feature = "memset")]

use std::time::Duration;

use cloud_sdks_runtime::xmlrpc::{method_response, MethodResponse};
use cloud_sdks_runtime::RetryPolicy;
use cloud_sdks_sim::faults::{Fault, Rule};
use cloud_sdks_sim::memset::{Running, DEFAULT_API_KEY};
use cloud_sdks_sim::Simulator;
use memset::models::DnsRecordType;
use memset::{Client, Credentials, Error, ErrorKind, Protocol};
use serde_json::{json, Value};

mod common;

use common::http;

/// A client of `sim` with `key`, over XML-RPC (`xml`) or JSON, that does not retry.
fn client(sim: &Running, key: &str, xml: bool) -> Client {
    memset::Client::builder(Credentials::api_key(key))
        .base_url(sim.base_url())
        .protocol(if xml { Protocol::XmlRpc } else { Protocol::Json })
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a client")
}

fn xml_client(sim: &Running) -> Client {
    client(sim, sim.api_key(), true)
}

fn kind(error: &Error) -> Option<ErrorKind> {
    error.kind().copied()
}

/// POSTs `body` to `/xmlrpc` (with the default key as the Basic user unless `key` is `None`);
/// the status, the content type and the decoded `methodResponse`.
async fn post(
    sim: &Running,
    key: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, String, MethodResponse) {
    let mut request = http().post(format!("{}/xmlrpc", sim.base_url())).body(body);
    if let Some(key) = key {
        request = request.basic_auth(key, Some("x"));
    }
    let response = request.send().await.expect("the simulator answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("a body");
    let answer = method_response(text.as_bytes()).unwrap_or_else(|e| panic!("{e}: {text}"));
    (status, content_type, answer)
}

/// A `methodCall` of `method` with one struct of `members` (XML-RPC `<member>` elements).
fn call(method: &str, members: &str) -> String {
    format!(
        "<?xml version='1.0'?>\n<methodCall>\n<methodName>{method}</methodName>\n<params>\n\
         <param>\n<value><struct>\n{members}</struct></value>\n</param>\n</params>\n</methodCall>\n"
    )
}

/// The fault's code and message, or a panic naming what came instead.
fn fault_of(answer: MethodResponse) -> (String, String) {
    match answer {
        MethodResponse::Fault(fault) => {
            (fault.code.expect("a faultCode"), fault.message.expect("a faultString"))
        }
        MethodResponse::Value(value) => panic!("a value, not a fault: {value}"),
    }
}

#[tokio::test]
async fn the_seed_examples_run_over_xml_rpc() {
    let sim = Simulator::memset().start().await.expect("starts");
    let ms = xml_client(&sim);

    // a read: the ma-shell's service.info name myserver1
    let info = ms.service().info("myserver1").await.expect("service.info");
    assert_eq!(info.name, "myserver1");
    assert_eq!(info.nickname.as_deref(), Some("www"));
    // dates come as dateTime.iso8601, read back in the JSON interface's format
    let start = info.start_date.expect("a start date");
    assert_eq!(start.as_str(), "2010-12-01 00:00:00");
    let json = client(&sim, sim.api_key(), false).service().info("myserver1").await.expect("json");
    let json_start = json.start_date.expect("a start date");
    assert_eq!((start.year(), start.month(), start.day()), (2010, 12, Some(1)));
    assert_eq!((json_start.year(), json_start.month(), json_start.day()), (2010, 12, Some(1)));

    // the Python example: service.list, server.list, server.info, set_nickname, server.reboot
    assert_eq!(ms.service().list().await.expect("service.list").len(), 2);
    assert_eq!(ms.server().list().await.expect("server.list").len(), 1);
    let server = ms.server().info("myserver1").await.expect("server.info");
    assert_eq!(server.name, "myserver1");
    let set = ms.service().set_nickname("myserver1", "webserver").await.expect("set");
    assert_eq!(set.nickname, "webserver");
    assert_eq!(sim.service("myserver1").expect("there")["nickname"], "webserver");

    // a call that starts a job, and its wait (job.status over XML-RPC too)
    let job = ms.server().reboot("myserver1").await.expect("reboot");
    assert!(!job.finished && !job.error);
    assert_eq!(job.service.as_deref(), Some("myserver1"));
    let done = ms.wait_for_job(&job).interval(Duration::from_millis(1)).await.expect("done");
    assert!(done.finished && !done.error);
    assert_eq!(done.status, "DONE");

    // the same state as the other interfaces: the JSON client sees the new nickname
    let json = client(&sim, sim.api_key(), false);
    let info = json.service().info("myserver1").await.expect("json");
    assert_eq!(info.nickname.as_deref(), Some("webserver"));

    // every request went to /v1/xmlrpc and was understood as its method
    let received = sim.received();
    let xml: Vec<_> = received.iter().filter(|r| r.path == "/v1/xmlrpc").collect();
    assert!(xml.len() >= 8, "{received:?}");
    assert!(xml.iter().all(|r| r.method == "POST" && r.status == 200));
    assert!(xml[0].body.contains("<methodName>service.info</methodName>"));
    assert_eq!(xml[0].calls[0].method, "service.info");
    assert_eq!(xml[0].calls[0].params, json!({"name": "myserver1"}));
}

#[tokio::test]
async fn a_dns_zone_create_list_and_delete_over_xml_rpc() {
    let sim = Simulator::memset().empty().start().await.expect("starts");
    let ms = xml_client(&sim);
    let zone = common::create_example_zone(&ms).await;
    assert_eq!(zone.id.len(), 32);
    assert_eq!(zone.ttl, Some(3600));
    let record = ms
        .dns()
        .zone_record_create(&zone.id, DnsRecordType::Txt, "token")
        .record("_acme-challenge")
        .ttl(300)
        .await
        .expect("record created");
    let zones = ms.dns().zone_list().await.expect("zones");
    assert_eq!(zones.len(), 1);
    assert_eq!(zones[0].id, zone.id);
    assert_eq!(zones[0].records.as_ref().map(Vec::len), Some(2));
    assert_eq!(ms.dns().zone_record_list().await.expect("records").len(), 2);
    let twice = ms.dns().zone_domain_create("example.com").await.expect_err("unique");
    assert_eq!(kind(&twice), Some(ErrorKind::NotUnique));

    let deleted = ms.dns().zone_record_delete(&record.id).await.expect("deleted");
    assert_eq!(deleted.id, record.id);
    ms.dns().zone_delete(&zone.id).await.expect("zone deleted");
    assert!(ms.dns().zone_list().await.expect("zones").is_empty());
    assert!(ms.dns().zone_record_list().await.expect("records").is_empty());
    let gone = ms.dns().zone_info(&zone.id).await.expect_err("gone");
    assert_eq!(kind(&gone), Some(ErrorKind::DoesNotExist));
    assert_eq!(gone.status(), Some(200), "a fault comes with HTTP 200");
    assert_eq!(sim.snapshot()["dns_zones"], json!([]));
}

#[tokio::test]
async fn dates_the_spec_types_as_dates_go_out_as_date_times() {
    let sim = Simulator::memset().start().await.expect("starts");
    let (status, content_type, answer) =
        post(&sim, Some(DEFAULT_API_KEY), call("apikey.list", "")).await;
    assert_eq!((status, content_type.as_str()), (200, "text/xml"));
    let MethodResponse::Value(keys) = answer else { panic!("a fault") };
    let created = keys[0]["created"].as_str().expect("a date");
    assert_eq!(created.len(), "2024-01-01 00:00:00".len(), "{created}");
    // the raw answer: dateTime.iso8601 for `created`, a string for the key itself
    let text = http()
        .post(format!("{}/xmlrpc", sim.base_url()))
        .basic_auth(DEFAULT_API_KEY, Some("x"))
        .body(call("service.info", "<member><name>name</name><value>myserver1</value></member>"))
        .send()
        .await
        .expect("answers")
        .text()
        .await
        .expect("a body");
    assert!(
        text.contains(
            "<name>start_date</name>\n<value><dateTime.iso8601>20101201T00:00:00</dateTime.iso8601></value>"
        ),
        "{text}"
    );
    assert!(
        text.contains("<name>name</name>\n<value><string>myserver1</string></value>"),
        "{text}"
    );
    let keys = xml_client(&sim).apikey().list().await.expect("keys");
    let created = keys[0].created.as_ref().expect("a date");
    assert!(created.time().is_some(), "{created:?}");
}

/// Every error the simulator raises, over JSON and over XML-RPC: the fault's code is the
/// documented error code, and the client classifies both the same.
#[tokio::test]
async fn every_fault_kind_is_its_code_and_the_same_error_kind_as_over_json() {
    let sim = Simulator::memset().start().await.expect("starts");
    let key = sim.api_key().to_owned();
    let wrong = "ffffffffffffffffffffffffffffffff";
    // the same call through a JSON client and an XML-RPC client with `key`: both errors
    macro_rules! both {
        ($key:expr, |$c:ident| $call:expr) => {{
            let $c = client(&sim, $key, false);
            let json = $call.await.map(drop).expect_err("an error over JSON");
            let $c = client(&sim, $key, true);
            let xml = $call.await.map(drop).expect_err("a fault over XML-RPC");
            (json, xml)
        }};
    }
    // a reboot in progress and a slaved domain, so that doing either again is refused
    xml_client(&sim).server().reboot("myserver1").await.expect("reboot");
    xml_client(&sim).server().slave_ns_add("myserver1", "example.org").await.expect("slaved");
    let cases = [
        (ErrorKind::DoesNotExist, "3", both!(&key, |c| c.service().info("BADSERVERNAME"))),
        (ErrorKind::Forbidden, "4", both!(wrong, |c| c.service().list())),
        (ErrorKind::MethodNotFound, "5", both!(&key, |c| c.server().info("mystorage1"))),
        (ErrorKind::AlreadyInProgress, "6", both!(&key, |c| c.server().reboot("myserver1"))),
        (ErrorKind::NotUnique, "8", both!(&key, |c| c.service().set_nickname("mystorage1", "www"))),
        (
            ErrorKind::PreconditionFailed,
            "9",
            both!(&key, |c| c.server().slave_ns_add("myserver1", "example.org")),
        ),
    ];
    for (expected, code, (json, xml)) in cases {
        assert_eq!(kind(&json), Some(expected), "{json}");
        assert_eq!(kind(&xml), Some(expected), "{xml}");
        let (json_api, xml_api) = (json.api_error().expect("API"), xml.api_error().expect("API"));
        assert_eq!(json_api.code.as_deref(), Some(code), "{json}");
        assert_eq!(xml_api.code.as_deref(), Some(code), "{xml}");
        assert_eq!(xml_api.message, json_api.message, "the faultString is the JSON error text");
        assert!(xml_api.body.contains("<fault>"), "{}", xml_api.body);
        // a fault is HTTP 200, but a wrong key keeps its documented status
        let status = if expected == ErrorKind::Forbidden { 403 } else { 200 };
        assert_eq!(xml.status(), Some(status), "{xml}");
    }

    // what the client cannot send (it checks arguments and always authenticates): raw calls
    let (status, _, answer) = post(&sim, Some(&key), call("service.info", "")).await;
    assert_eq!(status, 200);
    assert_eq!(fault_of(answer), ("7".to_owned(), "name: This field is required.".to_owned()));
    let (status, _, answer) = post(&sim, None, call("service.list", "")).await;
    assert_eq!(status, 401);
    assert_eq!(fault_of(answer).0, "10");
    let (status, _, answer) = post(&sim, Some("nope"), call("service.list", "")).await;
    assert_eq!(status, 403);
    assert_eq!(fault_of(answer).0, "4");

    // injected faults are XML-RPC faults with their code, and rules for one method hit it
    let rate_limit = Fault::RateLimited { retry_after: Duration::from_secs(1) };
    sim.faults().add(Rule::new(rate_limit).operation("service.list").times(1));
    xml_client(&sim).service().info("myserver1").await.expect("another method is not limited");
    let throttled = xml_client(&sim).service().list().await.expect_err("throttled");
    assert_eq!(kind(&throttled), Some(ErrorKind::Throttled), "{throttled}");
    assert!(throttled.is_rate_limited());
    let throttled = throttled.api_error().expect("an API error");
    assert!(throttled.body.contains("<fault>"), "{}", throttled.body);
    assert_eq!((throttled.status, throttled.code.as_deref()), (403, Some("12")));
    sim.faults().add(Rule::new(Fault::Status(500)).times(1));
    let internal = xml_client(&sim).service().list().await.expect_err("a 500");
    assert_eq!(kind(&internal), Some(ErrorKind::InternalError), "{internal}");
    assert!(internal.api_error().is_some_and(|e| e.body.contains("<fault>")), "{internal:?}");
    xml_client(&sim).service().list().await.expect("the rules ran out");
}

#[tokio::test]
async fn the_key_is_taken_as_for_the_json_interface() {
    let sim = Simulator::memset().start().await.expect("starts");
    let list = call("service.list", "");
    // the Basic user name
    let (status, _, answer) = post(&sim, Some(DEFAULT_API_KEY), list.clone()).await;
    assert_eq!(status, 200);
    assert!(matches!(answer, MethodResponse::Value(Value::Array(ref s)) if s.len() == 2));
    // an api_key in the query, as the client's api_key_in_query sends it
    let ms = memset::Client::builder(Credentials::api_key(DEFAULT_API_KEY))
        .base_url(sim.base_url())
        .protocol(Protocol::XmlRpc)
        .api_key_in_query(true)
        .build()
        .expect("a client");
    assert_eq!(ms.service().list().await.expect("listed").len(), 2);
    assert!(sim.received().last().is_some_and(|r| r.path.starts_with("/v1/xmlrpc?api_key=")));
    // an api_key among the named parameters; it is not an argument of the method
    let members = format!("<member><name>api_key</name><value>{DEFAULT_API_KEY}</value></member>");
    let (status, _, answer) = post(&sim, None, call("service.list", &members)).await;
    assert_eq!(status, 200);
    assert!(matches!(answer, MethodResponse::Value(Value::Array(_))));
    assert_eq!(sim.received().last().map(|r| r.calls[0].params.clone()), Some(json!({})));
    // a wrong key is refused before the method runs
    let wrong = client(&sim, "ffffffffffffffffffffffffffffffff", true);
    let error = wrong.service().set_nickname("myserver1", "hacked").await.expect_err("refused");
    assert_eq!((kind(&error), error.status()), (Some(ErrorKind::Forbidden), Some(403)));
    assert_eq!(sim.service("myserver1").expect("there")["nickname"], "www");
}

#[tokio::test]
async fn malformed_bodies_get_a_fault_not_a_dropped_connection() {
    let sim = Simulator::memset().start().await.expect("starts");
    let name = "<member><name>name</name><value>myserver1</value></member>";
    let mut deep = String::from("<methodCall><methodName>service.info</methodName><params><param>");
    deep.push_str(&"<value><array><data>".repeat(100_000));
    let bodies: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "7"),
        ("not XML", b"{\"name\": \"myserver1\"}".to_vec(), "7"),
        ("not UTF-8", vec![0xff, 0xfe, 0x00], "7"),
        ("truncated", call("service.info", name).as_bytes()[..60].to_vec(), "7"),
        ("a response", b"<methodResponse><params/></methodResponse>".to_vec(), "7"),
        (
            "an entity bomb",
            b"<!DOCTYPE l [<!ENTITY l \"lol\"><!ENTITY l2 \"&l;&l;\">]><methodCall/>".to_vec(),
            "7",
        ),
        ("deep nesting", deep.into_bytes(), "7"),
        (
            "a huge int",
            call("dns.zone_create", "<member><name>ttl</name><value><int>99999999999999999999</int></value></member>").into_bytes(),
            "7",
        ),
        (
            "a wrong type",
            call("service.info", "<member><name>name</name><value><int>1</int></value></member>")
                .into_bytes(),
            "7",
        ),
        (
            "a bad boolean",
            b"<methodCall><methodName>service.list</methodName><params><param><value><boolean>2</boolean></value></param></params></methodCall>".to_vec(),
            "7",
        ),
        (
            "positional arguments",
            b"<methodCall><methodName>service.info</methodName><params><param><value>myserver1</value></param></params></methodCall>".to_vec(),
            "7",
        ),
        (
            "two structs",
            b"<methodCall><methodName>service.list</methodName><params><param><value><struct/></value></param><param><value><struct/></value></param></params></methodCall>".to_vec(),
            "7",
        ),
        ("an unknown method", call("server.explode", "").into_bytes(), "5"),
        ("too large", vec![b'<'; 5 << 20], "7"),
    ];
    for (what, body, code) in bodies {
        let response = http()
            .post(format!("{}/xmlrpc", sim.base_url()))
            .basic_auth(DEFAULT_API_KEY, Some("x"))
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: no answer: {e}"));
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        // every one a fault, the oversized body (refused before it is read) too
        assert_eq!(status, 200, "{what}: {text}");
        let answer = method_response(text.as_bytes()).unwrap_or_else(|e| panic!("{what}: {e}"));
        let (fault_code, message) = fault_of(answer);
        assert_eq!(fault_code, code, "{what}: {message}");
        assert!(!message.is_empty(), "{what}");
    }
    let response = http()
        .get(format!("{}/xmlrpc", sim.base_url()))
        .basic_auth(DEFAULT_API_KEY, Some("x"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers().get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
    let text = response.text().await.expect("a body");
    assert_eq!(fault_of(method_response(text.as_bytes()).expect("a fault")).0, "5");
    // still serving, and nothing changed
    let (_, _, answer) = post(&sim, Some(DEFAULT_API_KEY), call("service.info", name)).await;
    assert!(matches!(answer, MethodResponse::Value(ref v) if v["nickname"] == "www"));
}

/// Runs `script` with `python3` and the arguments `args`; `None` when there is no `python3`.
fn python(script: &str, args: &[&str]) -> Option<std::process::Output> {
    match std::process::Command::new("python3").arg("-c").arg(script).args(args).output() {
        Ok(output) => Some(output),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => panic!("python3 does not run: {error}"),
    }
}

/// The documentation's Python example with Python 3's `xmlrpc.client`, against the binary.
const PYTHON: &str = r#"
import json, sys, xmlrpc.client
base, key = sys.argv[1], sys.argv[2]
host = base.split("://", 1)[1]
s = xmlrpc.client.ServerProxy("http://%s:x@%s/xmlrpc/" % (key, host))
out = {"info": s.service.info(dict(name="myserver1"))}
out["lists_service_info"] = "service.info" in s.system.listMethods()
out["help"] = s.system.methodHelp("service.list")
try:
    s.service.info(dict(name="BADSERVERNAME"))
except xmlrpc.client.Fault as fault:
    out["fault"] = [fault.faultCode, fault.faultString]
wrong = xmlrpc.client.ServerProxy("http://%s:x@%s/xmlrpc/" % ("f" * 32, host))
try:
    wrong.service.list()
except xmlrpc.client.ProtocolError as error:
    out["wrong_key"] = error.errcode
print(json.dumps(out, default=lambda d: "DateTime " + d.value))
"#;

#[tokio::test]
async fn pythons_xmlrpc_client_calls_the_binary() {
    let key = "abcdefabcdefabcdefabcdefabcdefab";
    let sim = common::serve(&["--provider", "memset", "--port", "0", "--api-key", key]);
    let base = sim.base_url.clone();
    let ran = tokio::task::spawn_blocking({
        let base = base.clone();
        move || python(PYTHON, &[&base, key])
    })
    .await
    .expect("joined");
    let Some(output) = ran else {
        eprintln!("python3 is not available here: the xmlrpc.client test is skipped");
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let out: Value = serde_json::from_str(stdout.trim()).expect("JSON");
    assert_eq!(out["info"]["name"], "myserver1", "{out}");
    assert_eq!(out["info"]["nickname"], "www", "{out}");
    assert_eq!(out["info"]["start_date"], "DateTime 20101201T00:00:00", "{out}");
    assert_eq!(out["lists_service_info"], true, "{out}");
    assert!(out["help"].as_str().is_some_and(|h| !h.is_empty()), "{out}");
    assert_eq!(out["fault"], json!([3, "Couldn't find service with name 'BADSERVERNAME'"]));
    assert_eq!(out["wrong_key"], 403, "{out}");
}
