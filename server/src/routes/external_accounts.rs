//! `/v1/me/external_accounts`: the profile's connected accounts. Connecting sends the
//! browser to the provider (the answer's `external_verification_redirect_url`); the
//! provider's way back (`/v1/oauth_callback`) joins its account to the signed-in user
//! and returns to `redirect_url`. Removing parts them. Both are sensitive: they need
//! a fresh verification, and the owner is told.

use axum::{
    extract::{Path, State},
    Json,
};
use fapi_types::{params, DeletedObject, Envelope, ExternalAccount};

use super::{envelope, me::signed_in};
use crate::{
    error::{ApiError, ApiResult},
    flows::{
        self,
        notices::{self, Notice},
    },
    http::{identity::Mode, Form, Identity},
    ids::{new_id, now_ms},
    limits::Bucket,
    render,
    state::AppState,
    store,
};

/// `POST /v1/me/external_accounts`: a trip to the provider to connect its account.
pub async fn create(
    State(state): State<AppState>,
    identity: Identity,
    Form(p): Form<params::CreateExternalAccount>,
) -> ApiResult<Json<Envelope<ExternalAccount>>> {
    state.limits.check(Bucket::Prepare, identity.ip()).await?;
    let (session, user) = signed_in(&state, &identity).await?;
    flows::mfa_required::require_active(&session)?;
    let strategy = p
        .strategy
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::param_missing("strategy"))?;
    let provider = flows::social::provider_for(&state, &strategy)
        .ok_or_else(|| ApiError::param_value_invalid("strategy", &strategy))?;
    // The way back is bound to this browser by a cookie, as for a sign-in.
    if identity.mode() == Mode::Native {
        return Err(ApiError::oauth_needs_cookie());
    }
    let redirect_url =
        flows::social::return_url(&state, &identity, p.redirect_url.as_deref(), "redirect_url")?
            .ok_or_else(|| ApiError::param_missing("redirect_url"))?;
    flows::reverification::require_fresh(&state, &session).await?;
    let started = flows::social::start(
        &state,
        &provider,
        &flows::social::Trip {
            client_id: &session.client_id,
            client_mode: identity.mode().name(),
            sign_in_id: "",
            verification_id: "",
            callback: &flows::social::callback_url(identity.issuer()),
            redirect_url: &redirect_url,
            action_complete_redirect_url: None,
            connect_user_id: Some(&user.id),
        },
    )
    .await?;
    if let Some(binding) = &started.browser_binding {
        identity.set_oauth_binding(binding);
    }
    let expire_at = now_ms() + flows::social::FLOW_LIFETIME_MS;
    envelope(
        &state,
        &identity,
        render::connecting_account(
            &new_id("eac"),
            &provider.strategy(),
            &started.url,
            expire_at,
        ),
    )
    .await
}

/// `DELETE /v1/me/external_accounts/{id}`: parts the provider's account from the
/// user, unless it is their only way in.
pub async fn delete(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
) -> ApiResult<Json<Envelope<DeletedObject>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    flows::mfa_required::require_active(&session)?;
    let accounts = store::external_accounts::list_for_user(&state.db, &user.id).await?;
    let account = accounts
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| ApiError::not_found("external_account", &id))?;
    flows::reverification::require_fresh(&state, &session).await?;
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let passkeys = store::passkeys::list_verified(&state.db, &user.id).await?;
    // Another way in: a password, another provider, a passkey, or a verified email
    // or phone to send a code to.
    let another_way = user.password_hash.is_some()
        || accounts.len() > 1
        || !passkeys.is_empty()
        || idents
            .iter()
            .any(|i| i.verified() && !i.reserved_for_second_factor);
    if !another_way {
        return Err(ApiError::identification_deletion_failed());
    }
    if !store::external_accounts::delete(&state.db, &user.id, &id).await? {
        return Err(ApiError::not_found("external_account", &id));
    }
    let name = flows::social::provider_for(&state, &account.provider)
        .map(|p| p.display_name())
        .unwrap_or_else(|| account.provider.trim_start_matches("oauth_").to_owned());
    notices::notify(&state, &user.id, Notice::ProviderDisconnected(&name)).await;
    envelope(
        &state,
        &identity,
        DeletedObject {
            object: "external_account".into(),
            id: Some(id),
            deleted: true,
        },
    )
    .await
}
