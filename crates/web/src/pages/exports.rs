//! Exports from the case page: the evidence pack or the verifiable bundle, downloaded.

use super::advice::posted;
use crate::error::PageError;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use boundary_app::AppError;
use boundary_domain::FieldErrors;

async fn export(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let withhold: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "withhold")
        .map(|(_, v)| v.clone())
        .collect();
    let (form, id) = posted(&me, &id, pairs)?;
    let reason = form.opt("reason");
    let export = match form.value("format") {
        "bundle" => {
            state
                .app
                .export_bundle(
                    &me.actor,
                    id,
                    (form.opt("from").as_deref(), form.opt("to").as_deref()),
                    &withhold,
                    reason.as_deref(),
                )
                .await?
        }
        "pdf" => {
            state
                .app
                .export_pdf(
                    &me.actor,
                    id,
                    form.opt("from").as_deref(),
                    form.opt("to").as_deref(),
                    &withhold,
                    reason.as_deref(),
                )
                .await?
        }
        _ => {
            return Err(AppError::Invalid(FieldErrors::one(
                "format",
                "Choose the evidence pack or the verifiable bundle",
            ))
            .into())
        }
    };
    Ok(crate::api::exports::download(export))
}

pub(super) fn router() -> Routes {
    Routes::new().post("/cases/{id}/exports", export)
}
