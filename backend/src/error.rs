//! Why a token was not taken, and how that reads in Clerk's error envelope.

use fapi_types::{ApiError, ErrorEnvelope, ErrorMeta};

/// A session token that does not sign anyone in.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// No `Authorization: Bearer` header and no `__session` cookie.
    #[error("no session token")]
    Missing,
    #[error("the session token is not a well-formed JWT: {0}")]
    Malformed(String),
    /// Signed with an algorithm the key is not for (`none`, or HS256 with a public key).
    #[error("the session token's algorithm does not match its key")]
    Algorithm,
    #[error("no key of the instance has the session token's kid {0:?}")]
    UnknownKey(Option<String>),
    #[error("the session token's signature is wrong")]
    BadSignature,
    #[error("the session token has expired")]
    Expired,
    #[error("the session token is not valid yet")]
    NotYetValid,
    #[error("the session token was issued by another instance")]
    WrongIssuer,
    /// `azp` names an origin that is not among the authorized parties.
    #[error("the session token was made for another origin: {0}")]
    UnauthorizedParty(String),
    /// `sts: "pending"`: signed in, with a session task still to do (`setup-mfa`).
    #[error("the session has a task pending")]
    Pending,
    #[error("the session token is invalid: {0}")]
    Invalid(String),
    /// The instance's keys could not be fetched.
    #[error("the instance's keys could not be fetched: {0}")]
    Jwks(String),
}

impl VerifyError {
    /// The answer an API gives for it: 401 in Clerk's envelope (`authentication_invalid`),
    /// or 503 when the keys could not be fetched (the token may well be good).
    pub fn envelope(&self) -> (u16, ErrorEnvelope) {
        let (status, code, message, long) = match self {
            VerifyError::Jwks(_) => (
                503,
                "keys_unavailable",
                "Keys unavailable",
                "The instance's signing keys could not be fetched; try again shortly",
            ),
            _ => (
                401,
                "authentication_invalid",
                "Invalid authentication",
                "Unable to authenticate the request, you need to supply an active session",
            ),
        };
        (status, envelope(code, message, long, ErrorMeta::default()))
    }
}

pub(crate) fn envelope(code: &str, message: &str, long: &str, meta: ErrorMeta) -> ErrorEnvelope {
    ErrorEnvelope {
        errors: vec![ApiError {
            code: code.into(),
            message: message.into(),
            long_message: long.into(),
            meta,
        }],
        meta: serde_json::Value::Object(Default::default()),
        clerk_trace_id: None,
    }
}
