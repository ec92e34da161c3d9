//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use crate::routes::Routes;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Boundary", description = "A tamper-evident, encrypted log of unwanted contact from a patient. Errors are application/problem+json (RFC 9457)."),
    paths(
        super::cases::create, super::cases::list, super::cases::show,
        super::cases::change_status, super::cases::set_chaperone,
        super::cases::share, super::cases::shares, super::cases::revoke, super::cases::audit,
        super::entries::create, super::entries::list, super::entries::show, super::entries::amend,
        super::ledger::checkpoint, super::ledger::status, super::ledger::inclusion, super::ledger::consistency, super::ledger::receipt,
        super::members::list, super::members::invite, super::members::change, super::members::renew_invite,
        super::members::tokens, super::members::revoke_token,
        super::members::settings, super::members::change_settings,
        super::advice::warn, super::advice::warnings, super::advice::report, super::advice::reports,
        super::advice::assess, super::advice::removal_plan, super::advice::checklist, super::advice::mark,
        super::register::record_chaperone, super::register::chaperones, super::register::record_transfer, super::register::transfers, super::register::prompts, super::register::record_screen, super::register::screens,
        super::gifts::record, super::gifts::list, super::gifts::csv_export, super::gifts::on_case, super::gifts::add_to_case,
        super::letters::draft, super::letters::keep, super::letters::list,
        super::exports::export, super::attachments::attach, super::attachments::list, super::attachments::download,
        super::letters::templates, super::letters::set_template, super::letters::reset_template,
    ),
    modifiers(&BearerAuth)
)]
pub(crate) struct ApiDoc;

async fn document() -> impl IntoResponse {
    let json = ApiDoc::openapi().to_json().unwrap_or_default();
    ([(CONTENT_TYPE, "application/json")], json)
}

pub(super) fn router() -> Routes {
    Routes::new().get("/api/v1/openapi.json", document)
}
