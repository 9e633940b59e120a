//! A small, fast HTTP/1.1 server answering the benchmarked calls with the real fixture bodies.
//!
//! ```text
//! fixture-server --fixtures DIR [--addr 127.0.0.1:0] [--threads 1]
//! ```
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
use std::sync::Arc;

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
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--fixtures" => fixtures = Some(PathBuf::from(value()?)),
            "--addr" => addr = value()?,
            "--threads" => threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let fixtures =
        fixtures.ok_or("usage: fixture-server --fixtures DIR [--addr ADDR] [--threads N]")?;

    let mut by_route = HashMap::new();
    for op in bench::OPS {
        let path = fixtures.join(op.fixture);
        let body = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        by_route.insert((op.method.to_owned(), op.server_path()), Answer::new("200 OK", &body));
    }
    let routes = Arc::new(Routes {
        by_route,
        not_found: Answer::new(
            "404 Not Found",
            br#"{"httpStatus":404,"messages":[{"errorCode":"309","message":"no fixture for this path"}]}"#,
        ),
        bad_request: Answer::new("400 Bad Request", br#"{"error":"bad request"}"#),
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
        println!("listening http://{local}");
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
            let (consumed, answer, wants_close) = match parsed {
                Parsed::Request { consumed, method, path, close } => {
                    let answer = routes.by_route.get(&(method, path)).unwrap_or(&routes.not_found);
                    (consumed, answer, close)
                }
                Parsed::Bad => (0, &routes.bad_request, true),
            };
            out.extend_from_slice(if wants_close { &answer.close } else { &answer.keep_alive });
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

enum Parsed {
    Request { consumed: usize, method: String, path: String, close: bool },
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
    let path = target.split('?').next().unwrap_or_default();
    Some(Parsed::Request { consumed, method: method.to_owned(), path: path.to_owned(), close })
}
