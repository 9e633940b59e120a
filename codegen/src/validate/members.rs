//! What parameters and model fields share: types, defaults, constraints, one-of groups,
//! conditional requirements and docs.

use super::*;

impl At<'_> {
    pub(super) fn literal(
        &mut self,
        value: &Spanned<toml::Value>,
        ty: &Ty,
        label: &str,
    ) -> Option<Literal> {
        let literal = match (ty, value.get_ref()) {
            (Ty::String, toml::Value::String(s)) => Literal::String(s.clone()),
            (Ty::Integer, toml::Value::Integer(i)) => Literal::Integer(*i),
            (Ty::Number, toml::Value::Integer(i)) => Literal::Number(*i as f64),
            (Ty::Number, toml::Value::Float(f)) => Literal::Number(*f),
            (Ty::Boolean, toml::Value::Boolean(b)) => Literal::Boolean(*b),
            (Ty::Enum(e), toml::Value::String(s)) => Literal::Enum(e.clone(), s.clone()),
            (ty, other) => {
                self.error(value.span(), format!("{label}: a default of type {} does not fit the type {}", other.type_str(), ty), "give a default of the parameter's type (only strings, numbers, booleans and enum values can be defaults)");
                return None;
            }
        };
        Some(literal)
    }

    pub(super) fn constraints(&mut self, m: &MemberEntry, ty: &Ty, label: &str) -> Constraints {
        let item = match ty {
            Ty::List(inner) => inner.as_ref(),
            other => other,
        };
        let numeric = matches!(ty, Ty::Integer | Ty::Number);
        let stringy = *item == Ty::String;
        let mut c = Constraints::default();
        let misplaced = |at: &mut Self, key: &str, span: Range<usize>, fits: &str| {
            at.error(
                span,
                format!("{label}: '{key}' does not apply to type {}", ty),
                format!("'{key}' applies to {fits}"),
            );
        };
        for (key, bound, slot) in [("min", &m.min, &mut c.min), ("max", &m.max, &mut c.max)] {
            let Some(b) = bound else { continue };
            if !numeric {
                misplaced(self, key, b.span(), "integer and number");
                continue;
            }
            *slot = match (ty, b.get_ref()) {
                (Ty::Integer, toml::Value::Integer(i)) => Some(Bound::Integer(*i)),
                (Ty::Number, toml::Value::Integer(i)) => Some(Bound::Number(*i as f64)),
                (Ty::Number, toml::Value::Float(f)) => Some(Bound::Number(*f)),
                (_, other) => {
                    self.error(
                        b.span(),
                        format!(
                            "{label}: '{key}' must be a number of the parameter's type, not a {}",
                            other.type_str()
                        ),
                        "write an integer bound for an integer, e.g. min = 1",
                    );
                    None
                }
            };
        }
        if let (Some(Bound::Integer(lo)), Some(Bound::Integer(hi))) = (c.min, c.max) {
            if lo > hi {
                self.error(
                    m.min.as_ref().map_or(0..0, |s| s.span()),
                    format!("{label}: min {lo} is above max {hi}"),
                    "swap them",
                );
            }
        }
        if let Some(n) = &m.multiple_of {
            if *ty != Ty::Integer {
                misplaced(self, "multiple_of", n.span(), "integer");
            } else if *n.get_ref() <= 0 {
                self.error(
                    n.span(),
                    format!("{label}: multiple_of must be positive"),
                    "e.g. multiple_of = 256",
                );
            } else {
                c.multiple_of = Some(*n.get_ref());
            }
        }
        for (key, value, slot) in [
            ("min_length", &m.min_length, &mut c.min_length),
            ("max_length", &m.max_length, &mut c.max_length),
        ] {
            let Some(v) = value else { continue };
            if !stringy {
                misplaced(self, key, v.span(), "string and list<string>");
            } else {
                *slot = self.count(v, label, key);
            }
        }
        for (key, value, slot) in [
            ("min_items", &m.min_items, &mut c.min_items),
            ("max_items", &m.max_items, &mut c.max_items),
        ] {
            let Some(v) = value else { continue };
            if !matches!(ty, Ty::List(_)) {
                misplaced(self, key, v.span(), "lists");
            } else {
                *slot = self.count(v, label, key);
            }
        }
        for (key, value, slot) in [
            ("chars", &m.chars, &mut c.chars),
            ("forbidden_chars", &m.forbidden_chars, &mut c.forbidden_chars),
        ] {
            let Some(v) = value else { continue };
            if !stringy {
                misplaced(self, key, v.span(), "string and list<string>");
            } else if v.get_ref().is_empty() {
                self.error(
                    v.span(),
                    format!("{label}: '{key}' is empty"),
                    "list the characters, e.g. \"A-Za-z0-9._-\"",
                );
            } else {
                *slot = Some(v.get_ref().clone());
            }
        }
        if let Some(v) = &m.values {
            // on an enum, `values` narrows the enum to the ones this member accepts
            let strings: Option<Vec<String>> =
                v.get_ref().iter().map(|x| x.as_str().map(str::to_owned)).collect();
            let integers: Option<Vec<i64>> =
                v.get_ref().iter().map(toml::Value::as_integer).collect();
            if v.get_ref().is_empty() {
                self.error(
                    v.span(),
                    format!("{label}: 'values' is empty"),
                    "list the allowed values",
                );
            } else if *item == Ty::Integer {
                match integers {
                    Some(list) => c.int_values = list,
                    None => self.error(
                        v.span(),
                        format!("{label}: the values of an integer must be integers"),
                        "write them without quotes, e.g. values = [1, 3, 6, 12]",
                    ),
                }
            } else if !stringy && !matches!(item, Ty::Enum(_)) {
                self.error(
                    v.span(),
                    format!("{label}: 'values' does not apply to type {}", ty),
                    "'values' applies to strings, integers, enums and lists of them",
                );
            } else {
                match strings {
                    Some(list) => c.values = list,
                    None => self.error(
                        v.span(),
                        format!("{label}: the values of a {} must be strings", item),
                        "quote them, e.g. values = [\"LIVE\", \"CANCELLED\"]",
                    ),
                }
            }
        }
        if let Some(field) = &m.exactly_one {
            if !matches!(item, Ty::Model(_)) || !matches!(ty, Ty::List(_)) {
                misplaced(self, "exactly_one", field.span(), "lists of models");
            } else if !is_snake_ident(field.get_ref()) {
                self.error(
                    field.span(),
                    format!("{label}: exactly_one names '{}', not a field", field.get_ref()),
                    "name the boolean field by its Rust name, e.g. exactly_one = \"is_main\"",
                );
            } else {
                c.exactly_one = Some(field.get_ref().clone());
            }
        }
        if let Some(sep) = &m.separator {
            if *item != Ty::String || c.values.is_empty() || sep.get_ref().is_empty() {
                self.error(
                    sep.span(),
                    format!("{label}: 'separator' needs a string with 'values'"),
                    "list the values that may be joined, e.g. values = [\"tcp\", \"udp\"], and give a non-empty separator such as \",\"",
                );
            } else {
                c.separator = Some(sep.get_ref().clone());
            }
        }
        c
    }

    pub(super) fn requirements(
        &mut self,
        entries: &[Spanned<spec::RequiresEntry>],
        members: &[(&str, &Ty)],
        what: &str,
    ) -> Vec<ir::Requirement> {
        let names: Vec<&str> = members.iter().map(|(n, _)| *n).collect();
        let mut out = Vec::new();
        for entry in entries {
            let r = entry.get_ref();
            let Some((_, ty)) = members.iter().find(|(n, _)| *n == r.when.get_ref()) else {
                self.error(
                    r.when.span(),
                    format!("{what}: 'requires' names an unknown member '{}'", r.when.get_ref()),
                    format!("use one of: {}", names.join(", ")),
                );
                continue;
            };
            let unknown: Vec<&String> =
                r.then.get_ref().iter().filter(|n| !names.contains(&n.as_str())).collect();
            if r.then.get_ref().is_empty() || !unknown.is_empty() {
                self.error(
                    r.then.span(),
                    format!(
                        "{what}: 'then' must list members of it (unknown: {})",
                        unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                    format!("use some of: {}", names.join(", ")),
                );
                continue;
            }
            let equals = match &r.equals {
                Some(value)
                    if matches!(ty, Ty::Boolean | Ty::String | Ty::Integer | Ty::Enum(_)) =>
                {
                    self.literal(value, ty, what)
                }
                Some(value) => {
                    self.error(
                        value.span(),
                        format!("{what}: 'equals' cannot compare a {}", ty),
                        "compare a boolean, string, integer or enum member",
                    );
                    continue;
                }
                None => None,
            };
            if r.equals.is_some() && equals.is_none() {
                continue;
            }
            out.push(ir::Requirement {
                when: r.when.get_ref().clone(),
                equals,
                then: r.then.get_ref().clone(),
            });
        }
        out
    }

    pub(super) fn count(&mut self, value: &Spanned<i64>, label: &str, key: &str) -> Option<usize> {
        match usize::try_from(*value.get_ref()) {
            Ok(n) => Some(n),
            Err(_) => {
                self.error(
                    value.span(),
                    format!("{label}: '{key}' cannot be negative"),
                    "use 0 or more",
                );
                None
            }
        }
    }

    pub(super) fn groups(
        &mut self,
        groups: &[Spanned<Vec<String>>],
        known: &[&str],
        what: &str,
    ) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for group in groups {
            let mut ok = group.get_ref().len() >= 2;
            if !ok {
                self.error(
                    group.span(),
                    format!("{what}: a one-of group needs at least two names"),
                    "list two or more parameter or field names",
                );
            }
            for name in group.get_ref() {
                if !known.contains(&name.as_str()) {
                    ok = false;
                    self.error(
                        group.span(),
                        format!("{what}: '{name}' in a one-of group is not one of its names"),
                        format!("use one of: {}", known.join(", ")),
                    );
                }
            }
            if ok {
                out.push(group.get_ref().clone());
            }
        }
        out
    }

    pub(super) fn ty(
        &mut self,
        text: &Spanned<String>,
        names: &TypeNames,
        label: &str,
    ) -> Option<Ty> {
        match types::parse(text.get_ref()) {
            Err(message) => {
                self.error(
                    text.span(),
                    format!("{label}: {message}"),
                    "write types like string, list<Server>, map<integer>",
                );
                None
            }
            Ok(expr) => self.resolve(&expr, text, names, label),
        }
    }

    pub(super) fn resolve(
        &mut self,
        expr: &TypeExpr,
        text: &Spanned<String>,
        names: &TypeNames,
        label: &str,
    ) -> Option<Ty> {
        Some(match expr {
            TypeExpr::List(inner) => Ty::List(Box::new(self.resolve(inner, text, names, label)?)),
            TypeExpr::Map(inner) => Ty::Map(Box::new(self.resolve(inner, text, names, label)?)),
            TypeExpr::Name(name) => match types::builtin(name) {
                Some(ty) => ty,
                None if names.models.contains(name) => Ty::Model(name.clone()),
                None if names.enums.contains(name) => Ty::Enum(name.clone()),
                None => {
                    let known: Vec<&str> = types::BUILTINS
                        .iter()
                        .copied()
                        .chain(names.models.iter().map(String::as_str))
                        .chain(names.enums.iter().map(String::as_str))
                        .collect();
                    let help = match closest(name, &known) {
                        Some(guess) => format!("did you mean '{guess}'? Types are {}, list<T>, map<T>, or a model or enum name", types::BUILTINS.join(", ")),
                        None => format!("expected one of {}, list<T>, map<T>, or a model or enum name", types::BUILTINS.join(", ")),
                    };
                    self.error(text.span(), format!("{label}: unknown type '{name}'"), help);
                    return None;
                }
            },
        })
    }

    pub(super) fn doc(&mut self, doc: &Spanned<String>, what: &str) {
        if doc.get_ref().trim().is_empty() {
            self.error(
                doc.span(),
                format!("{what} has an empty doc"),
                "say what it is, in a sentence of your own words",
            );
        }
    }
}
