//! Waiting for asynchronous work: poll something until it is done, failed, or out of time.
//! The providers' `wait_for` helpers are built on [`until`].

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::write_escaped;
use crate::{Error, InvalidArgument};

/// How often to look and for how long in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// Pause between two looks.
    pub interval: Duration,
    /// Give up after this long (measured from the first look).
    pub timeout: Duration,
}

impl WaitOptions {
    /// Options with the given interval and overall timeout.
    pub fn new(interval: Duration, timeout: Duration) -> Self {
        WaitOptions { interval, timeout }
    }
}

/// A caller's hook that hears every pending state and the time waited so far.
pub type ProgressHook = Box<dyn FnMut(&str, Duration) + Send>;

/// What one look found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress<T> {
    /// Finished; waiting ends with this value.
    Done(T),
    /// Not finished yet; `state` is what the API said (e.g. `"QUEUED"`).
    Pending {
        /// The state the API reported.
        state: String,
    },
    /// Finished without success; waiting ends with an error.
    Failed {
        /// The state the API reported (e.g. `"FAILED"`).
        state: String,
        /// The API's explanation, if it gave one.
        message: String,
    },
}

/// Why waiting ended without the work being done.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitError {
    /// The timeout passed while the work was still pending.
    TimedOut {
        /// What was waited for, e.g. `request 0f3c…`.
        what: String,
        /// How long it waited.
        waited: Duration,
        /// The last state the API reported.
        last_state: String,
    },
    /// The API reported that the work failed.
    Failed {
        /// What was waited for.
        what: String,
        /// The state the API reported.
        state: String,
        /// The API's explanation.
        message: String,
    },
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // what is waited for comes from the caller, states and messages from the API:
            // control characters are escaped, so neither can forge a log line
            WaitError::TimedOut { what, waited, last_state } => {
                write_escaped(f, what)?;
                f.write_str(": still ")?;
                write_escaped(f, last_state)?;
                write!(
                    f,
                    " after waiting {}; wait longer or check it later",
                    crate::error::Seconds(*waited)
                )
            }
            WaitError::Failed { what, state, message } => {
                write_escaped(f, what)?;
                f.write_str(": ")?;
                write_escaped(f, state)?;
                f.write_str(": ")?;
                write_escaped(f, message)
            }
        }
    }
}

impl std::error::Error for WaitError {}

/// Calls `look` until it reports [`Progress::Done`] (its value is returned) or
/// [`Progress::Failed`], pausing `options.interval` between looks; `on_pending` hears every
/// pending state with the time waited so far.
///
/// # Errors
///
/// [`Error::Wait`] when the work failed or the timeout passed, or the error of a look.
pub async fn until<K, T, F, Fut>(
    what: &str,
    options: WaitOptions,
    mut look: F,
    mut on_pending: impl FnMut(&str, Duration),
) -> Result<T, Error<K>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Progress<T>, Error<K>>>,
{
    let started = Instant::now();
    loop {
        match look().await? {
            Progress::Done(value) => return Ok(value),
            Progress::Failed { state, message } => {
                return Err(Error::Wait(WaitError::Failed {
                    what: what.to_owned(),
                    state,
                    message,
                }))
            }
            Progress::Pending { state } => {
                let waited = started.elapsed();
                on_pending(&state, waited);
                if waited >= options.timeout {
                    return Err(Error::Wait(WaitError::TimedOut {
                        what: what.to_owned(),
                        waited,
                        last_state: state,
                    }));
                }
                tokio::time::sleep(options.interval.min(options.timeout - waited)).await;
            }
        }
    }
}

/// One look at the work, as a boxed future (what [`Wait`] calls repeatedly).
pub type Look<T, K> = Box<dyn FnMut() -> LookFuture<T, K> + Send>;

/// The future of one look.
pub type LookFuture<T, K> = Pin<Box<dyn Future<Output = Result<Progress<T>, Error<K>>> + Send>>;

/// A look made of a call and a judgement of its answer: `fetch` starts the call (say, the
/// resource's `get`), `judge` tells from the answer whether the work is done.
pub fn look<T, K, F>(
    mut fetch: impl FnMut() -> F + Send + 'static,
    judge: impl Fn(T) -> Progress<T> + Send + Sync + 'static,
) -> Look<T, K>
where
    F: Future<Output = Result<T, Error<K>>> + Send + 'static,
    T: Send + 'static,
    K: Send + 'static,
{
    let judge = std::sync::Arc::new(judge);
    Box::new(move || {
        let answer = fetch();
        let judge = std::sync::Arc::clone(&judge);
        Box::pin(async move { Ok(judge(answer.await?)) })
    })
}

/// The usual judgement: done when `state` is one of `done`, failed when it is one of
/// `failed` (with a message naming `what`), pending otherwise (also when there is no state).
pub fn by_state<T>(
    value: T,
    state: Option<String>,
    done: &[String],
    failed: &[&str],
    what: &str,
) -> Progress<T> {
    match state {
        Some(state) if done.contains(&state) => Progress::Done(value),
        Some(state) if failed.contains(&state.as_str()) => {
            let message = format!("the {what} reached the state {state}");
            Progress::Failed { state, message }
        }
        Some(state) => Progress::Pending { state },
        None => Progress::Pending { state: String::from("without a state") },
    }
}

/// A wait the providers' `wait_for` helpers hand out: set the pace with the setters, then
/// `.await` it (or call [`send`](Self::send)).
#[must_use = "waiting does nothing until it is awaited or sent"]
pub struct Wait<T, K> {
    what: String,
    options: WaitOptions,
    on_progress: Option<ProgressHook>,
    look: Result<Look<T, K>, InvalidArgument>,
    before: Option<Before<K>>,
}

/// What a wait sends before its first look (the action it waits for), as a boxed future.
type Before<K> = Pin<Box<dyn Future<Output = Result<(), Error<K>>> + Send>>;

impl<T, K> Wait<T, K> {
    /// A wait for `what` (e.g. `request 0f3c…`), looking with `look`.
    pub fn new(what: impl Into<String>, options: WaitOptions, look: Look<T, K>) -> Self {
        Wait { what: what.into(), options, on_progress: None, look: Ok(look), before: None }
    }

    /// A wait that can only fail with `error`, for a caller who gave nothing to wait on.
    pub fn invalid(error: InvalidArgument, options: WaitOptions) -> Self {
        Wait { what: String::new(), options, on_progress: None, look: Err(error), before: None }
    }

    /// Sends `action` first (say, the call that powers a server on) and starts looking only
    /// when it has succeeded; its error ends the wait.
    pub fn after<V, F>(mut self, action: F) -> Self
    where
        F: Future<Output = Result<V, Error<K>>> + Send + 'static,
        K: 'static,
    {
        self.before = Some(Box::pin(async move { action.await.map(drop) }));
        self
    }

    /// The pause between two looks.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.options.interval = interval;
        self
    }

    /// How long to wait in all before giving up.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// Calls `hook` after every look that finds the work still pending, with the state the API
    /// reported and the time waited so far.
    pub fn on_progress(mut self, hook: impl FnMut(&str, Duration) + Send + 'static) -> Self {
        self.on_progress = Some(Box::new(hook));
        self
    }

    /// Looks until the work is done, failed or out of time.
    ///
    /// # Errors
    ///
    /// [`Error::Wait`] when the work failed or the timeout passed, the invalid argument of
    /// [`Wait::invalid`], or the error of a failed look.
    pub async fn send(self) -> Result<T, Error<K>> {
        let mut look = self.look?;
        if let Some(before) = self.before {
            before.await?;
        }
        let mut on_progress = self.on_progress;
        until(&self.what, self.options, &mut look, |state, waited| {
            if let Some(hook) = on_progress.as_mut() {
                hook(state, waited);
            }
        })
        .await
    }
}

impl<T, K> fmt::Debug for Wait<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("what", &self.what)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static, K: Send + 'static> IntoFuture for Wait<T, K> {
    type Output = Result<T, Error<K>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    type Result<T> = std::result::Result<T, Error<()>>;

    fn options() -> WaitOptions {
        WaitOptions::new(Duration::from_secs(1), Duration::from_secs(5))
    }

    #[tokio::test(start_paused = true)]
    async fn returns_when_done_after_pending_looks() {
        let looks = Cell::new(0);
        let mut heard = Vec::new();
        let result: Result<&str> = until(
            "request r1",
            options(),
            || {
                looks.set(looks.get() + 1);
                let n = looks.get();
                async move {
                    Ok(if n < 3 {
                        Progress::Pending { state: "RUNNING".into() }
                    } else {
                        Progress::Done("ok")
                    })
                }
            },
            |state, _| heard.push(state.to_owned()),
        )
        .await;
        assert_eq!(result.ok(), Some("ok"));
        assert_eq!(heard, ["RUNNING", "RUNNING"]);
    }

    #[test]
    fn control_characters_are_escaped_in_wait_errors() {
        let failed = WaitError::Failed {
            what: "request r\n1".into(),
            state: "FAILED\r\nINFO forged".into(),
            message: "no\u{1b}[31m capacity".into(),
        };
        assert_eq!(
            failed.to_string(),
            r"request r\n1: FAILED\r\nINFO forged: no\u{1b}[31m capacity"
        );
        let timed_out = WaitError::TimedOut {
            what: "job\n".into(),
            waited: Duration::from_secs(2),
            last_state: "QUEUED\n".into(),
        };
        assert_eq!(
            timed_out.to_string(),
            r"job\n: still QUEUED\n after waiting 2.0 s; wait longer or check it later"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_is_an_error_with_the_api_message() {
        let result: Result<()> = until(
            "request r1",
            options(),
            || async {
                Ok(Progress::Failed { state: "FAILED".into(), message: "no capacity".into() })
            },
            |_, _| {},
        )
        .await;
        let error = result.expect_err("failed");
        assert_eq!(error.to_string(), "request r1: FAILED: no capacity");
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_the_timeout() {
        let looks = Cell::new(0);
        let result: Result<()> = until(
            "request r1",
            options(),
            || {
                looks.set(looks.get() + 1);
                async { Ok(Progress::Pending { state: "QUEUED".into() }) }
            },
            |_, _| {},
        )
        .await;
        match result {
            Err(Error::Wait(WaitError::TimedOut { waited, last_state, .. })) => {
                assert_eq!((waited, last_state.as_str()), (Duration::from_secs(5), "QUEUED"));
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert_eq!(looks.get(), 6, "looks at 0, 1, 2, 3, 4 and 5 s");
    }
}
