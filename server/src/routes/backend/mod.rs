//! Clerk's Backend API, the part an app's own server needs: users, sessions (and
//! checking a session token) and the JWKS, in Clerk's shapes, opened by the instance's secret key
//! (`Authorization: Bearer sk_…`). Server to server only: it answers no browser
//! (no CORS, and a request carrying an `Origin` is refused), and every call is in
//! the administrators' log.

mod sessions;
mod users;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
    Json, Router,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{error::ApiError, state::AppState, store};

/// Who the administrators' log names for these calls.
pub const LOG_NAME: &str = "(backend API)";

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/v1/users", get(users::list))
        .route("/v1/users/count", get(users::count))
        .route("/v1/users/{id}", get(users::get).delete(users::delete))
        .route(
            "/v1/users/{id}/metadata",
            axum::routing::patch(users::update_metadata),
        )
        .route("/v1/users/{id}/lock", post(users::lock))
        .route("/v1/users/{id}/unlock", post(users::unlock))
        .route("/v1/users/{id}/ban", post(users::ban))
        .route("/v1/users/{id}/unban", post(users::unban))
        .route("/v1/users/{id}/mfa", delete(users::disable_mfa))
        .route("/v1/sessions", get(sessions::list))
        .route("/v1/sessions/{id}", get(sessions::get))
        .route("/v1/sessions/{id}/revoke", post(sessions::revoke))
        .route("/v1/sessions/{id}/verify", post(sessions::verify))
        .route("/v1/jwks", get(jwks))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate))
}

/// `GET /v1/jwks`: the keys session tokens are signed with, as at
/// `/.well-known/jwks.json` (Clerk's backend SDK looks them up here).
async fn jwks(State(state): State<AppState>) -> Result<Json<fapi_types::Jwks>, ApiError> {
    let lifetime = state.settings().session.token_lifetime_seconds as i64 * 1000;
    crate::keys::published(&state.db, &state.signing, lifetime)
        .await
        .map(Json)
        .map_err(|e| {
            tracing::error!(error = %e, "publishing the signing keys");
            ApiError::internal()
        })
}

/// Admits a request carrying one of the secret keys, then logs what it did.
async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.headers().contains_key(header::ORIGIN) {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "origin_invalid",
            "Backend API called from a browser",
            "The Backend API answers servers only: a secret key must never reach a browser.",
        )
        .into_response();
    }
    if state.secret_keys.is_empty() {
        return key_invalid("The Backend API is off: no secret key is configured ([backend_api] secret_keys or FAPI_SECRET_KEY).");
    }
    if !presents_a_key(&state, req.headers()) {
        return key_invalid("The provided secret key is invalid. Make sure it is the instance's, from its settings.");
    }
    let ip = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    let action = format!("{} {}", req.method(), req.uri().path());
    let target = req
        .uri()
        .path()
        .split('/')
        .find(|part| part.starts_with("user_") || part.starts_with("sess_"))
        .unwrap_or("")
        .to_owned();
    let response = next.run(req).await;
    let detail = format!("answered {}", response.status().as_u16());
    let entry = store::admin_audit::Entry {
        admin: LOG_NAME,
        ip: &ip,
        action: &action,
        target: &target,
        detail: &detail,
    };
    if let Err(e) = store::admin_audit::record(&state.db, entry).await {
        tracing::error!(error = %e, "logging a Backend API call");
    }
    response
}

/// Compares digests in constant time, against every key (a rolled key's old and new).
fn presents_a_key(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(key) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let digest: [u8; 32] = Sha256::digest(key.trim().as_bytes()).into();
    state
        .secret_keys
        .iter()
        .fold(subtle::Choice::from(0), |found, known| {
            found | known.ct_eq(&digest)
        })
        .into()
}

fn key_invalid(long_message: &str) -> Response {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "clerk_key_invalid",
        "Secret key invalid",
        long_message,
    )
    .into_response()
}

/// Clerk's page parameters: `limit` 1 to 500 (10 when absent), `offset` from 0.
fn page(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), ApiError> {
    let limit = limit.unwrap_or(10);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::param_format_invalid(
            "limit",
            "limit must be between 1 and 500.",
        ));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::param_format_invalid(
            "offset",
            "offset must be 0 or more.",
        ));
    }
    Ok((limit, offset))
}
