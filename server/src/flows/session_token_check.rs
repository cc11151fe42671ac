//! Checks a session token against the keys this instance and the others on its
//! database publish, for the Backend API's `POST /v1/sessions/{id}/verify`: a
//! signature by a published key, within its lifetime, of a session token (a
//! template's token is not one: it cannot carry `sid`, see
//! `config::JwtTemplate::RESERVED`, and one signed with a shared secret has no `kid`).

use fapi_types::SessionClaims;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::{error::ApiError, state::AppState};

/// Clock skew allowed on `exp` and `nbf`, as the crate for apps allows by default.
const LEEWAY_SECONDS: u64 = 5;

/// Why a token was not taken.
#[derive(Debug, thiserror::Error)]
pub enum TokenRefused {
    #[error("the token is not a session token signed by this instance: {0}")]
    Invalid(String),
}

/// Clerk does not publish this endpoint's error codes: `token_invalid` is ours.
impl From<TokenRefused> for ApiError {
    fn from(refused: TokenRefused) -> ApiError {
        let TokenRefused::Invalid(why) = refused;
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "token_invalid",
            "Invalid token",
            format!("The session token is not valid: {why}."),
        )
    }
}

/// The claims of `token`, if a published key signed it and it is within its life.
pub async fn check(state: &AppState, token: &str) -> Result<SessionClaims, TokenRefused> {
    let invalid = |why: &str| TokenRefused::Invalid(why.to_owned());
    let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("not a JWT"))?;
    let kid = header.kid.ok_or_else(|| invalid("no kid"))?;
    let lifetime = state.settings().session.token_lifetime_seconds as i64 * 1000;
    // As `/.well-known/jwks.json`: if the database cannot answer, this instance's.
    let jwks = match crate::keys::published(&state.db, &state.signing, lifetime).await {
        Ok(jwks) => jwks,
        Err(e) => {
            tracing::error!(error = %e, "reading the signing keys");
            state.signing.jwks()
        }
    };
    let jwk = jwks
        .keys
        .iter()
        .find(|k| k.kid == kid)
        .ok_or_else(|| invalid("signed by no key this instance publishes"))?;
    // The key decides the algorithm, never the token's header.
    let (key, algorithm) = match (jwk.kty.as_str(), &jwk.x, &jwk.y, &jwk.n, &jwk.e) {
        ("EC", Some(x), Some(y), _, _) => (DecodingKey::from_ec_components(x, y), Algorithm::ES256),
        ("RSA", _, _, Some(n), Some(e)) => {
            (DecodingKey::from_rsa_components(n, e), Algorithm::RS256)
        }
        _ => return Err(invalid("a key of a kind this server does not sign with")),
    };
    let key = key.map_err(|_| invalid("an unreadable key"))?;
    let mut validation = Validation::new(algorithm);
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_nbf = true;
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp", "nbf", "sub"]);
    jsonwebtoken::decode::<SessionClaims>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => invalid("expired"),
            jsonwebtoken::errors::ErrorKind::ImmatureSignature => invalid("not valid yet"),
            jsonwebtoken::errors::ErrorKind::InvalidSignature => invalid("a wrong signature"),
            _ => invalid("not a session token"),
        })
}
