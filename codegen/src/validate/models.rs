//! Models and enums.

use super::*;

impl At<'_> {
    pub(super) fn enumeration(&mut self, entry: &Spanned<spec::EnumEntry>) -> Option<ir::Enum> {
        let e = entry.get_ref();
        if e.values.is_empty() {
            self.error(
                e.name.span(),
                format!("enum '{}' has no values", e.name.get_ref()),
                "list its values, each with a doc",
            );
        }
        let mut values = Vec::new();
        let mut seen_rust = BTreeSet::new();
        for v in &e.values {
            let v = v.get_ref();
            let rust = match &v.rust {
                Some(r) => r.get_ref().clone(),
                None => v.value.get_ref().to_upper_camel_case(),
            };
            let span = v.rust.as_ref().map_or(v.value.span(), |r| r.span());
            if !is_camel_ident(&rust) || rust == "Unknown" {
                self.error(
                    span,
                    format!(
                        "enum value '{}' gives the variant name '{rust}', which is not usable",
                        v.value.get_ref()
                    ),
                    "add rust = \"SomeName\" (UpperCamelCase, not 'Unknown')",
                );
            } else if !seen_rust.insert(rust.clone()) {
                self.error(
                    span,
                    format!(
                        "enum value '{}' gives the variant name '{rust}' twice",
                        v.value.get_ref()
                    ),
                    "add rust = \"...\" to tell the values apart",
                );
            }
            self.doc(
                &Spanned::new(v.value.span(), v.doc.clone()),
                &format!("enum value '{}'", v.value.get_ref()),
            );
            values.push(ir::EnumValue {
                value: v.value.get_ref().clone(),
                rust,
                doc: v.doc.clone(),
            });
        }
        self.doc(&e.doc, &format!("enum '{}'", e.name.get_ref()));
        Some(ir::Enum {
            name: e.name.get_ref().clone(),
            group: String::new(),
            doc: e.doc.get_ref().clone(),
            values,
        })
    }

    pub(super) fn model(
        &mut self,
        entry: &Spanned<spec::ModelEntry>,
        names: &TypeNames,
    ) -> Option<ir::Model> {
        let m = entry.get_ref();
        let what = format!("model '{}'", m.name.get_ref());
        self.doc(&m.doc, &what);
        let mut fields = Vec::new();
        let mut rust_names = BTreeSet::new();
        let mut wire_paths: Vec<Vec<String>> = Vec::new();
        for f in &m.fields {
            let f = f.get_ref();
            let wire: Vec<String> = f.name.get_ref().split('.').map(str::to_owned).collect();
            if wire.iter().any(String::is_empty) {
                self.error(
                    f.name.span(),
                    format!("field name '{}' has an empty part", f.name.get_ref()),
                    "write dotted names like \"properties.name\"",
                );
                continue;
            }
            for key in [
                ("wire", f.wire.as_ref().map(|s| s.span())),
                ("in", f.location.as_ref().map(|s| s.span())),
                ("default", f.default.as_ref().map(|s| s.span())),
                ("allow_slash", f.allow_slash.as_ref().map(|s| s.span())),
                ("flatten", f.flatten.as_ref().map(|s| s.span())),
                ("nullable", f.nullable.as_ref().map(|s| s.span())),
            ] {
                if let (name, Some(span)) = key {
                    self.error(
                        span,
                        format!("'{name}' is only for operation parameters, not model fields"),
                        "remove it (a field's wire name is its `name`)",
                    );
                }
            }
            let rust = match &f.rust {
                Some(r) => r.get_ref().clone(),
                None => wire.last().map(|w| w.to_snake_case()).unwrap_or_default(),
            };
            let rust_span = f.rust.as_ref().map_or(f.name.span(), |r| r.span());
            if !is_snake_ident(&rust) || NOT_RAW_IDENTS.contains(&rust.as_str()) {
                self.error(
                    rust_span,
                    format!(
                        "field '{}' gets the Rust name '{rust}', which is not a usable identifier",
                        f.name.get_ref()
                    ),
                    "add rust = \"some_name\" (snake_case)",
                );
                continue;
            }
            if !rust_names.insert(rust.clone()) {
                self.error(
                    rust_span,
                    format!("two fields of {what} have the Rust name '{rust}'"),
                    "add rust = \"...\" to one of them",
                );
                continue;
            }
            // two list fields may share a wire path: their items go into one list
            let shares_a_list = |p: &Vec<String>| {
                *p == wire
                    && f.ty.get_ref().starts_with("list<")
                    && m.fields.iter().any(|o| {
                        o.get_ref().name.get_ref().split('.').eq(p.iter().map(String::as_str))
                            && o.get_ref().ty.get_ref().starts_with("list<")
                    })
            };
            if let Some(clash) = wire_paths
                .iter()
                .find(|p| (p.starts_with(&wire) || wire.starts_with(p)) && !shares_a_list(p))
            {
                self.error(
                    f.name.span(),
                    format!("field '{}' overlaps field '{}'", f.name.get_ref(), clash.join(".")),
                    "a wire name may not be a prefix of another",
                );
                continue;
            }
            wire_paths.push(wire.clone());
            let label = format!("field '{}' of {what}", f.name.get_ref());
            let Some(ty) = self.ty(&f.ty, names, &label) else { continue };
            self.doc(&f.doc, &label);
            let constraints = self.constraints(f, &ty, &label);
            let secret = is_secret(f, &rust);
            fields.push(ir::Field {
                wire,
                rust,
                ty,
                required: f.required,
                doc: f.doc.get_ref().clone(),
                deprecated: f.deprecated.clone(),
                constraints,
                secret,
            });
        }
        let known: Vec<&str> = fields.iter().map(|f| f.rust.as_str()).collect();
        let at_least_one_of = self.groups(&m.at_least_one_of, &known, &what);
        let at_most_one_of = self.groups(&m.at_most_one_of, &known, &what);
        let members: Vec<(&str, &Ty)> = fields.iter().map(|f| (f.rust.as_str(), &f.ty)).collect();
        let requires = self.requirements(&m.requires, &members, &what);
        let nested = fields.iter().any(|f| f.wire.len() > 1);
        let from_string = m.from_string.as_ref().and_then(|name| {
            let others_required =
                fields.iter().any(|f| f.required && f.rust != *name.get_ref());
            match fields.iter().find(|f| f.rust == *name.get_ref()) {
                Some(f) if f.ty == Ty::String && !others_required && !nested => {
                    Some(name.get_ref().clone())
                }
                _ => {
                    self.error(
                        name.span(),
                        format!(
                            "{what}: from_string '{}' must name a string field, and every other field must be optional",
                            name.get_ref()
                        ),
                        "name the string field a bare string answer stands for (its Rust name)",
                    );
                    None
                }
            }
        });
        Some(ir::Model {
            group: String::new(),
            name: m.name.get_ref().clone(),
            doc: m.doc.get_ref().clone(),
            fields,
            at_least_one_of,
            at_most_one_of,
            requires,
            nested,
            input: false,
            output: false,
            checked: false,
            from_string,
        })
    }
}
