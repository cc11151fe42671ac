//! `[mfa] required` (every user), or an administrator's requirement of one user: a
//! second factor is a must. Until one is on, a session is `pending` with the
//! `setup-mfa` task and may only set one up; once on, the last one cannot be removed.

use crate::{
    config::Settings,
    error::{ApiError, ApiResult},
    store::{sessions::SessionRow, users::UserRow},
};

/// Whether `user` must have a second factor: everyone must, or an administrator
/// requires it of them.
pub fn required_for(settings: &Settings, user: &UserRow) -> bool {
    settings.mfa.required || user.mfa_required_at.is_some()
}

/// Refuses what a pending session may not do: anything but setting up a second factor
/// (and reading the account, verifying a phone for it, stepping up, signing out).
pub fn require_active(session: &SessionRow) -> ApiResult<()> {
    if session.status == "pending" {
        return Err(ApiError::session_task_pending());
    }
    Ok(())
}

/// Refuses removing `removing` when it is the user's only second factor and MFA is
/// required of them (`required`, from [`required_for`]). `before` lists the user's
/// second factors (phones, and the app's marker).
pub fn keep_a_second_factor(required: bool, before: &[String], removing: &str) -> ApiResult<()> {
    if required && !before.is_empty() && before.iter().all(|f| f == removing) {
        return Err(ApiError::mfa_required_last_factor());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_factor_stays_only_when_required() {
        let one = ["+14155550100".to_owned()];
        assert!(keep_a_second_factor(false, &one, "+14155550100").is_ok());
        assert!(keep_a_second_factor(true, &one, "+14155550100").is_err());
        let two = ["+14155550100".to_owned(), "authenticator app".to_owned()];
        assert!(keep_a_second_factor(true, &two, "+14155550100").is_ok());
        assert!(keep_a_second_factor(true, &one, "+14155550199").is_ok());
    }
}
