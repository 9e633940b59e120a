//! Injected faults through the real `profitbricks` client: rate limits and server errors it
//! retries, errors it hands back, dropped connections, slow answers and provisioning requests
//! that end FAILED — and the simulator's record of what it received.

#![cfg(feature = "profitbricks")]

mod common;

use std::time::Duration;

use cloud_sdks_sim::faults::{Fault, Rule};
use cloud_sdks_sim::Simulator;
use profitbricks::models::NewDatacenter;
use profitbricks::{Error, RetryPolicy};

fn statuses(sim: &cloud_sdks_sim::profitbricks::Running) -> Vec<u16> {
    sim.received().iter().map(|r| r.status).collect()
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy::new().max_attempts(4).initial_backoff(Duration::from_millis(10))
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_until_the_rule_runs_out() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    let pb = sim.client();
    sim.faults().add(
        Rule::new(Fault::RateLimited { retry_after: Duration::from_secs(1) })
            .operation("list_datacenters")
            .times(1),
    );
    sim.faults().add(Rule::new(Fault::Status(503)).operation("list_datacenters").times(1));
    pb.list_datacenters().await.expect("answered after two retries");
    assert_eq!(statuses(&sim), [429, 503, 200]);
    pb.list_datacenters().await.expect("the rules have run out");
    assert_eq!(statuses(&sim), [429, 503, 200, 200]);
}

#[tokio::test]
async fn a_rate_limit_carries_the_providers_headers_and_error_shape() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    sim.faults().add(Rule::new(Fault::RateLimited { retry_after: Duration::from_secs(2) }));
    let response = common::http()
        .get(format!("{}/datacenters", sim.base_url()))
        .basic_auth("anyone", Some("anything"))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 429);
    let header =
        |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(header("x-ratelimit-remaining").as_deref(), Some("0"));
    assert_eq!(header("x-ratelimit-limit").as_deref(), Some("30"), "one request per 2 s");
    assert_eq!(header("retry-after"), None, "ProfitBricks sends none");
    let body = response.bytes().await.expect("a body");
    let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(body["httpStatus"], 429);
    assert!(body["messages"][0]["message"].is_string(), "{body}");
}

#[tokio::test]
async fn errors_of_calls_that_are_not_retried_keep_their_status() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    let pb = sim.client();
    sim.faults().add(Rule::new(Fault::Status(500)).operation("create_datacenter"));
    let error = pb
        .create_datacenter(NewDatacenter::new("web", "de/fra"))
        .await
        .expect_err("a create is not retried");
    assert!(matches!(&error, Error::Api { error, .. } if error.status == 500), "{error:?}");
    assert_eq!(statuses(&sim), [500], "sent once");
    // other operations are untouched
    pb.list_datacenters().await.expect("answered");
}

#[tokio::test]
async fn a_dropped_connection_is_retried_and_recorded() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    let pb = profitbricks::Client::builder(profitbricks::Credentials::basic(
        cloud_sdks_sim::profitbricks::DEFAULT_USERNAME,
        cloud_sdks_sim::profitbricks::DEFAULT_PASSWORD,
    ))
    .base_url(sim.base_url())
    .retry_policy(quick_retries())
    .build()
    .expect("client");
    sim.faults().add(Rule::new(Fault::Drop).operation("list_locations").times(1));
    pb.list_locations().await.expect("answered on the retry");
    assert_eq!(statuses(&sim), [0, 200]);
}

#[tokio::test]
async fn a_slow_answer_runs_into_the_attempt_timeout() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    let pb = profitbricks::Client::builder(profitbricks::Credentials::basic(
        cloud_sdks_sim::profitbricks::DEFAULT_USERNAME,
        cloud_sdks_sim::profitbricks::DEFAULT_PASSWORD,
    ))
    .base_url(sim.base_url())
    .retry_policy(RetryPolicy::disabled())
    .attempt_timeout(Duration::from_millis(100))
    .build()
    .expect("client");
    sim.faults().add(Rule::new(Fault::Delay(Duration::from_secs(5))).operation("list_images"));
    let error = pb.list_images().await.expect_err("too slow");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn failed_work_ends_the_wait_with_the_message() {
    let sim = Simulator::profitbricks().start().await.expect("starts");
    let pb = sim.client();
    sim.faults().add(
        Rule::new(Fault::FailWork("no capacity left in de/fra".into()))
            .operation("create_datacenter")
            .times(1),
    );
    let created =
        pb.create_datacenter(NewDatacenter::new("web", "de/fra")).await.expect("accepted");
    let error = pb
        .wait_for(&created)
        .interval(Duration::from_millis(5))
        .await
        .expect_err("the request failed");
    assert!(error.to_string().contains("no capacity left in de/fra"), "{error}");
    assert!(error.to_string().contains("FAILED"), "{error}");
    // the next create is not affected
    let next = pb.create_datacenter(NewDatacenter::new("db", "de/fra")).await.expect("accepted");
    pb.wait_for(&next).interval(Duration::from_millis(5)).await.expect("done");
}

#[tokio::test]
async fn the_binary_serves_the_faults_it_is_given_then_normal_answers() {
    let sim = common::serve(&[
        "--provider",
        "profitbricks",
        "--port",
        "0",
        "--fault",
        "status:503@list_datacentersx1",
        "--fault",
        "rate-limited:2@get_datacenter",
    ]);
    let http = common::http();
    let get = |path: &str| {
        http.get(format!("{}{path}", sim.base_url))
            .basic_auth(
                cloud_sdks_sim::profitbricks::DEFAULT_USERNAME,
                Some(cloud_sdks_sim::profitbricks::DEFAULT_PASSWORD),
            )
            .send()
    };
    let faulted = get("/datacenters").await.expect("answers");
    let status = faulted.status().as_u16();
    let body: serde_json::Value =
        serde_json::from_slice(&faulted.bytes().await.expect("a body")).expect("JSON");
    let normal = get("/datacenters").await.expect("answers").status().as_u16();
    // the rule without a count stays; it hits only its operation
    let limited = get("/datacenters/some-id").await.expect("answers");
    let limit = limited.headers().get("x-ratelimit-limit").map(|v| v.as_bytes().to_vec());
    assert_eq!(status, 503);
    assert_eq!(body["httpStatus"], 503, "the API's error shape: {body}");
    assert_eq!(normal, 200, "the rule ran out after one request");
    assert_eq!(limited.status().as_u16(), 429);
    assert_eq!(limit.as_deref(), Some(&b"30"[..]), "one request per 2 s");
}

#[test]
fn the_binary_refuses_a_fault_it_cannot_read() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cloud-sdks-sim"))
        .args(["serve", "--provider", "profitbricks", "--port", "0", "--fault", "status:99"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("cloud-sdks-sim: --fault \"status:99\": \"99\" is not an error status"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing was served");
}
