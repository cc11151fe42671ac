use serde::{Deserialize, Serialize};

use crate::{Millis, Verification};

/// A sign-up attempt (`object: "sign_up_attempt"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignUp {
    pub object: String,
    pub id: String,
    pub status: SignUpStatus,
    #[serde(default)]
    pub required_fields: Vec<String>,
    #[serde(default)]
    pub optional_fields: Vec<String>,
    #[serde(default)]
    pub missing_fields: Vec<String>,
    #[serde(default)]
    pub unverified_fields: Vec<String>,
    #[serde(default)]
    pub verifications: SignUpVerifications,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub email_address: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub password_enabled: bool,
    #[serde(default)]
    pub unsafe_metadata: serde_json::Value,
    #[serde(default)]
    pub created_session_id: Option<String>,
    #[serde(default)]
    pub created_user_id: Option<String>,
    #[serde(default)]
    pub abandon_at: Millis,
    /// The browser's language, as the SDK sent it at create.
    #[serde(default)]
    pub locale: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignUpStatus {
    MissingRequirements,
    Complete,
    Abandoned,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignUpVerifications {
    #[serde(default)]
    pub email_address: Option<SignUpVerification>,
    #[serde(default)]
    pub phone_number: Option<SignUpVerification>,
    #[serde(default)]
    pub web3_wallet: Option<SignUpVerification>,
    #[serde(default)]
    pub external_account: Option<SignUpVerification>,
}

/// A sign-up verification says what to do next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignUpVerification {
    #[serde(flatten)]
    pub verification: Verification,
    pub next_action: NextAction,
    #[serde(default)]
    pub supported_strategies: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextAction {
    NeedsPrepare,
    NeedsAttempt,
    #[serde(rename = "")]
    None,
    #[serde(other)]
    Unknown,
}
