//! Turning the words after a command into the JSON arguments of `Client::call`, typed by the
//! catalog.
//!
//! Words come as name/value pairs in any order. A value is converted by its parameter's
//! catalog type, so no `(type)` prefix is needed; a prefix (`(string)`, `(int)`, `(float)`,
//! `(boolean)`, `(list)`, and `(json)`), case-insensitive, still decides the value's form as
//! in Memset's ma-shell. Unlike ma-shell, `(boolean) False` and `(boolean) 0` are false.

use cloud_sdks_runtime::catalog::{Catalog, OperationInfo, Type};
use serde_json::{Map, Number, Value};

use cloud_sdks_runtime::suggest;

/// Why the words after a command could not become arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgError {
    /// The words do not have the shape `name [(type)] value ...` (a name without a value, a
    /// name given twice, an unknown `(type)`): a usage error.
    Usage(String),
    /// A value does not fit its parameter, or the parameter does not exist.
    Invalid(String),
}

impl std::fmt::Display for ArgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArgError::Usage(message) | ArgError::Invalid(message) => f.write_str(message),
        }
    }
}

/// A `(type)` prefix before a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// `(string)`: the text as it is.
    String,
    /// `(int)`: a whole number.
    Int,
    /// `(float)`: a number.
    Float,
    /// `(boolean)`: `true/false/1/0/yes/no`, any case.
    Boolean,
    /// `(list)`: comma separated values, each typed by the parameter's item type.
    List,
    /// `(json)`: a JSON value.
    Json,
}

impl Prefix {
    /// The prefix a word spells, if it is one (`"(Boolean)"` is [`Prefix::Boolean`]);
    /// `Err` for a parenthesised word that names no known type.
    pub fn parse(word: &str) -> Option<Result<Prefix, String>> {
        let inner = word.strip_prefix('(')?.strip_suffix(')')?;
        Some(match inner.to_ascii_lowercase().as_str() {
            "string" | "str" => Ok(Prefix::String),
            "int" | "integer" => Ok(Prefix::Int),
            "float" | "number" => Ok(Prefix::Float),
            "boolean" | "bool" => Ok(Prefix::Boolean),
            "list" => Ok(Prefix::List),
            "json" => Ok(Prefix::Json),
            _ => Err(format!(
                "unknown value type ({inner}); use string, int, float, boolean, list or json"
            )),
        })
    }
}

/// Parses a boolean the way a person writes it: `true/false/1/0/yes/no`, any case.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

fn parse_int(text: &str) -> Option<Value> {
    text.trim().parse::<i64>().ok().map(Value::from)
}

fn parse_number(text: &str) -> Option<Value> {
    let text = text.trim();
    if let Some(int) = parse_int(text) {
        return Some(int);
    }
    text.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number)
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|item| !item.is_empty())
}

/// Converts `text` to the JSON value a parameter of type `ty` takes. `Err` says what was
/// expected (without quoting the text: the caller decides whether it may be shown).
pub fn by_type(ty: &Type, text: &str) -> Result<Value, String> {
    match ty {
        Type::String | Type::Date => Ok(Value::from(text)),
        Type::Integer => parse_int(text).ok_or_else(|| "expected a whole number".to_owned()),
        Type::Number => parse_number(text).ok_or_else(|| "expected a number".to_owned()),
        Type::Boolean => parse_bool(text)
            .map(Value::Bool)
            .ok_or_else(|| "expected a boolean (true/false, yes/no, 1/0)".to_owned()),
        Type::Enum(name, values) => {
            if values.contains(&text) {
                Ok(Value::from(text))
            } else if let Some(value) = values.iter().find(|v| v.eq_ignore_ascii_case(text)) {
                Ok(Value::from(*value))
            } else {
                Err(format!("expected a {name}: one of {}", values.join(", ")))
            }
        }
        Type::List(item) => {
            if text.trim_start().starts_with('[') {
                return parse_json(text);
            }
            split_list(text)
                .map(|part| by_type(item, part))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        Type::Json => Ok(parse_json(text).unwrap_or_else(|_| Value::from(text))),
        Type::Map(_) | Type::Model(_) => match parse_json(text)? {
            Value::Object(map) => Ok(Value::Object(map)),
            _ => Err(format!("expected a JSON object ({ty})")),
        },
    }
}

fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|error| format!("expected JSON ({error})"))
}

/// Converts `text` as a `(type)` prefix says; `ty` is the parameter's catalog type, which
/// types the items of a `(list)`.
pub fn by_prefix(prefix: Prefix, ty: Option<&Type>, text: &str) -> Result<Value, String> {
    match prefix {
        Prefix::String => Ok(Value::from(text)),
        Prefix::Int => by_type(&Type::Integer, text),
        Prefix::Float => by_type(&Type::Number, text),
        Prefix::Boolean => by_type(&Type::Boolean, text),
        Prefix::Json => parse_json(text),
        Prefix::List => {
            let item = match ty {
                Some(Type::List(item)) => item,
                _ => &Type::String,
            };
            split_list(text)
                .map(|part| by_type(item, part))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
    }
}

/// Turns the words after the command (`name [(type)] value ...`) into the JSON object of
/// arguments of `op`.
///
/// A `(list)` value ending with a comma continues with the next word, so
/// `type (list) cloudstorage, miniserver` is one list as the Memset documentation writes it.
/// A model-valued parameter takes a JSON object, or its fields one by one with dotted names
/// (`datacenter.name web datacenter.location de/fra`), typed by the model's fields.
/// Values of secret parameters and fields are never quoted in errors.
pub fn build(catalog: &Catalog, op: &OperationInfo, words: &[String]) -> Result<Value, ArgError> {
    let mut args = Map::new();
    let mut rest = words.iter();
    while let Some(name) = rest.next() {
        let field = dotted(catalog, op, name);
        let param = op.param(name);
        if param.is_none() && field.is_none() {
            let names: Vec<&str> = op.params.iter().map(|p| p.name).collect();
            let hint = suggest::hint(name, &names);
            let known = if names.is_empty() {
                "it takes no parameters".to_owned()
            } else {
                format!("its parameters are {}", names.join(", "))
            };
            return Err(ArgError::Invalid(format!("unknown param {name}{hint}; {known}")));
        }
        let mut value = rest
            .next()
            .ok_or_else(|| ArgError::Usage(format!("param {name} without value")))?
            .clone();
        let prefix = match Prefix::parse(&value) {
            Some(prefix) => {
                let prefix = prefix.map_err(ArgError::Usage)?;
                value = rest
                    .next()
                    .ok_or_else(|| ArgError::Usage(format!("param {name} without value")))?
                    .clone();
                Some(prefix)
            }
            None => None,
        };
        let ty = param.map(|p| &p.ty).or(field.as_ref().map(|f| f.1));
        let is_list =
            prefix == Some(Prefix::List) || (prefix.is_none() && matches!(ty, Some(Type::List(_))));
        while is_list && value.ends_with(',') {
            match rest.as_slice().first() {
                Some(next) if op.param(next).is_none() => {
                    value.push_str(next);
                    rest.next();
                }
                _ => break,
            }
        }
        let converted = match prefix {
            Some(prefix) => by_prefix(prefix, ty, &value),
            None => by_type(ty.unwrap_or(&Type::String), &value),
        };
        let converted = converted.map_err(|why| {
            let secret = param.is_some_and(|p| p.secret) || field.as_ref().is_some_and(|f| f.2);
            let shown = if secret { "(hidden)".to_owned() } else { format!("'{value}'") };
            ArgError::Invalid(format!("invalid argument '{name}': {why} (got {shown})"))
        })?;
        let twice = || ArgError::Usage(format!("param {name} given twice"));
        match &field {
            Some((path, _, _)) => {
                let mut target = &mut args;
                let (last, parents) = path.split_last().ok_or_else(twice)?;
                for key in parents {
                    let entry =
                        target.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
                    target = entry.as_object_mut().ok_or_else(twice)?;
                }
                if target.insert(last.clone(), converted).is_some() {
                    return Err(twice());
                }
            }
            None => {
                if args.insert(name.clone(), converted).is_some() {
                    return Err(twice());
                }
            }
        }
    }
    Ok(Value::Object(args))
}

/// For a dotted name `param.field[.field…]` into a model-valued parameter: the path of keys,
/// the field's type and whether it is secret.
fn dotted(
    catalog: &Catalog,
    op: &OperationInfo,
    name: &str,
) -> Option<(Vec<String>, &'static Type, bool)> {
    let mut parts = name.split('.');
    let head = op.param(parts.next()?)?;
    let mut ty = &head.ty;
    let mut secret = head.secret;
    let mut path = vec![head.name.to_owned()];
    for part in parts {
        let Type::Model(model) = ty else { return None };
        let field = catalog.model(model)?.fields.iter().find(|f| f.name == part)?;
        ty = &field.ty;
        secret |= field.secret;
        path.push(field.name.to_owned());
    }
    (path.len() > 1).then_some((path, ty, secret))
}

#[cfg(test)]
mod tests {
    use cloud_sdks_runtime::catalog::Type;
    use serde_json::json;

    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn values_follow_the_catalog_type() {
        assert_eq!(by_type(&Type::String, "007"), Ok(json!("007")));
        assert_eq!(by_type(&Type::Date, "2011-09-17"), Ok(json!("2011-09-17")));
        assert_eq!(by_type(&Type::Integer, "2048"), Ok(json!(2048)));
        assert_eq!(by_type(&Type::Integer, "-3"), Ok(json!(-3)));
        assert!(by_type(&Type::Integer, "2.5").is_err());
        assert!(by_type(&Type::Integer, "99999999999999999999").is_err());
        assert_eq!(by_type(&Type::Number, "2.5"), Ok(json!(2.5)));
        assert_eq!(by_type(&Type::Number, "3"), Ok(json!(3)));
        assert!(by_type(&Type::Number, "NaN").is_err());
        assert!(by_type(&Type::Number, "inf").is_err());
        let zone = Type::Enum("Zone", &["AUTO", "ZONE_1"]);
        assert_eq!(by_type(&zone, "ZONE_1"), Ok(json!("ZONE_1")));
        assert_eq!(by_type(&zone, "auto"), Ok(json!("AUTO")));
        assert_eq!(
            by_type(&zone, "ZONE_9"),
            Err("expected a Zone: one of AUTO, ZONE_1".to_owned())
        );
        static INT: Type = Type::Integer;
        assert_eq!(by_type(&Type::List(&INT), "1, 2,3"), Ok(json!([1, 2, 3])));
        assert_eq!(by_type(&Type::List(&INT), "[4]"), Ok(json!([4])));
        assert!(by_type(&Type::List(&INT), "1,x").is_err());
        assert_eq!(by_type(&Type::List(&Type::String), ""), Ok(json!([])));
        assert_eq!(by_type(&Type::Model("M"), r#"{"a":1}"#), Ok(json!({"a": 1})));
        assert!(by_type(&Type::Model("M"), "[1]").is_err());
        assert!(by_type(&Type::Map(&INT), "{").is_err());
        assert_eq!(by_type(&Type::Json, "[1]"), Ok(json!([1])));
        assert_eq!(by_type(&Type::Json, "plain"), Ok(json!("plain")));
    }

    #[test]
    fn booleans_mean_what_they_say_unlike_ma_shell() {
        for text in ["true", "True", "TRUE", "1", "yes", "Yes"] {
            assert_eq!(by_type(&Type::Boolean, text), Ok(json!(true)), "{text}");
            assert_eq!(by_prefix(Prefix::Boolean, None, text), Ok(json!(true)), "{text}");
        }
        // ma-shell's (boolean) made these true.
        for text in ["false", "False", "FALSE", "0", "no", "No"] {
            assert_eq!(by_type(&Type::Boolean, text), Ok(json!(false)), "{text}");
            assert_eq!(by_prefix(Prefix::Boolean, None, text), Ok(json!(false)), "{text}");
        }
        assert!(by_type(&Type::Boolean, "").is_err());
        assert!(by_prefix(Prefix::Boolean, None, "maybe").is_err());
    }

    #[test]
    fn prefixes_set_the_form_case_insensitively() {
        assert_eq!(Prefix::parse("(String)"), Some(Ok(Prefix::String)));
        assert_eq!(Prefix::parse("(INT)"), Some(Ok(Prefix::Int)));
        assert_eq!(Prefix::parse("(float)"), Some(Ok(Prefix::Float)));
        assert_eq!(Prefix::parse("(boolean)"), Some(Ok(Prefix::Boolean)));
        assert_eq!(Prefix::parse("(list)"), Some(Ok(Prefix::List)));
        assert_eq!(Prefix::parse("(json)"), Some(Ok(Prefix::Json)));
        assert!(matches!(Prefix::parse("(tuple)"), Some(Err(_))));
        assert_eq!(Prefix::parse("value"), None);
        assert_eq!(by_prefix(Prefix::String, Some(&Type::Integer), "12"), Ok(json!("12")));
        assert_eq!(by_prefix(Prefix::Int, None, "12"), Ok(json!(12)));
        assert_eq!(by_prefix(Prefix::Float, None, "1.5"), Ok(json!(1.5)));
        assert_eq!(by_prefix(Prefix::List, None, "a, b"), Ok(json!(["a", "b"])));
        static INT: Type = Type::Integer;
        assert_eq!(by_prefix(Prefix::List, Some(&Type::List(&INT)), "1,2"), Ok(json!([1, 2])));
        assert_eq!(by_prefix(Prefix::Json, None, "{\"a\":null}"), Ok(json!({"a": null})));
    }

    #[test]
    fn words_become_arguments_by_the_catalog() {
        let list = memset::CATALOG.operation("service.list").expect("in the catalog");
        assert_eq!(
            build(&memset::CATALOG, list, &words("type (list) cloudstorage, miniserver")),
            Ok(json!({"type": ["cloudstorage", "miniserver"]}))
        );
        let cluster = memset::CATALOG.operation("cluster.list").expect("in the catalog");
        assert_eq!(
            build(&memset::CATALOG, cluster, &words("enabled (boolean) False")),
            Ok(json!({"enabled": false}))
        );
        assert_eq!(
            build(&memset::CATALOG, cluster, &words("enabled no")),
            Ok(json!({"enabled": false}))
        );
        let nick = memset::CATALOG.operation("service.set_nickname").expect("in the catalog");
        assert_eq!(
            build(&memset::CATALOG, nick, &words("nickname webserver name myserver1")),
            Ok(json!({"name": "myserver1", "nickname": "webserver"}))
        );
        assert_eq!(
            build(&memset::CATALOG, nick, &words("name a name b")),
            Err(ArgError::Usage("param name given twice".into()))
        );
        assert_eq!(
            build(&memset::CATALOG, nick, &words("name")),
            Err(ArgError::Usage("param name without value".into()))
        );
        assert_eq!(
            build(&memset::CATALOG, nick, &words("name (string)")),
            Err(ArgError::Usage("param name without value".into()))
        );
        assert!(matches!(
            build(&memset::CATALOG, nick, &words("name (tuple) x")),
            Err(ArgError::Usage(_))
        ));
        let Err(ArgError::Invalid(message)) = build(&memset::CATALOG, nick, &words("nickame x"))
        else {
            panic!("an unknown param is an invalid argument");
        };
        assert!(message.contains("did you mean nickname?"), "{message}");
        let dcs = profitbricks::CATALOG.operation("list_datacenters").expect("in the catalog");
        assert_eq!(build(&profitbricks::CATALOG, dcs, &words("depth 2")), Ok(json!({"depth": 2})));
        let Err(ArgError::Invalid(message)) =
            build(&profitbricks::CATALOG, dcs, &words("depth two"))
        else {
            panic!("a word is not a number");
        };
        assert_eq!(message, "invalid argument 'depth': expected a whole number (got 'two')");
    }

    #[test]
    fn model_fields_by_dotted_names() {
        let create = profitbricks::CATALOG.operation("create_datacenter").expect("in the catalog");
        let c = &profitbricks::CATALOG;
        assert_eq!(
            build(c, create, &words("datacenter.name web datacenter.location de/fra")),
            Ok(json!({"datacenter": {"name": "web", "location": "de/fra"}}))
        );
        assert_eq!(
            build(c, create, &words(r#"datacenter {"name":"web"}"#)),
            Ok(json!({"datacenter": {"name": "web"}}))
        );
        assert!(matches!(
            build(c, create, &words("datacenter.name a datacenter.name b")),
            Err(ArgError::Usage(_))
        ));
        assert!(matches!(build(c, create, &words("datacenter.nme a")), Err(ArgError::Invalid(_))));
    }

    #[test]
    fn secret_values_are_not_quoted() {
        for catalog in [&memset::CATALOG, &oneandone::CATALOG, &profitbricks::CATALOG] {
            for op in catalog.operations {
                for p in op.params.iter().filter(|p| p.secret) {
                    let bad = match p.ty {
                        Type::String | Type::Date | Type::Json => continue,
                        _ => "s3cr3t-{[",
                    };
                    let result = build(catalog, op, &[p.name.to_owned(), bad.to_owned()]);
                    if let Err(error) = result {
                        assert!(!error.to_string().contains(bad), "{}: {error}", op.name);
                    }
                }
            }
        }
    }
}
