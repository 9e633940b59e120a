//! Answers built from the spec's models for the methods the simulator does not keep state for
//! (`crate::schema`, with an argument of the same name standing in for a member), so the
//! answer decodes with the crate's typed models. A `Job` inside an answer is a real job of the
//! simulator, which `job.status` then moves on.

use serde_json::{Map, Value};

use super::jobs;
use super::Call;
use crate::schema::Samples;
use crate::util::hex32;

/// The schema-valid answer of `op` to `args`.
pub(crate) fn answer(ctx: &mut Call<'_>) -> Value {
    let Some(returns) = ctx.op.returns else { return Value::Object(Map::new()) };
    // A bare string answer (a deleted id or name) is the argument it names, when there is one.
    if returns.trim() == "string" {
        let first = ctx
            .op
            .params
            .iter()
            .filter(|p| p.required)
            .find_map(|p| ctx.args.get(p.wire).and_then(Value::as_str));
        return Value::from(first.unwrap_or_default());
    }
    // A dry run orders nothing: no invoice, no job (Create Methods).
    let dry_run = ctx.args.get("dry_run").and_then(Value::as_bool) == Some(true);
    let leave_out: &[&str] = match dry_run {
        true => &["job", "invoice_ref", "add_to_next_bill"],
        false => &[],
    };
    // The documentation's examples name the service `myserver1`.
    let mut given = ctx.args.clone();
    for member in ["name", "service"] {
        given.entry(member).or_insert_with(|| Value::from("myserver1"));
    }
    let service = ctx.args.get("name").and_then(Value::as_str).map(str::to_owned);
    let (state, method, polls) = (&mut *ctx.state, ctx.op.name, ctx.polls_until_done);
    let mut job =
        |model: &str| (model == "Job").then(|| jobs::start(state, method, service.clone(), polls));
    Samples::new(&::memset::CATALOG, hex32)
        .given(&given)
        .leave_out(leave_out)
        .made_by(&mut job)
        .of(returns)
}

/// The members of `value` that the model `model` has (all of them when there is no such model).
pub(crate) fn project(value: &Value, model: &str) -> Value {
    let (Some(info), Some(object)) = (::memset::CATALOG.model(model), value.as_object()) else {
        return value.clone();
    };
    let kept: Map<String, Value> = object
        .iter()
        .filter(|(k, _)| info.fields.iter().any(|f| f.wire == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_model_is_an_object_of_its_members() {
        let mut state = super::super::state::State::default();
        for op in ::memset::CATALOG.operations.iter().copied() {
            let args = Map::new();
            let mut call = Call { op, args: &args, state: &mut state, polls_until_done: 1 };
            let value = answer(&mut call);
            // a Job is a real job of the simulator, `service` only when it has one
            let returns = op.returns.filter(|r| *r != "Job");
            if let Some(model) = returns.and_then(|r| ::memset::CATALOG.model(r)) {
                let object = value.as_object().expect("an object");
                for field in model.fields {
                    assert!(object.contains_key(field.wire), "{}: {}", op.name, field.wire);
                }
            }
        }
    }

    #[test]
    fn projection_keeps_the_model_members() {
        let value = serde_json::json!({"name": "a", "host_name": "h", "nickname": "n"});
        assert_eq!(project(&value, "Service"), serde_json::json!({"name": "a", "nickname": "n"}));
    }
}
