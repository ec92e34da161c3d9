//! How a command ends when it does not simply succeed: each outcome is its own type, so
//! that `main` gives it its exit status (2 for a mistake the user can correct, 1 for a
//! failed verification, 3 for a bundle whose origin is not established).

/// A mistake the user can correct: printed as one sentence, exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UserError(pub String);

/// A verification that ran and found a problem, already printed: exit status 1.
#[derive(Debug, thiserror::Error)]
#[error("verification failed")]
pub(crate) struct VerificationFailed;

/// A bundle whose every check passed, but checked with the key it carries: nothing the
/// reader holds says where it comes from. Already printed: exit status 3.
#[derive(Debug, thiserror::Error)]
#[error("the bundle's origin is not established")]
pub(crate) struct OriginNotEstablished;

pub(crate) fn user_error(msg: impl Into<String>) -> anyhow::Error {
    UserError(msg.into()).into()
}
