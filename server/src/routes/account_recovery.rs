//! `/v1/account_recovery/cancel`: the page a recovery notice links to. It needs no
//! sign-in and can do one thing: cancel the recovery its token names. Opening the
//! link only shows the question (mail scanners follow links); the button cancels.

use axum::{
    extract::{Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Form,
};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use crate::{
    flows::{account_recovery, notices::utc_time},
    state::AppState,
};

#[derive(Deserialize)]
pub struct Token {
    #[serde(default)]
    token: String,
}

/// `GET /v1/account_recovery/cancel?token=…`.
pub async fn page(State(state): State<AppState>, Query(q): Query<Token>) -> Response {
    let app = state.settings().application_name.clone();
    match account_recovery::by_cancel_token(&state, &q.token).await {
        Ok(Some(open)) => respond(
            StatusCode::OK,
            &app,
            "Cancel the account recovery?",
            html! {
                p { "On " (utc_time(open.created_at)) ", someone signed in to " (app) " with your password and asked to remove two-step verification from your account. "
                    "Unless it is cancelled, that happens after " strong { (utc_time(open.completes_at)) } "." }
                p { "If it was not you, cancel it. Then sign in with your two-step verification and change your password: whoever asked knows it." }
                form method="post" {
                    input type="hidden" name="token" value=(q.token);
                    button type="submit" { "Cancel the recovery" }
                }
            },
        ),
        Ok(None) => gone(&app),
        Err(e) => failed(&app, e),
    }
}

/// `POST /v1/account_recovery/cancel` with `token`.
pub async fn cancel(State(state): State<AppState>, Form(f): Form<Token>) -> Response {
    let app = state.settings().application_name.clone();
    match account_recovery::cancel_by_link(&state, &f.token).await {
        Ok(true) => respond(
            StatusCode::OK,
            &app,
            "The recovery is cancelled",
            html! {
                p role="status" { "Two-step verification stays on your account. Every address on it has been told." }
                p { "Whoever asked knows your password: sign in to " (app) " and change it now." }
            },
        ),
        Ok(false) => gone(&app),
        Err(e) => failed(&app, e),
    }
}

fn gone(app: &str) -> Response {
    respond(
        StatusCode::NOT_FOUND,
        app,
        "This link no longer works",
        html! {
            p { "The recovery it was for is already cancelled, completed or expired, or the link is incomplete." }
        },
    )
}

fn failed(app: &str, e: sqlx::Error) -> Response {
    tracing::error!(error = %e, "account recovery cancel page");
    respond(
        StatusCode::INTERNAL_SERVER_ERROR,
        app,
        "Something went wrong",
        html! { p { "Nothing was changed. Please try again in a moment." } },
    )
}

/// A small page of its own: no script, no outside files, never cached, and the token
/// in its address never sent to another site as a referrer.
fn respond(status: StatusCode, app: &str, title: &str, body: Markup) -> Response {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (app) }
                style { (STYLE) }
            }
            body {
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    let mut response = (status, page).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::CACHE_CONTROL, "no-store"),
        // Not `no-referrer`: a browser then posts the form with `Origin: null`, which
        // the API refuses as foreign. Same-origin only, so the token in the address
        // never leaves this server.
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

const STYLE: &str = "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1f2328;background:#f6f8fa}\
main{max-width:34rem;margin:3rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #d1d9e0;border-radius:8px}\
h1{font-size:1.4rem;margin:0 0 1rem}\
button{font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:6px;border:1px solid #b42318;background:#b42318;color:#fff;cursor:pointer}\
button:focus-visible{outline:2px solid #3b43d6;outline-offset:2px}";
