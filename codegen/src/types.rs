//! The type language of the spec: `string`, `integer`, `number`, `boolean`, `json`,
//! `list<T>`, `map<T>` and model or enum names.

use crate::ir::Ty;

/// The built-in type names.
pub const BUILTINS: &[&str] = &["string", "integer", "number", "boolean", "json", "date"];

/// A parsed type before names are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    Name(String),
    List(Box<TypeExpr>),
    Map(Box<TypeExpr>),
}

/// Parses a type expression; the error says what is malformed.
pub fn parse(text: &str) -> Result<TypeExpr, String> {
    let text = text.trim();
    for (prefix, wrap) in
        [("list<", TypeExpr::List as fn(Box<TypeExpr>) -> TypeExpr), ("map<", TypeExpr::Map)]
    {
        if let Some(rest) = text.strip_prefix(prefix) {
            let inner = rest
                .strip_suffix('>')
                .ok_or_else(|| format!("type '{text}' is missing its closing '>'"))?;
            return Ok(wrap(Box::new(parse(inner)?)));
        }
    }
    if text.is_empty() {
        return Err("the type is empty".to_owned());
    }
    if !text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("type '{text}' is not a type name"));
    }
    Ok(TypeExpr::Name(text.to_owned()))
}

/// The IR type of a built-in name.
pub fn builtin(name: &str) -> Option<Ty> {
    Some(match name {
        "string" => Ty::String,
        "integer" => Ty::Integer,
        "number" => Ty::Number,
        "boolean" => Ty::Boolean,
        "json" => Ty::Json,
        "date" => Ty::Date,
        _ => return None,
    })
}

pub fn is_builtin(name: &str) -> bool {
    builtin(name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_types() {
        assert_eq!(
            parse("list<map<Server>>"),
            Ok(TypeExpr::List(Box::new(TypeExpr::Map(Box::new(TypeExpr::Name("Server".into()))))))
        );
        assert_eq!(
            parse("list<string"),
            Err("type 'list<string' is missing its closing '>'".into())
        );
        assert_eq!(parse("a b"), Err("type 'a b' is not a type name".into()));
    }
}
