//! Device Trust: which clients a user has signed in on before (see migration 0010).
//! A client becomes trusted in the transaction that creates a session on it.

use sqlx::{Any, Transaction};

use crate::{db::Db, ids::now_ms};

pub async fn is_trusted(db: &Db, client_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM trusted_clients WHERE client_id = $1 AND user_id = $2",
    )
    .bind(client_id)
    .bind(user_id)
    .fetch_one(&db.write)
    .await?;
    Ok(n > 0)
}

pub(super) async fn trust(
    tx: &mut Transaction<'_, Any>,
    client_id: &str,
    user_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO trusted_clients (client_id, user_id, trusted_at) VALUES ($1, $2, $3)
         ON CONFLICT (client_id, user_id) DO NOTHING",
    )
    .bind(client_id)
    .bind(user_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map(|_| ())
}
