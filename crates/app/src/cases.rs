//! Opening a case and reading the cases a member may see.

use crate::{authorise, Actor, App, Result};
use boundary_domain::case::StatusChange;
use boundary_domain::event::{Salt, EVENT_VERSION};
use boundary_domain::{CaseId, Event, EventBody, KeyId, PersonOfConcern};
use boundary_store::reads::CaseRow;

/// What "open a case" asks for, as typed.
#[derive(Debug, Clone, Default)]
pub struct OpenCaseInput {
    pub label: String,
    pub nhs_number: Option<String>,
    pub identifiers: Vec<String>,
    pub chaperone_required: bool,
}

impl App {
    /// A new event by this actor, stamped with the server's clock and a fresh salt.
    pub(crate) fn event(&self, actor: &Actor, case: CaseId, body: EventBody) -> Event {
        Event {
            v: EVENT_VERSION,
            case,
            actor: actor.member,
            recorded_at: self.now(),
            salt: Salt(self.random.bytes16()),
            body,
        }
    }

    /// Opens a case about a person of concern, owned by the actor, with its own data key.
    ///
    /// # Errors
    /// `Forbidden` for a member who is not a clinician; `Invalid` field errors.
    pub async fn open_case(&self, actor: &Actor, input: &OpenCaseInput) -> Result<CaseRow> {
        authorise::open_case(actor)?;
        self.ensure_writable()?;
        let person = PersonOfConcern::parse(
            &input.label,
            input.nhs_number.as_deref(),
            &input.identifiers,
        )?;
        let case = CaseId::from_random(self.random.bytes16());
        let key_id = KeyId::from_random(self.random.bytes16());
        let mut w = self.store.begin_write().await?;
        let key = w.new_data_key(key_id, self.now()).await?;
        let mut bodies = vec![
            EventBody::CaseOpened {
                org: actor.org,
                owner: actor.member,
            },
            EventBody::PersonRecorded { person },
        ];
        if input.chaperone_required {
            bodies.push(EventBody::ChaperoneFlagSet { required: true });
        }
        for body in bodies {
            w.append(key_id, &key, &self.event(actor, case, body))
                .await?;
        }
        w.commit().await?;
        tracing::info!(%case, member = %actor.member, "case opened");
        Ok(self.store.case(case).await?)
    }

    /// The cases the actor may see, most recently active first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn cases(&self, actor: &Actor) -> Result<Vec<CaseRow>> {
        let owned = self.store.cases_owned_by(actor.member).await?;
        Ok(owned.into_iter().filter(|c| c.org == actor.org).collect())
    }

    /// One case, if the actor may see it.
    ///
    /// # Errors
    /// `NotFound` when it does not exist or the actor may not see it.
    pub async fn case(&self, actor: &Actor, id: CaseId) -> Result<CaseRow> {
        let case = self.store.case(id).await?;
        authorise::view_case(actor, &case)?;
        Ok(case)
    }

    /// Appends one event to a case the actor may manage, and reads the case back.
    async fn append_to_case(&self, actor: &Actor, id: CaseId, body: EventBody) -> Result<CaseRow> {
        let (case, key) = self.store.case_and_key(id).await?;
        authorise::manage_case(actor, &case)?;
        self.ensure_writable()?;
        let mut w = self.store.begin_write().await?;
        w.append(case.key, &key, &self.event(actor, id, body))
            .await?;
        w.commit().await?;
        Ok(self.store.case(id).await?)
    }

    /// Changes a case's status (open, warned, care transferred, …), with an optional note.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not manage; `Invalid` field errors.
    pub async fn change_status(
        &self,
        actor: &Actor,
        id: CaseId,
        status: &str,
        note: Option<&str>,
    ) -> Result<CaseRow> {
        let change = StatusChange::parse(status, note)?;
        self.append_to_case(
            actor,
            id,
            EventBody::StatusChanged {
                status: change.status,
                note: change.note,
            },
        )
        .await
    }

    /// Sets or clears "chaperone required for every consultation".
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not manage.
    pub async fn set_chaperone_required(
        &self,
        actor: &Actor,
        id: CaseId,
        required: bool,
    ) -> Result<CaseRow> {
        self.append_to_case(actor, id, EventBody::ChaperoneFlagSet { required })
            .await
    }

    /// Replays every event into fresh projections; returns how many.
    ///
    /// # Errors
    /// An event that does not open or apply; nothing changes then.
    pub async fn rebuild(&self) -> Result<i64> {
        Ok(self.store.rebuild_projections().await?)
    }
}
