//! Free text as people type it: trimmed, bounded, without invisible control characters.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{0}")]
    Missing(&'static str),
    #[error("Keep this to {max} characters or fewer (it has {len})")]
    TooLong { max: usize, len: usize },
    #[error("This contains characters that cannot be stored; remove them and try again")]
    ControlCharacters,
    #[error("Write this on one line of plain text: it cannot hold line breaks, tabs or hidden control characters (such as escape codes), which could hide or disguise what others read")]
    HiddenCharacters,
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

/// Characters that change how a terminal or a page lays text out rather than showing
/// something: the C0 and C1 controls and DEL (ESC starts ANSI sequences, CR returns to the
/// start of a line), the line and paragraph separators, and the bidirectional overrides
/// and isolates that can make text read in another order. Text that reaches someone
/// else's screen — a withholding reason printed by a bundle verifier — may hold none of
/// these; verifiers show any they meet as [`printable`] escapes. The same set is written
/// out in `docs/bundle-format.md` for other verifiers.
#[must_use]
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Bidirectional marks, overrides and isolates; line and paragraph separators.
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            // Characters that show nothing, or show as a space that is not one: text with
            // them can pass for other text.
            | '\u{00A0}' | '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
            | '\u{17B5}' | '\u{180E}' | '\u{2000}'..='\u{200D}' | '\u{202F}' | '\u{205F}'
            | '\u{2060}'..='\u{2064}' | '\u{3000}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}'
        )
}

/// `s` with every [`is_hidden`] character written as a `\u{1b}`-style escape, so that
/// whatever a file says can be printed on a terminal without moving the cursor, erasing
/// a line or reordering what follows.
#[must_use]
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write;
    if !s.chars().any(is_hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hidden(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One line of plain text that others will read outside Boundary (a reason for
/// withholding entries from an export): trimmed, bounded, blank as `None`, and refused
/// when it holds a line break, a tab or any other [`is_hidden`] character.
///
/// # Errors
/// `HiddenCharacters` for a hidden character; too long.
pub fn one_line(raw: &str, max: usize) -> Result<Option<String>, TextError> {
    let s = raw.trim();
    if s.chars().any(|c| is_hidden(c) || c == '\t') {
        return Err(TextError::HiddenCharacters);
    }
    let len = s.chars().count();
    if len > max {
        return Err(TextError::TooLong { max, len });
    }
    Ok((!s.is_empty()).then(|| s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_refused_on_one_line_and_escaped_for_printing() {
        assert_eq!(
            one_line("  names a neighbour ", 40).unwrap().as_deref(),
            Some("names a neighbour")
        );
        assert_eq!(one_line("  ", 40).unwrap(), None);
        for bad in [
            "a\u{1b}[2Kb",
            "a\rb",
            "a\nb",
            "a\tb",
            "a\u{9b}b",
            "a\u{7f}b",
            "a\u{202e}b",
            "a\u{2028}b",
        ] {
            assert_eq!(
                one_line(bad, 40),
                Err(TextError::HiddenCharacters),
                "{bad:?}"
            );
        }
        assert_eq!(
            printable("ok\u{1b}[2K\rnext\u{202e}é"),
            "ok\\u{1b}[2K\\u{d}next\\u{202e}é"
        );
        assert!(matches!(
            printable("plain é"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

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
