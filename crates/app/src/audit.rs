//! The access audit: every view of a case or entry is an event in the ledger (who, what,
//! when, from where), beside the sharing events. The owner sees who has looked at their
//! case; auditors see their organisation's audit.

use crate::{authorise, Actor, App, Result};
use boundary_domain::{CaseId, EntryId, EventBody, MemberId};
use boundary_store::reads::{AuditRow, CaseRow};

/// How many rows an audit page shows at most.
pub const AUDIT_LIMIT: i64 = 500;

impl App {
    /// Records that the actor looked at the case. A log that refuses writes still lets
    /// people read; the view then goes unrecorded, and the server's log says so.
    pub(crate) async fn record_view(
        &self,
        actor: &Actor,
        case: &CaseRow,
        what: &str,
        entry: Option<EntryId>,
    ) -> Result<()> {
        if self.writes_blocked().is_some() {
            tracing::warn!(case = %case.id, "a view went unrecorded: the log refuses writes");
            return Ok(());
        }
        let key = self.store.data_key(case.key).await?;
        let mut w = self.store.begin_write().await?;
        let body = EventBody::CaseViewed {
            what: what.to_owned(),
            entry,
            address: actor.address.clone(),
        };
        w.append(case.key, &key, &self.event(actor, case.id, body))
            .await?;
        w.commit().await?;
        Ok(())
    }

    /// One case's details (not its entries), recorded as a view.
    ///
    /// # Errors
    /// `NotFound` when the actor may not see it.
    pub async fn view_case(&self, actor: &Actor, id: CaseId) -> Result<CaseRow> {
        let case = self.case(actor, id).await?;
        self.record_view(actor, &case, "case", None).await?;
        Ok(case)
    }

    /// Who has seen or been given the case, newest first. Owner only.
    ///
    /// # Errors
    /// `NotFound` for a case the actor does not own.
    pub async fn case_audit(&self, actor: &Actor, id: CaseId) -> Result<Vec<AuditRow>> {
        let case = self.store.case(id).await?;
        authorise::manage_case(actor, &case)?;
        Ok(self
            .store
            .audit(Some(id), actor.org, None, AUDIT_LIMIT)
            .await?)
    }

    /// The auditor's organisation's membership of the person with this address, whether
    /// or not it is still active (a leaver's looks stay in the audit); `None` when there
    /// is none. A membership elsewhere never answers for this organisation.
    ///
    /// # Errors
    /// `NotFound` for anyone but auditors.
    pub async fn audited_member(&self, actor: &Actor, email: &str) -> Result<Option<MemberId>> {
        authorise::see_audit(actor)?;
        let Ok(email) = boundary_domain::Email::parse(email) else {
            return Ok(None);
        };
        let user = match self.store.user_by_email(&email).await {
            Ok(u) => u,
            Err(boundary_store::StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(self
            .store
            .memberships(user.id)
            .await?
            .into_iter()
            .find(|m| m.org == actor.org)
            .map(|m| m.id))
    }

    /// The organisation's access audit, optionally for one case or one member. Auditors only.
    ///
    /// # Errors
    /// `NotFound` for anyone else.
    pub async fn org_audit(
        &self,
        actor: &Actor,
        case: Option<CaseId>,
        member: Option<MemberId>,
    ) -> Result<Vec<AuditRow>> {
        authorise::see_audit(actor)?;
        Ok(self
            .store
            .audit(case, actor.org, member, AUDIT_LIMIT)
            .await?)
    }
}
