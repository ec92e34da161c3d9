//! One authorisation function per use case. Each answers `NotFound` when the actor may
//! not act, never "forbidden", so that a case's existence does not leak.
//!
//! Today a case is visible to its owner alone; sharing widens `view_case` and
//! `log_contact` later, here and nowhere else. The admin role never widens anything.

use crate::{Actor, AppError, Result};
use boundary_domain::Role;
use boundary_store::reads::CaseRow;

fn owns(actor: &Actor, case: &CaseRow) -> bool {
    case.owner == actor.member && case.org == actor.org
}

pub(crate) fn view_case(actor: &Actor, case: &CaseRow) -> Result<()> {
    if owns(actor, case) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub(crate) fn log_contact(actor: &Actor, case: &CaseRow) -> Result<()> {
    view_case(actor, case)
}

pub(crate) fn amend_entry(actor: &Actor, case: &CaseRow) -> Result<()> {
    view_case(actor, case)
}

/// Status and the chaperone flag are the owner's to set.
pub(crate) fn manage_case(actor: &Actor, case: &CaseRow) -> Result<()> {
    view_case(actor, case)
}

/// The ledger's health is for auditors and admins; it shows no case content.
pub(crate) fn see_ledger(actor: &Actor) -> Result<()> {
    if actor.roles.has(Role::Auditor) || actor.roles.has(Role::Admin) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub(crate) fn open_case(actor: &Actor) -> Result<()> {
    if actor.roles.has(Role::Clinician) {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only clinicians open cases."))
    }
}
