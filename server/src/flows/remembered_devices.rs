//! "Don't ask again on this device": after a right second factor a user may have
//! their client remembered for `[mfa] remember_device_days`; a later password
//! sign-in of that user on that client then skips the second factor. Only that
//! client and that user; never for a user who must have two-step verification
//! unless `remember_device_when_required` says so.

use super::mfa_required::required_for;
use crate::{
    error::ApiResult,
    ids::now_ms,
    state::AppState,
    store::{self, users::UserRow},
};

/// Whether remembering a device is on for `user`.
fn offered_to(state: &AppState, user: &UserRow) -> bool {
    let settings = state.settings();
    settings.mfa.remember_device_days > 0
        && (!required_for(&settings, user) || settings.mfa.remember_device_when_required)
}

/// Remembers `client_id` for `user` after their right second factor, when offered.
pub async fn remember(state: &AppState, client_id: &str, user: &UserRow) -> ApiResult<()> {
    if !offered_to(state, user) {
        return Ok(());
    }
    let days = state.settings().mfa.remember_device_days as i64;
    let until = now_ms() + days * 86_400_000;
    store::remembered_devices::remember(&state.db, client_id, &user.id, until).await?;
    Ok(())
}

/// Whether a password sign-in of `user` on `client_id` may skip the second factor.
pub async fn skips_second_factor(
    state: &AppState,
    client_id: &str,
    user: &UserRow,
) -> ApiResult<bool> {
    if !offered_to(state, user) {
        return Ok(false);
    }
    let period_ms = state.settings().mfa.remember_device_days as i64 * 86_400_000;
    Ok(store::remembered_devices::is_remembered(&state.db, client_id, &user.id, period_ms).await?)
}

/// Forgets every remembered device of a user: their password or second factors
/// changed, or an administrator acted on the account.
pub async fn forget_all(state: &AppState, user_id: &str) -> ApiResult<()> {
    store::remembered_devices::forget_user(&state.db, user_id).await?;
    Ok(())
}
