use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_fields, from_json_enum, DecodeError, Fields, FromJson};
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
    /// The spec's name for whether a password was given.
    #[serde(default)]
    pub password_enabled: bool,
    /// The same, under the name clerk-js reads (`SignUp.hasPassword`).
    #[serde(default)]
    pub has_password: bool,
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
    /// Absent on an OAuth `external_account` verification: "" then, as clerk-js reads it.
    #[serde(default)]
    pub next_action: NextAction,
    #[serde(default)]
    pub supported_strategies: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextAction {
    NeedsPrepare,
    NeedsAttempt,
    #[serde(rename = "")]
    #[default]
    None,
    #[serde(other)]
    Unknown,
}

impl FromJson for SignUp {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SignUp")?;
        from_fields!(
            f,
            SignUp {
                object: req("object"),
                id: req("id"),
                status: req("status"),
                required_fields: def("required_fields"),
                optional_fields: def("optional_fields"),
                missing_fields: def("missing_fields"),
                unverified_fields: def("unverified_fields"),
                verifications: def("verifications"),
                username: req("username"),
                email_address: req("email_address"),
                phone_number: req("phone_number"),
                first_name: req("first_name"),
                last_name: req("last_name"),
                password_enabled: def("password_enabled"),
                has_password: def("has_password"),
                unsafe_metadata: def("unsafe_metadata"),
                created_session_id: req("created_session_id"),
                created_user_id: req("created_user_id"),
                abandon_at: def("abandon_at"),
                locale: req("locale"),
            }
        )
    }
}

from_json_enum!(SignUpStatus {
    "missing_requirements" => MissingRequirements,
    "complete" => Complete,
    "abandoned" => Abandoned,
    _ => Unknown,
});

impl FromJson for SignUpVerifications {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SignUpVerifications")?;
        from_fields!(
            f,
            SignUpVerifications {
                email_address: req("email_address"),
                phone_number: req("phone_number"),
                web3_wallet: req("web3_wallet"),
                external_account: req("external_account"),
            }
        )
    }
}

impl FromJson for SignUpVerification {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SignUpVerification")?;
        let next_action = f.def("next_action").map_err(|_| f.error())?;
        let supported_strategies = f.def("supported_strategies").map_err(|_| f.error())?;
        Ok(SignUpVerification {
            verification: Verification::from_json(f.rest())?,
            next_action,
            supported_strategies,
        })
    }
}

from_json_enum!(NextAction {
    "needs_prepare" => NeedsPrepare,
    "needs_attempt" => NeedsAttempt,
    "" => None,
    _ => Unknown,
});
