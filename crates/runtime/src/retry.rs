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
//!   pause ends before the overall timeout, if one is set;
//! * the client's [`RetryBudget`] (shared by every call of one client) can pay for it, so that
//!   an outage does not multiply the load a client puts on the API.
//!
//! Failures that cannot pass on another attempt are never retried: an answer that is not HTTP
//! (an invalid status line, an HTTP/0.9 reply), a redirect loop, a request the HTTP stack
//! refuses to build, an answer over the size limit.
//!
//! The pause is what the server asks for ([`server_wait`]: `Retry-After`, or the vendors'
//! rate-limit headers) or else an exponential backoff with full jitter
//! ([`RetryPolicy::backoff`]).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

/// How a client retries transient failures: how many attempts in all, and how long it pauses
/// between them.
///
/// The default makes 3 attempts, pausing a random time of up to 0.5 s after the first failure
/// and up to 1 s after the second (each pause at most 20 s however many attempts are allowed),
/// honours a server's request to wait of up to 60 s, and limits retries with the default
/// [`RetryBudget`].
///
/// Every duration may be as large as `Duration::MAX`: arithmetic saturates, nothing panics.
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
    /// The client-wide budget retries are paid from; `None` retries without one (up to
    /// `max_attempts` per call, however many calls fail at once).
    pub budget: Option<RetryBudget>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            max_wait: Duration::from_secs(60),
            budget: Some(RetryBudget::default()),
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

    /// Sets the client-wide retry budget; `None` turns it off (see [`RetryBudget`]).
    pub fn retry_budget(mut self, budget: Option<RetryBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// Whether a wait the server asked for is too long to honour: more than
    /// [`max_wait`](Self::max_wait), or an absurd hint (see [`server_wait`]), which is longer
    /// than any `max_wait`.
    pub fn refuses_wait(&self, wait: Duration) -> bool {
        wait == Duration::MAX || wait > self.max_wait
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
        let ceiling = self.backoff_ceiling(failed);
        // `mul_f64` panics when the product rounds above `Duration::MAX` (a ceiling of MAX)
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * random_fraction())
            .map_or(ceiling, |pause| pause.min(ceiling))
    }
}

/// A client-wide budget for retries, a token bucket: it starts with `capacity` tokens, each
/// retry takes `retry_cost` of them (`timeout_retry_cost` after a timeout), and each call that
/// succeeds puts `success_refund` back, up to `capacity`. A retry the bucket cannot pay for is
/// not made: the call ends with the error of its last attempt.
///
/// The default (500 tokens, 5 a retry, 10 after a timeout, 1 back per success, the figures of
/// the AWS SDKs' standard retry mode) lets a healthy client retry freely, and keeps a client
/// whose every call fails from tripling its load on the API: 500 failing calls make 600
/// requests instead of 1,500. All clones of a client share one bucket.
///
/// ```
/// use cloud_sdks_runtime::retry::RetryBudget;
/// use cloud_sdks_runtime::RetryPolicy;
///
/// let strict = RetryPolicy::default().retry_budget(Some(RetryBudget::new(50)));
/// let unlimited = RetryPolicy::default().retry_budget(None);
/// # assert_eq!(strict.budget.map(|b| b.capacity), Some(50));
/// # assert_eq!(unlimited.budget, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryBudget {
    /// Tokens in a full bucket, and at the start.
    pub capacity: u32,
    /// Tokens a retry takes.
    pub retry_cost: u32,
    /// Tokens a retry after a timeout takes.
    pub timeout_retry_cost: u32,
    /// Tokens a successful call puts back.
    pub success_refund: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget { capacity: 500, retry_cost: 5, timeout_retry_cost: 10, success_refund: 1 }
    }
}

impl RetryBudget {
    /// The default costs with a bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        RetryBudget { capacity, ..RetryBudget::default() }
    }

    /// Sets the tokens a retry takes.
    pub fn retry_cost(mut self, cost: u32) -> Self {
        self.retry_cost = cost;
        self
    }

    /// Sets the tokens a retry after a timeout takes.
    pub fn timeout_retry_cost(mut self, cost: u32) -> Self {
        self.timeout_retry_cost = cost;
        self
    }

    /// Sets the tokens a successful call puts back.
    pub fn success_refund(mut self, refund: u32) -> Self {
        self.success_refund = refund;
        self
    }
}

/// The live bucket of a [`RetryBudget`], one per client.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    budget: RetryBudget,
    tokens: AtomicU32,
}

impl TokenBucket {
    pub(crate) fn new(budget: RetryBudget) -> Self {
        TokenBucket { budget, tokens: AtomicU32::new(budget.capacity) }
    }

    /// Takes the cost of one retry (of a timeout when `after_timeout`); `false`, taking
    /// nothing, when too few tokens are left.
    pub(crate) fn try_take(&self, after_timeout: bool) -> bool {
        let cost =
            if after_timeout { self.budget.timeout_retry_cost } else { self.budget.retry_cost };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| tokens.checked_sub(cost))
            .is_ok()
    }

    /// Puts a success's refund back, up to the capacity.
    pub(crate) fn refund(&self) {
        let TokenBucket { budget, tokens } = self;
        // a full bucket (the usual case) is left alone: no write, no contention
        let _ = tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
            (left < budget.capacity)
                .then(|| left.saturating_add(budget.success_refund).min(budget.capacity))
        });
    }

    /// Tokens left.
    pub(crate) fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
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
/// A date or time in the past gives zero. Values that do not parse are ignored. An absurd
/// hint, a number too large to represent or a wait of more than [`LONGEST_HINT`] (a century),
/// gives `Duration::MAX`, which [`RetryPolicy::refuses_wait`] takes for longer than any
/// `max_wait`: the answer is handed back at once, whatever the header.
pub fn server_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header =
        |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim);
    if let Some(value) = header("retry-after") {
        if let Some(wait) = seconds(value) {
            return Some(sane(wait));
        }
        if let Ok(date) = httpdate::parse_http_date(value) {
            return Some(sane(date.duration_since(now).unwrap_or(Duration::ZERO)));
        }
    }
    for name in ["x-rate-limit-reset", "x-ratelimit-reset"] {
        if let Some(wait) = header(name).and_then(seconds) {
            if wait.as_secs() < UNIX_TIME_THRESHOLD {
                return Some(wait);
            }
            let Some(reset) = UNIX_EPOCH.checked_add(wait) else {
                return Some(Duration::MAX);
            };
            return Some(sane(reset.duration_since(now).unwrap_or(Duration::ZERO)));
        }
    }
    let remaining = header("x-ratelimit-remaining").and_then(|v| v.parse::<u64>().ok());
    let per_minute = header("x-ratelimit-limit").and_then(|v| v.parse::<u64>().ok());
    if let (Some(0), Some(limit)) = (remaining, per_minute.filter(|limit| *limit > 0)) {
        return Some(Duration::from_secs(60).div_f64(limit as f64));
    }
    None
}

/// The longest wait a server's hint can sensibly mean: about a century. [`server_wait`] turns a
/// longer one into `Duration::MAX`, "longer than any `max_wait`".
pub const LONGEST_HINT: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// `wait`, or `Duration::MAX` when it is longer than [`LONGEST_HINT`].
fn sane(wait: Duration) -> Duration {
    if wait > LONGEST_HINT {
        Duration::MAX
    } else {
        wait
    }
}

/// A non-negative number of seconds, whole or decimal (digits and at most one `.`; no sign,
/// exponent or words such as `inf`). A number too large for a `Duration` is `Duration::MAX`.
fn seconds(value: &str) -> Option<Duration> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let digits = |text: &str| text.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    let Ok(secs) = whole.parse::<u64>() else {
        return Some(Duration::MAX); // more digits than a u64 holds
    };
    // nine digits of the fraction are nanoseconds; more are below a Duration's resolution
    let nanos = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0, |n, b| n * 10 + u32::from(b - b'0'));
    Some(Duration::new(secs, nanos))
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
    fn absurd_hints_are_longer_than_any_max_wait() {
        let wait = |name: &'static str, value: &str| server_wait(&headers(&[(name, value)]), now());
        let absurd = [
            ("Retry-After", "18446744073709551615"),
            ("Retry-After", "18446744073709551616"),
            ("Retry-After", "99999999999999999999999.5"),
            ("Retry-After", "3200000000"),
            ("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"),
            ("X-Rate-Limit-Reset", "18446744073709551615"),
            ("X-RateLimit-Reset", "18446744073709551615"),
            ("X-Rate-Limit-Reset", "99999999999"),
        ];
        let patient = RetryPolicy::default().max_wait(Duration::MAX);
        for (name, value) in absurd {
            assert_eq!(wait(name, value), Some(Duration::MAX), "{name}: {value}");
            assert!(patient.refuses_wait(Duration::MAX), "{name}: {value}");
        }
        // a long but sane wait is up to max_wait
        assert_eq!(wait("Retry-After", "86400"), Some(Duration::from_secs(86_400)));
        assert!(!patient.refuses_wait(Duration::from_secs(86_400)));
        assert!(RetryPolicy::default().refuses_wait(Duration::from_secs(86_400)));
        assert_eq!(wait("Retry-After", "0.000000001999"), Some(Duration::from_nanos(1)));
        for junk in ["+5", "1e5", ".5", "5.", "1.2.3", "0x10", "５"] {
            let expected = (junk == "5.").then(|| Duration::from_secs(5));
            assert_eq!(wait("Retry-After", junk), expected, "{junk:?}");
        }
    }

    #[test]
    fn huge_backoff_saturates() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX)
            .max_attempts(u32::MAX);
        for failed in [0, 1, 2, 64, u32::MAX] {
            assert_eq!(policy.backoff_ceiling(failed), Duration::MAX);
            for _ in 0..1000 {
                assert!(policy.backoff(failed) <= Duration::MAX);
            }
        }
        let big = RetryPolicy::default().initial_backoff(Duration::from_secs(u64::MAX / 2));
        assert_eq!(big.backoff_ceiling(3), Duration::from_secs(20), "capped by max_backoff");
    }

    #[test]
    fn the_budget_pays_retries_and_successes_refill_it() {
        assert_eq!(
            RetryBudget::default(),
            RetryBudget { capacity: 500, retry_cost: 5, timeout_retry_cost: 10, success_refund: 1 }
        );
        let bucket = TokenBucket::new(RetryBudget::new(22));
        assert!(bucket.try_take(false)); // 17
        assert!(bucket.try_take(true)); // 7
        assert!(!bucket.try_take(true), "a timeout retry needs 10");
        assert!(bucket.try_take(false)); // 2
        assert!(!bucket.try_take(false));
        assert_eq!(bucket.available(), 2);
        for _ in 0..3 {
            bucket.refund();
        }
        assert!(bucket.try_take(false)); // 0
        for _ in 0..100 {
            bucket.refund();
        }
        assert_eq!(bucket.available(), 22, "never above the capacity");
        let free = TokenBucket::new(RetryBudget::new(0).retry_cost(0).success_refund(7));
        assert!(free.try_take(false), "a retry that costs nothing is always paid");
        assert!(!free.try_take(true));
        free.refund();
        assert_eq!(free.available(), 0);
        let policy = RetryPolicy::default().retry_budget(None);
        assert_eq!(policy.budget, None);
        assert_eq!(RetryPolicy::default().budget, Some(RetryBudget::default()));
    }

    #[test]
    fn retryable_statuses() {
        let retried: Vec<u16> = (100..600).filter(|status| is_retryable_status(*status)).collect();
        assert_eq!(retried, [429, 500, 502, 503, 504]);
    }
}
