//! Opening a case and reading the cases a member may see.

use crate::{authorise, Actor, App, AppError, Result};
use boundary_domain::case::StatusChange;
use boundary_domain::event::{Salt, EVENT_VERSION};
use boundary_domain::{
    Access, CaseId, Email, Event, EventBody, FieldErrors, KeyId, MemberId, PersonOfConcern,
};
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
    /// Whether the actor may open cases, to refuse before they fill in the form.
    ///
    /// # Errors
    /// `Forbidden` for anyone who is not a clinician.
    pub fn may_open_cases(&self, actor: &Actor) -> Result<()> {
        authorise::open_case(actor)
    }

    /// A new event by this actor, stamped with the server's clock and a fresh salt.
    pub(crate) fn event(&self, actor: &Actor, case: CaseId, body: EventBody) -> Event {
        self.stamped(actor, Some(case), body)
    }

    /// A new event of the organisation's own registers, which belongs to no case.
    pub(crate) fn register_event(&self, actor: &Actor, body: EventBody) -> Event {
        self.stamped(actor, None, body)
    }

    fn stamped(&self, actor: &Actor, case: Option<CaseId>, body: EventBody) -> Event {
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
        let share = self.share_of(actor, &case).await?;
        authorise::view_case(actor, &case, share)?;
        Ok(case)
    }

    /// The actor's share of a case they do not own, if any.
    pub(crate) async fn share_of(&self, actor: &Actor, case: &CaseRow) -> Result<Option<Access>> {
        if case.owner == actor.member {
            return Ok(None);
        }
        Ok(self.store.share(case.id, actor.member).await?)
    }

    /// Whether the actor may log contacts on a case they can see (its owner, or shared to
    /// contribute): for deciding what a page offers, not for deciding what is allowed.
    ///
    /// # Errors
    /// Database errors.
    pub async fn may_log(&self, actor: &Actor, case: &CaseRow) -> Result<bool> {
        let share = self.share_of(actor, case).await?;
        Ok(authorise::log_contact(actor, case, share).is_ok())
    }

    /// The cases shared with the actor, most recently active first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn shared_with_me(&self, actor: &Actor) -> Result<Vec<CaseRow>> {
        let shared = self.store.cases_shared_with(actor.member).await?;
        Ok(shared.into_iter().filter(|c| c.org == actor.org).collect())
    }

    /// Shares a case with a member of the same organisation, found by e-mail address.
    ///
    /// # Errors
    /// `NotFound` for a case the actor does not own; `Invalid` for an address that is not
    /// an active member of the organisation, the owner's own, or an unknown access.
    pub async fn share_case(
        &self,
        actor: &Actor,
        id: CaseId,
        email: &str,
        access: &str,
    ) -> Result<CaseRow> {
        let (case, key) = self.store.case_and_key(id).await?;
        authorise::manage_case(actor, &case)?;
        self.ensure_writable()?;
        let mut errors = FieldErrors::new();
        let access = Access::parse(access);
        if access.is_none() {
            errors.add(
                "access",
                "Choose read, or contribute (may also log contacts)",
            );
        }
        let member = match Email::parse(email) {
            Err(e) => {
                errors.add("email", e.to_string());
                None
            }
            Ok(email) => {
                let found = match self.store.user_by_email(&email).await {
                    Ok(user) => self
                        .store
                        .memberships(user.id)
                        .await?
                        .into_iter()
                        .find(|m| m.org == actor.org && m.active),
                    Err(boundary_store::StoreError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                };
                match found {
                    // The same answer whether or not the address exists elsewhere.
                    None => {
                        errors.add(
                            "email",
                            "No one in your organisation has that e-mail address",
                        );
                        None
                    }
                    Some(m) if !m.accepted => {
                        errors.add(
                            "email",
                            "They have not accepted their invitation to your organisation yet: share the case once they have",
                        );
                        None
                    }
                    Some(m) if m.id == actor.member => {
                        errors.add("email", "That is you: the case is already yours");
                        None
                    }
                    Some(m) => Some(m.id),
                }
            }
        };
        errors.into_result()?;
        let (Some(member), Some(access)) = (member, access) else {
            return Err(AppError::Internal("checked fields missing".into()));
        };
        let mut w = self.store.begin_write().await?;
        w.append(
            case.key,
            &key,
            &self.event(actor, id, EventBody::CaseShared { member, access }),
        )
        .await?;
        w.commit().await?;
        Ok(self.store.case(id).await?)
    }

    /// Ends a member's access to a case at once.
    ///
    /// # Errors
    /// `NotFound` for a case the actor does not own, or a member it is not shared with.
    pub async fn revoke_share(&self, actor: &Actor, id: CaseId, member: MemberId) -> Result<()> {
        let (case, key) = self.store.case_and_key(id).await?;
        authorise::manage_case(actor, &case)?;
        self.ensure_writable()?;
        if self.store.share(id, member).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let mut w = self.store.begin_write().await?;
        w.append(
            case.key,
            &key,
            &self.event(actor, id, EventBody::ShareRevoked { member }),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Who a case is shared with: member, e-mail address, name and access. Owner only.
    ///
    /// # Errors
    /// `NotFound` for a case the actor does not own.
    pub async fn shares(
        &self,
        actor: &Actor,
        id: CaseId,
    ) -> Result<Vec<(MemberId, String, String, Access)>> {
        let case = self.store.case(id).await?;
        authorise::manage_case(actor, &case)?;
        Ok(self.store.shares(id).await?)
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
