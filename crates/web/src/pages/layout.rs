//! What every page's frame needs: who is signed in, and the token for the sign-out form.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use boundary_app::Actor;
use boundary_domain::Role;

pub(crate) struct Me {
    /// The membership's id: what a page keeps in the browser (a draft) is keyed by it.
    pub member: String,
    pub name: String,
    pub org: String,
    /// Auditors and admins get a link to the ledger page.
    pub sees_ledger: bool,
    /// Auditors get a link to the access audit.
    pub sees_audit: bool,
    /// Admins get a link to the people page.
    pub manages_people: bool,
    /// Everyone but auditors records gifts.
    pub records_gifts: bool,
}

pub(crate) struct Chrome {
    pub me: Option<Me>,
    pub csrf: String,
}

impl Chrome {
    pub(crate) fn anonymous() -> Self {
        Self {
            me: None,
            csrf: String::new(),
        }
    }

    /// The frame for `actor`, whose forms carry `csrf` (masked, see `session::masked`).
    pub(crate) fn signed_in(actor: &Actor, csrf: &str) -> Self {
        let has = |r| actor.roles.has(r);
        Self {
            me: Some(Me {
                member: actor.member.to_string(),
                name: actor.name.clone(),
                org: actor.org_name.clone(),
                sees_ledger: has(Role::Admin) || has(Role::Auditor),
                sees_audit: has(Role::Auditor),
                manages_people: has(Role::Admin),
                records_gifts: has(Role::Clinician) || has(Role::Manager) || has(Role::Admin),
            }),
            csrf: csrf.to_owned(),
        }
    }
}

/// Renders a page with a status; a template that fails to render is a server error.
pub(crate) fn render(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// 200 for a fresh form, 422 for one sent back with errors.
pub(crate) fn form_status(has_errors: bool) -> StatusCode {
    if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}
