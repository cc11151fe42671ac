//! The durable queue of messages on their way to a provider (see
//! `flows::outgoing`). Claims are leases: a worker that dies mid-send leaves the
//! message to be claimed again when its lease runs out, on any instance.

use sqlx::FromRow;

use crate::{db::Db, ids::now_ms};

#[derive(Debug, Clone, FromRow)]
pub struct OutgoingRow {
    pub id: String,
    pub sealed: String,
    pub attempts: i64,
}

/// Queues a message; with `event` (id, kind, sealed payload), its `email.created` or
/// `sms.created` webhook event in the same transaction.
pub async fn insert(
    db: &Db,
    id: &str,
    sealed: &str,
    event: Option<(&str, &str, &str)>,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    sqlx::query(
        "INSERT INTO outgoing_messages (id, sealed, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, 0, $3, $4)",
    )
    .bind(id)
    .bind(sealed)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if let Some((event_id, kind, payload)) = event {
        super::webhook_events::record_sealed(&mut tx, event_id, kind, id, payload).await?;
    }
    tx.commit().await
}

/// Claims up to `limit` messages that are due and not claimed by anyone else, for
/// `lease_ms`.
pub async fn claim_due(
    db: &Db,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<OutgoingRow>, sqlx::Error> {
    let now = now_ms();
    sqlx::query_as(
        "UPDATE outgoing_messages SET claimed_until = $1
         WHERE id IN (
             SELECT id FROM outgoing_messages
             WHERE next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $3)
             ORDER BY next_attempt_at LIMIT $4)
           AND (claimed_until IS NULL OR claimed_until < $5)
         RETURNING id, sealed, attempts",
    )
    .bind(now + lease_ms)
    .bind(now)
    .bind(now)
    .bind(limit)
    .bind(now)
    .fetch_all(&db.write)
    .await
}

/// Delivered, or given up on.
pub async fn delete(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM outgoing_messages WHERE id = $1")
        .bind(id)
        .execute(&db.write)
        .await
        .map(|_| ())
}

/// The provider refused or was unreachable: again at `next_attempt_at`.
pub async fn retry_later(
    db: &Db,
    id: &str,
    attempts: i64,
    next_attempt_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outgoing_messages SET attempts = $1, next_attempt_at = $2, claimed_until = NULL
         WHERE id = $3",
    )
    .bind(attempts)
    .bind(next_attempt_at)
    .bind(id)
    .execute(&db.write)
    .await
    .map(|_| ())
}
