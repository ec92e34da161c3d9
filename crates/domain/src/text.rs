//! Free text as people type it: trimmed, bounded, without invisible control characters.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{0}")]
    Missing(&'static str),
    #[error("Keep this to {max} characters or fewer (it has {len})")]
    TooLong { max: usize, len: usize },
    #[error("This contains characters that cannot be stored; remove them and try again")]
    ControlCharacters,
}

fn clean(raw: &str, max: usize) -> Result<String, TextError> {
    // Windows line endings from a pasted message become plain newlines.
    let s = raw.trim().replace("\r\n", "\n");
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(TextError::ControlCharacters);
    }
    let len = s.chars().count();
    if len > max {
        return Err(TextError::TooLong { max, len });
    }
    Ok(s)
}

/// # Errors
/// `Missing(message)` when blank; too long; control characters.
pub fn required(raw: &str, max: usize, message: &'static str) -> Result<String, TextError> {
    let s = clean(raw, max)?;
    if s.is_empty() {
        Err(TextError::Missing(message))
    } else {
        Ok(s)
    }
}

/// Blank becomes `None`.
///
/// # Errors
/// Too long; control characters.
pub fn optional(raw: &str, max: usize) -> Result<Option<String>, TextError> {
    let s = clean(raw, max)?;
    Ok(if s.is_empty() { None } else { Some(s) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(
            optional("  hi \r\n there ", 20).unwrap().as_deref(),
            Some("hi \n there")
        );
        assert_eq!(optional("   ", 20).unwrap(), None);
        assert!(matches!(
            required(" ", 5, "Say"),
            Err(TextError::Missing("Say"))
        ));
        assert!(matches!(
            optional("abcdef", 5),
            Err(TextError::TooLong { max: 5, len: 6 })
        ));
        assert!(matches!(
            optional("a\u{0}b", 5),
            Err(TextError::ControlCharacters)
        ));
        // Characters, not bytes, are counted: a doctor's limit should not shrink for accents.
        assert!(optional("ééééé", 5).is_ok());
    }
}
