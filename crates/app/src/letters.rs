//! Letters on a case: a draft from what the case records — in the practice's own
//! wording when its admin has set one — edited by the doctor, and kept, as the doctor
//! sent it, as an event.

use crate::{authorise, Actor, App, Result};
use boundary_domain::advice::removal::plan;
use boundary_domain::advice::{Letter, LetterKind};
use boundary_domain::occurred::iso_date;
use boundary_domain::{CaseId, EventBody, FieldErrors};
use boundary_report::{check_template, default_template, draft, LetterFacts, RemovalFacts};

/// The placeholders a letter template may use, and what each holds.
pub use boundary_report::PLACEHOLDERS;

/// A kind of letter's wording as the practice uses it.
#[derive(Debug, Clone)]
pub struct LetterTemplate {
    pub kind: LetterKind,
    pub text: String,
    /// The practice's own, rather than Boundary's.
    pub custom: bool,
}

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
        let own = self.store.letter_template(actor.org, kind.code()).await?;
        Ok(draft(kind, &facts, own.as_deref()))
    }

    /// The wording the practice uses for each kind of letter. Admins.
    ///
    /// # Errors
    /// `NotFound` for anyone else.
    pub async fn letter_templates(&self, actor: &Actor) -> Result<Vec<LetterTemplate>> {
        authorise::manage_people(actor)?;
        let mut out = Vec::new();
        for kind in LetterKind::ALL {
            let own = self.store.letter_template(actor.org, kind.code()).await?;
            out.push(LetterTemplate {
                kind,
                custom: own.is_some(),
                text: own.unwrap_or_else(|| default_template(kind).to_owned()),
            });
        }
        Ok(out)
    }

    /// Sets the practice's own wording for a kind of letter, once it is shown to work.
    ///
    /// # Errors
    /// `NotFound` for anyone but an admin, or an unknown kind; `Invalid` for a template
    /// that cannot be used, saying why.
    pub async fn set_letter_template(
        &self,
        actor: &Actor,
        kind: LetterKind,
        text: &str,
    ) -> Result<()> {
        authorise::manage_people(actor)?;
        // Windows line endings from a pasted letter become plain newlines.
        let text = text.replace("\r\n", "\n");
        check_template(&text).map_err(|why| FieldErrors::one("text", why.to_string()))?;
        self.store
            .set_letter_template(
                actor.org,
                kind.code(),
                &text,
                actor.member,
                self.now_micros(),
            )
            .await?;
        tracing::info!(by = %actor.member, kind = kind.code(), "letter template set");
        Ok(())
    }

    /// Goes back to Boundary's wording for a kind of letter.
    ///
    /// # Errors
    /// `NotFound` for anyone but an admin, or an unknown kind.
    pub async fn reset_letter_template(&self, actor: &Actor, kind: LetterKind) -> Result<()> {
        authorise::manage_people(actor)?;
        self.store
            .clear_letter_template(actor.org, kind.code())
            .await?;
        tracing::info!(by = %actor.member, kind = kind.code(), "letter template reset");
        Ok(())
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
