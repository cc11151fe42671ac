use serde::{Deserialize, Serialize};

use crate::{Millis, Verification};

/// The signed-in user (`GET /v1/me`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub object: String,
    pub id: String,
    #[serde(default)]
    pub external_id: Option<String>,
    pub username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub image_url: String,
    pub has_image: bool,
    pub primary_email_address_id: Option<String>,
    pub primary_phone_number_id: Option<String>,
    #[serde(default)]
    pub primary_web3_wallet_id: Option<String>,
    pub password_enabled: bool,
    /// True once the user has a second factor (a verified phone reserved for it).
    pub two_factor_enabled: bool,
    pub totp_enabled: bool,
    pub backup_code_enabled: bool,
    pub email_addresses: Vec<EmailAddress>,
    pub phone_numbers: Vec<PhoneNumber>,
    #[serde(default)]
    pub web3_wallets: Vec<serde_json::Value>,
    #[serde(default)]
    pub passkeys: Vec<serde_json::Value>,
    #[serde(default)]
    pub external_accounts: Vec<serde_json::Value>,
    #[serde(default)]
    pub public_metadata: serde_json::Value,
    #[serde(default)]
    pub unsafe_metadata: serde_json::Value,
    pub last_sign_in_at: Option<Millis>,
    #[serde(default)]
    pub password_last_updated_at: Option<Millis>,
    #[serde(default)]
    pub mfa_enabled_at: Option<Millis>,
    #[serde(default)]
    pub mfa_disabled_at: Option<Millis>,
    #[serde(default)]
    pub banned: bool,
    #[serde(default)]
    pub locked: bool,
    #[serde(default)]
    pub lockout_expires_in_seconds: Option<i64>,
    #[serde(default)]
    pub verification_attempts_remaining: Option<i64>,
    #[serde(default)]
    pub delete_self_enabled: bool,
    /// The browser's language at sign-up (`en-GB`).
    #[serde(default)]
    pub locale: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl User {
    /// The primary email address, as a string.
    pub fn primary_email_address(&self) -> Option<&EmailAddress> {
        let id = self.primary_email_address_id.as_deref()?;
        self.email_addresses.iter().find(|e| e.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailAddress {
    pub object: String,
    pub id: String,
    pub email_address: String,
    #[serde(default)]
    pub reserved: bool,
    pub verification: Option<Verification>,
    #[serde(default)]
    pub linked_to: Vec<IdentificationLink>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhoneNumber {
    pub object: String,
    pub id: String,
    /// E.164, e.g. `+12015550100`.
    pub phone_number: String,
    #[serde(default)]
    pub reserved: bool,
    pub verification: Option<Verification>,
    #[serde(default)]
    pub linked_to: Vec<IdentificationLink>,
    pub reserved_for_second_factor: bool,
    pub default_second_factor: bool,
    /// Filled only in the response that first enables MFA through this phone.
    #[serde(default)]
    pub backup_codes: Option<Vec<String>>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentificationLink {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}
