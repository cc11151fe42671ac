//! Typed errors: what Clerk's error envelope says, or why there was no answer.

use fapi_types::{ErrorEnvelope, ErrorMeta};

use crate::webauthn::PasskeyError;

/// Everything a FAPI call can fail with.
///
/// ```
/// use yew_clerk::ClerkError;
/// let body = r#"{"errors":[{"code":"form_code_incorrect","message":"is incorrect",
///   "long_message":"Incorrect code","meta":{"param_name":"code"}}]}"#;
/// let e = ClerkError::from_response(422, body, None);
/// assert_eq!(e.code(), Some("form_code_incorrect"));
/// assert_eq!(e.param_name(), Some("code"));
/// assert_eq!(e.to_string(), "Incorrect code");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClerkError {
    /// The server answered with Clerk's error envelope.
    #[error("{}", .0.long_message)]
    Api(Box<ApiFailure>),
    /// No answer: offline, DNS, CORS, or the server is down.
    #[error("network error: {0}")]
    Network(String),
    /// An answer that is not the JSON we expect.
    #[error("unexpected response: {0}")]
    Decode(String),
    /// A publishable key or frontend API URL that cannot be used.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The call needs state that is not there (no sign-in started, not signed in).
    #[error("{0}")]
    State(&'static str),
    /// The user closed the "Verify it's you" card: nothing was done, nothing to show.
    #[error("verification cancelled")]
    Cancelled,
    /// The browser made or used no passkey (its dialog closed, no support, ...).
    #[error(transparent)]
    Passkey(#[from] PasskeyError),
}

/// One failure as the server described it (the first error of the envelope).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub long_message: String,
    pub meta: ErrorMeta,
    /// Seconds to wait, from `Retry-After` on a 429.
    pub retry_after: Option<u64>,
    pub trace_id: Option<String>,
}

impl ClerkError {
    /// Builds the error for a non-2xx answer.
    pub fn from_response(status: u16, body: &str, retry_after: Option<u64>) -> ClerkError {
        match fapi_types::decode::<ErrorEnvelope>(body) {
            Ok(envelope) if !envelope.errors.is_empty() => {
                let first = envelope.errors.into_iter().next().expect("non-empty");
                let long_message = if first.long_message.is_empty() {
                    first.message.clone()
                } else {
                    first.long_message
                };
                ClerkError::Api(Box::new(ApiFailure {
                    status,
                    code: first.code,
                    message: first.message,
                    long_message,
                    meta: first.meta,
                    retry_after,
                    trace_id: envelope.clerk_trace_id,
                }))
            }
            _ => ClerkError::Decode(format!("HTTP {status} without an error envelope")),
        }
    }

    pub fn api(&self) -> Option<&ApiFailure> {
        match self {
            ClerkError::Api(a) => Some(a),
            _ => None,
        }
    }

    /// Clerk's error code, such as `form_password_incorrect`, or a passkey's, such as
    /// `passkey_retrieval_cancelled`.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClerkError::Passkey(p) => Some(p.code()),
            _ => self.api().map(|a| a.code.as_str()),
        }
    }

    /// The form field this error belongs to.
    pub fn param_name(&self) -> Option<&str> {
        self.api().and_then(|a| a.meta.param_name.as_deref())
    }

    pub fn status(&self) -> Option<u16> {
        self.api().map(|a| a.status)
    }

    pub fn retry_after(&self) -> Option<u64> {
        self.api().and_then(|a| a.retry_after)
    }

    pub fn is(&self, code: &str) -> bool {
        self.code() == Some(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_error_of_the_envelope_is_kept() {
        let body = r#"{"errors":[{"code":"user_locked","message":"Account locked","long_message":"Your account is locked.","meta":{"lockout_expires_in_seconds":3600}}],"clerk_trace_id":"abc"}"#;
        let e = ClerkError::from_response(403, body, None);
        let a = e.api().unwrap();
        assert_eq!((a.status, a.code.as_str()), (403, "user_locked"));
        assert_eq!(a.meta.lockout_expires_in_seconds, Some(3600));
        assert_eq!(a.trace_id.as_deref(), Some("abc"));
        assert!(e.is("user_locked"));
    }

    #[test]
    fn retry_after_is_carried_and_messages_fall_back() {
        let body = r#"{"errors":[{"code":"too_many_requests","message":"Too many requests"}]}"#;
        let e = ClerkError::from_response(429, body, Some(7));
        assert_eq!(e.retry_after(), Some(7));
        assert_eq!(e.to_string(), "Too many requests");
    }

    #[test]
    fn a_body_that_is_not_an_envelope_is_a_decode_error() {
        let e = ClerkError::from_response(502, "<html>bad gateway</html>", None);
        assert!(matches!(e, ClerkError::Decode(_)));
        assert_eq!(e.code(), None);
    }
}
