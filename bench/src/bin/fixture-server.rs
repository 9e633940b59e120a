//! A small, fast HTTP/1.1 server answering the benchmarked calls with the real fixture bodies.
//!
//! ```text
//! fixture-server --fixtures DIR [--addr 127.0.0.1:0] [--threads 1] [--items N] [--polls N]
//! ```
//!
//! At scale (issue 15) it also answers, built from the fixture item shapes (`bench::scale`):
//!
//! * with `--items N`, the list operations of `bench::scale::LARGE` with N items each;
//! * `GET /v1/servers?page=P&per_page=S`: the pages of a 1&1 page walk (`bench::scale::PAGES`
//!   full pages, then `[]`);
//! * `POST /v1/jsonrpc` (and `/v1/jsonrpc/`): Memset JSON-RPC, one call or a batch, every call
//!   answered with the `service.info` fixture under its own id;
//! * `GET /cloudapi/v3/requests/{id}/status`: `QUEUED` until the `--polls`-th poll of that id
//!   (default 3), `DONE` from then on; `GET /bench/waits?prefix=P` reports, for the ids
//!   starting with P, the polls received and the shortest time between two polls of one id.
//!
//! It prints `listening http://<addr>` once bound and serves until its standard input closes
//! (so it never outlives the `cargo xtask bench` that started it) or it is killed.
//!
//! Routes are the method and path of each of `bench::OPS` (the query is ignored); every
//! response is built once at start-up, so a request costs a parse and one write. Keep-alive
//! and pipelining are supported; `Connection: close` and HTTP/1.0 without keep-alive close
//! after the answer. Anything else gets a 404 with a JSON body, so a client calling the wrong
//! path fails loudly instead of being measured.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Largest request head or body accepted.
const MAX_REQUEST: usize = 1 << 20;

/// A prebuilt answer, with and without `Connection: close`.
struct Answer {
    keep_alive: Vec<u8>,
    close: Vec<u8>,
}

impl Answer {
    fn new(status: &str, body: &[u8]) -> Answer {
        let build = |extra: &str| {
            let mut out = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}\r\n",
                body.len()
            )
            .into_bytes();
            out.extend_from_slice(body);
            out
        };
        Answer { keep_alive: build(""), close: build("connection: close\r\n") }
    }
}

struct Routes {
    /// `(method, path)` → answer.
    by_route: HashMap<(String, String), Answer>,
    not_found: Answer,
    bad_request: Answer,
    /// The `oneandone/list_servers` fixture, for the pages of a page walk.
    list_servers: Vec<u8>,
    /// Prebuilt walk pages of `bench::scale::PAGE_SIZE` items: page `i + 1` at `i`, then `[]`.
    pages: Vec<Answer>,
    /// The `service.info` fixture (compact JSON), the result of every JSON-RPC call.
    service_info: String,
    /// Request statuses (`QUEUED`, `DONE`) and after how many polls an id is done.
    queued: Answer,
    done: Answer,
    polls: u32,
    waits: Mutex<HashMap<String, Polled>>,
}

/// The polls one request id received.
struct Polled {
    count: u32,
    last: Instant,
    /// The shortest time between two polls of this id, in µs.
    min_gap_us: u64,
}

fn main() {
    if let Err(message) = run() {
        eprintln!("fixture-server: {message}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut fixtures = None;
    let mut addr = "127.0.0.1:0".to_owned();
    let mut threads = 1usize;
    let mut items = None;
    let mut polls = 3u32;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--fixtures" => fixtures = Some(PathBuf::from(value()?)),
            "--addr" => addr = value()?,
            "--threads" => threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--items" => items = Some(value()?.parse().map_err(|e| format!("--items: {e}"))?),
            "--polls" => polls = value()?.parse().map_err(|e| format!("--polls: {e}"))?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let fixtures = fixtures.ok_or(
        "usage: fixture-server --fixtures DIR [--addr ADDR] [--threads N] [--items N] [--polls N]",
    )?;
    let read = |name: &str| {
        let path = fixtures.join(name);
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    };

    let mut by_route = HashMap::new();
    // body sizes of the list answers, printed on the `listening` line for the report
    let mut sizes = Vec::new();
    for op in bench::OPS.iter().chain(bench::SCALE_OPS) {
        let mut body = read(op.fixture)?;
        let id = op.id();
        if bench::scale::LARGE.contains(&id.as_str()) {
            if let Some(n) = items {
                body = bench::scale::list_answer(&id, &body, n)?;
            } else if bench::SCALE_OPS.iter().any(|scale| scale.id() == id) {
                body = bench::scale::list_answer(&id, &body, 2)?;
            }
            sizes.push(format!("{id}={}", body.len()));
        }
        by_route.insert((op.method.to_owned(), op.server_path()), Answer::new("200 OK", &body));
    }
    let list_servers = read("oneandone/list_servers.json")?;
    let pages = (1..=bench::scale::PAGES + 1)
        .map(|page| {
            bench::scale::page_answer(&list_servers, page, bench::scale::PAGE_SIZE)
                .map(|body| Answer::new("200 OK", &body))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let service_info: serde_json::Value =
        serde_json::from_slice(&read("memset/service.info.json")?)
            .map_err(|e| format!("memset/service.info.json: {e}"))?;
    let service_info = service_info.to_string();
    let routes = Arc::new(Routes {
        by_route,
        not_found: Answer::new(
            "404 Not Found",
            br#"{"httpStatus":404,"messages":[{"errorCode":"309","message":"no fixture for this path"}]}"#,
        ),
        bad_request: Answer::new("400 Bad Request", br#"{"error":"bad request"}"#),
        list_servers,
        pages,
        service_info,
        queued: Answer::new("200 OK", &read("profitbricks/get_request_status_queued.json")?),
        done: Answer::new("200 OK", &read("profitbricks/get_request_status_done.json")?),
        polls: polls.max(1),
        waits: Mutex::new(HashMap::new()),
    });

    let runtime = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread().enable_io().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_io().build()
    }
    .map_err(|e| format!("cannot start the runtime: {e}"))?;

    // Exit when whoever started us goes away (our stdin closes).
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        while matches!(std::io::stdin().read(&mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    });

    runtime.block_on(async move {
        let listener =
            TcpListener::bind(&addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        println!("listening http://{local} {}", sizes.join(" "));
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let routes = Arc::clone(&routes);
            tokio::spawn(async move {
                let _ = serve(stream, &routes).await;
            });
        }
    })
}

/// Serves one connection until the peer closes it or asks to.
async fn serve(mut stream: TcpStream, routes: &Routes) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut out: Vec<u8> = Vec::with_capacity(16 * 1024);
    loop {
        // Answer every complete request already buffered (pipelining), then write once.
        let mut close = false;
        let mut start = 0;
        while let Some(parsed) = parse(&buffer[start..]) {
            let (consumed, wants_close) = match parsed {
                Parsed::Request { consumed, method, target, body, close } => {
                    let body = &buffer[start + body.0..start + body.1];
                    match routes.by_route.get(&(method.clone(), path_of(&target).to_owned())) {
                        Some(answer) if !is_page_walk(&method, &target) => {
                            out.extend_from_slice(answer.pick(close))
                        }
                        _ => dynamic(routes, &method, &target, body, close, &mut out),
                    }
                    (consumed, close)
                }
                Parsed::Bad => {
                    out.extend_from_slice(&routes.bad_request.close);
                    (0, true)
                }
            };
            start += consumed;
            if wants_close {
                close = true;
                break;
            }
        }
        buffer.drain(..start);
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
        if close {
            return stream.shutdown().await;
        }
        if buffer.len() > MAX_REQUEST {
            stream.write_all(&routes.bad_request.close).await?;
            return Ok(());
        }
        if stream.read_buf(&mut buffer).await? == 0 {
            return Ok(());
        }
    }
}

impl Answer {
    fn pick(&self, close: bool) -> &[u8] {
        if close {
            &self.close
        } else {
            &self.keep_alive
        }
    }
}

fn path_of(target: &str) -> &str {
    target.split('?').next().unwrap_or_default()
}

fn query_of(target: &str) -> &str {
    target.split_once('?').map_or("", |(_, query)| query)
}

/// A `GET /v1/servers` that asks for a page: answered from the page walk.
fn is_page_walk(method: &str, target: &str) -> bool {
    method == "GET"
        && path_of(target) == "/v1/servers"
        && bench::scale::query_value(query_of(target), "page").is_some()
}

/// The answers that depend on the request: walk pages, JSON-RPC and request statuses.
fn dynamic(
    routes: &Routes,
    method: &str,
    target: &str,
    body: &[u8],
    close: bool,
    out: &mut Vec<u8>,
) {
    let path = path_of(target);
    let query = query_of(target);
    let number = |name: &str| bench::scale::query_value(query, name)?.parse::<usize>().ok();
    match (method, path) {
        ("GET", "/v1/servers") => {
            let page = number("page").unwrap_or(1);
            let per_page = number("per_page").unwrap_or(bench::scale::PAGE_SIZE);
            if per_page == bench::scale::PAGE_SIZE {
                let index = page.clamp(1, bench::scale::PAGES + 1) - 1;
                out.extend_from_slice(routes.pages[index].pick(close));
            } else {
                match bench::scale::page_answer(&routes.list_servers, page, per_page) {
                    Ok(body) => out.extend_from_slice(Answer::new("200 OK", &body).pick(close)),
                    Err(_) => out.extend_from_slice(routes.bad_request.pick(close)),
                }
            }
        }
        ("POST", "/v1/jsonrpc" | "/v1/jsonrpc/") => {
            match bench::scale::jsonrpc_answer(body, &routes.service_info) {
                Some(body) => out.extend_from_slice(Answer::new("200 OK", &body).pick(close)),
                None => out.extend_from_slice(routes.bad_request.pick(close)),
            }
        }
        ("GET", "/bench/waits") => {
            let prefix = bench::scale::query_value(query, "prefix").unwrap_or_default();
            let waits = routes.waits.lock().expect("not poisoned");
            let mine = waits.iter().filter(|(id, _)| id.starts_with(prefix));
            let (mut ids, mut requests, mut min_gap_us, mut max_polls) = (0u64, 0u64, u64::MAX, 0);
            for (_, polled) in mine {
                ids += 1;
                requests += u64::from(polled.count);
                min_gap_us = min_gap_us.min(polled.min_gap_us);
                max_polls = max_polls.max(polled.count);
            }
            let body = format!(
                r#"{{"ids":{ids},"requests":{requests},"min_gap_us":{min_gap_us},"max_polls":{max_polls}}}"#
            );
            out.extend_from_slice(Answer::new("200 OK", body.as_bytes()).pick(close));
        }
        ("GET", _)
            if path.starts_with(bench::scale::STATUS_PREFIX) && path.ends_with("/status") =>
        {
            let id = &path[bench::scale::STATUS_PREFIX.len()..path.len() - "/status".len()];
            let now = Instant::now();
            let mut waits = routes.waits.lock().expect("not poisoned");
            let polled = waits
                .entry(id.to_owned())
                .and_modify(|polled| {
                    let gap = now.duration_since(polled.last).as_micros() as u64;
                    polled.min_gap_us = polled.min_gap_us.min(gap);
                    polled.count += 1;
                    polled.last = now;
                })
                .or_insert(Polled { count: 1, last: now, min_gap_us: u64::MAX });
            let answer = if polled.count >= routes.polls { &routes.done } else { &routes.queued };
            out.extend_from_slice(answer.pick(close));
        }
        _ => out.extend_from_slice(routes.not_found.pick(close)),
    }
}

enum Parsed {
    /// `body` is the body's range in the parsed data.
    Request {
        consumed: usize,
        method: String,
        target: String,
        body: (usize, usize),
        close: bool,
    },
    Bad,
}

/// Parses one request at the start of `data`; `None` while it is incomplete.
fn parse(data: &[u8]) -> Option<Parsed> {
    let head_end = data.windows(4).position(|w| w == b"\r\n\r\n")?;
    let Ok(head) = std::str::from_utf8(&data[..head_end]) else { return Some(Parsed::Bad) };
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version)) =
        (request_line.next(), request_line.next(), request_line.next())
    else {
        return Some(Parsed::Bad);
    };
    let mut content_length = 0usize;
    let mut close = version == "HTTP/1.0";
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { return Some(Parsed::Bad) };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let Ok(length) = value.parse() else { return Some(Parsed::Bad) };
            content_length = length;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Some(Parsed::Bad); // no client here sends chunked bodies
        } else if name.eq_ignore_ascii_case("connection") {
            if value.eq_ignore_ascii_case("close") {
                close = true;
            } else if value.eq_ignore_ascii_case("keep-alive") {
                close = false;
            }
        }
    }
    if content_length > MAX_REQUEST {
        return Some(Parsed::Bad);
    }
    let consumed = head_end + 4 + content_length;
    if data.len() < consumed {
        return None;
    }
    Some(Parsed::Request {
        consumed,
        method: method.to_owned(),
        target: target.to_owned(),
        body: (head_end + 4, consumed),
        close,
    })
}
