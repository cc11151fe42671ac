use sqlx::FromRow;

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

#[derive(Debug, Clone, FromRow)]
pub struct SignInRow {
    pub id: String,
    pub client_id: String,
    pub status: String,
    pub identifier: Option<String>,
    pub user_id: Option<String>,
    pub first_factor_verification_id: Option<String>,
    pub second_factor_verification_id: Option<String>,
    pub created_session_id: Option<String>,
    pub abandon_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The new password chosen after a reset code, applied once every factor is
    /// passed (see migration 0017).
    pub new_password_hash: Option<String>,
    /// 1: applying it signs the account out everywhere else.
    pub new_password_signs_out: i64,
}

const COLUMNS: &str = "id, client_id, status, identifier, user_id, first_factor_verification_id, second_factor_verification_id, created_session_id, abandon_at, created_at, updated_at, new_password_hash, new_password_signs_out";

/// Sign-ins are abandoned after a day, as in Clerk.
const LIFETIME_MS: i64 = 24 * 3600 * 1000;

/// A new sign-in, made the client's current one; with `password_verified`, its
/// first factor is a password just checked. One transaction: one write to wait on.
pub async fn create(
    db: &Db,
    client_id: &str,
    status: &str,
    identifier: Option<&str>,
    user_id: Option<&str>,
    password_verified: bool,
) -> Result<String, sqlx::Error> {
    let id = new_id("sia");
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    let verification_id = if password_verified {
        let v = new_id("ver");
        sqlx::query(
            "INSERT INTO verifications (id, strategy, status, attempts, verified_at, created_at)
             VALUES ($1, 'password', 'verified', 1, $2, $3)",
        )
        .bind(&v)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Some(v)
    } else {
        None
    };
    sqlx::query(
        "INSERT INTO sign_ins (id, client_id, status, identifier, user_id, first_factor_verification_id, abandon_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(client_id)
    .bind(status)
    .bind(identifier)
    .bind(user_id)
    .bind(&verification_id)
    .bind(now + LIFETIME_MS)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "UPDATE clients SET sign_in_id = $1, {} WHERE id = $3",
        super::clients::next_version("$2")
    ))
    .bind(&id)
    .bind(now)
    .bind(client_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(db: &Db, id: &str) -> Result<Option<SignInRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM sign_ins WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.read)
        .await
}

pub async fn set_first_factor(db: &Db, id: &str, verification_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sign_ins SET first_factor_verification_id = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(verification_id)
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

pub async fn set_second_factor(
    db: &Db,
    id: &str,
    verification_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sign_ins SET second_factor_verification_id = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(verification_id)
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// A sign-in begun without an identifier (a discoverable passkey) learns whose it
/// is; `false` when it already had an account.
pub async fn set_user(db: &Db, id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE sign_ins SET user_id = $1, updated_at = $2 WHERE id = $3 AND user_id IS NULL",
    )
    .bind(user_id)
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await?
    .rows_affected()
        == 1)
}

/// Moves the sign-in from one status to the next; false if another request moved it first.
pub async fn advance(db: &Db, id: &str, from: &str, to: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE sign_ins SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to)
    .bind(now_ms())
    .bind(id)
    .bind(from)
    .execute(&db.write)
    .await?
    .rows_affected()
        == 1)
}

/// The phone number or email address a sign-in's first factor was a code to, if it
/// was one: it is not offered again as the second factor.
pub async fn first_factor_target(db: &Db, row: &SignInRow) -> Result<Option<String>, sqlx::Error> {
    let Some(id) = &row.first_factor_verification_id else {
        return Ok(None);
    };
    Ok(super::verifications::get(db, id)
        .await?
        .filter(|v| is_code_strategy(&v.strategy))
        .and_then(|v| v.target))
}

/// A code sent to a phone or an email address (to sign in, or to reset a password).
pub fn is_code_strategy(strategy: &str) -> bool {
    matches!(
        strategy,
        "phone_code" | "email_code" | "reset_password_phone_code" | "reset_password_email_code"
    )
}

/// Keeps the new password of a reset on its sign-in until every factor is passed.
pub async fn keep_new_password(
    db: &Db,
    id: &str,
    hash: &str,
    signs_out: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sign_ins SET new_password_hash = $1, new_password_signs_out = $2, updated_at = $3
         WHERE id = $4",
    )
    .bind(hash)
    .bind(i64::from(signs_out))
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}
