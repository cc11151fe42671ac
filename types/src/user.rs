use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};
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
    #[serde(default)]
    pub has_image: bool,
    pub primary_email_address_id: Option<String>,
    pub primary_phone_number_id: Option<String>,
    #[serde(default)]
    pub primary_web3_wallet_id: Option<String>,
    pub password_enabled: bool,
    /// True once the user has a second factor (a verified phone reserved for it).
    pub two_factor_enabled: bool,
    // Absent from older answers (and Clerk's documented webhook examples).
    #[serde(default)]
    pub totp_enabled: bool,
    #[serde(default)]
    pub backup_code_enabled: bool,
    pub email_addresses: Vec<EmailAddress>,
    pub phone_numbers: Vec<PhoneNumber>,
    #[serde(default)]
    pub web3_wallets: Vec<serde_json::Value>,
    #[serde(default)]
    pub passkeys: Vec<crate::Passkey>,
    #[serde(default)]
    pub external_accounts: Vec<crate::ExternalAccount>,
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
    /// fapi-server's email code as a second factor (`[second_factors] email_code`);
    /// absent from Clerk's JSON, where it reads as `false`.
    #[serde(default)]
    pub reserved_for_second_factor: bool,
    /// The backup codes, once, in the answer that turned two-step verification on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_codes: Option<Vec<String>>,
    #[serde(default)]
    pub created_at: Millis,
    #[serde(default)]
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
    #[serde(default)]
    pub reserved_for_second_factor: bool,
    #[serde(default)]
    pub default_second_factor: bool,
    /// Filled only in the response that first enables MFA through this phone.
    #[serde(default)]
    pub backup_codes: Option<Vec<String>>,
    #[serde(default)]
    pub created_at: Millis,
    #[serde(default)]
    pub updated_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentificationLink {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

impl FromJson for User {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "User")?;
        from_fields!(
            f,
            User {
                object: req("object"),
                id: req("id"),
                external_id: req("external_id"),
                username: req("username"),
                first_name: req("first_name"),
                last_name: req("last_name"),
                image_url: req("image_url"),
                has_image: def("has_image"),
                primary_email_address_id: req("primary_email_address_id"),
                primary_phone_number_id: req("primary_phone_number_id"),
                primary_web3_wallet_id: req("primary_web3_wallet_id"),
                password_enabled: req("password_enabled"),
                two_factor_enabled: req("two_factor_enabled"),
                totp_enabled: def("totp_enabled"),
                backup_code_enabled: def("backup_code_enabled"),
                email_addresses: req("email_addresses"),
                phone_numbers: req("phone_numbers"),
                web3_wallets: def("web3_wallets"),
                passkeys: def("passkeys"),
                external_accounts: def("external_accounts"),
                public_metadata: def("public_metadata"),
                unsafe_metadata: def("unsafe_metadata"),
                last_sign_in_at: req("last_sign_in_at"),
                password_last_updated_at: req("password_last_updated_at"),
                mfa_enabled_at: req("mfa_enabled_at"),
                mfa_disabled_at: req("mfa_disabled_at"),
                banned: def("banned"),
                locked: def("locked"),
                lockout_expires_in_seconds: req("lockout_expires_in_seconds"),
                verification_attempts_remaining: req("verification_attempts_remaining"),
                delete_self_enabled: def("delete_self_enabled"),
                locale: req("locale"),
                created_at: req("created_at"),
                updated_at: req("updated_at"),
            }
        )
    }
}

impl FromJson for EmailAddress {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "EmailAddress")?;
        from_fields!(
            f,
            EmailAddress {
                object: req("object"),
                id: req("id"),
                email_address: req("email_address"),
                reserved: def("reserved"),
                verification: req("verification"),
                linked_to: def("linked_to"),
                reserved_for_second_factor: def("reserved_for_second_factor"),
                backup_codes: def("backup_codes"),
                created_at: def("created_at"),
                updated_at: def("updated_at"),
            }
        )
    }
}

impl FromJson for PhoneNumber {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "PhoneNumber")?;
        from_fields!(
            f,
            PhoneNumber {
                object: req("object"),
                id: req("id"),
                phone_number: req("phone_number"),
                reserved: def("reserved"),
                verification: req("verification"),
                linked_to: def("linked_to"),
                reserved_for_second_factor: def("reserved_for_second_factor"),
                default_second_factor: def("default_second_factor"),
                backup_codes: req("backup_codes"),
                created_at: def("created_at"),
                updated_at: def("updated_at"),
            }
        )
    }
}

impl FromJson for IdentificationLink {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "IdentificationLink")?;
        from_fields!(
            f,
            IdentificationLink {
                kind: req("type"),
                id: req("id"),
            }
        )
    }
}
