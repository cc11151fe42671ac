use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
