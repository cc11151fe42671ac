//! Clerk's events on their way to the app's webhook endpoints (see
//! `flows::webhooks`). An event is recorded inside the transaction of the change
//! that caused it; its payload is rendered once, when it is fanned out to the
//! endpoints; each delivery is claimed as a lease, as `store::outgoing` does.

use sqlx::{AnyConnection, FromRow};

use crate::{
    db::Db,
    ids::{new_id, now_ms},
};

pub const USER_CREATED: &str = "user.created";
pub const USER_UPDATED: &str = "user.updated";
pub const USER_DELETED: &str = "user.deleted";
pub const SESSION_CREATED: &str = "session.created";
pub const EMAIL_CREATED: &str = "email.created";
pub const SMS_CREATED: &str = "sms.created";

/// Events an endpoint gets only when it names them: they carry the message, codes
/// included (for an app that delivers its own emails and texts).
pub const OPT_IN: &[&str] = &[EMAIL_CREATED, SMS_CREATED];

/// Every event kind this server sends, for settings and the dashboard.
pub const KINDS: &[&str] = &[
    USER_CREATED,
    USER_UPDATED,
    USER_DELETED,
    SESSION_CREATED,
    "session.ended",
    "session.removed",
    "session.revoked",
    EMAIL_CREATED,
    SMS_CREATED,
];

/// The event of a session that ended with `status` (`ended`, `removed`, `revoked`).
pub fn session_finished(status: &str) -> &'static str {
    match status {
        "removed" => "session.removed",
        "revoked" => "session.revoked",
        _ => "session.ended",
    }
}

/// Whether events are recorded on `db`: only while an endpoint may want them.
pub fn on(db: &Db) -> bool {
    db.webhooks.load(std::sync::atomic::Ordering::Relaxed)
}

/// Records that `kind` happened to `resource_id`, on the connection of the change's
/// transaction (when [`on`]).
pub async fn record(
    db: &Db,
    conn: &mut AnyConnection,
    kind: &str,
    resource_id: &str,
) -> Result<(), sqlx::Error> {
    if !on(db) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO webhook_events (id, kind, resource_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(new_id("msg"))
    .bind(kind)
    .bind(resource_id)
    .bind(now_ms())
    .execute(conn)
    .await
    .map(|_| ())
}

/// Records an event whose payload is already rendered and sealed (it carries a
/// code), under `id` (what the payload is bound to).
pub async fn record_sealed(
    conn: &mut AnyConnection,
    id: &str,
    kind: &str,
    resource_id: &str,
    sealed_payload: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhook_events (id, kind, resource_id, payload, sealed, created_at)
         VALUES ($1, $2, $3, $4, TRUE, $5)",
    )
    .bind(id)
    .bind(kind)
    .bind(resource_id)
    .bind(sealed_payload)
    .bind(now_ms())
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub id: String,
    pub kind: String,
    pub resource_id: String,
    /// Rendered (and sealed) when the event was recorded; else rendered at fan-out.
    pub payload: Option<String>,
    pub created_at: i64,
    /// The claim's lease (its `claimed_until`): only its holder may finish it.
    #[sqlx(skip)]
    pub lease: i64,
}

/// Claims up to `limit` events not yet fanned out, for `lease_ms`, oldest first.
pub async fn claim_waiting(
    db: &Db,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    let now = now_ms();
    let mut rows: Vec<EventRow> = sqlx::query_as(
        "UPDATE webhook_events SET claimed_until = $1
         WHERE id IN (
             SELECT id FROM webhook_events
             WHERE fanned_out_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2)
             ORDER BY created_at, id LIMIT $3)
           AND fanned_out_at IS NULL AND (claimed_until IS NULL OR claimed_until < $4)
         RETURNING id, kind, resource_id, payload, created_at",
    )
    .bind(now + lease_ms)
    .bind(now)
    .bind(limit)
    .bind(now)
    .fetch_all(&db.write)
    .await?;
    rows.iter_mut().for_each(|row| row.lease = now + lease_ms);
    Ok(rows)
}

/// The event's payload, and a delivery to each endpoint that wants it, in one
/// transaction; `payload: None` (its resource is gone, or no endpoint wants it)
/// only marks it done. Only while `lease` is still this worker's: one that stalled
/// past it leaves the event to the worker that claimed it since.
pub async fn fan_out(
    db: &Db,
    event_id: &str,
    lease: i64,
    payload: Option<&str>,
    endpoints: &[String],
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let mut tx = db.write.begin().await?;
    let held = sqlx::query(
        "UPDATE webhook_events SET payload = COALESCE(payload, $1), fanned_out_at = $2
         WHERE id = $3 AND claimed_until = $4 AND fanned_out_at IS NULL",
    )
    .bind(payload)
    .bind(now)
    .bind(event_id)
    .bind(lease)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if held && payload.is_some() {
        for endpoint in endpoints {
            sqlx::query(
                "INSERT INTO webhook_deliveries (id, event_id, endpoint, next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id, endpoint) DO NOTHING",
            )
            .bind(new_id("whd"))
            .bind(event_id)
            .bind(endpoint)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await
}

#[derive(Debug, Clone, FromRow)]
pub struct DeliveryRow {
    pub id: String,
    pub event_id: String,
    pub endpoint: String,
    pub attempts: i64,
    pub payload: String,
    /// 1: the payload is sealed, bound to the event's id (a `BOOLEAN` read as 0/1:
    /// sqlx's `Any` driver cannot hand over a SQLite `BOOLEAN`).
    pub sealed: i64,
    /// The claim's lease (its `claimed_until`): only its holder records the outcome.
    #[sqlx(skip)]
    pub lease: i64,
}

/// Claims up to `limit` deliveries that are due, for `lease_ms`: no other worker
/// (on any instance) sends them until the lease runs out.
pub async fn claim_due(
    db: &Db,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    let now = now_ms();
    let ids: Vec<String> = sqlx::query_scalar(
        "UPDATE webhook_deliveries SET claimed_until = $1
         WHERE id IN (
             SELECT id FROM webhook_deliveries
             WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= $2
               AND (claimed_until IS NULL OR claimed_until < $3)
             ORDER BY next_attempt_at, id LIMIT $4)
           AND delivered_at IS NULL AND given_up_at IS NULL
           AND (claimed_until IS NULL OR claimed_until < $5)
         RETURNING id",
    )
    .bind(now + lease_ms)
    .bind(now)
    .bind(now)
    .bind(limit)
    .bind(now)
    .fetch_all(&db.write)
    .await?;
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<DeliveryRow> = sqlx::query_as(
            "SELECT d.id, d.event_id, d.endpoint, d.attempts, e.payload,
                CASE WHEN e.sealed THEN 1 ELSE 0 END AS sealed FROM webhook_deliveries d
             JOIN webhook_events e ON e.id = d.event_id WHERE d.id = $1",
        )
        .bind(&id)
        .fetch_optional(&db.write)
        .await?;
        rows.extend(row.map(|row| DeliveryRow {
            lease: now + lease_ms,
            ..row
        }));
    }
    Ok(rows)
}

/// The endpoint took it (a 2xx).
pub async fn delivered(db: &Db, id: &str, lease: i64, status: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET delivered_at = $1, attempts = attempts + 1, last_status = $2,
            last_error = NULL, claimed_until = NULL WHERE id = $3 AND claimed_until = $4",
    )
    .bind(now_ms())
    .bind(status)
    .bind(id)
    .bind(lease)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// Not taken: again at `next_attempt_at`, or never (`None`: given up). Recorded
/// only by the lease's holder.
pub async fn failed(
    db: &Db,
    id: &str,
    lease: i64,
    status: Option<i64>,
    error: &str,
    next_attempt_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $1, last_error = $2,
            next_attempt_at = COALESCE($3, next_attempt_at),
            given_up_at = CASE WHEN $4 THEN $5 ELSE NULL END, claimed_until = NULL
         WHERE id = $6 AND claimed_until = $7",
    )
    .bind(status)
    .bind(error)
    .bind(next_attempt_at)
    .bind(next_attempt_at.is_none())
    .bind(now)
    .bind(id)
    .bind(lease)
    .execute(&db.write)
    .await
    .map(|_| ())
}

/// A delivery as the dashboard lists it.
#[derive(Debug, Clone, FromRow)]
pub struct DeliveryStatus {
    pub id: String,
    pub event_id: String,
    pub kind: String,
    pub resource_id: String,
    pub endpoint: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub delivered_at: Option<i64>,
    pub given_up_at: Option<i64>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
}

/// The latest deliveries, newest first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<DeliveryStatus>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.event_id, e.kind, e.resource_id, d.endpoint, d.attempts, d.next_attempt_at,
                d.delivered_at, d.given_up_at, d.last_status, d.last_error, d.created_at
         FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
         ORDER BY d.created_at DESC, d.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.read)
    .await
}
