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

/// Whether the session's verifications are recent enough for a sensitive change, at
/// the instance's `session.reverification_level`. The refusal names that level and
/// the window (`meta.reverification`), so a client can ask for exactly it.
pub async fn require_fresh(state: &AppState, session: &SessionRow) -> ApiResult<()> {
    let settings = state.settings();
    let window = settings.session.reverification_seconds as i64 * 1000;
    let now = now_ms();
    let fresh = |at: i64| now - at < window;
    let idents = store::identifications::list_for_user(&state.db, &session.user_id).await?;
    let devices = factors::Devices::of(&state.db, &session.user_id).await?;
    let has_second = factors::two_factor_enabled(&settings, &idents, devices);
    let level = settings.session.reverification_level;
    let first_ok = fresh(session.first_factor_at);
    let second_ok = session.second_factor_at.is_some_and(fresh);
    let ok = match effective_level(level, has_second) {
        SessionVerificationLevel::FirstFactor => first_ok,
        SessionVerificationLevel::SecondFactor => second_ok,
        SessionVerificationLevel::MultiFactor => first_ok && second_ok,
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::reverification_required(
            level,
            settings.session.reverification_seconds.div_ceil(60) as i64,
        ))
    }
}

/// The level a reverification runs at: the one asked for, as Clerk does, except
/// that a user without a second factor is asked for the first instead.
pub fn effective_level(
    requested: SessionVerificationLevel,
    has_second_factor: bool,
) -> SessionVerificationLevel {
    if has_second_factor {
        requested
    } else {
        SessionVerificationLevel::FirstFactor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_asked_for_is_the_level_run() {
        use SessionVerificationLevel::*;
        for level in [FirstFactor, SecondFactor, MultiFactor] {
            assert_eq!(effective_level(level, true), level);
            assert_eq!(effective_level(level, false), FirstFactor);
        }
    }
}
