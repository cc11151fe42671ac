//! The instance's public keys: given in configuration (no network at all), or its
//! JWKS fetched and cached, fetched again once for a `kid` it does not know, and no
//! more often than a minimum interval, so a flood of made-up `kid`s costs the
//! instance one request per interval.

use std::time::{Duration, Instant};

use fapi_types::{Jwk, Jwks};
use jsonwebtoken::{Algorithm, DecodingKey};
use tokio::sync::{Mutex, RwLock};

use crate::error::VerifyError;

/// One public key and the one algorithm it verifies (never taken from the token).
#[derive(Clone)]
pub struct Key {
    pub(crate) kid: Option<String>,
    pub(crate) algorithm: Algorithm,
    pub(crate) decoding: DecodingKey,
}

/// A key that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("unusable key: {0}")]
pub struct KeyError(String);

impl Key {
    /// A key of a JWKS: EC P-256 (ES256, fapi-server) or RSA (RS256, Clerk).
    ///
    /// ```
    /// let jwk: fapi_types::Jwk = serde_json::from_str(
    ///     r#"{"kty":"EC","kid":"k1","crv":"P-256",
    ///         "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    ///         "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#,
    /// ).unwrap();
    /// yew_clerk_backend::keys::Key::from_jwk(&jwk).unwrap();
    /// ```
    pub fn from_jwk(jwk: &Jwk) -> Result<Key, KeyError> {
        let missing = |what: &str| KeyError(format!("{} key {} has no {what}", jwk.kty, jwk.kid));
        let (algorithm, decoding) = match (jwk.kty.as_str(), jwk.crv.as_deref()) {
            ("EC", Some("P-256")) => {
                let x = jwk.x.as_deref().ok_or_else(|| missing("x"))?;
                let y = jwk.y.as_deref().ok_or_else(|| missing("y"))?;
                (
                    Algorithm::ES256,
                    DecodingKey::from_ec_components(x, y).map_err(|e| KeyError(e.to_string()))?,
                )
            }
            ("RSA", _) => {
                let n = jwk.n.as_deref().ok_or_else(|| missing("n"))?;
                let e = jwk.e.as_deref().ok_or_else(|| missing("e"))?;
                (
                    Algorithm::RS256,
                    DecodingKey::from_rsa_components(n, e).map_err(|e| KeyError(e.to_string()))?,
                )
            }
            (kty, crv) => return Err(KeyError(format!("kty {kty} crv {crv:?} is not supported"))),
        };
        if let Some(alg) = &jwk.alg {
            let expected = format!("{algorithm:?}");
            if *alg != expected {
                return Err(KeyError(format!(
                    "key {} is for {alg}, not {expected}",
                    jwk.kid
                )));
            }
        }
        Ok(Key {
            kid: Some(jwk.kid.clone()),
            algorithm,
            decoding,
        })
    }

    /// A public key in PEM (`-----BEGIN PUBLIC KEY-----`): EC P-256 or RSA, as Clerk's
    /// dashboard shows it ("JWT public key") or `fapi-server` publishes it.
    pub fn from_pem(pem: &str) -> Result<Key, KeyError> {
        let pem = pem.trim();
        let (algorithm, decoding) = match DecodingKey::from_ec_pem(pem.as_bytes()) {
            Ok(k) => (Algorithm::ES256, k),
            Err(_) => (
                Algorithm::RS256,
                DecodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| KeyError(e.to_string()))?,
            ),
        };
        Ok(Key {
            kid: None,
            algorithm,
            decoding,
        })
    }
}

/// Where the keys come from.
pub(crate) enum Source {
    Fixed(Vec<Key>),
    Jwks { url: String, http: reqwest::Client },
}

struct Cached {
    keys: Vec<Key>,
    fetched: Instant,
}

pub(crate) struct KeySet {
    source: Source,
    cached: RwLock<Option<Cached>>,
    /// When the JWKS was last asked for (held while asking: one request at a time).
    last_fetch: Mutex<Option<Instant>>,
    /// A fetched JWKS is trusted this long before it is fetched again.
    ttl: Duration,
    /// Never two fetches closer than this, whatever the tokens say.
    min_interval: Duration,
}

impl KeySet {
    pub(crate) fn new(source: Source, ttl: Duration, min_interval: Duration) -> KeySet {
        KeySet {
            source,
            cached: RwLock::new(None),
            last_fetch: Mutex::new(None),
            ttl,
            min_interval,
        }
    }

    /// The key for a token's `kid` (a token without one: the only key, if there is one).
    pub(crate) async fn find(&self, kid: Option<&str>) -> Result<Key, VerifyError> {
        let url = match &self.source {
            Source::Fixed(keys) => {
                return pick(keys, kid)
                    .ok_or_else(|| VerifyError::UnknownKey(kid.map(str::to_owned)))
            }
            Source::Jwks { url, .. } => url,
        };
        if let Some(cached) = self.cached.read().await.as_ref() {
            if cached.fetched.elapsed() < self.ttl {
                if let Some(key) = pick(&cached.keys, kid) {
                    return Ok(key);
                }
            }
        }
        // Unknown here (a rotated key) or stale: fetch, at most once per interval.
        let mut last = self.last_fetch.lock().await;
        let may_fetch = last.is_none_or(|at| at.elapsed() >= self.min_interval);
        let mut failed = None;
        if may_fetch {
            *last = Some(Instant::now());
            match self.fetch(url).await {
                Ok(keys) => {
                    *self.cached.write().await = Some(Cached {
                        keys,
                        fetched: Instant::now(),
                    })
                }
                // Unreachable for now: the keys already known still serve.
                Err(e) => failed = Some(e),
            }
        }
        drop(last);
        let cached = self.cached.read().await;
        match cached.as_ref().and_then(|c| pick(&c.keys, kid)) {
            Some(key) => Ok(key),
            None => Err(failed.unwrap_or_else(|| VerifyError::UnknownKey(kid.map(str::to_owned)))),
        }
    }

    async fn fetch(&self, url: &str) -> Result<Vec<Key>, VerifyError> {
        let Source::Jwks { http, .. } = &self.source else {
            return Ok(Vec::new());
        };
        let jwks: Jwks = http
            .get(url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| VerifyError::Jwks(e.to_string()))?
            .json()
            .await
            .map_err(|e| VerifyError::Jwks(e.to_string()))?;
        // A key of a kind this crate does not verify is skipped, not fatal.
        Ok(jwks
            .keys
            .iter()
            .filter_map(|k| Key::from_jwk(k).ok())
            .collect())
    }
}

fn pick(keys: &[Key], kid: Option<&str>) -> Option<Key> {
    let only = || match keys {
        [one] => Some(one),
        _ => None,
    };
    match kid {
        // A key from PEM has no kid of its own: it answers for any, when it is the only one.
        Some(kid) => keys
            .iter()
            .find(|k| k.kid.as_deref() == Some(kid))
            .or_else(|| only().filter(|k| k.kid.is_none())),
        None => only(),
    }
    .cloned()
}
