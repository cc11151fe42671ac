use sqlx::FromRow;

use crate::{
    db::Db,
    ids::{new_id, new_token, now_ms, token_hash},
};

#[derive(Debug, Clone, FromRow)]
pub struct ClientRow {
    pub id: String,
    pub sign_in_id: Option<String>,
    pub sign_up_id: Option<String>,
    pub last_active_session_id: Option<String>,
    pub last_authentication_strategy: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, sign_in_id, sign_up_id, last_active_session_id, last_authentication_strategy, created_at, updated_at";

/// The `SET` clause that marks a change to a client: `updated_at` becomes `now` (the
/// parameter), or one past the last change when that is not older (two changes in
/// one millisecond, or another instance's clock ahead of this one). The client's
/// `updated_at` then orders its versions, so a browser can tell an answer that
/// arrives late from a newer one and keep the newer.
pub(super) fn next_version(now: &str) -> String {
    format!("updated_at = CASE WHEN updated_at >= {now} THEN updated_at + 1 ELSE {now} END")
}

/// Makes a client; returns its id and the bearer token (only its hash is stored).
pub async fn create(db: &Db) -> Result<(String, String), sqlx::Error> {
    let id = new_id("client");
    let token = new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO clients (id, token_hash, created_at, updated_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&id)
    .bind(token_hash(&token))
    .bind(now)
    .bind(now)
    .execute(&db.write)
    .await?;
    Ok((id, token))
}

pub async fn rotate_token(db: &Db, id: &str) -> Result<String, sqlx::Error> {
    let token = new_token();
    sqlx::query(&format!(
        "UPDATE clients SET token_hash = $1, {} WHERE id = $3",
        next_version("$2")
    ))
    .bind(token_hash(&token))
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await?;
    db.recent.forget_all();
    Ok(token)
}

/// The client a token belongs to; from the last second's reads when no write came
/// since (every request looks its client up).
pub async fn find_by_token_hash(db: &Db, hash: &str) -> Result<Option<String>, sqlx::Error> {
    if let Some(id) = db.recent.get(&db.recent.clients, hash) {
        return Ok(Some(id));
    }
    let generation = db.recent.generation();
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM clients WHERE token_hash = $1")
        .bind(hash)
        .fetch_optional(&db.read)
        .await?;
    if let Some(id) = &id {
        db.recent.clients.put(hash, id.clone(), generation);
    }
    Ok(id)
}

pub async fn get(db: &Db, id: &str) -> Result<Option<ClientRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM clients WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.read)
        .await
}

pub async fn set_sign_in(db: &Db, id: &str, sign_in_id: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE clients SET sign_in_id = $1, {} WHERE id = $3",
        next_version("$2")
    ))
    .bind(sign_in_id)
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

pub async fn set_sign_up(db: &Db, id: &str, sign_up_id: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE clients SET sign_up_id = $1, {} WHERE id = $3",
        next_version("$2")
    ))
    .bind(sign_up_id)
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// Detaches the client's finished sign-in and sign-up: once a session is over they
/// would only tell the next person at this browser who signed in (name, address).
pub async fn forget_completed_attempts(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE clients SET
            sign_in_id = CASE WHEN sign_in_id IN (SELECT id FROM sign_ins WHERE status = 'complete')
                THEN NULL ELSE sign_in_id END,
            sign_up_id = CASE WHEN sign_up_id IN (SELECT id FROM sign_ups WHERE status = 'complete')
                THEN NULL ELSE sign_up_id END,
            {}
         WHERE id = $2",
        next_version("$1")
    ))
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

pub async fn set_last_active_session(
    db: &Db,
    id: &str,
    session_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE clients SET last_active_session_id = $1, {} WHERE id = $3",
        next_version("$2")
    ))
    .bind(session_id)
    .bind(now_ms())
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}

pub async fn delete(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM clients WHERE id = $1")
        .bind(id)
        .execute(&db.write)
        .await?;
    db.recent.forget_all();
    Ok(())
}
