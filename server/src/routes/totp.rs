//! `/v1/me/totp`: setting up an authenticator app (a secret shown once, as a QR code
//! URI and as text), turning it on with its first code, and removing it; and
//! `/v1/me/backup_codes`, a new set of backup codes. Setting up, removing and
//! regenerating are sensitive: they need a fresh verification.

use axum::{extract::State, Json};
use fapi_types::{params, BackupCodes, DeletedObject, Envelope, Totp};

use super::{
    envelope,
    me::{note_mfa_change, second_factor_phones, signed_in},
};
use crate::{
    error::{ApiError, ApiResult},
    flows,
    http::{Form, Identity},
    limits::Bucket,
    state::AppState,
    store::{self, totps::TotpRow},
    totp,
};

fn json(row: &TotpRow, secret: Option<String>, uri: Option<String>) -> Totp {
    Totp {
        object: "totp".into(),
        id: row.id.clone(),
        secret,
        uri,
        verified: row.verified(),
        backup_codes: None,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// `POST /v1/me/totp`: a new secret (replacing one not yet confirmed).
pub async fn create(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Envelope<Totp>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    if !state.settings().second_factors.totp {
        return Err(ApiError::no_second_factors("totp"));
    }
    flows::reverification::require_fresh(&state, &session).await?;
    let secret = totp::generate_secret();
    let sealed = state.secrets.seal(&secret, &user.id);
    let row = store::totps::create_unverified(&state.db, &user.id, &sealed)
        .await?
        .ok_or_else(ApiError::totp_already_enabled)?;
    let label = flows::identifiers::account_label(&state, &user).await?;
    let uri = totp::otpauth_uri(&state.settings().application_name, &label, &secret);
    let body = json(&row, Some(totp::encode_secret(&secret)), Some(uri));
    envelope(&state, &identity, body).await
}

/// `POST /v1/me/totp/attempt_verification`: the app's first code turns it on.
pub async fn attempt_verification(
    State(state): State<AppState>,
    identity: Identity,
    Form(p): Form<params::AttemptTotpVerification>,
) -> ApiResult<Json<Envelope<Totp>>> {
    state
        .limits
        .check(Bucket::IdentificationVerification, identity.ip())
        .await?;
    let (session, user) = signed_in(&state, &identity).await?;
    let row = store::totps::get(&state.db, &user.id)
        .await?
        .ok_or_else(ApiError::verification_missing)?;
    if row.verified() {
        return Err(ApiError::totp_already_enabled());
    }
    let before = second_factor_phones(&state, &user.id).await?;
    flows::totp::confirm(&state, &row, &p.code).await?;
    let codes = note_mfa_change(&state, &session, &before).await?;
    let row = store::totps::get(&state.db, &user.id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let body = Totp {
        backup_codes: codes,
        ..json(&row, None, None)
    };
    envelope(&state, &identity, body).await
}

/// `POST /v1/me/backup_codes`: a new set, voiding the old one; shown this once.
pub async fn regenerate_backup_codes(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Envelope<BackupCodes>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    if !state.settings().second_factors.backup_code {
        return Err(ApiError::no_second_factors("backup_code"));
    }
    flows::mfa_required::require_active(&session)?;
    flows::reverification::require_fresh(&state, &session).await?;
    if second_factor_phones(&state, &user.id).await?.is_empty() {
        return Err(ApiError::backup_codes_not_available());
    }
    let codes = flows::backup_codes::regenerate(&state, &user.id).await?;
    let now = crate::ids::now_ms();
    let body = BackupCodes {
        object: "backup_code".into(),
        id: crate::ids::new_id("bcode"),
        codes,
        created_at: now,
        updated_at: now,
    };
    envelope(&state, &identity, body).await
}

/// `DELETE /v1/me/totp`.
pub async fn delete(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Envelope<DeletedObject>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    let row = store::totps::get(&state.db, &user.id)
        .await?
        .ok_or_else(|| ApiError::not_found("totp", "totp"))?;
    flows::reverification::require_fresh(&state, &session).await?;
    let before = second_factor_phones(&state, &user.id).await?;
    if row.verified() {
        flows::mfa_required::keep_a_second_factor(
            flows::mfa_required::required_for(&state.settings(), &user),
            &before,
            flows::notices::AUTHENTICATOR_APP,
        )?;
    }
    store::totps::delete(&state.db, &user.id).await?;
    note_mfa_change(&state, &session, &before).await?;
    let deleted = DeletedObject {
        object: "totp".into(),
        id: Some(row.id),
        deleted: true,
    };
    envelope(&state, &identity, deleted).await
}
