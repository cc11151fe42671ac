//! Settings: the application's name, identifiers and password length, 2-step
//! verification (which second factors, and whether everyone must have one), and
//! whether users may delete their accounts.
//! "Apply Changes" saves them in the database; see `flows::settings_change`.

use std::collections::HashSet;

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use super::{
    auth::{forged, server_error, CsrfForm, Signed},
    layout,
};
use crate::{
    config::{Requirement, Settings},
    editable_settings,
    flows::settings_change::{self, Changed, Refused},
    state::AppState,
    store,
};

#[derive(Deserialize)]
pub struct Flash {
    #[serde(default)]
    applied: Option<String>,
}

/// `GET /dashboard/settings`.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(flash): Query<Flash>,
) -> Response {
    let saved = match saved_keys(&state).await {
        Ok(s) => s,
        Err(e) => return server_error(e),
    };
    let note = flash.applied.map(|n| {
        html! { p.ok role="status" { "Changes applied (" (n) " changed). Every instance uses them within a second." } }
    });
    let body = form(&signed, &state.settings(), &saved, note);
    layout::page("Settings", Some(&signed), body).into_response()
}

async fn saved_keys(state: &AppState) -> Result<HashSet<String>, sqlx::Error> {
    Ok(store::instance_settings::all(&state.db)
        .await?
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| !editable_settings::LISTS.contains(&k.as_str()))
        .collect())
}

/// `POST /dashboard/settings`: "Apply Changes".
pub async fn apply(
    State(state): State<AppState>,
    signed: Signed,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| layout::form_field(&fields, name);
    if !signed.csrf_ok(field("csrf").unwrap_or("")) {
        return forged();
    }
    let current = state.settings();
    let mut next = (*current).clone();
    let mut problem = None;
    for key in editable_settings::KEYS {
        let value = match key {
            "application_name" => Value::from(field(key).unwrap_or("")),
            "mfa.remember_device_days" => match field(key).unwrap_or("").trim() {
                "" => Value::from(0),
                n => match n.parse::<u32>() {
                    Ok(n) => Value::from(n),
                    Err(_) => {
                        problem = Some("Remembered devices: a whole number of days.".into());
                        continue;
                    }
                },
            },
            "password.min_length" => match field(key).unwrap_or("").trim() {
                "" => Value::Null,
                n => match n.parse::<u32>() {
                    Ok(n) => Value::from(n),
                    Err(_) => {
                        problem =
                            Some("The minimum password length must be a whole number.".into());
                        continue;
                    }
                },
            },
            k if k.starts_with("identifiers.") || k.starts_with("theme.") => {
                Value::from(field(key).unwrap_or(""))
            }
            // Checkboxes: sent only when ticked.
            _ => Value::from(field(key).is_some()),
        };
        if let Err(e) = editable_settings::apply(&mut next, key, &value) {
            problem.get_or_insert(e.to_string());
        }
    }
    let outcome = match problem {
        Some(p) => Err(Refused::Invalid(p)),
        None => settings_change::apply(&state, &next, &signed.admin).await,
    };
    match outcome {
        Ok(changed) => {
            if let Err(r) = signed
                .log(&state, "settings-apply", "", &describe(&changed))
                .await
            {
                return server_error(r);
            }
            Redirect::to(&format!("/dashboard/settings?applied={}", changed.len())).into_response()
        }
        Err(Refused::Db(e)) => server_error(e),
        Err(refused) => {
            let saved = saved_keys(&state).await.unwrap_or_default();
            let note = html! { p.error role="alert" { "Not applied: " (refused.to_string()) } };
            let body = form(&signed, &next, &saved, Some(note));
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                layout::page("Settings", Some(&signed), body),
            )
                .into_response()
        }
    }
}

/// `POST /dashboard/settings/forget`: the file's settings again.
pub async fn forget(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_ok(&form.csrf) {
        return forged();
    }
    match settings_change::forget_all(&state, &signed.admin).await {
        Ok(changed) => {
            if let Err(r) = signed
                .log(&state, "settings-forget", "", &describe(&changed))
                .await
            {
                return server_error(r);
            }
            Redirect::to(&format!("/dashboard/settings?applied={}", changed.len())).into_response()
        }
        Err(Refused::Db(e)) => server_error(e),
        Err(refused) => layout::message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not applied",
            &refused.to_string(),
        ),
    }
}

/// `mfa.required: false → true; …` for the log.
fn describe(changed: &[Changed]) -> String {
    if changed.is_empty() {
        return "no change".into();
    }
    changed
        .iter()
        .map(|(k, before, after)| format!("{k}: {before} → {after}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn saved_badge(saved: &HashSet<String>, key: &str) -> Markup {
    html! {
        @if saved.contains(key) { " " span.badge title="Saved in the dashboard; overrides the config file" { "saved" } }
    }
}

fn requirement(
    label: &str,
    key: &str,
    value: Requirement,
    saved: &HashSet<String>,
    hint: &str,
) -> Markup {
    let options = [
        (Requirement::Required, "required", "Required"),
        (Requirement::Optional, "optional", "Optional"),
        (Requirement::Off, "off", "Off"),
    ];
    html! {
        div.row {
            label for=(key) { (label) }
            select id=(key) name=(key) {
                @for (r, v, text) in options {
                    option value=(v) selected[r == value] { (text) }
                }
            }
            (saved_badge(saved, key))
        }
        p.hint { (hint) }
    }
}

fn colour(label: &str, key: &str, value: &str, saved: &HashSet<String>) -> Markup {
    html! {
        div.row {
            label for=(key) { (label) }
            input type="text" id=(key) name=(key) value=(value) placeholder="#6c47ff"
                pattern="#([0-9a-fA-F]{3}){1,2}" size="9";
            (saved_badge(saved, key))
        }
    }
}

fn checkbox(label: &str, key: &str, on: bool, saved: &HashSet<String>, hint: &str) -> Markup {
    html! {
        div.row {
            label {
                input type="checkbox" name=(key) checked[on];
                " " (label)
            }
            (saved_badge(saved, key))
        }
        p.hint { (hint) }
    }
}

fn form(signed: &Signed, s: &Settings, saved: &HashSet<String>, note: Option<Markup>) -> Markup {
    let ids = &s.identifiers;
    let f = &s.second_factors;
    let default_min = if s.mfa.required { 8 } else { 15 };
    html! {
        @if let Some(note) = note { (note) }
        p.hint {
            "Values saved here override the config file's; the file gives the defaults. "
            "Every instance sharing this database applies them within a second, without a restart."
        }
        form method="post" action="/dashboard/settings" {
            (layout::csrf_field(signed))
            section aria-labelledby="s-app" {
                h2 id="s-app" { "Application" }
                div.row {
                    label for="application_name" { "Application name" }
                    input type="text" id="application_name" name="application_name"
                        value=(s.application_name) maxlength="64" required;
                    (saved_badge(saved, "application_name"))
                }
                p.hint { "Shown on the sign-in and sign-up cards and in the emails users get." }
                (colour("Primary colour", "theme.primary_color", &s.theme.primary_color, saved))
                (colour("Background colour", "theme.background_color", &s.theme.background_color, saved))
                p.hint { "The hosted pages' colours (/sign-in, /sign-up, /user), as #rrggbb; empty: the components' own." }
            }
            section aria-labelledby="s-ids" {
                h2 id="s-ids" { "Identifiers" }
                (requirement("Email address", "identifiers.email_address", ids.email_address, saved, "Users sign up and sign in with an email address."))
                (requirement("Phone number", "identifiers.phone_number", ids.phone_number, saved, "Users sign up and sign in with a phone number."))
                (requirement("Username", "identifiers.username", ids.username, saved, "Users sign up and sign in with a username."))
                (requirement("First name", "identifiers.first_name", ids.first_name, saved, "Asked for at sign-up."))
                (requirement("Last name", "identifiers.last_name", ids.last_name, saved, "Asked for at sign-up."))
            }
            section aria-labelledby="s-pw" {
                h2 id="s-pw" { "Password" }
                div.row {
                    label for="password.min_length" { "Minimum length" }
                    input type="number" id="password.min_length" name="password.min_length"
                        min="8" max="128" value=[s.password.min_length] placeholder=(default_min);
                    (saved_badge(saved, "password.min_length"))
                }
                p.hint { "Empty: 15 characters, or 8 when multi-factor authentication is required (NIST 800-63B)." }
            }
            section aria-labelledby="s-mfa" {
                h2 id="s-mfa" { "2-step verification" }
                (checkbox("SMS verification code", "second_factors.phone_code", f.phone_code, saved, "A one-time code sent by text message to a phone the user added."))
                (checkbox("Authenticator application", "second_factors.totp", f.totp, saved, "A code from an authenticator app (TOTP, RFC 6238)."))
                (checkbox("Backup codes", "second_factors.backup_code", f.backup_code, saved, "Ten single-use codes for when the other methods are out of reach; needs one of them."))
                (checkbox("Email verification code", "second_factors.email_code", f.email_code, saved, "A one-time code sent to a verified email address the user reserved for two-step verification. Weaker than the others when the mailbox shares the password."))
                (checkbox("Passkeys", "passkeys.enabled", s.passkeys.enabled, saved, "Sign-in without a password, and a second factor a phishing page cannot relay (WebAuthn). Production also needs [passkeys] rp_id and origins in the settings file."))
                (checkbox("Require multi-factor authentication", "mfa.required", s.mfa.required, saved, "Every user must set up a second factor; until then their session is pending with the set-up-MFA task."))
                div.row {
                    label for="mfa.remember_device_days" { "Remember a device for (days)" }
                    input type="number" id="mfa.remember_device_days" name="mfa.remember_device_days"
                        min="0" max="365" value=(s.mfa.remember_device_days);
                    (saved_badge(saved, "mfa.remember_device_days"))
                }
                p.hint { "0: off. Otherwise, after the second factor, users may tick \"Don't ask again on this device\": the password alone signs them in on that browser until then, or until their password or second factors change, the device is signed out from their profile, or an administrator resets them." }
                (checkbox("Remember devices of users who must have 2-step verification", "mfa.remember_device_when_required", s.mfa.remember_device_when_required, saved, "Off: users for whom it is required (everyone, or by an administrator) are asked at every sign-in."))
            }
            section aria-labelledby="s-user" {
                h2 id="s-user" { "Users" }
                (checkbox("Allow users to delete their accounts", "user.delete_self", s.user.delete_self, saved, "\"Delete account\" in the user profile: after verifying again, the user deletes the account and everything of it, for good; its primary email address is told."))
            }
            p { button.primary type="submit" { "Apply Changes" } }
        }
        @if !saved.is_empty() {
            form method="post" action="/dashboard/settings/forget" {
                (layout::csrf_field(signed))
                p.hint { "Saved values: " (saved.len()) ". " }
                button type="submit" { "Use the config file's values again" }
            }
        }
    }
}
