//! Following the advice on a case: warnings to the patient, reports to the police, the
//! answers behind a removal request, and the removal planner that reads them. Each record
//! is an event in the ledger; the rules are `boundary_domain::advice`'s.

use crate::{authorise, Actor, App, Result};
use boundary_domain::advice::checklist::{checklist, Evidence};
use boundary_domain::advice::police::PoliceReportInput;
use boundary_domain::advice::removal::{plan, AssessmentInput};
use boundary_domain::advice::warning::WarningInput;
use boundary_domain::advice::{
    CareTransfer, ChaperoneRecord, Gift, Letter, Mark, PoliceReport, RemovalAssessment,
    RemovalPlan, RiskScreen, Step, StepState, Warning,
};
use boundary_domain::occurred::iso_date;
use boundary_domain::{CaseId, EventBody, FieldErrors, GiftId, MemberId, Seq, Timestamp};
use boundary_store::reads::CaseRow;
use boundary_store::Appended;
use time::Date;

/// Who recorded something, and when.
#[derive(Debug, Clone)]
pub struct Recorded<T> {
    pub seq: Seq,
    pub recorded_at: Timestamp,
    pub recorded_by: MemberId,
    pub record: T,
}

/// Everything a case records of the advice followed, oldest first.
#[derive(Debug, Clone, Default)]
pub struct AdviceRecords {
    pub warnings: Vec<Recorded<Warning>>,
    pub police_reports: Vec<Recorded<PoliceReport>>,
    /// The newest answers behind a removal request.
    pub assessment: Option<Recorded<RemovalAssessment>>,
    /// Checklist ticks and "not applicable"s, oldest first.
    pub marks: Vec<Recorded<(Step, Mark)>>,
    /// The chaperone register.
    pub chaperones: Vec<Recorded<ChaperoneRecord>>,
    pub transfers: Vec<Recorded<CareTransfer>>,
    /// Every set of answers to the risk questions, oldest first.
    pub screens: Vec<Recorded<RiskScreen>>,
    /// Gifts from the person of concern, as recorded in the organisation's register.
    pub gifts: Vec<Recorded<(GiftId, Gift)>>,
    /// Letters as they were sent, oldest first.
    pub letters: Vec<Recorded<Letter>>,
}

/// One checklist step as a page or the API shows it.
#[derive(Debug, Clone)]
pub struct ChecklistLine {
    pub step: Step,
    pub state: StepState,
    /// Who ticked it, when someone did.
    pub by: Option<String>,
}

impl AdviceRecords {
    #[must_use]
    pub fn warning_list(&self) -> Vec<Warning> {
        self.warnings.iter().map(|r| r.record.clone()).collect()
    }

    #[must_use]
    pub fn report_list(&self) -> Vec<PoliceReport> {
        self.police_reports
            .iter()
            .map(|r| r.record.clone())
            .collect()
    }
}

impl App {
    /// Today in the UK, for dates people type.
    #[must_use]
    pub fn uk_today(&self) -> Date {
        boundary_domain::uk_time::to_uk(self.now().datetime()).date()
    }

    /// Appends one advice record after `allowed` passes; validation comes after the
    /// authorisation check, so someone who may not see the case learns nothing from it.
    pub(crate) async fn append_record(
        &self,
        actor: &Actor,
        id: CaseId,
        allowed: fn(&Actor, &CaseRow, Option<boundary_domain::Access>) -> Result<()>,
        body: impl FnOnce(Date) -> Result<EventBody, FieldErrors>,
    ) -> Result<Appended> {
        let (case, key) = self.store.case_and_key(id).await?;
        allowed(actor, &case, self.share_of(actor, &case).await?)?;
        let body = body(self.uk_today())?;
        self.ensure_writable()?;
        let mut w = self.store.begin_write().await?;
        let appended = w
            .append(case.key, &key, &self.event(actor, id, body))
            .await?;
        w.commit().await?;
        Ok(appended)
    }

    /// Records a warning given to the patient.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not log on; `Invalid` field errors.
    pub async fn record_warning(
        &self,
        actor: &Actor,
        id: CaseId,
        input: &WarningInput,
    ) -> Result<Appended> {
        self.append_record(actor, id, authorise::record_advice, |today| {
            Ok(EventBody::WarningGiven {
                warning: input.parse(today)?,
            })
        })
        .await
    }

    /// Records a report to the police.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not log on; `Invalid` field errors.
    pub async fn record_police_report(
        &self,
        actor: &Actor,
        id: CaseId,
        input: &PoliceReportInput,
    ) -> Result<Appended> {
        self.append_record(actor, id, authorise::record_advice, |today| {
            Ok(EventBody::PoliceReported {
                report: PoliceReport::parse(input, today)?,
            })
        })
        .await
    }

    /// Records the owner's answers behind a removal request.
    ///
    /// # Errors
    /// `NotFound` for anyone but the owner; `Invalid` field errors.
    pub async fn assess_removal(
        &self,
        actor: &Actor,
        id: CaseId,
        input: &AssessmentInput,
    ) -> Result<Appended> {
        self.append_record(
            actor,
            id,
            |a, c, _| authorise::manage_case(a, c),
            |_| {
                Ok(EventBody::RemovalAssessed {
                    assessment: input.parse()?,
                })
            },
        )
        .await
    }

    /// The advice records of a case the actor may see; the look is recorded in the
    /// access audit.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn advice_records(&self, actor: &Actor, id: CaseId) -> Result<AdviceRecords> {
        let case = self.case(actor, id).await?;
        let records = self.records_of(&case).await?;
        self.record_view(actor, &case, "advice", None).await?;
        Ok(records)
    }

    /// Records in the access audit that the actor read the case's advice records — for
    /// answers built from them (checklist, removal plan, prompts) that do not record it.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn note_advice_read(&self, actor: &Actor, id: CaseId) -> Result<()> {
        let case = self.case(actor, id).await?;
        self.record_view(actor, &case, "advice", None).await
    }

    /// The advice records of a case the caller has already been allowed to see, through a
    /// use case that checked and audited it — for the case page's timeline.
    ///
    /// # Errors
    /// Database errors.
    pub async fn records_on(&self, case: &CaseRow) -> Result<AdviceRecords> {
        self.records_of(case).await
    }

    pub(crate) async fn records_of(&self, case: &CaseRow) -> Result<AdviceRecords> {
        let mut out = AdviceRecords::default();
        for r in self.store.case_records(case).await? {
            let (seq, recorded_at, recorded_by) = (r.seq, r.recorded_at, r.recorded_by);
            match r.body {
                EventBody::WarningGiven { warning } => out.warnings.push(Recorded {
                    seq,
                    recorded_at,
                    recorded_by,
                    record: warning,
                }),
                EventBody::PoliceReported { report } => out.police_reports.push(Recorded {
                    seq,
                    recorded_at,
                    recorded_by,
                    record: report,
                }),
                EventBody::ChaperoneRecorded { record } => out.chaperones.push(Recorded {
                    seq,
                    recorded_at,
                    recorded_by,
                    record,
                }),
                EventBody::LetterWritten { letter } => out.letters.push(Recorded {
                    seq,
                    recorded_at,
                    recorded_by,
                    record: letter,
                }),
                EventBody::GiftNoted { gift, record } => out.gifts.push(Recorded {
                    seq,
                    recorded_at,
                    recorded_by,
                    record: (gift, record),
                }),
                EventBody::RiskScreened { screen } => out.screens.push(Recorded {
                    seq,
                    recorded_at,
                    recorded_by,
                    record: screen,
                }),
                EventBody::CareTransferred { transfer } => out.transfers.push(Recorded {
                    seq,
                    recorded_at,
                    recorded_by,
                    record: transfer,
                }),
                EventBody::ChecklistMarked { step, mark } => out.marks.push(Recorded {
                    seq,
                    recorded_at,
                    recorded_by,
                    record: (step, mark),
                }),
                EventBody::RemovalAssessed { assessment } => {
                    out.assessment = Some(Recorded {
                        seq,
                        recorded_at,
                        recorded_by,
                        record: assessment,
                    });
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// What the removal planner says for a request on `requested_on` (today when blank).
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see; `Invalid` for a date that is not one.
    pub async fn removal_plan(
        &self,
        actor: &Actor,
        id: CaseId,
        requested_on: Option<&str>,
        immediate: bool,
    ) -> Result<(Date, RemovalPlan)> {
        let case = self.case(actor, id).await?;
        let records = self.records_of(&case).await?;
        let day = match requested_on.map(str::trim).filter(|s| !s.is_empty()) {
            None => self.uk_today(),
            Some(s) => iso_date::parse(s).map_err(|_| {
                FieldErrors::one(
                    "requested_on",
                    "Enter the date of the request, like 2026-11-27",
                )
            })?,
        };
        let assessment = records.assessment.as_ref().map(|r| &r.record);
        Ok((
            day,
            plan(
                day,
                immediate,
                assessment,
                &records.warning_list(),
                &records.report_list(),
            ),
        ))
    }

    /// Ticks a checklist step, or marks it not applicable. Owner, or a contribute share.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not log on, or an unknown step; `Invalid`.
    pub async fn mark_step(
        &self,
        actor: &Actor,
        id: CaseId,
        step: Step,
        done_on: Option<&str>,
        note: Option<&str>,
        not_applicable: Option<&str>,
    ) -> Result<Appended> {
        self.append_record(actor, id, authorise::record_advice, |today| {
            Ok(EventBody::ChecklistMarked {
                step,
                mark: Mark::parse(done_on, note, not_applicable, today)?,
            })
        })
        .await
    }

    /// The advice checklist of a case the actor may see, as it stands today.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn checklist(&self, actor: &Actor, id: CaseId) -> Result<Vec<ChecklistLine>> {
        let case = self.case(actor, id).await?;
        let records = self.records_of(&case).await?;
        self.checklist_of(&case, &records).await
    }

    /// The checklist of a case whose records are already read — through a use case that
    /// checked who may — so that the case page opens its records once.
    ///
    /// # Errors
    /// Database errors.
    pub async fn checklist_of(
        &self,
        case: &CaseRow,
        records: &AdviceRecords,
    ) -> Result<Vec<ChecklistLine>> {
        let first_entry_on = self
            .store
            .first_entry_recorded(case.id)
            .await?
            .map(|t| boundary_domain::uk_time::to_uk(t.datetime()).date());
        let marks: Vec<(Step, Mark)> = records.marks.iter().map(|r| r.record.clone()).collect();
        let (warnings, reports) = (records.warning_list(), records.report_list());
        let evidence = Evidence {
            first_entry_on,
            warnings: &warnings,
            reports: &reports,
            transferred_on: records
                .transfers
                .iter()
                .map(|t| t.record.transferred_on)
                .min(),
        };
        let mut lines = Vec::new();
        for (step, state) in checklist(&marks, evidence, self.uk_today()) {
            let by = match (
                &state,
                records.marks.iter().rev().find(|r| r.record.0 == step),
            ) {
                (
                    StepState::Done {
                        by_itself: false, ..
                    }
                    | StepState::DueAgain { .. },
                    Some(r),
                ) => Some(self.store.member(r.recorded_by).await?.name),
                _ => None,
            };
            lines.push(ChecklistLine { step, state, by });
        }
        Ok(lines)
    }

    /// The police references recorded on a case, newest report first, to offer when
    /// logging a contact.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn police_references(&self, actor: &Actor, id: CaseId) -> Result<Vec<String>> {
        let case = self.case(actor, id).await?;
        let records = self.records_of(&case).await?;
        Ok(boundary_domain::advice::police::references(
            &records.report_list(),
        ))
    }
}
