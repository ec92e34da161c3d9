//! The case page's pictures, drawn on the server as SVG: no script, no inline style (the
//! Content-Security-Policy allows neither), and each with words a screen reader can read.
//! Every value written into the SVG is a number or one of Boundary's own labels.

use boundary_domain::advice::patterns::{weekday_name, Period, Span};
use boundary_domain::Channel;
use std::fmt::Write;
use time::macros::format_description;

/// One colour per channel, from the NHS palette, distinct enough side by side.
fn colour(c: Channel) -> &'static str {
    match c {
        Channel::InConsultation => "#005eb8",
        Channel::AtWorkplace => "#41b6e6",
        Channel::AtHome => "#d5281b",
        Channel::PhoneCall => "#330072",
        Channel::TextMessage => "#007f3b",
        Channel::Email => "#ffb81c",
        Channel::LetterOrCard => "#7c2855",
        Channel::Gift => "#ed8b00",
        Channel::SocialMediaRequest => "#00a499",
        Channel::SocialMediaMessage => "#003087",
        Channel::SocialMediaPost => "#78be20",
        Channel::ViaThirdParty => "#ae2573",
        Channel::Other => "#768692",
    }
}

/// Big enough to read when a phone shrinks the picture to half its size.
const FONT: usize = 20;

fn short_date(d: time::Date) -> String {
    d.format(format_description!("[day padding:none] [month repr:short]"))
        .unwrap_or_default()
}

/// A bar's period in words: "the week of 23 Nov", "November 2026", "2026".
fn period_name(span: Span, starts: time::Date) -> String {
    match span {
        Span::Week => format!("the week of {}", short_date(starts)),
        Span::Month => starts
            .format(format_description!("[month repr:long] [year]"))
            .unwrap_or_default(),
        Span::Year => starts.year().to_string(),
    }
}

/// Under a bar, every other one: short enough for a phone.
fn bar_label(span: Span, starts: time::Date) -> String {
    match span {
        Span::Week => short_date(starts),
        Span::Month => starts
            .format(format_description!(
                "[month repr:short] [year repr:last_two]"
            ))
            .unwrap_or_default(),
        Span::Year => starts.year().to_string(),
    }
}

fn span_name(span: Span) -> &'static str {
    match span {
        Span::Week => "week",
        Span::Month => "month",
        Span::Year => "year",
    }
}

/// Contacts per week, month or year over the case, stacked by channel, and its words.
pub(crate) fn bars(span: Span, bars: &[Period]) -> (String, String) {
    let max = bars.iter().map(Period::total).max().unwrap_or(0).max(1);
    let (left, top, bar_w, gap, h) = (44usize, 14usize, 40usize, 10usize, 150usize);
    let width = left + bars.len() * (bar_w + gap);
    let total: usize = bars.iter().map(Period::total).sum();
    let busiest = bars
        .iter()
        .max_by_key(|w| w.total())
        .filter(|w| w.total() > 0);
    let over = match (span, bars.first()) {
        (Span::Week, _) | (_, None) => format!("in the last {} weeks", bars.len()),
        (_, Some(first)) => format!("since {}", period_name(span, first.starts)),
    };
    let words = match busiest {
        None => format!("No contacts {over}."),
        Some(b) => format!(
            "{total} contact{} {over}; the most, {}, in {}.",
            if total == 1 { "" } else { "s" },
            b.total(),
            period_name(span, b.starts)
        ),
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} 196\" role=\"img\" \
         aria-labelledby=\"weekly-title weekly-desc\" class=\"boundary-chart\">\
         <title id=\"weekly-title\">Contacts each {}, by how they happened</title>\
         <desc id=\"weekly-desc\">{words}</desc>",
        span_name(span)
    );
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{width}\" y2=\"{}\" stroke=\"#4c6272\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"{FONT}\" text-anchor=\"end\" fill=\"#4c6272\">{max}</text>\
         <text x=\"{}\" y=\"{}\" font-size=\"{FONT}\" text-anchor=\"end\" fill=\"#4c6272\">0</text>",
        top + h,
        top + h,
        left - 6,
        top + 10,
        left - 6,
        top + h
    );
    for (i, w) in bars.iter().enumerate() {
        let x = left + gap / 2 + i * (bar_w + gap);
        let mut y = top + h;
        for (c, n) in &w.by_channel {
            let bh = n * h / max;
            y -= bh;
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{bar_w}\" height=\"{bh}\" fill=\"{}\"><title>{}: {n}</title></rect>",
                colour(*c),
                c.label()
            );
        }
        if i % 2 == 0 {
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\" font-size=\"{FONT}\" text-anchor=\"middle\" fill=\"#4c6272\">{}</text>",
                x + bar_w / 2,
                top + h + 24,
                bar_label(span, w.starts)
            );
        }
    }
    svg.push_str("</svg>");
    (svg, words)
}

/// The bars as rows of words — (period, total, by channel) — for a table under the
/// picture: the colours cannot be told apart by everyone, and a bar cannot be read by touch.
pub(crate) fn bar_rows(span: Span, bars: &[Period]) -> Vec<(String, usize, String)> {
    bars.iter()
        .rev()
        .map(|w| {
            let channels = w
                .by_channel
                .iter()
                .map(|(c, n)| format!("{} {n}", c.label()))
                .collect::<Vec<_>>()
                .join(", ");
            let name = period_name(span, w.starts);
            let name = match name.strip_prefix("the week") {
                Some(rest) => format!("Week{rest}"),
                None => name,
            };
            (name, w.total(), channels)
        })
        .collect()
}

/// The heat map as rows of words — (weekday, contacts with a known time, the busiest
/// hours) — for a table under it, for the same reasons as [`bar_rows`].
pub(crate) fn heat_rows(grid: &[[usize; 24]; 7]) -> Vec<(&'static str, usize, String)> {
    grid.iter()
        .enumerate()
        .map(|(day, hours)| {
            let total: usize = hours.iter().sum();
            let most = hours.iter().copied().max().unwrap_or(0);
            let busiest = if most == 0 {
                "—".to_owned()
            } else {
                hours
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n == most)
                    .map(|(h, _)| format!("{h:02}:00–{:02}:00", (h + 1) % 24))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            (weekday_name(day), total, busiest)
        })
        .collect()
}

/// The channels that appear, for the legend: (label, colour).
pub(crate) fn legend(weeks: &[Period]) -> Vec<(&'static str, &'static str)> {
    Channel::ALL
        .iter()
        .filter(|c| {
            weeks
                .iter()
                .any(|w| w.by_channel.iter().any(|(wc, _)| wc == *c))
        })
        .map(|c| (c.label(), colour(*c)))
        .collect()
}

/// Contacts by weekday and hour as a heat map, and its words.
pub(crate) fn heat_map(grid: &[[usize; 24]; 7]) -> (String, String) {
    let max = grid.iter().flatten().copied().max().unwrap_or(0);
    let (left, top, cell) = (52usize, 24usize, 22usize);
    let width = left + 24 * cell;
    let height = top + 7 * cell + 4;
    let words = if max == 0 {
        "No contacts with a known time yet.".to_owned()
    } else {
        let (day, hour) = (0..7)
            .flat_map(|d| (0..24).map(move |h| (d, h)))
            .max_by_key(|(d, h)| (grid[*d][*h], std::cmp::Reverse((*d, *h))))
            .unwrap_or((0, 0));
        let night: usize = grid
            .iter()
            .map(|r| r[..7].iter().sum::<usize>() + r[22..].iter().sum::<usize>())
            .sum();
        format!(
            "The most contacts, {}, came on {}s between {hour}:00 and {}:00. {night} came at night, between 10 pm and 7 am.",
            grid[day][hour],
            weekday_name(day),
            hour + 1
        )
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-labelledby=\"heat-title heat-desc\" class=\"boundary-chart\">\
         <title id=\"heat-title\">Contacts by day of the week and hour of the day</title>\
         <desc id=\"heat-desc\">{words}</desc>"
    );
    for h in (0..24).step_by(6) {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"{FONT}\" fill=\"#4c6272\">{h}:00</text>",
            left + h * cell,
            top - 4
        );
    }
    for (d, row) in grid.iter().enumerate() {
        let y = top + d * cell;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"{FONT}\" text-anchor=\"end\" fill=\"#4c6272\">{}</text>",
            left - 6,
            y + 17,
            &weekday_name(d)[..3]
        );
        for (h, n) in row.iter().enumerate() {
            // Five steps of blue: none, then quarters of the busiest hour.
            let fill = match (n * 4).div_ceil(max.max(1)) {
                0 => "#e8edee",
                1 => "#c6dbef",
                2 => "#6baed6",
                3 => "#2171b5",
                _ => "#003087",
            };
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"><title>{} {h}:00: {n}</title></rect>",
                left + h * cell,
                cell - 2,
                cell - 2,
                weekday_name(d)
            );
        }
    }
    svg.push_str("</svg>");
    (svg, words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_pictures_carry_their_words_and_no_style() {
        let weeks = vec![
            Period {
                starts: date!(2026 - 11 - 16),
                by_channel: vec![],
            },
            Period {
                starts: date!(2026 - 11 - 23),
                by_channel: vec![(Channel::AtHome, 2), (Channel::Email, 1)],
            },
        ];
        let (svg, words) = bars(Span::Week, &weeks);
        assert_eq!(
            words,
            "3 contacts in the last 2 weeks; the most, 3, in the week of 23 Nov."
        );
        assert!(svg.contains("<desc id=\"weekly-desc\">3 contacts") && !svg.contains("style"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert_eq!(legend(&weeks).len(), 2);
        let (svg, words) = bars(Span::Month, &weeks[1..]);
        assert_eq!(
            words,
            "3 contacts since November 2026; the most, 3, in November 2026."
        );
        assert!(
            svg.contains(">Contacts each month, by how they happened<") && svg.contains(">Nov 26<")
        );
        assert_eq!(bar_rows(Span::Month, &weeks[1..])[0].0, "November 2026");
        assert_eq!(bar_rows(Span::Week, &weeks)[0].0, "Week of 23 Nov");

        let mut grid = [[0usize; 24]; 7];
        grid[5][23] = 3;
        grid[0][9] = 1;
        let (svg, words) = heat_map(&grid);
        assert!(
            words.starts_with(
                "The most contacts, 3, came on Saturdays between 23:00 and 24:00. 3 came at night"
            ),
            "{words}"
        );
        assert_eq!(svg.matches("<rect").count(), 7 * 24);
        assert!(!svg.contains("style"));
    }
}
