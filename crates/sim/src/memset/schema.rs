//! Answers built from the spec's models for the methods the simulator does not keep state for:
//! every member of the returned model filled with a value of its type (an argument of the same
//! name when the call gave one, the first allowed value of an enum, one item in a list), so the
//! answer decodes with the crate's typed models. A `Job` inside an answer is a real job of the
//! simulator, which `job.status` then moves on.

use cloud_sdks_runtime::catalog::{Limits, Type};
use serde_json::{Map, Value};

use super::jobs;
use super::Call;

/// The type of a value, from the catalog's [`Type`] or from an operation's `returns` text.
enum Shape<'a> {
    Text,
    Integer,
    Number,
    Boolean,
    Json,
    Date,
    List(Box<Shape<'a>>),
    /// A map; answered empty.
    Map,
    /// A model or enum by name; an enum not in the catalog's models is answered as text.
    Named(&'a str),
    Enum(&'a [&'a str]),
}

fn from_type(ty: &Type) -> Shape<'static> {
    match ty {
        Type::String => Shape::Text,
        Type::Integer => Shape::Integer,
        Type::Number => Shape::Number,
        Type::Boolean => Shape::Boolean,
        Type::Json => Shape::Json,
        Type::Date => Shape::Date,
        Type::List(item) => Shape::List(Box::new(from_type(item))),
        Type::Map(_) => Shape::Map,
        Type::Model(name) => Shape::Named(name),
        Type::Enum(_, values) => Shape::Enum(values),
    }
}

/// Parses spec type syntax: `list<map<Service>>`, `string`, `Job`.
fn parse(text: &str) -> Shape<'_> {
    let text = text.trim();
    let inner = |prefix: &str| text.strip_prefix(prefix).and_then(|t| t.strip_suffix('>'));
    if let Some(item) = inner("list<") {
        return Shape::List(Box::new(parse(item)));
    }
    if inner("map<").is_some() {
        return Shape::Map;
    }
    match text {
        "string" => Shape::Text,
        "integer" => Shape::Integer,
        "number" => Shape::Number,
        "boolean" => Shape::Boolean,
        "json" => Shape::Json,
        "date" => Shape::Date,
        name => Shape::Named(name),
    }
}

/// The schema-valid answer of `op` to `args`.
pub(crate) fn answer(ctx: &mut Call<'_>) -> Value {
    let Some(returns) = ctx.op.returns else { return Value::Object(Map::new()) };
    let shape = parse(returns);
    // A bare string answer (a deleted id or name) is the argument it names, when there is one.
    if let Shape::Text = shape {
        let first = ctx
            .op
            .params
            .iter()
            .filter(|p| p.required)
            .find_map(|p| ctx.args.get(p.wire).and_then(Value::as_str));
        return Value::from(first.unwrap_or_default());
    }
    sample(ctx, &shape, &Limits::NONE, None, 0)
}

fn sample(
    ctx: &mut Call<'_>,
    shape: &Shape<'_>,
    limits: &Limits,
    member: Option<&str>,
    depth: u32,
) -> Value {
    // An argument of the same name and a fitting type stands in for the member.
    if let Some(given) = member.and_then(|m| ctx.args.get(m)) {
        let fits = match shape {
            Shape::Text | Shape::Date | Shape::Enum(_) => given.is_string(),
            Shape::Integer => given.is_i64(),
            Shape::Number => given.is_number(),
            Shape::Boolean => given.is_boolean(),
            _ => false,
        };
        if fits {
            return given.clone();
        }
    }
    match shape {
        Shape::Text => Value::from(limits.values.first().copied().unwrap_or(match member {
            Some("name") | Some("service") => "myserver1",
            _ => "",
        })),
        Shape::Integer => Value::from(
            limits.int_values.first().copied().or(limits.min.map(|m| m as i64)).unwrap_or(0),
        ),
        Shape::Number => Value::from(limits.min.unwrap_or(0.0)),
        Shape::Boolean => Value::Bool(false),
        Shape::Json => Value::Object(Map::new()),
        Shape::Date => Value::from("2012-12-01"),
        Shape::Enum(values) => {
            let allowed = if limits.values.is_empty() { *values } else { limits.values };
            Value::from(allowed.first().copied().unwrap_or_default())
        }
        Shape::List(item) => {
            if depth > 4 {
                return Value::Array(Vec::new());
            }
            Value::Array(vec![sample(ctx, item, &Limits::NONE, None, depth + 1)])
        }
        Shape::Map => Value::Object(Map::new()),
        Shape::Named("Job") => {
            let service = ctx.args.get("name").and_then(Value::as_str).map(str::to_owned);
            jobs::start(ctx.state, ctx.op.name, service, ctx.polls_until_done)
        }
        Shape::Named(name) => {
            let Some(model) = ::memset::CATALOG.model(name) else {
                // an enum the catalog lists nowhere: its values are text
                return Value::from("");
            };
            if depth > 4 {
                return Value::Object(Map::new());
            }
            let dry_run = ctx.args.get("dry_run").and_then(Value::as_bool) == Some(true);
            let mut object = Map::new();
            for field in model.fields {
                // A dry run orders nothing: no invoice, no job (Create Methods).
                if dry_run
                    && !field.required
                    && matches!(field.wire, "job" | "invoice_ref" | "add_to_next_bill")
                {
                    continue;
                }
                let value =
                    sample(ctx, &from_type(&field.ty), &field.limits, Some(field.wire), depth + 1);
                object.insert(field.wire.to_owned(), value);
            }
            Value::Object(object)
        }
    }
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
    fn spec_type_syntax() {
        assert!(
            matches!(parse("list<map<Service>>"), Shape::List(item) if matches!(*item, Shape::Map))
        );
        assert!(matches!(parse("string"), Shape::Text));
        assert!(matches!(parse("Job"), Shape::Named("Job")));
    }

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
