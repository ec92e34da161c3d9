//! What a member may do in an organisation.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Logs and owns cases.
    Clinician,
    /// A line manager: sees the cases shared with them.
    Manager,
    /// Manages people and settings; never reads case content.
    Admin,
    /// Reads the access audit and the ledger's health; never reads case content.
    Auditor,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The role must be one of clinician, manager, admin or auditor")]
pub struct UnknownRole;

impl Role {
    pub const ALL: [Role; 4] = [Role::Clinician, Role::Manager, Role::Admin, Role::Auditor];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Role::Clinician => "clinician",
            Role::Manager => "manager",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    /// # Errors
    /// Refuses anything but the four role names.
    pub fn parse(s: &str) -> Result<Self, UnknownRole> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == s.trim().to_lowercase())
            .ok_or(UnknownRole)
    }
}

/// The set of roles a member holds, stored as a comma-separated list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles(Vec<Role>);

impl Roles {
    #[must_use]
    pub fn new(mut roles: Vec<Role>) -> Self {
        roles.sort();
        roles.dedup();
        Self(roles)
    }

    #[must_use]
    pub fn has(&self, r: Role) -> bool {
        self.0.contains(&r)
    }

    /// # Errors
    /// Refuses an unknown role name anywhere in the list.
    pub fn parse(s: &str) -> Result<Self, UnknownRole> {
        s.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(Role::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(Self::new)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|r| r.code()).collect();
        f.write_str(&names.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        let r = Roles::parse("admin, clinician,admin").unwrap();
        assert_eq!(r.to_string(), "clinician,admin");
        assert!(r.has(Role::Admin) && !r.has(Role::Manager));
        assert!(Roles::parse("superuser").is_err());
    }
}
