//! Session-token signing: an ES256 (P-256) key made on first start and kept in the
//! database, so tokens minted before a restart still verify after it. The public
//! half is published at `/.well-known/jwks.json` for the app's own backend.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use fapi_types::{Jwk, Jwks, SessionClaims};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::{
    elliptic_curve::sec1::ToEncodedPoint,
    pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding},
    SecretKey,
};
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::{db::Db, ids::now_ms};

#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    jwk: Jwk,
}

impl SigningKey {
    fn from_pem(kid: String, pem: &str) -> Result<Self, KeyError> {
        let secret = SecretKey::from_pkcs8_pem(pem).map_err(|e| KeyError(e.to_string()))?;
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
        Ok(SigningKey { kid, encoding, jwk })
    }

    pub fn jwks(&self) -> Jwks {
        Jwks {
            keys: vec![self.jwk.clone()],
        }
    }

    pub fn sign(&self, claims: &SessionClaims) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .expect("signing with a valid P-256 key cannot fail")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("signing key: {0}")]
pub struct KeyError(String);

/// Loads the newest signing key, making one on first start.
pub async fn load_or_create_signing_key(db: &Db) -> Result<SigningKey, crate::StartError> {
    let existing: Option<(String, String)> = sqlx::query_as(
        "SELECT kid, private_pem FROM signing_keys ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_optional(&db.write)
    .await?;
    if let Some((kid, pem)) = existing {
        return Ok(SigningKey::from_pem(kid, &pem)?);
    }
    let secret = SecretKey::random(&mut OsRng);
    let pem = secret
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError(e.to_string()))?;
    let public = secret.public_key().to_encoded_point(true);
    let kid = format!(
        "ins_{}",
        &URL_SAFE_NO_PAD.encode(Sha256::digest(public.as_bytes()))[..22]
    );
    sqlx::query("INSERT INTO signing_keys (kid, private_pem, created_at) VALUES (?, ?, ?)")
        .bind(&kid)
        .bind(pem.as_str())
        .bind(now_ms())
        .execute(&db.write)
        .await?;
    Ok(SigningKey::from_pem(kid, &pem)?)
}

/// A 256-bit server secret by name, made on first use and kept in the database.
pub async fn load_or_create_secret(db: &Db, name: &str) -> Result<[u8; 32], crate::StartError> {
    let mut fresh = [0u8; 32];
    OsRng.fill_bytes(&mut fresh);
    sqlx::query("INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(hex::encode(fresh))
        .execute(&db.write)
        .await?;
    let (value,): (String,) = sqlx::query_as("SELECT value FROM secrets WHERE name = ?")
        .bind(name)
        .fetch_one(&db.write)
        .await?;
    let bytes = hex::decode(value).map_err(|e| KeyError(e.to_string()))?;
    bytes
        .try_into()
        .map_err(|_| KeyError(format!("secret {name} is not 32 bytes")).into())
}
