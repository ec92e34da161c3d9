//! Exports made in the background for the case page, so that a large case shows how far
//! its export has got instead of a page that seems to hang. Small ones still come back
//! at once. Progress lives in the database, so any server sharing it can show it; the
//! finished file is kept sealed for an hour.

use crate::exports::{Export, ExportFormat, ExportRequest, PreparedExport, Progress};
use crate::{authorise, Actor, App, AppError, Result};
use boundary_domain::CaseId;
pub use boundary_store::export_jobs::{ExportJob, JobState};
use std::sync::Arc;
use std::time::Duration;

/// How long a finished export can be downloaded again.
pub const KEPT_SECONDS: i64 = 3600;
/// A job not heard from for this long has stopped: its server went away.
pub const STALLED_SECONDS: i64 = 60;
/// How often a job's progress is written down.
const TICK: Duration = Duration::from_millis(500);

/// What the page shows of a job.
#[derive(Debug, Clone)]
pub struct ExportStatus {
    pub job: ExportJob,
    pub format: ExportFormat,
    /// Still "working" but silent for longer than [`STALLED_SECONDS`].
    pub stalled: bool,
}

impl ExportStatus {
    /// `working`, `stalled`, `ready` or `failed`.
    #[must_use]
    pub fn state(&self) -> &'static str {
        match (self.job.state, self.stalled) {
            (JobState::Working, false) => "working",
            (JobState::Working, true) => "stalled",
            (JobState::Ready, _) => "ready",
            (JobState::Failed, _) => "failed",
        }
    }
}

/// How a started export went: finished while the page waited, or still being made.
#[derive(Debug)]
pub enum Started {
    Done(Export),
    Working(String),
}

impl App {
    fn seconds(&self) -> i64 {
        self.now().unix_micros() / 1_000_000
    }

    /// Checks, records and starts an export, and waits up to `wait` for it: a small one
    /// comes back whole; a large one goes on in the background, its job id returned.
    ///
    /// # Errors
    /// As [`App::prepare_export`]: nothing is started for a refused request.
    pub async fn start_export(
        &self,
        actor: &Actor,
        id: CaseId,
        request: &ExportRequest,
        wait: Duration,
    ) -> Result<Started> {
        let prepared = self.prepare_export(actor, id, request).await?;
        let now = self.seconds();
        let sweeper = self.clone();
        tokio::spawn(async move { sweeper.remove_old_exports().await });
        let job = ExportJob {
            id: boundary_domain::ExportJobId::from_random(self.random.bytes16()).to_string(),
            case: id,
            member: actor.member,
            format: request.format.trim().to_owned(),
            file_name: prepared.file_name.clone(),
            state: JobState::Working,
            done: 0,
            total: 0,
            failure: None,
            started_at: now,
            updated_at: now,
        };
        self.store.insert_export_job(&job).await?;
        let (tx, mut rx) = tokio::sync::oneshot::channel();
        let app = self.clone();
        let job_id = job.id.clone();
        tokio::spawn(async move { app.run_export_job(job, prepared, tx).await });
        if let Ok(Ok(made)) = tokio::time::timeout(wait, &mut rx).await {
            return Ok(Started::Done(made?));
        }
        // Closed before looking once more: the job either handed it over just now, or
        // finds no one waiting and keeps it. Never neither.
        rx.close();
        match rx.try_recv() {
            Ok(made) => Ok(Started::Done(made?)),
            Err(_) => Ok(Started::Working(job_id)),
        }
    }

    /// Removes finished exports older than an hour, and their files; and jobs whose
    /// server went away that long ago. Best effort, in the background.
    async fn remove_old_exports(&self) {
        if let Err(e) = self
            .store
            .remove_export_jobs_before(self.seconds() - KEPT_SECONDS)
            .await
        {
            tracing::warn!("old exports were not removed: {e}");
        }
    }

    /// Makes the export in a task of its own (so a panic is a failure, not silence),
    /// writing down its progress; hands it to the page if the page is still waiting,
    /// else keeps it for the progress page to offer.
    async fn run_export_job(
        &self,
        job: ExportJob,
        prepared: PreparedExport,
        waiting: tokio::sync::oneshot::Sender<Result<Export>>,
    ) {
        let progress = Arc::new(Progress::default());
        let (app, counter, case_key) = (self.clone(), Arc::clone(&progress), prepared.case.key);
        let mut making = tokio::spawn(async move { app.make_export(&prepared, &counter).await });
        let mut tick = tokio::time::interval(TICK);
        let made = loop {
            tokio::select! {
                made = &mut making => break made.unwrap_or_else(|e| Err(AppError::Task(e))),
                _ = tick.tick() => {
                    let at = self.seconds();
                    let working = JobState::Working;
                    if let Err(e) = self.store.update_export_job(&job.id, working, progress.get(), None, at).await {
                        tracing::warn!("an export's progress was not written down: {e}");
                    }
                }
            }
        };
        let made = match waiting.send(made) {
            // The page had it: nothing to keep.
            Ok(()) => {
                let _ = self.store.remove_export_job(&job.id).await;
                return;
            }
            Err(made) => made,
        };
        let (done, total) = progress.get();
        let kept = async {
            let export = made?;
            let key = self.store.data_key(case_key).await?;
            self.store
                .put_export_file(&key, &job, &export.bytes)
                .await?;
            Ok::<_, AppError>(())
        }
        .await;
        let at = self.seconds();
        let ended = match &kept {
            Ok(()) => {
                self.store
                    .update_export_job(&job.id, JobState::Ready, (total, total), None, at)
            }
            Err(e) => {
                tracing::warn!(job = %job.id, "an export failed: {e}");
                let why = "Something went wrong while making it. Try again; if it fails again, tell whoever runs Boundary.";
                self.store.update_export_job(
                    &job.id,
                    JobState::Failed,
                    (done, total),
                    Some(why),
                    at,
                )
            }
        };
        if let Err(e) = ended.await {
            tracing::warn!("an export's end was not written down: {e}");
        }
    }

    /// A job started by the actor, on a case they still manage.
    ///
    /// # Errors
    /// `NotFound` for a job that is not theirs, or gone.
    pub async fn export_status(
        &self,
        actor: &Actor,
        job: &boundary_domain::ExportJobId,
    ) -> Result<ExportStatus> {
        let job = self.store.export_job(job.as_str()).await?;
        if job.member != actor.member {
            return Err(AppError::NotFound);
        }
        authorise::manage_case(actor, &self.store.case(job.case).await?)?;
        self.status_of(job)
    }

    fn status_of(&self, job: ExportJob) -> Result<ExportStatus> {
        Ok(ExportStatus {
            format: ExportFormat::parse(&job.format)?,
            stalled: job.state == JobState::Working
                && self.seconds() - job.updated_at > STALLED_SECONDS,
            job,
        })
    }

    /// The actor's exports of a case in the last hour, newest first, for the case page.
    ///
    /// # Errors
    /// `NotFound` for a case the actor does not own.
    pub async fn recent_exports(&self, actor: &Actor, case: CaseId) -> Result<Vec<ExportStatus>> {
        authorise::manage_case(actor, &self.store.case(case).await?)?;
        let now = self.seconds();
        self.store
            .export_jobs_of(case, actor.member, now - KEPT_SECONDS)
            .await?
            .into_iter()
            .map(|job| self.status_of(job))
            .collect()
    }

    /// The finished file of a job, for an hour after it was finished; each download is
    /// recorded in the access audit.
    ///
    /// # Errors
    /// `NotFound` as for [`App::export_status`], or for a job not finished or too old.
    pub async fn export_job_file(
        &self,
        actor: &Actor,
        job: &boundary_domain::ExportJobId,
    ) -> Result<Export> {
        let status = self.export_status(actor, job).await?;
        if status.job.state != JobState::Ready
            || self.seconds() - status.job.updated_at > KEPT_SECONDS
        {
            return Err(AppError::NotFound);
        }
        let case = self.store.case(status.job.case).await?;
        // Each download is a look at the case, as the export was.
        self.record_view(actor, &case, "export download", None)
            .await?;
        let key = self.store.data_key(case.key).await?;
        Ok(Export {
            bytes: self.store.export_file(&key, &status.job).await?,
            file_name: status.job.file_name,
            media_type: status.format.media_type(),
        })
    }
}
