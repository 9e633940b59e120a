//! Waiting for jobs: methods that change something in the background return a [`Job`];
//! [`Client::wait_for_job`] polls `job.status` until the job has finished, and turns a job that
//! finished with an error into an error.

use std::time::Duration;

use cloud_sdks_runtime::wait::{look, Progress, Wait, WaitOptions};

use crate::models::Job;
use crate::{Client, ErrorKind};

/// The pause between two looks at a job, unless set otherwise (Memset's examples poll every
/// 5 to 10 seconds).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// How long to wait in all, unless set otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What [`Client::wait_for_job`] accepts: a job id, or a job a method returned.
pub trait JobId {
    /// The job's id.
    fn into_job_id(self) -> String;
}

impl JobId for &str {
    fn into_job_id(self) -> String {
        self.to_owned()
    }
}

impl JobId for String {
    fn into_job_id(self) -> String {
        self
    }
}

impl JobId for &Job {
    fn into_job_id(self) -> String {
        self.id.clone()
    }
}

impl Client {
    /// Waits until the job `job` has finished: polls `job.status` every [`DEFAULT_INTERVAL`]
    /// until `finished` is true, and returns the finished job; a job finished with `error` set
    /// is an [`Error::Wait`](crate::Error::Wait). Gives up after [`DEFAULT_TIMEOUT`].
    /// Change the pace with the setters of the returned [`Wait`], then `.await` it.
    pub fn wait_for_job(&self, job: impl JobId) -> Wait<Job, ErrorKind> {
        let id = job.into_job_id();
        let options = WaitOptions::new(DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
        let what = format!("job {id}");
        let client = self.clone();
        Wait::new(what, options, look(move || client.job().status(id.clone()).send(), judge))
    }
}

/// What one look at the job found.
fn judge(job: Job) -> Progress<Job> {
    match (job.finished, job.error) {
        (true, false) => Progress::Done(job),
        (true, true) => {
            let message = format!("the {} job finished with an error", job.r#type);
            Progress::Failed { state: job.status.clone(), message }
        }
        (false, _) => Progress::Pending { state: job.status },
    }
}
