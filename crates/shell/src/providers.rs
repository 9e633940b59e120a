//! The three providers: their catalogs, credentials and clients.

use std::fmt::Debug;

use cloud_sdks_runtime::{CallFuture, Error};
use serde_json::Value;

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

fn boxed<K: Debug + 'static>(call: CallFuture<Value, K>) -> CallResult {
    Box::pin(async move { call.await.map_err(failure) })
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

impl Backend for memset::Client {
    fn call(&self, operation: &str, args: Value) -> CallResult {
        boxed(memset::Client::call(self, operation, args))
    }
}

impl Backend for oneandone::Client {
    fn call(&self, operation: &str, args: Value) -> CallResult {
        boxed(oneandone::Client::call(self, operation, args))
    }
}

impl Backend for profitbricks::Client {
    fn call(&self, operation: &str, args: Value) -> CallResult {
        boxed(profitbricks::Client::call(self, operation, args))
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
};
