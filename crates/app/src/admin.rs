//! An organisation's admin manages its people: invites them with a role, changes roles,
//! deactivates and reactivates them. None of this opens a case: being an admin widens
//! nothing in `authorise`.

use crate::people::check_new_member;
use crate::{authorise, Actor, App, AppError, Result};
use boundary_domain::{FieldErrors, MemberId, Role, Roles};
use boundary_store::accounts::MemberRow;
use boundary_store::sessions::LinkPurpose;

/// An invitation just made.
#[derive(Debug, Clone)]
pub struct Invite {
    pub member: MemberId,
    pub name: String,
    pub email: String,
    /// The invitation link's secret. There is one whether or not the address has an
    /// account, so that an admin cannot learn who has one.
    pub link: String,
    pub expires_micros: i64,
    /// The link was e-mailed to them.
    pub emailed: bool,
}

/// Invitation links are credentials, and roles and reactivation decide who may sign in
/// to what: made only by an admin signed in on the page, never by a token that may have
/// leaked.
pub(crate) fn refuse_token(actor: &Actor) -> Result<()> {
    if actor.via_token {
        Err(AppError::Forbidden(
            "Do this on the People page (/admin/members) while signed in: an API token cannot invite people, make an admin or let someone back in.",
        ))
    } else {
        Ok(())
    }
}

impl App {
    /// Everyone in the admin's organisation.
    ///
    /// # Errors
    /// `NotFound` for anyone but an admin.
    pub async fn members(&self, actor: &Actor) -> Result<Vec<MemberRow>> {
        authorise::manage_people(actor)?;
        Ok(self.store.members_of_org(actor.org).await?)
    }

    /// Invites someone to the admin's organisation with a role: a one-time link, live
    /// for 72 hours, with which the person joins — a new person by choosing a password,
    /// someone with an account by signing in to it and accepting. The membership opens
    /// nothing until then.
    ///
    /// # Errors
    /// `NotFound` for anyone but an admin; `Invalid` field errors; `Conflict` when they
    /// are already a member.
    pub async fn invite(
        &self,
        actor: &Actor,
        email: &str,
        name: &str,
        role: &str,
    ) -> Result<Invite> {
        authorise::manage_people(actor)?;
        refuse_token(actor)?;
        let checked = check_new_member(email, name, role, None)?;
        let (name, email) = (checked.1.clone(), checked.0.as_str().to_owned());
        let added = self.add_member_in(actor.org, checked, None).await?;
        self.store.set_inviter(added.member, actor.member).await?;
        tracing::info!(by = %actor.member, member = %added.member, "invited");
        let link = added
            .password_link
            .ok_or_else(|| AppError::Internal("an invitation without a link".into()))?;
        let emailed = self.email_invitation(&email, &actor.org_name, &link).await;
        Ok(Invite {
            member: added.member,
            name,
            email,
            link,
            expires_micros: self.now_micros() + self.limits.password_link_seconds * 1_000_000,
            emailed,
        })
    }

    /// A fresh invitation link for someone who has not yet accepted; any earlier link
    /// for this membership stops working. The link opens nothing by itself, so it is
    /// safe to give whether or not the person has an account.
    ///
    /// # Errors
    /// `NotFound` for anyone but an admin, or a member of another organisation;
    /// `Conflict` when they have accepted already or are deactivated.
    pub async fn renew_invite(&self, actor: &Actor, member: MemberId) -> Result<Invite> {
        let target = self.member_of_my_org(actor, member).await?;
        refuse_token(actor)?;
        if target.accepted {
            return Err(AppError::Conflict(format!(
                "{} has already joined: they can sign in.",
                target.name
            )));
        }
        if !target.active {
            return Err(AppError::Conflict(format!(
                "{} is deactivated: reactivate them first.",
                target.name
            )));
        }
        self.store
            .expire_member_links(member, self.now_micros())
            .await?;
        self.store.set_inviter(member, actor.member).await?;
        let link = self
            .create_link(
                LinkPurpose::Invitation,
                Some(member),
                self.limits.password_link_seconds,
            )
            .await?;
        let emailed = self
            .email_invitation(&target.email, &actor.org_name, &link)
            .await;
        Ok(Invite {
            member,
            name: target.name,
            email: target.email,
            link,
            expires_micros: self.now_micros() + self.limits.password_link_seconds * 1_000_000,
            emailed,
        })
    }

    /// Replaces a member's roles.
    ///
    /// # Errors
    /// As [`App::change_member`].
    pub async fn set_roles(&self, actor: &Actor, member: MemberId, roles: &[String]) -> Result<()> {
        self.change_member(actor, member, Some(roles), None).await
    }

    /// Deactivates or reactivates a member. Deactivation ends their sessions and tokens
    /// at once.
    ///
    /// # Errors
    /// As [`App::change_member`].
    pub async fn set_member_active(
        &self,
        actor: &Actor,
        member: MemberId,
        active: bool,
    ) -> Result<()> {
        self.change_member(actor, member, None, Some(active)).await
    }

    /// Changes a member's roles, or deactivates or reactivates them, or both — all of it
    /// or, when any part is refused, none. Deactivation ends their sessions and tokens at
    /// once.
    ///
    /// # Errors
    /// `NotFound` for anyone but an admin, or a member of another organisation;
    /// `Invalid` for no role or an unknown one; `Conflict` for deactivating oneself, or
    /// for leaving the organisation without an active admin.
    pub async fn change_member(
        &self,
        actor: &Actor,
        member: MemberId,
        roles: Option<&[String]>,
        active: Option<bool>,
    ) -> Result<()> {
        let target = self.member_of_my_org(actor, member).await?;
        let roles = match roles {
            None => None,
            Some(roles) => {
                let parsed = roles
                    .iter()
                    .map(|r| Role::parse(r))
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(|e| FieldErrors::one("roles", e.to_string()))?;
                if parsed.is_empty() {
                    return Err(FieldErrors::one("roles", "Choose at least one role").into());
                }
                Some(Roles::new(parsed))
            }
        };
        // Taking access away works by token too (a script that removes a leaver); letting
        // someone back in, or making an admin, does not: a leaked token must not become
        // a lasting way in.
        let readmits = active == Some(true) && !target.active;
        let makes_admin = roles
            .as_ref()
            .is_some_and(|r| r.has(Role::Admin) && !target.roles.has(Role::Admin));
        if readmits || makes_admin {
            refuse_token(actor)?;
        }
        if active == Some(false) && member == actor.member {
            return Err(AppError::Conflict(
                "You cannot deactivate yourself: ask another admin.".into(),
            ));
        }
        let admin_now = target.active && target.roles.has(Role::Admin);
        let admin_after = active.unwrap_or(target.active)
            && roles
                .as_ref()
                .map_or(target.roles.has(Role::Admin), |r| r.has(Role::Admin));
        if admin_now && !admin_after {
            self.keep_an_admin(actor, member).await?;
        }
        self.store
            .change_member(member, roles.as_ref(), active, self.now_micros())
            .await?;
        tracing::info!(by = %actor.member, %member, roles = ?roles.map(|r| r.to_string()), ?active, "membership changed");
        Ok(())
    }

    /// A member of the admin's own organisation; anyone else is "not found".
    async fn member_of_my_org(&self, actor: &Actor, member: MemberId) -> Result<MemberRow> {
        authorise::manage_people(actor)?;
        let target = self.store.member(member).await?;
        if target.org == actor.org {
            Ok(target)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Refuses a change that would leave no active admin besides `losing`.
    async fn keep_an_admin(&self, actor: &Actor, losing: MemberId) -> Result<()> {
        let others = self
            .store
            .members_of_org(actor.org)
            .await?
            .into_iter()
            .any(|m| m.id != losing && m.usable() && m.roles.has(Role::Admin));
        if others {
            Ok(())
        } else {
            Err(AppError::Conflict(
                "The organisation needs at least one admin: make someone else an admin first."
                    .into(),
            ))
        }
    }
}
