//! 1&1 paged lists: `pages()` walks page after page until a short one, as a Stream and as
//! plain async calls.

use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn summary(id: &str) -> serde_json::Value {
    json!({"id": id, "name": format!("server {id}")})
}

async fn server_with_pages() -> (MockServer, oneandone::Client) {
    let server = MockServer::start().await;
    for (page, body) in [("1", json!([summary("a"), summary("b")])), ("2", json!([summary("c")]))] {
        Mock::given(method("GET"))
            .and(path("/servers"))
            .and(query_param("page", page))
            .and(query_param("per_page", "2"))
            .and(query_param("q", "web"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = oneandone::Client::builder(oneandone::Credentials::token("token"))
        .base_url(server.uri())
        .build()
        .expect("valid settings");
    (server, client)
}

#[tokio::test]
async fn all_collects_every_page_and_stops_after_a_short_one() {
    let (server, oa) = server_with_pages().await;
    let servers = oa.list_servers().per_page(2).q("web").pages().all().await.expect("two pages");
    let ids: Vec<&str> = servers.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    server.verify().await;
}

#[tokio::test]
async fn next_page_hands_out_one_page_at_a_time() {
    let (_server, oa) = server_with_pages().await;
    let mut pages = oa.list_servers().per_page(2).q("web").pages();
    let sizes = [
        pages.next_page().await.map(|p| p.map(|v| v.len()).ok()),
        pages.next_page().await.map(|p| p.map(|v| v.len()).ok()),
        pages.next_page().await.map(|p| p.map(|v| v.len()).ok()),
    ];
    assert_eq!(sizes, [Some(Some(2)), Some(Some(1)), None]);
}

#[tokio::test]
async fn an_error_page_ends_the_walk_with_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/servers"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-Rate-Limit-Reset", "30")
                .set_body_json(json!({"type": "RATE_LIMIT", "message": "Too many requests"})),
        )
        .mount(&server)
        .await;
    // not retried here: a retried 429 would wait the 30 s the server asks for (tests/reliability.rs)
    let oa = oneandone::Client::builder(oneandone::Credentials::token("token"))
        .base_url(server.uri())
        .retry_policy(oneandone::RetryPolicy::disabled())
        .build()
        .expect("valid settings");
    let error = oa.list_servers().pages().all().await.expect_err("rate limited");
    assert_eq!(error.kind(), Some(&oneandone::ErrorKind::RateLimited));
    assert_eq!(error.api_error().and_then(|e| e.header("x-rate-limit-reset")), Some("30"));
}

#[tokio::test]
async fn items_walk_every_server_with_the_inherent_next_and_no_stream_crate() {
    let (server, oa) = server_with_pages().await;
    let mut items = oa.list_servers().per_page(2).q("web").pages().items();
    let mut ids = Vec::new();
    while let Some(summary) = items.next().await {
        ids.push(summary.expect("no errors").id);
    }
    assert_eq!(ids, ["a", "b", "c"]);
    // the re-exported names users can write down
    let _: Option<oneandone::Items<oneandone::models::ServerSummary, oneandone::ErrorKind>> = None;
    server.verify().await;
}
