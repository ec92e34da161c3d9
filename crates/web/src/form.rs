//! A submitted form as the person typed it, with its errors, so that a refused form
//! comes back with their words still in it.

use boundary_domain::FieldErrors;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub(crate) struct FormState {
    values: BTreeMap<String, String>,
    /// The fields in the order the page shows them: the order a browser posts them,
    /// then any named with [`Self::naming`].
    order: Vec<String>,
    /// What the error summary calls a field whose own label is far from the summary (a
    /// question, a checklist step).
    names: BTreeMap<String, String>,
    pub errors: FieldErrors,
}

impl FormState {
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut order: Vec<String> = Vec::new();
        for (k, _) in &pairs {
            if !order.contains(k) {
                order.push(k.clone());
            }
        }
        Self {
            values: pairs.into_iter().collect(),
            order,
            names: BTreeMap::new(),
            errors: FieldErrors::new(),
        }
    }

    /// Names `field` in the error summary ("Risk question 3: Answer yes or no"), and puts
    /// it in the summary's order if the browser did not send it (an unanswered radio).
    pub(crate) fn naming(mut self, field: &str, name: &str) -> Self {
        if !self.order.iter().any(|f| f == field) {
            self.order.push(field.to_owned());
        }
        self.names.insert(field.to_owned(), name.to_owned());
        self
    }

    pub(crate) fn with(mut self, field: &str, value: &str) -> Self {
        self.values.insert(field.to_owned(), value.to_owned());
        self
    }

    pub(crate) fn with_errors(mut self, errors: FieldErrors) -> Self {
        self.errors = errors;
        self
    }

    /// The typed value, or "" — what the template puts back in the field.
    pub(crate) fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    pub(crate) fn opt(&self, field: &str) -> Option<String> {
        self.values.get(field).cloned()
    }

    /// A password as typed, wrapped for the app: it is never shown back or logged.
    pub(crate) fn secret(&self, field: &str) -> boundary_app::SecretString {
        boundary_app::SecretString::from(self.value(field).to_owned())
    }

    pub(crate) fn is(&self, field: &str, value: &str) -> bool {
        self.value(field) == value
    }

    pub(crate) fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Errors in the order the form shows its fields, each with what it is called where
    /// that has been given, for the error summary.
    pub(crate) fn summary(&self) -> Vec<(&str, String)> {
        let place = |f: &str| self.order.iter().position(|o| o == f).unwrap_or(usize::MAX);
        let mut found: Vec<(&str, String)> = self
            .errors
            .iter()
            .map(|(f, m)| match self.names.get(f) {
                Some(name) => (f, format!("{name}: {m}")),
                None => (f, m.to_owned()),
            })
            .collect();
        found.sort_by_key(|(f, _)| place(f));
        found
    }
}
