//! Provisioning life cycles: a changed resource shows a transitional state (`DEPLOYING`,
//! `CONFIGURING`, `POWERING_OFF`, ...) until it settles, on a number of looks or after a time.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::state::{Record, State};

/// When changing resources settle.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clock {
    /// On which look.
    pub polls: u32,
    /// Or after how long.
    pub after: Option<Duration>,
    /// The change being made never settles (an injected failure).
    pub stuck: bool,
}

/// A change in progress.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    /// The state it settles on.
    target: String,
    looks: u32,
    since: Instant,
    /// Never settles.
    stuck: bool,
}

/// Whether the record is a server, whose state is `status.state` (with `status.percent`).
fn is_server(value: &Value) -> bool {
    value.get("status").is_some_and(Value::is_object) && value.get("hardware").is_some()
}

/// The record's state.
pub(super) fn state_of(value: &Value) -> Option<&str> {
    if is_server(value) {
        value.pointer("/status/state").and_then(Value::as_str)
    } else {
        value.get("state").and_then(Value::as_str)
    }
}

fn set_state(value: &mut Value, state: &str, percent: Option<u32>) {
    if is_server(value) {
        value["status"] = json!({"state": state, "percent": percent});
    } else if let Some(object) = value.as_object_mut() {
        object.insert("state".to_owned(), Value::from(state));
    }
}

/// Puts `record` in the transitional `state`, to settle on `target` (or, when `None`, on the
/// state it was heading for or is in).
pub(super) fn begin(record: &mut Record, state: &str, target: Option<&str>) {
    let target = match target {
        Some(target) => target.to_owned(),
        None => match &record.pending {
            Some(pending) => pending.target.clone(),
            None => state_of(&record.value).unwrap_or("ACTIVE").to_owned(),
        },
    };
    let percent = is_server(&record.value).then_some(10);
    set_state(&mut record.value, state, percent);
    record.pending = Some(Pending { target, looks: 0, since: Instant::now(), stuck: false });
}

/// Settles `record` if its change was due, as [`Clock`] says; with `look`, this counts as one
/// more look at it first.
pub(super) fn look(record: &mut Record, clock: &Clock, look: bool) {
    let Some(pending) = record.pending.as_mut() else { return };
    if look {
        pending.looks = pending.looks.saturating_add(1);
    }
    let due = !pending.stuck
        && (pending.looks >= clock.polls.max(1)
            || clock.after.is_some_and(|after| pending.since.elapsed() >= after));
    if due {
        let target = pending.target.clone();
        record.pending = None;
        set_state(&mut record.value, &target, None);
    } else if is_server(&record.value) {
        // Show some progress on every look.
        let percent = record.value.pointer("/status/percent").and_then(Value::as_u64).unwrap_or(0);
        record.value["status"]["percent"] = Value::from((percent + 30).min(90));
    }
}

/// What follows a change to `record`, once its answer is made: with 0 polls it settles at
/// once; a change that fails ([`Clock::stuck`]) never does.
pub(super) fn after_change(record: &mut Record, clock: &Clock) {
    if clock.stuck {
        if let Some(pending) = record.pending.as_mut() {
            pending.stuck = true;
        }
        return;
    }
    if clock.polls == 0 {
        if let Some(pending) = record.pending.take() {
            set_state(&mut record.value, &pending.target, None);
        }
    }
}

/// Settles every change whose time has come ([`Clock::after`]).
pub(super) fn settle_due(state: &mut State, clock: &Clock) {
    if clock.after.is_none() {
        return;
    }
    for record in state.records_mut() {
        look(record, clock, false);
    }
}
