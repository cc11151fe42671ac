//! Checking a session token offline: its signature against the instance's keys, its
//! times with a small clock skew, its issuer, the origin it was made for (`azp`), and
//! whether the session still has a task to do (`sts: "pending"`).

use std::{sync::Arc, time::Duration};

use fapi_types::SessionClaims;
use jsonwebtoken::{errors::ErrorKind, Validation};

use crate::{
    error::VerifyError,
    keys::{Key, KeySet, Source},
};

/// How a [`Clerk`] checks tokens.
///
/// ```
/// use yew_clerk_backend::Config;
/// let config = Config::new("https://clerk.example.com")
///     .authorized_party("https://app.example.com");
/// ```
#[derive(Clone)]
pub struct Config {
    frontend_api: String,
    authorized_parties: Vec<String>,
    clock_skew: Duration,
    keys: Vec<Key>,
    jwks_url: Option<String>,
    jwks_ttl: Duration,
    jwks_min_interval: Duration,
}

impl Config {
    /// `frontend_api`: the URL the Frontend API is reached at (fapi-server's
    /// `frontend_api_url`, or Clerk's `https://clerk.your-domain.com`). Tokens must
    /// name it as their `iss`, and its keys are fetched from
    /// `{frontend_api}/.well-known/jwks.json` unless given with [`Config::key`].
    pub fn new(frontend_api: &str) -> Config {
        let frontend_api = frontend_api.trim_end_matches('/').to_owned();
        Config {
            jwks_url: Some(format!("{frontend_api}/.well-known/jwks.json")),
            frontend_api,
            authorized_parties: Vec::new(),
            clock_skew: Duration::from_secs(5),
            keys: Vec::new(),
            jwks_ttl: Duration::from_secs(3600),
            jwks_min_interval: Duration::from_secs(30),
        }
    }

    /// An origin of the app's pages (`https://app.example.com`): a token made on
    /// another origin (its `azp`) is refused. Tokens without `azp` (native apps) pass,
    /// as in Clerk's SDKs.
    pub fn authorized_party(mut self, origin: &str) -> Config {
        self.authorized_parties
            .push(origin.trim_end_matches('/').to_owned());
        self
    }

    /// How far the server's clock may be from the issuer's (5 s).
    pub fn clock_skew(mut self, skew: Duration) -> Config {
        self.clock_skew = skew;
        self
    }

    /// A key given here instead of fetched: with any, no JWKS is ever fetched.
    pub fn key(mut self, key: Key) -> Config {
        self.keys.push(key);
        self.jwks_url = None;
        self
    }

    /// The JWKS from another URL (Clerk's Backend API `https://api.clerk.com/v1/jwks`
    /// needs a secret key; the Frontend API's needs none).
    pub fn jwks_url(mut self, url: &str) -> Config {
        self.jwks_url = Some(url.to_owned());
        self
    }

    /// A fetched JWKS is used for `ttl` (1 hour); an unknown `kid` fetches it again,
    /// never more than once per `min_interval` (30 s).
    pub fn jwks_cache(mut self, ttl: Duration, min_interval: Duration) -> Config {
        self.jwks_ttl = ttl;
        self.jwks_min_interval = min_interval;
        self
    }
}

/// Who a verified token signs in.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user_id: String,
    pub session_id: String,
    pub claims: SessionClaims,
}

impl Session {
    /// Signed in, with a session task to do first (`setup-mfa`, `reset-password`).
    pub fn is_pending(&self) -> bool {
        self.claims.sts.as_deref() == Some("pending")
    }

    /// Minutes since the first and the second factor were verified (`fva`); `None`
    /// where never (or the token does not say).
    pub fn factor_ages(&self) -> (Option<i64>, Option<i64>) {
        let known = |m: i64| (m >= 0).then_some(m);
        match self.claims.fva {
            Some([first, second]) => (known(first), known(second)),
            None => (None, None),
        }
    }
}

/// Verifies session tokens; cheap to clone (one key cache for all clones). Put it in
/// your axum state.
#[derive(Clone)]
pub struct Clerk(Arc<Inner>);

struct Inner {
    frontend_api: String,
    authorized_parties: Vec<String>,
    clock_skew: Duration,
    keys: KeySet,
}

impl Clerk {
    pub fn new(config: Config) -> Clerk {
        let source = match config.jwks_url {
            Some(url) if config.keys.is_empty() => Source::Jwks {
                url,
                http: reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap_or_default(),
            },
            _ => Source::Fixed(config.keys),
        };
        Clerk(Arc::new(Inner {
            frontend_api: config.frontend_api,
            authorized_parties: config.authorized_parties,
            clock_skew: config.clock_skew,
            keys: KeySet::new(source, config.jwks_ttl, config.jwks_min_interval),
        }))
    }

    /// The session a token signs in; a pending one ([`Session::is_pending`]) is
    /// refused with [`VerifyError::Pending`], as signed out, as Clerk's backends do.
    pub async fn verify(&self, token: &str) -> Result<Session, VerifyError> {
        let session = self.verify_allowing_pending(token).await?;
        if session.is_pending() {
            return Err(VerifyError::Pending);
        }
        Ok(session)
    }

    /// [`Clerk::verify`], also for sessions with a task pending (for the few routes
    /// a pending user may use, such as reading their own profile).
    pub async fn verify_allowing_pending(&self, token: &str) -> Result<Session, VerifyError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| VerifyError::Malformed(e.to_string()))?;
        let key = self.0.keys.find(header.kid.as_deref()).await?;
        // The key decides the algorithm; a token that names another is refused.
        if header.alg != key.algorithm {
            return Err(VerifyError::Algorithm);
        }
        let mut validation = Validation::new(key.algorithm);
        validation.leeway = self.0.clock_skew.as_secs();
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_issuer(&[&self.0.frontend_api]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "sub"]);
        let data = jsonwebtoken::decode::<SessionClaims>(token, &key.decoding, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => VerifyError::Expired,
                ErrorKind::ImmatureSignature => VerifyError::NotYetValid,
                ErrorKind::InvalidIssuer => VerifyError::WrongIssuer,
                ErrorKind::InvalidSignature => VerifyError::BadSignature,
                ErrorKind::InvalidAlgorithm => VerifyError::Algorithm,
                _ => VerifyError::Invalid(e.to_string()),
            })?;
        let claims = data.claims;
        if let Some(azp) = &claims.azp {
            let parties = &self.0.authorized_parties;
            if !parties.is_empty() && !parties.iter().any(|p| p == azp) {
                return Err(VerifyError::UnauthorizedParty(azp.clone()));
            }
        }
        Ok(Session {
            user_id: claims.sub.clone(),
            session_id: claims.sid.clone(),
            claims,
        })
    }
}
