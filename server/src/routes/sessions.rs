use axum::{
    extract::{Path, State},
    Json,
};
use fapi_types::{params, Envelope, Jwks, Session, SessionClaims, Token};

use super::envelope;
use crate::{
    error::{ApiError, ApiResult},
    flows::jwt_templates,
    http::{Form, Identity},
    ids::{new_id, now_ms},
    keys, render,
    state::AppState,
    store::{self, sessions::SessionRow},
};

/// A session of this client, or 404.
pub(super) async fn own_session(
    state: &AppState,
    identity: &Identity,
    id: &str,
) -> ApiResult<SessionRow> {
    let client = identity.client_id();
    match store::sessions::get(&state.db, id).await? {
        Some(s) if Some(&s.client_id) == client.as_ref() && s.status != "removed" => Ok(s),
        _ => Err(ApiError::not_found("session", id)),
    }
}

fn idle_ms(state: &AppState) -> i64 {
    state.settings().session.idle_minutes as i64 * 60_000
}

/// Whether a mint should record activity. The idle deadline is kept to the minute (a
/// tenth of the idle timeout when that is shorter): a client minting every few
/// seconds costs one write a minute, not one write (and one fsync) per token.
fn activity_is_stale(state: &AppState, row: &SessionRow, now: i64) -> bool {
    let granularity = (idle_ms(state) / 10).min(60_000);
    now - row.last_active_at >= granularity
}

pub async fn get(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
) -> ApiResult<Json<Envelope<Session>>> {
    let row = own_session(&state, &identity, &id).await?;
    let session = render::session_by_row(&state, &row).await?;
    envelope(&state, &identity, session).await
}

/// `touch`: makes the session the client's active one (this is what `setActive` calls).
pub async fn touch(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(_): Form<params::TouchSession>,
) -> ApiResult<Json<Envelope<Session>>> {
    let row = own_session(&state, &identity, &id).await?;
    if !row.is_live(now_ms()) {
        return Err(ApiError::signed_out());
    }
    store::sessions::touch(&state.db, &id, idle_ms(&state)).await?;
    store::clients::set_last_active_session(&state.db, &row.client_id, Some(&id)).await?;
    let row = own_session(&state, &identity, &id).await?;
    let session = render::session_by_row(&state, &row).await?;
    envelope(&state, &identity, session).await
}

async fn finish(
    state: AppState,
    identity: Identity,
    id: String,
    status: &str,
) -> ApiResult<Json<Envelope<Session>>> {
    let row = own_session(&state, &identity, &id).await?;
    store::sessions::finish(&state.db, &id, status).await?;
    let client = store::clients::get(&state.db, &row.client_id).await?;
    if client.and_then(|c| c.last_active_session_id).as_deref() == Some(id.as_str()) {
        store::clients::set_last_active_session(&state.db, &row.client_id, None).await?;
    }
    store::clients::forget_completed_attempts(&state.db, &row.client_id).await?;
    let row = store::sessions::get(&state.db, &id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let session = render::session_by_row(&state, &row).await?;
    envelope(&state, &identity, session).await
}

pub async fn end(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
) -> ApiResult<Json<Envelope<Session>>> {
    finish(state, identity, id, "ended").await
}

pub async fn remove(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
) -> ApiResult<Json<Envelope<Session>>> {
    finish(state, identity, id, "removed").await
}

/// A fresh 60-second session token (unwrapped, as Clerk answers it). Minting counts
/// as activity: it moves the idle deadline.
pub async fn tokens(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(_): Form<params::CreateToken>,
) -> ApiResult<Json<Token>> {
    let row = own_session(&state, &identity, &id).await?;
    let now = now_ms();
    if !row.is_live(now) {
        return Err(ApiError::signed_out());
    }
    if activity_is_stale(&state, &row, now) {
        store::sessions::touch(&state.db, &id, idle_ms(&state)).await?;
    }
    let iat = now / 1000;
    let minutes = |at: Option<i64>| at.map_or(-1, |at| (now - at).max(0) / 60_000);
    let claims = SessionClaims {
        sid: row.id.clone(),
        sub: row.user_id.clone(),
        iss: identity.issuer().to_owned(),
        azp: identity.origin().map(str::to_owned),
        exp: iat + state.settings().session.token_lifetime_seconds as i64,
        iat,
        nbf: iat - 10,
        jti: Some(new_id("jti")),
        v: Some(2),
        fva: Some([
            minutes(Some(row.first_factor_at)),
            minutes(row.second_factor_at),
        ]),
        sts: Some(row.status.clone()),
    };
    Ok(Json(Token {
        object: "token".into(),
        jwt: state.signing.sign(&claims),
    }))
}

/// `POST /v1/client/sessions/{id}/tokens/{template}` (Clerk's `getToken({ template })`):
/// a token of a JWT template, for a third-party service. Only for an active session:
/// a pending one (a task to do first) is not signed in for anyone else.
pub async fn template_token(
    State(state): State<AppState>,
    identity: Identity,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Json<Token>> {
    let settings = state.settings();
    let template = settings
        .jwt_templates
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "resource_not_found",
                "not found",
                format!("No JWT template exists with name: {name}"),
            )
        })?;
    let row = own_session(&state, &identity, &id).await?;
    let now = now_ms();
    if !row.is_live(now) {
        return Err(ApiError::signed_out());
    }
    if row.status == "pending" {
        return Err(ApiError::session_task_pending());
    }
    let user_row = store::users::get(&state.db, &row.user_id)
        .await?
        .ok_or_else(ApiError::signed_out)?;
    let user = crate::render::user(&state, &user_row).await?;
    let verified = |v: &Option<fapi_types::Verification>| {
        v.as_ref()
            .is_some_and(|v| v.status == fapi_types::VerificationStatus::Verified)
    };
    let primary_email = user
        .primary_email_address()
        .map(|e| (e.email_address.clone(), verified(&e.verification)));
    let primary_phone = user
        .primary_phone_number_id
        .as_deref()
        .and_then(|pid| user.phone_numbers.iter().find(|p| p.id == pid))
        .map(|p| (p.phone_number.clone(), verified(&p.verification)));
    let data = jwt_templates::UserData {
        row: user_row,
        primary_email,
        primary_phone,
        image_url: user.image_url.clone(),
        two_factor_enabled: user.two_factor_enabled,
    };
    let claims = jwt_templates::claims(
        template,
        &data,
        identity.issuer(),
        identity.origin(),
        now / 1000,
        new_id("jti"),
    );
    let jwt = match &template.signing_key {
        Some(secret) => jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .map_err(|_| ApiError::internal())?,
        None => state.signing.sign(&claims),
    };
    Ok(Json(Token {
        object: "token".into(),
        jwt,
    }))
}

/// From the database, so that every instance on it publishes every key in use; if
/// the database cannot answer, what this instance loaded at start.
pub async fn jwks(State(state): State<AppState>) -> Json<Jwks> {
    let lifetime_ms = state.settings().session.token_lifetime_seconds as i64 * 1000;
    match keys::published(&state.db, &state.signing, lifetime_ms).await {
        Ok(jwks) => Json(jwks),
        Err(e) => {
            tracing::warn!(error = %e, "reading the published keys failed");
            Json(state.signing.jwks())
        }
    }
}
