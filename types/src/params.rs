//! Form bodies of the FAPI requests.
//!
//! Each struct serializes to exactly the fields Clerk documents (absent ones are
//! left out, since real Clerk rejects unknown or empty parameters), and the server
//! deserializes the same structs.
//!
//! ```
//! use fapi_types::{params::CreateSignIn, Strategy};
//! let p = CreateSignIn {
//!     strategy: Some(Strategy::Password),
//!     identifier: Some("jane@example.com".into()),
//!     password: Some("correct horse battery".into()),
//!     ..Default::default()
//! };
//! let json = serde_json::to_value(&p).unwrap();
//! assert_eq!(json.as_object().unwrap().len(), 3); // nothing undocumented, nothing empty
//! ```

use serde::{Deserialize, Serialize};

use crate::Strategy;

/// The body of one FAPI request, and what else Clerk's own SDKs send with it.
///
/// Clerk accepts every parameter its SDKs send, even for flows a server does not
/// offer (clerk-js sends `locale`, `timezone` and captcha fields on sign-up,
/// `tab_state` on token requests). A server must too, or the official SDK breaks;
/// any other name is a typo or a foreign client and gets `form_param_unknown`.
/// The list is per request: a password sent to the second-factor step is refused,
/// as Clerk refuses it.
///
/// ```
/// use fapi_types::params::{AttemptSecondFactor, CreateSignUp, Params};
/// assert!(CreateSignUp::accepts("captcha_token"));
/// assert!(!AttemptSecondFactor::accepts("password"));
/// ```
pub trait Params {
    /// Parameters a Clerk SDK sends here that this request ignores.
    const SDK_EXTRAS: &'static [&'static str] = &[];

    /// Whether an unknown parameter of this name is one a Clerk SDK sends.
    fn accepts(name: &str) -> bool {
        Self::SDK_EXTRAS.contains(&name)
    }
}

macro_rules! sdk_extras {
    ($($ty:ty => [$($name:literal),* $(,)?];)*) => {
        $(impl Params for $ty {
            const SDK_EXTRAS: &'static [&'static str] = &[$($name),*];
        })*
    };
}

// From clerk-js 6.40 (what it sends) and Clerk's FAPI spec (what Clerk accepts).
sdk_extras! {
    CreateSignIn => [
        "captcha_token", "captcha_error", "captcha_widget_type", "proof_token",
        "oidc_login_hint", "oidc_prompt", "sign_up_if_missing", "token", "trusted_device_id",
    ];
    PrepareFirstFactor => [
        "action_complete_redirect_url", "default", "web3_wallet_id", "passkey_id",
        "enterprise_connection_id", "oidc_login_hint", "oidc_prompt",
    ];
    AttemptFirstFactor => [
        "signature", "public_key_credential", "token", "trusted_device_id", "client_data",
        "algorithm",
    ];
    PrepareSecondFactor => ["redirect_url", "action_complete_redirect_url", "channel"];
    AttemptSecondFactor => [];
    ResetPassword => [];
    CreateSignUp => [
        "captcha_token", "captcha_error", "captcha_widget_type", "proof_token",
        "oidc_login_hint", "oidc_prompt", "email_address_or_phone_number", "web3_wallet",
        "ticket", "token", "code", "transfer",
    ];
    PrepareVerification => ["action_complete_redirect_url", "oidc_login_hint", "oidc_prompt"];
    AttemptVerification => ["signature", "token"];
    AttemptIdentificationVerification => ["strategy"];
    TouchSession => [];
    CreateToken => ["tab_state", "token", "force_origin"];
    UpdateUser => ["primary_web3_wallet_id", "unsafe_metadata"];
    UpdateUserMetadata => [];
    ChangePassword => [];
    CreateEmailAddress => [];
    CreatePhoneNumber => [];
    UpdatePhoneNumber => [];
    StartSessionVerification => [];
    PrepareSessionFirstFactor => ["default", "passkey_id", "proof_token"];
    AttemptSessionFirstFactor => ["public_key_credential"];
    PrepareSessionSecondFactor => ["proof_token"];
    AttemptSessionSecondFactor => [];
    AttemptTotpVerification => [];
    AttemptPasskeyVerification => [];
    UpdatePasskey => [];
    // More scopes than sign-in needs are not asked for: they would be provider tokens
    // kept for the app, which fapi-server does not hand out.
    CreateExternalAccount => [
        "additional_scope", "enterprise_connection_id", "oidc_login_hint", "oidc_prompt",
    ];
}

/// `POST /v1/me/external_accounts`: connect a provider's account to the user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateExternalAccount {
    /// The provider's strategy: `oauth_google`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// Where the provider sends the browser back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
}

/// `POST /v1/client/sign_ins`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateSignIn {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_complete_redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// IANA zone name, as clerk-js sends it (`Europe/Paris`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

/// `POST /v1/client/sign_ins/{id}/prepare_first_factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepareFirstFactor {
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

/// `POST /v1/client/sign_ins/{id}/attempt_first_factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptFirstFactor {
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// A passkey's answer: the browser's credential as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_credential: Option<String>,
}

/// `POST /v1/client/sign_ins/{id}/reset_password`, once a reset code was right
/// (status `needs_new_password`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResetPassword {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_out_of_other_sessions: Option<bool>,
}

/// `POST /v1/client/sign_ins/{id}/prepare_second_factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepareSecondFactor {
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address_id: Option<String>,
}

/// `POST /v1/client/sign_ins/{id}/attempt_second_factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptSecondFactor {
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A passkey's answer: the browser's credential as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_credential: Option<String>,
    /// fapi-server: "Don't ask again on this device" (see the environment's
    /// `auth_config.remember_device_days`). Clerk has no such parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remember_device: Option<bool>,
}

/// `POST /v1/client/sign_ups` and `PATCH /v1/client/sign_ups/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateSignUp {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// JSON, sent as a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_complete_redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_accepted: Option<bool>,
    /// Turns the client's sign-in, whose provider proved someone who has no account
    /// (`transferable`), into this sign-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// IANA zone name, as clerk-js sends it (`Europe/Paris`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

/// `POST .../prepare_verification` (sign-ups, email addresses, phone numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepareVerification {
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

/// `POST /v1/client/sign_ups/{id}/attempt_verification`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptVerification {
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// `POST /v1/me/{email_addresses|phone_numbers}/{id}/attempt_verification`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptIdentificationVerification {
    pub code: String,
}

/// `POST /v1/client/sessions/{id}/touch`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TouchSession {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_organization_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
}

/// `POST /v1/client/sessions/{id}/tokens`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateToken {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
}

/// `PATCH /v1/me`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_email_address_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_phone_number_id: Option<String>,
}

/// `PATCH /v1/me/metadata`: what clerk-js's `user.updateMetadata` sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateUserMetadata {
    /// A JSON merge patch (RFC 7396) of the user's `unsafe_metadata`, as a string:
    /// objects merge to any depth, and a `null` removes its key.
    pub unsafe_metadata: String,
}

/// `POST /v1/me/change_password`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangePassword {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_password: Option<String>,
    pub new_password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_out_of_other_sessions: Option<bool>,
}

/// `POST /v1/me/email_addresses`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateEmailAddress {
    pub email_address: String,
}

/// `POST /v1/me/phone_numbers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatePhoneNumber {
    pub phone_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_for_second_factor: Option<bool>,
}

/// `PATCH /v1/me/phone_numbers/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdatePhoneNumber {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_for_second_factor: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_second_factor: Option<bool>,
}

/// `PATCH /v1/me/email_addresses/{id}`: reserve an address for two-step verification
/// (fapi-server's `[second_factors] email_code`); the same fields as a phone's.
pub type UpdateEmailAddress = UpdatePhoneNumber;

/// `POST /v1/client/sessions/{id}/verify`: start a reverification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartSessionVerification {
    pub level: crate::SessionVerificationLevel,
}

/// `POST /v1/client/sessions/{id}/verify/prepare_first_factor`: send a code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepareSessionFirstFactor {
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_id: Option<String>,
}

/// `POST /v1/client/sessions/{id}/verify/attempt_first_factor`: a password or a code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptSessionFirstFactor {
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A passkey's answer: the browser's credential as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_credential: Option<String>,
}

/// `POST /v1/client/sessions/{id}/verify/prepare_second_factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepareSessionSecondFactor {
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address_id: Option<String>,
}

/// `POST /v1/client/sessions/{id}/verify/attempt_second_factor`: a code, or a passkey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptSessionSecondFactor {
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A passkey's answer: the browser's credential as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_credential: Option<String>,
}

/// `POST /v1/me/passkeys/{id}/attempt_verification`: the browser's answer to the
/// passkey's creation options, as the JSON string clerk-js sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptPasskeyVerification {
    pub strategy: Strategy,
    pub public_key_credential: String,
}

/// `PATCH /v1/me/passkeys/{id}`: a new name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdatePasskey {
    pub name: String,
}

/// `POST /v1/me/totp/attempt_verification`: the first code from the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptTotpVerification {
    pub code: String,
}
