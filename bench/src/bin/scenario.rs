//! Bigger jobs than one call, for `cargo xtask bench` (issue 15): one job, one implementation
//! per process, so that the peak memory it reports is that job's own.
//!
//! ```text
//! scenario --job batch --impl sdk|raw --mode seq|c64|batch --base-url URL [--calls 1000]
//! scenario --job pages --impl sdk|raw|typed --base-url URL [--walks 3]
//! scenario --job waits --impl sdk|raw --base-url URL [--waits 200] [--interval-ms 50] [--polls 3]
//! ```
//!
//! * `batch`: `--calls` Memset `service.info` calls one after another (`seq`), 64 in flight
//!   (`c64`), or as JSON-RPC batches of 100 (`batch`: the client's `batch()`, or for `raw`
//!   reqwest posting the same JSON-RPC arrays);
//! * `pages`: `--walks` walks over every page of the 1&1 server list (`per_page=100`; the
//!   fixture server has 50 full pages): the client's `list_servers().per_page(100).pages()`,
//!   or raw reqwest asking for page after page until a short one, decoded into `Value`s
//!   (`raw`) or the client's own models (`typed`);
//! * `waits`: `--waits` concurrent ProfitBricks waits on one client (`pb.wait_for(id)` with
//!   `--interval-ms`), against request statuses that the fixture server finishes on the
//!   `--polls`-th poll; `raw` polls the same way by hand with reqwest and `tokio::time::sleep`.
//!
//! It warms up (a few calls), runs the job once and prints one line:
//!
//! ```text
//! wall_s=0.412 cpu_s=0.398 peak_rss_kib=6120 requests=1000 items=1000 min_gap_us=0
//! ```
//!
//! `requests` is what the server received for the job (`waits`: as counted by the server).

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use bench::credentials::{MEMSET_KEY, ONEANDONE_TOKEN, PB_PASSWORD, PB_USER};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use serde_json::{json, Value};

const USAGE: &str = "usage: scenario --job batch|pages|waits --impl sdk|raw|typed --base-url URL \
[--mode seq|c64|batch] [--calls N] [--walks N] [--waits N] [--interval-ms MS] [--polls N]";

struct Options {
    job: String,
    which: String,
    mode: String,
    base_url: String,
    calls: usize,
    walks: usize,
    waits: usize,
    interval: Duration,
    polls: u64,
}

/// What a job did.
#[derive(Default)]
struct Done {
    requests: u64,
    items: u64,
    min_gap_us: u64,
}

fn main() {
    let options = match parse() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("scenario: {message}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = runtime.block_on(async {
        let job = Job::new(&options)?;
        job.warm_up().await?;
        let (started, cpu_start) = (Instant::now(), bench::cpu_time_ns().unwrap_or(0));
        let done = job.run().await?;
        let (wall, cpu_end) = (started.elapsed(), bench::cpu_time_ns().unwrap_or(0));
        Ok::<_, String>((done, wall, cpu_end.saturating_sub(cpu_start)))
    });
    match result {
        Ok((done, wall, cpu_ns)) => println!(
            "wall_s={:.4} cpu_s={:.4} peak_rss_kib={} requests={} items={} min_gap_us={}",
            wall.as_secs_f64(),
            cpu_ns as f64 / 1e9,
            bench::peak_rss_kib().unwrap_or(0),
            done.requests,
            done.items,
            done.min_gap_us
        ),
        Err(message) => {
            eprintln!("scenario: {} ({} {}): {message}", options.job, options.which, options.mode);
            std::process::exit(1);
        }
    }
}

fn parse() -> Result<Options, String> {
    let mut options = Options {
        job: String::new(),
        which: String::new(),
        mode: "seq".to_owned(),
        base_url: String::new(),
        calls: 1000,
        walks: 3,
        waits: 200,
        interval: Duration::from_millis(50),
        polls: 3,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{arg}: {e}"));
        match arg.as_str() {
            "--job" => options.job = value.clone(),
            "--impl" => options.which = value.clone(),
            "--mode" => options.mode = value.clone(),
            "--base-url" => options.base_url = value.trim_end_matches('/').to_owned(),
            "--calls" => options.calls = number()? as usize,
            "--walks" => options.walks = number()? as usize,
            "--waits" => options.waits = number()? as usize,
            "--interval-ms" => options.interval = Duration::from_millis(number()?),
            "--polls" => options.polls = number()?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.base_url.is_empty() {
        return Err("--base-url is required".to_owned());
    }
    Ok(options)
}

/// The most calls of one JSON-RPC batch request (Memset's limit, which the client keeps to).
const MAX_CALLS: usize = 100;

fn basic(user: &str, password: &str) -> HeaderValue {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    HeaderValue::from_str(&format!("Basic {encoded}")).expect("a valid header")
}

/// A raw reqwest client sending `client`'s credentials and user agent.
fn raw_client(client: &str) -> Result<reqwest::Client, String> {
    let mut headers = HeaderMap::new();
    let user_agent = format!("{client}/{}", env!("CARGO_PKG_VERSION"));
    headers.insert(USER_AGENT, HeaderValue::from_str(&user_agent).map_err(|e| e.to_string())?);
    match client {
        "profitbricks" => drop(headers.insert(AUTHORIZATION, basic(PB_USER, PB_PASSWORD))),
        "oneandone" => drop(headers.insert("x-token", HeaderValue::from_static(ONEANDONE_TOKEN))),
        _ => drop(headers.insert(AUTHORIZATION, basic(MEMSET_KEY, "x"))),
    }
    reqwest::Client::builder().default_headers(headers).build().map_err(|e| e.to_string())
}

fn failed(error: impl std::fmt::Display) -> String {
    error.to_string()
}

enum Job {
    Batch { mode: String, calls: usize, client: Memset },
    Pages { walks: usize, client: OneAndOne },
    Waits { waits: usize, interval: Duration, polls: u64, base_url: String, client: Pb },
}

enum Memset {
    Sdk(memset::Client),
    Raw { client: reqwest::Client, base_url: String },
}

enum OneAndOne {
    Sdk(oneandone::Client),
    Raw { client: reqwest::Client, base_url: String, typed: bool },
}

#[derive(Clone)]
enum Pb {
    Sdk(profitbricks::Client),
    Raw { client: reqwest::Client, base_url: String },
}

impl Job {
    fn new(options: &Options) -> Result<Job, String> {
        let sdk = match options.which.as_str() {
            "sdk" => true,
            "raw" | "typed" => false,
            other => return Err(format!("--impl: expected sdk, raw or typed, got {other:?}")),
        };
        let base = &options.base_url;
        Ok(match options.job.as_str() {
            "batch" => {
                let base_url = format!("{base}/v1");
                let client = if sdk {
                    Memset::Sdk(
                        memset::Client::builder(memset::Credentials::api_key(MEMSET_KEY))
                            .base_url(base_url)
                            .build()
                            .map_err(failed)?,
                    )
                } else {
                    Memset::Raw { client: raw_client("memset")?, base_url }
                };
                if !matches!(options.mode.as_str(), "seq" | "c64" | "batch") {
                    return Err(format!(
                        "--mode: expected seq, c64 or batch, got {:?}",
                        options.mode
                    ));
                }
                Job::Batch { mode: options.mode.clone(), calls: options.calls, client }
            }
            "pages" => {
                let base_url = format!("{base}/v1");
                let client = if sdk {
                    OneAndOne::Sdk(
                        oneandone::Client::builder(oneandone::Credentials::token(ONEANDONE_TOKEN))
                            .base_url(base_url)
                            .build()
                            .map_err(failed)?,
                    )
                } else {
                    OneAndOne::Raw {
                        client: raw_client("oneandone")?,
                        base_url,
                        typed: options.which == "typed",
                    }
                };
                Job::Pages { walks: options.walks, client }
            }
            "waits" => {
                let base_url = format!("{base}/cloudapi/v3");
                let client = if sdk {
                    Pb::Sdk(
                        profitbricks::Client::builder(profitbricks::Credentials::basic(
                            PB_USER,
                            PB_PASSWORD,
                        ))
                        .base_url(base_url.clone())
                        .build()
                        .map_err(failed)?,
                    )
                } else {
                    Pb::Raw { client: raw_client("profitbricks")?, base_url: base_url.clone() }
                };
                Job::Waits {
                    waits: options.waits,
                    interval: options.interval,
                    polls: options.polls,
                    base_url: options.base_url.clone(),
                    client,
                }
            }
            other => return Err(format!("--job: expected batch, pages or waits, got {other:?}")),
        })
    }

    /// A few untimed calls, so connections, TLS-free pools and allocator arenas exist.
    async fn warm_up(&self) -> Result<(), String> {
        match self {
            Job::Batch { client, .. } => {
                for _ in 0..50 {
                    client.info().await?;
                }
            }
            Job::Pages { client, .. } => drop(client.walk(bench::scale::PAGES as u64 + 1).await?),
            Job::Waits { .. } => {}
        }
        Ok(())
    }

    async fn run(&self) -> Result<Done, String> {
        match self {
            Job::Batch { mode, calls, client } => {
                let calls = *calls;
                let requests = match mode.as_str() {
                    "seq" => {
                        for _ in 0..calls {
                            client.info().await?;
                        }
                        calls
                    }
                    "c64" => {
                        let next = AtomicU64::new(0);
                        let worker = || async {
                            while (next.fetch_add(1, Ordering::Relaxed) as usize) < calls {
                                client.info().await?;
                            }
                            Ok::<_, String>(())
                        };
                        let workers: Vec<_> = (0..64).map(|_| worker()).collect();
                        for result in join_all(workers).await {
                            result?;
                        }
                        calls
                    }
                    _ => client.batch(calls).await?,
                };
                Ok(Done { requests: requests as u64, items: calls as u64, min_gap_us: 0 })
            }
            Job::Pages { walks, client } => {
                let mut done = Done::default();
                for _ in 0..*walks {
                    let (requests, items) = client.walk(u64::MAX).await?;
                    done.requests += requests;
                    done.items += items;
                }
                Ok(done)
            }
            Job::Waits { waits, interval, polls, base_url, client } => {
                let prefix = format!("w{}", std::process::id());
                let jobs: Vec<_> = (0..*waits)
                    .map(|i| {
                        let id = format!("{prefix}-{i}");
                        let client = client.clone();
                        let (interval, polls) = (*interval, *polls);
                        tokio::spawn(async move { client.wait(id, interval, polls).await })
                    })
                    .collect();
                for job in jobs {
                    job.await.map_err(failed)??;
                }
                // what the server saw, counted there
                let stats = reqwest::get(format!("{base_url}/bench/waits?prefix={prefix}-"))
                    .await
                    .map_err(failed)?
                    .bytes()
                    .await
                    .map_err(failed)?;
                let stats: Value = serde_json::from_slice(&stats).map_err(failed)?;
                let field = |name: &str| stats.get(name).and_then(Value::as_u64).unwrap_or(0);
                Ok(Done {
                    requests: field("requests"),
                    items: field("ids"),
                    min_gap_us: field("min_gap_us"),
                })
            }
        }
    }
}

/// Polls every future of `futures` on this task until all are done, in order.
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|output| output.expect("every future finished")).collect()
}

impl Memset {
    async fn info(&self) -> Result<(), String> {
        match self {
            Memset::Sdk(ms) => {
                black_box(ms.service().info("myserver1").await.map_err(failed)?);
            }
            Memset::Raw { client, base_url } => {
                let parameters = json!({ "name": "myserver1" }).to_string();
                let body = form_urlencoded::Serializer::new(String::new())
                    .append_pair("parameters", &parameters)
                    .finish();
                let response = client
                    .post(format!("{base_url}/json/service.info"))
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .map_err(failed)?
                    .error_for_status()
                    .map_err(failed)?;
                let value: Value = serde_json::from_slice(&response.bytes().await.map_err(failed)?)
                    .map_err(failed)?;
                black_box(value);
            }
        }
        Ok(())
    }

    /// `calls` `service.info` calls as JSON-RPC batches; gives the requests sent.
    async fn batch(&self, calls: usize) -> Result<usize, String> {
        let chunks = calls.div_ceil(MAX_CALLS);
        match self {
            Memset::Sdk(ms) => {
                let mut batch = ms.batch();
                let tickets: Vec<_> = (0..calls)
                    .map(|_| batch.add(ms.service().info("myserver1")))
                    .collect::<Result<_, _>>()
                    .map_err(failed)?;
                let mut results = batch.send().await.map_err(failed)?;
                for ticket in tickets {
                    black_box(results.take(ticket).map_err(failed)?);
                }
            }
            Memset::Raw { client, base_url } => {
                for chunk in 0..chunks {
                    let first = chunk * MAX_CALLS;
                    let last = calls.min(first + MAX_CALLS);
                    let body: Vec<Value> = (first..last)
                        .map(|id| json!({"jsonrpc": "2.0", "method": "service.info", "params": {"name": "myserver1"}, "id": id}))
                        .collect();
                    let response = client
                        .post(format!("{base_url}/jsonrpc"))
                        .header(CONTENT_TYPE, "application/json")
                        .body(serde_json::to_vec(&body).map_err(failed)?)
                        .send()
                        .await
                        .map_err(failed)?
                        .error_for_status()
                        .map_err(failed)?;
                    let answers: Vec<Value> =
                        serde_json::from_slice(&response.bytes().await.map_err(failed)?)
                            .map_err(failed)?;
                    if answers.len() != last - first {
                        return Err(format!("{} answers to {} calls", answers.len(), last - first));
                    }
                    black_box(answers);
                }
            }
        }
        Ok(chunks)
    }
}

impl OneAndOne {
    /// Walks the server list page by page, at most `max_pages`; gives requests and items.
    async fn walk(&self, max_pages: u64) -> Result<(u64, u64), String> {
        let per_page = bench::scale::PAGE_SIZE as u64;
        let (mut requests, mut items) = (0u64, 0u64);
        match self {
            OneAndOne::Sdk(oa) => {
                let mut pages = oa.list_servers().per_page(per_page as i64).pages();
                while let Some(page) = pages.next_page().await {
                    let page = page.map_err(failed)?;
                    requests += 1;
                    items += page.len() as u64;
                    black_box(page);
                    if requests >= max_pages {
                        break;
                    }
                }
            }
            OneAndOne::Raw { client, base_url, typed } => {
                for page in 1.. {
                    let response = client
                        .get(format!("{base_url}/servers"))
                        .query(&[("page", page), ("per_page", per_page)])
                        .send()
                        .await
                        .map_err(failed)?
                        .error_for_status()
                        .map_err(failed)?;
                    let body = response.bytes().await.map_err(failed)?;
                    let count = if *typed {
                        let page: Vec<oneandone::models::ServerSummary> =
                            serde_json::from_slice(&body).map_err(failed)?;
                        black_box(page).len()
                    } else {
                        let page: Vec<Value> = serde_json::from_slice(&body).map_err(failed)?;
                        black_box(page).len()
                    };
                    requests += 1;
                    items += count as u64;
                    if (count as u64) < per_page || requests >= max_pages {
                        break;
                    }
                }
            }
        }
        Ok((requests, items))
    }
}

impl Pb {
    /// Waits for request `id` to be done, looking every `interval`.
    async fn wait(&self, id: String, interval: Duration, polls: u64) -> Result<(), String> {
        // generous: a wait that takes far longer than its polls is a failure, not a figure
        let timeout = interval * (polls as u32 + 1) * 20 + Duration::from_secs(10);
        match self {
            Pb::Sdk(pb) => {
                let done = pb.wait_for(id).interval(interval).timeout(timeout).await;
                black_box(done.map_err(failed)?);
            }
            Pb::Raw { client, base_url } => {
                let started = Instant::now();
                loop {
                    let response = client
                        .get(format!("{base_url}/requests/{id}/status"))
                        .send()
                        .await
                        .map_err(failed)?
                        .error_for_status()
                        .map_err(failed)?;
                    let status: Value =
                        serde_json::from_slice(&response.bytes().await.map_err(failed)?)
                            .map_err(failed)?;
                    match status.pointer("/metadata/status").and_then(Value::as_str) {
                        Some("DONE") => break,
                        Some("FAILED") => return Err(format!("request {id} failed")),
                        _ if started.elapsed() > timeout => {
                            return Err(format!("request {id} timed out"))
                        }
                        _ => tokio::time::sleep(interval).await,
                    }
                }
            }
        }
        Ok(())
    }
}
