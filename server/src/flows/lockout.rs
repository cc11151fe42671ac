//! Account lockout, without handing attackers a switch that locks the owner out.
//!
//! Failed passwords and codes are counted twice:
//! - **per source**: a device the user has signed in on (a trusted client, or the
//!   client of a live session) has a budget of its own; any other request counts
//!   under its address (IPv4, or the IPv6 /64). `[lockout] max_attempts` (10)
//!   failures lock that source out of that account for `duration_minutes`;
//! - **per account**: `account_max_attempts` (100, NIST 800-63B's ceiling) failures
//!   from all sources lock the account for sources that are *not* a known device.
//!
//! So an attacker who knows an identifier locks out only their own address, and a
//! distributed one only new devices: the owner's known devices and live sessions go on.
//! Every attempt is counted *before* it is checked, so a parallel burst gets no more
//! tries than the limit; a right password only takes its own attempt back, and only
//! a finished sign-in (every factor passed) clears the counts, so knowing the
//! password does not buy fresh guesses at the code.
//!
//! Codes no account covers (sign-up and `/v1/me` verifications) are counted per
//! target instead — the address or number they went to — across verifications, so
//! asking for a new code buys no fresh guesses either.

use crate::{
    error::{ApiError, ApiResult},
    http::{client_ip::limit_key, Identity},
    ids::now_ms,
    state::AppState,
    store::{
        self,
        sessions::SessionRow,
        target_failures,
        users::{Reservation, UserRow, ADMIN_LOCK_UNTIL},
    },
};

/// Where an attempt at an account's secrets comes from.
#[derive(Debug, Clone)]
pub struct Source {
    key: String,
    /// A device the user has signed in on: the account-wide lock does not stop it.
    known_device: bool,
}

impl Source {
    /// The caller: its client when this user has signed in on it, else its address.
    pub async fn of(
        state: &AppState,
        identity: &Identity,
        user_id: Option<&str>,
    ) -> ApiResult<Source> {
        if let (Some(client), Some(user)) = (identity.client_id(), user_id) {
            if store::trusted_clients::is_trusted(&state.db, &client, user).await? {
                return Ok(Source::known_client(&client));
            }
        }
        Ok(Source {
            key: match identity.ip() {
                Some(ip) => format!("ip:{}", limit_key(ip)),
                None => "ip:unknown".into(),
            },
            known_device: false,
        })
    }

    /// A live session of the user (step-up): its client holds a session, so it is a
    /// known device.
    pub fn session(session: &SessionRow) -> Source {
        Source::known_client(&session.client_id)
    }

    fn known_client(client_id: &str) -> Source {
        Source {
            key: format!("client:{client_id}"),
            known_device: true,
        }
    }

    fn counter(&self, subject: &str) -> String {
        format!("lockout:{subject}:{}", self.key)
    }
}

/// Whose tries an attempt counts against.
enum Subject {
    /// Lockout is off.
    Nobody,
    /// An account: its per-source counter, and whether the account-wide count took
    /// this try too (not while that lock is on and the source is a known device).
    User {
        id: String,
        source: String,
        account_counted: bool,
    },
    Target(String),
    /// An identifier no account has, under enumeration protection: it locks like
    /// an account from an unknown device, so a lock tells nothing.
    Identifier {
        account: String,
        source: String,
    },
}

/// One admitted attempt at a secret of an account, or at a code sent to a target.
#[must_use = "say how the attempt went: right() or wrong()"]
pub struct Attempt {
    subject: Subject,
    /// Set when this attempt was the last try: a wrong answer locks until then.
    locks_until: Option<i64>,
}

fn lock_ms(state: &AppState) -> i64 {
    state.settings().lockout.duration_minutes as i64 * 60_000
}

/// Counts an attempt at `user`'s password or code from `source`, or refuses it
/// when the account is locked for that source.
pub async fn admit(state: &AppState, user: &UserRow, source: &Source) -> ApiResult<Attempt> {
    let lockout = state.settings().lockout.clone();
    if user.admin_locked() {
        return Err(ApiError::user_locked_by_admin());
    }
    if !lockout.enabled {
        return Ok(Attempt::uncounted());
    }
    let counter = source.counter(&user.id);
    let by_source = reserve_source(state, &counter).await?;
    let account = store::users::reserve_attempt(
        &state.db,
        &user.id,
        lockout.account_max_attempts,
        lock_ms(state),
    )
    .await?;
    let (account_counted, by_account) = match account {
        Reservation::Locked { until } if until >= ADMIN_LOCK_UNTIL || !source.known_device => {
            target_failures::refund(&state.db, &counter, lockout.max_attempts).await?;
            return Err(if until >= ADMIN_LOCK_UNTIL {
                ApiError::user_locked_by_admin()
            } else {
                ApiError::user_locked(seconds_until(until))
            });
        }
        // Locked for new devices; this one is the owner's.
        Reservation::Locked { .. } => (false, None),
        Reservation::Admitted { locked_until, .. } => {
            (true, locked_until.filter(|_| !source.known_device))
        }
    };
    Ok(Attempt {
        subject: Subject::User {
            id: user.id.clone(),
            source: counter,
            account_counted,
        },
        locks_until: by_source.or(by_account),
    })
}

/// Counts a try against one source's counter, or refuses it while that source is
/// locked out; `Some(until)` when this try is the one that locks it.
async fn reserve_source(state: &AppState, counter: &str) -> ApiResult<Option<i64>> {
    let max = state.settings().lockout.max_attempts;
    match target_failures::reserve(&state.db, counter, max, lock_ms(state)).await? {
        target_failures::Reservation::Locked { until } => {
            Err(ApiError::user_locked(seconds_until(until)))
        }
        target_failures::Reservation::Admitted { locked_until } => Ok(locked_until),
    }
}

/// Refuses, before any code is sent or secret checked, an account that is locked
/// for `source` (by an administrator, for this source, or for every new device).
pub async fn ensure_unlocked(state: &AppState, user: &UserRow, source: &Source) -> ApiResult<()> {
    if user.admin_locked() {
        return Err(ApiError::user_locked_by_admin());
    }
    let now = now_ms();
    if !source.known_device {
        if let Some(seconds) = user.locked_for(now) {
            return Err(ApiError::user_locked(seconds));
        }
    }
    match target_failures::locked_until(&state.db, &source.counter(&user.id)).await? {
        Some(until) if until > now => Err(ApiError::user_locked(seconds_until(until))),
        _ => Ok(()),
    }
}

fn identifier_key(identifier: &str) -> String {
    format!("sign_in:{identifier}")
}

/// Counts a try at a secret for an identifier no account has (enumeration
/// protection), or refuses it as `user_locked`, exactly as for an account reached
/// from a new device.
pub async fn admit_identifier(
    state: &AppState,
    identifier: &str,
    source: &Source,
) -> ApiResult<Attempt> {
    let lockout = state.settings().lockout.clone();
    if !lockout.enabled {
        return Ok(Attempt::uncounted());
    }
    let account = identifier_key(identifier);
    let counter = source.counter(&account);
    let by_source = reserve_source(state, &counter).await?;
    let by_account = match target_failures::reserve(
        &state.db,
        &account,
        lockout.account_max_attempts,
        lock_ms(state),
    )
    .await?
    {
        target_failures::Reservation::Locked { until } => {
            target_failures::refund(&state.db, &counter, lockout.max_attempts).await?;
            return Err(ApiError::user_locked(seconds_until(until)));
        }
        target_failures::Reservation::Admitted { locked_until } => locked_until,
    };
    Ok(Attempt {
        subject: Subject::Identifier {
            account,
            source: counter,
        },
        locks_until: by_source.or(by_account),
    })
}

/// Refuses, as `user_locked`, an unknown identifier locked like an account.
pub async fn ensure_identifier_unlocked(
    state: &AppState,
    identifier: &str,
    source: &Source,
) -> ApiResult<()> {
    let account = identifier_key(identifier);
    let now = now_ms();
    for key in [source.counter(&account), account] {
        match target_failures::locked_until(&state.db, &key).await? {
            Some(until) if until > now => return Err(ApiError::user_locked(seconds_until(until))),
            _ => {}
        }
    }
    Ok(())
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
            Subject::User { id, source, .. } => {
                tracing::warn!(user = %id, %source, "sign-in locked after too many failures");
                ApiError::user_locked(seconds_until(until))
            }
            Subject::Identifier { .. } => ApiError::user_locked(seconds_until(until)),
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
        let lockout = state.settings().lockout.clone();
        let (max, account_max) = (lockout.max_attempts, lockout.account_max_attempts);
        match &self.subject {
            Subject::User {
                id,
                source,
                account_counted,
            } => {
                target_failures::refund(&state.db, source, max).await?;
                if *account_counted {
                    store::users::refund_attempt(&state.db, id, account_max).await?;
                }
            }
            Subject::Target(t) if verified => target_failures::clear(&state.db, t).await?,
            Subject::Target(t) => target_failures::refund(&state.db, t, max).await?,
            Subject::Identifier { account, source } => {
                target_failures::refund(&state.db, source, max).await?;
                target_failures::refund(&state.db, account, account_max).await?;
            }
            Subject::Nobody => {}
        }
        Ok(())
    }

    /// The secret was right and it finishes a sign-in (or step-up): the counts start
    /// again. The account's is cleared in the write that finishes it (the caller's:
    /// the session's transaction, or [`clear`]); this source's is cleared here. A lost
    /// race to finish leaves this one try counted, which is harmless.
    pub async fn right_and_done(self, state: &AppState) -> ApiResult<()> {
        match &self.subject {
            Subject::User { source, .. } => {
                target_failures::clear(&state.db, source).await?;
                Ok(())
            }
            _ => self.right(state, true).await,
        }
    }
}

/// A sign-in or step-up finished with every factor passed: the account's count, and
/// the finishing source's, start again.
pub async fn clear(state: &AppState, user_id: &str, source: &Source) -> ApiResult<()> {
    store::users::reset_failures(&state.db, user_id).await?;
    target_failures::clear(&state.db, &source.counter(user_id)).await?;
    Ok(())
}

/// An administrator unlocked the account: every source's count goes too.
pub async fn forget_all(state: &AppState, user_id: &str) -> Result<(), sqlx::Error> {
    target_failures::clear_prefix(&state.db, &format!("lockout:{user_id}:")).await
}

fn seconds_until(until: i64) -> i64 {
    ((until - now_ms() + 999) / 1000).max(1)
}
