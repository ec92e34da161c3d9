//! The evidence pack: one case, or part of it, as a PDF a police officer or an adviser
//! can read — a cover page, a summary table laid out as police stalking diaries are, each
//! entry in full with its corrections and files, the advice records, and how to check
//! it all against the log without trusting Boundary.

mod layout;

pub use layout::PdfError;
use layout::{Layout, Orientation};

/// A contact entry as the pack shows it. Times are already in words.
#[derive(Debug, Clone, Default)]
pub struct PackEntry {
    /// Its place in the whole log, which proofs use.
    pub seq: u64,
    /// Its number within its case (1, 2, 3…), which people use.
    pub number: usize,
    pub leaf_hash: String,
    pub recorded: String,
    /// Written down more than a day after it happened: the pack says so beside it, and
    /// never calls it a record kept at the time.
    pub recorded_later: bool,
    pub date: String,
    pub time: String,
    pub channel: String,
    pub platform: String,
    pub location: String,
    pub what_happened: String,
    pub witnesses: String,
    pub effect_on_me: String,
    pub my_response: String,
    pub police_reference: String,
    /// Corrections, oldest first: (recorded, field, new value, reason, sequence number).
    pub amendments: Vec<(String, String, String, String, u64)>,
    /// Files: (name, kind, size, SHA-256).
    pub files: Vec<(String, String, String, String)>,
    /// The entry's pictures as drawn in the pack: (name, a JPEG made small, e.g. by
    /// `pictures::thumbnail` at `pictures::PACK_SIDE`; empty when the file could not be
    /// read, which the pack then says).
    pub pictures: Vec<(String, Vec<u8>)>,
    /// When withheld: why. The entry then shows only its place and hash.
    pub withheld: Option<String>,
}

/// What the pack is made from.
#[derive(Debug, Clone, Default)]
pub struct PackInput {
    pub case_label: String,
    pub case_id: String,
    pub doctor: String,
    pub organisation: String,
    pub period: String,
    pub made_at: String,
    /// When the pack was made, as a Unix time: the PDF's own creation date.
    pub made_unix: i64,
    /// Contacts in each calendar month of the period, oldest first: ("Nov 2026", 9).
    pub by_month: Vec<(String, usize)>,
    pub checkpoint: String,
    pub tree_size: u64,
    pub vkey: String,
    pub entries: Vec<PackEntry>,
    /// Warnings, police reports, chaperones, gifts, removal and other records: (date,
    /// title, detail).
    pub records: Vec<(String, String, String)>,
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".to_owned()
    } else {
        s.to_owned()
    }
}

fn how_saved(e: &PackEntry) -> String {
    if e.files.is_empty() {
        "Written record".to_owned()
    } else {
        let kinds: Vec<&str> = e.files.iter().map(|f| f.1.as_str()).collect();
        format!(
            "Written record and {} file(s): {}",
            e.files.len(),
            kinds.join(", ")
        )
    }
}

/// The evidence pack as PDF bytes.
///
/// # Errors
/// Only if the embedded fonts do not load.
pub fn evidence_pack(p: &PackInput) -> Result<Vec<u8>, PdfError> {
    let mut l = Layout::new(
        &format!("Evidence pack: {}", p.case_label),
        format!(
            "Boundary evidence pack · case {} · made {}",
            p.case_id, p.made_at
        ),
    )?;
    l.dated(p.made_unix);
    cover(&mut l, p);
    summary(&mut l, p);
    entries(&mut l, p);
    records(&mut l, p);
    how_to_verify(&mut l, p);
    Ok(l.finish())
}

fn cover(l: &mut Layout, p: &PackInput) {
    l.heading("Evidence pack", 20.0);
    let later = p.entries.iter().filter(|e| e.recorded_later).count();
    l.paragraph(
        &format!(
            "A record of unwanted contact, kept in Boundary, a tamper-evident log. Each entry says when it happened and when it was written down{}.",
            if later == 0 {
                String::new()
            } else {
                format!(
                    "; {later} of them {} written down more than a day after it happened, and the summary marks {}",
                    if later == 1 { "was" } else { "were" },
                    if later == 1 { "it" } else { "them" }
                )
            }
        ),
        10.0,
        false,
    );
    l.gap(4.0);
    let withheld = p.entries.iter().filter(|e| e.withheld.is_some()).count();
    let mut rows = vec![
        vec!["Person of concern".into(), p.case_label.clone()],
        vec![
            "Kept by".into(),
            format!("{}, {}", p.doctor, p.organisation),
        ],
        vec!["Period".into(), p.period.clone()],
        vec![
            "Entries".into(),
            if withheld == 0 {
                p.entries.len().to_string()
            } else {
                format!(
                    "{} ({withheld} withheld, shown by their place in the log only)",
                    p.entries.len()
                )
            },
        ],
    ];
    if let Some(channels) = by_channel(p) {
        rows.push(vec!["How they happened".into(), channels]);
    }
    if !p.by_month.is_empty() {
        rows.push(vec!["How they went on".into(), escalation(&p.by_month)]);
    }
    rows.extend([
        vec!["Made".into(), p.made_at.clone()],
        vec!["Case".into(), p.case_id.clone()],
        vec![
            "Made from the log as of".into(),
            format!("its signed checkpoint of {} events (below)", p.tree_size),
        ],
        vec!["Log's verifier key".into(), p.vkey.clone()],
    ]);
    let w = l.width();
    l.table(&[45.0, w - 45.0], &["", ""], &rows, 9.0);
    l.heading("Signed checkpoint", 11.0);
    l.paragraph(&p.checkpoint, 8.0, false);
}

/// "Text message 5, Phone call 3", most first; withheld entries are not counted.
fn by_channel(p: &PackInput) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for e in p.entries.iter().filter(|e| e.withheld.is_none()) {
        match counts.iter_mut().find(|(c, _)| *c == e.channel) {
            Some((_, n)) => *n += 1,
            None => counts.push((&e.channel, 1)),
        }
    }
    if counts.is_empty() {
        return None;
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    Some(
        counts
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Each month's count, then whether the last whole month had more or fewer than the
/// months before it on average (a month still going, marked "so far", is not compared).
fn escalation(months: &[(String, usize)]) -> String {
    let list = months
        .iter()
        .map(|(m, n)| format!("{m}: {n}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let whole: Vec<&(String, usize)> = months
        .iter()
        .filter(|(m, _)| !m.ends_with("so far"))
        .collect();
    let Some(((name, last), before)) = whole.split_last().map(|(l, b)| ((&l.0, l.1), b)) else {
        return list;
    };
    if before.is_empty() {
        return list;
    }
    let average = before.iter().map(|(_, n)| *n).sum::<usize>() as f64 / before.len() as f64;
    let (trend, than) = if last as f64 > average * 1.5 {
        ("more", "than")
    } else if (last as f64) < average * 0.5 {
        ("fewer", "than")
    } else {
        ("about as many", "as")
    };
    format!("{list} ({trend} in {name} {than} the {average:.1} a month before it)")
}

fn summary(l: &mut Layout, p: &PackInput) {
    l.new_page(Orientation::Landscape);
    l.heading("Summary of contacts", 14.0);
    l.paragraph("In the order they happened, each beside when it was written down. Each is given in full, with its corrections, in the pages after.", 9.0, false);
    let widths = [20.0, 13.0, 24.0, 22.0, 58.0, 24.0, 28.0, 28.0, 24.0, 26.0];
    let rows: Vec<Vec<String>> = p
        .entries
        .iter()
        .map(|e| match &e.withheld {
            Some(why) => vec![
                or_dash(&e.date),
                "".into(),
                "".into(),
                "".into(),
                format!("Entry {} withheld: {why}", e.number),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
            ],
            None => vec![
                e.date.clone(),
                or_dash(&e.time),
                if e.recorded_later {
                    format!("{} (later)", e.recorded)
                } else {
                    e.recorded.clone()
                },
                or_dash(&e.location),
                format!("{}: {}", e.channel, e.what_happened),
                or_dash(&e.witnesses),
                or_dash(&e.effect_on_me),
                or_dash(&e.my_response),
                how_saved(e),
                or_dash(&e.police_reference),
            ],
        })
        .collect();
    l.table(
        &widths,
        &[
            "Date",
            "Time",
            "Written down",
            "Where",
            "What happened",
            "Witnesses",
            "Effect on me",
            "My response",
            "How it is saved",
            "Police reference",
        ],
        &rows,
        7.5,
    );
}

fn entries(l: &mut Layout, p: &PackInput) {
    l.new_page(Orientation::Portrait);
    l.heading("Entries in full", 14.0);
    let w = l.width();
    for e in &p.entries {
        let when = format!("{} {}", e.date, e.time);
        l.heading(
            &if when.trim().is_empty() {
                format!("Entry {}", e.number)
            } else {
                format!("Entry {} — {}", e.number, when.trim())
            },
            11.0,
        );
        if let Some(why) = &e.withheld {
            l.paragraph(
                &format!("Withheld: {why}. Leaf hash {}.", e.leaf_hash),
                9.0,
                false,
            );
            continue;
        }
        let mut rows = vec![
            vec![
                "How".into(),
                or_dash([e.channel.as_str(), e.platform.as_str()].join(" ").trim()),
            ],
            vec!["Where".into(), or_dash(&e.location)],
            vec!["What happened".into(), e.what_happened.clone()],
            vec!["Witnesses".into(), or_dash(&e.witnesses)],
            vec!["Effect on me".into(), or_dash(&e.effect_on_me)],
            vec!["My response".into(), or_dash(&e.my_response)],
            vec!["Police reference".into(), or_dash(&e.police_reference)],
            vec!["Recorded".into(), e.recorded.clone()],
            vec![
                "In the log".into(),
                format!("event {}, leaf hash {}", e.seq, e.leaf_hash),
            ],
        ];
        for (name, kind, size, sha) in &e.files {
            rows.push(vec![
                "File".into(),
                format!("{name} ({kind}, {size}), SHA-256 {sha}"),
            ]);
        }
        l.table(&[35.0, w - 35.0], &["", ""], &rows, 8.5);
        for (recorded, field, value, reason, seq) in &e.amendments {
            l.paragraph(
                &format!("Corrected {recorded} (event {seq}): {field} became “{value}”, because: {reason}. The original above is unchanged."),
                8.5,
                false,
            );
        }
        for (name, jpeg) in &e.pictures {
            if jpeg.is_empty() {
                l.paragraph(
                    &format!("Attached picture {name}: its file could not be read and checked against its hash when this pack was made."),
                    8.5,
                    true,
                );
            } else if let Some(picture) = crate::pictures::decode(jpeg) {
                l.picture(picture.to_rgb8(), &format!("Attached picture: {name}"));
            }
        }
    }
}

fn records(l: &mut Layout, p: &PackInput) {
    if p.records.is_empty() {
        return;
    }
    l.heading(
        "Warnings, police reports, chaperones, gifts and other records",
        12.0,
    );
    let w = l.width();
    let rows: Vec<Vec<String>> = p
        .records
        .iter()
        .map(|(d, t, x)| vec![d.clone(), t.clone(), x.clone()])
        .collect();
    l.table(
        &[28.0, 50.0, w - 78.0],
        &["Date", "Record", "Detail"],
        &rows,
        8.5,
    );
}

fn how_to_verify(l: &mut Layout, p: &PackInput) {
    l.new_page(Orientation::Portrait);
    l.heading("How to check this pack", 14.0);
    for text in [
        "Every entry in this pack was written into Boundary's log when it was recorded. The log is a chain of fingerprints (SHA-256 hashes, as in RFC 9162): each entry's fingerprint is shown with it above as its leaf hash, and all of them together make one root fingerprint, which the log signs. That signed root is the checkpoint on the first page.",
        "If anyone changed, removed or added an entry after it was recorded, the fingerprints would no longer lead to the signed root. You do not need to trust Boundary, or whoever runs it, to check this.",
        "Ask for the case's verifiable bundle (a .zip file made with this pack). It holds each entry exactly as it was fingerprinted, with its proof, the checkpoint and the log's key. Then either run `boundary verify --bundle FILE.zip --vkey KEY`, which needs no network and no database, with the log's key obtained from the practice itself (or pass a receipt you were given with --receipt): without a key you hold it checks everything but says the bundle's origin is not established, and exits with status 3, because anyone can make a key under any log's name. Or follow the published description of the format (docs/bundle-format.md in Boundary's source) — it is short enough to check by hand or with your own program.",
    ] {
        l.paragraph(text, 9.5, false);
    }
    l.paragraph(
        &format!(
            "The log's key, as Boundary had it when this pack was made: {}. A copy of this pack inside a bundle proves nothing about the bundle's key on its own: compare it with the key the practice gives you. A bundle can only prove it comes from the log whose key you trust.",
            p.vkey
        ),
        9.5,
        false,
    );
    l.paragraph(
        "An entry shown as withheld is still proved to be in the log at its place: the person who made this pack chose not to show its content, and said why.",
        9.5,
        false,
    );
}

#[cfg(test)]
mod tests;
