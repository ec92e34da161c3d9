//! Reading the projections back, opened with the case key. Callers in `app` decide who
//! may read what; this module only fetches.

use crate::crypto::{ad, DataKey};
use crate::{get_id, Result, Store, StoreError};
use boundary_domain::{
    Access, Amendment, AmendmentId, CaseId, CaseStatus, ContactEntry, EntryId, KeyId, MemberId,
    OrgId, PersonOfConcern, Seq, Timestamp,
};
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: CaseId,
    pub org: OrgId,
    pub owner: MemberId,
    pub key: KeyId,
    pub status: CaseStatus,
    pub chaperone_required: bool,
    pub person: PersonOfConcern,
    pub opened_at: Timestamp,
    pub entry_count: i64,
    /// When the latest contact happened, as an `OccurredAt::sort_key`.
    pub last_contact_key: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct EntryRow {
    pub id: EntryId,
    pub case: CaseId,
    pub seq: Seq,
    pub recorded_at: Timestamp,
    pub recorded_by: MemberId,
    /// The leaf hash of the event that logged it: the entry's fingerprint in the ledger.
    pub leaf_hash: String,
    /// Its place among its case's entries in the order they were recorded (1, 2, 3…):
    /// the number people use. It never changes, as an earlier contact logged later takes
    /// the next number; `seq` is its place in the whole log, for receipts and proofs.
    pub number: usize,
    pub original: ContactEntry,
    pub amendments: Vec<AmendmentRow>,
}

impl EntryRow {
    /// The entry as it reads after its amendments.
    #[must_use]
    pub fn current(&self) -> ContactEntry {
        self.original
            .amended(self.amendments.iter().map(|a| &a.amendment))
    }
}

/// One access-audit row.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub seq: i64,
    pub case: CaseId,
    pub member: MemberId,
    pub name: String,
    pub email: String,
    pub action: String,
    pub detail: Option<String>,
    pub address: Option<String>,
    pub at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct AmendmentRow {
    pub id: AmendmentId,
    pub seq: Seq,
    pub recorded_at: Timestamp,
    pub recorded_by: MemberId,
    pub amendment: Amendment,
}

fn seq_of(r: &AnyRow, col: &str) -> Result<Seq> {
    Seq::new(r.try_get(col)?).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn ts_of(r: &AnyRow, col: &str) -> Result<Timestamp> {
    let s: String = r.try_get(col)?;
    Timestamp::parse(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

fn open_json<T: serde::de::DeserializeOwned>(
    key: &DataKey,
    kind: &str,
    case: &CaseId,
    seq: Seq,
    sealed: &[u8],
) -> Result<T> {
    let plain = key.open(sealed, &ad(kind, case, seq.get()))?;
    // The parser's message could quote the decrypted text, which must not reach a log.
    serde_json::from_slice(&plain)
        .map_err(|_| StoreError::Corrupt(format!("{kind} {seq} is not valid JSON")))
}

/// Each case row comes with its wrapped data key, saving a query per case.
const CASE_SELECT: &str = "SELECT c.id, c.org_id, c.owner_id, c.key_id, c.status, \
    c.chaperone_required, c.person_sealed, c.person_seq, c.opened_at, c.entry_count, \
    c.last_contact_key, k.wrapped FROM cases c JOIN data_keys k ON k.id = c.key_id";

impl Store {
    async fn case_from_row(&self, r: &AnyRow) -> Result<CaseRow> {
        Ok(self.case_and_key_from_row(r).await?.0)
    }

    #[allow(clippy::unused_async)]
    async fn case_and_key_from_row(&self, r: &AnyRow) -> Result<(CaseRow, DataKey)> {
        let id: CaseId = get_id(r, "id")?;
        let key_id: KeyId = get_id(r, "key_id")?;
        let wrapped: Vec<u8> = r.try_get("wrapped")?;
        let key = self.unwrap_data_key(key_id, &wrapped)?;
        let person_sealed: Option<Vec<u8>> = r.try_get("person_sealed")?;
        let person_seq: Option<i64> = r.try_get("person_seq")?;
        let person = match (person_sealed, person_seq) {
            (Some(s), Some(seq)) => open_json(
                &key,
                "person",
                &id,
                Seq::new(seq).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                &s,
            )?,
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "case {id} has no person recorded"
                )))
            }
        };
        let status: String = r.try_get("status")?;
        let row = CaseRow {
            id,
            org: get_id(r, "org_id")?,
            owner: get_id(r, "owner_id")?,
            key: key_id,
            status: CaseStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
            chaperone_required: r.try_get::<i64, _>("chaperone_required")? != 0,
            person,
            opened_at: ts_of(r, "opened_at")?,
            entry_count: r.try_get("entry_count")?,
            last_contact_key: r.try_get("last_contact_key")?,
        };
        Ok((row, key))
    }

    /// # Errors
    /// `NotFound`, or data that does not open.
    pub async fn case(&self, id: CaseId) -> Result<CaseRow> {
        Ok(self.case_and_key(id).await?.0)
    }

    /// A case with its unwrapped data key, for appending to it.
    ///
    /// # Errors
    /// `NotFound`, or data that does not open.
    pub async fn case_and_key(&self, id: CaseId) -> Result<(CaseRow, DataKey)> {
        let r = sqlx::query(&format!("{CASE_SELECT} WHERE c.id = $1"))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        self.case_and_key_from_row(&r).await
    }

    /// The cases a member owns, most recently active first.
    ///
    /// # Errors
    /// Database errors, or data that does not open.
    pub async fn cases_owned_by(&self, owner: MemberId) -> Result<Vec<CaseRow>> {
        let rows = sqlx::query(&format!(
            "{CASE_SELECT} WHERE c.owner_id = $1 ORDER BY c.last_seq DESC"
        ))
        .bind(owner.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.case_from_row(r).await?);
        }
        Ok(out)
    }

    /// The access audit of one case, or of every case in an organisation, newest first:
    /// (seq, case, member name, member e-mail, action, detail, address, at).
    ///
    /// # Errors
    /// Database errors.
    pub async fn audit(
        &self,
        case: Option<CaseId>,
        org: OrgId,
        member: Option<MemberId>,
        limit: i64,
    ) -> Result<Vec<AuditRow>> {
        let rows = sqlx::query(
            "SELECT a.seq, a.case_id, a.member_id, m.name, u.email, a.action, a.detail, a.address, a.at \
             FROM case_audit a JOIN members m ON m.id = a.member_id JOIN users u ON u.id = m.user_id \
             WHERE a.org_id = $1 AND ($2 = '' OR a.case_id = $2) AND ($3 = '' OR a.member_id = $3) \
             ORDER BY a.seq DESC LIMIT $4",
        )
        .bind(org.to_string())
        .bind(case.map(|c| c.to_string()).unwrap_or_default())
        .bind(member.map(|m| m.to_string()).unwrap_or_default())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRow {
                    seq: r.try_get("seq")?,
                    case: get_id(r, "case_id")?,
                    member: get_id(r, "member_id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    action: r.try_get("action")?,
                    detail: r.try_get("detail")?,
                    address: r.try_get("address")?,
                    at: ts_of(r, "at")?,
                })
            })
            .collect()
    }

    /// The cases shared with a member, most recently active first.
    ///
    /// # Errors
    /// Database errors, or data that does not open.
    pub async fn cases_shared_with(&self, member: MemberId) -> Result<Vec<CaseRow>> {
        let rows = sqlx::query(&format!(
            "{CASE_SELECT} JOIN case_shares s ON s.case_id = c.id WHERE s.member_id = $1 ORDER BY c.last_seq DESC"
        ))
        .bind(member.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.case_from_row(r).await?);
        }
        Ok(out)
    }

    /// A member's access to a case through sharing, if any.
    ///
    /// # Errors
    /// Database errors.
    pub async fn share(&self, case: CaseId, member: MemberId) -> Result<Option<Access>> {
        let r = sqlx::query("SELECT access FROM case_shares WHERE case_id = $1 AND member_id = $2")
            .bind(case.to_string())
            .bind(member.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(r.and_then(|r| r.try_get::<String, _>("access").ok())
            .and_then(|a| Access::parse(&a)))
    }

    /// Everyone a case is shared with: member, e-mail address, name and access.
    ///
    /// # Errors
    /// Database errors.
    pub async fn shares(&self, case: CaseId) -> Result<Vec<(MemberId, String, String, Access)>> {
        let rows = sqlx::query(
            "SELECT s.member_id, u.email, m.name, s.access FROM case_shares s \
             JOIN members m ON m.id = s.member_id JOIN users u ON u.id = m.user_id \
             WHERE s.case_id = $1 ORDER BY u.email",
        )
        .bind(case.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let access: String = r.try_get("access")?;
                Ok((
                    get_id(r, "member_id")?,
                    r.try_get("email")?,
                    r.try_get("name")?,
                    Access::parse(&access)
                        .ok_or_else(|| StoreError::Corrupt(format!("access {access}")))?,
                ))
            })
            .collect()
    }

    /// A case's entries, each with its amendments, oldest contact first.
    ///
    /// # Errors
    /// Database errors, or data that does not open.
    pub async fn entries(&self, case: &CaseRow) -> Result<Vec<EntryRow>> {
        let key = self.data_key(case.key).await?;
        let rows = sqlx::query(
            "SELECT en.id, en.case_id, en.seq, en.recorded_at, en.recorded_by, en.sealed, ev.leaf_hash \
             FROM entries en JOIN events ev ON ev.seq = en.seq \
             WHERE en.case_id = $1 ORDER BY en.occurred_key, en.seq",
        )
        .bind(case.id.to_string())
        .fetch_all(self.pool())
        .await?;
        let amendment_rows = sqlx::query(
            "SELECT id, entry_id, seq, recorded_at, recorded_by, sealed FROM amendments \
             WHERE case_id = $1 ORDER BY seq",
        )
        .bind(case.id.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut entries = rows
            .iter()
            .map(|r| entry_from_row(&key, r))
            .collect::<Result<Vec<_>>>()?;
        for r in &amendment_rows {
            let entry_id: EntryId = get_id(r, "entry_id")?;
            let a = amendment_from_row(&key, &case.id, r)?;
            if let Some(e) = entries.iter_mut().find(|e| e.id == entry_id) {
                e.amendments.push(a);
            }
        }
        let mut by_recording: Vec<(Seq, usize)> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.seq, i))
            .collect();
        by_recording.sort_unstable();
        for (number, (_, i)) in by_recording.into_iter().enumerate() {
            entries[i].number = number + 1;
        }
        Ok(entries)
    }

    /// Which case an entry belongs to, so that the caller can check access first.
    ///
    /// # Errors
    /// `NotFound`.
    pub async fn case_of_entry(&self, entry: EntryId) -> Result<CaseId> {
        let r = sqlx::query("SELECT case_id FROM entries WHERE id = $1")
            .bind(entry.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        get_id(&r, "case_id")
    }
}

fn entry_from_row(key: &DataKey, r: &AnyRow) -> Result<EntryRow> {
    let case: CaseId = get_id(r, "case_id")?;
    let seq = seq_of(r, "seq")?;
    let sealed: Vec<u8> = r.try_get("sealed")?;
    Ok(EntryRow {
        id: get_id(r, "id")?,
        case,
        seq,
        recorded_at: ts_of(r, "recorded_at")?,
        recorded_by: get_id(r, "recorded_by")?,
        leaf_hash: hex::encode(r.try_get::<Vec<u8>, _>("leaf_hash")?),
        number: 0,
        original: open_json(key, "entry", &case, seq, &sealed)?,
        amendments: Vec::new(),
    })
}

fn amendment_from_row(key: &DataKey, case: &CaseId, r: &AnyRow) -> Result<AmendmentRow> {
    let seq = seq_of(r, "seq")?;
    let sealed: Vec<u8> = r.try_get("sealed")?;
    Ok(AmendmentRow {
        id: get_id(r, "id")?,
        seq,
        recorded_at: ts_of(r, "recorded_at")?,
        recorded_by: get_id(r, "recorded_by")?,
        amendment: open_json(key, "amendment", case, seq, &sealed)?,
    })
}
