//! Session-token signing: an ES256 (P-256) key, or RS256 (RSA 2048, Clerk's own
//! choice, which Clerk's backend SDKs require) when `[session] token_algorithm` says
//! so, made on first start and kept in the database (or read from a file you manage), so tokens minted before a restart
//! still verify after it. The public halves are published at
//! `/.well-known/jwks.json` for the app's own backend, a retired key until the last
//! token it signed has expired. On one database with several instances, each says
//! which key it signs with (a heartbeat row, [`heartbeat`]), so a key retired by
//! the first instance restarted after a rotation stays published while any
//! instance not yet restarted still signs with it.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use fapi_types::{Jwk, Jwks};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::{
    elliptic_curve::sec1::ToEncodedPoint,
    pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding},
    SecretKey,
};
use rand::{rngs::OsRng, RngCore};
use rsa::{pkcs1::EncodeRsaPublicKey, traits::PublicKeyParts, RsaPrivateKey};
use sha2::{Digest, Sha256};

pub use crate::config::TokenAlgorithm;

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

/// How often a running instance says again which key it signs with.
pub const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a heartbeat row no longer counting is kept before it is deleted.
const FORGET_USE_AFTER_MS: i64 = 24 * 3600 * 1000;

#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    algorithm: TokenAlgorithm,
    encoding: EncodingKey,
    jwk: Jwk,
}

impl SigningKey {
    /// A PKCS#8 private key, P-256 or RSA: the key decides the algorithm.
    fn from_pem(kid: String, pem: &str) -> Result<Self, KeyError> {
        match SecretKey::from_pkcs8_pem(pem) {
            Ok(secret) => Self::from_ec(kid, &secret, pem),
            Err(ec) => match <RsaPrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_pem(pem) {
                Ok(secret) => Self::from_rsa(kid, &secret, pem),
                Err(_) => Err(KeyError(format!("neither a P-256 nor an RSA key: {ec}"))),
            },
        }
    }

    fn from_ec(kid: String, secret: &SecretKey, pem: &str) -> Result<Self, KeyError> {
        let point = secret.public_key().to_encoded_point(false);
        let (x, y) = (
            point.x().ok_or_else(|| KeyError("no x".into()))?,
            point.y().ok_or_else(|| KeyError("no y".into()))?,
        );
        let jwk = Jwk {
            kty: "EC".into(),
            kid: kid.clone(),
            use_: Some("sig".into()),
            alg: Some("ES256".into()),
            crv: Some("P-256".into()),
            x: Some(URL_SAFE_NO_PAD.encode(x)),
            y: Some(URL_SAFE_NO_PAD.encode(y)),
            n: None,
            e: None,
        };
        let encoding =
            EncodingKey::from_ec_pem(pem.as_bytes()).map_err(|e| KeyError(e.to_string()))?;
        Ok(SigningKey {
            kid,
            algorithm: TokenAlgorithm::Es256,
            encoding,
            jwk,
        })
    }

    fn from_rsa(kid: String, secret: &RsaPrivateKey, pem: &str) -> Result<Self, KeyError> {
        // ring, which signs, takes 2048 to 4096 bits.
        if !(256..=512).contains(&secret.size()) {
            return Err(KeyError("an RSA signing key has 2048 to 4096 bits".into()));
        }
        let jwk = Jwk {
            kty: "RSA".into(),
            kid: kid.clone(),
            use_: Some("sig".into()),
            alg: Some("RS256".into()),
            crv: None,
            x: None,
            y: None,
            n: Some(URL_SAFE_NO_PAD.encode(secret.n().to_bytes_be())),
            e: Some(URL_SAFE_NO_PAD.encode(secret.e().to_bytes_be())),
        };
        let encoding =
            EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| KeyError(e.to_string()))?;
        Ok(SigningKey {
            kid,
            algorithm: TokenAlgorithm::Rs256,
            encoding,
            jwk,
        })
    }

    /// A new key of `algorithm`, as PKCS#8 PEM with its kid.
    fn generate(algorithm: TokenAlgorithm) -> Result<(String, String), KeyError> {
        match algorithm {
            TokenAlgorithm::Es256 => {
                let secret = SecretKey::random(&mut OsRng);
                let pem = secret
                    .to_pkcs8_pem(LineEnding::LF)
                    .map_err(|e| KeyError(e.to_string()))?;
                Ok((kid_of(&secret), pem.to_string()))
            }
            TokenAlgorithm::Rs256 => {
                let secret =
                    RsaPrivateKey::new(&mut OsRng, 2048).map_err(|e| KeyError(e.to_string()))?;
                let pem = rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&secret, LineEnding::LF)
                    .map_err(|e| KeyError(e.to_string()))?;
                Ok((rsa_kid_of(&secret)?, pem.to_string()))
            }
        }
    }

    pub fn jwks(&self) -> Jwks {
        Jwks {
            keys: vec![self.jwk.clone()],
        }
    }

    pub fn sign<T: serde::Serialize>(&self, claims: &T) -> String {
        let mut header = Header::new(match self.algorithm {
            TokenAlgorithm::Es256 => Algorithm::ES256,
            TokenAlgorithm::Rs256 => Algorithm::RS256,
        });
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .expect("signing with a valid key cannot fail")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("signing key: {0}")]
pub struct KeyError(String);

/// The key that signs new session tokens, and the retired ones still published
/// because tokens they signed may not have expired yet.
#[derive(Clone)]
pub struct SigningKeys {
    current: SigningKey,
    /// This instance, in `signing_key_use`: made at start.
    instance: String,
    /// Public halves of retired keys, each with the time (unix ms) it stops being published.
    retired: Vec<(Jwk, i64)>,
}

impl SigningKeys {
    /// What `/.well-known/jwks.json` publishes now: the current key first.
    pub fn jwks(&self) -> Jwks {
        let now = now_ms();
        let mut keys = self.current.jwks().keys;
        keys.extend(
            self.retired
                .iter()
                .filter(|(_, until)| *until > now)
                .map(|(jwk, _)| jwk.clone()),
        );
        Jwks { keys }
    }

    /// Session tokens' claims, or a JWT template's.
    pub fn sign<T: serde::Serialize>(&self, claims: &T) -> String {
        self.current.sign(claims)
    }

    pub fn current_kid(&self) -> &str {
        &self.current.kid
    }
}

/// What `/.well-known/jwks.json` publishes: this instance's current key first, then
/// every other key in the database a token may carry. On one database with several
/// instances these include the key the others sign with: the newer one after
/// `--rotate-signing-key`, before this instance restarts, and the older one after
/// it, while an instance not yet restarted still signs with it. Retired keys stay
/// until their last token has expired: a token lifetime and margins past the later
/// of the retirement and the last heartbeat of an instance signing with the key.
pub async fn published(
    db: &Db,
    signing: &SigningKeys,
    token_lifetime_ms: i64,
) -> Result<Jwks, crate::StartError> {
    let now = now_ms();
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT kid, private_pem, public_jwk FROM signing_keys
         WHERE kid <> $1 AND (retired_at IS NULL OR retired_at > $2
            OR kid IN (SELECT kid FROM signing_key_use WHERE seen_at > $3))
         ORDER BY created_at DESC, kid",
    )
    .bind(signing.current_kid())
    .bind(now - published_after_retirement(token_lifetime_ms))
    .bind(now - published_after_last_use(token_lifetime_ms))
    .fetch_all(&db.read)
    .await?;
    let mut jwks = signing.current.jwks();
    for (kid, pem, public_jwk) in rows {
        let jwk = match public_jwk {
            Some(json) => serde_json::from_str(&json).map_err(|e| KeyError(e.to_string()))?,
            None => SigningKey::from_pem(kid, &pem)?.jwk,
        };
        jwks.keys.push(jwk);
    }
    Ok(jwks)
}

/// How long past a key's retirement it stays published: the lifetime of the last
/// token it signed, and a minute for clocks that disagree.
fn published_after_retirement(token_lifetime_ms: i64) -> i64 {
    token_lifetime_ms + 60_000
}

/// How long past an instance's last heartbeat the key it signs with stays
/// published: it may sign until its next heartbeat is due (or it dies), and that
/// token lives a lifetime, with the minute of skew.
fn published_after_last_use(token_lifetime_ms: i64) -> i64 {
    published_after_retirement(token_lifetime_ms) + HEARTBEAT.as_millis() as i64
}

/// Records that this instance signs with its current key now (at start, then every
/// [`HEARTBEAT`]), and forgets the rows of instances long gone.
pub async fn heartbeat(
    db: &Db,
    signing: &SigningKeys,
    token_lifetime_ms: i64,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO signing_key_use (instance_id, kid, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (instance_id) DO UPDATE SET kid = excluded.kid, seen_at = excluded.seen_at",
    )
    .bind(&signing.instance)
    .bind(signing.current_kid())
    .bind(now)
    .execute(&db.write)
    .await?;
    sqlx::query("DELETE FROM signing_key_use WHERE seen_at < $1")
        .bind(now - published_after_last_use(token_lifetime_ms) - FORGET_USE_AFTER_MS)
        .execute(&db.write)
        .await?;
    Ok(())
}

/// At a graceful stop. While the key is not retired, this instance's row goes: the
/// start that retires the key later stamps a time after this stop, which keeps it
/// published for this instance's last tokens (a single instance restarting keeps
/// the old key published as long as before). A key already retired (a rolling
/// rotation, this instance restarting after another) is kept from now on.
pub async fn stopped(
    db: &Db,
    signing: &SigningKeys,
    token_lifetime_ms: i64,
) -> Result<(), sqlx::Error> {
    let gone = sqlx::query(
        "DELETE FROM signing_key_use WHERE instance_id = $1
         AND kid IN (SELECT kid FROM signing_keys WHERE retired_at IS NULL)",
    )
    .bind(&signing.instance)
    .execute(&db.write)
    .await?
    .rows_affected();
    if gone == 0 {
        heartbeat(db, signing, token_lifetime_ms).await?;
    }
    Ok(())
}

fn kid_of(secret: &SecretKey) -> String {
    let public = secret.public_key().to_encoded_point(true);
    kid_from_public(public.as_bytes())
}

fn rsa_kid_of(secret: &RsaPrivateKey) -> Result<String, KeyError> {
    let public = secret
        .to_public_key()
        .to_pkcs1_der()
        .map_err(|e| KeyError(e.to_string()))?;
    Ok(kid_from_public(public.as_bytes()))
}

fn kid_from_public(public: &[u8]) -> String {
    format!(
        "ins_{}",
        &URL_SAFE_NO_PAD.encode(Sha256::digest(public))[..22]
    )
}

/// The kid of a key file's key, whichever its kind.
fn kid_of_pem(pem: &str) -> Result<String, KeyError> {
    match SecretKey::from_pkcs8_pem(pem) {
        Ok(secret) => Ok(kid_of(&secret)),
        Err(ec) => match <RsaPrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_pem(pem) {
            Ok(secret) => rsa_kid_of(&secret),
            Err(_) => Err(KeyError(format!("neither a P-256 nor an RSA key: {ec}"))),
        },
    }
}

/// The signing keys at start: the current one comes from `key_file` when set (its
/// private half never enters the database; its kind must be `algorithm`), else it
/// is the newest key of `algorithm` the server made (one is made on first start,
/// and when the algorithm changes). Any other key still in use is retired now; one
/// another instance still signs with stays published through its heartbeats.
pub async fn load_signing_keys(
    db: &Db,
    key_file: Option<&std::path::Path>,
    algorithm: TokenAlgorithm,
    token_lifetime_ms: i64,
) -> Result<SigningKeys, crate::StartError> {
    let now = now_ms();
    let current = match key_file {
        Some(path) => {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| KeyError(format!("{}: {e}", path.display())))?;
            let kid =
                kid_of_pem(&pem).map_err(|e| KeyError(format!("{}: {}", path.display(), e.0)))?;
            let key = SigningKey::from_pem(kid, &pem)?;
            if key.algorithm != algorithm {
                return Err(KeyError(format!(
                    "{} holds an {} key but [session] token_algorithm is {}",
                    path.display(),
                    key.algorithm.name(),
                    algorithm.name()
                ))
                .into());
            }
            let jwk = serde_json::to_string(&key.jwk).map_err(|e| KeyError(e.to_string()))?;
            sqlx::query(
                "INSERT INTO signing_keys (kid, private_pem, public_jwk, created_at) VALUES ($1, '', $2, $3)
                 ON CONFLICT (kid) DO UPDATE SET retired_at = NULL",
            )
            .bind(&key.kid)
            .bind(jwk)
            .bind(now)
            .execute(&db.write)
            .await?;
            key
        }
        None => {
            let existing: Option<(String, String)> = sqlx::query_as(
                "SELECT kid, private_pem FROM signing_keys
                 WHERE private_pem <> '' AND retired_at IS NULL
                 ORDER BY created_at DESC LIMIT 1",
            )
            .fetch_optional(&db.write)
            .await?;
            match existing {
                Some((kid, pem)) => match SigningKey::from_pem(kid, &pem)? {
                    key if key.algorithm == algorithm => key,
                    // The setting changed: a key of the new kind, the old one retired.
                    _ => create_key(db, algorithm).await?,
                },
                None => first_key(db, algorithm).await?,
            }
        }
    };
    sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE kid <> $2 AND retired_at IS NULL")
        .bind(now)
        .bind(&current.kid)
        .execute(&db.write)
        .await?;
    let keep = published_after_retirement(token_lifetime_ms);
    let rows: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT kid, private_pem, public_jwk, retired_at FROM signing_keys
         WHERE retired_at IS NOT NULL AND retired_at > $1 ORDER BY retired_at DESC",
    )
    .bind(now - keep)
    .fetch_all(&db.write)
    .await?;
    let mut retired = Vec::new();
    for (kid, pem, public_jwk, retired_at) in rows {
        let jwk = match public_jwk {
            Some(json) => serde_json::from_str(&json).map_err(|e| KeyError(e.to_string()))?,
            None => SigningKey::from_pem(kid, &pem)?.jwk,
        };
        retired.push((jwk, retired_at + keep));
    }
    let keys = SigningKeys {
        current,
        instance: new_id("instance"),
        retired,
    };
    heartbeat(db, &keys, token_lifetime_ms).await?;
    Ok(keys)
}

/// A key's id, as its tokens' `kid` header names it.
pub fn kid(key: &SigningKey) -> &str {
    &key.kid
}

/// The first key, made once however many instances start at once on an empty
/// database: they agree on one candidate through a claim row, and the others wait
/// for its key to be stored.
async fn first_key(db: &Db, algorithm: TokenAlgorithm) -> Result<SigningKey, crate::StartError> {
    let (kid, pem) = SigningKey::generate(algorithm)?;
    sqlx::query(
        "INSERT INTO secrets (name, value) VALUES ('first_signing_key', $1) ON CONFLICT (name) DO NOTHING",
    )
    .bind(&kid)
    .execute(&db.write)
    .await?;
    let (claimed,): (String,) =
        sqlx::query_as("SELECT value FROM secrets WHERE name = 'first_signing_key'")
            .fetch_one(&db.write)
            .await?;
    if claimed == kid {
        store_key(db, &kid, &pem).await?;
        return Ok(SigningKey::from_pem(kid, &pem)?);
    }
    for _ in 0..100 {
        let pem: Option<String> = sqlx::query_scalar(
            "SELECT private_pem FROM signing_keys WHERE kid = $1 AND private_pem <> ''",
        )
        .bind(&claimed)
        .fetch_optional(&db.write)
        .await?;
        if let Some(pem) = pem {
            return Ok(SigningKey::from_pem(claimed, &pem)?);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // An old claim whose key has gone (a key file was used since): a fresh key.
    create_key(db, algorithm).await
}

async fn store_key(db: &Db, kid: &str, pem: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO signing_keys (kid, private_pem, created_at) VALUES ($1, $2, $3)")
        .bind(kid)
        .bind(pem)
        .bind(now_ms())
        .execute(&db.write)
        .await
        .map(|_| ())
}

/// Makes a new key in the database; the next start signs with it and retires the
/// one before (`fapi-server --rotate-signing-key`).
pub async fn create_key(
    db: &Db,
    algorithm: TokenAlgorithm,
) -> Result<SigningKey, crate::StartError> {
    let (kid, pem) = SigningKey::generate(algorithm)?;
    store_key(db, &kid, &pem).await?;
    Ok(SigningKey::from_pem(kid, &pem)?)
}

/// A 256-bit server secret by name, made on first use and kept in the database.
pub async fn load_or_create_secret(db: &Db, name: &str) -> Result<[u8; 32], crate::StartError> {
    let mut fresh = [0u8; 32];
    OsRng.fill_bytes(&mut fresh);
    sqlx::query("INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(hex::encode(fresh))
        .execute(&db.write)
        .await?;
    let (value,): (String,) = sqlx::query_as("SELECT value FROM secrets WHERE name = $1")
        .bind(name)
        .fetch_one(&db.write)
        .await?;
    let bytes = hex::decode(value).map_err(|e| KeyError(e.to_string()))?;
    bytes
        .try_into()
        .map_err(|_| KeyError(format!("secret {name} is not 32 bytes")).into())
}
