//! Administrators' sign-in: a name and password from the config (Argon2id), a
//! session in the database behind an `HttpOnly`, `SameSite=Strict` cookie, and a
//! form token (CSRF) every state-changing form must carry. Tries are limited per
//! client IP, and wrong passwords lock a name for the address they came from only:
//! nobody elsewhere can lock the administrator out. A session ends when its
//! administrator's password changes.

use axum::{
    extract::{FromRequestParts, State},
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use maud::html;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::layout;
use crate::{
    http::{client_ip::limit_key, Identity},
    ids::{new_token, token_hash},
    limits::Bucket,
    passwords::Checked,
    state::AppState,
    store::{self, admin_audit::Entry, target_failures},
};

/// The dashboard session cookie (path `/dashboard` only).
pub const COOKIE: &str = "fapi_dashboard";
/// A dashboard session lasts 8 hours at most, 30 minutes idle.
const LIFETIME_MS: i64 = 8 * 3600 * 1000;
const IDLE_MS: i64 = 30 * 60 * 1000;

/// A signed-in administrator.
pub struct Signed {
    pub admin: String,
    pub csrf: String,
    /// Where the request came from, for the log.
    pub ip: String,
    token_hash: String,
}

impl Signed {
    /// Whether a form carries this session's token (not another site's forged post).
    pub fn csrf_ok(&self, sent: &str) -> bool {
        bool::from(sent.as_bytes().ct_eq(self.csrf.as_bytes()))
    }

    /// Logs an action by this administrator; when the log cannot be written, the
    /// administrator sees an error instead of a success.
    pub async fn log(
        &self,
        state: &AppState,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<(), sqlx::Error> {
        let entry = Entry {
            admin: &self.admin,
            ip: &self.ip,
            action,
            target,
            detail,
        };
        store::admin_audit::record(&state.db, entry).await
    }
}

/// The answer to a form without the session's token.
pub fn forged() -> Response {
    layout::message(
        StatusCode::FORBIDDEN,
        "Refused",
        "This form is out of date or was not sent from the dashboard. Reload the page and try again.",
    )
}

pub fn server_error(e: sqlx::Error) -> Response {
    tracing::error!(error = %e, "dashboard: database error");
    layout::message(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The database did not answer. Nothing was changed; try again.",
    )
}

fn ip_of(parts: &Parts) -> String {
    parts
        .extensions
        .get::<Identity>()
        .and_then(Identity::ip_string)
        .unwrap_or_else(|| "-".into())
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let jar = CookieJar::from_headers(&parts.headers);
        let to_sign_in = || Redirect::to("/dashboard/sign-in").into_response();
        let Some(token) = jar.get(COOKIE).map(|c| c.value().to_owned()) else {
            return Err(to_sign_in());
        };
        let hash = token_hash(&token);
        let row = store::admin_sessions::use_live(&state.db, &hash, IDLE_MS)
            .await
            .map_err(server_error)?;
        match row {
            // An administrator removed from the config, or whose password changed,
            // loses the dashboard at once.
            Some(row)
                if state
                    .admins
                    .iter()
                    .any(|a| a.name == row.admin && a.credential == row.credential) =>
            {
                Ok(Signed {
                    admin: row.admin,
                    csrf: row.csrf_token,
                    ip: ip_of(parts),
                    token_hash: hash,
                })
            }
            _ => Err(to_sign_in()),
        }
    }
}

fn sign_in_form(error: Option<&str>, name: &str) -> maud::Markup {
    html! {
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form.card method="post" action="/dashboard/sign-in" {
            label { "Name" br; input type="text" name="name" value=(name) autocomplete="username" required; }
            label { "Password" br; input type="password" name="password" autocomplete="current-password" required; }
            p { button.primary type="submit" { "Sign in" } }
        }
    }
}

/// `GET /dashboard/sign-in`.
pub async fn sign_in_page() -> Response {
    layout::page("Sign in", None, sign_in_form(None, "")).into_response()
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// `POST /dashboard/sign-in`.
pub async fn sign_in(
    State(state): State<AppState>,
    identity: Identity,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> Response {
    let ip = identity.ip_string().unwrap_or_else(|| "-".into());
    let name: String = form.name.trim().chars().take(64).collect();
    let refuse = |status: StatusCode, text: &str| {
        (
            status,
            layout::page("Sign in", None, sign_in_form(Some(text), &name)),
        )
            .into_response()
    };
    if state
        .limits
        .check(Bucket::DashboardSignIn, identity.ip())
        .await
        .is_err()
    {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many tries from here. Wait a few seconds and try again.",
        );
    }
    let settings = state.settings();
    let lockout = &settings.lockout;
    let admin = state.admins.iter().find(|a| a.name == name);
    // The log names administrators; what else was typed is only a detail.
    let (who, detail) = match admin {
        Some(a) => (a.name.as_str(), String::new()),
        None => ("-", format!("tried name: {name}")),
    };
    let source = identity
        .ip()
        .map(|ip| limit_key(ip).to_string())
        .unwrap_or_else(|| "unknown".into());
    let key = format!("dashboard:{name}:{source}");
    let window_ms = i64::from(lockout.duration_minutes) * 60_000;
    match target_failures::reserve(&state.db, &key, lockout.max_attempts, window_ms).await {
        Ok(target_failures::Reservation::Locked { .. }) => {
            let _ = log_sign_in(&state, who, &ip, "sign-in-refused", &detail).await;
            return refuse(
                StatusCode::FORBIDDEN,
                "Too many wrong passwords from here: this name is locked for this address for now. Try again later.",
            );
        }
        Ok(target_failures::Reservation::Admitted { .. }) => {}
        Err(e) => return server_error(e),
    }
    let checked = state
        .passwords
        .check(&form.password, admin.map(|a| a.password_hash.as_str()))
        .await;
    let Some(admin) = admin.filter(|_| checked != Checked::Wrong) else {
        if let Err(e) = log_sign_in(&state, who, &ip, "sign-in-failed", &detail).await {
            return server_error(e);
        }
        return refuse(StatusCode::UNAUTHORIZED, "Wrong name or password.");
    };
    if let Err(e) = target_failures::clear(&state.db, &key).await {
        return server_error(e);
    }
    let token = new_token();
    let csrf = new_token();
    if let Err(e) = store::admin_sessions::create(
        &state.db,
        &token_hash(&token),
        &admin.name,
        &admin.credential,
        &csrf,
        LIFETIME_MS,
    )
    .await
    {
        return server_error(e);
    }
    if let Err(e) = log_sign_in(&state, &name, &ip, "sign-in", "").await {
        return server_error(e);
    }
    let cookie = Cookie::build((COOKIE, token))
        .path("/dashboard")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(identity.secure_cookie())
        .build();
    (jar.add(cookie), Redirect::to("/dashboard/settings")).into_response()
}

async fn log_sign_in(
    state: &AppState,
    name: &str,
    ip: &str,
    action: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let entry = Entry {
        admin: name,
        ip,
        action,
        target: "",
        detail,
    };
    store::admin_audit::record(&state.db, entry).await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// `POST /dashboard/sign-out`: ends the session everywhere.
pub async fn sign_out(
    State(state): State<AppState>,
    signed: Signed,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_ok(&form.csrf) {
        return forged();
    }
    if let Err(e) = store::admin_sessions::delete(&state.db, &signed.token_hash).await {
        return server_error(e);
    }
    if let Err(e) = signed.log(&state, "sign-out", "", "").await {
        return server_error(e);
    }
    let gone = Cookie::build((COOKIE, "")).path("/dashboard").build();
    (jar.remove(gone), Redirect::to("/dashboard/sign-in")).into_response()
}
