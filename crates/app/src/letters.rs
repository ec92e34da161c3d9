//! Letters on a case: a draft from what the case records, edited by the doctor, and
//! kept — as the doctor sent it — as an event.

use crate::{authorise, Actor, App, Result};
use boundary_domain::advice::removal::plan;
use boundary_domain::advice::{Letter, LetterKind};
use boundary_domain::occurred::iso_date;
use boundary_domain::{CaseId, EventBody, FieldErrors};
use boundary_report::{draft, LetterFacts, RemovalFacts};
use boundary_store::Appended;

impl App {
    /// A draft of a letter of `kind` for a request on `requested_on` (today when blank),
    /// `immediate` or not — for those who may record advice on the case.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not act on; `Invalid` for an unknown kind or a
    /// date that is not one.
    pub async fn letter_draft(
        &self,
        actor: &Actor,
        id: CaseId,
        kind: &str,
        requested_on: Option<&str>,
        immediate: bool,
    ) -> Result<String> {
        let (case, _) = self.store.case_and_key(id).await?;
        authorise::record_advice(actor, &case, self.share_of(actor, &case).await?)?;
        let kind = LetterKind::parse(kind).ok_or_else(|| {
            FieldErrors::one(
                "kind",
                "Choose which letter: warning, removal_request or removal_notice",
            )
        })?;
        let today = match requested_on.map(str::trim).filter(|s| !s.is_empty()) {
            None => self.uk_today(),
            Some(s) => iso_date::parse(s).map_err(|_| {
                FieldErrors::one(
                    "requested_on",
                    "Enter the date of the request, like 2026-11-27",
                )
            })?,
        };
        let records = self.records_of(&case).await?;
        self.record_view(actor, &case, "advice", None).await?;
        let warnings = records.warning_list();
        let reports = records.report_list();
        let assessment = records.assessment.as_ref().map(|r| &r.record);
        let removal_plan = plan(today, immediate, assessment, &warnings, &reports);
        let warning = warnings
            .iter()
            .filter(|w| w.given_on <= today)
            .max_by_key(|w| w.given_on);
        let police = reports
            .iter()
            .filter(|r| r.reported_on <= today)
            .max_by_key(|r| r.reported_on);
        let nhs = case.person.nhs_number.as_ref().map(ToString::to_string);
        let facts = LetterFacts {
            practice: &actor.org_name,
            doctor: &actor.name,
            patient: &case.person.label,
            nhs_number: nhs.as_deref(),
            today,
            warning,
            chaperone_required: case.chaperone_required,
            removal: Some(RemovalFacts {
                immediate,
                plan: &removal_plan,
                police: if immediate { police } else { None },
                exception: assessment.and_then(|a| a.exception.zip(a.exception_why.as_deref())),
                not_told_why: assessment.and_then(|a| a.patient_not_told_why.as_deref()),
            }),
        };
        Ok(draft(kind, &facts))
    }

    /// Keeps a letter as it was sent. Owner, or a contribute share. A removal request's
    /// date and kind set the reminders that follow it.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not act on; `Invalid` field errors.
    pub async fn write_letter(
        &self,
        actor: &Actor,
        id: CaseId,
        kind: &str,
        text: &str,
        requested_on: Option<&str>,
        immediate: bool,
    ) -> Result<Appended> {
        self.append_record(actor, id, authorise::record_advice, |today| {
            Ok(EventBody::LetterWritten {
                letter: Letter::parse(kind, text, requested_on, immediate, today)?,
            })
        })
        .await
    }
}
