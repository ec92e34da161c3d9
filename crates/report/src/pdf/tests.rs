use super::*;

fn sample(n: usize) -> PackInput {
    PackInput {
        case_label: "Patient Zoë".into(),
        case_id: "0f8e0000-0000-4000-8000-000000000001".into(),
        doctor: "Dr Ada Patel".into(),
        organisation: "Riverside Surgery".into(),
        period: "1 Nov 2026 to 27 Nov 2026".into(),
        made_at: "27 Nov 2026, 12:00".into(),
        made_unix: 1_795_780_800,
        by_month: vec![("Oct 2026".into(), 1), ("Nov 2026".into(), n)],
        checkpoint: "boundary/1234abcd\n1022\nq83vEjRAGvOeXkgAcMVD1DunVmHkpqBrHHjT5sGCfgs=\n\n— boundary/1234abcd AbCd…\n".into(),
        tree_size: 1022,
        vkey: "boundary/1234abcd+1234abcd+AQID".into(),
        entries: (0..n)
            .map(|i| PackEntry {
                seq: i as u64 + 1,
                number: i + 1,
                leaf_hash: format!("{i:064x}"),
                recorded: "Fri 27 Nov 2026, 11:59".into(),
                date: "Fri 27 Nov 2026".into(),
                time: "11:40".into(),
                channel: "Text message".into(),
                what_happened: format!("Message number {i}: “I know where you live” 😠"),
                witnesses: "Receptionist".into(),
                withheld: (i == 1).then(|| "names a third party".to_owned()),
                ..PackEntry::default()
            })
            .collect(),
        records: vec![("26 Nov 2026".into(), "Warning given".into(), "In person".into())],
    }
}

#[test]
fn a_pack_is_a_pdf_with_one_page_per_part_at_least() {
    let pdf = evidence_pack(&sample(3)).unwrap();
    // To look at it: BOUNDARY_DUMP_PDF=/tmp/pack.pdf cargo test -p boundary-report pdf
    if let Ok(path) = std::env::var("BOUNDARY_DUMP_PDF") {
        std::fs::write(path, &pdf).unwrap();
    }
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    assert!(pdf.len() > 1000);
}

fn pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).unwrap().get_pages().len()
}

#[test]
fn a_long_case_runs_over_many_pages_without_losing_an_entry() {
    assert_eq!(pages(&evidence_pack(&sample(3)).unwrap()), 4);
    assert!(pages(&evidence_pack(&sample(300)).unwrap()) > 20);
}

#[test]
fn an_entry_longer_than_a_page_goes_on_over_the_next_pages() {
    let mut p = sample(1);
    let short = pages(&evidence_pack(&p).unwrap());
    p.entries[0].what_happened = "All night long they wrote again. ".repeat(600);
    assert!(
        pages(&evidence_pack(&p).unwrap()) >= short + 6,
        "20,000 characters need several pages in the summary and in full"
    );
}

#[test]
fn the_pdf_is_dated_when_the_pack_was_made() {
    let pdf = evidence_pack(&sample(1)).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_dictionary(info).unwrap();
    let created =
        String::from_utf8_lossy(info.get(b"CreationDate").unwrap().as_str().unwrap()).into_owned();
    // 1_795_780_800 is Fri 27 Nov 2026, 12:00 UTC; without a date the PDF says 1970.
    assert!(created.starts_with("D:20261127"), "{created}");
}

#[test]
fn text_that_shows_nothing_is_written_out_and_lines_stay_lines() {
    assert_eq!(
        layout::shown("Meet \u{202E}gpj.exe\u{202C}\r\nnow\tplease"),
        "Meet [U+202E]gpj.exe[U+202C]\nnow please"
    );
    assert!(matches!(
        layout::shown("plain"),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn the_cover_counts_by_channel_and_says_how_the_months_went() {
    let mut p = sample(3);
    p.entries[2].channel = "Phone call".into();
    // Entry 1 is withheld: not counted.
    assert_eq!(by_channel(&p).unwrap(), "Phone call 1, Text message 1");
    assert_eq!(
        escalation(&[
            ("Sep 2026".into(), 1),
            ("Oct 2026".into(), 0),
            ("Nov 2026".into(), 6)
        ]),
        "Sep 2026: 1 · Oct 2026: 0 · Nov 2026: 6 (more in Nov 2026 than the 0.5 a month before it)"
    );
    // A month still going is shown but not compared.
    assert_eq!(
        escalation(&[("Oct 2026".into(), 4), ("Nov 2026".into(), 4), ("Dec 2026 so far".into(), 0)]),
        "Oct 2026: 4 · Nov 2026: 4 · Dec 2026 so far: 0 (about as many in Nov 2026 as the 4.0 a month before it)"
    );
}
