//! Settings saved from the dashboard (`editable_settings` says which keys).

use serde_json::Value;

use crate::{db::Db, ids::now_ms};

/// Every saved pair, by key. A value that is not JSON is skipped and logged.
pub async fn all(db: &Db) -> Result<Vec<(String, Value)>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT setting_key, setting_value FROM instance_settings ORDER BY setting_key",
    )
    .fetch_all(&db.read)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, text)| match serde_json::from_str(&text) {
            Ok(value) => Some((key, value)),
            Err(e) => {
                tracing::warn!(key, error = %e, "saved setting is not JSON");
                None
            }
        })
        .collect())
}

/// Saves these pairs and forgets those keys, together: all of it or none.
pub async fn replace(
    db: &Db,
    pairs: &[(String, Value)],
    forget: &[String],
    by: &str,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    for key in forget {
        sqlx::query("DELETE FROM instance_settings WHERE setting_key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
    }
    for (key, value) in pairs {
        sqlx::query(
            "INSERT INTO instance_settings (setting_key, setting_value, updated_at, updated_by)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (setting_key) DO UPDATE SET
                setting_value = excluded.setting_value,
                updated_at = excluded.updated_at,
                updated_by = excluded.updated_by",
        )
        .bind(key)
        .bind(value.to_string())
        .bind(now)
        .bind(by)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// One saved value as stored (JSON text), to change it with [`swap`].
pub async fn stored(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT setting_value FROM instance_settings WHERE setting_key = $1")
        .bind(key)
        .fetch_optional(&db.write)
        .await
}

/// Sets `key` to `next` (or forgets it with `None`) only if it still holds
/// `expected` as [`stored`] read it; says whether it did. Two administrators editing
/// one list at once: the second is told, instead of undoing the first.
pub async fn swap(
    db: &Db,
    key: &str,
    expected: Option<&str>,
    next: Option<&str>,
    by: &str,
) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let done =
        match (expected, next) {
            (None, None) => return Ok(stored(db, key).await?.is_none()),
            (None, Some(next)) => sqlx::query(
                "INSERT INTO instance_settings (setting_key, setting_value, updated_at, updated_by)
             VALUES ($1, $2, $3, $4) ON CONFLICT (setting_key) DO NOTHING",
            )
            .bind(key)
            .bind(next)
            .bind(now)
            .bind(by)
            .execute(&db.write)
            .await?,
            (Some(expected), Some(next)) => sqlx::query(
                "UPDATE instance_settings SET setting_value = $1, updated_at = $2, updated_by = $3
             WHERE setting_key = $4 AND setting_value = $5",
            )
            .bind(next)
            .bind(now)
            .bind(by)
            .bind(key)
            .bind(expected)
            .execute(&db.write)
            .await?,
            (Some(expected), None) => {
                sqlx::query(
                    "DELETE FROM instance_settings WHERE setting_key = $1 AND setting_value = $2",
                )
                .bind(key)
                .bind(expected)
                .execute(&db.write)
                .await?
            }
        };
    Ok(done.rows_affected() == 1)
}

/// Forgets every saved value but those of `keep`.
pub async fn clear_except(db: &Db, keep: &[&str]) -> Result<u64, sqlx::Error> {
    let mut forgotten = 0;
    for (key, _) in all(db).await? {
        if keep.contains(&key.as_str()) {
            continue;
        }
        forgotten += sqlx::query("DELETE FROM instance_settings WHERE setting_key = $1")
            .bind(&key)
            .execute(&db.write)
            .await?
            .rows_affected();
    }
    Ok(forgotten)
}
