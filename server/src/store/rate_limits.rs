//! Rate limits kept in the database for instances that share one (see
//! `limits`): the generic cell rate algorithm, one conditional upsert per request,
//! so two instances taking the last token at once cannot both get it.

use crate::{db::Db, ids::now_ms};

/// Takes one request from `key`'s bucket of `limit` per `period_ms` (all at once
/// allowed, refilling evenly). `Err(ms)`: full, try again in that long.
pub async fn take(
    db: &Db,
    key: &str,
    limit: u32,
    period_ms: i64,
) -> Result<Result<(), i64>, sqlx::Error> {
    let now = now_ms();
    let interval = (period_ms / i64::from(limit.max(1))).max(1);
    // $1 key, $2 now, $3 the interval between requests, $4 the period.
    let taken: Option<i64> = sqlx::query_scalar(
        "INSERT INTO rate_limits (bucket_key, tat) VALUES ($1, $2 + $3)
         ON CONFLICT (bucket_key) DO UPDATE SET
            tat = (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3
         WHERE (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3 - $2 <= $4
         RETURNING tat",
    )
    .bind(key)
    .bind(now)
    .bind(interval)
    .bind(period_ms)
    .fetch_optional(&db.write)
    .await?;
    if taken.is_some() {
        return Ok(Ok(()));
    }
    let tat: Option<i64> = sqlx::query_scalar("SELECT tat FROM rate_limits WHERE bucket_key = $1")
        .bind(key)
        .fetch_optional(&db.write)
        .await?;
    let wait = tat.map_or(interval, |tat| tat + interval - now - period_ms);
    Ok(Err(wait.max(1)))
}

/// Forgets full buckets (their time has passed), so the table stays small.
pub async fn prune(db: &Db) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
        .bind(now_ms())
        .execute(&db.write)
        .await?
        .rows_affected())
}
