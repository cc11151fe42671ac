use serde::{Deserialize, Serialize};

use crate::{Millis, Strategy, Verification};

/// A sign-in attempt (`object: "sign_in_attempt"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignIn {
    pub object: String,
    pub id: String,
    pub status: SignInStatus,
    #[serde(default)]
    pub supported_identifiers: Vec<String>,
    #[serde(default)]
    pub supported_first_factors: Option<Vec<SignInFactor>>,
    #[serde(default)]
    pub supported_second_factors: Option<Vec<SignInFactor>>,
    #[serde(default)]
    pub first_factor_verification: Option<Verification>,
    #[serde(default)]
    pub second_factor_verification: Option<Verification>,
    #[serde(default)]
    pub identifier: Option<String>,
    #[serde(default)]
    pub user_data: Option<SignInUserData>,
    #[serde(default)]
    pub created_session_id: Option<String>,
    #[serde(default)]
    pub abandon_at: Millis,
}

/// Where a sign-in stands; the UI picks its step from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInStatus {
    NeedsIdentifier,
    NeedsFirstFactor,
    NeedsSecondFactor,
    NeedsClientTrust,
    NeedsNewPassword,
    NeedsProtectCheck,
    Complete,
    Abandoned,
    #[serde(other)]
    Unknown,
}

/// One way the user may prove the next factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInFactor {
    pub strategy: Strategy,
    /// The identifier in display form, masked for phones (`+1******0100`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safe_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
}

impl SignInFactor {
    /// A factor that needs no target (`password`, `totp`, `backup_code`).
    pub fn bare(strategy: Strategy) -> Self {
        SignInFactor {
            strategy,
            safe_identifier: None,
            email_address_id: None,
            phone_number_id: None,
            primary: None,
            default: None,
        }
    }
}

/// What the factor screens greet the user with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInUserData {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub image_url: String,
    pub has_image: bool,
}
