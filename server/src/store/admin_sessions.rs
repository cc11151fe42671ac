//! Dashboard sign-ins: kept in the database (by the token's hash), so any instance
//! behind the load balancer knows them and a sign-out ends them everywhere.

use sqlx::FromRow;

use crate::{db::Db, ids::now_ms};

#[derive(Debug, Clone, FromRow)]
pub struct AdminSessionRow {
    pub admin: String,
    /// The administrator's credential fingerprint when the session was made.
    pub credential: String,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

pub async fn create(
    db: &Db,
    token_hash: &str,
    admin: &str,
    credential: &str,
    csrf_token: &str,
    lifetime_ms: i64,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO admin_sessions (token_hash, admin, credential, csrf_token, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token_hash)
    .bind(admin)
    .bind(credential)
    .bind(csrf_token)
    .bind(now)
    .bind(now)
    .bind(now + lifetime_ms)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// The session, if it has neither expired nor been idle longer than `idle_ms`; its
/// idle clock starts again.
pub async fn use_live(
    db: &Db,
    token_hash: &str,
    idle_ms: i64,
) -> Result<Option<AdminSessionRow>, sqlx::Error> {
    let now = now_ms();
    sqlx::query_as(
        "UPDATE admin_sessions SET last_seen_at = $1
         WHERE token_hash = $2 AND expires_at > $3 AND last_seen_at > $4
         RETURNING admin, credential, csrf_token, created_at, last_seen_at, expires_at",
    )
    .bind(now)
    .bind(token_hash)
    .bind(now)
    .bind(now - idle_ms)
    .fetch_optional(&db.write)
    .await
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM admin_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&db.write)
        .await
        .map(|_| ())
}
