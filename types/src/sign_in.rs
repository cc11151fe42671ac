use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_fields, from_json_enum, DecodeError, Fields, FromJson};
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
    /// Device Trust: `new` while a new client must prove itself (`needs_client_trust`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_trust_state: Option<String>,
    /// While the second factor is asked after a password: the account recovery a
    /// user who lost every second factor may open. Our extension; Clerk has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_recovery: Option<AccountRecovery>,
}

/// "I lost access to my second factor": a recovery opened with the password and an
/// email code completes only after a wait (`wait_seconds`), while every address of
/// the account is told and may cancel it; then the same two remove every second
/// factor, and the new session must set one up again.
///
/// ```
/// use fapi_types::{AccountRecovery, AccountRecoveryStatus};
/// let r: AccountRecovery = serde_json::from_str(
///     r#"{"status":"pending","safe_identifier":"j***@example.com",
///         "email_address_id":"idn_1","wait_seconds":259200,"completes_at":1700000000000}"#,
/// ).unwrap();
/// assert_eq!(r.status, AccountRecoveryStatus::Pending);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRecovery {
    pub status: AccountRecoveryStatus,
    /// Where the code goes, masked as Clerk masks identifiers.
    pub safe_identifier: String,
    pub email_address_id: String,
    /// How long a recovery opened now waits.
    pub wait_seconds: u32,
    /// When the open recovery may be completed (unix ms); `None` while none is open.
    #[serde(default)]
    pub completes_at: Option<Millis>,
}

/// Where an account's recovery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRecoveryStatus {
    /// None is open: an email code opens one.
    Available,
    /// Open, waiting for `completes_at`.
    Pending,
    /// Its wait is over: an email code completes it.
    Ready,
    #[serde(other)]
    Unknown,
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

impl FromJson for SignIn {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SignIn")?;
        from_fields!(
            f,
            SignIn {
                object: req("object"),
                id: req("id"),
                status: req("status"),
                supported_identifiers: def("supported_identifiers"),
                supported_first_factors: req("supported_first_factors"),
                supported_second_factors: req("supported_second_factors"),
                first_factor_verification: req("first_factor_verification"),
                second_factor_verification: req("second_factor_verification"),
                identifier: req("identifier"),
                user_data: req("user_data"),
                created_session_id: req("created_session_id"),
                abandon_at: def("abandon_at"),
                client_trust_state: def("client_trust_state"),
                account_recovery: def("account_recovery"),
            }
        )
    }
}

impl FromJson for AccountRecovery {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "AccountRecovery")?;
        from_fields!(
            f,
            AccountRecovery {
                status: req("status"),
                safe_identifier: req("safe_identifier"),
                email_address_id: req("email_address_id"),
                wait_seconds: req("wait_seconds"),
                completes_at: def("completes_at"),
            }
        )
    }
}

from_json_enum!(AccountRecoveryStatus {
    "available" => Available,
    "pending" => Pending,
    "ready" => Ready,
    _ => Unknown,
});

from_json_enum!(SignInStatus {
    "needs_identifier" => NeedsIdentifier,
    "needs_first_factor" => NeedsFirstFactor,
    "needs_second_factor" => NeedsSecondFactor,
    "needs_client_trust" => NeedsClientTrust,
    "needs_new_password" => NeedsNewPassword,
    "needs_protect_check" => NeedsProtectCheck,
    "complete" => Complete,
    "abandoned" => Abandoned,
    _ => Unknown,
});

impl FromJson for SignInFactor {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SignInFactor")?;
        from_fields!(
            f,
            SignInFactor {
                strategy: req("strategy"),
                safe_identifier: req("safe_identifier"),
                email_address_id: req("email_address_id"),
                phone_number_id: req("phone_number_id"),
                primary: req("primary"),
                default: req("default"),
            }
        )
    }
}

impl FromJson for SignInUserData {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SignInUserData")?;
        from_fields!(
            f,
            SignInUserData {
                first_name: req("first_name"),
                last_name: req("last_name"),
                image_url: req("image_url"),
                has_image: req("has_image"),
            }
        )
    }
}
