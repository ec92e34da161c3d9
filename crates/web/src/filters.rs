//! Filters the templates use, found by askama as `filters::…` beside each page.

use askama::{Result, Values};
use std::fmt::Display;

/// User text inside a first-strong isolate (U+2068 … U+2069), for places markup cannot
/// go, such as a page's `<title>`: a bidirectional control in the text (U+202E …) then
/// cannot reorder what comes after it. Elsewhere pages use `<bdi>` or `dir="auto"`.
#[allow(clippy::unnecessary_wraps)] // askama's filter signature
pub fn isolated(s: impl Display, _: &dyn Values) -> Result<String> {
    Ok(format!("\u{2068}{s}\u{2069}"))
}
