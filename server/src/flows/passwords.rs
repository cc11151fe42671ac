use crate::{
    config::Settings,
    error::{ApiError, ApiResult},
    ids::now_ms,
    passwords::{length, Checked},
    state::AppState,
    store::{self, users::UserRow},
};

/// Refuses a locked account before any secret is checked.
pub fn ensure_unlocked(user: &UserRow) -> ApiResult<()> {
    match user.locked_for(now_ms()) {
        Some(seconds) => Err(ApiError::user_locked(seconds)),
        None => Ok(()),
    }
}

/// Counts one failure; answers `user_locked` if this one locked the account.
pub async fn count_failure(state: &AppState, user_id: &str) -> ApiResult<()> {
    let lockout = &state.settings.lockout;
    if !lockout.enabled {
        return Ok(());
    }
    let lock_ms = lockout.duration_minutes as i64 * 60_000;
    if let Some(until) =
        store::users::record_failure(&state.db, user_id, lockout.max_attempts, lock_ms).await?
    {
        tracing::warn!(user = user_id, "account locked after too many failures");
        return Err(ApiError::user_locked((until - now_ms() + 999) / 1000));
    }
    Ok(())
}

/// Checks a password against an account (or, with none, spends the same time and
/// fails). A wrong password counts toward the lockout.
pub async fn check(
    state: &AppState,
    user: Option<&UserRow>,
    password: &str,
    wrong: fn() -> ApiError,
) -> ApiResult<()> {
    if let Some(u) = user {
        ensure_unlocked(u)?;
    }
    let stored = user.and_then(|u| u.password_hash.as_deref());
    match state.passwords.check(password, stored).await {
        Checked::Right => {
            let u = user.expect("a right password has an account");
            store::users::reset_failures(&state.db, &u.id).await?;
            Ok(())
        }
        Checked::RightRehashed(hash) => {
            let u = user.expect("a right password has an account");
            store::users::upgrade_password_hash(&state.db, &u.id, &hash).await?;
            store::users::reset_failures(&state.db, &u.id).await?;
            Ok(())
        }
        Checked::Wrong => {
            if let Some(u) = user {
                count_failure(state, &u.id).await?;
            }
            Err(wrong())
        }
    }
}

/// NIST 800-63B-4: length only, no composition rules, nothing that just repeats
/// the identifier or the application's name.
pub fn validate_new(
    settings: &Settings,
    param: &str,
    password: &str,
    context: &[&str],
) -> ApiResult<()> {
    let n = length(password);
    let (min, max) = (
        settings.password_min_length(),
        settings.password_max_length(),
    );
    if n < min {
        return Err(ApiError::password_too_short(param, min));
    }
    if n > max {
        return Err(ApiError::password_too_long(param, max));
    }
    let lower = password.to_lowercase();
    let app = settings.application_name.to_lowercase();
    let repeats = |word: &str| !word.is_empty() && lower.trim() == word;
    let local_parts = context
        .iter()
        .map(|c| c.split('@').next().unwrap_or(c).to_lowercase());
    if repeats(&app)
        || context.iter().any(|c| repeats(&c.to_lowercase()))
        || local_parts.into_iter().any(|c| repeats(&c))
    {
        return Err(ApiError::password_guessable(param));
    }
    Ok(())
}
