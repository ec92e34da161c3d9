//! The gift register page: anyone who works at the practice records a gift offered to
//! them; managers and admins also see the register and download it.

use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::form::FormState;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::AppError;
use boundary_domain::advice::gift::{pounds, Decision, DonorKind, GiftInput};
use boundary_domain::occurred::iso_date;
use boundary_domain::CaseId;
use boundary_domain::GiftId;
use serde::Deserialize;

struct Row {
    offered_on: String,
    donor: String,
    donor_is: &'static str,
    nhs_number: Option<String>,
    donor_address: Option<String>,
    description: String,
    value: String,
    recipient: String,
    decision: &'static str,
    why: String,
    needs_register_entry: bool,
    total: String,
}

struct Shown {
    id: String,
    needs_register_entry: bool,
    total: String,
    warnings: Vec<String>,
    /// (case id, label) of cases the gift may be added to.
    may_add_to: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "gifts.html")]
struct GiftsPage {
    chrome: Chrome,
    form: FormState,
    result: Option<Shown>,
    may_record: bool,
    keeps_register: bool,
    rows: Vec<Row>,
    donor_kinds: Vec<(&'static str, &'static str)>,
    decisions: Vec<(&'static str, &'static str)>,
}

async fn page(
    state: &AppState,
    me: &SignedIn,
    form: FormState,
    result: Option<Shown>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let may_record = state.app.may_record_gifts(&me.actor);
    let keeps_register = state.app.keeps_gift_register(&me.actor);
    if !may_record && !keeps_register {
        return Err(AppError::NotFound.into());
    }
    let rows = if keeps_register {
        state
            .app
            .gift_register(&me.actor)
            .await?
            .iter()
            .map(|line| {
                let r = &line.gift.record;
                Row {
                    offered_on: iso_date::format(r.offered_on),
                    donor: r.donor.clone(),
                    donor_is: r.donor_is.label(),
                    nhs_number: r.nhs_number.as_ref().map(|n| n.as_str().to_owned()),
                    donor_address: r.donor_address.clone(),
                    description: r.description.clone(),
                    value: pounds(r.value_pence),
                    recipient: r.recipient_email.to_string(),
                    decision: r.decision.label(),
                    why: r.why.clone(),
                    needs_register_entry: line.needs_register_entry,
                    total: pounds(line.donor_total_pence),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(
        status,
        &GiftsPage {
            chrome: me.chrome(),
            form,
            result,
            may_record,
            keeps_register,
            rows,
            donor_kinds: DonorKind::ALL
                .iter()
                .filter(|k| **k != DonorKind::NotSaid)
                .map(|k| (k.code(), k.label()))
                .collect(),
            decisions: Decision::ALL
                .iter()
                .map(|d| (d.code(), d.label()))
                .collect(),
        },
    ))
}

#[derive(Debug, Deserialize)]
struct ShowQuery {
    /// The gift just recorded, whose outcome the page shows.
    recorded: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let result = match q.recorded.as_deref().map(str::parse::<GiftId>) {
        None => None,
        Some(Ok(id)) => {
            let o = state.app.gift_outcome(&me.actor, id).await?;
            Some(Shown {
                id: id.to_string(),
                needs_register_entry: o.needs_register_entry,
                total: pounds(o.donor_total_pence),
                warnings: o.warnings,
                may_add_to: o
                    .may_add_to
                    .into_iter()
                    .map(|(c, label)| (c.to_string(), label))
                    .collect(),
            })
        }
        Some(Err(_)) => return Err(AppError::NotFound.into()),
    };
    let form = FormState::default().with("recipient_email", &me.actor.email);
    page(&state, &me, form, result, StatusCode::OK).await
}

async fn record(
    State(state): State<AppState>,
    me: SignedIn,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let input = GiftInput {
        offered_on: form.value("offered_on").into(),
        donor: form.value("donor").into(),
        donor_is: form.opt("donor_is"),
        nhs_number: form.opt("nhs_number"),
        donor_address: form.opt("donor_address"),
        description: form.value("description").into(),
        value_pounds: form.value("value_pounds").into(),
        recipient_email: form.value("recipient_email").into(),
        decision: form.value("decision").into(),
        why: form.value("why").into(),
    };
    match state.app.record_gift(&me.actor, &input).await {
        // Redirected, so that reloading the page cannot record the gift twice.
        Ok(o) => Ok(Redirect::to(&format!("/gifts?recorded={}#recorded", o.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            page(
                &state,
                &me,
                form.with_errors(errors),
                None,
                form_status(true),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Puts a gift the member recorded on one of their cases' timeline.
async fn add_to_case(
    State(state): State<AppState>,
    me: SignedIn,
    Id(case): Id<CaseId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = super::advice::posted(&me, pairs)?;
    let gift: GiftId = form
        .value("gift_id")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    state.app.add_gift_to_case(&me.actor, case, gift).await?;
    Ok(Redirect::to(&format!("/cases/{case}")).into_response())
}

async fn csv(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    let rows = crate::api::gifts::register_rows(&state.app.gift_register(&me.actor).await?);
    let bytes = crate::api::gifts::register_csv(&rows).map_err(|_| {
        PageError(AppError::Internal(
            "the register could not be written".into(),
        ))
    })?;
    Ok(crate::api::gifts::csv_response(bytes).into_response())
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/gifts", show)
        .post("/gifts", record)
        .post("/cases/{id}/gifts", add_to_case)
        .get("/gifts.csv", csv)
}
