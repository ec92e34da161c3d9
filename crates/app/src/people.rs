//! Setting up an organisation and adding people to it.

use crate::passwords::check_password_rules;
use crate::{Actor, App, AppError, Result};
use boundary_domain::{text, Email, FieldErrors, MemberId, OrgId, Role, Roles, UserId};
use boundary_store::accounts::{MemberRow, NewMember};
use boundary_store::sessions::LinkPurpose;
use secrecy::{ExposeSecret, SecretString};

pub const ORG_NAME_MAX: usize = 120;
pub const PERSON_NAME_MAX: usize = 120;

/// What the set-up page asks for.
#[derive(Debug)]
pub struct SetupInput {
    pub org_name: String,
    pub name: String,
    pub email: String,
    pub password: SecretString,
}

/// What an invitation link offers the person who opens it.
#[derive(Debug, Clone)]
pub struct Invitation {
    /// No account has a password for the address yet: the link chooses the first one.
    /// Otherwise the account's owner signs in and accepts.
    pub needs_password: bool,
    /// Whose account the invitation is for.
    pub user: UserId,
    pub org_name: String,
    pub roles: Roles,
    /// Who sent the invitation, by the name their organisation knows them by.
    pub invited_by: Option<String>,
}

/// A member just added: their id, and the invitation link's secret unless they were
/// added with a password of their own.
#[derive(Debug, Clone)]
pub struct AddedMember {
    pub member: MemberId,
    pub password_link: Option<String>,
}

impl App {
    /// A one-time set-up link for an empty store; `None` once an organisation exists.
    ///
    /// # Errors
    /// Database errors.
    pub async fn setup_link_if_empty(&self) -> Result<Option<String>> {
        if !self.store.is_empty().await? {
            return Ok(None);
        }
        // Only the newest set-up link works.
        self.store
            .expire_links(LinkPurpose::Setup, self.now_micros())
            .await?;
        Ok(Some(
            self.create_link(LinkPurpose::Setup, None, self.limits.setup_link_seconds)
                .await?,
        ))
    }

    /// Creates the first organisation and its first account — a clinician who is also
    /// its admin — and uses up the link.
    ///
    /// # Errors
    /// `NotFound` for a used or expired link; `Invalid` with field errors.
    pub async fn complete_setup(&self, link: &str, input: &SetupInput) -> Result<MemberId> {
        match self.link(link).await? {
            (LinkPurpose::Setup, _) => {}
            _ => return Err(AppError::NotFound),
        }
        let mut errors = FieldErrors::new();
        let org_name = errors.check(
            "org_name",
            text::required(
                &input.org_name,
                ORG_NAME_MAX,
                "Enter the name of your practice, department or your own name",
            ),
        );
        let name = errors.check(
            "name",
            text::required(&input.name, PERSON_NAME_MAX, "Enter your name"),
        );
        let email = errors.check("email", Email::parse(&input.email));
        if let Err(e) =
            check_password_rules(input.password.expose_secret(), &[&input.email, &input.name])
        {
            for (f, m) in e.iter() {
                errors.add(f, m);
            }
        }
        errors.into_result()?;
        let (Some(org_name), Some(name), Some(email)) = (org_name, name, email) else {
            return Err(AppError::Internal("checked fields missing".into()));
        };
        let hash = self.hash_password(input.password.expose_secret()).await?;
        self.use_link(link).await?;
        // A link printed before someone else finished set-up must not make a second organisation.
        if !self.store.is_empty().await? {
            return Err(AppError::NotFound);
        }
        let org = self.add_org(&org_name).await?;
        let member = MemberId::from_random(self.random.bytes16());
        self.store
            .add_member(&NewMember {
                member,
                new_user: UserId::from_random(self.random.bytes16()),
                org,
                email: &email,
                name: &name,
                roles: &Roles::new(vec![Role::Clinician, Role::Admin]),
                password_hash: Some(&hash),
                at: self.now(),
            })
            .await?;
        tracing::info!(%org, %member, "organisation set up");
        Ok(member)
    }

    /// # Errors
    /// `Invalid` for a blank or over-long name; `Conflict` if the name is taken.
    pub async fn add_org(&self, name: &str) -> Result<OrgId> {
        let name = text::required(name, ORG_NAME_MAX, "Enter the organisation's name")
            .map_err(|e| FieldErrors::one("name", e.to_string()))?;
        let id = OrgId::from_random(self.random.bytes16());
        self.store.create_org(id, &name, self.now()).await?;
        Ok(id)
    }

    /// Adds a member with a role to the organisation with this id or name (for the
    /// command line). Without a password, returns a one-time link secret with which they
    /// choose one.
    ///
    /// # Errors
    /// `Invalid` field errors; `NotFound` for an unknown organisation; `Conflict` if
    /// they are already a member.
    pub async fn add_member(
        &self,
        org: &str,
        email: &str,
        name: &str,
        role: &str,
        password: Option<&SecretString>,
    ) -> Result<AddedMember> {
        let password = password.map(ExposeSecret::expose_secret);
        let checked = check_new_member(email, name, role, password)?;
        let (org, _) = self.store.find_org(org).await?;
        self.add_member_in(org, checked, password).await
    }

    /// Adds a checked new member to an organisation known to exist. The answer is the
    /// same whether or not the address has an account anywhere: a link, unless a
    /// password was given for a new account. A link never opens the membership by
    /// itself: a new person chooses their first password with it; someone with an
    /// account must sign in to it and accept.
    pub(crate) async fn add_member_in(
        &self,
        org: OrgId,
        (email, name, role): (Email, String, Role),
        password: Option<&str>,
    ) -> Result<AddedMember> {
        let hash = match password {
            Some(p) => Some(self.hash_password(p).await?),
            None => None,
        };
        let member = MemberId::from_random(self.random.bytes16());
        let added = self
            .store
            .add_member(&NewMember {
                member,
                new_user: UserId::from_random(self.random.bytes16()),
                org,
                email: &email,
                name: &name,
                roles: &Roles::new(vec![role]),
                password_hash: hash.as_deref(),
                at: self.now(),
            })
            .await;
        // Only the deployment's operator gives passwords (the command line), and only for
        // new accounts: someone who has an account keeps their own.
        if let Err(boundary_store::StoreError::Conflict("a user with that e-mail address")) = added
        {
            return Err(FieldErrors::one(
                "password",
                "This person already has a Boundary account and keeps their own password: add them without one, and they accept with the link",
            )
            .into());
        }
        let (_, accepted) = added?;
        let password_link = if accepted {
            None
        } else {
            Some(
                self.create_link(
                    LinkPurpose::Invitation,
                    Some(member),
                    self.limits.password_link_seconds,
                )
                .await?,
            )
        };
        tracing::info!(%org, %member, role = role.code(), "member added");
        Ok(AddedMember {
            member,
            password_link,
        })
    }

    /// What an invitation link offers, if it is still live.
    ///
    /// # Errors
    /// `NotFound` for a used, expired or unknown link, or a membership that was turned
    /// off or accepted already.
    pub async fn invitation(&self, link: &str) -> Result<Invitation> {
        let member = match self.link(link).await? {
            (LinkPurpose::Invitation, Some(m)) => self.store.member(m).await?,
            _ => return Err(AppError::NotFound),
        };
        if !member.active || member.accepted {
            return Err(AppError::NotFound);
        }
        Ok(Invitation {
            invited_by: self.store.inviter_name(member.id).await?,
            needs_password: !member.has_password,
            user: member.user,
            org_name: member.org_name,
            roles: member.roles,
        })
    }

    /// A new person chooses their first password from their invitation link, which
    /// accepts that membership (and no other) and is used up.
    ///
    /// # Errors
    /// `NotFound` for a used or expired link, or an account that has a password
    /// already (its owner accepts by signing in); `Invalid` for a weak password.
    pub async fn set_password_with_link(
        &self,
        link: &str,
        password: &SecretString,
    ) -> Result<MemberId> {
        let password = password.expose_secret();
        let member = match self.link(link).await? {
            (LinkPurpose::Invitation, Some(m)) => m,
            _ => return Err(AppError::NotFound),
        };
        let m = self.store.member(member).await?;
        if m.has_password || !m.active || m.accepted {
            return Err(AppError::NotFound);
        }
        check_password_rules(password, &[&m.email, &m.name])?;
        let hash = self.hash_password(password).await?;
        self.use_link(link).await?;
        self.store
            .set_first_password(m.user, member, &hash, self.now_micros())
            .await?;
        tracing::info!(%member, "first password chosen; invitation accepted");
        Ok(member)
    }

    /// The signed-in person accepts an invitation made to their own account: the link
    /// alone is not enough, nor is the account alone.
    ///
    /// # Errors
    /// `NotFound` for a dead link, or an invitation to another account (the same answer,
    /// so that a link does not tell whose it is).
    pub async fn accept_invitation(&self, actor: &Actor, link: &str) -> Result<MemberId> {
        let member = match self.link(link).await? {
            (LinkPurpose::Invitation, Some(m)) => self.store.member(m).await?,
            _ => return Err(AppError::NotFound),
        };
        if member.user != actor.user || !member.active || member.accepted {
            tracing::warn!(by = %actor.member, "invitation to another account refused");
            return Err(AppError::NotFound);
        }
        self.use_link(link).await?;
        self.store
            .accept_membership(member.id, actor.user, self.now_micros())
            .await?;
        tracing::info!(member = %member.id, by = %actor.member, "invitation accepted");
        Ok(member.id)
    }

    /// The organisations the actor belongs to and may switch to: their active memberships.
    ///
    /// # Errors
    /// Database errors.
    pub async fn my_memberships(&self, actor: &Actor) -> Result<Vec<MemberRow>> {
        Ok(self
            .store
            .memberships(actor.user)
            .await?
            .into_iter()
            .filter(MemberRow::usable)
            .collect())
    }

    /// A new session as the actor's membership of another organisation, in place of the
    /// session `from`, which ends. The sign-in time carries over: switching must not
    /// renew the 12-hour limit.
    ///
    /// # Errors
    /// `NotFound` for a membership that is not the actor's own, or not usable;
    /// `Unauthenticated` when `from` is not a live session of theirs.
    pub async fn switch_organisation(
        &self,
        actor: &Actor,
        member: MemberId,
        from: &str,
        user_agent: Option<&str>,
    ) -> Result<crate::auth::NewSession> {
        let target = self.store.member(member).await?;
        if target.user != actor.user || !target.usable() {
            return Err(AppError::NotFound);
        }
        let old = match self.store.session(&crate::auth::secret_hash(from)).await {
            Ok(s) if s.member == actor.member => s,
            Ok(_) | Err(boundary_store::StoreError::NotFound) => {
                return Err(AppError::Unauthenticated)
            }
            Err(e) => return Err(e.into()),
        };
        let session = self
            .session_signed_in_at(member, user_agent, old.created_at)
            .await?;
        self.sign_out(from).await?;
        Ok(session)
    }

    /// The first active membership of the person with this e-mail address.
    ///
    /// # Errors
    /// `NotFound`; `Invalid` for a malformed address.
    pub async fn member_by_email(&self, email: &str) -> Result<MemberId> {
        let email = Email::parse(email).map_err(|e| FieldErrors::one("email", e.to_string()))?;
        let user = self.store.user_by_email(&email).await?;
        self.store
            .memberships(user.id)
            .await?
            .into_iter()
            .find(MemberRow::usable)
            .map(|m| m.id)
            .ok_or(AppError::NotFound)
    }
}

/// The e-mail address, name and role of someone to add, checked, with every problem
/// reported at once.
pub(crate) fn check_new_member(
    email: &str,
    name: &str,
    role: &str,
    password: Option<&str>,
) -> Result<(Email, String, Role)> {
    let mut errors = FieldErrors::new();
    let checked_email = errors.check("email", Email::parse(email));
    let checked_name = errors.check(
        "name",
        text::required(name, PERSON_NAME_MAX, "Enter the person's name"),
    );
    let checked_role = errors.check("role", Role::parse(role));
    if let Some(p) = password {
        if let Err(e) = check_password_rules(p, &[email, name]) {
            for (f, m) in e.iter() {
                errors.add(f, m);
            }
        }
    }
    errors.into_result()?;
    match (checked_email, checked_name, checked_role) {
        (Some(e), Some(n), Some(r)) => Ok((e, n, r)),
        _ => Err(AppError::Internal("checked fields missing".into())),
    }
}
