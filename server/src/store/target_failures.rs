//! Wrong codes per target — the address or number codes go to — across all the
//! verifications sent to it, for the codes no account's lockout covers (sign-up and
//! `/v1/me` verifications). Same shape as the account lockout: each try is counted
//! before it is checked, in one conditional statement.

use crate::{db::Db, ids::now_ms};

/// The answer to "may this target's code be tried now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Counted until refunded; `locked_until` is set when it was the last try.
    Admitted {
        locked_until: Option<i64>,
    },
    Locked {
        until: i64,
    },
}

/// Counts a try at a code sent to `target`. Failures older than `window_ms`, or
/// from before an expired lock, no longer count.
pub async fn reserve(
    db: &Db,
    target: &str,
    max: u32,
    window_ms: i64,
) -> Result<Reservation, sqlx::Error> {
    let now = now_ms();
    let until = now + window_ms;
    // $1 target, $2 max, $3 the lock's end, $4 now, $5 the window's start.
    let fresh_start = "target_failures.locked_until <= $4 OR target_failures.updated_at < $5";
    let admitted: Option<(i64, Option<i64>)> = sqlx::query_as(&format!(
        "INSERT INTO target_failures (target, failures, locked_until, updated_at)
         VALUES ($1, 1, CASE WHEN 1 >= $2 THEN $3 ELSE NULL END, $4)
         ON CONFLICT (target) DO UPDATE SET
            failures = CASE WHEN {fresh_start} THEN 1 ELSE target_failures.failures + 1 END,
            locked_until = CASE
                WHEN (CASE WHEN {fresh_start} THEN 1 ELSE target_failures.failures + 1 END) >= $2
                THEN $3 ELSE NULL END,
            updated_at = $4
         WHERE target_failures.locked_until IS NULL OR target_failures.locked_until <= $4
         RETURNING failures, locked_until"
    ))
    .bind(target)
    .bind(max as i64)
    .bind(until)
    .bind(now)
    .bind(now - window_ms)
    .fetch_optional(&db.write)
    .await?;
    if let Some((_, locked_until)) = admitted {
        return Ok(Reservation::Admitted { locked_until });
    }
    let until: Option<Option<i64>> =
        sqlx::query_scalar("SELECT locked_until FROM target_failures WHERE target = $1")
            .bind(target)
            .fetch_optional(&db.write)
            .await?;
    Ok(Reservation::Locked {
        until: until.flatten().unwrap_or(now),
    })
}

/// Takes back a try that was not a wrong code (right, or never compared).
pub async fn refund(db: &Db, target: &str, max: u32) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE target_failures SET
            failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
            locked_until = CASE WHEN failures - 1 >= $1 THEN locked_until ELSE NULL END
         WHERE target = $2",
    )
    .bind(max as i64)
    .bind(target)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// A verified target starts again from nothing.
pub async fn clear(db: &Db, target: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM target_failures WHERE target = $1")
        .bind(target)
        .execute(&db.write)
        .await
        .map(|_| ())
}

/// Forgets every target that starts with `prefix` (compared as text: no wildcards).
pub async fn clear_prefix(db: &Db, prefix: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM target_failures WHERE substr(target, 1, length($1)) = $2")
        .bind(prefix)
        .bind(prefix)
        .execute(&db.write)
        .await
        .map(|_| ())
}

/// When the target's lock ends, if it has one.
pub async fn locked_until(db: &Db, target: &str) -> Result<Option<i64>, sqlx::Error> {
    let until: Option<Option<i64>> =
        sqlx::query_scalar("SELECT locked_until FROM target_failures WHERE target = $1")
            .bind(target)
            .fetch_optional(&db.read)
            .await?;
    Ok(until.flatten())
}
