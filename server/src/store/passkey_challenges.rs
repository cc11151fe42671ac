//! WebAuthn challenges in flight: the state the library needs to check the answer,
//! kept server-side (never in the browser) and taken by the one attempt that uses it.

use crate::{db::Db, ids::now_ms};

/// What a challenge is for: it is taken only for the same purpose and owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Adding a passkey; owner: the passkey.
    Registration,
    /// A sign-in's first or second factor; owner: the sign-in.
    SignIn,
    /// A session's "verify it's you"; owner: the session.
    Reverification,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Registration => "registration",
            Purpose::SignIn => "sign_in",
            Purpose::Reverification => "reverification",
        }
    }
}

/// Keeps `ceremony` as the challenge `id` of `owner`, replacing the owner's earlier
/// one for this purpose (only the newest challenge can be answered).
pub async fn put(
    db: &Db,
    id: &str,
    purpose: Purpose,
    owner_id: &str,
    ceremony: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write.begin().await?;
    sqlx::query("DELETE FROM passkey_challenges WHERE owner_id = $1 AND purpose = $2")
        .bind(owner_id)
        .bind(purpose.name())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO passkey_challenges (id, purpose, owner_id, ceremony, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(purpose.name())
    .bind(owner_id)
    .bind(ceremony)
    .bind(expires_at)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Takes the owner's live challenge for this purpose: deleted as it is read, so a
/// second answer to it (a replay, or a race) finds nothing.
pub async fn take(
    db: &Db,
    purpose: Purpose,
    owner_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "DELETE FROM passkey_challenges WHERE owner_id = $1 AND purpose = $2 AND expires_at > $3
         RETURNING ceremony",
    )
    .bind(owner_id)
    .bind(purpose.name())
    .bind(now_ms())
    .fetch_optional(&db.write)
    .await
}
