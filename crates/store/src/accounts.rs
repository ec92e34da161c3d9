//! Organisations, the people who sign in, and their memberships.

use crate::{conflict, get_id, Result, Store, StoreError};
use boundary_domain::{Email, MemberId, OrgId, Roles, Timestamp, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MemberRow {
    pub id: MemberId,
    pub user: UserId,
    pub org: OrgId,
    pub org_name: String,
    pub email: String,
    pub name: String,
    pub roles: Roles,
    pub active: bool,
    /// The person accepted the membership: they were added with their account, or took
    /// this organisation's invitation while signed in to their own. A membership not yet
    /// accepted opens nothing.
    pub accepted: bool,
    /// Their account has a password (for the invitation page only: an admin is never
    /// told whether an address has an account).
    pub has_password: bool,
    /// They have confirmed two-factor sign-in.
    pub totp_enabled: bool,
    /// Their organisation requires two-factor sign-in.
    pub totp_required: bool,
}

/// Someone to add to an organisation. If a user with the e-mail address exists, they
/// gain a membership waiting for them to accept; otherwise they are created.
#[derive(Debug)]
pub struct NewMember<'a> {
    pub member: MemberId,
    pub new_user: UserId,
    pub org: OrgId,
    pub email: &'a Email,
    pub name: &'a str,
    pub roles: &'a Roles,
    /// Only for a new account, which is then accepted at once: an account that exists
    /// keeps its password.
    pub password_hash: Option<&'a str>,
    pub at: Timestamp,
}

const MEMBER_SELECT: &str = "SELECT m.id, m.user_id, m.org_id, o.name AS org_name, u.email, \
    m.name, m.roles, m.active, \
    CAST(CASE WHEN m.accepted_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS accepted, \
    CAST(CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_password, \
    CAST(CASE WHEN EXISTS (SELECT 1 FROM totp t WHERE t.user_id = u.id AND t.confirmed = 1) \
      THEN 1 ELSE 0 END AS BIGINT) AS totp_enabled, o.totp_required \
    FROM members m JOIN users u ON u.id = m.user_id JOIN orgs o ON o.id = m.org_id";

impl MemberRow {
    /// The membership may sign in and act: it is turned on and the person accepted it.
    #[must_use]
    pub fn usable(&self) -> bool {
        self.active && self.accepted
    }
}

fn member_from_row(r: &AnyRow) -> Result<MemberRow> {
    let roles: String = r.try_get("roles")?;
    Ok(MemberRow {
        id: get_id(r, "id")?,
        user: get_id(r, "user_id")?,
        org: get_id(r, "org_id")?,
        org_name: r.try_get("org_name")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        roles: Roles::parse(&roles).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        active: r.try_get::<i64, _>("active")? != 0,
        accepted: r.try_get::<i64, _>("accepted")? != 0,
        has_password: r.try_get::<i64, _>("has_password")? != 0,
        totp_enabled: r.try_get::<i64, _>("totp_enabled")? != 0,
        totp_required: r.try_get::<i64, _>("totp_required")? != 0,
    })
}

impl Store {
    /// # Errors
    /// `Conflict` when an organisation of that name exists.
    pub async fn create_org(&self, id: OrgId, name: &str, at: Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(name)
            .bind(at.to_string())
            .execute(self.pool())
            .await
            .map_err(conflict("an organisation with that name"))?;
        Ok(())
    }

    /// Finds an organisation by its id or its exact name.
    ///
    /// # Errors
    /// `NotFound`.
    pub async fn find_org(&self, id_or_name: &str) -> Result<(OrgId, String)> {
        let r = sqlx::query("SELECT id, name FROM orgs WHERE id = $1 OR name = $1")
            .bind(id_or_name)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((get_id(&r, "id")?, r.try_get("name")?))
    }

    /// Adds a membership, creating the user if needed, in one transaction. A new account
    /// given a password is accepted at once; any other membership waits for the person
    /// to accept it. Returns the user and whether the membership is accepted.
    ///
    /// # Errors
    /// `Conflict` when the person is already a member of the organisation, or when a
    /// password is given for an address that has an account.
    pub async fn add_member(&self, m: &NewMember<'_>) -> Result<(UserId, bool)> {
        let mut tx = self.pool().begin().await?;
        let existing = sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(m.email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let accepted = existing.is_none() && m.password_hash.is_some();
        let user = if let Some(r) = existing {
            if m.password_hash.is_some() {
                return Err(StoreError::Conflict("a user with that e-mail address"));
            }
            get_id(&r, "id")?
        } else {
            sqlx::query(
                "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(m.new_user.to_string())
            .bind(m.email.as_str())
            .bind(m.name)
            .bind(m.password_hash)
            .bind(m.at.to_string())
            .execute(&mut *tx)
            .await
            .map_err(conflict("a user with that e-mail address"))?;
            m.new_user
        };
        sqlx::query(
            "INSERT INTO members (id, user_id, org_id, roles, active, created_at, name, accepted_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $6, $7)",
        )
        .bind(m.member.to_string())
        .bind(user.to_string())
        .bind(m.org.to_string())
        .bind(m.roles.to_string())
        .bind(m.at.to_string())
        .bind(m.name)
        .bind(accepted.then(|| m.at.unix_micros()))
        .execute(&mut *tx)
        .await
        .map_err(conflict("a member of that organisation with that e-mail address"))?;
        tx.commit().await?;
        Ok((user, accepted))
    }

    /// Records who sent a membership's latest invitation.
    ///
    /// # Errors
    /// Database errors.
    pub async fn set_inviter(&self, member: MemberId, by: MemberId) -> Result<()> {
        sqlx::query("UPDATE members SET invited_by = $1 WHERE id = $2")
            .bind(by.to_string())
            .bind(member.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The name, as their organisation knows them, of whoever sent a membership's
    /// invitation, if anyone did.
    ///
    /// # Errors
    /// Database errors.
    pub async fn inviter_name(&self, member: MemberId) -> Result<Option<String>> {
        let r = sqlx::query(
            "SELECT i.name FROM members m JOIN members i ON i.id = m.invited_by WHERE m.id = $1",
        )
        .bind(member.to_string())
        .fetch_optional(self.pool())
        .await?;
        Ok(match r {
            Some(r) => Some(r.try_get("name")?),
            None => None,
        })
    }

    /// Sets a new account's first password and accepts the membership whose invitation
    /// did it, in one transaction. Two invitations used at once cannot both set it.
    ///
    /// # Errors
    /// `NotFound` when the account has a password already.
    pub async fn set_first_password(
        &self,
        user: UserId,
        member: MemberId,
        hash: &str,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let r = sqlx::query(
            "UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash IS NULL",
        )
        .bind(hash)
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        accept(&mut tx, member, user, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The person accepts a membership of theirs that was waiting for them.
    ///
    /// # Errors
    /// `NotFound` when it is not theirs, or was accepted already.
    pub async fn accept_membership(&self, member: MemberId, user: UserId, now: i64) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        accept(&mut tx, member, user, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// # Errors
    /// `NotFound`.
    pub async fn user_by_email(&self, email: &Email) -> Result<UserRow> {
        let r = sqlx::query("SELECT id, email, name, password_hash FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(UserRow {
            id: get_id(&r, "id")?,
            email: r.try_get("email")?,
            name: r.try_get("name")?,
            password_hash: r.try_get("password_hash")?,
        })
    }

    /// Sets a user's password and ends every session they have, in every organisation.
    ///
    /// # Errors
    /// `NotFound`.
    pub async fn set_password(&self, user: UserId, hash: &str) -> Result<()> {
        sqlx::query(
            "DELETE FROM sessions WHERE member_id IN (SELECT id FROM members WHERE user_id = $1)",
        )
        .bind(user.to_string())
        .execute(self.pool())
        .await?;
        let r = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.to_string())
            .execute(self.pool())
            .await?;
        if r.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// # Errors
    /// `NotFound`.
    pub async fn member(&self, id: MemberId) -> Result<MemberRow> {
        let r = sqlx::query(&format!("{MEMBER_SELECT} WHERE m.id = $1"))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        member_from_row(&r)
    }

    /// A user's memberships, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn memberships(&self, user: UserId) -> Result<Vec<MemberRow>> {
        let rows = sqlx::query(&format!(
            "{MEMBER_SELECT} WHERE m.user_id = $1 ORDER BY m.created_at"
        ))
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(member_from_row).collect()
    }

    /// Everyone in an organisation, active first, then by name.
    ///
    /// # Errors
    /// Database errors.
    pub async fn members_of_org(&self, org: OrgId) -> Result<Vec<MemberRow>> {
        let rows = sqlx::query(&format!(
            "{MEMBER_SELECT} WHERE m.org_id = $1 ORDER BY m.active DESC, m.name, u.email"
        ))
        .bind(org.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(member_from_row).collect()
    }

    /// Changes a member's roles, or turns the membership on or off, or both, in one
    /// transaction: all of it happens or none. Turning it off ends its sessions, revokes
    /// its tokens and voids its unused links too, so nothing it held still works.
    ///
    /// # Errors
    /// `NotFound`.
    pub async fn change_member(
        &self,
        member: MemberId,
        roles: Option<&Roles>,
        active: Option<bool>,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let id = member.to_string();
        let r = match (roles, active) {
            (Some(roles), Some(active)) => {
                sqlx::query("UPDATE members SET roles = $1, active = $2 WHERE id = $3")
                    .bind(roles.to_string())
                    .bind(i64::from(active))
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?
            }
            (Some(roles), None) => {
                sqlx::query("UPDATE members SET roles = $1 WHERE id = $2")
                    .bind(roles.to_string())
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?
            }
            (None, Some(active)) => {
                sqlx::query("UPDATE members SET active = $1 WHERE id = $2")
                    .bind(i64::from(active))
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?
            }
            (None, None) => return Ok(()),
        };
        if r.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        if active == Some(false) {
            sqlx::query("DELETE FROM sessions WHERE member_id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            for statement in [
                "UPDATE api_tokens SET revoked_at = $2 WHERE member_id = $1 AND revoked_at IS NULL",
                "UPDATE one_time_links SET used_at = $2 WHERE member_id = $1 AND used_at IS NULL",
            ] {
                sqlx::query(statement)
                    .bind(&id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn accept(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    member: MemberId,
    user: UserId,
    now: i64,
) -> Result<()> {
    let r = sqlx::query(
        "UPDATE members SET accepted_at = $1 WHERE id = $2 AND user_id = $3 AND accepted_at IS NULL",
    )
    .bind(now)
    .bind(member.to_string())
    .bind(user.to_string())
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}
