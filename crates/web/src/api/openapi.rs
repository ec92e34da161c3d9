//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use crate::routes::Routes;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use utoipa::openapi::content::Content;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi, ToSchema};

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

/// An error, as every API answer that is not a success carries it (RFC 9457).
#[derive(ToSchema)]
#[allow(dead_code)] // only its schema is used: the body is built in `error.rs`
pub(crate) struct Problem {
    /// Always `about:blank`: the status and title say what happened.
    r#type: String,
    title: String,
    status: u16,
    /// In words, for a person.
    detail: String,
    /// For 422: each field that needs correcting, with why.
    errors: Option<std::collections::BTreeMap<String, String>>,
}

/// The answers any operation can give that its own annotation leaves out, so that a
/// client generated from the document handles them: 401 and 403 where a token is
/// needed, 400 for parameters or a body that do not parse, and 413, 415 and 422 where a
/// body is sent. All are problem+json.
struct CommonAnswers;

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem")))),
            )
            .build(),
    )
}

fn add_common_answers(op: &mut Operation) {
    // A tag is the group a reader finds the operation under: `advice`, not the module
    // path the generator takes it from (`super::advice`).
    for tag in op.tags.iter_mut().flatten() {
        if let Some(plain) = tag.strip_prefix("super::") {
            *tag = plain.to_owned();
        }
    }
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_query = op.parameters.as_ref().is_some_and(|ps| {
        ps.iter()
            .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query))
    });
    let has_body = op.request_body.is_some();
    let mut answers: Vec<(&str, &str)> = Vec::new();
    if secured {
        answers.push((
            "401",
            "No token, or one that is unknown, revoked or expired",
        ));
        answers.push((
            "403",
            "Not permitted, or the organisation requires two-factor sign-in not yet set up",
        ));
    }
    if has_query || has_body {
        answers.push(("400", "Parameters or a body that do not parse"));
    }
    if has_body {
        answers.push(("413", "A body over the size limit"));
        answers.push(("415", "A body of a type the operation does not take"));
        answers.push(("422", "Fields that need correcting, named in `errors`"));
    }
    for (code, why) in answers {
        op.responses
            .responses
            .entry(code.to_owned())
            .or_insert_with(|| problem(why));
    }
}

/// The closed sets from the domain's lists (see `doc_sets`).
struct ClosedSets;

impl Modify for ClosedSets {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        super::doc_sets::write(openapi);
    }
}

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add_common_answers(op);
            }
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
        super::advice::assess, super::advice::removal_plan, super::checklist::checklist, super::checklist::mark,
        super::register::record_chaperone, super::register::chaperones, super::register::record_transfer, super::register::transfers, super::register::prompts, super::register::record_screen, super::register::screens,
        super::gifts::record, super::gifts::list, super::gifts::csv_export, super::gifts::on_case, super::gifts::add_to_case,
        super::letters::draft, super::letters::keep, super::letters::list,
        super::exports::export, super::attachments::attach, super::attachments::list, super::attachments::download,
        super::letters::templates, super::letters::set_template, super::letters::reset_template,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth, &CommonAnswers, &ClosedSets)
)]
pub(crate) struct ApiDoc;

async fn document() -> impl IntoResponse {
    let json = ApiDoc::openapi().to_json().unwrap_or_default();
    ([(CONTENT_TYPE, "application/json")], json)
}

pub(super) fn router() -> Routes {
    Routes::new().get("/api/v1/openapi.json", document)
}
