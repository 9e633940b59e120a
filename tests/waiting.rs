//! ProfitBricks provisioning: `wait_for` polls `/requests/{id}/status` until DONE, turns FAILED
//! into an error with the API's message, and gives up after the caller's timeout.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use profitbricks::models::RequestState;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REQUEST_ID: &str = "0f3c1e4a-aaaa-bbbb-cccc-123456789abc";

fn fixture(name: &str) -> Value {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/profitbricks").join(name);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

async fn client(server: &MockServer) -> profitbricks::Client {
    profitbricks::Client::builder(profitbricks::Credentials::basic("user", "pass"))
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

/// Answers the status endpoint with `first` for `times` looks, then with `then`.
async fn status_server(first: Value, times: u64, then: Value) -> MockServer {
    let server = MockServer::start().await;
    let status_path = format!("/requests/{REQUEST_ID}/status");
    Mock::given(method("GET"))
        .and(path(status_path.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(status_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(then))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn waits_through_queued_until_done_reporting_progress() {
    let server = status_server(
        fixture("get_request_status_queued.json"),
        2,
        fixture("get_request_status_done.json"),
    )
    .await;
    let pb = client(&server).await;
    let heard = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&heard);
    let status = pb
        .wait_for(REQUEST_ID)
        .interval(Duration::from_millis(5))
        .timeout(Duration::from_secs(10))
        .on_progress(move |state, _| log.lock().expect("not poisoned").push(state.to_owned()))
        .await
        .expect("the request finishes");
    assert_eq!(status.metadata.and_then(|m| m.status), Some(RequestState::Done));
    assert_eq!(*heard.lock().expect("not poisoned"), ["QUEUED", "QUEUED"]);
    assert_eq!(server.received_requests().await.map_or(0, |r| r.len()), 3);
}

#[tokio::test]
async fn a_failed_request_is_an_error_with_the_api_message() {
    let failed = json!({"id": format!("{REQUEST_ID}/status"), "type": "request-status", "href": "/requests/x/status",
        "metadata": {"status": "FAILED", "message": "Not enough cores left in the contract"}});
    let server = status_server(fixture("get_request_status_queued.json"), 1, failed).await;
    let error = client(&server)
        .await
        .wait_for(REQUEST_ID)
        .interval(Duration::from_millis(5))
        .await
        .expect_err("the request failed");
    assert_eq!(
        error.to_string(),
        format!("request {REQUEST_ID}: FAILED: Not enough cores left in the contract")
    );
}

#[tokio::test]
async fn gives_up_after_the_timeout() {
    let queued = fixture("get_request_status_queued.json");
    let server = status_server(queued.clone(), u64::MAX, queued).await;
    let error = client(&server)
        .await
        .wait_for(REQUEST_ID)
        .interval(Duration::from_millis(5))
        .timeout(Duration::from_millis(30))
        .await
        .expect_err("still queued");
    match error {
        cloud_sdks_runtime::Error::Wait(cloud_sdks_runtime::wait::WaitError::TimedOut {
            last_state,
            waited,
            ..
        }) => {
            assert_eq!(last_state, "QUEUED");
            assert!(waited >= Duration::from_millis(30), "gave up after only {waited:?}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn waits_on_the_request_id_of_an_accepted_call() {
    let server = status_server(
        fixture("get_request_status_done.json"),
        1,
        fixture("get_request_status_done.json"),
    )
    .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(202).insert_header(
            "Location",
            format!("https://api.profitbricks.com/cloudapi/v3/requests/{REQUEST_ID}/status"),
        ))
        .mount(&server)
        .await;
    let pb = client(&server).await;
    let accepted = pb.delete_datacenter("dc-1").await.expect("accepted");
    assert_eq!(accepted.request_id(), Some(REQUEST_ID));
    pb.wait_for(&accepted).interval(Duration::from_millis(5)).await.expect("done");

    // an answer without a Location has no id: waiting on it is an error, not a hang
    let none: Option<&str> = None;
    let error = pb.wait_for(none).await.expect_err("nothing to wait for");
    assert!(error.to_string().starts_with("wait_for: invalid argument 'request'"), "{error}");
}

/// A Memset job as `job.status` describes it.
fn memset_job(status: &str, finished: bool, error: bool) -> Value {
    json!({"id": "b0e8a6d9f6c04a8f8d2f1c3e4a5b6c7d", "type": "dns", "status": status, "finished": finished, "error": error})
}

async fn memset_server(first: Value, times: u64, then: Value) -> (MockServer, memset::Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/json/job.status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/json/job.status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(then))
        .mount(&server)
        .await;
    let client =
        memset::Client::builder(memset::Credentials::api_key("0123456789abcdef0123456789abcdef"))
            .base_url(server.uri())
            .build()
            .expect("valid settings");
    (server, client)
}

#[tokio::test]
async fn memset_waits_until_the_job_has_finished() {
    let (server, ms) =
        memset_server(memset_job("NEW", false, false), 2, memset_job("DONE", true, false)).await;
    let job = ms
        .wait_for_job("b0e8a6d9f6c04a8f8d2f1c3e4a5b6c7d")
        .interval(Duration::from_millis(5))
        .await
        .expect("finished");
    assert_eq!((job.status.as_str(), job.finished, job.error), ("DONE", true, false));
    assert_eq!(server.received_requests().await.map_or(0, |r| r.len()), 3);
}

#[tokio::test]
async fn memset_a_job_finished_with_an_error_is_an_error() {
    let (_server, ms) =
        memset_server(memset_job("NEW", false, false), 1, memset_job("FAILED", true, true)).await;
    let error = ms
        .wait_for_job("b0e8a6d9f6c04a8f8d2f1c3e4a5b6c7d")
        .interval(Duration::from_millis(5))
        .await
        .expect_err("errored job");
    assert_eq!(
        error.to_string(),
        "job b0e8a6d9f6c04a8f8d2f1c3e4a5b6c7d: FAILED: the dns job finished with an error"
    );
}

/// A 1&1 server whose status answers `first` for `times` looks, then `then`.
async fn oneandone_server(first: &str, times: u64, then: &str) -> (MockServer, oneandone::Client) {
    let server = MockServer::start().await;
    let status = |state: &str| {
        ResponseTemplate::new(200).set_body_json(json!({"state": state, "percent": null}))
    };
    Mock::given(method("GET"))
        .and(path("/servers/s-1/status"))
        .respond_with(status(first))
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/servers/s-1/status"))
        .respond_with(status(then))
        .mount(&server)
        .await;
    let client = oneandone::Client::builder(oneandone::Credentials::token("token"))
        .base_url(server.uri())
        .build()
        .expect("valid settings");
    (server, client)
}

#[tokio::test]
async fn oneandone_server_wait_for_polls_until_powered_on() {
    let (server, oa) = oneandone_server("DEPLOYING", 2, "POWERED_ON").await;
    let heard = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&heard);
    let status = oa
        .server("s-1")
        .wait_for()
        .interval(Duration::from_millis(5))
        .on_progress(move |state, _| log.lock().expect("not poisoned").push(state.to_owned()))
        .await
        .expect("powered on");
    assert_eq!(status.state, Some(oneandone::models::ResourceState::PoweredOn));
    assert_eq!(*heard.lock().expect("not poisoned"), ["DEPLOYING", "DEPLOYING"]);
    assert_eq!(server.received_requests().await.map_or(0, |r| r.len()), 3);
}

#[tokio::test]
async fn oneandone_wait_for_a_state_the_caller_names() {
    // POWERED_ON would end a plain wait_for; the caller asked for POWERED_OFF
    let (_server, oa) = oneandone_server("POWERED_ON", 2, "POWERED_OFF").await;
    let status = oa
        .server("s-1")
        .wait_for_state([oneandone::models::ResourceState::PoweredOff])
        .interval(Duration::from_millis(5))
        .await
        .expect("powered off");
    assert_eq!(status.state, Some(oneandone::models::ResourceState::PoweredOff));
}

#[tokio::test]
async fn oneandone_wait_for_times_out_with_a_typed_error() {
    let (_server, oa) = oneandone_server("DEPLOYING", u64::MAX, "DEPLOYING").await;
    let error = oa
        .server("s-1")
        .wait_for()
        .interval(Duration::from_millis(5))
        .timeout(Duration::from_millis(30))
        .await
        .expect_err("still deploying");
    match error {
        cloud_sdks_runtime::Error::Wait(cloud_sdks_runtime::wait::WaitError::TimedOut {
            what,
            last_state,
            ..
        }) => {
            assert_eq!((what.as_str(), last_state.as_str()), ("server s-1", "DEPLOYING"));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

/// 1&1 item 12: after a power-on, the wait ends at POWERED_ON, not at the POWERED_OFF the
/// server still shows; after a power-off at POWERED_OFF; the action is sent first, once.
#[tokio::test]
async fn oneandone_waits_for_the_state_the_power_action_leads_to() {
    use oneandone::models::{ResourceState, ServerAction, ServerActionMethod};
    let (server, oa) = oneandone_server("POWERED_OFF", 2, "POWERED_ON").await;
    Mock::given(method("PUT"))
        .and(path("/servers/s-1/status/action"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"id": "s-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let status = oa
        .modify_server_status_and_wait("s-1", ServerAction::PowerOn, ServerActionMethod::Software)
        .interval(Duration::from_millis(5))
        .await
        .expect("powered on");
    assert_eq!(status.state, Some(ResourceState::PoweredOn));
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests[0].method.as_str(), "PUT", "the action goes first");
    assert_eq!(requests.len(), 4, "the action, then three looks");

    // a plain wait_for keeps the SDK's set and would have stopped at POWERED_OFF
    let (_server, oa) = oneandone_server("POWERED_OFF", 2, "POWERED_ON").await;
    let plain = oa.server("s-1").wait_for().interval(Duration::from_millis(5)).await;
    assert_eq!(plain.expect("done").state, Some(ResourceState::PoweredOff));
    let after_off = oa
        .server("s-1")
        .wait_after(&ServerAction::PowerOff)
        .interval(Duration::from_millis(5))
        .await;
    assert_eq!(after_off.expect("done").state, Some(ResourceState::PoweredOff));
    assert_eq!(oneandone::power::states_after(&ServerAction::Reboot), [ResourceState::PoweredOn]);
}
