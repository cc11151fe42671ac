//! "Don't ask again on this device" (see migration 0015): one row per client and
//! user, good until it expires or is forgotten.

use crate::{db::Db, ids::now_ms};

/// Remembers `client_id` for `user_id` until `expires_at` (a later remember on the
/// same device extends it).
pub async fn remember(
    db: &Db,
    client_id: &str,
    user_id: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO remembered_devices (client_id, user_id, remembered_at, expires_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (client_id, user_id)
         DO UPDATE SET remembered_at = excluded.remembered_at, expires_at = excluded.expires_at",
    )
    .bind(client_id)
    .bind(user_id)
    .bind(now_ms())
    .bind(expires_at)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// Whether `client_id` is remembered for `user_id` now, and was remembered within
/// the last `period_ms` (the instance's period as it is today: shortening it
/// shortens every remembrance).
pub async fn is_remembered(
    db: &Db,
    client_id: &str,
    user_id: &str,
    period_ms: i64,
) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM remembered_devices
         WHERE client_id = $1 AND user_id = $2 AND expires_at > $3 AND remembered_at > $4",
    )
    .bind(client_id)
    .bind(user_id)
    .bind(now)
    .bind(now - period_ms)
    .fetch_one(&db.write)
    .await?;
    Ok(n > 0)
}

/// Forgets every device of a user (a new password, new second factors, an
/// administrator's reset); how many.
pub async fn forget_user(db: &Db, user_id: &str) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM remembered_devices WHERE user_id = $1")
            .bind(user_id)
            .execute(&db.write)
            .await?
            .rows_affected(),
    )
}

/// Forgets one device of a user (its session was revoked from the devices list).
pub async fn forget(db: &Db, client_id: &str, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM remembered_devices WHERE client_id = $1 AND user_id = $2")
        .bind(client_id)
        .bind(user_id)
        .execute(&db.write)
        .await
        .map(|_| ())
}
