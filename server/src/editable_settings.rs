//! The settings the dashboard may change, as `key = JSON value` pairs that overlay
//! the file's. The file gives the defaults; a saved value wins until it is removed.
//! Deployment facts (database, keys, origins, limits) stay in the file alone.

use serde_json::Value;

use crate::config::{Requirement, Settings};

/// Every key the dashboard saves, in the order its form shows them.
pub const KEYS: [&str; 17] = [
    "application_name",
    "theme.primary_color",
    "theme.background_color",
    "identifiers.email_address",
    "identifiers.phone_number",
    "identifiers.username",
    "identifiers.first_name",
    "identifiers.last_name",
    "password.min_length",
    "second_factors.phone_code",
    "second_factors.totp",
    "second_factors.backup_code",
    "second_factors.email_code",
    "mfa.required",
    "mfa.remember_device_days",
    "mfa.remember_device_when_required",
    "user.delete_self",
];

/// A saved value that cannot apply: unknown key, or a value of the wrong kind.
#[derive(Debug, thiserror::Error)]
#[error("saved setting {key}: {message}")]
pub struct BadSetting {
    pub key: String,
    pub message: String,
}

fn typed<T: serde::de::DeserializeOwned>(key: &str, value: &Value) -> Result<T, BadSetting> {
    serde_json::from_value(value.clone()).map_err(|e| BadSetting {
        key: key.to_owned(),
        message: e.to_string(),
    })
}

/// Sets one key on `settings`.
///
/// ```
/// use fapi_server::{config::Settings, editable_settings::apply};
/// let mut s = Settings::default();
/// apply(&mut s, "mfa.required", &serde_json::json!(true)).unwrap();
/// assert!(s.mfa.required);
/// assert!(apply(&mut s, "listen", &serde_json::json!("0.0.0.0:80")).is_err());
/// ```
pub fn apply(settings: &mut Settings, key: &str, value: &Value) -> Result<(), BadSetting> {
    let ids = &mut settings.identifiers;
    match key {
        "application_name" => {
            let name: String = typed(key, value)?;
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 64 {
                return Err(BadSetting {
                    key: key.into(),
                    message: "must be 1 to 64 characters".into(),
                });
            }
            settings.application_name = name.to_owned();
        }
        "theme.primary_color" | "theme.background_color" => {
            let colour: String = typed(key, value)?;
            let colour = colour.trim().to_owned();
            if !crate::config::is_hex_colour(&colour) {
                return Err(BadSetting {
                    key: key.into(),
                    message: "must be a CSS hex colour such as #6c47ff, or empty".into(),
                });
            }
            if key == "theme.primary_color" {
                settings.theme.primary_color = colour;
            } else {
                settings.theme.background_color = colour;
            }
        }
        "identifiers.email_address" => ids.email_address = typed(key, value)?,
        "identifiers.phone_number" => ids.phone_number = typed(key, value)?,
        "identifiers.username" => ids.username = typed(key, value)?,
        "identifiers.first_name" => ids.first_name = typed(key, value)?,
        "identifiers.last_name" => ids.last_name = typed(key, value)?,
        "password.min_length" => settings.password.min_length = typed(key, value)?,
        "second_factors.phone_code" => settings.second_factors.phone_code = typed(key, value)?,
        "second_factors.totp" => settings.second_factors.totp = typed(key, value)?,
        "second_factors.backup_code" => settings.second_factors.backup_code = typed(key, value)?,
        "second_factors.email_code" => settings.second_factors.email_code = typed(key, value)?,
        "mfa.required" => settings.mfa.required = typed(key, value)?,
        "mfa.remember_device_days" => {
            let days: u32 = typed(key, value)?;
            if days > 365 {
                return Err(BadSetting {
                    key: key.into(),
                    message: "must be 0 (off) to 365 days".into(),
                });
            }
            settings.mfa.remember_device_days = days;
        }
        "mfa.remember_device_when_required" => {
            settings.mfa.remember_device_when_required = typed(key, value)?
        }
        "user.delete_self" => settings.user.delete_self = typed(key, value)?,
        _ => {
            return Err(BadSetting {
                key: key.into(),
                message: "not a setting the dashboard changes".into(),
            })
        }
    }
    Ok(())
}

/// The value of one key in `settings`, as it would be saved.
pub fn value_of(settings: &Settings, key: &str) -> Value {
    let ids = &settings.identifiers;
    let requirement = |r: Requirement| serde_json::to_value(r).unwrap_or(Value::Null);
    match key {
        "application_name" => Value::from(settings.application_name.clone()),
        "theme.primary_color" => Value::from(settings.theme.primary_color.clone()),
        "theme.background_color" => Value::from(settings.theme.background_color.clone()),
        "identifiers.email_address" => requirement(ids.email_address),
        "identifiers.phone_number" => requirement(ids.phone_number),
        "identifiers.username" => requirement(ids.username),
        "identifiers.first_name" => requirement(ids.first_name),
        "identifiers.last_name" => requirement(ids.last_name),
        "password.min_length" => settings
            .password
            .min_length
            .map(Value::from)
            .unwrap_or(Value::Null),
        "second_factors.phone_code" => Value::from(settings.second_factors.phone_code),
        "second_factors.totp" => Value::from(settings.second_factors.totp),
        "second_factors.backup_code" => Value::from(settings.second_factors.backup_code),
        "second_factors.email_code" => Value::from(settings.second_factors.email_code),
        "mfa.required" => Value::from(settings.mfa.required),
        "mfa.remember_device_days" => Value::from(settings.mfa.remember_device_days),
        "mfa.remember_device_when_required" => {
            Value::from(settings.mfa.remember_device_when_required)
        }
        "user.delete_self" => Value::from(settings.user.delete_self),
        _ => Value::Null,
    }
}

/// The file's settings with the saved pairs on top. A pair that cannot apply is
/// skipped and logged: a newer server's key must not stop an older one.
pub fn overlay(base: &Settings, saved: &[(String, Value)]) -> Settings {
    let mut settings = base.clone();
    for (key, value) in saved {
        if let Err(e) = apply(&mut settings, key, value) {
            tracing::warn!(error = %e, "saved setting ignored");
        }
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_round_trips() {
        let mut s = Settings::default();
        s.identifiers.username = Requirement::Required;
        s.password.min_length = Some(12);
        s.second_factors.totp = false;
        s.application_name = "Acme".into();
        s.theme.primary_color = "#0a7".into();
        s.user.delete_self = true;
        let mut t = Settings::default();
        for key in KEYS {
            apply(&mut t, key, &value_of(&s, key)).unwrap();
        }
        assert_eq!(
            toml::to_string(&s).unwrap(),
            toml::to_string(&t).unwrap(),
            "every dashboard key reads back what it wrote"
        );
    }

    #[test]
    fn saved_values_win_and_bad_ones_are_skipped() {
        let base = Settings::default();
        let saved = vec![
            ("mfa.required".to_owned(), Value::from(true)),
            ("second_factors.totp".to_owned(), Value::from("yes")),
            ("listen".to_owned(), Value::from("0.0.0.0:1")),
        ];
        let s = overlay(&base, &saved);
        assert!(s.mfa.required);
        assert!(
            s.second_factors.totp,
            "a value of the wrong kind is skipped"
        );
        assert_eq!(s.listen, base.listen);
        let mut s = Settings::default();
        assert!(apply(&mut s, "application_name", &Value::from("  ")).is_err());
    }
}
