use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_fields, from_json_enum, DecodeError, Fields, FromJson};
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
    /// A passkey's challenge: the WebAuthn options as a JSON string (creation
    /// options to add one, request options to sign in with one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// A provider's verification (`oauth_google`): where the browser goes to prove
    /// it, while it is unverified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_verification_redirect_url: Option<String>,
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

impl FromJson for Verification {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "Verification")?;
        from_fields!(
            f,
            Verification {
                object: req("object"),
                status: req("status"),
                strategy: req("strategy"),
                attempts: req("attempts"),
                expire_at: req("expire_at"),
                error: req("error"),
                channel: req("channel"),
                nonce: req("nonce"),
                external_verification_redirect_url: req("external_verification_redirect_url"),
            }
        )
    }
}

from_json_enum!(VerificationStatus {
    "unverified" => Unverified,
    "verified" => Verified,
    "failed" => Failed,
    "expired" => Expired,
    "transferable" => Transferable,
    _ => Unknown,
});
