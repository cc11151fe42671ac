//! Sign-in with a provider: the trip out (authorization code with PKCE, `state`
//! and, for OpenID Connect, `nonce` kept server-side), what the provider says when
//! the browser comes back (`oidc` or `github`, by how the provider speaks), and
//! whose account that person is.

mod apple;
mod github;
mod oidc;

use std::time::Duration;

use openidconnect::{CsrfToken, PkceCodeChallenge};
use serde::{Deserialize, Serialize};

use crate::{
    config::{Protocol, SocialProvider},
    error::{ApiError, ApiResult},
    flows::notices,
    http::identity::Mode,
    ids::now_ms,
    state::AppState,
    store::{
        self,
        external_accounts::Profile,
        identifications::EMAIL,
        oauth_flows::{NewFlow, OauthFlowRow},
    },
};

/// How long a trip to the provider may take, as Clerk's 10 minutes.
pub const FLOW_LIFETIME_MS: i64 = 10 * 60 * 1000;
/// How long the provider may take to answer one request.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client that talks to the providers (no redirects followed: OAuth's
/// endpoints answer directly), and the OpenID Connect discovery documents read.
pub struct Providers {
    http: reqwest::Client,
    discovery: oidc::Discovery,
}

impl Default for Providers {
    fn default() -> Self {
        Providers {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(PROVIDER_TIMEOUT)
                .build()
                .expect("an HTTP client without options that can fail"),
            discovery: oidc::Discovery::default(),
        }
    }
}

/// The person the provider vouched for, as kept on the verification until a
/// sign-up takes it over.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identity {
    pub provider: String,
    pub subject: String,
    pub email: String,
    pub email_verified: bool,
    pub first_name: String,
    pub last_name: String,
    pub scopes: String,
}

impl Identity {
    pub fn profile(&self) -> Profile<'_> {
        Profile {
            provider: &self.provider,
            provider_user_id: &self.subject,
            email_address: &self.email,
            first_name: &self.first_name,
            last_name: &self.last_name,
            approved_scopes: &self.scopes,
        }
    }
}

/// Why a trip did not prove anyone: Clerk's code, kept on the verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The person said no at the provider, or the provider answered with an error.
    #[error("oauth_access_denied")]
    AccessDenied,
    /// The code could not be exchanged, or the ID token did not hold up.
    #[error("oauth_token_exchange_error")]
    TokenExchange,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::AccessDenied => "oauth_access_denied",
            Refusal::TokenExchange => "oauth_token_exchange_error",
        }
    }
}

/// A provider verification's error as Clerk words it (`first_factor_verification.error`).
pub fn verification_error(code: &str) -> fapi_types::ApiError {
    let (message, long) = match code {
        "oauth_access_denied" => ("access denied", "You did not grant access to your account."),
        "external_account_not_found" => (
            "Invalid external account",
            "The External Account was not found.",
        ),
        "user_locked" | "user_locked_by_admin" | "user_banned" => (
            "Account locked",
            "Your account is locked. Try again later, or contact the application's support.",
        ),
        _ => (
            "token exchange failed",
            "The sign-in provider's answer could not be checked. Try again.",
        ),
    };
    fapi_types::ApiError {
        code: code.to_owned(),
        message: message.to_owned(),
        long_message: long.to_owned(),
        meta: Default::default(),
    }
}

/// The configured provider behind a strategy (`oauth_google`), if it is on.
pub fn provider_for(state: &AppState, strategy: &str) -> Option<SocialProvider> {
    state
        .settings()
        .social
        .iter()
        .find(|p| p.strategy() == strategy)
        .cloned()
}

/// A URL the browser may be sent back to after the provider: absolute, or a path
/// resolved against the calling page's origin; on this server's allowed list
/// (`allowed_redirect_origins`, `allowed_origins`, loopback in development).
pub fn return_url(
    state: &AppState,
    identity: &crate::http::Identity,
    given: Option<&str>,
    param: &str,
) -> ApiResult<Option<String>> {
    let Some(given) = given.filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let absolute = if given.starts_with('/') && !given.starts_with("//") {
        match identity.origin() {
            Some(origin) => format!("{origin}{given}"),
            None => return Err(ApiError::param_value_invalid(param, given)),
        }
    } else {
        given.to_owned()
    };
    let absolute_ok = absolute.starts_with("https://") || absolute.starts_with("http://");
    if !absolute_ok
        || !crate::hosted_pages::allowed_redirect(
            &state.settings(),
            Some(identity.issuer()),
            &absolute,
        )
    {
        return Err(ApiError::param_value_invalid(param, given));
    }
    Ok(Some(absolute))
}

/// Where the provider sends the browser back: this server's callback, exactly as
/// it must be registered with the provider.
pub fn callback_url(issuer: &str) -> String {
    format!("{}/v1/oauth_callback", issuer.trim_end_matches('/'))
}

/// Where a trip starts from and where the browser goes back to.
pub struct Trip<'a> {
    pub client_id: &'a str,
    pub client_mode: &'a str,
    pub sign_in_id: &'a str,
    pub verification_id: &'a str,
    pub callback: &'a str,
    pub redirect_url: &'a str,
    pub action_complete_redirect_url: Option<&'a str>,
    /// From the profile: the signed-in user the provider's account joins.
    pub connect_user_id: Option<&'a str>,
}

/// A trip under way.
pub struct Started {
    /// The provider's authorization URL.
    pub url: String,
    /// A development browser's: the value of the cookie that binds the trip to it.
    pub browser_binding: Option<String>,
}

/// The provider's authorization URL for a new trip; its `state`, PKCE verifier and
/// nonce are kept until the callback takes them.
pub async fn start(
    state: &AppState,
    provider: &SocialProvider,
    trip: &Trip<'_>,
) -> ApiResult<Started> {
    let browser_binding = (trip.client_mode == Mode::DevBrowser.name()).then(crate::ids::new_token);
    let csrf = CsrfToken::new_random();
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, nonce) = match provider.protocol() {
        Protocol::OpenIdConnect => {
            oidc::authorize_url(
                &state.providers,
                provider,
                trip.callback,
                csrf.clone(),
                challenge,
            )
            .await?
        }
        Protocol::GitHub => (
            github::authorize_url(provider, trip.callback, csrf.clone(), challenge)?,
            String::new(),
        ),
    };
    store::oauth_flows::put(
        &state.db,
        &NewFlow {
            state: csrf.secret(),
            provider: &provider.strategy(),
            client_id: trip.client_id,
            client_mode: trip.client_mode,
            sign_in_id: trip.sign_in_id,
            verification_id: trip.verification_id,
            pkce_verifier: verifier.secret(),
            nonce: &nonce,
            callback_url: trip.callback,
            redirect_url: trip.redirect_url,
            action_complete_redirect_url: trip.action_complete_redirect_url,
            connect_user_id: trip.connect_user_id,
            browser_binding: browser_binding.as_deref(),
            expires_at: now_ms() + FLOW_LIFETIME_MS,
        },
    )
    .await?;
    Ok(Started {
        url,
        browser_binding,
    })
}

/// The person behind the code the provider sent back (`apple_user`: the `user`
/// field Apple posted with it).
pub async fn finish(
    state: &AppState,
    provider: &SocialProvider,
    flow: &OauthFlowRow,
    code: &str,
    apple_user: Option<&str>,
) -> Result<Identity, Refusal> {
    match provider.protocol() {
        Protocol::OpenIdConnect => {
            oidc::identify(&state.providers, provider, flow, code, apple_user).await
        }
        Protocol::GitHub => github::identify(&state.providers, provider, flow, code).await,
    }
}

/// A failure on the way back, logged with its cause (never the provider's secrets),
/// as the refusal the person sees.
/// Displayed, never `Debug`: a token response that did not parse carries the
/// tokens in its `Debug` form.
fn refused(provider: &SocialProvider) -> impl Fn(&str, &dyn std::fmt::Display) -> Refusal + '_ {
    move |what, e| {
        tracing::warn!(provider = provider.provider, error = %e, "{what}");
        Refusal::TokenExchange
    }
}

/// Scopes as one space-separated string, as Clerk's `approved_scopes`.
fn joined<'a>(scopes: impl Iterator<Item = &'a str>) -> String {
    scopes
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whose account a proven identity opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    /// The user the provider account is joined to.
    Joined(String),
    /// The user with the email the provider vouched for (a provider trusted to say
    /// so): joined only once the sign-in completes, so that a shut account or a
    /// second factor not given leaves no join behind.
    ByEmail(String),
    /// No account, or one that must first prove it owns that email some other way.
    Nobody,
}

/// Whose account a proven identity opens: the one the provider account is joined
/// to, or, when the provider is trusted to vouch for email addresses and says this
/// one is verified, the account with that verified email.
pub async fn account_for(
    state: &AppState,
    provider: &SocialProvider,
    identity: &Identity,
) -> ApiResult<Whose> {
    if let Some(account) =
        store::external_accounts::find(&state.db, &identity.provider, &identity.subject).await?
    {
        store::external_accounts::refresh(&state.db, &account.id, &identity.profile()).await?;
        return Ok(Whose::Joined(account.user_id));
    }
    let vouched = provider.vouches_for(&identity.email) && identity.email_verified;
    if !vouched || identity.email.is_empty() {
        return Ok(Whose::Nobody);
    }
    Ok(
        match store::identifications::owner_of_verified(&state.db, EMAIL, &identity.email).await? {
            Some(user_id) => Whose::ByEmail(user_id),
            None => Whose::Nobody,
        },
    )
}

/// Once a sign-in is complete: the provider account its first factor proved by
/// email (kept on `verification_id`, see [`Whose::ByEmail`]) joins `user_id`, and the
/// owner is told. Nothing when there is none, when the provider is gone or no longer
/// trusted with that email, when the email is no longer this user's, or when another
/// sign-in joined that provider account to someone first. Best effort: the session
/// exists already, and a failure here must not undo what follows it (the next
/// sign-in with the provider joins it then).
pub async fn join_held(state: &AppState, verification_id: Option<&str>, user_id: &str) {
    if let Err(e) = try_join_held(state, verification_id, user_id).await {
        tracing::error!(error = %e.code(), "a provider account could not be joined");
    }
}

async fn try_join_held(
    state: &AppState,
    verification_id: Option<&str>,
    user_id: &str,
) -> ApiResult<()> {
    let Some(verification_id) = verification_id else {
        return Ok(());
    };
    let held = store::verifications::get(&state.db, verification_id)
        .await?
        .filter(|v| v.status == "verified" && v.strategy.starts_with("oauth_"))
        .and_then(|v| v.external_identity)
        .and_then(|held| serde_json::from_str::<Identity>(&held).ok());
    let Some(found) = held else {
        return Ok(());
    };
    let Some(provider) = provider_for(state, &found.provider) else {
        return Ok(());
    };
    let owner = store::identifications::owner_of_verified(&state.db, EMAIL, &found.email).await?;
    if !provider.vouches_for(&found.email) || owner.as_deref() != Some(user_id) {
        return Ok(());
    }
    if store::external_accounts::create(&state.db, user_id, &found.profile())
        .await?
        .is_some()
    {
        let name = provider.display_name();
        notices::notify(state, user_id, notices::Notice::ProviderConnected(&name)).await;
    }
    Ok(())
}
