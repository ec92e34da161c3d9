//! Invalid input is reported field by field, each with a sentence a doctor understands.

use std::collections::BTreeMap;

/// A map from a form or JSON field name to what is wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{} field(s) need correcting", .0.len())]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn one(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }

    /// Keeps the first problem found for a field: it is usually the most basic one.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    /// Runs a parser, recording its error under `field`, and gives back the value if any.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    /// Adds every error of `other`.
    pub fn extend(&mut self, other: FieldErrors) {
        for (field, message) in other.into_map() {
            self.add(&field, message);
        }
    }

    /// The same errors with `from`'s filed under `to`: for a form that asks for a value
    /// in another field than the one the rules name.
    #[must_use]
    pub fn renamed(mut self, from: &str, to: &str) -> Self {
        if let Some(message) = self.0.remove(from) {
            self.0.insert(to.to_owned(), message);
        }
        self
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[must_use]
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Ok(())` when nothing was wrong.
    ///
    /// # Errors
    /// Returns itself when any field had a problem.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    #[must_use]
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }
}
