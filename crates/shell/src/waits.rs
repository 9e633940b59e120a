//! `--wait`: what a command's answer lets the shell wait for, decided from the catalog before
//! anything is sent (a command with nothing to wait for is refused, not run).

use std::time::Duration;

use cloud_sdks_runtime::catalog::{AnswerKind, Catalog, Location, OperationInfo, Verb, WaitInfo};
use serde_json::Value;

/// How the answer of one command is waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// A ProfitBricks provisioning request: its id is the answer's `request_id`.
    Request,
    /// A Memset job: its id is the answer's `id`.
    Job,
    /// A resource polled until it is ready; its id is the argument `info.id`, or the answer's
    /// `id` for a create.
    State {
        /// How the resource is looked at.
        info: &'static WaitInfo,
        /// Whether the id comes from the answer (a create) rather than from the arguments.
        from_answer: bool,
    },
}

/// What to wait for, once the command has answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The provisioning request with this id.
    Request(String),
    /// The job with this id.
    Job(String),
    /// The resource with this id, looked at as `info` says.
    State {
        /// How it is looked at.
        info: &'static WaitInfo,
        /// Its id.
        id: String,
    },
}

impl Target {
    /// What is waited for, in messages: `request 0f3c…`, `job ab12…`, `server_id 4E1F…`.
    pub fn describe(&self) -> String {
        match self {
            Target::Request(id) => format!("request {id}"),
            Target::Job(id) => format!("job {id}"),
            Target::State { info, id } => format!("{} {id}", info.id),
        }
    }
}

/// How `--wait` waits for `op`, or why it cannot.
pub fn plan(catalog: &'static Catalog, op: &OperationInfo) -> Result<Plan, String> {
    match op.answer {
        AnswerKind::Accepted => return Ok(Plan::Request),
        AnswerKind::Job => return Ok(Plan::Job),
        AnswerKind::Nothing | AnswerKind::Value => {}
    }
    let takes_id = |info: &WaitInfo| {
        op.params.iter().any(|p| p.name == info.id && p.location == Location::Path)
    };
    if let Some(info) = catalog.waits.iter().find(|info| takes_id(info)) {
        return Ok(Plan::State { info, from_answer: false });
    }
    // a create: POST to the collection whose item the wait looks at
    let creates = |info: &WaitInfo| {
        let item = format!("{}/{{{}}}", op.path, info.id);
        op.method == Verb::Post
            && catalog.operation(info.operation).is_some_and(|look| look.path.starts_with(&item))
    };
    if let Some(info) = catalog.waits.iter().find(|info| creates(info)) {
        return Ok(Plan::State { info, from_answer: true });
    }
    Err(format!(
        "--wait: {} hands back nothing to wait for (no provisioning request, job or resource \
         that becomes ready)",
        op.name
    ))
}

impl Plan {
    /// What to wait for, from the command's arguments and answer.
    pub fn target(self, args: &Value, answer: &Value) -> Result<Target, String> {
        let text = |value: Option<&Value>, what: &str| match value {
            Some(Value::String(id)) if !id.is_empty() => Ok(id.clone()),
            _ => Err(format!("--wait: the answer has no {what} to wait for")),
        };
        match self {
            Plan::Request => text(answer.get("request_id"), "request id").map(Target::Request),
            Plan::Job => text(answer.get("id"), "job id").map(Target::Job),
            Plan::State { info, from_answer } => {
                let id = if from_answer {
                    text(answer.get("id"), "resource id")?
                } else {
                    text(args.get(info.id), info.id)?
                };
                Ok(Target::State { info, id })
            }
        }
    }
}

/// The member at the wire path `state` of `answer`, if it is a string.
pub fn state_of(answer: &Value, state: &[&str]) -> Option<String> {
    state.iter().try_fold(answer, |value, name| value.get(*name))?.as_str().map(str::to_owned)
}

/// The progress line written to stderr while waiting.
pub fn progress_line(target: &str, state: &str, waited: Duration) -> String {
    format!("waiting for {target}: {state} ({:.0} s)", waited.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn plans_come_from_the_catalog() {
        let pb = &profitbricks::CATALOG;
        let create_dc = pb.operation("create_datacenter").expect("op");
        assert_eq!(plan(pb, create_dc), Ok(Plan::Request));
        assert!(plan(pb, pb.operation("list_datacenters").expect("op")).is_err());

        let oa = &oneandone::CATALOG;
        let power = plan(oa, oa.operation("modify_server_status").expect("op")).expect("plan");
        assert!(
            matches!(power, Plan::State { info, from_answer: false } if info.id == "server_id")
        );
        let create = plan(oa, oa.operation("create_server").expect("op")).expect("plan");
        assert!(
            matches!(create, Plan::State { info, from_answer: true } if info.id == "server_id")
        );
        let target = create.target(&json!({}), &json!({"id": "4E1F"})).expect("target");
        assert_eq!(target.describe(), "server_id 4E1F");
        assert!(plan(oa, oa.operation("list_servers").expect("op")).is_err());

        let ms = &memset::CATALOG;
        let job_op = ms.operations.iter().find(|op| op.answer == AnswerKind::Job).expect("a job");
        assert_eq!(plan(ms, job_op), Ok(Plan::Job));
        assert!(plan(ms, ms.operation("service.info").expect("op")).is_err());
    }

    #[test]
    fn targets_need_an_id() {
        assert!(Plan::Request.target(&json!({}), &json!({"request_id": null})).is_err());
        assert_eq!(
            Plan::Job.target(&json!({}), &json!({"id": "ab12"})),
            Ok(Target::Job("ab12".into()))
        );
        assert_eq!(
            state_of(&json!({"status": {"state": "ON"}}), &["status", "state"]),
            Some("ON".into())
        );
        assert_eq!(state_of(&json!({"status": 1}), &["status", "state"]), None);
    }
}
