use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::decode::FromJson;

/// A verification or sign-in strategy.
///
/// Strategies this project implements are variants; any other string (Clerk has
/// many: `oauth_google`, `web3_metamask_signature`, ...) survives a round trip as [`Strategy::Other`],
/// so a client talking to real Clerk never fails on an unknown value.
///
/// ```
/// use fapi_types::Strategy;
/// assert_eq!(Strategy::from("phone_code"), Strategy::PhoneCode);
/// assert_eq!(Strategy::from("oauth_github").as_str(), "oauth_github");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Strategy {
    Password,
    EmailCode,
    PhoneCode,
    Totp,
    BackupCode,
    EmailLink,
    ResetPasswordEmailCode,
    ResetPasswordPhoneCode,
    /// "I lost access to my second factor": an email code that opens, and once its
    /// wait is over completes, an account recovery (see [`crate::AccountRecovery`]).
    /// Clerk has no such strategy.
    RecoveryEmailCode,
    /// A passkey (WebAuthn): the browser signs the server's challenge.
    Passkey,
    Other(String),
}

impl Strategy {
    /// "Forgot password?": a code that leads to choosing a new password.
    ///
    /// ```
    /// use fapi_types::Strategy;
    /// assert!(Strategy::ResetPasswordEmailCode.is_password_reset());
    /// assert!(!Strategy::EmailCode.is_password_reset());
    /// ```
    pub fn is_password_reset(&self) -> bool {
        matches!(
            self,
            Strategy::ResetPasswordEmailCode | Strategy::ResetPasswordPhoneCode
        )
    }

    /// A code sent to an email address or phone (a sign-in or a reset code).
    pub fn is_sent_code(&self) -> bool {
        matches!(self, Strategy::EmailCode | Strategy::PhoneCode) || self.is_password_reset()
    }

    pub fn as_str(&self) -> &str {
        match self {
            Strategy::Password => "password",
            Strategy::EmailCode => "email_code",
            Strategy::PhoneCode => "phone_code",
            Strategy::Totp => "totp",
            Strategy::BackupCode => "backup_code",
            Strategy::EmailLink => "email_link",
            Strategy::ResetPasswordEmailCode => "reset_password_email_code",
            Strategy::ResetPasswordPhoneCode => "reset_password_phone_code",
            Strategy::RecoveryEmailCode => "recovery_email_code",
            Strategy::Passkey => "passkey",
            Strategy::Other(s) => s,
        }
    }
}

impl From<&str> for Strategy {
    fn from(s: &str) -> Self {
        match s {
            "password" => Strategy::Password,
            "email_code" => Strategy::EmailCode,
            "phone_code" => Strategy::PhoneCode,
            "totp" => Strategy::Totp,
            "backup_code" => Strategy::BackupCode,
            "email_link" => Strategy::EmailLink,
            "reset_password_email_code" => Strategy::ResetPasswordEmailCode,
            "reset_password_phone_code" => Strategy::ResetPasswordPhoneCode,
            "recovery_email_code" => Strategy::RecoveryEmailCode,
            "passkey" => Strategy::Passkey,
            other => Strategy::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Strategy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Strategy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Strategy::from(s.as_ref()))
    }
}

impl FromJson for Strategy {
    fn from_json(value: serde_json::Value) -> Result<Self, crate::decode::DecodeError> {
        Ok(Strategy::from(String::from_json(value)?.as_str()))
    }
}
