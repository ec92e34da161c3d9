//! Reading back the advice records on a case (warnings, police reports, removal
//! answers), opened with the case key, oldest first. Who may read them is `app`'s call.

use crate::crypto::ad;
use crate::reads::CaseRow;
use crate::{get_id, Result, Store, StoreError};
use boundary_domain::{EventBody, MemberId, Seq, Timestamp};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct RecordRow {
    pub seq: Seq,
    pub recorded_at: Timestamp,
    pub recorded_by: MemberId,
    /// The body of the event that made the record.
    pub body: EventBody,
}

impl Store {
    /// # Errors
    /// Database errors, or a record that does not open under the case key.
    pub async fn case_records(&self, case: &CaseRow) -> Result<Vec<RecordRow>> {
        let key = self.data_key(case.key).await?;
        let rows = sqlx::query(
            "SELECT seq, recorded_at, recorded_by, sealed FROM case_records \
             WHERE case_id = $1 ORDER BY seq",
        )
        .bind(case.id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let seq: i64 = r.try_get("seq")?;
                let sealed: Vec<u8> = r.try_get("sealed")?;
                let plain = key.open(&sealed, &ad("record", &case.id, seq))?;
                let body: EventBody = serde_json::from_slice(&plain)
                    .map_err(|e| StoreError::Corrupt(format!("record at event {seq}: {e}")))?;
                Ok(RecordRow {
                    seq: Seq::new(seq).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    recorded_at: crate::reads::ts_of(r, "recorded_at")?,
                    recorded_by: get_id(r, "recorded_by")?,
                    body,
                })
            })
            .collect()
    }

    /// When the case's first entry was recorded, if it has one.
    ///
    /// # Errors
    /// Database errors.
    pub async fn first_entry_recorded(
        &self,
        case: boundary_domain::CaseId,
    ) -> Result<Option<Timestamp>> {
        let r = sqlx::query("SELECT MIN(recorded_at) AS first FROM entries WHERE case_id = $1")
            .bind(case.to_string())
            .fetch_one(self.pool())
            .await?;
        let first: Option<String> = r.try_get("first")?;
        first
            .map(|s| Timestamp::parse(&s).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }
}
