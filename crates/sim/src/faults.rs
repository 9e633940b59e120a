//! Fault injection, for users' retry and error-handling tests: rules that make the next
//! matching requests fail the way real APIs do (rate limits, server errors, slow answers,
//! dropped connections, provisioning that ends FAILED), every simulator alike. The `serve`
//! binary takes the same rules on its command line: `--fault status:503@get_datacenterx2`
//! (its usage says how).
//!
//! ```
//! use std::time::Duration;
//! use cloud_sdks_sim::faults::{Fault, Faults, Rule};
//!
//! let faults = Faults::default();
//! // the next two `get_datacenter` calls are rate limited, then it answers normally
//! faults.add(Rule::new(Fault::RateLimited { retry_after: Duration::from_secs(1) })
//!     .operation("get_datacenter")
//!     .times(2));
//! // every call is slow
//! faults.add(Rule::new(Fault::Delay(Duration::from_millis(50))));
//! faults.clear();
//! ```

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// `429 Too Many Requests` in the provider's error shape, with the provider's rate-limit
    /// headers asking for this wait (`Retry-After`; for ProfitBricks, which sends none, the
    /// `X-RateLimit-*` headers).
    RateLimited {
        /// The wait asked for (whole seconds, at least 1).
        retry_after: Duration,
    },
    /// This error status (e.g. 500, 503) in the provider's error shape.
    Status(u16),
    /// The normal answer, after this pause.
    Delay(Duration),
    /// The connection is closed without an answer.
    Drop,
    /// The call is accepted as usual, but the work it starts ends failed with this message
    /// (a ProfitBricks request `FAILED`, a Memset job with `error` set).
    FailWork(String),
}

impl Fault {
    /// Whether this fault is applied by the server before the request is handled (the others,
    /// [`Fault::FailWork`], by the simulator while handling it).
    fn at_the_door(&self) -> bool {
        !matches!(self, Fault::FailWork(_))
    }
}

/// A fault and the requests it hits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    fault: Fault,
    operation: Option<String>,
    remaining: Option<u32>,
}

impl Rule {
    /// `fault` for every request, until [`Faults::clear`].
    pub fn new(fault: Fault) -> Self {
        Rule { fault, operation: None, remaining: None }
    }

    /// Only for requests to `operation`, as the catalog names it (`"get_datacenter"`,
    /// `"service.info"`).
    pub fn operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// Only for the next `times` matching requests.
    pub fn times(mut self, times: u32) -> Self {
        self.remaining = Some(times);
        self
    }

    fn hits(&self, operation: Option<&str>) -> bool {
        self.remaining != Some(0)
            && self.operation.as_deref().is_none_or(|wanted| Some(wanted) == operation)
    }
}

/// The rules of one simulator; clones share them, so a test can change them while it runs.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<Vec<Rule>>>,
}

impl Faults {
    /// Adds `rule`; rules are tried in the order they were added, and the first that hits a
    /// request applies.
    pub fn add(&self, rule: Rule) {
        self.rules().push(rule);
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.rules().clear();
    }

    /// The fault the server applies to a request to `operation` (`None`: no operation has the
    /// path), counting it against its rule.
    pub(crate) fn at_the_door(&self, operation: Option<&str>) -> Option<Fault> {
        self.take(operation, Fault::at_the_door)
    }

    /// The failure message for the work a request to `operation` starts, if a rule says so.
    pub(crate) fn failed_work(&self, operation: &str) -> Option<String> {
        match self.take(Some(operation), |f| !f.at_the_door())? {
            Fault::FailWork(message) => Some(message),
            _ => None,
        }
    }

    fn take(&self, operation: Option<&str>, kind: fn(&Fault) -> bool) -> Option<Fault> {
        let mut rules = self.rules();
        let rule = rules.iter_mut().find(|r| kind(&r.fault) && r.hits(operation))?;
        if let Some(remaining) = rule.remaining.as_mut() {
            *remaining -= 1;
        }
        let fault = rule.fault.clone();
        rules.retain(|r| r.remaining != Some(0));
        Some(fault)
    }

    fn rules(&self) -> MutexGuard<'_, Vec<Rule>> {
        // a test that panicked while holding the lock leaves the rules as they were
        self.rules.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The `Retry-After` value for `wait`: whole seconds, at least 1.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_hit_their_operation_the_given_number_of_times_in_order() {
        let faults = Faults::default();
        faults.add(Rule::new(Fault::Status(503)).operation("get").times(2));
        faults.add(Rule::new(Fault::Delay(Duration::from_millis(5))).operation("get"));
        assert_eq!(faults.at_the_door(Some("list")), None);
        assert_eq!(faults.at_the_door(Some("get")), Some(Fault::Status(503)));
        assert_eq!(faults.at_the_door(Some("get")), Some(Fault::Status(503)));
        assert_eq!(faults.at_the_door(Some("get")), Some(Fault::Delay(Duration::from_millis(5))));
        assert_eq!(faults.at_the_door(Some("get")), Some(Fault::Delay(Duration::from_millis(5))));
        faults.clear();
        assert_eq!(faults.at_the_door(Some("get")), None);
    }

    #[test]
    fn failed_work_is_not_applied_at_the_door() {
        let faults = Faults::default();
        faults.add(Rule::new(Fault::FailWork("no capacity".into())).times(1));
        faults.add(Rule::new(Fault::Drop).operation("delete"));
        assert_eq!(faults.at_the_door(Some("create")), None);
        assert_eq!(faults.failed_work("create"), Some("no capacity".into()));
        assert_eq!(faults.failed_work("create"), None);
        assert_eq!(faults.at_the_door(None), None, "an unknown path has no operation");
        assert_eq!(faults.at_the_door(Some("delete")), Some(Fault::Drop));
    }

    #[test]
    fn retry_after_is_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }
}
