//! Account lockout: 10 failed passwords and codes together lock an account for an
//! hour (fapi.md §0). Every attempt at a secret is counted *before* it is checked,
//! so a parallel burst gets no more tries than the limit; a right password only
//! takes its own attempt back, and only a finished sign-in (every factor passed)
//! clears the count, so knowing the password does not buy fresh guesses at the code.
//!
//! Codes no account covers (sign-up and `/v1/me` verifications) are counted per
//! target instead — the address or number they went to — across verifications, so
//! asking for a new code buys no fresh guesses either.

use crate::{
    error::{ApiError, ApiResult},
    ids::now_ms,
    state::AppState,
    store::{
        self, target_failures,
        users::{Reservation, UserRow},
    },
};

/// Whose tries an attempt counts against.
enum Subject {
    /// Lockout is off.
    Nobody,
    User(String),
    Target(String),
    /// An identifier no account has, under enumeration protection: it locks like
    /// an account, so a lock tells nothing.
    Identifier(String),
}

/// One admitted attempt at a secret of an account, or at a code sent to a target.
#[must_use = "say how the attempt went: right() or wrong()"]
pub struct Attempt {
    subject: Subject,
    /// Set when this attempt was the last try: a wrong answer locks until then.
    locks_until: Option<i64>,
}

/// Counts an attempt at `user`'s password or code, or refuses a locked account.
pub async fn admit(state: &AppState, user: &UserRow) -> ApiResult<Attempt> {
    let lockout = &state.settings().lockout;
    if !lockout.enabled {
        return Ok(Attempt::uncounted());
    }
    let lock_ms = lockout.duration_minutes as i64 * 60_000;
    match store::users::reserve_attempt(&state.db, &user.id, lockout.max_attempts, lock_ms).await? {
        Reservation::Locked { until } if until >= store::users::ADMIN_LOCK_UNTIL => {
            Err(ApiError::user_locked_by_admin())
        }
        Reservation::Locked { until } => Err(ApiError::user_locked(seconds_until(until))),
        Reservation::Admitted { locked_until, .. } => Ok(Attempt {
            subject: Subject::User(user.id.clone()),
            locks_until: locked_until,
        }),
    }
}

fn identifier_key(identifier: &str) -> String {
    format!("sign_in:{identifier}")
}

/// Counts a try at a secret for an identifier no account has (enumeration
/// protection), or refuses it as `user_locked`, exactly as for an account.
pub async fn admit_identifier(state: &AppState, identifier: &str) -> ApiResult<Attempt> {
    let lockout = &state.settings().lockout;
    if !lockout.enabled {
        return Ok(Attempt::uncounted());
    }
    let key = identifier_key(identifier);
    let window_ms = lockout.duration_minutes as i64 * 60_000;
    match target_failures::reserve(&state.db, &key, lockout.max_attempts, window_ms).await? {
        target_failures::Reservation::Locked { until } => {
            Err(ApiError::user_locked(seconds_until(until)))
        }
        target_failures::Reservation::Admitted { locked_until } => Ok(Attempt {
            subject: Subject::Identifier(key),
            locks_until: locked_until,
        }),
    }
}

/// Refuses, as `user_locked`, an unknown identifier locked like an account.
pub async fn ensure_identifier_unlocked(state: &AppState, identifier: &str) -> ApiResult<()> {
    match target_failures::locked_until(&state.db, &identifier_key(identifier)).await? {
        Some(until) if until > now_ms() => Err(ApiError::user_locked(seconds_until(until))),
        _ => Ok(()),
    }
}

/// Counts a try at a code sent to `target` (no account's lockout covers it), or
/// refuses with 429 while the target has had too many wrong codes.
pub async fn admit_target(state: &AppState, target: &str) -> ApiResult<Attempt> {
    let lockout = &state.settings().lockout;
    if !lockout.enabled {
        return Ok(Attempt::uncounted());
    }
    let window_ms = lockout.duration_minutes as i64 * 60_000;
    match target_failures::reserve(&state.db, target, lockout.max_attempts, window_ms).await? {
        target_failures::Reservation::Locked { until } => {
            Err(ApiError::too_many_requests(seconds_until(until) as u64))
        }
        target_failures::Reservation::Admitted { locked_until } => Ok(Attempt {
            subject: Subject::Target(target.to_owned()),
            locks_until: locked_until,
        }),
    }
}

impl Attempt {
    fn uncounted() -> Attempt {
        Attempt {
            subject: Subject::Nobody,
            locks_until: None,
        }
    }

    /// The secret was wrong: it stays counted. The error to answer is the lock
    /// (`user_locked` for an account, 429 for a target) when this was the last
    /// try, else `error`.
    pub fn wrong(self, error: ApiError) -> ApiError {
        let Some(until) = self.locks_until else {
            return error;
        };
        match &self.subject {
            Subject::User(id) => {
                tracing::warn!(user = %id, "account locked after too many failures");
                ApiError::user_locked(seconds_until(until))
            }
            Subject::Identifier(_) => ApiError::user_locked(seconds_until(until)),
            Subject::Target(target) => {
                tracing::warn!(%target, "codes to this target locked after too many failures");
                ApiError::too_many_requests(seconds_until(until) as u64)
            }
            Subject::Nobody => error,
        }
    }

    /// The secret was not wrong (right, or never compared): the attempt is taken
    /// back. `verified`: a target whose code was right starts again from nothing.
    pub async fn right(self, state: &AppState, verified: bool) -> ApiResult<()> {
        let max = state.settings().lockout.max_attempts;
        match &self.subject {
            Subject::User(id) => store::users::refund_attempt(&state.db, id, max).await?,
            Subject::Target(t) if verified => target_failures::clear(&state.db, t).await?,
            Subject::Target(t) | Subject::Identifier(t) => {
                target_failures::refund(&state.db, t, max).await?
            }
            Subject::Nobody => {}
        }
        Ok(())
    }
}

impl Attempt {
    /// The secret was right and it finishes a sign-in (or step-up): the account's
    /// whole count starts again, in the write that finishes it (the caller's: the
    /// session's transaction, or [`clear`]), so nothing is written here for an
    /// account. A lost race to finish leaves this one try counted, which is harmless.
    pub async fn right_and_done(self, state: &AppState) -> ApiResult<()> {
        match &self.subject {
            Subject::User(_) => Ok(()),
            _ => self.right(state, true).await,
        }
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
