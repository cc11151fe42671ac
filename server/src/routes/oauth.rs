//! The provider's way back: `GET /v1/oauth_callback?code&state` (Clerk's path, the
//! redirect URI registered with each provider). The trip is found by its `state`,
//! used once; the provider's answer settles the sign-in's first factor, which then
//! goes on as after a password (a second factor when the account has one), and the
//! browser is sent back to the app.

use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use crate::{
    error::{ApiError, ApiResult},
    flows::{
        self,
        lockout::Source,
        notices::{self, Notice},
        social::{self, Refusal, Whose},
    },
    http::{
        identity::{Mode, DEV_BROWSER_PARAM},
        Identity,
    },
    state::AppState,
    store,
};

#[derive(Debug, Deserialize)]
pub struct Callback {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// Apple's answer, posted.
#[derive(Debug, Deserialize)]
pub struct Posted {
    #[serde(flatten)]
    callback: Callback,
    /// The person's name, posted on a first sign-in.
    #[serde(default)]
    user: Option<String>,
}

/// `POST /v1/oauth_callback`: Apple's way back, a form POST from Apple's site, which
/// brings no `SameSite=Lax` cookie. The name it posts is kept on the trip; the rest
/// becomes the `GET` (a top-level navigation, which does bring the cookie) that
/// checks it came from the browser that started the trip.
pub async fn form_post(
    State(state): State<AppState>,
    axum::Form(p): axum::Form<Posted>,
) -> Response {
    let p_state = p.callback.state.as_deref().filter(|s| !s.is_empty());
    if let (Some(trip), Some(user)) = (p_state, &p.user) {
        if let Err(e) = store::oauth_flows::keep_posted_user(&state.db, trip, user).await {
            tracing::error!(error = %e, "Apple's posted name could not be kept");
        }
    }
    let query = serde_urlencoded::to_string([
        ("code", &p.callback.code),
        ("state", &p.callback.state),
        ("error", &p.callback.error),
    ])
    .unwrap_or_default();
    (
        StatusCode::SEE_OTHER,
        [
            // Relative: the callback's own path, wherever the server is mounted.
            (header::LOCATION, format!("oauth_callback?{query}")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

/// `GET /v1/oauth_callback`.
pub async fn callback(
    State(state): State<AppState>,
    identity: Identity,
    Query(p): Query<Callback>,
) -> ApiResult<Response> {
    let found = match p.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => {
            let client = identity.client_id();
            store::oauth_flows::take(&state.db, s, client.as_deref(), identity.oauth_binding())
                .await?
        }
        None => None,
    };
    let Some(flow) = found else {
        tracing::warn!("oauth callback with no trip of this browser's");
        return Err(ApiError::oauth_callback_invalid());
    };
    let development_browser = flow.client_mode == Mode::DevBrowser.name();
    if development_browser {
        // Used: the binding cookie goes.
        identity.set_oauth_binding("");
    }
    if let Some(user_id) = flow.connect_user_id.clone() {
        return connect(&state, &flow, &user_id, &p).await;
    }
    let sign_in = store::sign_ins::get(&state.db, &flow.sign_in_id)
        .await?
        .filter(|s| s.client_id == flow.client_id && s.status == "needs_identifier")
        .ok_or_else(ApiError::oauth_callback_invalid)?;
    let provider = social::provider_for(&state, &flow.provider)
        .ok_or_else(ApiError::oauth_callback_invalid)?;
    // Signed in some other way since the trip began (another tab): in single-session
    // mode this client keeps that one session.
    if let Err(e) = super::sign_ins::refuse_if_client_signed_in(&state, &flow.client_id).await {
        return refused(&state, &flow, e.code()).await;
    }

    let outcome = match (&p.error, &p.code) {
        (None, Some(code)) if !code.is_empty() => {
            social::finish(&state, &provider, &flow, code, flow.posted_user.as_deref()).await
        }
        _ => Err(Refusal::AccessDenied),
    };
    let identity_found = match outcome {
        Ok(found) => found,
        Err(refusal) => return refused(&state, &flow, refusal.code()).await,
    };
    let whose = social::account_for(&state, &provider, &identity_found).await?;
    let (user_id, held) = match whose {
        Whose::Joined(user_id) => (user_id, None),
        // Joined once the sign-in completes (`join_held`): kept on the verification.
        Whose::ByEmail(user_id) => (
            user_id,
            Some(serde_json::to_string(&identity_found).map_err(|_| ApiError::internal())?),
        ),
        Whose::Nobody => {
            // Proven, but nobody's: the sign-in hands over to a sign-up (Clerk's
            // `transferable`), which takes the identity from the verification.
            let kept = serde_json::to_string(&identity_found).map_err(|_| ApiError::internal())?;
            store::verifications::settle_external(
                &state.db,
                &flow.verification_id,
                "transferable",
                Some("external_account_not_found"),
                Some(&kept),
            )
            .await?;
            return Ok(back_to(&flow.redirect_url, None));
        }
    };
    let user = store::users::get(&state.db, &user_id)
        .await?
        .ok_or_else(ApiError::oauth_callback_invalid)?;
    // A banned, administrator-locked or locked-out account stays shut, whatever the
    // provider says.
    let source = Source::of(&state, &identity, Some(&user.id)).await?;
    if let Err(locked) = flows::lockout::ensure_unlocked(&state, &user, &source).await {
        return refused(&state, &flow, locked.code).await;
    }
    if !store::verifications::settle_external(
        &state.db,
        &flow.verification_id,
        "verified",
        None,
        held.as_deref(),
    )
    .await?
    {
        return Err(ApiError::oauth_callback_invalid());
    }
    store::sign_ins::set_user(&state.db, &sign_in.id, &user.id).await?;
    store::sign_ins::advance(
        &state.db,
        &sign_in.id,
        "needs_identifier",
        "needs_first_factor",
    )
    .await?;
    super::sign_ins::after_first_factor(
        &state,
        &identity,
        &sign_in,
        &user,
        &source,
        &flow.provider,
    )
    .await?;
    // A development browser's new client token (a session was made) goes to the page
    // in the URL, as Clerk hands it over, never in a cookie it does not use.
    let dev_token = development_browser
        .then(|| identity.take_issued_token())
        .flatten();
    let done = store::sign_ins::get(&state.db, &sign_in.id)
        .await?
        .is_some_and(|s| s.status == "complete");
    if done {
        social::join_held(&state, Some(&flow.verification_id), &user.id).await;
    }
    let target = match (&flow.action_complete_redirect_url, done) {
        (Some(complete), true) => complete.as_str(),
        _ => flow.redirect_url.as_str(),
    };
    let extra: Vec<(&str, &str)> = dev_token
        .iter()
        .map(|t| (DEV_BROWSER_PARAM, t.as_str()))
        .collect();
    Ok(back_to_with(target, &extra))
}

/// The sign-in's provider verification failed for Clerk's `code`: back to the app
/// with the reason.
async fn refused(
    state: &AppState,
    flow: &store::oauth_flows::OauthFlowRow,
    code: &'static str,
) -> ApiResult<Response> {
    store::verifications::settle_external(
        &state.db,
        &flow.verification_id,
        "failed",
        Some(code),
        None,
    )
    .await?;
    Ok(back_to(&flow.redirect_url, Some(code)))
}

/// The way back from a trip the profile started: the provider's account joins the
/// user who started it, unless it is someone else's already; back to the profile.
async fn connect(
    state: &AppState,
    flow: &store::oauth_flows::OauthFlowRow,
    user_id: &str,
    p: &Callback,
) -> ApiResult<Response> {
    let provider =
        social::provider_for(state, &flow.provider).ok_or_else(ApiError::oauth_callback_invalid)?;
    let outcome = match (&p.error, &p.code) {
        (None, Some(code)) if !code.is_empty() => {
            social::finish(state, &provider, flow, code, flow.posted_user.as_deref()).await
        }
        _ => Err(Refusal::AccessDenied),
    };
    let found = match outcome {
        Ok(found) => found,
        Err(refusal) => return Ok(back_to(&flow.redirect_url, Some(refusal.code()))),
    };
    let profile = found.profile();
    if let Some(joined) =
        store::external_accounts::find(&state.db, &found.provider, &found.subject).await?
    {
        if joined.user_id != user_id {
            return Ok(back_to(&flow.redirect_url, Some(EXTERNAL_ACCOUNT_EXISTS)));
        }
        store::external_accounts::refresh(&state.db, &joined.id, &profile).await?;
        return Ok(back_to(&flow.redirect_url, None));
    }
    if store::users::get(&state.db, user_id).await?.is_none() {
        return Err(ApiError::oauth_callback_invalid());
    }
    if store::external_accounts::create(&state.db, user_id, &profile)
        .await?
        .is_none()
    {
        // Joined to someone else meanwhile.
        return Ok(back_to(&flow.redirect_url, Some(EXTERNAL_ACCOUNT_EXISTS)));
    }
    let name = provider.display_name();
    notices::notify(state, user_id, Notice::ProviderLinked(&name)).await;
    Ok(back_to(&flow.redirect_url, None))
}

/// Clerk's code for a provider account joined to another user.
const EXTERNAL_ACCOUNT_EXISTS: &str = "external_account_exists";

/// A 303 to the app's `url`, with Clerk's failure parameters when the trip failed.
fn back_to(url: &str, error: Option<&str>) -> Response {
    match error {
        Some(code) => back_to_with(
            url,
            &[("__clerk_status", "failed"), ("__clerk_error_code", code)],
        ),
        None => back_to_with(url, &[]),
    }
}

/// A 303 to the app's `url` with `extra` query parameters. They go before the `#`:
/// with hash routing the app's route lives there.
fn back_to_with(url: &str, extra: &[(&str, &str)]) -> Response {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut target = base.to_owned();
    if !extra.is_empty() {
        let query = serde_urlencoded::to_string(extra).unwrap_or_default();
        target.push(if base.contains('?') { '&' } else { '?' });
        target.push_str(&query);
    }
    if let Some(f) = fragment {
        target.push('#');
        target.push_str(f);
    }
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, target),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}
