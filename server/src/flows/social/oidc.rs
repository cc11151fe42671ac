//! OpenID Connect providers (Google, Microsoft, GitLab, any issuer): endpoints and
//! keys from the issuer's discovery document, and the person from the ID token,
//! whose signature, issuer, audience, expiry and nonce `openidconnect` checks.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use openidconnect::{
    core::{CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreProviderMetadata},
    AuthType, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, SignatureVerificationError,
    TokenResponse,
};

use super::{apple, Identity, Providers, Refusal};
use crate::{
    config::SocialProvider,
    error::{ApiError, ApiResult},
    store::oauth_flows::OauthFlowRow,
};

/// How long a provider's discovery document (its endpoints and signing keys) is
/// kept before it is read again: keys rotate.
const DISCOVERY_TTL: Duration = Duration::from_secs(15 * 60);
/// What is asked of the provider: who the person is, their email and their name.
const SCOPES: [&str; 2] = ["email", "profile"];

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The discovery documents read so far, by issuer.
#[derive(Default)]
pub struct Discovery(Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>);

/// The provider's discovery document: the one read within [`DISCOVERY_TTL`], or
/// (`fresh`) read now.
async fn metadata(
    providers: &Providers,
    provider: &SocialProvider,
    fresh: bool,
) -> ApiResult<CoreProviderMetadata> {
    let issuer = provider.issuer().to_owned();
    let cache = &providers.discovery.0;
    if let Some((at, m)) = cache.lock().expect("discovery lock").get(&issuer) {
        if at.elapsed() < DISCOVERY_TTL && !fresh {
            return Ok(m.clone());
        }
    }
    let url = IssuerUrl::new(issuer.clone()).map_err(|_| ApiError::provider_unavailable())?;
    let metadata = CoreProviderMetadata::discover_async(url, &providers.http)
        .await
        .map_err(|e| {
            tracing::warn!(issuer, error = %e, "OpenID Connect discovery failed");
            ApiError::provider_unavailable()
        })?;
    cache
        .lock()
        .expect("discovery lock")
        .insert(issuer, (Instant::now(), metadata.clone()));
    Ok(metadata)
}

async fn client(
    providers: &Providers,
    provider: &SocialProvider,
    callback: &str,
    fresh: bool,
) -> ApiResult<Client> {
    let metadata = metadata(providers, provider, fresh).await?;
    let redirect =
        RedirectUrl::new(callback.to_owned()).map_err(|_| ApiError::provider_unavailable())?;
    let secret = if provider.signs_its_secret() {
        apple::client_secret(provider).map_err(|e| {
            tracing::error!(provider = provider.provider, error = %e, "the client secret could not be signed");
            ApiError::provider_unavailable()
        })?
    } else {
        provider.client_secret.clone()
    };
    // The secret in the body where the provider takes it only there (Apple).
    let auth_type = match metadata.token_endpoint_auth_methods_supported() {
        Some(methods)
            if !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
                && methods.contains(&CoreClientAuthMethod::ClientSecretPost) =>
        {
            AuthType::RequestBody
        }
        _ => AuthType::BasicAuth,
    };
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(secret)),
    )
    .set_redirect_uri(redirect)
    .set_auth_type(auth_type))
}

/// The authorization URL for `state` and the PKCE `challenge`, and the nonce the
/// ID token must carry back.
pub async fn authorize_url(
    providers: &Providers,
    provider: &SocialProvider,
    callback: &str,
    state: CsrfToken,
    challenge: PkceCodeChallenge,
) -> ApiResult<(String, String)> {
    let client = client(providers, provider, callback, false).await?;
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        move || state,
        Nonce::new_random,
    );
    let scopes = if provider.signs_its_secret() {
        apple::SCOPES
    } else {
        SCOPES
    };
    for scope in scopes {
        request = request.add_scope(Scope::new(scope.into()));
    }
    if provider.signs_its_secret() {
        // Apple answers a request for the name or email only as a form POST.
        request = request.add_extra_param("response_mode", "form_post");
    }
    let (url, _, nonce) = request.set_pkce_challenge(challenge).url();
    Ok((url.to_string(), nonce.secret().clone()))
}

/// The person behind `code`: exchanged with the PKCE verifier, the ID token checked
/// against the flow's nonce. `apple_user`: the `user` field Apple posted, the only
/// place its names come.
pub async fn identify(
    providers: &Providers,
    provider: &SocialProvider,
    flow: &OauthFlowRow,
    code: &str,
    apple_user: Option<&str>,
) -> Result<Identity, Refusal> {
    let client = client(providers, provider, &flow.callback_url, false)
        .await
        .map_err(|_| Refusal::TokenExchange)?;
    let refused = super::refused(provider);
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| refused("no token endpoint", &e))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
        .request_async(&providers.http)
        .await
        .map_err(|e| refused("code exchange failed", &e))?;
    let id_token = token
        .id_token()
        .ok_or_else(|| refused("no ID token", &"the token response has none"))?;
    let nonce = Nonce::new(flow.nonce.clone());
    let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
        // Signed with a key the provider published since its keys were read: read
        // them again, once.
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        )) => {
            let fresh = self::client(providers, provider, &flow.callback_url, true)
                .await
                .map_err(|_| Refusal::TokenExchange)?;
            let verifier = fresh.id_token_verifier();
            let claims = id_token.claims(&verifier, &nonce).cloned();
            claims
        }
        other => other.cloned(),
    }
    .map_err(|e| refused("ID token refused", &e))?;
    let mut first_name = claims
        .given_name()
        .and_then(|c| c.get(None))
        .map(|n| n.to_string())
        .unwrap_or_default();
    let mut last_name = claims
        .family_name()
        .and_then(|c| c.get(None))
        .map(|n| n.to_string())
        .unwrap_or_default();
    if let Some((first, last)) = apple_user
        .filter(|_| provider.signs_its_secret())
        .and_then(apple::names)
    {
        (first_name, last_name) = (first, last);
    }
    let scopes = token
        .scopes()
        .map(|s| super::joined(s.iter().map(|s| s.as_str())))
        .unwrap_or_else(|| format!("openid {}", SCOPES.join(" ")));
    Ok(Identity {
        provider: provider.strategy(),
        subject: claims.subject().to_string(),
        email: claims
            .email()
            .map(|e| e.to_string().to_lowercase())
            .unwrap_or_default(),
        email_verified: claims.email_verified().unwrap_or(false),
        first_name,
        last_name,
        scopes,
    })
}
