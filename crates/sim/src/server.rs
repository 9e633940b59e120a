//! The HTTP plumbing every simulator shares: a loopback HTTP/1 server that hands each
//! request, with its body read whole, to a synchronous handler.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming as Body};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::faults::{retry_after_secs, Fault, Faults};

/// The most body bytes a request may carry.
const MAX_BODY: usize = 4 << 20;

/// A request as a simulator sees it.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    pub method: String,
    /// The path, still percent-encoded.
    pub path: String,
    pub query: Option<String>,
    #[cfg_attr(not(feature = "profitbricks"), allow(dead_code))]
    pub authorization: Option<String>,
    /// Every header, names in lower case, values that are not text left out.
    #[cfg_attr(not(feature = "oneandone"), allow(dead_code))]
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Incoming {
    /// The first value of the header `name` (given in lower case).
    #[cfg_attr(not(feature = "oneandone"), allow(dead_code))]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// What a simulator answers.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    /// Sent as JSON (`application/json`); but when `headers` set a `Content-Type`, a string
    /// is sent as it is (see [`Reply::text`]).
    pub body: Option<serde_json::Value>,
}

impl Reply {
    /// A reply of `text` as it is, of the type `content_type` (XML-RPC's `text/xml`), not
    /// JSON.
    #[cfg_attr(not(feature = "memset"), allow(dead_code))]
    pub(crate) fn text(status: u16, content_type: &str, text: String) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: Some(serde_json::Value::String(text)),
        }
    }
}

/// Answers requests; called under no lock of the server's.
pub(crate) trait Handler: Send + Sync + 'static {
    fn handle(&self, request: &Incoming) -> Reply;
    /// The answer to a body larger than [`MAX_BODY`] or one that could not be read, sent to
    /// `path`.
    fn unreadable(&self, path: &str) -> Reply;

    /// The fault rules, if this simulator takes them.
    fn faults(&self) -> Option<&Faults> {
        None
    }
    /// The operation a request is for, as the catalog names it (what fault rules match).
    fn operation(&self, _request: &Incoming) -> Option<&'static str> {
        None
    }
    /// An injected error status for `request`, in the provider's error shape (of the
    /// interface the request used, where there are several).
    fn fault_reply(&self, _request: &Incoming, status: u16, message: &str) -> Reply {
        let body = serde_json::json!({ "message": message });
        Reply { status, headers: Vec::new(), body: Some(body) }
    }
    /// The headers of an injected 429 that ask for a wait of `retry_after_secs`, as the
    /// provider sends them (`Retry-After` unless the provider says otherwise).
    fn rate_limit_headers(&self, retry_after_secs: u64) -> Vec<(&'static str, String)> {
        vec![("Retry-After", retry_after_secs.to_string())]
    }
    /// Notes a request answered without [`handle`](Self::handle) (an injected fault).
    fn record(&self, _request: &Incoming, _status: u16) {}
}

/// An injected dropped connection: hyper closes the connection instead of answering.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the connection was dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Binds a listener on `addr`.
pub(crate) async fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Serves `listener` with `handler` on the current tokio runtime until the returned sender is
/// dropped or fires; open connections are closed then too.
pub(crate) fn spawn(listener: TcpListener, handler: Arc<dyn Handler>) -> Stop {
    let (stop, mut stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let handler = Arc::clone(&handler);
                    connections.spawn(async move {
                        let service = service_fn(move |request| answer(Arc::clone(&handler), request));
                        // A connection that breaks is the client's business.
                        let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                    });
                }
                // Reap finished connections so the set does not grow.
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
        connections.abort_all();
    });
    Stop(Some(stop))
}

/// Stops the server it came from when dropped (a running simulator holds it).
pub(crate) struct Stop(Option<oneshot::Sender<()>>);

impl Drop for Stop {
    fn drop(&mut self) {
        if let Some(stop) = self.0.take() {
            let _ = stop.send(());
        }
    }
}

/// How many requests a simulator's log keeps: the newest.
pub(crate) const RECEIVED_KEPT: usize = 10_000;

/// Appends `entry` to a simulator's request log, forgetting the oldest beyond
/// [`RECEIVED_KEPT`].
pub(crate) fn log<T>(log: &std::sync::Mutex<Vec<T>>, entry: T) {
    if let Ok(mut entries) = log.lock() {
        if entries.len() >= RECEIVED_KEPT {
            entries.remove(0);
        }
        entries.push(entry);
    }
}

impl Incoming {
    /// The path with its query, as the request gave them (still percent-encoded).
    pub(crate) fn path_and_query(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }
}

async fn answer(
    handler: Arc<dyn Handler>,
    request: Request<Body>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let reply = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => {
            let incoming = Incoming {
                method: parts.method.as_str().to_owned(),
                path: parts.uri.path().to_owned(),
                query: parts.uri.query().map(str::to_owned),
                authorization: parts
                    .headers
                    .get(hyper::header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
                headers: parts
                    .headers
                    .iter()
                    .filter_map(|(name, value)| {
                        Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
                    })
                    .collect(),
                body: collected.to_bytes().to_vec(),
            };
            let fault = handler.faults().and_then(|f| f.at_the_door(handler.operation(&incoming)));
            match fault {
                None | Some(Fault::FailWork(_)) => handler.handle(&incoming),
                Some(Fault::Delay(pause)) => {
                    tokio::time::sleep(pause).await;
                    handler.handle(&incoming)
                }
                Some(Fault::Drop) => {
                    handler.record(&incoming, 0);
                    return Err(Dropped);
                }
                Some(Fault::RateLimited { retry_after }) => {
                    let secs = retry_after_secs(retry_after);
                    let mut reply =
                        handler.fault_reply(&incoming, 429, "Too many requests; retry later");
                    reply.headers.extend(handler.rate_limit_headers(secs));
                    handler.record(&incoming, reply.status);
                    reply
                }
                Some(Fault::Status(status)) => {
                    let reply = handler.fault_reply(&incoming, status, "Injected server error");
                    handler.record(&incoming, reply.status);
                    reply
                }
            }
        }
        Err(_) => handler.unreadable(parts.uri.path()),
    };
    Ok(to_response(reply))
}

fn to_response(reply: Reply) -> Response<Full<Bytes>> {
    let typed = reply.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    let body = match reply.body {
        Some(serde_json::Value::String(text)) if typed => text.into_bytes(),
        Some(value) => value.to_string().into_bytes(),
        None => Vec::new(),
    };
    let json = !body.is_empty() && !typed;
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if json {
        headers.insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("application/json"),
        );
    }
    for (name, value) in reply.headers {
        if let Ok(value) = hyper::header::HeaderValue::from_str(&value) {
            headers.append(name, value);
        }
    }
    response
}
