//! Jobs: the background work that methods returning a job start, and `job.status`, which
//! reports a job finished on its [`Builder::polls_until_done`](super::Builder::polls_until_done)-th
//! look (`NEW` before, `DONE` then).

use serde_json::{Map, Value};

use super::errors::{Failure, Kind, Outcome};
use super::state::{Job, State};
use crate::util::hex32;

/// The job type Memset would give the work `method` does: `dns` for `dns.reload`,
/// `SETUP-NEW-MINISERVER` for the Miniserver create methods, else the method's name in upper
/// case with dashes (`SERVER-REBOOT`).
fn kind_of(method: &str) -> String {
    match method {
        "dns.reload" => "dns".to_owned(),
        "create.monthly_miniserver" | "create.hourly_miniserver" => {
            "SETUP-NEW-MINISERVER".to_owned()
        }
        other => other.to_ascii_uppercase().replace(['.', '_'], "-"),
    }
}

/// Starts a job for `method` on `service`; the job as `job.status` shows it.
pub(crate) fn start(
    state: &mut State,
    method: &str,
    service: Option<String>,
    polls_until_done: u32,
) -> Value {
    let job = Job {
        id: hex32(),
        kind: kind_of(method),
        method: method.to_owned(),
        service,
        looks: 0,
        finished: polls_until_done == 0,
        fails: state.faults.failed_work(method),
    };
    let rendered = job.render();
    state.jobs.push(job);
    rendered
}

/// Starts the job of a method that returns one, refusing with `ApiErrorAlreadyInProgress`
/// while the same method's earlier job on the same service has not finished (a reboot,
/// re-imaging, snapshot or cancellation already pending).
pub(crate) fn start_unique(
    state: &mut State,
    method: &str,
    service: Option<String>,
    polls_until_done: u32,
) -> Outcome {
    if let Some(name) = &service {
        let pending = state
            .jobs
            .iter()
            .any(|j| !j.finished && j.method == method && j.service.as_deref() == Some(name));
        if pending {
            return Err(Failure::new(
                Kind::AlreadyInProgress,
                format!("A {method} job is already in progress for '{name}'"),
            ));
        }
    }
    Ok(start(state, method, service, polls_until_done))
}

/// `job.status`: one more look at the job.
pub(crate) fn status(
    state: &mut State,
    args: &Map<String, Value>,
    polls_until_done: u32,
) -> Outcome {
    let id = args.get("id").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
    let name = args.get("name").and_then(Value::as_str);
    let job = state
        .jobs
        .iter_mut()
        .find(|j| j.id == id && name.is_none_or(|n| j.service.as_deref() == Some(n)));
    let Some(job) = job else {
        return Err(Failure::new(Kind::DoesNotExist, format!("Job '{id}' not found")));
    };
    job.looks = job.looks.saturating_add(1);
    if job.looks >= polls_until_done {
        job.finished = true;
    }
    Ok(job.render())
}
