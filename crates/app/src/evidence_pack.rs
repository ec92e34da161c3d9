//! The evidence pack (PDF) of a case, or of a period of it: drafted from the case's
//! entries, files and records, with each entry's place and hash in the log and the
//! checkpoint it was made from. Allowed and recorded by `App::prepare_export`.

use crate::exports::{in_period, Progress, Withheld};
use crate::{App, Result};
use boundary_domain::attachment::is_picture;
use boundary_domain::words::{date_time, field_value, occurred_parts};
use boundary_domain::EntryId;
use boundary_report::pdf::{evidence_pack, PackEntry, PackInput};
use boundary_report::pictures::PACK_SIDE;
use boundary_store::attachments::AttachmentRow;
use boundary_store::ledger::StoredCheckpoint;
use time::Date;

impl App {
    /// The pack's bytes, for a case the caller has already been allowed to export.
    /// One step in `progress` for each entry, and one for the pages.
    pub(crate) async fn pack_pdf(
        &self,
        case: &crate::CaseRow,
        (from, to): (Option<Date>, Option<Date>),
        withheld: &Withheld,
        checkpoint: &StoredCheckpoint,
        progress: &Progress,
    ) -> Result<Vec<u8>> {
        let id = case.id;
        // Only what the checkpoint covers: the pack and its bundle say the same.
        let covered = |seq: boundary_domain::Seq| seq.leaf_index() < checkpoint.size;
        let rows: Vec<_> = self
            .store
            .entries(case)
            .await?
            .into_iter()
            .filter(|e| covered(e.seq))
            .collect();
        let files: Vec<_> = self
            .store
            .attachments(case)
            .await?
            .into_iter()
            .filter(|f| covered(f.seq) && !withheld.files.contains(&f.id))
            .collect();
        let records = self.records_of(case).await?;
        // The reports to the police, earliest first: a contact without a reference of its
        // own shows the first report made on the case on or after its day — said as such,
        // since nothing records that the report covered that contact.
        let mut reports: Vec<_> = records
            .police_reports
            .iter()
            .map(|r| (r.record.reported_on, r.record.reference.clone()))
            .collect();
        reports.sort();
        let mut months: Vec<((i32, time::Month), usize)> = Vec::new();
        let mut entries = Vec::new();
        for e in &rows {
            progress.step();
            let c = e.current();
            let on = c.occurred.uk_date();
            if !in_period(on, (from, to)) {
                continue;
            }
            let (date, time) = occurred_parts(&c.occurred);
            let leaf = self.store.tree_leaf(e.seq.leaf_index()).await?.to_hex();
            let hidden = withheld.entries.contains(&e.id);
            let base = PackEntry {
                seq: e.seq.leaf_index() + 1,
                number: e.number,
                leaf_hash: leaf,
                withheld: hidden.then(|| withheld.reason.clone()),
                ..PackEntry::default()
            };
            if hidden {
                entries.push(base);
                continue;
            }
            // Withheld entries are not counted: their dates are not shown either.
            let month = (on.year(), on.month());
            match months.iter_mut().find(|(m, _)| *m == month) {
                Some((_, n)) => *n += 1,
                None => months.push((month, 1)),
            }
            let recorded_on = boundary_domain::uk_time::to_uk(e.recorded_at.datetime()).date();
            let police_reference = c.police_reference.clone().unwrap_or_else(|| {
                reports
                    .iter()
                    .find(|(day, _)| *day >= on)
                    .map(|(day, reference)| {
                        format!(
                            "None of its own; the case was reported on {}: {reference}",
                            boundary_domain::advice::dates::human(*day)
                        )
                    })
                    .unwrap_or_default()
            });
            entries.push(PackEntry {
                recorded: date_time(e.recorded_at),
                recorded_later: recorded_on > on.next_day().unwrap_or(on),
                date,
                time,
                channel: c.channel.label().into(),
                platform: c.platform.clone().unwrap_or_default(),
                location: c.location.clone().unwrap_or_default(),
                what_happened: c.what_happened.clone(),
                witnesses: c.witnesses.clone().unwrap_or_default(),
                effect_on_me: c.effect_on_me.clone().unwrap_or_default(),
                my_response: c.my_response.clone().unwrap_or_default(),
                police_reference,
                amendments: e
                    .amendments
                    .iter()
                    .map(|a| {
                        let after = e.original.amended(std::iter::once(&a.amendment));
                        let field = a.amendment.field();
                        (
                            date_time(a.recorded_at),
                            field.label().to_owned(),
                            field_value(field, &after),
                            a.amendment.reason.clone(),
                            a.seq.leaf_index() + 1,
                        )
                    })
                    .collect(),
                files: files
                    .iter()
                    .filter(|f| f.record.entry == Some(e.id))
                    .map(|f| {
                        (
                            f.record.name.clone(),
                            match &f.record.photo {
                                Some(p) => format!("{}; {}", f.record.media_type, p.words()),
                                None => f.record.media_type.clone(),
                            },
                            boundary_domain::words::file_size(f.record.size),
                            f.record.sha256.clone(),
                        )
                    })
                    .collect(),
                pictures: self.pack_pictures(case, &files, e.id).await?,
                ..base
            });
        }
        let mut record_words = records.in_words();
        record_words.sort_by_key(|w| (w.on, w.recorded_at));
        let period = match (from, to) {
            (None, None) => "The whole case".to_owned(),
            (Some(f), None) => format!("From {}", boundary_domain::advice::dates::human(f)),
            (None, Some(t)) => format!("Up to {}", boundary_domain::advice::dates::human(t)),
            (Some(f), Some(t)) => format!(
                "{} to {}",
                boundary_domain::advice::dates::human(f),
                boundary_domain::advice::dates::human(t)
            ),
        };
        let owner = self.store.member(case.owner).await?;
        let input = PackInput {
            case_label: case.person.label.clone(),
            case_id: id.to_string(),
            doctor: owner.name,
            organisation: owner.org_name,
            period,
            made_at: date_time(self.now()),
            made_unix: self.now().datetime().unix_timestamp(),
            by_month: every_month(months, to.unwrap_or_else(|| self.uk_today())),
            checkpoint: checkpoint.note.clone(),
            tree_size: checkpoint.size,
            vkey: self.store.signer().verifier().vkey(),
            entries,
            records: record_words
                .into_iter()
                .filter(|w| in_period(w.on, (from, to)))
                .map(|w| {
                    (
                        boundary_domain::advice::dates::human(w.on),
                        w.title,
                        w.detail,
                    )
                })
                .collect(),
        };
        // Laying out the pages takes a while: off the async workers.
        let pdf = tokio::task::spawn_blocking(move || evidence_pack(&input)).await??;
        progress.step();
        Ok(pdf)
    }

    /// An entry's pictures, made small enough for the pack. A picture that cannot be made
    /// small (HEIC, say) is listed with its hash but not drawn; one whose file cannot be
    /// read or does not match its hash comes back empty, for the pack to say so.
    async fn pack_pictures(
        &self,
        case: &crate::CaseRow,
        files: &[AttachmentRow],
        entry: EntryId,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let mut out = Vec::new();
        let pictures: Vec<_> = files
            .iter()
            .filter(|f| f.record.entry == Some(entry) && is_picture(&f.record.media_type))
            .collect();
        if pictures.is_empty() {
            return Ok(out);
        }
        let key = self.store.data_key(case.key).await?;
        for f in pictures {
            let bytes = match self.store.get_file(&key, f).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    // Said in the pack, beside its hash: never left out unremarked.
                    tracing::warn!(attachment = %f.id, "a picture could not be read: {e}");
                    out.push((f.record.name.clone(), Vec::new()));
                    continue;
                }
            };
            if let Some(jpeg) = crate::thumbnails::made_small(bytes, PACK_SIDE).await {
                out.push((f.record.name.clone(), jpeg));
            }
        }
        Ok(out)
    }
}

/// Each month from the first with a contact to the one `until` falls in, empty months
/// included (a quiet month is part of the story), as ("Nov 2026", count). The last is
/// marked "so far" when `until` is not its last day.
fn every_month(mut counted: Vec<((i32, time::Month), usize)>, until: Date) -> Vec<(String, usize)> {
    counted.sort();
    let Some(&((mut year, mut month), _)) = counted.first() else {
        return Vec::new();
    };
    let end = (until.year(), until.month());
    let mut out = Vec::new();
    while (year, month) <= end {
        let n = counted
            .iter()
            .find(|(m, _)| *m == (year, month))
            .map_or(0, |(_, n)| *n);
        let name = format!("{} {year}", &month.to_string()[..3]);
        let unfinished =
            (year, month) == end && until.next_day().is_some_and(|d| d.month() == month);
        out.push((
            if unfinished {
                format!("{name} so far")
            } else {
                name
            },
            n,
        ));
        if month == time::Month::December {
            year += 1;
        }
        month = month.next();
    }
    out
}
