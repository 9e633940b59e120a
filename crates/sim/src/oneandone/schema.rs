//! Schema-valid answers built from the catalog's models, for what the simulator does not
//! keep in state.

use cloud_sdks_runtime::catalog::{Catalog, Type};
use serde_json::{Map, Value};

use crate::util::now;

/// How deep nested models are filled in; below, optional members are left out.
const DEPTH: u32 = 4;

/// A sample value of the spec type `ty` (`"list<Server>"`, `"map<list<UsageResource>>"`,
/// `"json"`, a model name), lists with one item.
pub(super) fn sample(catalog: &Catalog, ty: &str) -> Value {
    let ty = ty.trim();
    if let Some(item) = ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
        return Value::Array(vec![sample(catalog, item)]);
    }
    if let Some(item) = ty.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
        let mut map = Map::new();
        map.insert("SAMPLE".to_owned(), sample(catalog, item));
        return Value::Object(map);
    }
    match ty {
        "string" | "date" => Value::from(""),
        "integer" => Value::from(0),
        "number" => Value::from(0.0),
        "boolean" => Value::Bool(false),
        "json" => Value::Object(Map::new()),
        model => model_sample(catalog, model, 0),
    }
}

fn model_sample(catalog: &Catalog, name: &str, depth: u32) -> Value {
    let Some(model) = catalog.model(name) else { return Value::Object(Map::new()) };
    let mut object = Map::new();
    for field in model.fields {
        if depth >= DEPTH && !field.required {
            continue;
        }
        let value = typed(catalog, &field.ty, field.wire, depth + 1);
        object.insert(field.wire.to_owned(), value);
    }
    Value::Object(object)
}

fn typed(catalog: &Catalog, ty: &Type, member: &str, depth: u32) -> Value {
    match ty {
        Type::String if member == "id" || member.ends_with("_id") => {
            Value::from(crate::util::hex32().to_uppercase())
        }
        Type::String | Type::Date if member.ends_with("date") => Value::from(now()),
        Type::String | Type::Date => Value::from("sim"),
        Type::Integer => Value::from(0),
        Type::Number => Value::from(0.0),
        Type::Boolean => Value::Bool(false),
        Type::Json => Value::Null,
        Type::Enum(_, values) => values.first().map_or(Value::Null, |v| Value::from(*v)),
        Type::List(_) => Value::Array(Vec::new()),
        Type::Map(_) => Value::Object(Map::new()),
        Type::Model(name) => model_sample(catalog, name, depth),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_follow_the_models() {
        let catalog = &::oneandone::CATALOG;
        let usage = sample(catalog, "MonitoringUsage");
        assert!(usage["id"].as_str().is_some_and(|id| id.len() == 32));
        assert!(usage["cpu"]["data"].is_array());
        let usages = sample(catalog, "map<list<UsageResource>>");
        assert!(usages["SAMPLE"][0]["services"].is_array());
        assert_eq!(sample(catalog, "list<string>"), serde_json::json!([""]));
    }
}
