//! A posted page form that may carry files: multipart when the form has a file input,
//! urlencoded otherwise. Text fields come back as pairs for [`crate::form::FormState`];
//! files as (name, bytes), skipping the empty part a browser sends when none is chosen.

use crate::error::PageError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::Form;
use boundary_app::AppError;
use boundary_domain::FieldErrors;

pub(crate) struct PostedForm {
    pub pairs: Vec<(String, String)>,
    pub files: Vec<(String, Vec<u8>)>,
}

fn unreadable(e: &axum::extract::multipart::MultipartError) -> PageError {
    let message = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        format!(
            "The files were too large: at most {} MB can be sent with one entry.",
            boundary_domain::attachment::ENTRY_MAX / (1024 * 1024)
        )
    } else {
        "The form did not arrive whole. Go back and send it again.".to_owned()
    };
    PageError(AppError::Invalid(FieldErrors::one("file", message)))
}

impl<S: Send + Sync> FromRequest<S> for PostedForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        let multipart = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, state)
                .await
                .map_err(|_| {
                    PageError(AppError::Invalid(FieldErrors::one(
                        "form",
                        "The form did not arrive whole. Go back and send it again.",
                    )))
                })?;
            return Ok(Self {
                pairs,
                files: Vec::new(),
            });
        }
        let mut form = Multipart::from_request(req, state).await.map_err(|_| {
            PageError(AppError::Invalid(FieldErrors::one(
                "form",
                "The form did not arrive whole. Go back and send it again.",
            )))
        })?;
        let mut out = Self {
            pairs: Vec::new(),
            files: Vec::new(),
        };
        while let Some(field) = form.next_field().await.map_err(|e| unreadable(&e))? {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(|e| unreadable(&e))?;
                    if !(file_name.is_empty() && bytes.is_empty()) {
                        out.files.push((file_name, bytes.to_vec()));
                    }
                }
                None => {
                    let value = field.text().await.map_err(|e| unreadable(&e))?;
                    out.pairs.push((name, value));
                }
            }
        }
        Ok(out)
    }
}
