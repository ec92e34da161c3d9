//! Exports being made for the case page: their progress in the database, so that any
//! server sharing it can show it, and the finished file sealed beside the attachments.

use crate::attachments::blob_ad_for;
use crate::crypto::DataKey;
use crate::{get_id, Result, Store, StoreError};
use boundary_domain::{CaseId, MemberId};
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Working,
    Ready,
    Failed,
}

impl JobState {
    fn code(self) -> &'static str {
        match self {
            Self::Working => "working",
            Self::Ready => "ready",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "working" => Ok(Self::Working),
            "ready" => Ok(Self::Ready),
            "failed" => Ok(Self::Failed),
            other => Err(StoreError::Corrupt(format!("export state {other}"))),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ExportJob {
    /// Random, 32 hexadecimal digits.
    pub id: String,
    pub case: CaseId,
    pub member: MemberId,
    /// `pdf` or `bundle`.
    pub format: String,
    pub file_name: String,
    pub state: JobState,
    pub done: u64,
    pub total: u64,
    pub failure: Option<String>,
    pub started_at: i64,
    pub updated_at: i64,
}

fn file_key(job: &str) -> String {
    format!("exports/{job}")
}

fn as_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// # Errors
    /// Database errors.
    pub async fn insert_export_job(&self, job: &ExportJob) -> Result<()> {
        sqlx::query(
            "INSERT INTO export_jobs (id, case_id, member_id, format, file_name, state, done, \
             total, failure, started_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&job.id)
        .bind(job.case.to_string())
        .bind(job.member.to_string())
        .bind(&job.format)
        .bind(&job.file_name)
        .bind(job.state.code())
        .bind(as_i64(job.done))
        .bind(as_i64(job.total))
        .bind(job.failure.clone())
        .bind(job.started_at)
        .bind(job.updated_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records how far a job has got, or how it ended.
    ///
    /// # Errors
    /// Database errors.
    pub async fn update_export_job(
        &self,
        id: &str,
        state: JobState,
        (done, total): (u64, u64),
        failure: Option<&str>,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE export_jobs SET state = $1, done = $2, total = $3, failure = $4, \
             updated_at = $5 WHERE id = $6",
        )
        .bind(state.code())
        .bind(as_i64(done))
        .bind(as_i64(total))
        .bind(failure.map(str::to_owned))
        .bind(now)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// # Errors
    /// `NotFound`, or database errors.
    pub async fn export_job(&self, id: &str) -> Result<ExportJob> {
        let r = sqlx::query(&format!("SELECT {COLUMNS} FROM export_jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        job_of(&r)
    }

    /// A member's exports of a case heard from since `since`, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn export_jobs_of(
        &self,
        case: CaseId,
        member: MemberId,
        since: i64,
    ) -> Result<Vec<ExportJob>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM export_jobs WHERE case_id = $1 AND member_id = $2 \
             AND updated_at >= $3 ORDER BY started_at DESC, id"
        ))
        .bind(case.to_string())
        .bind(member.to_string())
        .bind(since)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(job_of)
        .collect()
    }
}

const COLUMNS: &str = "id, case_id, member_id, format, file_name, state, done, total, failure, \
                       started_at, updated_at";

fn job_of(r: &sqlx::any::AnyRow) -> Result<ExportJob> {
    let count = |col: &str| -> Result<u64> {
        Ok(u64::try_from(r.try_get::<i64, _>(col)?).unwrap_or_default())
    };
    Ok(ExportJob {
        id: r.try_get("id")?,
        case: get_id(r, "case_id")?,
        member: get_id(r, "member_id")?,
        format: r.try_get("format")?,
        file_name: r.try_get("file_name")?,
        state: JobState::parse(&r.try_get::<String, _>("state")?)?,
        done: count("done")?,
        total: count("total")?,
        failure: r.try_get("failure")?,
        started_at: r.try_get("started_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    /// Keeps a finished export, sealed with its case's key.
    ///
    /// # Errors
    /// The folder or bucket cannot be written.
    pub async fn put_export_file(
        &self,
        key: &DataKey,
        job: &ExportJob,
        bytes: &[u8],
    ) -> Result<()> {
        let sealed = key.seal(bytes, &blob_ad_for("export", &job.case, &job.id))?;
        self.blobs()?
            .put(&file_key(&job.id), sealed, crate::blobs::Put::Replace)
            .await
    }

    /// # Errors
    /// The file is missing or does not open.
    pub async fn export_file(&self, key: &DataKey, job: &ExportJob) -> Result<Vec<u8>> {
        let sealed = self.blobs()?.get(&file_key(&job.id), None).await?;
        Ok(key.open(&sealed, &blob_ad_for("export", &job.case, &job.id))?)
    }

    /// Removes a job whose file was handed over at once, so was never kept.
    ///
    /// # Errors
    /// Database errors.
    pub async fn remove_export_job(&self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM export_jobs WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes jobs last heard from before `before` — finished, failed, or whose server
    /// went away — and their files. A job still writing down its progress is left.
    ///
    /// # Errors
    /// Database errors.
    pub async fn remove_export_jobs_before(&self, before: i64) -> Result<()> {
        let old: Vec<String> = sqlx::query("SELECT id FROM export_jobs WHERE updated_at < $1")
            .bind(before)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<std::result::Result<_, _>>()?;
        for id in old {
            if let Ok(blobs) = self.blobs() {
                blobs.delete(&file_key(&id)).await;
            }
            self.remove_export_job(&id).await?;
        }
        Ok(())
    }
}
