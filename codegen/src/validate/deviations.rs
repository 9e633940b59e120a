//! Deviations: the spec's recorded differences from the source material.

use super::*;

impl At<'_> {
    /// One deviation per parameter it names (or one for the whole operation).
    pub(super) fn deviation(
        &mut self,
        entry: &Spanned<spec::DeviationEntry>,
    ) -> Vec<ir::Deviation> {
        let d = entry.get_ref();
        if d.reason.get_ref().trim().is_empty() {
            self.error(
                d.reason.span(),
                format!("the deviation for '{}' gives no reason", d.operation.get_ref()),
                "say why the spec differs from the source (an erratum, a removed method, ...)",
            );
            return Vec::new();
        }
        let parameters: Vec<Option<String>> = match (&d.parameter, &d.parameters) {
            (Some(_), Some(list)) => {
                self.error(
                    list.span(),
                    "a deviation names either `parameter` or `parameters`, not both",
                    "move the single parameter into the list",
                );
                return Vec::new();
            }
            (None, Some(list)) if list.get_ref().is_empty() => {
                self.error(
                    list.span(),
                    "`parameters` is empty",
                    "list the parameters, or leave the key out to cover the whole operation",
                );
                return Vec::new();
            }
            (None, Some(list)) => list.get_ref().iter().cloned().map(Some).collect(),
            (parameter, None) => vec![parameter.clone()],
        };
        let place = self.file.error(d.operation.span(), "", None);
        let place = format!("{}:{}:{}", place.file, place.line, place.column);
        parameters
            .into_iter()
            .map(|parameter| ir::Deviation {
                operation: d.operation.get_ref().clone(),
                parameter,
                reason: d.reason.get_ref().trim().to_owned(),
                place: place.clone(),
            })
            .collect()
    }
}
