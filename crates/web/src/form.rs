//! A submitted form as the person typed it, with its errors, so that a refused form
//! comes back with their words still in it.

use boundary_domain::FieldErrors;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub(crate) struct FormState {
    values: BTreeMap<String, String>,
    pub errors: FieldErrors,
}

impl FormState {
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self {
            values: pairs.into_iter().collect(),
            errors: FieldErrors::new(),
        }
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

    pub(crate) fn is(&self, field: &str, value: &str) -> bool {
        self.value(field) == value
    }

    pub(crate) fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Errors in the order the form shows its fields, for the error summary.
    pub(crate) fn summary(&self) -> Vec<(&str, &str)> {
        self.errors.iter().collect()
    }
}
