//! How much memory a response takes beyond its bytes: what `max_response_bytes` bounds and
//! what it does not. A counting allocator measures the peak heap of each step; RELIABILITY.md
//! quotes the figures (run with `--nocapture` to see them).
//!
//! Run with `cargo test -p workspace-tests --test amplification -- --nocapture`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use cloud_sdks_runtime::{ApiError, ErrorModel, RetryPolicy};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator
        unsafe { System.dealloc(pointer, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

/// The peak heap above what was in use before, while `step` runs, in bytes.
fn peak_during<T>(step: impl FnOnce() -> T) -> (T, usize) {
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = step();
    (result, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

/// `{"id":"s-0000001"},...` up to `bytes`: the smallest items a list of 1&1 servers can hold.
fn minimal_list(bytes: usize) -> Vec<u8> {
    let mut body = b"[".to_vec();
    let mut index = 0;
    while body.len() < bytes {
        if index > 0 {
            body.push(b',');
        }
        body.extend_from_slice(format!(r#"{{"id":"s-{index:07}"}}"#).as_bytes());
        index += 1;
    }
    body.push(b']');
    body
}

/// A ProfitBricks error answer whose body is mostly a list: only three members matter.
fn error_body(bytes: usize) -> Vec<u8> {
    let mut body =
        br#"{"httpStatus":500,"messages":[{"errorCode":"100","message":"boom"}],"items":"#.to_vec();
    body.extend(minimal_list(bytes));
    body.push(b'}');
    body
}

const PB_ERRORS: ErrorModel = ErrorModel {
    code: Some("/messages/0/errorCode"),
    message: Some("/messages/0/message"),
    error_type: None,
};

/// One test, so that nothing else allocates while a step is measured. Bodies are 8 MiB
/// (`AMPLIFICATION_MIB=30` for the figures RELIABILITY.md quotes; the ratios barely change).
#[test]
fn memory_beyond_the_response_bytes() {
    let mib = std::env::var("AMPLIFICATION_MIB").ok().and_then(|v| v.parse().ok()).unwrap_or(8);
    let size: usize = mib * 1024 * 1024;

    // An error body: only three pointers are read, so it costs little more than its text.
    let body = error_body(size);
    let (error, peak) = peak_during(|| {
        ApiError::from_parts("list_datacenters", 500, Vec::new(), &body, &PB_ERRORS)
    });
    let ratio = peak as f64 / body.len() as f64;
    println!(
        "ApiError::from_parts of a {:.0} MiB error body: peak {:.0} MiB ({ratio:.1}x)",
        body.len() as f64 / MIB,
        peak as f64 / MIB
    );
    assert_eq!((error.code.as_deref(), error.message.as_deref()), (Some("100"), Some("boom")));
    assert!(ratio < 1.5, "the body text and little else: {ratio:.1}x");
    drop(error);

    // The same answer through the transport, from a local server: reading plus the error.
    let base = serve_forever(body);
    let client = profitbricks::Client::builder(profitbricks::Credentials::basic("u", "p"))
        .base_url(&base)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("valid settings");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
    let (error, peak) =
        peak_during(|| runtime.block_on(client.list_datacenters().send()).expect_err("HTTP 500"));
    let ratio = peak as f64 / size as f64;
    println!(
        "a {:.0} MiB error answer through the transport: peak {:.0} MiB ({ratio:.1}x)",
        size as f64 / MIB,
        peak as f64 / MIB
    );
    assert_eq!(error.status(), Some(500));
    assert!(ratio < 2.5, "read once, kept once: {ratio:.1}x");
    drop(error);

    // A typed list of minimal items: every item becomes a whole struct. This is what
    // max_response_bytes does not bound; RELIABILITY.md quotes the factor.
    let list = minimal_list(size);
    let (servers, peak) = peak_during(|| {
        serde_json::from_slice::<Vec<oneandone::models::Server>>(&list).expect("a list")
    });
    let ratio = peak as f64 / list.len() as f64;
    println!(
        "a {:.0} MiB list of {} minimal servers decoded: peak {:.0} MiB ({ratio:.1}x; {} bytes a struct)",
        list.len() as f64 / MIB,
        servers.len(),
        peak as f64 / MIB,
        std::mem::size_of::<oneandone::models::Server>()
    );
    // 728 bytes a struct for 19 bytes of JSON, and the list doubling as it grows
    assert!(ratio < 100.0, "{ratio:.1}x");
}

/// Answers every request with HTTP 500 and `body`; returns the base URL.
fn serve_forever(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let head = format!(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(&mut stream);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim_end().is_empty() {
                    break;
                }
            }
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    base
}
