use sqlx::{any::AnyRow, FromRow, Row};

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

pub const EMAIL: &str = "email_address";
pub const PHONE: &str = "phone_number";

#[derive(Debug, Clone)]
pub struct IdentificationRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub value: String,
    pub verification_id: Option<String>,
    pub verified_at: Option<i64>,
    pub reserved_for_second_factor: bool,
    pub default_second_factor: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl IdentificationRow {
    pub fn verified(&self) -> bool {
        self.verified_at.is_some()
    }

    /// A phone or email address reserved for second-factor codes (whether the
    /// instance offers that kind is the caller's to check).
    pub fn is_second_factor(&self) -> bool {
        self.verified() && self.reserved_for_second_factor
    }
}

/// The two flags are `BOOLEAN` columns, read as 0/1: sqlx's `Any` driver cannot
/// hand over a SQLite column declared `BOOLEAN`, and the expression reads alike on
/// both engines.
const COLUMNS: &str = "id, user_id, kind, value, verification_id, verified_at,
    CASE WHEN reserved_for_second_factor THEN 1 ELSE 0 END AS reserved_for_second_factor,
    CASE WHEN default_second_factor THEN 1 ELSE 0 END AS default_second_factor,
    created_at, updated_at";

impl FromRow<'_, AnyRow> for IdentificationRow {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(IdentificationRow {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            kind: row.try_get("kind")?,
            value: row.try_get("value")?,
            verification_id: row.try_get("verification_id")?,
            verified_at: row.try_get("verified_at")?,
            reserved_for_second_factor: row.try_get::<i64, _>("reserved_for_second_factor")? != 0,
            default_second_factor: row.try_get::<i64, _>("default_second_factor")? != 0,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

pub async fn list_for_user(db: &Db, user_id: &str) -> Result<Vec<IdentificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identifications WHERE user_id = $1 ORDER BY created_at, id"
    ))
    .bind(user_id)
    .fetch_all(&db.read)
    .await
}

pub async fn get(db: &Db, id: &str) -> Result<Option<IdentificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identifications WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.read)
    .await
}

/// Is this email or phone already a verified identification of some account?
pub async fn verified_exists(db: &Db, kind: &str, value: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM identifications WHERE kind = $1 AND value = $2 AND verified_at IS NOT NULL",
    )
    .bind(kind)
    .bind(value)
    .fetch_one(&db.read)
    .await?;
    Ok(n > 0)
}

/// Adds an unverified email or phone to an account.
/// Adds an unverified address or number, unless the user already holds
/// `max_unverified` unverified ones (one conditional statement: `None` then).
pub async fn create(
    db: &Db,
    user_id: &str,
    kind: &str,
    value: &str,
    reserved_for_second_factor: bool,
    max_unverified: i64,
) -> Result<Option<String>, sqlx::Error> {
    let id = new_id("idn");
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    let added = sqlx::query(
        "INSERT INTO identifications (id, user_id, kind, value, reserved_for_second_factor, created_at, updated_at)
         SELECT $1, $2, $3, $4, $5, $6, $7
         WHERE (SELECT COUNT(*) FROM identifications WHERE user_id = $8 AND verified_at IS NULL) < $9",
    )
    .bind(&id)
    .bind(user_id)
    .bind(kind)
    .bind(value)
    .bind(reserved_for_second_factor)
    .bind(now)
    .bind(now)
    .bind(user_id)
    .bind(max_unverified)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added == 1 {
        super::webhook_events::record(db, &mut tx, super::webhook_events::USER_UPDATED, user_id)
            .await?;
    }
    tx.commit().await?;
    Ok((added == 1).then_some(id))
}

pub async fn set_verification(db: &Db, id: &str, verification_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE identifications SET verification_id = $1, updated_at = $2 WHERE id = $3")
        .bind(verification_id)
        .bind(now_ms())
        .bind(id)
        .execute(&db.write)
        .await
        .map(|_| ())
}

/// Marks verified; fails with a unique violation if another account verified it first.
pub async fn mark_verified(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    let now = now_ms();
    changed_recorded(
        db,
        sqlx::query_scalar(
            "UPDATE identifications SET verified_at = $1, updated_at = $2
             WHERE id = $3 AND verified_at IS NULL RETURNING user_id",
        )
        .bind(now)
        .bind(now)
        .bind(id),
    )
    .await
}

/// Runs a change of an address or number that returns its user's id, and records
/// `user.updated` for that user with it, in one transaction.
async fn changed_recorded<'q>(
    db: &Db,
    query: sqlx::query::QueryScalar<'q, sqlx::Any, String, sqlx::any::AnyArguments<'q>>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write.begin().await?;
    let users = query.fetch_all(&mut *tx).await?;
    for user_id in users {
        super::webhook_events::record(db, &mut tx, super::webhook_events::USER_UPDATED, &user_id)
            .await?;
    }
    tx.commit().await
}

pub async fn set_reserved(db: &Db, id: &str, reserved: bool) -> Result<(), sqlx::Error> {
    changed_recorded(
        db,
        sqlx::query_scalar(
            "UPDATE identifications SET reserved_for_second_factor = $1,
                default_second_factor = CASE WHEN $2 THEN default_second_factor ELSE FALSE END,
                updated_at = $3 WHERE id = $4 RETURNING user_id",
        )
        .bind(reserved)
        .bind(reserved)
        .bind(now_ms())
        .bind(id),
    )
    .await
}

/// Makes one phone the default second factor and the others not, in one statement.
pub async fn make_default_second_factor(
    db: &Db,
    user_id: &str,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE identifications SET default_second_factor = (id = $1), updated_at = $2
         WHERE user_id = $3 AND kind = 'phone_number'",
    )
    .bind(id)
    .bind(now_ms())
    .bind(user_id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

pub async fn delete(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    changed_recorded(
        db,
        sqlx::query_scalar("DELETE FROM identifications WHERE id = $1 RETURNING user_id").bind(id),
    )
    .await
}

/// Keeps one default second factor while any exists: the oldest reserved phone
/// takes over when none is marked.
pub async fn ensure_default_second_factor(db: &Db, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE identifications SET default_second_factor = TRUE
         WHERE id = (SELECT id FROM identifications
                     WHERE user_id = $1 AND kind = 'phone_number' AND reserved_for_second_factor
                       AND verified_at IS NOT NULL
                     ORDER BY created_at, id LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM identifications
                           WHERE user_id = $2 AND default_second_factor AND reserved_for_second_factor
                             AND verified_at IS NOT NULL)",
    )
    .bind(user_id)
    .bind(user_id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// Accounts whose two-step verification is an SMS code to a phone (at most `limit`).
pub async fn users_with_sms_second_factor(db: &Db, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    users_with_code_second_factor(db, PHONE, limit).await
}

/// Accounts whose two-step verification is a code to a phone (`kind` [`PHONE`]) or
/// an email address ([`EMAIL`]), at most `limit`.
pub async fn users_with_code_second_factor(
    db: &Db,
    kind: &str,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT user_id FROM identifications
         WHERE kind = $1 AND verified_at IS NOT NULL AND reserved_for_second_factor = TRUE
         ORDER BY user_id LIMIT $2",
    )
    .bind(kind)
    .bind(limit)
    .fetch_all(&db.read)
    .await
}

/// The account a verified address or number belongs to.
pub async fn owner_of_verified(
    db: &Db,
    kind: &str,
    value: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT user_id FROM identifications WHERE kind = $1 AND value = $2 AND verified_at IS NOT NULL",
    )
    .bind(kind)
    .bind(value)
    .fetch_optional(&db.read)
    .await
}

/// Takes every phone of a user off two-step verification, in one statement;
/// returns how many were on it.
pub async fn unreserve_all(db: &Db, user_id: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE identifications SET reserved_for_second_factor = FALSE,
            default_second_factor = FALSE, updated_at = $1
         WHERE user_id = $2 AND reserved_for_second_factor = TRUE",
    )
    .bind(now_ms())
    .bind(user_id)
    .execute(&db.write)
    .await?
    .rows_affected())
}
