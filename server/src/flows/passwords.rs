use super::lockout;
use crate::{
    config::Settings,
    error::{ApiError, ApiResult},
    passwords::{length, Checked},
    state::AppState,
    store::{self, users::UserRow},
};

/// Checks a password against an account (or, with none, spends the same time and
/// fails). The attempt is counted toward the lockout before the hash is computed;
/// a right password takes it back, a wrong one leaves it counted.
///
/// Under enumeration protection, an `identifier` no account has is counted and
/// locked like an account (one write either way, and `user_locked` at the limit).
///
/// `finishes`: a right password completes the sign-in (no second factor to come);
/// the caller's finishing write clears the whole count (see
/// [`lockout::Attempt::right_and_done`]).
pub async fn check(
    state: &AppState,
    user: Option<&UserRow>,
    identifier: Option<&str>,
    source: &lockout::Source,
    password: &str,
    wrong: fn() -> ApiError,
    finishes: bool,
) -> ApiResult<()> {
    let attempt = match (user, identifier) {
        (Some(u), _) => Some(lockout::admit(state, u, source).await?),
        (None, Some(i)) if state.settings().enumeration_protection => {
            Some(lockout::admit_identifier(state, i, source).await?)
        }
        (None, _) => None,
    };
    let stored = user.and_then(|u| u.password_hash.as_deref());
    let checked = state.passwords.check(password, stored).await;
    let Some(u) = user else {
        return Err(match attempt {
            Some(attempt) => attempt.wrong(wrong()),
            None => wrong(),
        });
    };
    let Some(attempt) = attempt else {
        return Err(ApiError::internal());
    };
    if let Checked::RightRehashed(hash) = &checked {
        store::users::upgrade_password_hash(&state.db, &u.id, hash).await?;
    }
    match checked {
        Checked::Right | Checked::RightRehashed(_) if finishes => {
            attempt.right_and_done(state).await
        }
        Checked::Right | Checked::RightRehashed(_) => attempt.right(state, true).await,
        Checked::Wrong => Err(attempt.wrong(wrong())),
    }
}

/// NIST 800-63B-4: length only, no composition rules, nothing on the list of the
/// most common passwords, nothing that just repeats the identifier or the
/// application's name.
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
    if crate::common_passwords::is_common(password) {
        return Err(ApiError::password_pwned(param));
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

/// Replaces `user`'s password with `password` (checked by [`validate_new`], the
/// form field named `param`): see [`apply_new`].
pub async fn set_new(
    state: &AppState,
    user: &UserRow,
    param: &str,
    password: &str,
) -> ApiResult<()> {
    let hash = hash_new(state, user, param, password).await?;
    apply_new(state, user, &hash).await
}

/// Checks a new password of `user` (the form field named `param`) and hashes it.
pub async fn hash_new(
    state: &AppState,
    user: &UserRow,
    param: &str,
    password: &str,
) -> ApiResult<String> {
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let context: Vec<&str> = idents
        .iter()
        .map(|i| i.value.as_str())
        .chain(user.username.as_deref())
        .collect();
    validate_new(&state.settings(), param, password, &context)?;
    Ok(state.passwords.hash(password).await)
}

/// Makes `hash` the password of `user`, whichever way they got here (a change in the
/// profile, a reset, the `reset-password` task): the devices remembered under the
/// old one are forgotten, and an administrator's request for a new one is met.
pub async fn apply_new(state: &AppState, user: &UserRow, hash: &str) -> ApiResult<()> {
    store::users::set_password(&state.db, &user.id, hash).await?;
    super::remembered_devices::forget_all(state, &user.id).await?;
    super::account_recovery::cancel_by_password_change(state, &user.id).await?;
    super::new_session::password_chosen(state, user).await
}
