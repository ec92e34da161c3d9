//! How a command ends when it does not simply succeed: each outcome is its own type, so
//! that `main` gives it its exit status (2 for a mistake the user can correct, 1 for a
//! failed verification, 3 for a bundle whose origin is not established).

/// A mistake the user can correct: printed as one sentence, exit status 2.
#[derive(Debug)]
pub(crate) struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// A verification that ran and found a problem, already printed: exit status 1.
#[derive(Debug)]
pub(crate) struct VerificationFailed;

impl std::fmt::Display for VerificationFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("verification failed")
    }
}

impl std::error::Error for VerificationFailed {}

/// A bundle whose every check passed, but checked with the key it carries: nothing the
/// reader holds says where it comes from. Already printed: exit status 3.
#[derive(Debug)]
pub(crate) struct OriginNotEstablished;

impl std::fmt::Display for OriginNotEstablished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the bundle's origin is not established")
    }
}

impl std::error::Error for OriginNotEstablished {}

pub(crate) fn user_error(msg: impl Into<String>) -> anyhow::Error {
    UserError(msg.into()).into()
}
