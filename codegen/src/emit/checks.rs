//! The checks of documented constraints that run before a request is sent, and their
//! description in the docs. Generated checks use two names from their scope: `operation`
//! (the operation's name, `&str`) and the value being checked.

use super::rust::ident_text;
use super::text::{slice, string, strings};
use crate::ir::{Bound, Constraints, Literal, Provider, Requirement, Ty};

/// Statements as source lines, indented relative to the block that will hold them.
pub type Statements = Vec<String>;

/// Statements checking `value` (an expression of type `&T`, T the Rust type of `ty`) against
/// its constraints; `label` is a variable of type `rt::check::Field` naming it in errors
/// (written out only when a check fails). Empty when there is nothing to check.
pub fn value(p: &Provider, value: &str, ty: &Ty, c: &Constraints, label: &str) -> Statements {
    match ty {
        Ty::List(inner) => {
            let mut out = Vec::new();
            if let Some(min) = c.min_items {
                out.push(format!(
                    "rt::check::min_items(operation, {label}, {value}.len(), {min}usize)?;"
                ));
            }
            if let Some(max) = c.max_items {
                out.push(format!(
                    "rt::check::max_items(operation, {label}, {value}.len(), {max}usize)?;"
                ));
            }
            if let Some(field) = &c.exactly_one {
                out.push(format!(
                    "rt::check::exactly_one(operation, {label}, {value}.iter().map(|item| rt::check::is_true(&item.{})), {})?;",
                    ident_text(field),
                    string(field)
                ));
            }
            let per_item = value_checks_scalar(p, "item", inner, c, "item_label");
            if !per_item.is_empty() {
                out.push(format!("for (index, item) in {value}.iter().enumerate() {{"));
                out.push(format!("    let item_label = rt::check::Field::Item(&{label}, index);"));
                out.extend(indented(per_item));
                out.push("}".to_owned());
            }
            out
        }
        Ty::Map(inner) => {
            let per_item =
                value_checks_scalar(p, "item", inner, &Constraints::default(), "item_label");
            if per_item.is_empty() {
                return per_item;
            }
            let mut out = vec![
                format!("for (key, item) in {value}.iter() {{"),
                format!("    let item_label = rt::check::Field::Key(&{label}, key.as_str());"),
            ];
            out.extend(indented(per_item));
            out.push("}".to_owned());
            out
        }
        other => value_checks_scalar(p, value, other, c, label),
    }
}

/// The checks of one member, `body`, in a block that binds `value` and `label` (an expression
/// naming the member in errors): for a required member `value` is `place` (`&self.name`), for
/// an optional one the block runs when `place` (an `Option<&T>`) holds one.
pub fn member(required: bool, place: &str, label: &str, body: Statements) -> Statements {
    let mut out = match required {
        true => vec!["{".to_owned(), format!("    let value = {place};")],
        false => vec![format!("if let Some(value) = {place} {{")],
    };
    out.push(format!("    let label = {label};"));
    out.extend(indented(body));
    out.push("}".to_owned());
    out
}

/// `lines` one level deeper.
pub fn indented(lines: Statements) -> impl Iterator<Item = String> {
    lines.into_iter().map(|line| format!("    {line}"))
}

fn value_checks_scalar(
    p: &Provider,
    value: &str,
    ty: &Ty,
    c: &Constraints,
    label: &str,
) -> Statements {
    let mut out = Vec::new();
    // `rt::check::<check>(operation, <label>, <value>, <rule>)?;`
    let mut check = |check: &str, value: &str, rule: &str| {
        out.push(format!("rt::check::{check}(operation, {label}, {value}, {rule})?;"));
    };
    let deref = format!("*{value}");
    match ty {
        Ty::Integer => {
            if let Some(Bound::Integer(min)) = c.min {
                check("min_i64", &deref, &format!("{min}i64"));
            }
            if let Some(Bound::Integer(max)) = c.max {
                check("max_i64", &deref, &format!("{max}i64"));
            }
            if let Some(factor) = c.multiple_of {
                check("multiple_of", &deref, &format!("{factor}i64"));
            }
            if !c.int_values.is_empty() {
                let values = slice(c.int_values.iter().map(|v| format!("{v}i64")));
                check("one_of_i64", &deref, &values);
            }
        }
        Ty::Number => {
            // `{:?}` keeps a decimal point or an exponent, so the literal is a float
            if let Some(Bound::Number(min)) = c.min {
                check("min_f64", &deref, &format!("{min:?}f64"));
            }
            if let Some(Bound::Number(max)) = c.max {
                check("max_f64", &deref, &format!("{max:?}f64"));
            }
        }
        Ty::String => {
            if let Some(min) = c.min_length {
                check("min_length", value, &format!("{min}usize"));
            }
            if let Some(max) = c.max_length {
                check("max_length", value, &format!("{max}usize"));
            }
            if let Some(class) = &c.chars {
                check("allowed_chars", value, &string(class));
            }
            if let Some(chars) = &c.forbidden_chars {
                check("forbidden_chars", value, &string(chars));
            }
            if !c.values.is_empty() {
                let values = strings(&c.values);
                match &c.separator {
                    Some(sep) => {
                        check("one_of_joined", value, &format!("{values}, {}", string(sep)))
                    }
                    None => check("one_of", value, &values),
                }
            }
        }
        Ty::Enum(name) if c.values.is_empty() => {
            let values = format!("{}::VALUES", ident_text(name));
            check("one_of", &format!("{value}.as_str()"), &values);
        }
        Ty::Enum(_) => check("one_of", &format!("{value}.as_str()"), &strings(&c.values)),
        Ty::Model(name) => {
            if p.model(name).is_some_and(|m| m.checked) {
                out.push(format!("{value}.check(operation, {label})?;"));
            }
        }
        Ty::List(_) | Ty::Map(_) => out.extend(self::value(p, value, ty, c, label)),
        Ty::Boolean | Ty::Json | Ty::Date => {}
    }
    out
}

/// `rt::check::<check>(operation, [<before>,] &[(label, is_set), …])?;` over `members`.
fn members_check(
    check: &str,
    before: Option<&str>,
    members: &[String],
    is_set: &impl Fn(&str) -> String,
    label: &impl Fn(&str) -> String,
) -> Statements {
    let mut out = vec![format!("rt::check::{check}("), "    operation,".to_owned()];
    out.extend(before.map(|before| format!("    {before},")));
    out.push("    &[".to_owned());
    for name in members {
        out.push(format!("        ({}, {}),", label(name), is_set(name)));
    }
    out.push("    ],".to_owned());
    out.push(")?;".to_owned());
    out
}

/// Statements checking one-of groups; `is_set` gives, for a member name, an expression of type
/// `bool` telling whether the caller set it; `label` gives the member's name in errors (an
/// expression of type `rt::check::Field`).
pub fn groups(
    at_least: &[Vec<String>],
    at_most: &[Vec<String>],
    is_set: impl Fn(&str) -> String,
    label: impl Fn(&str) -> String,
) -> Statements {
    let mut out = Vec::new();
    for (group, check) in at_least
        .iter()
        .map(|g| (g, "at_least_one_of"))
        .chain(at_most.iter().map(|g| (g, "at_most_one_of")))
    {
        out.extend(members_check(check, None, group, &is_set, &label));
    }
    out
}

/// Statements checking conditional requirements. `value_of` gives, for a member name, an
/// expression of type `Option<&T>`; `is_set` and `label` as for [`groups`].
pub fn requirements(
    reqs: &[Requirement],
    value_of: impl Fn(&str) -> String,
    is_set: impl Fn(&str) -> String,
    label: impl Fn(&str) -> String,
) -> Statements {
    let mut out = Vec::new();
    for r in reqs {
        let value = value_of(&r.when);
        let (test, condition) = match &r.equals {
            None => ("true".to_owned(), format!("{} is set", r.when)),
            Some(Literal::Boolean(true)) => ("*v".to_owned(), format!("{} is true", r.when)),
            Some(Literal::Boolean(false)) => ("!*v".to_owned(), format!("{} is false", r.when)),
            Some(Literal::Integer(i)) => (format!("*v == {i}i64"), format!("{} is {i}", r.when)),
            Some(Literal::Number(n)) => (format!("*v == {n:?}f64"), format!("{} is {n}", r.when)),
            Some(Literal::String(s)) => {
                (format!("v == {}", string(s)), format!("{} is {s}", r.when))
            }
            Some(Literal::Enum(_, s)) => {
                (format!("v.as_str() == {}", string(s)), format!("{} is {s}", r.when))
            }
        };
        // a condition on being set only does not look at the value
        let holds = match r.equals {
            None => format!("{value}.is_some()"),
            Some(_) => format!("{value}.is_some_and(|v| {test})"),
        };
        out.push(format!("if {holds} {{"));
        let condition = string(&condition);
        let check = members_check("required_when", Some(&condition), &r.then, &is_set, &label);
        out.extend(indented(check));
        out.push("}".to_owned());
    }
    out
}

/// The rules of a parameter or field in words, for its docs ("" when there are none).
pub fn describe(ty: &Ty, c: &Constraints) -> String {
    let mut rules = Vec::new();
    let bound = |b: &Bound| match b {
        Bound::Integer(i) => i.to_string(),
        Bound::Number(n) => n.to_string(),
    };
    match (&c.min, &c.max) {
        (Some(lo), Some(hi)) => rules.push(format!("from {} to {}", bound(lo), bound(hi))),
        (Some(lo), None) => rules.push(format!("at least {}", bound(lo))),
        (None, Some(hi)) => rules.push(format!("at most {}", bound(hi))),
        (None, None) => {}
    }
    if let Some(factor) = c.multiple_of {
        rules.push(format!("a multiple of {factor}"));
    }
    let each = if matches!(ty, Ty::List(_)) { "each item " } else { "" };
    match (c.min_length, c.max_length) {
        (Some(lo), Some(hi)) if lo == hi => rules.push(format!("{each}exactly {lo} characters")),
        (Some(lo), Some(hi)) => rules.push(format!("{each}{lo} to {hi} characters")),
        (Some(lo), None) => rules.push(format!("{each}at least {lo} characters")),
        (None, Some(hi)) => rules.push(format!("{each}at most {hi} characters")),
        (None, None) => {}
    }
    if let Some(class) = &c.chars {
        rules.push(format!("{each}only the characters `{class}`"));
    }
    if let Some(chars) = &c.forbidden_chars {
        rules.push(format!("{each}none of the characters `{chars}`"));
    }
    if !c.values.is_empty() {
        let values: Vec<String> = c.values.iter().map(|v| format!("`{v}`")).collect();
        rules.push(format!("{each}one of {}", values.join(", ")));
        if let Some(sep) = &c.separator {
            rules.push(format!("{each}or several of them joined by `{sep}` without spaces"));
        }
    }
    if !c.int_values.is_empty() {
        let values: Vec<String> = c.int_values.iter().map(|v| format!("`{v}`")).collect();
        rules.push(format!("{each}one of {}", values.join(", ")));
    }
    match (c.min_items, c.max_items) {
        (Some(lo), Some(hi)) => rules.push(format!("{lo} to {hi} items")),
        (Some(lo), None) => {
            rules.push(format!("at least {lo} item{}", if lo == 1 { "" } else { "s" }))
        }
        (None, Some(hi)) => rules.push(format!("at most {hi} items")),
        (None, None) => {}
    }
    if let Some(field) = &c.exactly_one {
        rules.push(format!("exactly one item with `{field}` true"));
    }
    if rules.is_empty() {
        String::new()
    } else {
        format!("Must be {}.", rules.join("; "))
    }
}
