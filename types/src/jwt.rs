use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};

/// `POST /v1/client/sessions/{id}/tokens` answers this, unwrapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    pub object: String,
    pub jwt: String,
}

/// The claims of a session token (Clerk's v2 shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionClaims {
    pub sid: String,
    pub sub: String,
    pub iss: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v: Option<u8>,
    /// Minutes since first and second factor verification (`-1`: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fva: Option<[i64; 2]>,
    /// Session status: `active` or `pending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sts: Option<String>,
}

/// `/.well-known/jwks.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// A public key of the JWKS (EC P-256 here; RSA keys of real Clerk also parse).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    pub kid: String,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

impl FromJson for Token {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "Token")?;
        from_fields!(
            f,
            Token {
                object: req("object"),
                jwt: req("jwt"),
            }
        )
    }
}
