//! Users' passkeys: a row from "add a passkey" on, with its WebAuthn credential once
//! the browser's answer was checked. The credential id is unique across users, so
//! one authenticator's credential can never be bound to two accounts.

use sqlx::FromRow;

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

#[derive(Debug, Clone, FromRow)]
pub struct PasskeyRow {
    pub id: String,
    pub user_id: String,
    /// base64url, once verified.
    pub credential_id: Option<String>,
    /// The WebAuthn library's credential (public key, counter, flags) as JSON.
    pub credential: Option<String>,
    pub name: Option<String>,
    pub verified_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl PasskeyRow {
    pub fn verified(&self) -> bool {
        self.verified_at.is_some()
    }
}

const COLUMNS: &str = "id, user_id, credential_id, credential, name, verified_at, last_used_at, \
                       created_at, updated_at";

/// A new passkey waiting for its credential.
pub async fn create_unverified(db: &Db, user_id: &str) -> Result<PasskeyRow, sqlx::Error> {
    let now = now_ms();
    sqlx::query_as(&format!(
        "INSERT INTO passkeys (id, user_id, created_at, updated_at) VALUES ($1, $2, $3, $3)
         RETURNING {COLUMNS}"
    ))
    .bind(new_id("pk"))
    .bind(user_id)
    .bind(now)
    .fetch_one(&db.write)
    .await
}

/// The user's passkey `id`, verified or not.
pub async fn get(db: &Db, user_id: &str, id: &str) -> Result<Option<PasskeyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM passkeys WHERE user_id = $1 AND id = $2"
    ))
    .bind(user_id)
    .bind(id)
    .fetch_optional(&db.write)
    .await
}

/// The user's verified passkeys, oldest first.
pub async fn list_verified(db: &Db, user_id: &str) -> Result<Vec<PasskeyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM passkeys WHERE user_id = $1 AND verified_at IS NOT NULL
         ORDER BY created_at, id"
    ))
    .bind(user_id)
    .fetch_all(&db.read)
    .await
}

/// The verified passkey with this credential id, whoever's it is.
pub async fn by_credential_id(
    db: &Db,
    credential_id: &str,
) -> Result<Option<PasskeyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM passkeys WHERE credential_id = $1 AND verified_at IS NOT NULL"
    ))
    .bind(credential_id)
    .fetch_optional(&db.write)
    .await
}

/// Why a checked credential was not kept.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Another passkey (this user's or anyone's) already has this credential.
    #[error("the credential is already registered")]
    Taken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Stores the checked credential on the unverified passkey `id`; `false` when it
/// was verified (or removed) meanwhile.
pub async fn verify(
    db: &Db,
    id: &str,
    credential_id: &str,
    credential: &str,
) -> Result<bool, VerifyError> {
    let taken: Option<String> =
        sqlx::query_scalar("SELECT id FROM passkeys WHERE credential_id = $1")
            .bind(credential_id)
            .fetch_optional(&db.write)
            .await?;
    if taken.is_some() {
        return Err(VerifyError::Taken);
    }
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE passkeys SET credential_id = $1, credential = $2, verified_at = $3, updated_at = $3
         WHERE id = $4 AND verified_at IS NULL",
    )
    .bind(credential_id)
    .bind(credential)
    .bind(now)
    .bind(id)
    .execute(&db.write)
    .await;
    match done {
        Ok(r) => Ok(r.rows_affected() == 1),
        // The unique index decides a race between two users' answers.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(VerifyError::Taken),
        Err(e) => Err(e.into()),
    }
}

/// A sign-in or verification used it: when, and the credential when its counter or
/// flags moved (what finds a cloned authenticator later).
pub async fn used(db: &Db, id: &str, credential: Option<&str>) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "UPDATE passkeys SET last_used_at = $1, credential = COALESCE($2, credential)
         WHERE id = $3",
    )
    .bind(now)
    .bind(credential)
    .bind(id)
    .execute(&db.write)
    .await?;
    Ok(())
}

pub async fn rename(db: &Db, user_id: &str, id: &str, name: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query(
            "UPDATE passkeys SET name = $1, updated_at = $2 WHERE user_id = $3 AND id = $4",
        )
        .bind(name)
        .bind(now_ms())
        .bind(user_id)
        .bind(id)
        .execute(&db.write)
        .await?
        .rows_affected()
            == 1,
    )
}

pub async fn delete(db: &Db, user_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM passkeys WHERE user_id = $1 AND id = $2")
            .bind(user_id)
            .bind(id)
            .execute(&db.write)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Up to `limit` users with a passkey (what turning passkeys off would take from).
pub async fn users_with_passkeys(db: &Db, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT user_id FROM passkeys WHERE verified_at IS NOT NULL ORDER BY user_id
         LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.read)
    .await
}

/// Every passkey of the user (an administrator's reset, a completed recovery); how
/// many.
pub async fn delete_all(db: &Db, user_id: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM passkeys WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.write)
        .await?
        .rows_affected())
}

/// The user's handle for authenticators, made at first need (a UUID, as the WebAuthn
/// library wants; never the user id).
pub async fn webauthn_user_id(db: &Db, user_id: &str) -> Result<String, sqlx::Error> {
    let fresh = webauthn_rs::prelude::Uuid::new_v4().to_string();
    // Only the first of two racing calls sets it; both read the one that won.
    sqlx::query(
        "UPDATE users SET webauthn_user_id = $1 WHERE id = $2 AND webauthn_user_id IS NULL",
    )
    .bind(&fresh)
    .bind(user_id)
    .execute(&db.write)
    .await?;
    sqlx::query_scalar("SELECT webauthn_user_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.write)
        .await
}

/// The user whose handle this is.
pub async fn user_by_webauthn_id(db: &Db, handle: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE webauthn_user_id = $1")
        .bind(handle)
        .fetch_optional(&db.read)
        .await
}
