//! What makes a password acceptable (ASVS 5.0, 6.2): long enough, not on the list of
//! passwords that attackers try first, and no composition rules. Length alone is not
//! enough: "password1234" is twelve characters and among the first a guesser tries, so a
//! password is also refused when what is left after stripping digits and symbols from its
//! ends, spaces and look-alike letters is itself a common password or a word tied to the
//! person or to Boundary.

use boundary_domain::FieldErrors;
use std::collections::HashSet;
use std::sync::LazyLock;

pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 256;

/// 55,000 passwords seen most often in breaches, lower-cased; see `data/README.md`.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
});

/// Words a guesser aiming at Boundary, or at this person, would try.
const SERVICE_WORDS: [&str; 4] = ["boundary", "boundaryapp", "doctor", "surgery"];

const COMMON_MESSAGE: &str = "This password is one that people trying to break in guess first. \
    Choose another: three or four unrelated words together are long and easy to remember";

/// # Errors
/// A field error under `password` saying what is wrong, in words a doctor understands.
pub fn check_password_rules(password: &str, context: &[&str]) -> Result<(), FieldErrors> {
    let n = password.chars().count();
    let problem = if n < PASSWORD_MIN {
        Some(format!(
            "Use at least {PASSWORD_MIN} characters: a few words together are easy to remember"
        ))
    } else if n > PASSWORD_MAX {
        Some(format!("Use at most {PASSWORD_MAX} characters"))
    } else if is_guessable(password, context) {
        Some(COMMON_MESSAGE.to_owned())
    } else {
        None
    };
    match problem {
        Some(m) => Err(FieldErrors::one("password", m)),
        None => Ok(()),
    }
}

fn is_guessable(password: &str, context: &[&str]) -> bool {
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return true;
    }
    let core = core_of(&lower);
    if core.chars().count() < 4 {
        // Nothing but digits and symbols around a scrap of letters: judge the whole.
        let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
        return is_repetitive(&compact) || is_sequence(&compact);
    }
    COMMON.contains(core.as_str())
        || is_repetitive(&core)
        || is_sequence(&core)
        || personal_words(context).any(|w| w == core)
}

/// The letters at the heart of a password: spaces gone, look-alike digits and symbols
/// read as letters, and digits or symbols at either end removed.
fn core_of(lower: &str) -> String {
    let trimmed = lower.trim_matches(|c: char| !c.is_alphabetic() && !is_lookalike(c));
    let unleet: String = trimmed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_' && *c != '.')
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            other => other,
        })
        .collect();
    // Look-alikes at the ends were kept only so that "p@ssw0rd" reads as a word; digits
    // left dangling after that ("password1") still go.
    unleet.trim_matches(|c: char| !c.is_alphabetic()).to_owned()
}

fn is_lookalike(c: char) -> bool {
    matches!(c, '@' | '$')
}

/// "aaaaaaaaaaaa", "abcabcabcabc", "qwertyqwerty".
fn is_repetitive(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    (1..=n / 2)
        .filter(|unit| n.is_multiple_of(*unit))
        .any(|unit| chars.chunks(unit).all(|c| c == &chars[..unit]))
}

/// Runs up or down the alphabet or the digits: "abcdefghijkl", "987654321098".
fn is_sequence(s: &str) -> bool {
    let chars: Vec<u32> = s.chars().map(u32::from).collect();
    if chars.len() < 4 {
        return false;
    }
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| i64::from(w[1]) - i64::from(w[0]))
        .collect();
    // '0' after '9' and '9' after '0' count as continuing the run.
    let fits = |step: i64| {
        steps
            .iter()
            .all(|d| *d == step || (step == 1 && *d == -9) || (step == -1 && *d == 9))
    };
    fits(1) || fits(-1)
}

fn personal_words<'a>(context: &'a [&'a str]) -> impl Iterator<Item = String> + 'a {
    SERVICE_WORDS
        .iter()
        .map(|w| (*w).to_owned())
        .chain(context.iter().flat_map(|c| {
            let c = c.to_lowercase();
            let local = c.split('@').next().unwrap_or_default().to_owned();
            let mut words: Vec<String> = local
                .split(|ch: char| !ch.is_alphabetic())
                .chain(c.split(|ch: char| !ch.is_alphabetic()))
                .filter(|w| w.chars().count() >= 4)
                .map(str::to_owned)
                .collect();
            words.push(local.chars().filter(|ch| ch.is_alphabetic()).collect());
            words.push(c.chars().filter(|ch| ch.is_alphabetic()).collect());
            words.push(core_of(&c));
            words
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_guessers_try_first() {
        for p in [
            "short",
            "password1234",
            "P@ssw0rd2024!",
            "iloveyou12345",
            "qwertyuiop123",
            "1q2w3e4r5t6y",
            "aaaaaaaaaaaa",
            "abcabcabcabc",
            "123456789012",
            "abcdefghijkl",
            "  dragon  123456",
            "Boundary2026!",
            "sarahjones1234",
            "sarah.jones99!",
            "sarah.jones@example.nhs.uk1",
        ] {
            assert!(
                check_password_rules(p, &["sarah.jones@example.nhs.uk", "Sarah Jones"]).is_err(),
                "{p} should be refused"
            );
        }
    }

    #[test]
    fn accepts_long_passphrases_without_rules_about_symbols() {
        for p in [
            "correct horse battery staple",
            "marmalade tractor evening",
            "seven purple umbrellas",
            "9 lighthouses in fog",
            "zq8#Lm2!vR4x",
        ] {
            assert!(
                check_password_rules(p, &["sarah.jones@example.nhs.uk"]).is_ok(),
                "{p} should be accepted"
            );
        }
    }

    #[test]
    fn the_list_is_large_and_lower_case() {
        assert!(COMMON.len() > 50_000);
        assert!(COMMON.iter().all(|p| p.to_lowercase() == *p));
    }

    #[test]
    fn an_over_long_password_is_refused_with_the_limit() {
        let e = check_password_rules(&"x".repeat(PASSWORD_MAX + 1), &[]).unwrap_err();
        let (_, message) = e.iter().next().unwrap();
        assert!(message.contains("256"), "{message}");
    }
}
