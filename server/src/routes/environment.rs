use std::collections::BTreeMap;

use axum::{extract::State, Json};
use fapi_types as t;

use crate::{config::Requirement, http::Identity, state::AppState};

fn attribute(
    enabled: bool,
    required: bool,
    first: &[&str],
    second: &[&str],
    verifications: &[&str],
) -> t::AttributeSettings {
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    t::AttributeSettings {
        enabled,
        required,
        used_for_first_factor: enabled && !first.is_empty(),
        first_factors: owned(first),
        used_for_second_factor: enabled && !second.is_empty(),
        second_factors: owned(second),
        verifications: owned(verifications),
        verify_at_sign_up: !verifications.is_empty(),
    }
}

/// The instance settings as Clerk's UI reads them. `issuer`: this server's origin,
/// for the hosted pages' URLs.
pub fn build(state: &AppState, issuer: &str) -> t::Environment {
    let s = &state.settings();
    // Unset URLs fall back to the hosted pages, as Clerk's do to its Account Portal.
    let hosted = |own: &str, page: &str| {
        if own.is_empty() && state.portal.is_some() {
            format!("{}{page}", issuer.trim_end_matches('/'))
        } else {
            own.to_owned()
        }
    };
    let ids = &s.identifiers;
    let mut attributes = BTreeMap::new();
    let email_second: &[&str] = if s.second_factors.email_code {
        &["email_code"]
    } else {
        &[]
    };
    attributes.insert(
        "email_address".into(),
        attribute(
            ids.email_address.on(),
            ids.email_address == Requirement::Required,
            &["email_code"],
            email_second,
            &["email_code"],
        ),
    );
    let phone_first: &[&str] = if ids.phone_number.on() {
        &["phone_code"]
    } else {
        &[]
    };
    let phone_second: &[&str] = if s.second_factors.phone_code {
        &["phone_code"]
    } else {
        &[]
    };
    attributes.insert(
        "phone_number".into(),
        attribute(
            ids.phone_number.on() || s.second_factors.phone_code,
            ids.phone_number == Requirement::Required,
            phone_first,
            phone_second,
            &["phone_code"],
        ),
    );
    attributes.insert(
        "username".into(),
        attribute(
            ids.username.on(),
            ids.username == Requirement::Required,
            &[],
            &[],
            &[],
        ),
    );
    attributes.insert(
        "first_name".into(),
        attribute(
            ids.first_name.on(),
            ids.first_name == Requirement::Required,
            &[],
            &[],
            &[],
        ),
    );
    attributes.insert(
        "last_name".into(),
        attribute(
            ids.last_name.on(),
            ids.last_name == Requirement::Required,
            &[],
            &[],
            &[],
        ),
    );
    attributes.insert(
        "password".into(),
        attribute(true, true, &["password"], &[], &[]),
    );
    attributes.insert(
        "authenticator_app".into(),
        attribute(s.second_factors.totp, false, &[], &["totp"], &["totp"]),
    );
    attributes.insert(
        "backup_code".into(),
        attribute(
            s.second_factors.backup_code,
            false,
            &[],
            &["backup_code"],
            &[],
        ),
    );
    // A passkey signs in, and is a second factor once an account has one; it is
    // made in the profile, never asked for at sign-up.
    let passkeys = s.passkeys.enabled;
    attributes.insert(
        "passkey".into(),
        t::AttributeSettings {
            verify_at_sign_up: false,
            ..attribute(passkeys, false, &["passkey"], &["passkey"], &["passkey"])
        },
    );
    let any_second =
        s.second_factors.phone_code || s.second_factors.totp || s.second_factors.email_code;
    t::Environment {
        id: Some("env_fapi_server".into()),
        object: Some("environment".into()),
        auth_config: t::AuthConfig {
            object: "auth_config".into(),
            id: "aac_fapi_server".into(),
            single_session_mode: s.single_session_mode,
            test_mode: s.test_mode_active(),
            reverification: true,
            claimed_at: None,
            // Not offered where it would apply to no one: MFA for everyone, and
            // remembered devices never skipping it.
            remember_device_days: (s.mfa.remember_device_days > 0
                && (!s.mfa.required || s.mfa.remember_device_when_required))
                .then_some(s.mfa.remember_device_days),
        },
        display_config: t::DisplayConfig {
            object: "display_config".into(),
            id: "display_config_fapi_server".into(),
            instance_environment_type: s.environment.as_str().into(),
            application_name: s.application_name.clone(),
            preferred_sign_in_strategy: "password".into(),
            logo_image_url: String::new(),
            favicon_image_url: String::new(),
            home_url: s.urls.home.clone(),
            sign_in_url: hosted(&s.urls.sign_in, "/sign-in"),
            sign_up_url: hosted(&s.urls.sign_up, "/sign-up"),
            user_profile_url: hosted(&s.urls.user_profile, "/user"),
            after_sign_in_url: s.urls.after_sign_in.clone(),
            after_sign_up_url: s.urls.after_sign_up.clone(),
            after_sign_out_one_url: s.urls.after_sign_out.clone(),
            after_sign_out_all_url: s.urls.after_sign_out.clone(),
            after_switch_session_url: String::new(),
            support_email: None,
            branded: false,
            show_devmode_warning: s.is_development(),
            theme: Some(t::DisplayTheme {
                general: t::ThemeGeneral {
                    color: s.theme.primary_color.clone(),
                    background_color: s.theme.background_color.clone(),
                },
            }),
        },
        user_settings: t::UserSettings {
            attributes,
            sign_in: t::SignInSettings {
                second_factor: t::SecondFactorSettings {
                    required: s.mfa.required,
                    enabled: any_second,
                },
            },
            sign_up: t::SignUpSettings {
                captcha_enabled: false,
                mode: "public".into(),
                progressive: true,
                legal_consent_enabled: false,
                mfa: Some(t::MfaSettings {
                    required: s.mfa.required,
                }),
            },
            password_settings: t::PasswordSettings {
                min_length: s.password_min_length(),
                max_length: s.password_max_length(),
                require_special_char: false,
                require_numbers: false,
                require_uppercase: false,
                require_lowercase: false,
                disable_hibp: true,
                show_zxcvbn: false,
                min_zxcvbn_strength: 0,
            },
            attack_protection: Some(t::AttackProtection {
                user_lockout: t::UserLockout {
                    enabled: s.lockout.enabled,
                    max_attempts: s.lockout.max_attempts,
                    duration_in_minutes: s.lockout.duration_minutes,
                },
                enumeration_protection: t::Toggle {
                    enabled: s.enumeration_protection,
                },
            }),
            actions: Some(t::UserActions {
                delete_self: s.user.delete_self,
                create_organization: false,
            }),
            passkey_settings: Some(t::PasskeySettings {
                allow_autofill: passkeys,
                show_sign_in_button: passkeys,
            }),
            social: s
                .social
                .iter()
                .map(|p| {
                    let strategy = p.strategy();
                    let settings = t::SocialSettings {
                        enabled: true,
                        required: false,
                        authenticatable: true,
                        block_email_subaddresses: false,
                        strategy: strategy.clone(),
                        not_selectable: false,
                        deprecated: false,
                        name: p.display_name(),
                        logo_url: String::new(),
                    };
                    (strategy, settings)
                })
                .collect(),
        },
        maintenance_mode: false,
    }
}

pub async fn get(State(state): State<AppState>, identity: Identity) -> Json<t::Environment> {
    Json(build(&state, identity.issuer()))
}
