//! One authorisation function per use case. Each answers `NotFound` when the actor may
//! not act, never "forbidden", so that a case's existence does not leak.
//!
//! A case is visible to its owner and to members of the same organisation it is shared
//! with; `contribute` shares may also log contacts. The admin role never widens anything.

use crate::{Actor, AppError, Result};
use boundary_domain::{Access, Role};
use boundary_store::reads::CaseRow;

fn owns(actor: &Actor, case: &CaseRow) -> bool {
    case.owner == actor.member && case.org == actor.org
}

fn shared(actor: &Actor, case: &CaseRow, share: Option<Access>, need: Access) -> bool {
    case.org == actor.org
        && matches!(
            (share, need),
            (Some(_), Access::Read) | (Some(Access::Contribute), Access::Contribute)
        )
}

fn allow(ok: bool) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub(crate) fn view_case(actor: &Actor, case: &CaseRow, share: Option<Access>) -> Result<()> {
    allow(owns(actor, case) || shared(actor, case, share, Access::Read))
}

pub(crate) fn log_contact(actor: &Actor, case: &CaseRow, share: Option<Access>) -> Result<()> {
    allow(owns(actor, case) || shared(actor, case, share, Access::Contribute))
}

pub(crate) fn amend_entry(actor: &Actor, case: &CaseRow, share: Option<Access>) -> Result<()> {
    allow(owns(actor, case) || shared(actor, case, share, Access::Contribute))
}

/// Warnings and police reports are recorded by whoever may log contacts on the case.
pub(crate) fn record_advice(actor: &Actor, case: &CaseRow, share: Option<Access>) -> Result<()> {
    log_contact(actor, case, share)
}

/// Status, the chaperone flag and sharing are the owner's alone. Others who may see the
/// case are told "not found" for these too, as for anything they may not do.
pub(crate) fn manage_case(actor: &Actor, case: &CaseRow) -> Result<()> {
    allow(owns(actor, case))
}

/// The organisation's access audit is for auditors: who looked, not what they saw.
pub(crate) fn see_audit(actor: &Actor) -> Result<()> {
    allow(actor.roles.has(Role::Auditor))
}

/// People and settings are the admin's; they open no case.
pub(crate) fn manage_people(actor: &Actor) -> Result<()> {
    allow(actor.roles.has(Role::Admin))
}

/// The ledger's health is for auditors and admins; it shows no case content.
pub(crate) fn see_ledger(actor: &Actor) -> Result<()> {
    allow(actor.roles.has(Role::Auditor) || actor.roles.has(Role::Admin))
}

pub(crate) fn open_case(actor: &Actor) -> Result<()> {
    if actor.roles.has(Role::Clinician) {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only clinicians open cases."))
    }
}

/// Gifts are offered to anyone who works there; auditors only look at the audit.
pub(crate) fn record_gift(actor: &Actor) -> Result<()> {
    allow(
        actor.roles.has(Role::Clinician)
            || actor.roles.has(Role::Manager)
            || actor.roles.has(Role::Admin),
    )
}

/// The gift register is kept by managers and admins; it names no case.
pub(crate) fn keep_gift_register(actor: &Actor) -> Result<()> {
    allow(actor.roles.has(Role::Manager) || actor.roles.has(Role::Admin))
}
