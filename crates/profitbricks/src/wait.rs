//! Waiting for provisioning: every create, update, delete and action of the Cloud API is
//! carried out in the background and answers with the id of a request; [`Client::wait_for`]
//! polls that request's status until it is `DONE`, and turns `FAILED` into an error that
//! carries the API's message.

use std::time::Duration;

use cloud_sdks_runtime::wait::{look, Progress, Wait, WaitOptions};
use cloud_sdks_runtime::{Accepted, InvalidArgument};

use crate::models::{RequestState, RequestStatus};
use crate::{Client, ErrorKind};

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
    /// `FAILED` (an [`Error::Wait`](crate::Error::Wait) with the API's message), or
    /// [`DEFAULT_TIMEOUT`] has passed. Change the pace with the setters of the returned
    /// [`Wait`], then `.await` it.
    ///
    /// `request` is a request id, or the [`Accepted`] answer of a create, update, delete or
    /// action (`pb.wait_for(&created)`). An answer that carried no request id makes the wait
    /// fail at once with an invalid-argument error.
    pub fn wait_for(&self, request: impl RequestId) -> Wait<RequestStatus, ErrorKind> {
        let options = WaitOptions::new(DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
        let Some(id) = request.into_request_id() else {
            let rule = "the call handed back no request id (its answer had no Location header), so there is nothing to wait for";
            return Wait::invalid(InvalidArgument::new("wait_for", "request", rule), options);
        };
        let what = format!("request {id}");
        let client = self.clone();
        Wait::new(what, options, look(move || client.get_request_status(id.clone()).send(), judge))
    }
}

/// What one look at the request's status found.
fn judge(status: RequestStatus) -> Progress<RequestStatus> {
    let metadata = status.metadata.as_ref();
    match metadata.and_then(|m| m.status.clone()) {
        Some(RequestState::Done) => Progress::Done(status),
        Some(RequestState::Failed) => {
            let message = metadata
                .and_then(|m| m.message.clone())
                .unwrap_or_else(|| "the API gave no reason".to_owned());
            Progress::Failed { state: "FAILED".to_owned(), message }
        }
        Some(other) => Progress::Pending { state: other.as_str().to_owned() },
        None => Progress::Pending { state: "without a status".to_owned() },
    }
}
