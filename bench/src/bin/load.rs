//! Client load generator: one client, one operation, one mode per process, so that the peak
//! memory it reports belongs to that client alone.
//!
//! ```text
//! load --list
//! load --op <client/op> --impl raw|typed|sdk|ceiling --mode seq|concurrent --base-url http://127.0.0.1:PORT
//!      [--seconds 2] [--warmup 0.5] [--calls N] [--warmup-calls N] [--concurrency 64] [--threads N]
//! ```
//!
//! * `raw`: reqwest + serde_json by hand: the same HTTP request (method, path, query, auth,
//!   user agent, form body), the body decoded into a `serde_json::Value`;
//! * `typed`: the same raw reqwest call, decoded with `serde_json::from_slice` into the client
//!   crate's own model of the answer: the floor for typed decoding;
//! * `sdk`: the generated client crate's typed call, e.g. `pb.list_datacenters().depth(1)`;
//! * `ceiling`: the same request bytes written by hand on plain keep-alive TCP connections
//!   (one per call in flight), the answer read by its `content-length` and not decoded: what
//!   the fixture server can do on this machine with this load generator.
//!
//! `seq` makes one call after another; `concurrent` keeps `--concurrency` calls in flight on
//! one client (one connection pool). After `--warmup` seconds it counts the calls completed in
//! `--seconds` (or times `--calls` calls) and prints one line:
//!
//! ```text
//! calls=24321 seconds=2.000 calls_per_sec=12160.5 peak_rss_kib=9876
//! ```
//!
//! Any failed call ends the run with exit status 1 and the error on stderr.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use bench::credentials::{MEMSET_KEY, ONEANDONE_TOKEN, PB_PASSWORD, PB_USER};
use bench::Op;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};

const USAGE: &str = "usage: load --list\n       load --op CLIENT/OP --impl raw|typed|sdk|ceiling --mode seq|concurrent --base-url URL \
[--seconds S] [--warmup S] [--calls N] [--warmup-calls N] [--concurrency N] [--runtime current|multi] [--threads N]";

/// Which implementation makes the calls.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Impl {
    Raw,
    Typed,
    Sdk,
    Ceiling,
}

impl Impl {
    fn name(self) -> &'static str {
        match self {
            Impl::Raw => "raw",
            Impl::Typed => "typed",
            Impl::Sdk => "sdk",
            Impl::Ceiling => "ceiling",
        }
    }
}

struct Options {
    op: &'static Op,
    which: Impl,
    warmup_calls: Option<u64>,
    concurrency: usize,
    base_url: String,
    seconds: f64,
    warmup: f64,
    calls: Option<u64>,
    multi_thread: bool,
    threads: Option<usize>,
}

fn main() {
    let options = match parse_args() {
        Ok(Some(options)) => options,
        Ok(None) => return,
        Err(message) => {
            eprintln!("load: {message}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let mut runtime = if options.multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    if let Some(threads) = options.threads {
        runtime.worker_threads(threads);
    }
    let runtime = runtime.enable_all().build().expect("a tokio runtime");
    match runtime.block_on(run(&options)) {
        Ok(Measured { calls, elapsed, cpu_ns }) => {
            let seconds = elapsed.as_secs_f64();
            println!(
                "calls={calls} seconds={seconds:.3} calls_per_sec={:.1} cpu_us_per_call={:.2} peak_rss_kib={}",
                calls as f64 / seconds,
                cpu_ns as f64 / 1000.0 / calls.max(1) as f64,
                bench::peak_rss_kib().unwrap_or(0)
            );
        }
        Err(message) => {
            eprintln!("load: {} ({}): {message}", options.op.id(), options.which.name());
            std::process::exit(1);
        }
    }
}

fn parse_args() -> Result<Option<Options>, String> {
    let mut op = None;
    let mut which = None;
    let mut warmup_calls = None;
    let mut mode = None;
    let mut base_url = None;
    let mut seconds = 2.0;
    let mut warmup = 0.5;
    let mut calls = None;
    let mut concurrency = 64;
    let mut threads = None;
    let mut multi_thread = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--list" {
            for op in bench::OPS {
                println!("{}", op.id());
            }
            return Ok(None);
        }
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        let number = |what: &str| value.parse::<f64>().map_err(|e| format!("{what}: {e}"));
        match arg.as_str() {
            "--op" => {
                op = Some(
                    bench::find(&value)
                        .ok_or(format!("unknown operation {value:?} (see --list)"))?,
                )
            }
            "--impl" => {
                which = Some(match value.as_str() {
                    "raw" => Impl::Raw,
                    "typed" => Impl::Typed,
                    "sdk" => Impl::Sdk,
                    "ceiling" => Impl::Ceiling,
                    other => {
                        return Err(format!(
                            "--impl: expected raw, typed, sdk or ceiling, got {other:?}"
                        ))
                    }
                })
            }
            "--mode" => mode = Some(value),
            "--base-url" => base_url = Some(value.trim_end_matches('/').to_owned()),
            "--seconds" => seconds = number("--seconds")?,
            "--warmup" => warmup = number("--warmup")?,
            "--calls" => calls = Some(number("--calls")? as u64),
            "--warmup-calls" => warmup_calls = Some(number("--warmup-calls")? as u64),
            "--concurrency" => concurrency = number("--concurrency")? as usize,
            "--runtime" => {
                multi_thread = match value.as_str() {
                    "current" => false,
                    "multi" => true,
                    other => {
                        return Err(format!("--runtime: expected current or multi, got {other:?}"))
                    }
                }
            }
            "--threads" => threads = Some(number("--threads")? as usize),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let concurrency = match mode.as_deref() {
        Some("seq") => 1,
        Some("concurrent") => concurrency.max(1),
        _ => return Err("--mode seq or --mode concurrent is required".to_owned()),
    };
    Ok(Some(Options {
        op: op.ok_or("--op is required")?,
        which: which.ok_or("--impl is required")?,
        warmup_calls,
        concurrency,
        base_url: base_url.ok_or("--base-url is required")?,
        seconds,
        warmup,
        calls,
        multi_thread,
        threads,
    }))
}

/// What one run measured.
struct Measured {
    /// Calls completed in the measured window.
    calls: u64,
    /// Wall time of the window.
    elapsed: Duration,
    /// CPU time of this process's threads in the window.
    cpu_ns: u64,
}

/// Runs the load and measures it.
async fn run(options: &Options) -> Result<Measured, String> {
    let caller = Arc::new(Caller::new(options)?);
    let completed = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let failure: Arc<Mutex<Option<String>>> = Arc::default();
    // With --calls, each worker takes tickets until this many calls (warm-up included) were issued.
    let limit = options.calls.map(|calls| calls + warmup_calls(options));
    let issued = Arc::new(AtomicU64::new(0));

    let mut workers = Vec::with_capacity(options.concurrency);
    for _ in 0..options.concurrency {
        let (caller, completed, stop, failure, issued) = (
            Arc::clone(&caller),
            Arc::clone(&completed),
            Arc::clone(&stop),
            Arc::clone(&failure),
            Arc::clone(&issued),
        );
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if limit.is_some_and(|limit| issued.fetch_add(1, Ordering::Relaxed) >= limit) {
                    break;
                }
                if let Err(error) = caller.call().await {
                    failure.lock().expect("not poisoned").get_or_insert(error);
                    stop.store(true, Ordering::Relaxed);
                    break;
                }
                completed.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }

    let failed = || failure.lock().expect("not poisoned").clone();
    let cpu = || bench::cpu_time_ns().unwrap_or(0);
    let measured = if options.calls.is_some() {
        let warmup = warmup_calls(options);
        while completed.load(Ordering::Relaxed) < warmup && !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        let (start, started, cpu_start) =
            (completed.load(Ordering::Relaxed), Instant::now(), cpu());
        while !workers.iter().all(|worker| worker.is_finished()) {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        let (end, elapsed, cpu_end) = (completed.load(Ordering::Relaxed), started.elapsed(), cpu());
        Measured { calls: end - start, elapsed, cpu_ns: cpu_end.saturating_sub(cpu_start) }
    } else {
        tokio::time::sleep(Duration::from_secs_f64(options.warmup)).await;
        let (start, started, cpu_start) =
            (completed.load(Ordering::Relaxed), Instant::now(), cpu());
        tokio::time::sleep(Duration::from_secs_f64(options.seconds)).await;
        let (end, elapsed, cpu_end) = (completed.load(Ordering::Relaxed), started.elapsed(), cpu());
        stop.store(true, Ordering::Relaxed);
        Measured { calls: end - start, elapsed, cpu_ns: cpu_end.saturating_sub(cpu_start) }
    };
    for worker in workers.drain(..) {
        worker.await.map_err(|e| e.to_string())?;
    }
    match failed() {
        Some(error) => Err(error),
        None => Ok(measured),
    }
}

/// Calls made before timing starts in `--calls` mode.
fn warmup_calls(options: &Options) -> u64 {
    options.warmup_calls.unwrap_or((options.concurrency as u64 * 20).max(200))
}

/// The client under test, and the name of the operation it calls.
struct Caller {
    op: &'static str,
    client: Client,
}

enum Client {
    Raw(Raw),
    Typed(Raw),
    Ceiling(Ceiling),
    ProfitBricks(profitbricks::Client),
    OneAndOne(oneandone::Client),
    Memset(memset::Client),
}

impl Caller {
    fn new(options: &Options) -> Result<Caller, String> {
        let op = options.op;
        let base_url = format!("{}{}", options.base_url, op.prefix);
        let config = |e: &dyn std::fmt::Display| format!("cannot build the client: {e}");
        let client = match (options.which, op.client) {
            (Impl::Raw, _) => Client::Raw(Raw::new(op, &base_url)?),
            (Impl::Typed, _) => Client::Typed(Raw::new(op, &base_url)?),
            (Impl::Ceiling, _) => Client::Ceiling(Ceiling::new(op, &options.base_url)?),
            (Impl::Sdk, "profitbricks") => Client::ProfitBricks(
                profitbricks::Client::builder(profitbricks::Credentials::basic(
                    PB_USER,
                    PB_PASSWORD,
                ))
                .base_url(base_url)
                .build()
                .map_err(|e| config(&e))?,
            ),
            (Impl::Sdk, "oneandone") => Client::OneAndOne(
                oneandone::Client::builder(oneandone::Credentials::token(ONEANDONE_TOKEN))
                    .base_url(base_url)
                    .build()
                    .map_err(|e| config(&e))?,
            ),
            (Impl::Sdk, "memset") => Client::Memset(
                memset::Client::builder(memset::Credentials::api_key(MEMSET_KEY))
                    .base_url(base_url)
                    .build()
                    .map_err(|e| config(&e))?,
            ),
            (Impl::Sdk, other) => return Err(format!("no client {other}")),
        };
        Ok(Caller { op: op.name, client })
    }

    /// One call, its answer decoded (and kept from being optimised away).
    async fn call(&self) -> Result<(), String> {
        fn done<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<(), String> {
            result.map(|value| drop(black_box(value))).map_err(|e| e.to_string())
        }
        match (&self.client, self.op) {
            (Client::Raw(raw), _) => {
                let body = raw.call().await?;
                let value: serde_json::Value =
                    serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                black_box(value);
                Ok(())
            }
            (Client::Typed(raw), op) => typed(op, &raw.call().await?),
            (Client::Ceiling(ceiling), _) => ceiling.call().await,
            (Client::ProfitBricks(pb), "list_datacenters") => {
                done(pb.list_datacenters().depth(1).await)
            }
            (Client::ProfitBricks(pb), "get_server") => {
                done(pb.get_server("dc-1", "srv-1").depth(1).await)
            }
            (Client::OneAndOne(oa), "list_servers") => done(oa.list_servers().await),
            (Client::Memset(ms), "service.info") => done(ms.service().info("myserver1").await),
            (Client::Memset(ms), "service.list") => done(ms.service().list().await),
            (Client::Memset(ms), "dns.zone_info") => {
                done(ms.dns().zone_info("cbceea86fe9c099f019e386488ead6d8").await)
            }
            (_, op) => Err(format!("no sdk call for {op}")),
        }
    }
}

/// The baseline: the same HTTP call made by hand with reqwest, decoded into a `serde_json::Value`.
struct Raw {
    client: reqwest::Client,
    method: reqwest::Method,
    url: String,
    named: Option<(&'static str, &'static str)>,
}

impl Raw {
    fn new(op: &'static Op, base_url: &str) -> Result<Raw, String> {
        let basic = |user: &str, password: &str| {
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|e| e.to_string())
        };
        let mut headers = HeaderMap::new();
        // The same User-Agent length as the clients send, so the bytes on the wire match.
        let user_agent = format!("{}/{}", op.client, env!("CARGO_PKG_VERSION"));
        headers.insert(USER_AGENT, HeaderValue::from_str(&user_agent).map_err(|e| e.to_string())?);
        match op.client {
            "profitbricks" => {
                headers.insert(AUTHORIZATION, basic(PB_USER, PB_PASSWORD)?);
            }
            "oneandone" => {
                headers.insert("x-token", HeaderValue::from_static(ONEANDONE_TOKEN));
            }
            "memset" => {
                headers.insert(AUTHORIZATION, basic(MEMSET_KEY, "x")?);
            }
            other => return Err(format!("no client {other}")),
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .map_err(|e| e.to_string())?;
        let query = if op.query.is_empty() { String::new() } else { format!("?{}", op.query) };
        Ok(Raw {
            client,
            method: op.method.parse().map_err(|_| format!("bad method {}", op.method))?,
            url: format!("{base_url}{}{query}", op.path),
            named: op.named,
        })
    }

    /// One call; gives the answer's body, undecoded.
    async fn call(&self) -> Result<bytes::Bytes, String> {
        let mut request = self.client.request(self.method.clone(), &self.url);
        if let Some((name, value)) = self.named {
            let parameters = serde_json::json!({ name: value }).to_string();
            let body = form_urlencoded::Serializer::new(String::new())
                .append_pair("parameters", &parameters)
                .finish();
            request = request.header(CONTENT_TYPE, "application/x-www-form-urlencoded").body(body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let response = response.error_for_status().map_err(|e| e.to_string())?;
        response.bytes().await.map_err(|e| e.to_string())
    }
}

/// Decodes `body` into the client crate's own model of `op`'s answer, as the client does.
fn typed(op: &str, body: &[u8]) -> Result<(), String> {
    fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(), String> {
        let value: T = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        black_box(value);
        Ok(())
    }
    match op {
        "list_datacenters" => decode::<profitbricks::models::DatacenterCollection>(body),
        "get_server" => decode::<profitbricks::models::Server>(body),
        "list_servers" => decode::<Vec<oneandone::models::ServerSummary>>(body),
        "service.info" => decode::<memset::models::Service>(body),
        "service.list" => decode::<Vec<memset::models::Service>>(body),
        "dns.zone_info" => decode::<memset::models::Zone>(body),
        other => Err(format!("no typed model for {other}")),
    }
}

/// The server's ceiling: the request's bytes written by hand on plain keep-alive
/// connections, the answer skipped by its length. Connections are reused, one per call in
/// flight.
struct Ceiling {
    addr: String,
    request: Vec<u8>,
    idle: Mutex<Vec<tokio::net::TcpStream>>,
}

impl Ceiling {
    fn new(op: &'static Op, base_url: &str) -> Result<Ceiling, String> {
        let addr = base_url.strip_prefix("http://").ok_or("the ceiling needs an http:// URL")?;
        let addr = addr.split('/').next().unwrap_or_default().to_owned();
        let query = if op.query.is_empty() { String::new() } else { format!("?{}", op.query) };
        let body = match op.named {
            Some((name, value)) => form_urlencoded::Serializer::new(String::new())
                .append_pair("parameters", &serde_json::json!({ name: value }).to_string())
                .finish(),
            None => String::new(),
        };
        let auth = match op.client {
            "oneandone" => format!("x-token: {ONEANDONE_TOKEN}"),
            "profitbricks" => format!(
                "authorization: Basic {}",
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{PB_USER}:{PB_PASSWORD}"))
            ),
            _ => format!(
                "authorization: Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{MEMSET_KEY}:x"))
            ),
        };
        let mut request = format!(
            "{} {}{}{query} HTTP/1.1\r\nhost: {addr}\r\nuser-agent: {}/{}\r\n{auth}\r\naccept: */*\r\n",
            op.method,
            op.prefix,
            op.path,
            op.client,
            env!("CARGO_PKG_VERSION")
        );
        if !body.is_empty() {
            request.push_str("content-type: application/x-www-form-urlencoded\r\n");
        }
        request.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
        Ok(Ceiling { addr, request: request.into_bytes(), idle: Mutex::new(Vec::new()) })
    }

    async fn call(&self) -> Result<(), String> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let idle = self.idle.lock().expect("not poisoned").pop();
        let mut stream = match idle {
            Some(stream) => stream,
            None => {
                let stream =
                    tokio::net::TcpStream::connect(&self.addr).await.map_err(|e| e.to_string())?;
                stream.set_nodelay(true).map_err(|e| e.to_string())?;
                stream
            }
        };
        stream.write_all(&self.request).await.map_err(|e| e.to_string())?;
        let mut buffer = Vec::with_capacity(8 * 1024);
        let (head_end, length) = loop {
            if stream.read_buf(&mut buffer).await.map_err(|e| e.to_string())? == 0 {
                return Err("the server closed the connection".to_owned());
            }
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                if !head.starts_with("http/1.1 200") {
                    return Err(format!("answer {:?}", head.lines().next()));
                }
                let length = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse::<usize>().ok())
                    .ok_or("no content-length")?;
                break (end + 4, length);
            }
        };
        while buffer.len() < head_end + length {
            if stream.read_buf(&mut buffer).await.map_err(|e| e.to_string())? == 0 {
                return Err("the server closed the connection".to_owned());
            }
        }
        self.idle.lock().expect("not poisoned").push(stream);
        Ok(())
    }
}
