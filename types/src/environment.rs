use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};

/// `GET /v1/environment`: the instance settings the UI needs. Returned unwrapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub object: Option<String>,
    pub auth_config: AuthConfig,
    pub display_config: DisplayConfig,
    pub user_settings: UserSettings,
    #[serde(default)]
    pub maintenance_mode: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthConfig {
    pub object: String,
    pub id: String,
    /// In single-session mode a second sign-in answers `session_exists`.
    pub single_session_mode: bool,
    #[serde(default)]
    pub test_mode: bool,
    #[serde(default)]
    pub reverification: bool,
    #[serde(default)]
    pub claimed_at: Option<i64>,
    /// fapi-server: "Don't ask again on this device" lasts this many days (absent:
    /// not offered, as with Clerk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remember_device_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisplayConfig {
    pub object: String,
    pub id: String,
    /// `development`, `production` or `staging`.
    pub instance_environment_type: String,
    pub application_name: String,
    /// `password` or `otp`: which first factor the UI offers first.
    pub preferred_sign_in_strategy: String,
    #[serde(default)]
    pub logo_image_url: String,
    #[serde(default)]
    pub favicon_image_url: String,
    #[serde(default)]
    pub home_url: String,
    #[serde(default)]
    pub sign_in_url: String,
    #[serde(default)]
    pub sign_up_url: String,
    #[serde(default)]
    pub user_profile_url: String,
    #[serde(default)]
    pub after_sign_in_url: String,
    #[serde(default)]
    pub after_sign_up_url: String,
    #[serde(default)]
    pub after_sign_out_one_url: String,
    #[serde(default)]
    pub after_sign_out_all_url: String,
    #[serde(default)]
    pub after_switch_session_url: String,
    #[serde(default)]
    pub support_email: Option<String>,
    #[serde(default)]
    pub branded: bool,
    #[serde(default)]
    pub show_devmode_warning: bool,
    /// The instance's colours (Clerk's `display_config.theme`), for hosted pages.
    #[serde(default)]
    pub theme: Option<DisplayTheme>,
}

/// The part of Clerk's `display_config.theme` this SDK reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DisplayTheme {
    #[serde(default)]
    pub general: ThemeGeneral,
}

/// Colours as CSS values (`#6c47ff`); empty: the component's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThemeGeneral {
    /// The primary colour: buttons, links, focus.
    #[serde(default)]
    pub color: String,
    #[serde(default)]
    pub background_color: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSettings {
    /// Keyed by `email_address`, `phone_number`, `username`, `password`, ...
    pub attributes: BTreeMap<String, AttributeSettings>,
    pub sign_in: SignInSettings,
    pub sign_up: SignUpSettings,
    pub password_settings: PasswordSettings,
    #[serde(default)]
    pub attack_protection: Option<AttackProtection>,
    /// What users may do with their own account (`delete_self`).
    #[serde(default)]
    pub actions: Option<UserActions>,
    /// How sign-in offers passkeys (when `attributes.passkey` is enabled).
    #[serde(default)]
    pub passkey_settings: Option<PasskeySettings>,
    /// Sign-in with a provider, keyed by strategy (`oauth_google`).
    #[serde(default)]
    pub social: BTreeMap<String, SocialSettings>,
}

impl UserSettings {
    /// The second-factor strategies offered: the union over attributes used for it.
    ///
    /// ```
    /// # use fapi_types::*;
    /// # let json = include_str!("../tests/fixtures/environment.json");
    /// let env: Environment = serde_json::from_str(json).unwrap();
    /// assert_eq!(env.user_settings.second_factors(), vec!["phone_code".to_string()]);
    /// ```
    pub fn second_factors(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for a in self.attributes.values() {
            if a.enabled && a.used_for_second_factor {
                for f in &a.second_factors {
                    if !out.contains(f) {
                        out.push(f.clone());
                    }
                }
            }
        }
        out
    }

    /// Settings of one attribute if it is enabled.
    pub fn enabled(&self, attribute: &str) -> Option<&AttributeSettings> {
        self.attributes.get(attribute).filter(|a| a.enabled)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AttributeSettings {
    pub enabled: bool,
    pub required: bool,
    pub used_for_first_factor: bool,
    #[serde(default)]
    pub first_factors: Vec<String>,
    pub used_for_second_factor: bool,
    #[serde(default)]
    pub second_factors: Vec<String>,
    #[serde(default)]
    pub verifications: Vec<String>,
    #[serde(default)]
    pub verify_at_sign_up: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInSettings {
    pub second_factor: SecondFactorSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecondFactorSettings {
    pub required: bool,
    #[serde(default)]
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignUpSettings {
    #[serde(default)]
    pub captcha_enabled: bool,
    /// `public`, `restricted` or `waitlist`.
    pub mode: String,
    #[serde(default)]
    pub progressive: bool,
    #[serde(default)]
    pub legal_consent_enabled: bool,
    #[serde(default)]
    pub mfa: Option<MfaSettings>,
}

/// "Require multi-factor authentication" for every user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MfaSettings {
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordSettings {
    pub min_length: u32,
    pub max_length: u32,
    #[serde(default)]
    pub require_special_char: bool,
    #[serde(default)]
    pub require_numbers: bool,
    #[serde(default)]
    pub require_uppercase: bool,
    #[serde(default)]
    pub require_lowercase: bool,
    #[serde(default)]
    pub disable_hibp: bool,
    #[serde(default)]
    pub show_zxcvbn: bool,
    #[serde(default)]
    pub min_zxcvbn_strength: u8,
}

/// Clerk's `user_settings.actions`: `delete_self` is "Allow users to delete their
/// accounts" (each user's `delete_self_enabled` follows it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserActions {
    #[serde(default)]
    pub delete_self: bool,
    #[serde(default)]
    pub create_organization: bool,
}

/// Clerk's `user_settings.passkey_settings`: a passkey offered in the identifier
/// field's autofill (WebAuthn conditional mediation), and as a button.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PasskeySettings {
    #[serde(default)]
    pub allow_autofill: bool,
    #[serde(default)]
    pub show_sign_in_button: bool,
}

/// Clerk's `user_settings.social.<strategy>`: a provider people may sign in with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SocialSettings {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub required: bool,
    /// Whether it signs people in (not only connects accounts).
    #[serde(default)]
    pub authenticatable: bool,
    #[serde(default)]
    pub block_email_subaddresses: bool,
    #[serde(default)]
    pub strategy: String,
    #[serde(default)]
    pub not_selectable: bool,
    #[serde(default)]
    pub deprecated: bool,
    /// The button's name: "Continue with {name}".
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub logo_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttackProtection {
    pub user_lockout: UserLockout,
    pub enumeration_protection: Toggle,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserLockout {
    pub enabled: bool,
    pub max_attempts: u32,
    pub duration_in_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Toggle {
    pub enabled: bool,
}

impl FromJson for Environment {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "Environment")?;
        from_fields!(
            f,
            Environment {
                id: req("id"),
                object: req("object"),
                auth_config: req("auth_config"),
                display_config: req("display_config"),
                user_settings: req("user_settings"),
                maintenance_mode: def("maintenance_mode"),
            }
        )
    }
}

impl FromJson for AuthConfig {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "AuthConfig")?;
        from_fields!(
            f,
            AuthConfig {
                object: req("object"),
                id: req("id"),
                single_session_mode: req("single_session_mode"),
                test_mode: def("test_mode"),
                reverification: def("reverification"),
                claimed_at: req("claimed_at"),
                remember_device_days: def("remember_device_days"),
            }
        )
    }
}

impl FromJson for DisplayConfig {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "DisplayConfig")?;
        from_fields!(
            f,
            DisplayConfig {
                object: req("object"),
                id: req("id"),
                instance_environment_type: req("instance_environment_type"),
                application_name: req("application_name"),
                preferred_sign_in_strategy: req("preferred_sign_in_strategy"),
                logo_image_url: def("logo_image_url"),
                favicon_image_url: def("favicon_image_url"),
                home_url: def("home_url"),
                sign_in_url: def("sign_in_url"),
                sign_up_url: def("sign_up_url"),
                user_profile_url: def("user_profile_url"),
                after_sign_in_url: def("after_sign_in_url"),
                after_sign_up_url: def("after_sign_up_url"),
                after_sign_out_one_url: def("after_sign_out_one_url"),
                after_sign_out_all_url: def("after_sign_out_all_url"),
                after_switch_session_url: def("after_switch_session_url"),
                support_email: req("support_email"),
                branded: def("branded"),
                show_devmode_warning: def("show_devmode_warning"),
                theme: def("theme"),
            }
        )
    }
}

impl FromJson for DisplayTheme {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "DisplayTheme")?;
        from_fields!(
            f,
            DisplayTheme {
                general: def("general")
            }
        )
    }
}

impl FromJson for ThemeGeneral {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "ThemeGeneral")?;
        from_fields!(
            f,
            ThemeGeneral {
                color: def("color"),
                background_color: def("background_color"),
            }
        )
    }
}

impl FromJson for UserSettings {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "UserSettings")?;
        from_fields!(
            f,
            UserSettings {
                attributes: req("attributes"),
                sign_in: req("sign_in"),
                sign_up: req("sign_up"),
                password_settings: req("password_settings"),
                attack_protection: req("attack_protection"),
                actions: req("actions"),
                passkey_settings: req("passkey_settings"),
                social: def("social"),
            }
        )
    }
}

impl FromJson for AttributeSettings {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "AttributeSettings")?;
        from_fields!(
            f,
            AttributeSettings {
                enabled: req("enabled"),
                required: req("required"),
                used_for_first_factor: req("used_for_first_factor"),
                first_factors: def("first_factors"),
                used_for_second_factor: req("used_for_second_factor"),
                second_factors: def("second_factors"),
                verifications: def("verifications"),
                verify_at_sign_up: def("verify_at_sign_up"),
            }
        )
    }
}

impl FromJson for SignInSettings {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SignInSettings")?;
        from_fields!(
            f,
            SignInSettings {
                second_factor: req("second_factor"),
            }
        )
    }
}

impl FromJson for SecondFactorSettings {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SecondFactorSettings")?;
        from_fields!(
            f,
            SecondFactorSettings {
                required: req("required"),
                enabled: def("enabled"),
            }
        )
    }
}

impl FromJson for SignUpSettings {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SignUpSettings")?;
        from_fields!(
            f,
            SignUpSettings {
                captcha_enabled: def("captcha_enabled"),
                mode: req("mode"),
                progressive: def("progressive"),
                legal_consent_enabled: def("legal_consent_enabled"),
                mfa: req("mfa"),
            }
        )
    }
}

impl FromJson for MfaSettings {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "MfaSettings")?;
        from_fields!(
            f,
            MfaSettings {
                required: req("required"),
            }
        )
    }
}

impl FromJson for PasswordSettings {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "PasswordSettings")?;
        from_fields!(
            f,
            PasswordSettings {
                min_length: req("min_length"),
                max_length: req("max_length"),
                require_special_char: def("require_special_char"),
                require_numbers: def("require_numbers"),
                require_uppercase: def("require_uppercase"),
                require_lowercase: def("require_lowercase"),
                disable_hibp: def("disable_hibp"),
                show_zxcvbn: def("show_zxcvbn"),
                min_zxcvbn_strength: def("min_zxcvbn_strength"),
            }
        )
    }
}

impl FromJson for UserActions {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "UserActions")?;
        from_fields!(
            f,
            UserActions {
                delete_self: def("delete_self"),
                create_organization: def("create_organization"),
            }
        )
    }
}

impl FromJson for PasskeySettings {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "PasskeySettings")?;
        from_fields!(
            f,
            PasskeySettings {
                allow_autofill: def("allow_autofill"),
                show_sign_in_button: def("show_sign_in_button"),
            }
        )
    }
}

impl FromJson for SocialSettings {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SocialSettings")?;
        from_fields!(
            f,
            SocialSettings {
                enabled: def("enabled"),
                required: def("required"),
                authenticatable: def("authenticatable"),
                block_email_subaddresses: def("block_email_subaddresses"),
                strategy: def("strategy"),
                not_selectable: def("not_selectable"),
                deprecated: def("deprecated"),
                name: def("name"),
                logo_url: def("logo_url"),
            }
        )
    }
}

impl FromJson for AttackProtection {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "AttackProtection")?;
        from_fields!(
            f,
            AttackProtection {
                user_lockout: req("user_lockout"),
                enumeration_protection: req("enumeration_protection"),
            }
        )
    }
}

impl FromJson for UserLockout {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "UserLockout")?;
        from_fields!(
            f,
            UserLockout {
                enabled: req("enabled"),
                max_attempts: req("max_attempts"),
                duration_in_minutes: req("duration_in_minutes"),
            }
        )
    }
}

impl FromJson for Toggle {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "Toggle")?;
        from_fields!(
            f,
            Toggle {
                enabled: req("enabled"),
            }
        )
    }
}
