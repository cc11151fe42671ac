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
    store::{self, sessions::NewSession},
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
        pending: starts_pending(state, owner).await?,
    })
}

/// MFA is required of the user (of everyone, or of them by an administrator) and
/// they have no second factor yet: the session waits on the `setup-mfa` task.
async fn starts_pending(state: &AppState, owner: Owner<'_>) -> ApiResult<bool> {
    let settings = state.settings();
    Ok(match owner {
        Owner::NewAccount => settings.mfa.required,
        Owner::User(user_id) => {
            let Some(user) = store::users::get(&state.db, user_id).await? else {
                return Ok(false);
            };
            if !required_for(&settings, &user) {
                return Ok(false);
            }
            let idents = store::identifications::list_for_user(&state.db, user_id).await?;
            let totp = store::totps::enabled(&state.db, user_id).await?;
            !factors::two_factor_enabled(&settings, &idents, totp)
        }
    })
}
