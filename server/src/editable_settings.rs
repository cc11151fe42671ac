//! The settings the dashboard may change, as `key = JSON value` pairs that overlay
//! the file's. The file gives the defaults; a saved value wins until it is removed.
//! Deployment facts (database, keys, origins, limits) stay in the file alone.
//! Three keys hold lists the dashboard adds to the file's (webhook endpoints, JWT
//! templates, sign-in providers); their secrets are sealed at rest.

use serde_json::Value;

use crate::{
    config::{JwtTemplate, Requirement, Settings, SocialProvider, WebhookEndpoint},
    secret_box::SecretBox,
};

/// Every key the dashboard saves, in the order its form shows them.
pub const KEYS: [&str; 18] = [
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
    "passkeys.enabled",
    "mfa.required",
    "mfa.remember_device_days",
    "mfa.remember_device_when_required",
    "user.delete_self",
];

/// The lists the dashboard adds to the file's, saved apart from the settings form:
/// "Use the config file's values again" leaves them.
pub const LISTS: [&str; 3] = ["webhook_endpoints", "jwt_templates", "social"];

/// What names a list entry in a form without showing it (an endpoint's URL may
/// carry a token): a short hash of its URL or name.
///
/// ```
/// use fapi_server::editable_settings::handle;
/// assert_eq!(handle("https://a.example/h"), handle("https://a.example/h"));
/// assert!(!handle("https://a.example/h?token=x").contains("token"));
/// ```
pub fn handle(url: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(url.as_bytes());
    format!("e{}", hex::encode(&digest[..8]))
}

/// A list entry's secret field, and the field that names the entry (what its seal is
/// bound to, so a sealed secret copied onto another entry does not open).
fn secret_fields(key: &str) -> Option<(&'static str, &'static str)> {
    match key {
        "webhook_endpoints" => Some(("secret", "url")),
        "jwt_templates" => Some(("signing_key", "name")),
        "social" => Some(("client_secret", "provider")),
        _ => None,
    }
}

/// What is saved for a list: each entry's secret replaced by `<field>_sealed`.
///
/// ```
/// use fapi_server::{editable_settings::{open_entries, seal_secrets}, secret_box::SecretBox};
/// let b = SecretBox::new(&[7; 32]);
/// let list = serde_json::json!([{"url": "https://a.example/h", "secret": "whsec_x"}]);
/// let sealed = seal_secrets("webhook_endpoints", &list, &b);
/// assert!(!sealed.to_string().contains("whsec_x"));
/// assert_eq!(open_entries("webhook_endpoints", &sealed, &b), (vec![list[0].clone()], 0));
/// ```
pub fn seal_secrets(key: &str, value: &Value, secrets: &SecretBox) -> Value {
    let Some((field, name)) = secret_fields(key) else {
        return value.clone();
    };
    let mut value = value.clone();
    for entry in value.as_array_mut().into_iter().flatten() {
        let Some(entry) = entry.as_object_mut() else {
            continue;
        };
        let bound_to = format!(
            "{key} {}",
            entry.get(name).and_then(Value::as_str).unwrap_or("")
        );
        if let Some(Value::String(secret)) = entry.remove(field) {
            let sealed = secrets.seal(secret.as_bytes(), &bound_to);
            entry.insert(format!("{field}_sealed"), Value::from(sealed));
        }
    }
    value
}

/// The entries of a saved list with their secrets opened (the inverse of
/// [`seal_secrets`]), and how many were left out because a seal did not open (the
/// secrets key changed): one such entry must not take the others with it.
pub fn open_entries(key: &str, value: &Value, secrets: &SecretBox) -> (Vec<Value>, usize) {
    let Some((field, name)) = secret_fields(key) else {
        return (Vec::new(), 0);
    };
    let mut opened = Vec::new();
    let mut unreadable = 0;
    for entry in value.as_array().into_iter().flatten() {
        let mut entry = entry.clone();
        let Some(object) = entry.as_object_mut() else {
            unreadable += 1;
            continue;
        };
        let bound_to = format!(
            "{key} {}",
            object.get(name).and_then(Value::as_str).unwrap_or("")
        );
        if let Some(sealed) = object.remove(&format!("{field}_sealed")) {
            let secret = sealed
                .as_str()
                .and_then(|sealed| secrets.open(sealed, &bound_to).ok())
                .and_then(|bytes| String::from_utf8(bytes).ok());
            let Some(secret) = secret else {
                unreadable += 1;
                continue;
            };
            object.insert(field.to_owned(), Value::from(secret));
        }
        opened.push(entry);
    }
    (opened, unreadable)
}

/// Adds the entries of list `key` to `settings`'s. `strict` (a change in the
/// dashboard): the first that cannot work refuses the whole change. Otherwise (the
/// saved list at start or reload): such an entry is left out and logged, so that
/// one the file has come to clash with cannot stop a start.
fn add_entries(
    settings: &mut Settings,
    key: &str,
    entries: Vec<Value>,
    strict: bool,
) -> Result<(), BadSetting> {
    let production = !settings.is_development();
    for entry in entries {
        let checked = match key {
            "webhook_endpoints" => typed::<WebhookEndpoint>(key, &entry).and_then(|e| {
                e.check(&settings.webhook_endpoints, production)
                    .map_err(|c| bad(key, c))?;
                settings.webhook_endpoints.push(e);
                Ok(())
            }),
            "social" => typed::<SocialProvider>(key, &entry).and_then(|p| {
                p.check(&settings.social, production)
                    .map_err(|c| bad(key, c))?;
                settings.social.push(p);
                Ok(())
            }),
            _ => typed::<JwtTemplate>(key, &entry).and_then(|t| {
                let mut seen = settings
                    .jwt_templates
                    .iter()
                    .map(|t| t.name.clone())
                    .collect();
                t.check(&mut seen).map_err(|c| bad(key, c))?;
                settings.jwt_templates.push(t);
                Ok(())
            }),
        };
        match checked {
            Err(e) if strict => return Err(e),
            Err(e) => {
                tracing::error!(error = %e, "an entry saved in the dashboard is not in force")
            }
            Ok(()) => {}
        }
    }
    Ok(())
}

fn bad(key: &str, e: crate::config::ConfigError) -> BadSetting {
    BadSetting {
        key: key.to_owned(),
        message: e.to_string(),
    }
}

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

/// Sets one key on `settings`; a list (see [`LISTS`]) is added to what is there,
/// each entry checked as the file's are at start.
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
        "passkeys.enabled" => settings.passkeys.enabled = typed(key, value)?,
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
        "webhook_endpoints" | "jwt_templates" | "social" => {
            let entries: Vec<Value> = typed(key, value)?;
            add_entries(settings, key, entries, true)?;
        }
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
        "passkeys.enabled" => Value::from(settings.passkeys.enabled),
        "mfa.required" => Value::from(settings.mfa.required),
        "mfa.remember_device_days" => Value::from(settings.mfa.remember_device_days),
        "mfa.remember_device_when_required" => {
            Value::from(settings.mfa.remember_device_when_required)
        }
        "user.delete_self" => Value::from(settings.user.delete_self),
        _ => Value::Null,
    }
}

/// The file's settings with the saved pairs on top, the lists' secrets opened with
/// `secrets` (without it, the lists are left out). A pair or list entry that cannot
/// apply is skipped and logged: a newer server's key, or an entry the file has come
/// to clash with, must not stop a start.
pub fn overlay(
    base: &Settings,
    saved: &[(String, Value)],
    secrets: Option<&SecretBox>,
) -> Settings {
    let mut settings = base.clone();
    for (key, value) in saved {
        let applied = match (secret_fields(key), secrets) {
            (None, _) => apply(&mut settings, key, value),
            (Some(_), Some(secrets)) => {
                let (entries, unreadable) = open_entries(key, value, secrets);
                if unreadable > 0 {
                    tracing::error!(key, unreadable, "saved entries whose secret does not open (another secrets key?) are not in force");
                }
                add_entries(&mut settings, key, entries, false)
            }
            (Some(_), None) => {
                tracing::warn!(
                    key,
                    "saved entries left out: the secrets key that opens them is not there"
                );
                continue;
            }
        };
        if let Err(e) = applied {
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
        let s = overlay(&base, &saved, None);
        assert!(s.mfa.required);
        assert!(
            s.second_factors.totp,
            "a value of the wrong kind is skipped"
        );
        assert_eq!(s.listen, base.listen);
        let mut s = Settings::default();
        assert!(apply(&mut s, "application_name", &Value::from("  ")).is_err());
    }

    #[test]
    fn saved_lists_add_to_the_files_and_open_only_with_their_key() {
        let mut base = Settings::default();
        base.jwt_templates.push(JwtTemplate {
            name: "file".into(),
            lifetime_seconds: 60,
            claims: Default::default(),
            signing_key: None,
        });
        let list = serde_json::json!([
            {"name": "added", "lifetime_seconds": 90, "signing_key": "k".repeat(32)}
        ]);
        let b = SecretBox::new(&[1; 32]);
        let saved = vec![(
            "jwt_templates".to_owned(),
            seal_secrets("jwt_templates", &list, &b),
        )];
        let s = overlay(&base, &saved, Some(&b));
        let names: Vec<_> = s.jwt_templates.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["file", "added"]);
        assert_eq!(s.jwt_templates[1].signing_key, Some("k".repeat(32)));
        let other = SecretBox::new(&[2; 32]);
        assert_eq!(overlay(&base, &saved, Some(&other)).jwt_templates.len(), 1);
        assert_eq!(overlay(&base, &saved, None).jwt_templates.len(), 1);
        // A seal moved to another entry does not open.
        let mut moved = saved[0].1.clone();
        moved[0]["name"] = Value::from("renamed");
        assert_eq!(open_entries("jwt_templates", &moved, &b), (vec![], 1));
    }

    #[test]
    fn a_saved_entry_the_file_clashes_with_is_left_out_not_fatal() {
        let mut base = Settings::default();
        base.jwt_templates.push(JwtTemplate {
            name: "same".into(),
            lifetime_seconds: 60,
            claims: Default::default(),
            signing_key: None,
        });
        let b = SecretBox::new(&[1; 32]);
        let list = serde_json::json!([
            {"name": "same", "lifetime_seconds": 90},
            {"name": "other", "lifetime_seconds": 90}
        ]);
        let saved = vec![(
            "jwt_templates".to_owned(),
            seal_secrets("jwt_templates", &list, &b),
        )];
        let s = overlay(&base, &saved, Some(&b));
        let kept: Vec<_> = s
            .jwt_templates
            .iter()
            .map(|t| (t.name.as_str(), t.lifetime_seconds))
            .collect();
        assert_eq!(kept, [("same", 60), ("other", 90)]);
        s.validate().unwrap();
        // A change in the dashboard is refused instead.
        let mut s = base.clone();
        assert!(apply(&mut s, "jwt_templates", &list).is_err());
    }
}
