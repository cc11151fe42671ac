//! `/v1/sessions`: a user's sessions, and revoking one (that device is signed out at
//! its next token refresh, within a token's lifetime).

use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    Json,
};
use fapi_types::backend::{Page, Session};

use crate::{
    error::{ApiError, ApiResult},
    flows::session_token_check,
    ids::now_ms,
    render,
    state::AppState,
    store,
};

/// `GET /v1/sessions?user_id=…&status=…`: Clerk's paginated list (`{data, total_count}`).
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Page<Session>>> {
    let mut user_id = None;
    let mut client_id = None;
    let mut status = None;
    let (mut limit, mut offset) = (None, None);
    let number = |key: &str, value: &str| {
        value.parse::<i64>().map_err(|_| {
            ApiError::param_format_invalid(key, format!("{key} must be a whole number."))
        })
    };
    for (key, value) in form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes()) {
        let value = value.into_owned();
        match key.as_ref() {
            "user_id" => user_id = Some(value),
            "client_id" => client_id = Some(value),
            "status" => {
                status = Some(
                    store::sessions::Status::parse(&value)
                        .ok_or_else(|| ApiError::param_value_invalid("status", &value))?,
                )
            }
            "limit" => limit = Some(number("limit", &value)?),
            "offset" => offset = Some(number("offset", &value)?),
            // Clerk's SDK asks for the paginated shape; it is the only one here.
            "paginated" => {}
            other => return Err(ApiError::param_unknown(other)),
        }
    }
    if user_id.is_none() && client_id.is_none() {
        return Err(ApiError::param_missing("user_id"));
    }
    let (limit, offset) = super::page(limit, offset)?;
    let (rows, total) = store::sessions::list_for_backend(
        &state.db,
        user_id.as_deref(),
        client_id.as_deref(),
        status,
        limit,
        offset,
    )
    .await?;
    let now = now_ms();
    Ok(Json(Page {
        data: rows
            .iter()
            .map(|row| render::backend_session(row, now))
            .collect(),
        total_count: total,
    }))
}

/// `GET /v1/sessions/{id}`.
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Session>> {
    let row = store::sessions::get(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("session", &id))?;
    Ok(Json(render::backend_session(&row, now_ms())))
}

/// `POST /v1/sessions/{id}/revoke`: a live session ends as `revoked`; that device is
/// asked for its second factor again (its remembered device is forgotten).
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Session>> {
    let row = store::sessions::get(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("session", &id))?;
    store::sessions::finish(&state.db, &row.id, "revoked").await?;
    store::remembered_devices::forget(&state.db, &row.client_id, &row.user_id).await?;
    let row = store::sessions::get(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("session", &id))?;
    Ok(Json(render::backend_session(&row, now_ms())))
}

/// `POST /v1/sessions/{id}/verify` with `{"token": …}` (Clerk's `verifySession`;
/// Clerk now points to checking the token offline, as yew-clerk-backend does): the
/// session, if the token is a session token of it, signed here, within its lifetime,
/// and the session is still live.
pub async fn verify(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Session>> {
    // Clerk's SDKs send JSON; a form is taken too.
    let token = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(json) => match json.get("token") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(token)) => Some(token.clone()),
            Some(_) => {
                return Err(ApiError::param_format_invalid(
                    "token",
                    "token must be a string.",
                ))
            }
        },
        Err(_) => form_urlencoded::parse(&body)
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned()),
    }
    .filter(|t| !t.is_empty())
    .ok_or_else(|| ApiError::param_missing("token"))?;
    let row = store::sessions::get(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("session", &id))?;
    let claims = session_token_check::check(&state, &token).await?;
    let refused =
        |why: &str| ApiError::from(session_token_check::TokenRefused::Invalid(why.to_owned()));
    if claims.sid != row.id || claims.sub != row.user_id {
        return Err(refused("it is another session's"));
    }
    let now = now_ms();
    if !row.is_live(now) {
        return Err(refused("the session has ended"));
    }
    Ok(Json(render::backend_session(&row, now)))
}
