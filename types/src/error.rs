use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};

/// Clerk's error envelope: every non-2xx response body.
///
/// ```
/// let e: fapi_types::ErrorEnvelope = serde_json::from_str(
///     r#"{"errors":[{"code":"form_code_incorrect","message":"is incorrect","long_message":"Incorrect code","meta":{"param_name":"code"}}]}"#,
/// ).unwrap();
/// assert_eq!(e.errors[0].meta.param_name.as_deref(), Some("code"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub errors: Vec<ApiError>,
    #[serde(default)]
    pub meta: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clerk_trace_id: Option<String>,
}

/// One error of the envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub long_message: String,
    #[serde(default)]
    pub meta: ErrorMeta,
}

/// Extra facts about an error; `param_name` routes it to a form field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockout_expires_in_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifiers: Option<Vec<String>>,
    /// With `session_reverification_required`: what to verify, and how recently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverification: Option<ReverificationRequirement>,
}

/// What a sensitive change needs: a verification at `level` within `after_minutes`.
///
/// ```
/// use fapi_types::{ReverificationRequirement, SessionVerificationLevel};
/// let r: ReverificationRequirement =
///     serde_json::from_str(r#"{"level":"second_factor","after_minutes":10}"#).unwrap();
/// assert_eq!(r.level, SessionVerificationLevel::SecondFactor);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverificationRequirement {
    pub level: crate::SessionVerificationLevel,
    pub after_minutes: i64,
}

impl FromJson for ErrorEnvelope {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "ErrorEnvelope")?;
        from_fields!(
            f,
            ErrorEnvelope {
                errors: req("errors"),
                meta: def("meta"),
                clerk_trace_id: req("clerk_trace_id"),
            }
        )
    }
}

impl FromJson for ApiError {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "ApiError")?;
        from_fields!(
            f,
            ApiError {
                code: req("code"),
                message: req("message"),
                long_message: def("long_message"),
                meta: def("meta"),
            }
        )
    }
}

impl FromJson for ErrorMeta {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "ErrorMeta")?;
        from_fields!(
            f,
            ErrorMeta {
                param_name: req("param_name"),
                session_id: req("session_id"),
                lockout_expires_in_seconds: req("lockout_expires_in_seconds"),
                identifiers: req("identifiers"),
                reverification: req("reverification"),
            }
        )
    }
}

impl FromJson for ReverificationRequirement {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "ReverificationRequirement")?;
        from_fields!(
            f,
            ReverificationRequirement {
                level: req("level"),
                after_minutes: req("after_minutes"),
            }
        )
    }
}
