//! Sample values of a catalog's types, for the answers a simulator keeps no state for: every
//! member of a model filled in with a value of its type (the first allowed value, the smallest
//! allowed number, one item in a list, one entry in a map), so the answer decodes with the
//! client crate's typed models.

use cloud_sdks_runtime::catalog::{Catalog, Limits, Type};
use serde_json::{Map, Value};

use crate::util::now;

/// How deep models are filled in whole; below, optional members are left out and lists and
/// maps are empty.
const DEPTH: u32 = 4;
/// Below this, a model is an empty object: where a cycle of required members stops.
const MAX_DEPTH: u32 = 16;

/// A type: the catalog's [`Type`], or spec type text (an operation's `returns`).
enum Shape<'a> {
    Text,
    Integer,
    Number,
    Boolean,
    Json,
    Date,
    List(Box<Shape<'a>>),
    Map(Box<Shape<'a>>),
    /// A model by name; a name that is no model of the catalog (an enum) is text.
    Named(&'a str),
    Enum(&'a [&'a str]),
}

impl Shape<'static> {
    fn of(ty: &Type) -> Self {
        match ty {
            Type::String => Shape::Text,
            Type::Integer => Shape::Integer,
            Type::Number => Shape::Number,
            Type::Boolean => Shape::Boolean,
            Type::Json => Shape::Json,
            Type::Date => Shape::Date,
            Type::List(item) => Shape::List(Box::new(Shape::of(item))),
            Type::Map(item) => Shape::Map(Box::new(Shape::of(item))),
            Type::Model(name) => Shape::Named(name),
            Type::Enum(_, values) => Shape::Enum(values),
        }
    }
}

impl<'a> Shape<'a> {
    /// Reads spec type text: `list<map<Service>>`, `string`, `Job`.
    fn parse(text: &'a str) -> Self {
        let text = text.trim();
        let inner = |prefix: &str| text.strip_prefix(prefix).and_then(|t| t.strip_suffix('>'));
        if let Some(item) = inner("list<") {
            return Shape::List(Box::new(Shape::parse(item)));
        }
        if let Some(item) = inner("map<") {
            return Shape::Map(Box::new(Shape::parse(item)));
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
}

/// Makes the value of a model by its name, or leaves it to the catalog (`None`).
pub(crate) type Make<'a> = dyn FnMut(&str) -> Option<Value> + 'a;

/// Builds samples of one catalog's types, with the few choices a provider makes.
pub(crate) struct Samples<'a> {
    catalog: &'a Catalog,
    id: fn() -> String,
    given: Option<&'a Map<String, Value>>,
    leave_out: &'a [&'a str],
    made: Option<&'a mut Make<'a>>,
}

impl<'a> Samples<'a> {
    /// Samples of `catalog`'s types; `id` makes the text of `id` and `*_id` members, as the
    /// provider writes ids.
    pub fn new(catalog: &'a Catalog, id: fn() -> String) -> Self {
        Samples { catalog, id, given: None, leave_out: &[], made: None }
    }

    /// A call's arguments: one with a member's name and a fitting type stands in for it.
    #[cfg_attr(not(feature = "memset"), allow(dead_code))]
    pub fn given(mut self, args: &'a Map<String, Value>) -> Self {
        self.given = Some(args);
        self
    }

    /// Optional members to leave out wherever they are.
    #[cfg_attr(not(feature = "memset"), allow(dead_code))]
    pub fn leave_out(mut self, members: &'a [&'a str]) -> Self {
        self.leave_out = members;
        self
    }

    /// Makes the value of the models it knows itself (a Memset `Job` is a real job).
    #[cfg_attr(not(feature = "memset"), allow(dead_code))]
    pub fn made_by(mut self, make: &'a mut Make<'a>) -> Self {
        self.made = Some(make);
        self
    }

    /// A sample of the spec type `ty` (`"list<Server>"`, `"map<list<UsageResource>>"`,
    /// `"json"`, a model's name).
    pub fn of(&mut self, ty: &str) -> Value {
        self.value(&Shape::parse(ty), &Limits::NONE, None, 0)
    }

    fn value(
        &mut self,
        shape: &Shape<'_>,
        limits: &Limits,
        member: Option<&str>,
        depth: u32,
    ) -> Value {
        if let Some(given) = member.and_then(|m| self.given?.get(m)) {
            let fits = match shape {
                Shape::Text | Shape::Date | Shape::Enum(_) => given.is_string(),
                Shape::Integer => given.is_i64() || given.is_u64(),
                Shape::Number => given.is_number(),
                Shape::Boolean => given.is_boolean(),
                _ => false,
            };
            if fits {
                return given.clone();
            }
        }
        match shape {
            Shape::Text => match (limits.values.first(), member) {
                (Some(value), _) => Value::from(*value),
                (None, Some(m)) if m == "id" || m.ends_with("_id") => Value::from((self.id)()),
                (None, Some(m)) if m.to_ascii_lowercase().ends_with("date") => Value::from(now()),
                (None, _) => Value::from("sim"),
            },
            Shape::Integer => Value::from(
                limits.int_values.first().copied().or(limits.min.map(|m| m as i64)).unwrap_or(0),
            ),
            Shape::Number => Value::from(limits.min.unwrap_or(0.0)),
            Shape::Boolean => Value::Bool(false),
            Shape::Json => Value::Object(Map::new()),
            // today, as a date without a time
            Shape::Date => Value::from(&now()[..10]),
            Shape::Enum(values) => {
                let allowed = if limits.values.is_empty() { *values } else { limits.values };
                allowed.first().map_or(Value::Null, |v| Value::from(*v))
            }
            Shape::List(item) => match depth < DEPTH {
                true => Value::Array(vec![self.value(item, &Limits::NONE, None, depth + 1)]),
                false => Value::Array(Vec::new()),
            },
            Shape::Map(item) => {
                let mut map = Map::new();
                if depth < DEPTH {
                    map.insert(
                        "SAMPLE".to_owned(),
                        self.value(item, &Limits::NONE, None, depth + 1),
                    );
                }
                Value::Object(map)
            }
            Shape::Named(name) => self.model(name, depth),
        }
    }

    fn model(&mut self, name: &str, depth: u32) -> Value {
        if let Some(made) = self.made.as_mut().and_then(|make| make(name)) {
            return made;
        }
        let Some(model) = self.catalog.model(name) else {
            // an enum the catalog lists nowhere: its values are text
            return Value::from("");
        };
        let mut object = Map::new();
        if depth > MAX_DEPTH {
            return Value::Object(object);
        }
        for field in model.fields {
            let optional_here = depth >= DEPTH || self.leave_out.contains(&field.wire);
            if optional_here && !field.required {
                continue;
            }
            let value =
                self.value(&Shape::of(&field.ty), &field.limits, Some(field.wire), depth + 1);
            insert_at(&mut object, field.wire, value);
        }
        Value::Object(object)
    }
}

/// Puts `value` at the dotted wire path `wire` (`properties.name`) of `object`.
fn insert_at(object: &mut Map<String, Value>, wire: &str, value: Value) {
    match wire.split_once('.') {
        None => {
            object.insert(wire.to_owned(), value);
        }
        Some((first, rest)) => {
            let inner = object.entry(first.to_owned()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = inner {
                insert_at(inner, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper() -> String {
        crate::util::hex32().to_uppercase()
    }

    #[test]
    fn spec_type_text() {
        assert!(matches!(
            Shape::parse("list<map<Service>>"),
            Shape::List(item) if matches!(*item, Shape::Map(_))
        ));
        assert!(matches!(Shape::parse(" string "), Shape::Text));
        assert!(matches!(Shape::parse("Job"), Shape::Named("Job")));
    }

    #[cfg(feature = "oneandone")]
    #[test]
    fn samples_follow_the_models() {
        let mut samples = Samples::new(&::oneandone::CATALOG, upper);
        let usage = samples.of("MonitoringUsage");
        assert!(usage["id"].as_str().is_some_and(|id| id.len() == 32 && id == id.to_uppercase()));
        assert!(usage["cpu"]["data"].is_array());
        let usages = samples.of("map<list<UsageResource>>");
        assert!(usages["SAMPLE"][0]["services"].is_array());
        assert_eq!(samples.of("list<string>"), serde_json::json!(["sim"]));
        assert_eq!(samples.of("json"), serde_json::json!({}));
    }

    #[cfg(feature = "profitbricks")]
    #[test]
    fn dotted_members_nest_and_dates_are_dates() {
        let mut samples = Samples::new(&::profitbricks::CATALOG, crate::util::uuid);
        let new = samples.of("NewDatacenter");
        assert_eq!(new["properties"]["name"], "sim", "nested: {new}");
        assert!(
            new["properties"]["location"].as_str().is_some_and(|l| l.contains('/')),
            "an allowed value: {new}"
        );
        let datacenter = samples.of("Datacenter");
        assert_eq!(datacenter["type"], "collection", "the enum's first value");
        let created = datacenter["metadata"]["createdDate"].as_str().unwrap_or_default();
        assert!(cloud_sdks_runtime::date::Date::parse(created).is_some(), "{created}");
    }

    #[cfg(feature = "memset")]
    #[test]
    fn arguments_stand_in_and_models_can_be_made_elsewhere() {
        let args: Map<String, Value> =
            serde_json::from_value(serde_json::json!({"name": "given", "nickname": 3}))
                .expect("an object");
        let mut job = |name: &str| (name == "Job").then(|| Value::from("a job"));
        let mut samples = Samples::new(&::memset::CATALOG, crate::util::hex32)
            .given(&args)
            .leave_out(&["nickname"])
            .made_by(&mut job);
        let service = samples.of("Service");
        assert_eq!(service["name"], "given");
        assert!(service.get("nickname").is_none(), "left out: {service}");
        assert!(service["status"].is_string(), "{service}");
        assert_eq!(samples.of("list<Job>"), serde_json::json!(["a job"]));
    }
}
