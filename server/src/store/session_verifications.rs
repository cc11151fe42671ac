//! Step-up verifications of a signed-in session. Each moves forward only by a
//! conditional UPDATE on its status, so two right answers at once complete it once.

use sqlx::FromRow;

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

#[derive(Debug, Clone, FromRow)]
pub struct SessionVerificationRow {
    pub id: String,
    pub session_id: String,
    pub level: String,
    pub status: String,
    pub first_factor_verification_id: Option<String>,
    pub second_factor_verification_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A reverification is worked on for an hour at most, then a new one is needed.
pub const LIFETIME_MS: i64 = 3600 * 1000;

const COLUMNS: &str = "id, session_id, level, status, first_factor_verification_id, second_factor_verification_id, created_at, updated_at";

pub async fn create(
    db: &Db,
    session_id: &str,
    level: &str,
    status: &str,
) -> Result<String, sqlx::Error> {
    let id = new_id("sver");
    let now = now_ms();
    sqlx::query(
        "INSERT INTO session_verifications (id, session_id, level, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(session_id)
    .bind(level)
    .bind(status)
    .bind(now)
    .bind(now)
    .execute(&db.write)
    .await?;
    Ok(id)
}

/// The session's newest reverification still within its lifetime.
pub async fn current(
    db: &Db,
    session_id: &str,
) -> Result<Option<SessionVerificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM session_verifications WHERE session_id = $1 AND created_at > $2
         ORDER BY created_at DESC, id DESC LIMIT 1"
    ))
    .bind(session_id)
    .bind(now_ms() - LIFETIME_MS)
    .fetch_optional(&db.write)
    .await
}

/// Attaches a freshly sent code (`first` or second factor).
pub async fn set_verification(
    db: &Db,
    id: &str,
    first: bool,
    verification_id: &str,
) -> Result<(), sqlx::Error> {
    let column = if first {
        "first_factor_verification_id"
    } else {
        "second_factor_verification_id"
    };
    sqlx::query(&format!(
        "UPDATE session_verifications SET {column} = $1, updated_at = $2 WHERE id = $3"
    ))
    .bind(verification_id)
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// Moves a reverification from `from` to `to` and stamps the session's factor time,
/// in one transaction. `false` if another request moved it first.
pub async fn advance(
    db: &Db,
    row: &SessionVerificationRow,
    from: &str,
    to: &str,
    first_factor: bool,
) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    let moved = sqlx::query(
        "UPDATE session_verifications SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to)
    .bind(now)
    .bind(&row.id)
    .bind(from)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !moved {
        return Ok(false);
    }
    let column = if first_factor {
        "first_factor_at"
    } else {
        "second_factor_at"
    };
    sqlx::query(&format!(
        "UPDATE sessions SET {column} = $1, updated_at = $2 WHERE id = $3"
    ))
    .bind(now)
    .bind(now)
    .bind(&row.session_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    db.recent.forget_all();
    Ok(true)
}

/// A passkey answered: the reverification completes from `from`, and the session's
/// first and second factors are both fresh (the device, and the PIN or biometric).
pub async fn complete_with_passkey(
    db: &Db,
    row: &SessionVerificationRow,
    from: &str,
    to: &str,
) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    let moved = sqlx::query(
        "UPDATE session_verifications SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to)
    .bind(now)
    .bind(&row.id)
    .bind(from)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !moved {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE sessions SET first_factor_at = $1, second_factor_at = $1, updated_at = $1
         WHERE id = $2",
    )
    .bind(now)
    .bind(&row.session_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    db.recent.forget_all();
    Ok(true)
}

pub async fn get(db: &Db, id: &str) -> Result<Option<SessionVerificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM session_verifications WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.write)
    .await
}
