//! Retrying: which failures are tried again, how long to pause in between, and how many
//! attempts a call gets in all.
//!
//! A [`Transport`](crate::Transport) retries a failed attempt when all of these hold:
//!
//! * the failure is transient: the connection could not be made, or (for idempotent requests
//!   only, see [`Request::idempotent`](crate::Request::idempotent)) the answer was HTTP 429,
//!   500, 502, 503 or 504, the connection broke mid-answer, or the attempt timed out;
//! * the call has attempts left ([`RetryPolicy::max_attempts`]);
//! * the pause fits: a wait the server asks for is at most [`RetryPolicy::max_wait`], and the
//!   pause ends before the overall timeout, if one is set.
//!
//! The pause is what the server asks for ([`server_wait`]: `Retry-After`, or the vendors'
//! rate-limit headers) or else an exponential backoff with full jitter
//! ([`RetryPolicy::backoff`]).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

/// How a client retries transient failures: how many attempts in all, and how long it pauses
/// between them.
///
/// The default makes 3 attempts, pausing a random time of up to 0.5 s after the first failure
/// and up to 1 s after the second (each pause at most 20 s however many attempts are allowed),
/// and honours a server's request to wait of up to 60 s.
///
/// ```
/// use std::time::Duration;
/// use cloud_sdks_runtime::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(6).max_wait(Duration::from_secs(120));
/// let never = RetryPolicy::disabled();
/// # assert_eq!((patient.max_attempts, never.max_attempts), (6, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts per call, the first one included; 1 turns retrying off.
    pub max_attempts: u32,
    /// The ceiling of the first pause; it doubles after every failed attempt.
    pub initial_backoff: Duration,
    /// The largest ceiling a backoff pause can have.
    pub max_backoff: Duration,
    /// The longest wait a server may ask for (`Retry-After`, rate-limit headers) that is still
    /// honoured; when it asks for more, the call ends with the server's answer instead.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The default policy; see [`RetryPolicy`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries: one attempt per call.
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// Sets the attempts per call, the first one included (0 counts as 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the ceiling of the first backoff pause.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the largest ceiling of a backoff pause.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Sets the longest server-requested wait that is honoured.
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// The ceiling of the pause after `failed` attempts (1 after the first):
    /// `min(max_backoff, initial_backoff × 2^(failed − 1))`.
    pub fn backoff_ceiling(&self, failed: u32) -> Duration {
        let doublings = failed.saturating_sub(1).min(31);
        self.initial_backoff
            .checked_mul(1 << doublings)
            .unwrap_or(Duration::MAX)
            .min(self.max_backoff)
    }

    /// The pause after `failed` attempts when the server asked for none: exponential backoff
    /// with full jitter, a random duration between zero and
    /// [`backoff_ceiling`](Self::backoff_ceiling) (see
    /// <https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>).
    pub fn backoff(&self, failed: u32) -> Duration {
        // Written out rather than taken from a crate: `backoff` is unmaintained
        // (RUSTSEC-2025-0012) and `backon` only adds jitter on top of the exponential delay
        // (never full jitter) and drives its own retry loop, which cannot see Retry-After or
        // the overall deadline. Full jitter is one multiplication.
        self.backoff_ceiling(failed).mul_f64(random_fraction())
    }
}

/// A number in `[0, 1)`, different on every call and in every process.
///
/// Jitter needs spread, not unpredictability, so std's randomly keyed hasher (a fresh key per
/// `RandomState`) over a counter and the clock is enough; no random-number crate is needed.
fn random_fraction() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    hasher.write_u32(nanos);
    // 53 random bits make an evenly spread f64 in [0, 1)
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether an answer with this status is worth another attempt (of an idempotent request):
/// 429 Too Many Requests, 500 Internal Server Error, 502 Bad Gateway, 503 Service Unavailable
/// and 504 Gateway Timeout.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// From this on a "seconds" reset header is taken for a Unix time (APIs send
/// X-RateLimit-Reset both ways); 10⁹ s is 2001-09-09, and no API asks to wait 31 years.
const UNIX_TIME_THRESHOLD: u64 = 1_000_000_000;

/// How long the server asked the client to wait before trying again, read from the headers
/// of its answer, first match wins:
///
/// 1. `Retry-After`: seconds, or an HTTP date (RFC 9110);
/// 2. `X-Rate-Limit-Reset` (1&1), then `X-RateLimit-Reset`: seconds until the rate limit
///    resets (a value of 10⁹ or more is taken for the Unix time it resets at);
/// 4. `X-RateLimit-Remaining: 0` with `X-RateLimit-Limit: n` (ProfitBricks, which sends no
///    reset time): the limit is `n` requests per minute on average (as jclouds reads it), so
///    one request becomes available after `60 / n` seconds.
///
/// A date or time in the past gives zero. Values that do not parse are ignored.
pub fn server_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header =
        |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim);
    if let Some(value) = header("retry-after") {
        if let Some(wait) = seconds(value) {
            return Some(wait);
        }
        if let Ok(date) = httpdate::parse_http_date(value) {
            return Some(date.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    for name in ["x-rate-limit-reset", "x-ratelimit-reset"] {
        if let Some(wait) = header(name).and_then(seconds) {
            if wait.as_secs() < UNIX_TIME_THRESHOLD {
                return Some(wait);
            }
            let reset = UNIX_EPOCH.checked_add(wait)?;
            return Some(reset.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    let remaining = header("x-ratelimit-remaining").and_then(|v| v.parse::<u64>().ok());
    let per_minute = header("x-ratelimit-limit").and_then(|v| v.parse::<u64>().ok());
    if let (Some(0), Some(limit)) = (remaining, per_minute.filter(|limit| *limit > 0)) {
        return Some(Duration::from_secs(60).div_f64(limit as f64));
    }
    None
}

/// A non-negative number of seconds, whole or decimal (at most a century: larger is nonsense
/// or a Unix time, which the caller tells apart).
fn seconds(value: &str) -> Option<Duration> {
    if let Ok(whole) = value.parse::<u64>() {
        return Some(Duration::from_secs(whole));
    }
    let fraction: f64 = value.parse().ok()?;
    (fraction.is_finite() && (0.0..3.2e9).contains(&fraction))
        .then(|| Duration::from_secs_f64(fraction))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("valid value"));
        }
        map
    }

    /// 2015-10-21 07:28:00 UTC
    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_445_412_480)
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let wait = |value: &str| server_wait(&headers(&[("Retry-After", value)]), now());
        assert_eq!(wait("120"), Some(Duration::from_secs(120)));
        assert_eq!(wait(" 0 "), Some(Duration::ZERO));
        assert_eq!(wait("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(wait("Wed, 21 Oct 2015 07:28:30 GMT"), Some(Duration::from_secs(30)));
        assert_eq!(wait("Wednesday, 21-Oct-15 07:29:00 GMT"), Some(Duration::from_secs(60)));
        assert_eq!(
            wait("Wed, 21 Oct 2015 07:00:00 GMT"),
            Some(Duration::ZERO),
            "a date in the past"
        );
        for junk in ["soon", "-5", "NaN", "inf", "1e300", ""] {
            assert_eq!(wait(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn vendor_rate_limit_headers() {
        // 1&1: seconds until the limit resets
        assert_eq!(
            server_wait(&headers(&[("X-Rate-Limit-Reset", "42")]), now()),
            Some(Duration::from_secs(42))
        );
        // X-RateLimit-Reset: seconds, or a Unix time
        assert_eq!(
            server_wait(&headers(&[("X-RateLimit-Reset", "7")]), now()),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            server_wait(&headers(&[("X-RateLimit-Reset", "1445412490")]), now()),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            server_wait(&headers(&[("X-RateLimit-Reset", "1445412000")]), now()),
            Some(Duration::ZERO)
        );
        // ProfitBricks: nothing left of 120 requests a minute: one comes back every 0.5 s
        let pb = headers(&[
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Limit", "120"),
            ("X-RateLimit-Burst", "50"),
        ]);
        assert_eq!(server_wait(&pb, now()), Some(Duration::from_millis(500)));
        // requests left, no limit or a zero limit: no hint
        assert_eq!(
            server_wait(
                &headers(&[("X-RateLimit-Remaining", "3"), ("X-RateLimit-Limit", "120")]),
                now()
            ),
            None
        );
        assert_eq!(server_wait(&headers(&[("X-RateLimit-Remaining", "0")]), now()), None);
        assert_eq!(
            server_wait(
                &headers(&[("X-RateLimit-Remaining", "0"), ("X-RateLimit-Limit", "0")]),
                now()
            ),
            None
        );
        // Retry-After wins over the vendor headers
        let both = headers(&[("Retry-After", "3"), ("X-Rate-Limit-Reset", "60")]);
        assert_eq!(server_wait(&both, now()), Some(Duration::from_secs(3)));
        assert_eq!(server_wait(&HeaderMap::new(), now()), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitters_below_it() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1));
        let ceilings: Vec<u128> =
            (1..=6).map(|failed| policy.backoff_ceiling(failed).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(policy.backoff_ceiling(u32::MAX), Duration::from_secs(1), "no overflow");
        let pauses: Vec<Duration> = (0..1000).map(|_| policy.backoff(3)).collect();
        assert!(pauses.iter().all(|pause| *pause < Duration::from_millis(400)));
        // full jitter spreads over the whole range
        assert!(pauses.iter().any(|pause| *pause < Duration::from_millis(40)));
        assert!(pauses.iter().any(|pause| *pause > Duration::from_millis(360)));
    }

    #[test]
    fn policy_setters() {
        let policy = RetryPolicy::new().max_attempts(0).max_wait(Duration::from_secs(5));
        assert_eq!((policy.max_attempts, policy.max_wait), (1, Duration::from_secs(5)));
        assert_eq!(RetryPolicy::disabled().max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts, 3);
    }

    #[test]
    fn retryable_statuses() {
        let retried: Vec<u16> = (100..600).filter(|status| is_retryable_status(*status)).collect();
        assert_eq!(retried, [429, 500, 502, 503, 504]);
    }
}
