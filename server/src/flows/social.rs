//! Sign-in with a provider (OpenID Connect): the trip out (authorization code with
//! PKCE, `state` and `nonce` kept server-side), and what the provider says when the
//! browser comes back (the ID token's signature, issuer, audience, expiry and nonce
//! checked by `openidconnect`), turned into whose account this is.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use openidconnect::{
    core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata},
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};

use crate::{
    config::SocialProvider,
    error::{ApiError, ApiResult},
    flows::notices,
    ids::now_ms,
    state::AppState,
    store::{
        self,
        external_accounts::{ExternalAccountRow, Profile},
        identifications::EMAIL,
        oauth_flows::{NewFlow, OauthFlowRow},
    },
};

/// How long a trip to the provider may take, as Clerk's 10 minutes.
pub const FLOW_LIFETIME_MS: i64 = 10 * 60 * 1000;
/// How long a provider's discovery document (its endpoints and signing keys) is
/// kept before it is read again: keys rotate.
const DISCOVERY_TTL: Duration = Duration::from_secs(15 * 60);
/// How long the provider may take to answer one request.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// What is asked of the provider: who the person is, their email and their name.
const SCOPES: [&str; 2] = ["email", "profile"];

/// The providers' discovery documents, read once in a while, and the HTTP client
/// that talks to them (no redirects followed: OAuth's endpoints answer directly).
pub struct Providers {
    http: reqwest::Client,
    discovered: Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>,
}

impl Default for Providers {
    fn default() -> Self {
        Providers {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(PROVIDER_TIMEOUT)
                .build()
                .expect("an HTTP client without options that can fail"),
            discovered: Mutex::new(HashMap::new()),
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

impl Providers {
    async fn metadata(&self, provider: &SocialProvider) -> ApiResult<CoreProviderMetadata> {
        let issuer = provider.issuer().to_owned();
        if let Some((at, m)) = self.discovered.lock().expect("discovery lock").get(&issuer) {
            if at.elapsed() < DISCOVERY_TTL {
                return Ok(m.clone());
            }
        }
        let url = IssuerUrl::new(issuer.clone()).map_err(|_| ApiError::provider_unavailable())?;
        let metadata = CoreProviderMetadata::discover_async(url, &self.http)
            .await
            .map_err(|e| {
                tracing::warn!(issuer, error = %e, "OpenID Connect discovery failed");
                ApiError::provider_unavailable()
            })?;
        self.discovered
            .lock()
            .expect("discovery lock")
            .insert(issuer, (Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    async fn client(
        &self,
        provider: &SocialProvider,
        callback: &str,
    ) -> ApiResult<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
    > {
        let metadata = self.metadata(provider).await?;
        let redirect =
            RedirectUrl::new(callback.to_owned()).map_err(|_| ApiError::provider_unavailable())?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(provider.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }
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

/// The provider's authorization URL for a new trip; its `state`, PKCE verifier and
/// nonce are kept until the callback takes them.
pub async fn start(
    state: &AppState,
    provider: &SocialProvider,
    trip: &Trip<'_>,
) -> ApiResult<String> {
    let client = state.providers.client(provider, trip.callback).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in SCOPES {
        request = request.add_scope(Scope::new(scope.into()));
    }
    let (url, csrf, nonce) = request.set_pkce_challenge(challenge).url();
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
            nonce: nonce.secret(),
            callback_url: trip.callback,
            redirect_url: trip.redirect_url,
            action_complete_redirect_url: trip.action_complete_redirect_url,
            connect_user_id: trip.connect_user_id,
            expires_at: now_ms() + FLOW_LIFETIME_MS,
        },
    )
    .await?;
    Ok(url.to_string())
}

/// The person behind the code the provider sent back: the code exchanged (with the
/// PKCE verifier), the ID token checked against the flow's nonce.
pub async fn finish(
    state: &AppState,
    provider: &SocialProvider,
    flow: &OauthFlowRow,
    code: &str,
) -> Result<Identity, Refusal> {
    let client = state
        .providers
        .client(provider, &flow.callback_url)
        .await
        .map_err(|_| Refusal::TokenExchange)?;
    let refused = |what: &str, e: &dyn std::fmt::Debug| {
        tracing::warn!(provider = provider.provider, error = ?e, "{what}");
        Refusal::TokenExchange
    };
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| refused("no token endpoint", &e))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
        .request_async(&state.providers.http)
        .await
        .map_err(|e| refused("code exchange failed", &e))?;
    let id_token = token
        .id_token()
        .ok_or_else(|| refused("no ID token", &"the token response has none"))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce.clone()))
        .map_err(|e| refused("ID token refused", &e))?;
    let name = |c: Option<&openidconnect::LocalizedClaim<_>>| {
        c.and_then(|c| c.get(None))
            .map(|n: &openidconnect::EndUserGivenName| n.to_string())
            .unwrap_or_default()
    };
    let family = claims
        .family_name()
        .and_then(|c| c.get(None))
        .map(|n| n.to_string())
        .unwrap_or_default();
    let scopes = token
        .scopes()
        .map(|s| {
            s.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| format!("openid {}", SCOPES.join(" ")));
    Ok(Identity {
        provider: provider.strategy(),
        subject: claims.subject().to_string(),
        email: claims
            .email()
            .map(|e| e.to_string().to_lowercase())
            .unwrap_or_default(),
        email_verified: claims.email_verified().unwrap_or(false),
        first_name: name(claims.given_name()),
        last_name: family,
        scopes,
    })
}

/// Whose account a proven identity opens: the one the provider account is joined
/// to, or, when the provider is trusted to vouch for email addresses and says this
/// one is verified, the account with that verified email (joined now). `None`: no
/// account, or one that must first prove it owns that email some other way.
pub async fn account_for(
    state: &AppState,
    provider: &SocialProvider,
    identity: &Identity,
) -> ApiResult<Option<(String, ExternalAccountRow)>> {
    if let Some(account) =
        store::external_accounts::find(&state.db, &identity.provider, &identity.subject).await?
    {
        store::external_accounts::refresh(&state.db, &account.id, &identity.profile()).await?;
        return Ok(Some((account.user_id.clone(), account)));
    }
    let vouched = provider.vouches_for(&identity.email) && identity.email_verified;
    if !vouched || identity.email.is_empty() {
        return Ok(None);
    }
    let Some(user_id) =
        store::identifications::owner_of_verified(&state.db, EMAIL, &identity.email).await?
    else {
        return Ok(None);
    };
    let joined_now =
        store::external_accounts::create(&state.db, &user_id, &identity.profile()).await?;
    let joined = store::external_accounts::find(&state.db, &identity.provider, &identity.subject)
        .await?
        .ok_or_else(ApiError::oauth_callback_invalid)?;
    if joined.user_id != user_id {
        // Another request joined this provider account to someone else first.
        return Ok(None);
    }
    if joined_now.is_some() {
        let name = provider.display_name();
        notices::notify(state, &user_id, notices::Notice::ProviderConnected(&name)).await;
    }
    Ok(Some((user_id, joined)))
}
