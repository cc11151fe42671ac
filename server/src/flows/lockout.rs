//! Account lockout: 10 failed passwords and codes together lock an account for an
//! hour (fapi.md §0). Every attempt at a secret is counted *before* it is checked,
//! so a parallel burst gets no more tries than the limit; a right password only
//! takes its own attempt back, and only a finished sign-in (every factor passed)
//! clears the count, so knowing the password does not buy fresh guesses at the code.

use crate::{
    error::{ApiError, ApiResult},
    ids::now_ms,
    state::AppState,
    store::{
        self,
        users::{Reservation, UserRow},
    },
};

/// One admitted attempt at a secret of an account.
#[must_use = "say how the attempt went: right(), wrong() or not_checked()"]
pub struct Attempt {
    /// `None` when lockout is off.
    user_id: Option<String>,
    /// Set when this attempt was the last try: a wrong answer locks until then.
    locks_until: Option<i64>,
}

/// Counts an attempt at `user`'s password or code, or refuses a locked account.
pub async fn admit(state: &AppState, user: &UserRow) -> ApiResult<Attempt> {
    let lockout = &state.settings.lockout;
    if !lockout.enabled {
        return Ok(Attempt {
            user_id: None,
            locks_until: None,
        });
    }
    let lock_ms = lockout.duration_minutes as i64 * 60_000;
    match store::users::reserve_attempt(&state.db, &user.id, lockout.max_attempts, lock_ms).await? {
        Reservation::Locked { until } => Err(ApiError::user_locked(seconds_until(until))),
        Reservation::Admitted { locked_until, .. } => Ok(Attempt {
            user_id: Some(user.id.clone()),
            locks_until: locked_until,
        }),
    }
}

impl Attempt {
    /// The secret was wrong: it stays counted. The error to answer is `user_locked`
    /// when this was the last try, else `error`.
    pub fn wrong(self, error: ApiError) -> ApiError {
        match self.locks_until {
            Some(until) => {
                tracing::warn!(user = ?self.user_id, "account locked after too many failures");
                ApiError::user_locked(seconds_until(until))
            }
            None => error,
        }
    }

    /// The secret was right (or was not compared at all): the attempt is taken back.
    pub async fn right(self, state: &AppState) -> ApiResult<()> {
        if let Some(id) = &self.user_id {
            store::users::refund_attempt(&state.db, id, state.settings.lockout.max_attempts)
                .await?;
        }
        Ok(())
    }
}

/// A sign-in finished with every factor passed: the count starts again.
pub async fn clear(state: &AppState, user_id: &str) -> ApiResult<()> {
    store::users::reset_failures(&state.db, user_id).await?;
    Ok(())
}

fn seconds_until(until: i64) -> i64 {
    ((until - now_ms() + 999) / 1000).max(1)
}
