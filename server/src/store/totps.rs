//! Users' authenticator apps. A code's step is claimed by one conditional UPDATE, so
//! a code is accepted once even when sent twice at the same moment.

use sqlx::FromRow;

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

#[derive(Debug, Clone, FromRow)]
pub struct TotpRow {
    pub user_id: String,
    pub id: String,
    pub secret_sealed: String,
    pub verified_at: Option<i64>,
    pub last_used_step: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl TotpRow {
    pub fn verified(&self) -> bool {
        self.verified_at.is_some()
    }
}

const COLUMNS: &str =
    "user_id, id, secret_sealed, verified_at, last_used_step, created_at, updated_at";

pub async fn get(db: &Db, user_id: &str) -> Result<Option<TotpRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM totps WHERE user_id = $1"))
        .bind(user_id)
        .fetch_optional(&db.write)
        .await
}

/// Whether the user has a verified authenticator app (a second factor).
pub async fn enabled(db: &Db, user_id: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM totps WHERE user_id = $1 AND verified_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_one(&db.read)
    .await?;
    Ok(n > 0)
}

/// A new, unverified authenticator app, replacing an unverified one. `None` when
/// the user already has a verified one.
pub async fn create_unverified(
    db: &Db,
    user_id: &str,
    secret_sealed: &str,
) -> Result<Option<TotpRow>, sqlx::Error> {
    let now = now_ms();
    let id = new_id("totp");
    let replaced = sqlx::query(
        "INSERT INTO totps (user_id, id, secret_sealed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id) DO UPDATE SET id = excluded.id, secret_sealed = excluded.secret_sealed,
            last_used_step = NULL, created_at = excluded.created_at, updated_at = excluded.updated_at
         WHERE totps.verified_at IS NULL",
    )
    .bind(user_id)
    .bind(&id)
    .bind(secret_sealed)
    .bind(now)
    .bind(now)
    .execute(&db.write)
    .await?
    .rows_affected();
    if replaced == 0 {
        return Ok(None);
    }
    get(db, user_id).await
}

/// Claims `step` for the user's app: `false` if it (or a later one) was used already.
/// With `verify`, an unverified app becomes verified in the same write.
pub async fn claim_step(
    db: &Db,
    user_id: &str,
    step: i64,
    verify: bool,
) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let sql = if verify {
        "UPDATE totps SET last_used_step = $1, verified_at = COALESCE(verified_at, $2), updated_at = $3
         WHERE user_id = $4 AND (last_used_step IS NULL OR last_used_step < $5)"
    } else {
        "UPDATE totps SET last_used_step = $1, updated_at = $2
         WHERE user_id = $3 AND verified_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $4)"
    };
    let mut q = sqlx::query(sql).bind(step);
    if verify {
        q = q.bind(now);
    }
    let claimed = q
        .bind(now)
        .bind(user_id)
        .bind(step)
        .execute(&db.write)
        .await?
        .rows_affected();
    Ok(claimed == 1)
}

pub async fn delete(db: &Db, user_id: &str) -> Result<bool, sqlx::Error> {
    let n = sqlx::query("DELETE FROM totps WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.write)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Accounts whose two-step verification includes an authenticator app (at most `limit`).
pub async fn users_with_totp(db: &Db, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT user_id FROM totps WHERE verified_at IS NOT NULL ORDER BY user_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.read)
    .await
}
