//! `/v1/me/passkeys`: adding a passkey (its creation options in the verification's
//! `nonce`, then the browser's answer), renaming and removing one. Adding and
//! removing are sensitive: they need a fresh verification, and the owner is told.

use axum::{
    extract::{Path, State},
    Json,
};
use fapi_types::{params, DeletedObject, Envelope, Passkey, Strategy};

use super::{
    envelope,
    me::{note_mfa_change, second_factor_phones, signed_in},
};
use crate::{
    error::{ApiError, ApiResult},
    flows::{
        self,
        notices::{self, Notice},
    },
    http::{Form, Identity},
    limits::Bucket,
    render,
    state::AppState,
    store::{self, passkeys::PasskeyRow},
};

/// A passkey's longest name.
const NAME_MAX: usize = 64;

/// Its name, or how the profile shows an unnamed one.
fn shown_name(row: &PasskeyRow) -> &str {
    row.name.as_deref().unwrap_or("Passkey")
}

/// `POST /v1/me/passkeys`: a new passkey and the options to make it with.
pub async fn create(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Envelope<Passkey>>> {
    // Each one keeps a challenge and a row until answered or pruned.
    state.limits.check(Bucket::Prepare, identity.ip()).await?;
    let (session, user) = signed_in(&state, &identity).await?;
    flows::passkeys::relying_party(&state)?;
    flows::reverification::require_fresh(&state, &session).await?;
    let row = store::passkeys::create_unverified(&state.db, &user.id).await?;
    let label = flows::identifiers::account_label(&state, &user).await?;
    let nonce = flows::passkeys::start_registration(&state, &user, &row, &label).await?;
    envelope(&state, &identity, render::passkey(&row, Some(nonce))).await
}

/// `POST /v1/me/passkeys/{id}/attempt_verification`: the browser's answer keeps it.
pub async fn attempt_verification(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::AttemptPasskeyVerification>,
) -> ApiResult<Json<Envelope<Passkey>>> {
    state
        .limits
        .check(Bucket::IdentificationVerification, identity.ip())
        .await?;
    let (session, user) = signed_in(&state, &identity).await?;
    if p.strategy != Strategy::Passkey {
        return Err(ApiError::param_value_invalid(
            "strategy",
            p.strategy.as_str(),
        ));
    }
    let row = store::passkeys::get(&state.db, &user.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("passkey", &id))?;
    if row.verified() {
        return Err(ApiError::verification_missing());
    }
    let before = second_factor_phones(&state, &user.id).await?;
    flows::passkeys::finish_registration(&state, &row, &p.public_key_credential).await?;
    let row = store::passkeys::get(&state.db, &user.id, &id)
        .await?
        .ok_or_else(ApiError::internal)?;
    notices::notify(&state, &user.id, Notice::PasskeyAdded(shown_name(&row))).await;
    // A second factor now: a pending `setup-mfa` session goes on. (Backup codes it
    // makes are shown when regenerated from the profile.)
    note_mfa_change(&state, &session, &before).await?;
    envelope(&state, &identity, render::passkey(&row, None)).await
}

/// `PATCH /v1/me/passkeys/{id}`: a new name.
pub async fn update(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::UpdatePasskey>,
) -> ApiResult<Json<Envelope<Passkey>>> {
    let (_, user) = signed_in(&state, &identity).await?;
    let name = p.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(ApiError::param_format_invalid(
            "name",
            format!("name must be 1 to {NAME_MAX} characters."),
        ));
    }
    if !store::passkeys::rename(&state.db, &user.id, &id, name).await? {
        return Err(ApiError::not_found("passkey", &id));
    }
    let row = store::passkeys::get(&state.db, &user.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("passkey", &id))?;
    envelope(&state, &identity, render::passkey(&row, None)).await
}

/// `DELETE /v1/me/passkeys/{id}`.
pub async fn delete(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
) -> ApiResult<Json<Envelope<DeletedObject>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    let row = store::passkeys::get(&state.db, &user.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("passkey", &id))?;
    flows::reverification::require_fresh(&state, &session).await?;
    let before = second_factor_phones(&state, &user.id).await?;
    if row.verified() {
        flows::mfa_required::keep_a_second_factor(
            flows::mfa_required::required_for(&state.settings(), &user),
            &before,
            &notices::passkey_name(&row),
        )?;
    }
    if !store::passkeys::delete(&state.db, &user.id, &id).await? {
        return Err(ApiError::not_found("passkey", &id));
    }
    if row.verified() {
        note_mfa_change(&state, &session, &before).await?;
    }
    if row.verified() {
        notices::notify(&state, &user.id, Notice::PasskeyRemoved(shown_name(&row))).await;
    }
    let deleted = DeletedObject {
        object: "passkey".into(),
        id: Some(row.id),
        deleted: true,
    };
    envelope(&state, &identity, deleted).await
}
