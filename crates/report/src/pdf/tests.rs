use super::*;

fn sample(n: usize) -> PackInput {
    PackInput {
        case_label: "Patient Zoë".into(),
        case_id: "0f8e0000-0000-4000-8000-000000000001".into(),
        doctor: "Dr Ada Patel".into(),
        organisation: "Riverside Surgery".into(),
        period: "1 Nov 2026 to 27 Nov 2026".into(),
        made_at: "27 Nov 2026, 12:00".into(),
        checkpoint: "boundary/1234abcd\n1022\nq83vEjRAGvOeXkgAcMVD1DunVmHkpqBrHHjT5sGCfgs=\n\n— boundary/1234abcd AbCd…\n".into(),
        tree_size: 1022,
        vkey: "boundary/1234abcd+1234abcd+AQID".into(),
        entries: (0..n)
            .map(|i| PackEntry {
                seq: i as u64 + 1,
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
