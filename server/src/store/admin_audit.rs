//! The administrators' log: who did what, to whom, when, from where. Rows are only
//! ever added.

use sqlx::FromRow;

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub id: String,
    pub at: i64,
    pub admin: String,
    pub ip: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// One thing an administrator did (or tried: failed sign-ins are logged too).
pub struct Entry<'a> {
    pub admin: &'a str,
    pub ip: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
}

pub async fn record(db: &Db, e: Entry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO admin_audit (id, at, admin, ip, action, target, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id("aud"))
    .bind(now_ms())
    .bind(e.admin)
    .bind(e.ip)
    .bind(e.action)
    .bind(e.target)
    .bind(e.detail)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// One page, newest first, and the number of entries in all.
pub async fn page(db: &Db, limit: i64, offset: i64) -> Result<(Vec<AuditRow>, i64), sqlx::Error> {
    let rows = sqlx::query_as(
        "SELECT id, at, admin, ip, action, target, detail FROM admin_audit
         ORDER BY at DESC, id DESC LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.read)
    .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admin_audit")
        .fetch_one(&db.read)
        .await?;
    Ok((rows, total))
}
