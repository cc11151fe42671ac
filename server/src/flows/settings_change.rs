//! "Apply Changes" in the dashboard: checks new settings as the server checks its
//! file at start, refuses to switch off a second factor accounts still use, saves
//! what differs from the file and applies it here at once (other instances within
//! a second, see `live_settings`).

use serde_json::Value;

use crate::{
    config::Settings,
    editable_settings::{self, value_of, KEYS},
    state::AppState,
    store,
};

/// Why new settings were refused; nothing was saved.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("{0}")]
    Invalid(String),
    #[error("{method} cannot be turned off: these accounts use it for two-step verification: {users}. Reset their second factors first (Users), or leave it on.")]
    InUse { method: &'static str, users: String },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// One setting that changed: key, before, after.
pub type Changed = (String, Value, Value);

/// Saves `next` (the settings in force with the form's values) if the server would
/// run with them; returns what changed.
pub async fn apply(state: &AppState, next: &Settings, by: &str) -> Result<Vec<Changed>, Refused> {
    next.validate()
        .map_err(|e| Refused::Invalid(e.to_string()))?;
    if next.password.min_length.is_some_and(|n| n < 8) {
        return Err(Refused::Invalid(
            "the minimum password length is at least 8 characters".into(),
        ));
    }
    let now = state.settings();
    if now.second_factors.phone_code && !next.second_factors.phone_code {
        let users = store::identifications::users_with_sms_second_factor(&state.db, 11).await?;
        in_use("SMS verification code", users)?;
    }
    if now.second_factors.email_code && !next.second_factors.email_code {
        let users = store::identifications::users_with_code_second_factor(
            &state.db,
            store::identifications::EMAIL,
            11,
        )
        .await?;
        in_use("Email verification code", users)?;
    }
    if now.passkeys.enabled && !next.passkeys.enabled {
        let users = store::passkeys::users_with_passkeys(&state.db, 11).await?;
        in_use("Passkeys", users)?;
    }
    if now.second_factors.totp && !next.second_factors.totp {
        let users = store::totps::users_with_totp(&state.db, 11).await?;
        in_use("Authenticator application", users)?;
    }
    let base = state.live.base();
    let mut save = Vec::new();
    let mut forget = Vec::new();
    let mut changed = Vec::new();
    for key in KEYS {
        let value = value_of(next, key);
        if value != value_of(base, key) {
            save.push((key.to_owned(), value.clone()));
        } else {
            forget.push(key.to_owned());
        }
        let before = value_of(&now, key);
        if before != value {
            changed.push((key.to_owned(), before, value));
        }
    }
    store::instance_settings::replace(&state.db, &save, &forget, by).await?;
    state.live.reload(&state.db).await?;
    Ok(changed)
}

fn in_use(method: &'static str, users: Vec<String>) -> Result<(), Refused> {
    if users.is_empty() {
        return Ok(());
    }
    let more = if users.len() > 10 { " and more" } else { "" };
    let list = users.into_iter().take(10).collect::<Vec<_>>().join(", ");
    Err(Refused::InUse {
        method,
        users: format!("{list}{more}"),
    })
}

/// Forgets every saved value: the file's settings apply again, if they still fit
/// the accounts (the same checks as a change).
pub async fn forget_all(state: &AppState, by: &str) -> Result<Vec<Changed>, Refused> {
    let base = state.live.base().clone();
    let changed = apply(state, &base, by).await?;
    // The Developers page's lists are not the form's: they stay.
    store::instance_settings::clear_except(&state.db, &editable_settings::LISTS).await?;
    state.live.reload(&state.db).await?;
    Ok(changed)
}
