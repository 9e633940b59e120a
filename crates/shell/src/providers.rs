//! The three providers: their catalogs, credentials and clients.

use std::fmt::{self, Debug};
use std::time::Duration;

use cloud_sdks_runtime::catalog::{OperationInfo, WaitInfo};
use cloud_sdks_runtime::pages::{PageFuture, Pages};
use cloud_sdks_runtime::wait::{by_state, look, ProgressHook, Wait, WaitOptions};
use cloud_sdks_runtime::{CallFuture, Error};
use serde::Serialize;
use serde_json::Value;

use crate::waits::{self, Target};
use crate::{exit, Auth, Backend, CallResult, Failure, Login, Provider};

/// Sorts a runtime error into an exit status and message.
pub fn failure<K: Debug>(error: Error<K>) -> Failure {
    let code = match &error {
        Error::InvalidArgument(_) => exit::INVALID_ARGUMENT,
        Error::Api { .. }
        | Error::UnexpectedStatus(_)
        | Error::Decode { .. }
        | Error::ResponseTooLarge { .. } => exit::API,
        Error::Transport { .. } | Error::Timeout { .. } => exit::TRANSPORT,
        _ => exit::OTHER,
    };
    Failure::new(code, error.to_string())
}

/// A client's dynamic entry point, which the shell's [`Backend`] is built on.
trait Dynamic: Clone + Send + Sync + 'static {
    /// The crate's error kind.
    type Kind: Debug + Send + 'static;

    /// `Client::call`.
    fn call(&self, operation: &str, args: Value) -> CallFuture<Value, Self::Kind>;

    /// The crate's own wait for a provisioning request or a job, if it has one.
    fn wait_for(&self, _target: &Target, _pace: Pace) -> Option<CallResult> {
        None
    }
}

/// How often to look while waiting (the provider's pace when `None`), and where the progress
/// goes.
pub struct Pace {
    /// The pause between two looks, instead of the provider's.
    pub interval: Option<Duration>,
    /// Hears every pending state with the time waited so far.
    pub progress: ProgressHook,
}

impl fmt::Debug for Pace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pace").field("interval", &self.interval).finish_non_exhaustive()
    }
}

/// Sets the pace of `wait` and runs it, its answer as JSON.
fn paced<T, K>(mut wait: Wait<T, K>, pace: Pace) -> CallResult
where
    T: Serialize + Send + 'static,
    K: Debug + Send + 'static,
{
    if let Some(interval) = pace.interval {
        wait = wait.interval(interval);
    }
    let wait = wait.on_progress(pace.progress);
    Box::pin(async move {
        let done = wait.await.map_err(failure)?;
        serde_json::to_value(done).map_err(|e| Failure::new(exit::OTHER, e.to_string()))
    })
}

impl<C: Dynamic> Backend for C {
    fn call(&self, operation: &str, args: Value) -> CallResult {
        let call = Dynamic::call(self, operation, args);
        Box::pin(async move { call.await.map_err(failure) })
    }

    fn call_all(&self, op: &'static OperationInfo, args: Value) -> CallResult {
        let Some(pages) = op.pages else {
            let message = format!("--all: {} is not a paged list", op.name);
            return Box::pin(std::future::ready(Err(Failure::new(exit::USAGE, message))));
        };
        let size = args.get(pages.per_page).and_then(Value::as_u64).unwrap_or(pages.size);
        let client = self.clone();
        let fetch = move |page: u64| -> PageFuture<Value, C::Kind> {
            let mut args = args.clone();
            if let Value::Object(members) = &mut args {
                members.insert(pages.page.to_owned(), page.into());
                members.insert(pages.per_page.to_owned(), size.into());
            }
            let call = Dynamic::call(&client, op.name, args);
            Box::pin(async move {
                Ok(match call.await? {
                    Value::Array(items) => items,
                    other => vec![other],
                })
            })
        };
        let walk = Pages::new(pages.first, size, Box::new(fetch));
        Box::pin(async move { walk.all().await.map(Value::Array).map_err(failure) })
    }

    fn wait(&self, target: &Target, pace: Pace) -> CallResult {
        let Target::State { info, id } = target else {
            return self.wait_for(target, pace).unwrap_or_else(|| {
                let message = format!("--wait: this API has no {}", target.describe());
                Box::pin(std::future::ready(Err(Failure::new(exit::USAGE, message))))
            });
        };
        let info: &'static WaitInfo = info;
        let seconds = Duration::from_secs;
        let options = WaitOptions::new(seconds(info.interval_secs), seconds(info.timeout_secs));
        let what = target.describe();
        let args = serde_json::json!({ info.id: id });
        let client = self.clone();
        let fetch = move || Dynamic::call(&client, info.operation, args.clone());
        let done: Vec<String> = info.done.iter().map(|s| (*s).to_owned()).collect();
        let judge = move |answer: Value| {
            let state = waits::state_of(&answer, info.state);
            by_state(answer, state, &done, info.failed, info.id)
        };
        paced(Wait::new(what, options, look(fetch, judge)), pace)
    }
}

impl Dynamic for memset::Client {
    type Kind = memset::ErrorKind;

    fn call(&self, operation: &str, args: Value) -> CallFuture<Value, Self::Kind> {
        memset::Client::call(self, operation, args)
    }

    fn wait_for(&self, target: &Target, pace: Pace) -> Option<CallResult> {
        let Target::Job(id) = target else { return None };
        Some(paced(self.wait_for_job(id.as_str()), pace))
    }
}

impl Dynamic for oneandone::Client {
    type Kind = oneandone::ErrorKind;

    fn call(&self, operation: &str, args: Value) -> CallFuture<Value, Self::Kind> {
        oneandone::Client::call(self, operation, args)
    }
}

impl Dynamic for profitbricks::Client {
    type Kind = profitbricks::ErrorKind;

    fn call(&self, operation: &str, args: Value) -> CallFuture<Value, Self::Kind> {
        profitbricks::Client::call(self, operation, args)
    }

    fn wait_for(&self, target: &Target, pace: Pace) -> Option<CallResult> {
        let Target::Request(id) = target else { return None };
        Some(paced(profitbricks::Client::wait_for(self, id.as_str()), pace))
    }
}

/// The token or key of a token login; the shells ask for the kind their provider takes.
fn token(login: &Login) -> Result<String, String> {
    match login {
        Login::Token(token) => Ok(token.clone()),
        Login::Basic { .. } => {
            Err("this provider takes a token, not a user name and password".into())
        }
    }
}

fn memset_client(login: &Login, url: Option<&str>) -> Result<Box<dyn Backend>, String> {
    let mut builder = memset::Client::builder(memset::Credentials::api_key(token(login)?));
    if let Some(url) = url {
        builder = builder.base_url(url);
    }
    builder.build().map(|c| Box::new(c) as Box<dyn Backend>).map_err(|e| e.to_string())
}

fn oneandone_client(login: &Login, url: Option<&str>) -> Result<Box<dyn Backend>, String> {
    let mut builder = oneandone::Client::builder(oneandone::Credentials::token(token(login)?));
    if let Some(url) = url {
        builder = builder.base_url(url);
    }
    builder.build().map(|c| Box::new(c) as Box<dyn Backend>).map_err(|e| e.to_string())
}

fn profitbricks_client(login: &Login, url: Option<&str>) -> Result<Box<dyn Backend>, String> {
    let Login::Basic { user, password } = login else {
        return Err("this provider takes a user name and password, not a token".into());
    };
    let credentials = profitbricks::Credentials::basic(user.clone(), password.clone());
    let mut builder = profitbricks::Client::builder(credentials);
    if let Some(url) = url {
        builder = builder.base_url(url);
    }
    builder.build().map(|c| Box::new(c) as Box<dyn Backend>).map_err(|e| e.to_string())
}

/// `ma-shell`: Memset, with `-k/--api-key` or `MEMSET_API_KEY`, `-u/--url` as in Memset's
/// own ma-shell.
pub static MEMSET: Provider = Provider {
    program: "ma-shell",
    title: "Memset API interactive shell",
    catalog: &memset::CATALOG,
    auth: Auth::Token { short: 'k', long: "api-key", env: "MEMSET_API_KEY", what: "API KEY" },
    url_short: 'u',
    default_url: "https://api.memset.com/v1",
    connect: memset_client,
    #[cfg(feature = "sim")]
    simulator: Some(&crate::simulators::MEMSET),
    #[cfg(not(feature = "sim"))]
    simulator: None,
};

/// `oneandone-shell`: 1&1 Cloud Server, with `-t/--token` or `ONEANDONE_TOKEN`.
pub static ONEANDONE: Provider = Provider {
    program: "oneandone-shell",
    title: "1&1 Cloud Server API interactive shell",
    catalog: &oneandone::CATALOG,
    auth: Auth::Token { short: 't', long: "token", env: "ONEANDONE_TOKEN", what: "API token" },
    url_short: 'u',
    default_url: "https://cloudpanel-api.1and1.com/v1",
    connect: oneandone_client,
    #[cfg(feature = "sim")]
    simulator: Some(&crate::simulators::ONEANDONE),
    #[cfg(not(feature = "sim"))]
    simulator: None,
};

/// `pb-shell`: ProfitBricks, with `-u/--username` + `-p/--password` or
/// `PROFITBRICKS_USERNAME` + `PROFITBRICKS_PASSWORD`; `-U/--url` since `-u` is the user.
pub static PROFITBRICKS: Provider = Provider {
    program: "pb-shell",
    title: "ProfitBricks API interactive shell",
    catalog: &profitbricks::CATALOG,
    auth: Auth::UserPassword {
        user_env: "PROFITBRICKS_USERNAME",
        password_env: "PROFITBRICKS_PASSWORD",
    },
    url_short: 'U',
    default_url: "https://api.profitbricks.com/cloudapi/v3",
    connect: profitbricks_client,
    #[cfg(feature = "sim")]
    simulator: Some(&crate::simulators::PROFITBRICKS),
    #[cfg(not(feature = "sim"))]
    simulator: None,
};
