//! The one place a session is shaped before it is created, whichever path made it
//! (password, code, second factor, new-device check, sign-up): its lifetimes come from
//! the settings, and whether it starts `pending` comes from the user, so that no path
//! can hand out an `active` session that `[mfa] required` should hold back.

use super::mfa_required::required_for;
use crate::{
    error::ApiResult,
    factors,
    http::Identity,
    state::AppState,
    store::{
        self,
        sessions::{NewSession, RESET_PASSWORD, SETUP_MFA},
        users::{Requirement, UserRow},
    },
};

/// Whose session it is.
pub enum Owner<'a> {
    /// An account being created: it has no second factor yet.
    NewAccount,
    /// An existing user, by id.
    User(&'a str),
}

/// A session for `owner` on `client_id`, first factor `strategy`. `ip` is the caller's
/// (`Identity::ip_string`), held by the caller because the session borrows it.
pub async fn new_session<'a>(
    state: &AppState,
    identity: &'a Identity,
    client_id: &'a str,
    ip: &'a Option<String>,
    strategy: &'a str,
    owner: Owner<'_>,
) -> ApiResult<NewSession<'a>> {
    let settings = state.settings();
    Ok(NewSession {
        client_id,
        ip_address: ip.as_deref(),
        user_agent: identity.user_agent(),
        strategy,
        lifetime_ms: settings.session.lifetime_hours as i64 * 3_600_000,
        idle_ms: settings.session.idle_minutes as i64 * 60_000,
        task: first_task(state, owner).await?,
    })
}

/// The task a new session waits on: a new password an administrator asked for
/// (`reset-password`), else a second factor MFA requires of a user who has none
/// (`setup-mfa`); `None`: the session starts active.
async fn first_task(state: &AppState, owner: Owner<'_>) -> ApiResult<Option<&'static str>> {
    let settings = state.settings();
    let user_id = match owner {
        Owner::NewAccount => return Ok(settings.mfa.required.then_some(SETUP_MFA)),
        Owner::User(user_id) => user_id,
    };
    let Some(user) = store::users::get(&state.db, user_id).await? else {
        return Ok(None);
    };
    if user.password_reset_required_at.is_some() {
        return Ok(Some(RESET_PASSWORD));
    }
    Ok(needs_second_factor(state, &user)
        .await?
        .then_some(SETUP_MFA))
}

/// The user chose a new password: an administrator's request for one is met, and
/// their sessions waiting on it go on (to `setup-mfa` when MFA still needs a factor).
pub async fn password_chosen(state: &AppState, user: &UserRow) -> ApiResult<()> {
    if user.password_reset_required_at.is_none() {
        return Ok(());
    }
    store::users::set_required(&state.db, &user.id, Requirement::NewPassword, false).await?;
    let next = needs_second_factor(state, user).await?.then_some(SETUP_MFA);
    store::sessions::finish_reset_password_task(&state.db, &user.id, next).await?;
    Ok(())
}

/// `user` has no second factor and must set one up: MFA is required of them (of
/// everyone, or of them by an administrator), or an account recovery took their
/// factors away since they last turned two-step verification on (a recovery never
/// leaves an account that had it without it, required or not).
pub async fn needs_second_factor(state: &AppState, user: &UserRow) -> Result<bool, sqlx::Error> {
    let settings = state.settings();
    let recovered = || {
        let since = user.mfa_enabled_at.unwrap_or(0);
        store::account_recoveries::completed_since(&state.db, &user.id, since)
    };
    if !required_for(&settings, user) && !recovered().await? {
        return Ok(false);
    }
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let devices = factors::Devices::of(&state.db, &user.id).await?;
    Ok(!factors::two_factor_enabled(&settings, &idents, devices))
}
