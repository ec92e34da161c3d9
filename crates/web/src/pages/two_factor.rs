//! Two-factor sign-in: the code step after a right password, and setting it up, renewing
//! recovery codes and turning it off on the account pages.

use super::auth::{pre_session_page, signed_in_redirect};
use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::form::FormState;
use crate::routes::Routes;
use crate::session::{
    check_form_token, clear_pending_cookie, client_address, device_token, pending_secret,
    session_secret, user_agent, SignedIn,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::second_factor::{Enrolment, SecondFactorStatus};
use boundary_app::AppError;
use boundary_domain::FieldErrors;
use std::net::SocketAddr;

type Pairs = Form<Vec<(String, String)>>;

#[derive(Template)]
#[template(path = "sign_in_code.html")]
struct CodePage {
    chrome: Chrome,
    form: FormState,
    csrf: String,
}

fn code_page(
    state: &AppState,
    headers: &HeaderMap,
    form: FormState,
    status: StatusCode,
) -> Response {
    pre_session_page(state, headers, |csrf| {
        render(
            status,
            &CodePage {
                chrome: Chrome::anonymous(),
                form,
                csrf,
            },
        )
    })
}

/// The recovery code when one was typed, otherwise the app's code.
fn typed_code(form: &FormState) -> &str {
    match form.value("recovery") {
        r if r.trim().is_empty() => form.value("code"),
        r => r,
    }
}

#[derive(serde::Deserialize)]
struct CodeQuery {
    next: Option<String>,
}

async fn code_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<CodeQuery>,
) -> Response {
    if pending_secret(&state.config, &headers).is_none() {
        return Redirect::to("/sign-in").into_response();
    }
    let form = FormState::default().with("next", q.next.as_deref().unwrap_or_default());
    code_page(&state, &headers, form, StatusCode::OK)
}

async fn code(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    check_form_token(&state, &headers, &form)?;
    let Some(pending) = pending_secret(&state.config, &headers) else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let ua = user_agent(&headers);
    let device = device_token(&state.config, &headers);
    let from = boundary_app::auth::From {
        address: client_address(&state.config, Some(peer), &headers),
        device: device.as_deref(),
        signed_in: false,
        session: None,
    };
    match state
        .app
        .sign_in_with_code(&pending, typed_code(&form), ua.as_deref(), &from)
        .await
    {
        Ok((session, actor)) => {
            let mut res =
                signed_in_redirect(&state, &session.secret, super::auth::after_sign_in(&form));
            super::auth::remember_device(&state, &mut res, &actor.email);
            if let Ok(c) = clear_pending_cookie(&state.config).parse() {
                res.headers_mut().append(SET_COOKIE, c);
            }
            Ok(res)
        }
        Err(AppError::Invalid(errors)) => Ok(code_page(
            &state,
            &headers,
            form.with("code", "").with_errors(errors),
            form_status(true),
        )),
        Err(AppError::Throttled(seconds)) => {
            let errors = FieldErrors::one(
                "code",
                format!("Too many attempts. {}", boundary_app::wait_message(seconds)),
            );
            Ok(code_page(
                &state,
                &headers,
                form.with("code", "").with_errors(errors),
                StatusCode::TOO_MANY_REQUESTS,
            ))
        }
        // Too slow, or already used: the password step again.
        Err(AppError::NotFound) => Ok(Redirect::to("/sign-in").into_response()),
        Err(e) => Err(e.into()),
    }
}

struct EnrolmentView {
    qr_svg: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    chrome: Chrome,
    chrome_org: String,
    status: SecondFactorStatus,
    enrolment: Option<EnrolmentView>,
    codes: Vec<String>,
    problem: Option<String>,
    form: FormState,
}

/// The otpauth URI as a QR code, drawn as SVG so that no script or image file is needed.
fn qr_svg(uri: &str) -> Result<String, PageError> {
    // The URI is Boundary's own and short; one that does not fit a QR code is a defect.
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| {
        tracing::error!(error = %e, "the QR code could not be drawn");
        PageError(AppError::Internal("the QR code could not be drawn".into()))
    })?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build())
}

fn enrolment_view(e: &Enrolment) -> Result<EnrolmentView, PageError> {
    Ok(EnrolmentView {
        qr_svg: qr_svg(&e.otpauth_uri)?,
        secret: e.secret_base32.clone(),
    })
}

struct Shown {
    enrolment: Option<EnrolmentView>,
    codes: Vec<String>,
    problem: Option<String>,
    form: FormState,
    status: StatusCode,
}

impl Shown {
    fn plain() -> Self {
        Self {
            enrolment: None,
            codes: Vec::new(),
            problem: None,
            form: FormState::default(),
            status: StatusCode::OK,
        }
    }
}

async fn page(state: &AppState, me: &SignedIn, shown: Shown) -> Result<Response, PageError> {
    let status = state.app.second_factor_status(&me.actor).await?;
    Ok(render(
        shown.status,
        &TwoFactorPage {
            chrome: me.chrome(),
            chrome_org: me.actor.org_name.clone(),
            status,
            enrolment: shown.enrolment,
            codes: shown.codes,
            problem: shown.problem,
            form: shown.form,
        },
    ))
}

async fn show(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    page(&state, &me, Shown::plain()).await
}

async fn start(
    State(state): State<AppState>,
    me: SignedIn,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    match state
        .app
        .begin_second_factor(&me.actor, &form.secret("password"))
        .await
    {
        Ok(e) => {
            let enrolment = Some(enrolment_view(&e)?);
            page(
                &state,
                &me,
                Shown {
                    enrolment,
                    ..Shown::plain()
                },
            )
            .await
        }
        Err(AppError::Invalid(errors)) => page(&state, &me, wrong(form, errors)).await,
        Err(AppError::Conflict(why)) => page(&state, &me, refused(why)).await,
        Err(e) => Err(e.into()),
    }
}

fn refused(why: String) -> Shown {
    Shown {
        problem: Some(why),
        status: StatusCode::CONFLICT,
        ..Shown::plain()
    }
}

fn wrong(form: FormState, errors: FieldErrors) -> Shown {
    Shown {
        form: form
            .with("code", "")
            .with("password", "")
            .with_errors(errors),
        status: form_status(true),
        ..Shown::plain()
    }
}

async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let current = session_secret(&state.config, &headers).unwrap_or_default();
    match state
        .app
        .confirm_second_factor(&me.actor, form.value("code"), &current)
        .await
    {
        Ok(codes) => {
            page(
                &state,
                &me,
                Shown {
                    codes,
                    ..Shown::plain()
                },
            )
            .await
        }
        Err(AppError::Invalid(errors)) => {
            // The same secret stays pending: show it again to try another code.
            let pending = state.app.pending_second_factor(&me.actor).await?;
            let mut shown = wrong(form, errors);
            shown.enrolment = Some(enrolment_view(&pending)?);
            page(&state, &me, shown).await
        }
        Err(AppError::Conflict(why)) => page(&state, &me, refused(why)).await,
        Err(AppError::NotFound) => Ok(Redirect::to("/account/two-factor").into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn renew_codes(
    State(state): State<AppState>,
    me: SignedIn,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    match state
        .app
        .renew_recovery_codes(&me.actor, &form.secret("password"), typed_code(&form))
        .await
    {
        Ok(codes) => {
            page(
                &state,
                &me,
                Shown {
                    codes,
                    ..Shown::plain()
                },
            )
            .await
        }
        Err(AppError::Invalid(errors)) => page(&state, &me, wrong(form, errors)).await,
        Err(e) => Err(e.into()),
    }
}

async fn turn_off(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let current = session_secret(&state.config, &headers).unwrap_or_default();
    match state
        .app
        .turn_off_second_factor(
            &me.actor,
            &form.secret("password"),
            typed_code(&form),
            &current,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/account/two-factor").into_response()),
        Err(AppError::Invalid(errors)) => page(&state, &me, wrong(form, errors)).await,
        Err(AppError::Conflict(why)) => page(&state, &me, refused(why)).await,
        Err(e) => Err(e.into()),
    }
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/sign-in/code", code_form)
        .post("/sign-in/code", code)
        .get("/account/two-factor", show)
        .post("/account/two-factor/start", start)
        .post("/account/two-factor/confirm", confirm)
        .post("/account/two-factor/recovery-codes", renew_codes)
        .post("/account/two-factor/off", turn_off)
}
