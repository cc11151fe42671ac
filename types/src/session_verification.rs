use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_fields, from_json_enum, DecodeError, Fields, FromJson};
use crate::{Session, SignInFactor, Verification};

/// A step-up verification of a signed-in session (`object: "session_reverification"`):
/// sensitive account changes need one that is recent.
///
/// ```
/// use fapi_types::{SessionVerificationLevel, SessionVerificationStatus};
/// let level: SessionVerificationLevel = serde_json::from_str("\"multi_factor\"").unwrap();
/// assert_eq!(level, SessionVerificationLevel::MultiFactor);
/// let status: SessionVerificationStatus = serde_json::from_str("\"needs_second_factor\"").unwrap();
/// assert_eq!(status, SessionVerificationStatus::NeedsSecondFactor);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionVerification {
    pub object: String,
    pub id: String,
    pub level: SessionVerificationLevel,
    pub status: SessionVerificationStatus,
    #[serde(default)]
    pub supported_first_factors: Option<Vec<SignInFactor>>,
    #[serde(default)]
    pub supported_second_factors: Option<Vec<SignInFactor>>,
    #[serde(default)]
    pub first_factor_verification: Option<Verification>,
    #[serde(default)]
    pub second_factor_verification: Option<Verification>,
    pub session: Session,
}

/// What a reverification asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionVerificationLevel {
    FirstFactor,
    /// The second factor; the first for a user who has none.
    SecondFactor,
    /// The first factor, then the second when the user has one.
    MultiFactor,
}

impl SessionVerificationLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionVerificationLevel::FirstFactor => "first_factor",
            SessionVerificationLevel::SecondFactor => "second_factor",
            SessionVerificationLevel::MultiFactor => "multi_factor",
        }
    }
}

/// Where a reverification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionVerificationStatus {
    NeedsFirstFactor,
    NeedsSecondFactor,
    Complete,
    #[serde(other)]
    Unknown,
}

impl FromJson for SessionVerification {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SessionVerification")?;
        from_fields!(
            f,
            SessionVerification {
                object: req("object"),
                id: req("id"),
                level: req("level"),
                status: req("status"),
                supported_first_factors: req("supported_first_factors"),
                supported_second_factors: req("supported_second_factors"),
                first_factor_verification: req("first_factor_verification"),
                second_factor_verification: req("second_factor_verification"),
                session: req("session"),
            }
        )
    }
}

/// Unlike the statuses, a level nobody knows is an error: serde has no `other` here.
impl FromJson for SessionVerificationLevel {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match String::from_json(value)?.as_str() {
            "first_factor" => Ok(SessionVerificationLevel::FirstFactor),
            "second_factor" => Ok(SessionVerificationLevel::SecondFactor),
            "multi_factor" => Ok(SessionVerificationLevel::MultiFactor),
            _ => Err(DecodeError::expected("a verification level")),
        }
    }
}

from_json_enum!(SessionVerificationStatus {
    "needs_first_factor" => NeedsFirstFactor,
    "needs_second_factor" => NeedsSecondFactor,
    "complete" => Complete,
    _ => Unknown,
});
