//! GitHub (and GitHub Enterprise Server): plain OAuth 2 with PKCE, no ID token; who
//! the person is comes from its REST API with the access token (`/user`, and
//! `/user/emails` for the primary address and whether GitHub has verified it).

use oauth2::{
    basic::BasicClient, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use serde::{de::DeserializeOwned, Deserialize};

use super::{Identity, Providers, Refusal};
use crate::{
    config::SocialProvider,
    error::{ApiError, ApiResult},
    store::oauth_flows::OauthFlowRow,
};

/// The profile and the email addresses, read only (as Clerk asks).
const SCOPES: [&str; 2] = ["user:email", "read:user"];
/// The REST API version these answers are read as.
const API_VERSION: &str = "2022-11-28";

#[derive(Deserialize)]
struct User {
    id: u64,
    #[serde(default)]
    name: Option<String>,
    /// The public address, if the person shows one.
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
struct Email {
    email: String,
    primary: bool,
    verified: bool,
}

fn endpoints(
    provider: &SocialProvider,
    callback: &str,
) -> ApiResult<(AuthUrl, TokenUrl, RedirectUrl)> {
    let site = provider.issuer().trim_end_matches('/');
    let bad = |_| ApiError::provider_unavailable();
    Ok((
        AuthUrl::new(format!("{site}/login/oauth/authorize")).map_err(bad)?,
        TokenUrl::new(format!("{site}/login/oauth/access_token")).map_err(bad)?,
        RedirectUrl::new(callback.to_owned()).map_err(bad)?,
    ))
}

/// The authorization URL for `state` and the PKCE `challenge`.
pub fn authorize_url(
    provider: &SocialProvider,
    callback: &str,
    state: CsrfToken,
    challenge: PkceCodeChallenge,
) -> ApiResult<String> {
    let (auth, _, redirect) = endpoints(provider, callback)?;
    let (url, _) = BasicClient::new(ClientId::new(provider.client_id.clone()))
        .set_auth_uri(auth)
        .set_redirect_uri(redirect)
        .authorize_url(move || state)
        .add_scopes(SCOPES.map(|s| Scope::new(s.into())))
        .set_pkce_challenge(challenge)
        .url();
    Ok(url.to_string())
}

/// The person behind `code`: the code exchanged (with the PKCE verifier and the
/// client secret in the body, as GitHub takes it), then the user and their primary
/// email read with the token.
pub async fn identify(
    providers: &Providers,
    provider: &SocialProvider,
    flow: &OauthFlowRow,
    code: &str,
) -> Result<Identity, Refusal> {
    let refused = super::refused(provider);
    let (auth, token_url, redirect) =
        endpoints(provider, &flow.callback_url).map_err(|_| Refusal::TokenExchange)?;
    let client = BasicClient::new(ClientId::new(provider.client_id.clone()))
        .set_client_secret(ClientSecret::new(provider.client_secret.clone()))
        .set_auth_uri(auth)
        .set_token_uri(token_url)
        .set_redirect_uri(redirect)
        .set_auth_type(AuthType::RequestBody);
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
        .request_async(&providers.http)
        .await
        .map_err(|e| refused("code exchange failed", &e))?;
    let bearer = token.access_token().secret();
    let api = provider.api_url();
    let user: User = get(providers, &format!("{api}/user"), bearer)
        .await
        .map_err(|e| refused("GitHub's /user failed", &e))?;
    // Without the email scope granted the list is refused: the public address then,
    // unverified.
    let emails: Vec<Email> = get(providers, &format!("{api}/user/emails"), bearer)
        .await
        .unwrap_or_default();
    let (email, email_verified) = match emails.into_iter().find(|e| e.primary) {
        Some(primary) => (primary.email, primary.verified),
        None => (user.email.unwrap_or_default(), false),
    };
    let name = user.name.unwrap_or_default();
    let (first_name, last_name) = name.trim().split_once(' ').unwrap_or((name.trim(), ""));
    let scopes = token
        .scopes()
        .map(|s| super::joined(s.iter().flat_map(|s| s.split(','))))
        .unwrap_or_else(|| SCOPES.join(" "));
    Ok(Identity {
        provider: provider.strategy(),
        subject: user.id.to_string(),
        email: email.to_lowercase(),
        email_verified,
        first_name: first_name.to_owned(),
        last_name: last_name.trim().to_owned(),
        scopes,
    })
}

/// One call to GitHub's API with the person's token.
async fn get<T: DeserializeOwned>(
    providers: &Providers,
    url: &str,
    bearer: &str,
) -> Result<T, reqwest::Error> {
    providers
        .http
        .get(url)
        .bearer_auth(bearer)
        .header(reqwest::header::ACCEPT, "application/vnd.github+json")
        .header(reqwest::header::USER_AGENT, "fapi-server")
        .header("X-GitHub-Api-Version", API_VERSION)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await
}
