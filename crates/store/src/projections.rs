//! The tables pages read, kept up to date event by event. Each is disposable: `clear`
//! and a replay of the log through `apply` rebuild them exactly. Free text in them is
//! sealed with the case key, bound to the case and the sequence number of the event
//! that wrote it.

use crate::crypto::{ad, DataKey};
use crate::{Result, StoreError};
use boundary_domain::entry::Change;
use boundary_domain::{Event, EventBody, KeyId, Seq};
use sqlx::{Any, Transaction};

pub(crate) async fn clear(tx: &mut Transaction<'static, Any>) -> Result<()> {
    for table in [
        "attachments",
        "gifts",
        "case_records",
        "case_audit",
        "case_shares",
        "amendments",
        "entries",
        "cases",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn seal_json(
    key: &DataKey,
    kind: &str,
    e: &Event,
    seq: Seq,
    v: &impl serde::Serialize,
) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(v).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    let case = e
        .case
        .ok_or_else(|| StoreError::Corrupt(format!("event {seq} has no case")))?;
    Ok(key.seal(&json, &ad(kind, &case, seq.get()))?)
}

fn expect_one(r: &sqlx::any::AnyQueryResult, seq: Seq, what: &str) -> Result<()> {
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "event {seq} refers to {what} that does not exist"
        )))
    }
}

pub(crate) async fn apply(
    tx: &mut Transaction<'static, Any>,
    seq: Seq,
    key_id: KeyId,
    key: &DataKey,
    e: &Event,
) -> Result<()> {
    let Some(case) = e.case.map(|c| c.to_string()) else {
        return apply_register(tx, seq, key_id, key, e).await;
    };
    match &e.body {
        EventBody::CaseOpened { org, owner } => {
            sqlx::query(
                "INSERT INTO cases (id, org_id, owner_id, key_id, status, chaperone_required, \
                 opened_at, entry_count, last_seq) VALUES ($1, $2, $3, $4, 'open', 0, $5, 0, $6)",
            )
            .bind(&case)
            .bind(org.to_string())
            .bind(owner.to_string())
            .bind(key_id.to_string())
            .bind(e.recorded_at.to_string())
            .bind(seq.get())
            .execute(&mut **tx)
            .await
            .map_err(crate::conflict("case"))?;
            return Ok(());
        }
        EventBody::PersonRecorded { person } => {
            let sealed = seal_json(key, "person", e, seq, person)?;
            let r =
                sqlx::query("UPDATE cases SET person_sealed = $1, person_seq = $2 WHERE id = $3")
                    .bind(sealed)
                    .bind(seq.get())
                    .bind(&case)
                    .execute(&mut **tx)
                    .await?;
            expect_one(&r, seq, "a case")?;
        }
        EventBody::EntryLogged { entry, contact } => {
            let sealed = seal_json(key, "entry", e, seq, contact)?;
            sqlx::query(
                "INSERT INTO entries (id, case_id, seq, recorded_at, recorded_by, occurred_key, sealed) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(entry.to_string())
            .bind(&case)
            .bind(seq.get())
            .bind(e.recorded_at.to_string())
            .bind(e.actor.to_string())
            .bind(contact.occurred.sort_key())
            .bind(sealed)
            .execute(&mut **tx)
            .await
            .map_err(crate::conflict("entry"))?;
            // One statement: on SQLite each statement costs more than the work in it.
            let r = sqlx::query(
                "UPDATE cases SET entry_count = entry_count + 1, last_seq = $1, \
                 last_contact_key = CASE WHEN last_contact_key IS NULL OR last_contact_key < $2 \
                 THEN $2 ELSE last_contact_key END WHERE id = $3",
            )
            .bind(seq.get())
            .bind(contact.occurred.sort_key())
            .bind(&case)
            .execute(&mut **tx)
            .await?;
            return expect_one(&r, seq, "a case");
        }
        EventBody::EntryAmended {
            amendment,
            entry,
            correction,
        } => {
            let sealed = seal_json(key, "amendment", e, seq, correction)?;
            if let Change::Occurred(o) = &correction.change {
                let r = sqlx::query(
                    "UPDATE entries SET occurred_key = $1 WHERE id = $2 AND case_id = $3",
                )
                .bind(o.sort_key())
                .bind(entry.to_string())
                .bind(&case)
                .execute(&mut **tx)
                .await?;
                expect_one(&r, seq, "an entry")?;
                refresh_last_contact(tx, &case).await?;
            }
            let r = sqlx::query(
                "INSERT INTO amendments (id, entry_id, case_id, seq, recorded_at, recorded_by, sealed) \
                 SELECT $1, id, case_id, $2, $3, $4, $5 FROM entries WHERE id = $6 AND case_id = $7",
            )
            .bind(amendment.to_string())
            .bind(seq.get())
            .bind(e.recorded_at.to_string())
            .bind(e.actor.to_string())
            .bind(sealed)
            .bind(entry.to_string())
            .bind(&case)
            .execute(&mut **tx)
            .await?;
            expect_one(&r, seq, "an entry")?;
        }
        EventBody::StatusChanged { status, .. } => {
            let r = sqlx::query("UPDATE cases SET status = $1 WHERE id = $2")
                .bind(status.code())
                .bind(&case)
                .execute(&mut **tx)
                .await?;
            expect_one(&r, seq, "a case")?;
        }
        EventBody::CaseViewed {
            what,
            entry,
            address,
        } => {
            let detail = entry.map(|e| e.to_string());
            audit(
                tx,
                seq,
                e,
                &format!("viewed {what}"),
                detail.as_deref(),
                address.as_deref(),
            )
            .await?;
            // A view changes nothing a page shows but the audit: the case's activity order stays.
            return Ok(());
        }
        EventBody::CaseShared { member, access } => {
            audit(
                tx,
                seq,
                e,
                &format!("shared {}", access.code()),
                Some(&member.to_string()),
                None,
            )
            .await?;
            sqlx::query("DELETE FROM case_shares WHERE case_id = $1 AND member_id = $2")
                .bind(&case)
                .bind(member.to_string())
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO case_shares (case_id, member_id, access, seq) VALUES ($1, $2, $3, $4)",
            )
            .bind(&case)
            .bind(member.to_string())
            .bind(access.code())
            .bind(seq.get())
            .execute(&mut **tx)
            .await?;
        }
        EventBody::ShareRevoked { member } => {
            audit(tx, seq, e, "ended sharing", Some(&member.to_string()), None).await?;
            sqlx::query("DELETE FROM case_shares WHERE case_id = $1 AND member_id = $2")
                .bind(&case)
                .bind(member.to_string())
                .execute(&mut **tx)
                .await?;
        }
        EventBody::WarningGiven { .. }
        | EventBody::PoliceReported { .. }
        | EventBody::RemovalAssessed { .. }
        | EventBody::ChecklistMarked { .. }
        | EventBody::ChaperoneRecorded { .. }
        | EventBody::CareTransferred { .. }
        | EventBody::RiskScreened { .. }
        | EventBody::GiftNoted { .. }
        | EventBody::LetterWritten { .. } => {
            let sealed = seal_json(key, "record", e, seq, &e.body)?;
            sqlx::query(
                "INSERT INTO case_records (seq, case_id, kind, recorded_at, recorded_by, sealed) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(seq.get())
            .bind(&case)
            .bind(e.body.type_name())
            .bind(e.recorded_at.to_string())
            .bind(e.actor.to_string())
            .bind(sealed)
            .execute(&mut **tx)
            .await?;
        }
        EventBody::AttachmentAdded { attachment, record } => {
            let sealed = seal_json(key, "attachment", e, seq, record)?;
            sqlx::query(
                "INSERT INTO attachments (id, case_id, entry_id, seq, recorded_at, recorded_by, sealed) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(attachment.to_string())
            .bind(&case)
            .bind(record.entry.map(|e| e.to_string()))
            .bind(seq.get())
            .bind(e.recorded_at.to_string())
            .bind(e.actor.to_string())
            .bind(sealed)
            .execute(&mut **tx)
            .await
            .map_err(crate::conflict("attachment"))?;
        }
        EventBody::GiftRecorded { .. } => {
            return Err(StoreError::Corrupt(format!(
                "event {seq}: a gift register event names a case"
            )))
        }
        EventBody::ChaperoneFlagSet { required } => {
            let r = sqlx::query("UPDATE cases SET chaperone_required = $1 WHERE id = $2")
                .bind(i64::from(*required))
                .bind(&case)
                .execute(&mut **tx)
                .await?;
            expect_one(&r, seq, "a case")?;
        }
    }
    let r = sqlx::query("UPDATE cases SET last_seq = $1 WHERE id = $2")
        .bind(seq.get())
        .bind(&case)
        .execute(&mut **tx)
        .await?;
    expect_one(&r, seq, "a case")
}

/// One row of the access audit; the case's organisation is copied so auditors can filter.
async fn audit(
    tx: &mut Transaction<'static, Any>,
    seq: Seq,
    e: &Event,
    action: &str,
    detail: Option<&str>,
    address: Option<&str>,
) -> Result<()> {
    let r = sqlx::query(
        "INSERT INTO case_audit (seq, case_id, org_id, member_id, action, detail, address, at) \
         SELECT $1, id, org_id, $2, $3, $4, $5, $6 FROM cases WHERE id = $7",
    )
    .bind(seq.get())
    .bind(e.actor.to_string())
    .bind(action)
    .bind(detail)
    .bind(address)
    .bind(e.recorded_at.to_string())
    .bind(e.case.map(|c| c.to_string()))
    .execute(&mut **tx)
    .await?;
    expect_one(&r, seq, "a case")
}

/// Events of an organisation's own registers, which belong to no case.
async fn apply_register(
    tx: &mut Transaction<'static, Any>,
    seq: Seq,
    key_id: KeyId,
    key: &DataKey,
    e: &Event,
) -> Result<()> {
    let EventBody::GiftRecorded { org, gift, record } = &e.body else {
        return Err(StoreError::Corrupt(format!(
            "event {seq} has no case but is not a register event"
        )));
    };
    let json = serde_json::to_vec(record).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    let sealed = key.seal(&json, &ad("gift", org, seq.get()))?;
    sqlx::query(
        "INSERT INTO gifts (id, org_id, seq, key_id, offered_on, recorded_at, recorded_by, sealed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(gift.to_string())
    .bind(org.to_string())
    .bind(seq.get())
    .bind(key_id.to_string())
    .bind(record.offered_on.to_string())
    .bind(e.recorded_at.to_string())
    .bind(e.actor.to_string())
    .bind(sealed)
    .execute(&mut **tx)
    .await
    .map_err(crate::conflict("gift"))?;
    Ok(())
}

async fn refresh_last_contact(tx: &mut Transaction<'static, Any>, case: &str) -> Result<()> {
    sqlx::query(
        "UPDATE cases SET last_contact_key = (SELECT MAX(occurred_key) FROM entries WHERE case_id = $1) \
         WHERE id = $1",
    )
    .bind(case)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
