//! Waiting for provisioning: every create, update, delete and action of the Cloud API is
//! carried out in the background and answers with the id of a request; [`Client::wait_for`]
//! polls that request's status until it is `DONE`, and turns `FAILED` into an error that
//! carries the API's message.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use sdk_runtime::wait::{self, Progress, ProgressHook, WaitOptions};
use sdk_runtime::{Accepted, InvalidArgument};

use crate::models::{RequestState, RequestStatus};
use crate::{Client, Error};

/// The pause between two looks at a request's status, unless set otherwise (the official
/// SDK 4.x starts at 5 s too).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// How long to wait in all, unless set otherwise (the official SDK 4.x default: one hour).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3600);

/// What [`Client::wait_for`] accepts: a request id, or an accepted call that may carry one.
pub trait RequestId {
    /// The request id, if there is one.
    fn into_request_id(self) -> Option<String>;
}

impl RequestId for &str {
    fn into_request_id(self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl RequestId for String {
    fn into_request_id(self) -> Option<String> {
        Some(self)
    }
}

impl RequestId for Option<&str> {
    fn into_request_id(self) -> Option<String> {
        self.map(str::to_owned)
    }
}

impl<T> RequestId for &Accepted<T> {
    fn into_request_id(self) -> Option<String> {
        self.request_id().map(str::to_owned)
    }
}

impl Client {
    /// Waits until the provisioning request `request` is done: polls `get_request_status`
    /// every [`DEFAULT_INTERVAL`] until its status is `DONE` (and returns that status), or
    /// `FAILED` (an [`Error::Wait`](sdk_runtime::Error::Wait) with the API's message), or
    /// [`DEFAULT_TIMEOUT`] has passed. Change the pace with the setters of the returned
    /// [`WaitForRequest`], then `.await` it.
    ///
    /// `request` is a request id, or the [`Accepted`] answer of a create, update, delete or
    /// action (`pb.wait_for(&created)`).
    pub fn wait_for(&self, request: impl RequestId) -> WaitForRequest<'_> {
        WaitForRequest {
            client: self,
            request_id: request.into_request_id(),
            options: WaitOptions::new(DEFAULT_INTERVAL, DEFAULT_TIMEOUT),
            on_progress: None,
        }
    }
}

/// A wait started by [`Client::wait_for`]: set the pace, then `.await` it.
#[must_use = "waiting does nothing until it is awaited or sent"]
pub struct WaitForRequest<'a> {
    client: &'a Client,
    request_id: Option<String>,
    options: WaitOptions,
    on_progress: Option<ProgressHook<'a>>,
}

impl std::fmt::Debug for WaitForRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitForRequest").field("request_id", &self.request_id).field("options", &self.options).finish_non_exhaustive()
    }
}

impl<'a> WaitForRequest<'a> {
    /// The pause between two looks at the status.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.options.interval = interval;
        self
    }

    /// How long to wait in all before giving up.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// Calls `hook` after every look that finds the request still pending, with its status
    /// (`QUEUED`, `RUNNING`) and the time waited so far.
    pub fn on_progress(mut self, hook: impl FnMut(&str, Duration) + Send + 'a) -> Self {
        self.on_progress = Some(Box::new(hook));
        self
    }

    /// Polls until the request is done, failed or out of time.
    ///
    /// # Errors
    ///
    /// [`Error::Wait`](sdk_runtime::Error::Wait) when the request failed or the timeout passed;
    /// an invalid-argument error when the accepted call handed back no request id; otherwise
    /// the error of a failed look.
    pub async fn send(self) -> Result<RequestStatus, Error> {
        let Some(request_id) = self.request_id else {
            return Err(InvalidArgument::new("wait_for", "request", "the call handed back no request id (its answer had no Location header), so there is nothing to wait for").into());
        };
        let client = self.client;
        let mut on_progress = self.on_progress;
        let what = format!("request {request_id}");
        wait::until(&what, self.options, || look(client, &request_id), |state, waited| {
            if let Some(hook) = on_progress.as_mut() {
                hook(state, waited);
            }
        })
        .await
    }
}

/// One look at the request's status.
async fn look(client: &Client, request_id: &str) -> Result<Progress<RequestStatus>, Error> {
    let status = client.get_request_status(request_id).await?;
    let metadata = status.metadata.as_ref();
    let state = metadata.and_then(|m| m.status.clone());
    Ok(match state {
        Some(RequestState::Done) => Progress::Done(status),
        Some(RequestState::Failed) => {
            let message = metadata.and_then(|m| m.message.clone()).unwrap_or_else(|| "the API gave no reason".to_owned());
            Progress::Failed { state: "FAILED".to_owned(), message }
        }
        Some(other) => Progress::Pending { state: other.as_str().to_owned() },
        None => Progress::Pending { state: "without a status".to_owned() },
    })
}

impl<'a> IntoFuture for WaitForRequest<'a> {
    type Output = Result<RequestStatus, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
