//! Users' backup codes, stored hashed. Using one is a single DELETE: of any number of
//! simultaneous uses of a code, exactly one removes the row and wins.

use crate::{db::Db, ids::now_ms};

/// Replaces the user's codes with these (hashed) ones, in one transaction.
pub async fn replace(db: &Db, user_id: &str, hashes: &[String]) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    // Holds the user's row until commit: on PostgreSQL two replaces at once would
    // otherwise both delete the old set and both insert theirs.
    sqlx::query("UPDATE users SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM backup_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for hash in hashes {
        sqlx::query(
            "INSERT INTO backup_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Uses a code: `true` for the one request that removed it.
/// Uses up the code stored under either of `hashes` (the current way of hashing,
/// and the one before it); `false` when there is none.
pub async fn consume(db: &Db, user_id: &str, hashes: &[String; 2]) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "DELETE FROM backup_codes WHERE user_id = $1 AND (code_hash = $2 OR code_hash = $3)",
    )
    .bind(user_id)
    .bind(&hashes[0])
    .bind(&hashes[1])
    .execute(&db.write)
    .await?
    .rows_affected();
    Ok(n >= 1)
}

/// How many unused codes the user has.
pub async fn remaining(db: &Db, user_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM backup_codes WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&db.read)
        .await
}

pub async fn delete_all(db: &Db, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM backup_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.write)
        .await
        .map(|_| ())
}
