//! Step-up ("verify it's you"): a stolen session alone must not turn two-step
//! verification off, swap the password or take over the email. Sensitive changes
//! need the session's first factor, and its second when the user has one, verified
//! within `session.reverification_seconds`; otherwise 403
//! `session_reverification_required`, and the client runs a reverification
//! (`/v1/client/sessions/{id}/verify`) and retries.

use fapi_types::SessionVerificationLevel;

use crate::{
    error::{ApiError, ApiResult},
    factors,
    ids::now_ms,
    state::AppState,
    store::{self, sessions::SessionRow},
};

/// Whether the session's verifications are recent enough for a sensitive change.
pub async fn require_fresh(state: &AppState, session: &SessionRow) -> ApiResult<()> {
    let window = state.settings().session.reverification_seconds as i64 * 1000;
    let now = now_ms();
    let fresh = |at: i64| now - at < window;
    let idents = store::identifications::list_for_user(&state.db, &session.user_id).await?;
    let totp = store::totps::enabled(&state.db, &session.user_id).await?;
    let second_needed = factors::two_factor_enabled(&state.settings(), &idents, totp);
    let first_ok = fresh(session.first_factor_at);
    let second_ok = !second_needed || session.second_factor_at.is_some_and(fresh);
    if first_ok && second_ok {
        Ok(())
    } else {
        Err(ApiError::reverification_required())
    }
}

/// The level a reverification runs at: what the change gate demands (the first
/// factor, then the second when the user has one), whatever weaker level was asked,
/// so that completing it always opens the gate. A user without a second factor
/// falls back to the first, as Clerk does.
pub fn effective_level(
    _requested: SessionVerificationLevel,
    has_second_factor: bool,
) -> SessionVerificationLevel {
    if has_second_factor {
        SessionVerificationLevel::MultiFactor
    } else {
        SessionVerificationLevel::FirstFactor
    }
}
