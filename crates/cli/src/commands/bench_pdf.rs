//! `boundary bench`: the time to lay out an evidence pack of 1,000 entries — the issue's
//! goal is under a second — beside the time to write the same text to a plain file.

use boundary_report::pdf::{evidence_pack, PackEntry, PackInput};
use std::time::Instant;

fn pack(entries: usize) -> PackInput {
    PackInput {
        case_label: "Patient A".into(),
        case_id: "00000000-0000-4000-8000-000000000000".into(),
        doctor: "Dr Bench".into(),
        organisation: "Bench Surgery".into(),
        period: "The whole case".into(),
        made_at: "now".into(),
        made_unix: 1_795_000_000,
        by_month: vec![("Nov 2026".into(), entries)],
        checkpoint: "boundary/00000000\n1000\nAAAA\n".into(),
        tree_size: entries as u64,
        vkey: "boundary/00000000+00000000+AQ".into(),
        entries: (0..entries)
            .map(|i| PackEntry {
                seq: i as u64 + 1,
                number: i + 1,
                leaf_hash: format!("{i:064x}"),
                recorded: "Fri 27 Nov 2026, 11:59".into(),
                date: "Fri 27 Nov 2026".into(),
                time: "23:40".into(),
                channel: "Text message".into(),
                platform: "WhatsApp".into(),
                location: "My personal mobile".into(),
                what_happened: "Sent a long message late at night saying they had been thinking about me all week, that they saw my car outside the surgery and waited, and asking to meet after my Thursday clinic.".into(),
                witnesses: "None".into(),
                effect_on_me: "Anxious about leaving work alone.".into(),
                my_response: "Did not reply. Told the practice manager.".into(),
                ..PackEntry::default()
            })
            .collect(),
        records: Vec::new(),
    }
}

pub(crate) fn run() -> anyhow::Result<()> {
    let input = pack(1000);
    // The first run loads the fonts; the figure is the median of the next three.
    let _ = evidence_pack(&input).map_err(anyhow::Error::msg)?;
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let pdf = evidence_pack(&input).map_err(anyhow::Error::msg)?;
        times.push(start.elapsed().as_secs_f64());
        size = pdf.len();
    }
    times.sort_by(f64::total_cmp);
    let dir = tempfile::tempdir()?;
    let text: String = input
        .entries
        .iter()
        .map(|e| format!("{} {} {}\n", e.date, e.time, e.what_happened))
        .collect();
    let start = Instant::now();
    std::fs::write(dir.path().join("pack.txt"), &text)?;
    let plain = start.elapsed().as_secs_f64();
    println!("Evidence pack (PDF) of 1,000 entries, median of three:");
    println!(
        "  laid out and written:   {:>8.3} s  ({} KB; the goal is under 1 s)",
        times[1],
        size / 1024
    );
    println!("  the same text, plain:   {plain:>8.3} s");
    let (seconds, size) = with_photos(input, 20)?;
    println!(
        "  with 20 phone photos (4032 × 3024 JPEG) made small and drawn: {seconds:>6.3} s  ({} KB)",
        size / 1024
    );
    Ok(())
}

/// The same pack with `n` of its entries carrying a phone photo, timed from the photos'
/// own bytes: each is decoded, made small and drawn, as an export does.
fn with_photos(mut input: PackInput, n: usize) -> anyhow::Result<(f64, usize)> {
    use boundary_report::pictures::{thumbnail, PACK_SIDE};
    let photo = image::RgbImage::from_fn(4032, 3024, |x, y| {
        image::Rgb([
            (x / 16 % 256) as u8,
            (y / 12 % 256) as u8,
            ((x ^ y) % 256) as u8,
        ])
    });
    let mut jpeg = std::io::Cursor::new(Vec::new());
    photo.write_to(&mut jpeg, image::ImageFormat::Jpeg)?;
    let jpeg = jpeg.into_inner();
    let start = Instant::now();
    for e in input.entries.iter_mut().take(n) {
        let small = thumbnail(&jpeg, PACK_SIDE).ok_or_else(|| anyhow::anyhow!("photo"))?;
        e.pictures.push(("photo.jpg".into(), small));
    }
    let pdf = evidence_pack(&input).map_err(anyhow::Error::msg)?;
    Ok((start.elapsed().as_secs_f64(), pdf.len()))
}
