//! Resource handles and their waits.

use super::*;

impl At<'_> {
    pub(super) fn handle(
        &mut self,
        entry: &Spanned<spec::HandleEntry>,
        ops: &[&ir::Operation],
        models: &[ir::Model],
        earlier: &[ir::ResourceHandle],
    ) -> Option<ir::ResourceHandle> {
        let h = entry.get_ref();
        let name = h.name.get_ref();
        let what = format!("handle '{name}'");
        if !is_snake_ident(name) || NOT_RAW_IDENTS.contains(&name.as_str()) {
            self.error(
                h.name.span(),
                format!("'{name}' is not a valid handle name"),
                "use a snake_case name, e.g. \"server\" for client.server(id)",
            );
            return None;
        }
        let clash = earlier.iter().any(|e| &e.name == name)
            || ops.iter().any(|op| op.name.split('.').next() == Some(name.as_str()));
        if clash {
            self.error(
                h.name.span(),
                format!("{what} clashes with another handle, operation or namespace of the client"),
                "give the handle its own name",
            );
            return None;
        }
        self.doc(&h.doc, &what);
        let id = h.id.get_ref();
        let mut methods: Vec<ir::HandleMethod> = Vec::new();
        for m in &h.methods {
            let m = m.get_ref();
            let (method, op_name) = (m.name.get_ref(), m.operation.get_ref());
            if !is_snake_ident(method)
                || method == "id"
                || method.starts_with("wait_for")
                || methods.iter().any(|m| &m.name == method)
            {
                self.error(m.name.span(), format!("{what}: method name '{method}' is not usable"), "use a snake_case name that is unique in the handle (not 'id' or 'wait_for...')");
                continue;
            }
            match ops.iter().find(|op| &op.name == op_name) {
                None => self.error(
                    m.operation.span(),
                    format!("{what}: unknown operation '{op_name}'"),
                    "name an operation of this provider",
                ),
                Some(op)
                    if !op
                        .params
                        .iter()
                        .any(|p| &p.name == id && p.required && p.ty == Ty::String) =>
                {
                    self.error(
                        m.operation.span(),
                        format!(
                            "{what}: operation '{op_name}' has no required string parameter '{id}'"
                        ),
                        "a handle's methods call operations that take its id",
                    )
                }
                Some(_) => methods
                    .push(ir::HandleMethod { name: method.clone(), operation: op_name.clone() }),
            }
        }
        let wait = match &h.wait {
            Some(w) => Some(self.wait(w.get_ref(), id, ops, models, &what)?),
            None => None,
        };
        Some(ir::ResourceHandle {
            name: name.clone(),
            doc: h.doc.get_ref().clone(),
            id: id.clone(),
            methods,
            wait,
        })
    }

    pub(super) fn wait(
        &mut self,
        w: &spec::WaitEntry,
        id: &str,
        ops: &[&ir::Operation],
        models: &[ir::Model],
        what: &str,
    ) -> Option<ir::WaitSpec> {
        let op_name = w.operation.get_ref();
        let Some(op) = ops.iter().find(|op| &op.name == op_name) else {
            self.error(
                w.operation.span(),
                format!("{what}: unknown operation '{op_name}' to poll"),
                "name an operation of this provider that returns the resource",
            );
            return None;
        };
        if !op.params.iter().any(|p| p.name == id && p.required)
            || op.params.iter().filter(|p| p.required).count() != 1
        {
            self.error(w.operation.span(), format!("{what}: the polled operation '{op_name}' must take the id '{id}' as its only required argument"), "poll the operation that fetches the resource (or its status) by id");
            return None;
        }
        // walk the state path through the answer's models
        let mut path = Vec::new();
        let mut ty = op.returns.clone();
        for segment in w.state.get_ref().split('.') {
            let model = match &ty {
                Some(Ty::Model(name)) => models.iter().find(|m| &m.name == name),
                _ => None,
            };
            let field = model.and_then(|m| m.fields.iter().find(|f| f.rust == segment));
            path.extend(field.map(|f| ir::StateStep {
                field: f.rust.clone(),
                wire: f.wire.join("."),
                required: f.required,
            }));
            ty = field.map(|f| f.ty.clone());
            if ty.is_none() {
                self.error(w.state.span(), format!("{what}: the answer of '{op_name}' has no field '{segment}' on the way to the state"), "write the path with Rust field names, e.g. \"status.state\"");
                return None;
            }
        }
        if !matches!(ty, Some(Ty::String | Ty::Enum(_))) {
            self.error(
                w.state.span(),
                format!("{what}: the state '{}' is not a string or enum", w.state.get_ref()),
                "point at the field that holds the state's name",
            );
            return None;
        }
        if w.done.get_ref().is_empty() {
            self.error(
                w.done.span(),
                format!("{what}: no state ends the wait"),
                "list the states that mean done, e.g. [\"ACTIVE\"]",
            );
        }
        let seconds = |at: &mut Self, value: &Spanned<i64>, key: &str| match u64::try_from(
            *value.get_ref(),
        ) {
            Ok(n) if n > 0 => Some(n),
            _ => {
                at.error(
                    value.span(),
                    format!("{what}: '{key}' must be a positive number of seconds"),
                    "e.g. interval = 5",
                );
                None
            }
        };
        let interval_secs = seconds(self, &w.interval, "interval")?;
        let timeout_secs = seconds(self, &w.timeout, "timeout")?;
        Some(ir::WaitSpec {
            operation: op_name.clone(),
            state: path,
            done: w.done.get_ref().clone(),
            failed: w.failed.clone(),
            interval_secs,
            timeout_secs,
        })
    }
}
