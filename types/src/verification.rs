use serde::{Deserialize, Serialize};

use crate::{ApiError, Millis, Strategy};

/// The state of one proof (a code, a password, ...). Used by sign-in, sign-up,
/// email addresses and phone numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    /// `verification_otp`, `verification_password`, ...
    #[serde(default)]
    pub object: Option<String>,
    pub status: VerificationStatus,
    pub strategy: Strategy,
    #[serde(default)]
    pub attempts: Option<u32>,
    #[serde(default)]
    pub expire_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ApiError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

/// `unverified` until proven; `failed` after too many wrong codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Unverified,
    Verified,
    Failed,
    Expired,
    Transferable,
    #[serde(other)]
    Unknown,
}
