//! The registers and warning signs on a case: the chaperone register, transfers of care,
//! the risk questions, and the escalation prompts read from the log.

use crate::{authorise, Actor, App, Result};
use boundary_domain::advice::chaperone::ChaperoneInput;
use boundary_domain::advice::prompts::{prompts, Prompt};
use boundary_domain::advice::transfer::TransferInput;
use boundary_domain::advice::{ChaperoneRecord, RiskScreen};
use boundary_domain::{CaseId, EventBody};
use boundary_store::Appended;

impl App {
    /// Records a consultation's chaperone, or a declined offer. Owner, or a contribute
    /// share.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not log on; `Invalid` field errors.
    pub async fn record_chaperone(
        &self,
        actor: &Actor,
        id: CaseId,
        input: &ChaperoneInput,
    ) -> Result<Appended> {
        self.append_record(actor, id, authorise::record_advice, |today| {
            Ok(EventBody::ChaperoneRecorded {
                record: ChaperoneRecord::parse(input, today)?,
            })
        })
        .await
    }

    /// Records a transfer of the patient's care. Owner only.
    ///
    /// # Errors
    /// `NotFound` for anyone but the owner; `Invalid` field errors.
    pub async fn record_transfer(
        &self,
        actor: &Actor,
        id: CaseId,
        input: &TransferInput,
    ) -> Result<Appended> {
        self.append_record(
            actor,
            id,
            |a, c, _| authorise::manage_case(a, c),
            |today| {
                Ok(EventBody::CareTransferred {
                    transfer: input.parse(today)?,
                })
            },
        )
        .await
    }

    /// The escalation prompts the case's log raises today.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn prompts(&self, actor: &Actor, id: CaseId) -> Result<Vec<Prompt>> {
        let case = self.case(actor, id).await?;
        let contacts: Vec<_> = self
            .store
            .entries(&case)
            .await?
            .iter()
            .map(boundary_store::reads::EntryRow::current)
            .collect();
        self.prompts_for(&case, &contacts).await
    }

    /// The prompts for a case whose contacts the caller has already read — through a use
    /// case that checked who may — so that the case page does not open every entry twice.
    ///
    /// # Errors
    /// Database errors.
    pub async fn prompts_for(
        &self,
        case: &boundary_store::reads::CaseRow,
        contacts: &[boundary_domain::ContactEntry],
    ) -> Result<Vec<Prompt>> {
        let records = self.records_of(case).await?;
        let screens: Vec<RiskScreen> = records.screens.iter().map(|r| r.record.clone()).collect();
        Ok(prompts(
            contacts,
            &records.warning_list(),
            &screens,
            self.uk_today(),
        ))
    }

    /// Records a set of answers to the risk questions. Owner, or a contribute share.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not log on; `Invalid` for unanswered or
    /// unknown questions.
    pub async fn record_risk_screen(
        &self,
        actor: &Actor,
        id: CaseId,
        answers: &std::collections::BTreeMap<String, Option<bool>>,
    ) -> Result<Appended> {
        self.append_record(actor, id, authorise::record_advice, |_| {
            Ok(EventBody::RiskScreened {
                screen: RiskScreen::parse(answers)?,
            })
        })
        .await
    }
}
