//! Checking a request against its operation in the catalog, as the real API would: required
//! members and parameters, types, and the documented limits.

use cloud_sdks_runtime::catalog::{Catalog, Limits, Location, OperationInfo, Type};
use serde_json::Value;

use crate::util::in_class;

/// Why a request was refused: where, and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    /// The member or parameter, as `(root).properties.name` or `depth`.
    pub at: String,
    /// Missing (`true`) or wrongly typed, or outside the documented limits (`false`).
    pub missing: bool,
    /// The text.
    pub message: String,
}

/// The decoded parts of a request that carry parameters.
pub(crate) struct Arguments<'a> {
    pub query: &'a [(String, String)],
    pub form: &'a [(String, String)],
    /// The JSON body, `Null` when there is none.
    pub json: &'a Value,
}

/// Everything wrong with `args` for `op`, in parameter order.
pub(crate) fn check(catalog: &Catalog, op: &OperationInfo, args: &Arguments<'_>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let empty = Value::Object(Default::default());
    let json = if args.json.is_null() { &empty } else { args.json };
    for param in op.params {
        match param.location {
            Location::Path => {}
            Location::Query | Location::Form => {
                let pairs = if param.location == Location::Query { args.query } else { args.form };
                match pairs.iter().find(|(k, _)| k == param.wire) {
                    None if param.required && param.default.is_none() => {
                        problems.push(required(param.wire))
                    }
                    None => {}
                    Some((_, text)) => {
                        let value = text_value(&param.ty, text);
                        check_value(
                            catalog,
                            &param.ty,
                            &param.limits,
                            &value,
                            param.wire,
                            &mut problems,
                        );
                    }
                }
            }
            Location::Body | Location::Named => {
                if param.flatten {
                    if let Type::Model(name) = param.ty {
                        check_model(catalog, name, json, "(root)", &mut problems);
                    }
                    continue;
                }
                let at = format!("(root).{}", param.wire);
                match lookup(json, param.wire) {
                    None | Some(Value::Null) if param.required => problems.push(required(&at)),
                    None | Some(Value::Null) => {}
                    Some(value) => {
                        check_value(catalog, &param.ty, &param.limits, value, &at, &mut problems)
                    }
                }
            }
        }
    }
    problems
}

/// The member at the dotted `path` of `value`.
pub(crate) fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// A query or form value as the JSON value it stands for, so one checker serves both.
fn text_value(ty: &Type, text: &str) -> Value {
    match ty {
        Type::Integer => text.parse::<i64>().map_or_else(|_| Value::from(text), Value::from),
        Type::Number => text.parse::<f64>().map_or_else(|_| Value::from(text), Value::from),
        Type::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::from(text),
        },
        _ => Value::from(text),
    }
}

fn required(at: &str) -> Problem {
    Problem { at: at.to_owned(), missing: true, message: format!("[{at}] Attribute is required") }
}

fn wrong(at: &str, message: String) -> Problem {
    Problem { at: at.to_owned(), missing: false, message: format!("[{at}] {message}") }
}

fn check_model(
    catalog: &Catalog,
    name: &str,
    value: &Value,
    at: &str,
    problems: &mut Vec<Problem>,
) {
    let Some(model) = catalog.model(name) else { return };
    if !value.is_object() {
        problems.push(wrong(at, format!("Attribute has wrong type: expected an object ({name})")));
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    for field in model.fields {
        if seen.contains(&field.wire) {
            continue;
        }
        seen.push(field.wire);
        let member_at = format!("{at}.{}", field.wire);
        // Several fields may share a wire member (a list of new volumes or of volumes to
        // attach): the value is fine if it fits any of them.
        let alternatives: Vec<_> = model.fields.iter().filter(|f| f.wire == field.wire).collect();
        let mut first: Option<Vec<Problem>> = None;
        let mut fits = false;
        for alt in &alternatives {
            let mut found = Vec::new();
            match lookup(value, alt.wire) {
                None | Some(Value::Null) if alt.required => found.push(required(&member_at)),
                None | Some(Value::Null) => {}
                Some(v) => check_value(catalog, &alt.ty, &alt.limits, v, &member_at, &mut found),
            }
            if found.is_empty() {
                fits = true;
                break;
            }
            first.get_or_insert(found);
        }
        if !fits {
            problems.extend(first.unwrap_or_default());
        }
    }
}

fn type_name(ty: &Type) -> String {
    ty.to_string()
}

fn check_value(
    catalog: &Catalog,
    ty: &Type,
    limits: &Limits,
    value: &Value,
    at: &str,
    problems: &mut Vec<Problem>,
) {
    let expected = || wrong(at, format!("Attribute has wrong type: expected {}", type_name(ty)));
    match ty {
        Type::String | Type::Date => {
            let Some(text) = value.as_str() else { return problems.push(expected()) };
            check_text(limits, text, at, problems);
        }
        Type::Enum(_, values) => {
            let Some(text) = value.as_str() else { return problems.push(expected()) };
            let allowed: &[&str] = if limits.values.is_empty() { values } else { limits.values };
            if !allowed.contains(&text) {
                problems.push(not_allowed(at, text, allowed));
            }
        }
        Type::Integer | Type::Number => {
            // Numbers sent as strings are taken, as the API takes the Python SDK's `"size": "4"`.
            let from_text = |s: &str| match ty {
                Type::Integer => s.trim().parse::<i64>().ok().map(|i| i as f64),
                _ => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            };
            let number = value.as_f64().or_else(|| value.as_str().and_then(from_text));
            let Some(number) = number else { return problems.push(expected()) };
            if *ty == Type::Integer
                && (number.fract() != 0.0 || number.abs() > 9_007_199_254_740_992.0)
            {
                return problems.push(expected());
            }
            check_number(limits, number, at, problems);
        }
        Type::Boolean => {
            if !value.is_boolean() {
                problems.push(expected());
            }
        }
        Type::Json => {}
        Type::List(item) => {
            let Some(items) = value.as_array() else { return problems.push(expected()) };
            if limits.min_items.is_some_and(|min| items.len() < min) {
                problems.push(wrong(
                    at,
                    format!("Attribute must have at least {} items", limits.min_items.unwrap_or(0)),
                ));
            }
            if limits.max_items.is_some_and(|max| items.len() > max) {
                problems.push(wrong(
                    at,
                    format!("Attribute must have at most {} items", limits.max_items.unwrap_or(0)),
                ));
            }
            if let Some(member) = limits.exactly_one {
                let flagged = items.iter().filter(|item| item[member] == Value::Bool(true));
                if flagged.count() != 1 {
                    problems.push(wrong(
                        at,
                        format!("Attribute must have exactly one item with {member} true"),
                    ));
                }
            }
            for (i, v) in items.iter().enumerate() {
                check_value(catalog, item, &Limits::NONE, v, &format!("{at}[{i}]"), problems);
            }
        }
        Type::Map(item) => {
            let Some(members) = value.as_object() else { return problems.push(expected()) };
            for (k, v) in members {
                check_value(catalog, item, &Limits::NONE, v, &format!("{at}.{k}"), problems);
            }
        }
        Type::Model(name) => check_model(catalog, name, value, at, problems),
    }
}

fn not_allowed(at: &str, text: &str, allowed: &[&str]) -> Problem {
    wrong(
        at,
        format!("Attribute value '{text}' not allowed. Expected one of [{}]", allowed.join(", ")),
    )
}

fn check_text(limits: &Limits, text: &str, at: &str, problems: &mut Vec<Problem>) {
    let length = text.chars().count();
    if let Some(min) = limits.min_length.filter(|min| length < *min) {
        problems.push(wrong(at, format!("Attribute must be at least {min} characters long")));
    }
    if let Some(max) = limits.max_length.filter(|max| length > *max) {
        problems.push(wrong(at, format!("Attribute must be at most {max} characters long")));
    }
    if let Some(class) = limits.chars {
        if let Some(c) = text.chars().find(|c| !in_class(class, *c)) {
            problems
                .push(wrong(at, format!("Attribute contains '{c}', only [{class}] is allowed")));
        }
    }
    if let Some(class) = limits.forbidden_chars {
        if let Some(c) = text.chars().find(|c| in_class(class, *c)) {
            problems.push(wrong(at, format!("Attribute must not contain '{c}'")));
        }
    }
    if !limits.allows(text) {
        problems.push(not_allowed(at, text, limits.values));
    }
}

fn check_number(limits: &Limits, number: f64, at: &str, problems: &mut Vec<Problem>) {
    if let Some(min) = limits.min.filter(|min| number < *min) {
        problems.push(wrong(at, format!("Attribute value {number} must be at least {min}")));
    }
    if let Some(max) = limits.max.filter(|max| number > *max) {
        problems.push(wrong(at, format!("Attribute value {number} must be at most {max}")));
    }
    if let Some(step) = limits.multiple_of.filter(|step| *step != 0) {
        if number.fract() != 0.0 || (number as i64) % step != 0 {
            problems
                .push(wrong(at, format!("Attribute value {number} must be a multiple of {step}")));
        }
    }
    if !limits.int_values.is_empty() && !limits.int_values.iter().any(|v| *v as f64 == number) {
        let allowed: Vec<String> = limits.int_values.iter().map(i64::to_string).collect();
        problems.push(wrong(
            at,
            format!(
                "Attribute value {number} not allowed. Expected one of [{}]",
                allowed.join(", ")
            ),
        ));
    }
}
