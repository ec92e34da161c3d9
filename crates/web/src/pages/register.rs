//! The chaperone register and transfers of care, recorded from the advice page.

use super::advice::{posted, recorded};
use crate::error::PageError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use boundary_domain::advice::chaperone::ChaperoneInput;
use boundary_domain::advice::risk::QUESTIONS;
use boundary_domain::advice::transfer::TransferInput;
use boundary_domain::CaseId;

type Pairs = Form<Vec<(String, String)>>;

async fn chaperone(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = posted(&me, pairs)?;
    let input = ChaperoneInput {
        consultation_on: form.value("consultation_on").into(),
        chaperone_name: form.opt("chaperone_name"),
        chaperone_role: form.opt("chaperone_role"),
        declined: form.is("declined", "yes"),
        instead: form.opt("instead"),
        patient_consent: match form.value("patient_consent") {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
    };
    let result = state
        .app
        .record_chaperone(&me.actor, id, &input)
        .await
        .map(|_| ());
    recorded(&state, &me, id, form, "chaperone", "chaperones", result).await
}

async fn transfer(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = posted(&me, pairs)?;
    let result = state
        .app
        .record_transfer(
            &me.actor,
            id,
            &TransferInput {
                transferred_on: form.value("transferred_on").into(),
                to: form.value("to").into(),
                reason: form.value("reason").into(),
                handover: form.opt("handover"),
            },
        )
        .await
        .map(|_| ());
    recorded(&state, &me, id, form, "transfer", "transfers", result).await
}

async fn screen(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = posted(&me, pairs)?;
    // Each question is a yes/no/don't-know radio; one left unanswered is reported by the rules.
    let answers = QUESTIONS
        .iter()
        .filter_map(|(q, _)| match form.value(q) {
            "yes" => Some(((*q).to_owned(), Some(true))),
            "no" => Some(((*q).to_owned(), Some(false))),
            "unknown" => Some(((*q).to_owned(), None)),
            _ => None,
        })
        .collect();
    let result = state
        .app
        .record_risk_screen(&me.actor, id, &answers)
        .await
        .map(|_| ());
    // The summary at the top of the page is far from the questions: it names each one.
    let form = QUESTIONS
        .iter()
        .enumerate()
        .fold(form, |form, (n, (code, text))| {
            form.naming(code, &format!("Question {} ({text})", n + 1))
        });
    recorded(&state, &me, id, form, "risk", "risk", result).await
}

pub(super) fn router() -> Routes {
    Routes::new()
        .post("/cases/{id}/chaperones", chaperone)
        .post("/cases/{id}/transfers", transfer)
        .post("/cases/{id}/risk-screens", screen)
}
