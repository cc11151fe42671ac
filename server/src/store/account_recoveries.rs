//! Account recoveries (see migration 0018): at most one open per user. Each change
//! of status is one conditional write, so a cancel and a completion racing each
//! other cannot both win.

use sqlx::FromRow;

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

/// Open: waiting for `completes_at`.
pub const PENDING: &str = "pending";
pub const CANCELLED: &str = "cancelled";
pub const COMPLETED: &str = "completed";
/// Its wait was over long ago and no one came to finish it.
pub const EXPIRED: &str = "expired";

/// How long after its wait a recovery may still be completed: a request the owner
/// never noticed does not stay a way in for ever. Past it, a `pending` row counts as
/// open nowhere (it is marked expired when the user next opens one).
pub const READY_FOR_MS: i64 = 7 * 24 * 3600 * 1000;

#[derive(Debug, Clone, FromRow)]
pub struct RecoveryRow {
    pub id: String,
    pub user_id: String,
    pub status: String,
    pub created_at: i64,
    pub completes_at: i64,
    pub ip_address: Option<String>,
    pub ended_at: Option<i64>,
    pub ended_by: Option<String>,
}

const COLUMNS: &str =
    "id, user_id, status, created_at, completes_at, ip_address, ended_at, ended_by";

/// Opens a recovery for `user_id` that completes at `completes_at`; `None` when one
/// is already open (the unique index decides between two racing requests).
pub async fn open(
    db: &Db,
    user_id: &str,
    completes_at: i64,
    cancel_token_hash: &str,
    ip: Option<&str>,
) -> Result<Option<RecoveryRow>, sqlx::Error> {
    let id = new_id("rec");
    let inserted = sqlx::query(
        "INSERT INTO account_recoveries
            (id, user_id, status, created_at, completes_at, cancel_token_hash, ip_address)
         VALUES ($1, $2, 'pending', $3, $4, $5, $6)
         ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(user_id)
    .bind(now_ms())
    .bind(completes_at)
    .bind(cancel_token_hash)
    .bind(ip)
    .execute(&db.write)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    get(db, &id).await
}

pub async fn get(db: &Db, id: &str) -> Result<Option<RecoveryRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM account_recoveries WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.write)
    .await
}

/// The user's open recovery, if any (one past [`READY_FOR_MS`] is not).
pub async fn open_for_user(db: &Db, user_id: &str) -> Result<Option<RecoveryRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM account_recoveries
         WHERE user_id = $1 AND status = 'pending' AND completes_at >= $2"
    ))
    .bind(user_id)
    .bind(now_ms() - READY_FOR_MS)
    .fetch_optional(&db.write)
    .await
}

/// The user's recovery still marked `pending` though past [`READY_FOR_MS`].
pub async fn stale_for_user(db: &Db, user_id: &str) -> Result<Option<RecoveryRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM account_recoveries
         WHERE user_id = $1 AND status = 'pending' AND completes_at < $2"
    ))
    .bind(user_id)
    .bind(now_ms() - READY_FOR_MS)
    .fetch_optional(&db.write)
    .await
}

/// The open recovery a cancel link names, if it is still open.
pub async fn open_by_cancel_token(
    db: &Db,
    cancel_token_hash: &str,
) -> Result<Option<RecoveryRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM account_recoveries
         WHERE cancel_token_hash = $1 AND status = 'pending' AND completes_at >= $2"
    ))
    .bind(cancel_token_hash)
    .bind(now_ms() - READY_FOR_MS)
    .fetch_optional(&db.write)
    .await
}

/// Every open recovery, the soonest to complete first (the dashboard's list).
pub async fn list_open(db: &Db, limit: i64) -> Result<Vec<RecoveryRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM account_recoveries WHERE status = 'pending' AND completes_at >= $1
         ORDER BY completes_at, id LIMIT $2"
    ))
    .bind(now_ms() - READY_FOR_MS)
    .bind(limit)
    .fetch_all(&db.read)
    .await
}

/// Ends the open recovery `id` with `status` (`by` says who or what ended it);
/// false when it was no longer open.
pub async fn end(db: &Db, id: &str, status: &str, by: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE account_recoveries SET status = $1, ended_at = $2, ended_by = $3
         WHERE id = $4 AND status = 'pending'",
    )
    .bind(status)
    .bind(now_ms())
    .bind(by)
    .bind(id)
    .execute(&db.write)
    .await?
    .rows_affected()
        == 1)
}

/// Completes the open recovery `id` if its wait is over at `now`; false otherwise
/// (too early, or no longer open).
pub async fn complete_if_due(db: &Db, id: &str, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE account_recoveries SET status = 'completed', ended_at = $1, ended_by = 'completed'
         WHERE id = $2 AND status = 'pending' AND completes_at <= $3",
    )
    .bind(now)
    .bind(id)
    .bind(now)
    .execute(&db.write)
    .await?
    .rows_affected()
        == 1)
}

/// Whether a recovery of `user_id` completed at or after `since`.
pub async fn completed_since(db: &Db, user_id: &str, since: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_recoveries
         WHERE user_id = $1 AND status = 'completed' AND ended_at >= $2",
    )
    .bind(user_id)
    .bind(since)
    .fetch_one(&db.write)
    .await?;
    Ok(n > 0)
}

/// How many recoveries of `user_id` were opened at or after `since`, and when the
/// first of them was.
pub async fn opened_since(
    db: &Db,
    user_id: &str,
    since: i64,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM account_recoveries
         WHERE user_id = $1 AND created_at >= $2",
    )
    .bind(user_id)
    .bind(since)
    .fetch_one(&db.write)
    .await
}
