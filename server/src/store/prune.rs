//! Forgetting what nobody can use any more: abandoned sign-ins and sign-ups, code
//! verifications nothing points at, step-up verifications past their hour, old resend-cooldown and wrong-code rows,
//! passkey challenges past their time and passkeys never answered, and clients idle
//! for a month with no session left. Run in the background; bounded work per run.

use crate::{db::Db, ids::now_ms};

/// How long after its last use an idle client with no live session is kept.
pub const CLIENT_IDLE_MS: i64 = 30 * 24 * 3600 * 1000;
/// How long an ended account recovery is kept.
pub const ENDED_RECOVERY_KEPT_MS: i64 = 90 * 24 * 3600 * 1000;
/// How long a webhook event, and its finished deliveries, are kept (the dashboard's
/// record of what went out).
pub const WEBHOOK_KEPT_MS: i64 = 7 * 24 * 3600 * 1000;
/// How long an unreferenced verification, or a cooldown row, is kept.
pub const LEFTOVER_MS: i64 = 24 * 3600 * 1000;

/// What one run removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub sign_ins: u64,
    pub sign_ups: u64,
    pub verifications: u64,
    pub code_sends: u64,
    pub target_failures: u64,
    pub session_verifications: u64,
    pub clients: u64,
    pub admin_sessions: u64,
    pub passkey_challenges: u64,
    /// Trips to a provider nobody came back from.
    pub oauth_flows: u64,
    /// Added but never answered ("Add a passkey", then the dialog closed).
    pub unfinished_passkeys: u64,
}

/// Removes everything that expired before `now` (unix ms), in one transaction.
pub async fn prune(db: &Db, now: i64) -> Result<Pruned, sqlx::Error> {
    let mut tx = db.write.begin().await?;
    let mut pruned = Pruned::default();
    let leftover = now - LEFTOVER_MS;

    sqlx::query(
        "UPDATE clients SET sign_in_id = NULL
         WHERE sign_in_id IN (SELECT id FROM sign_ins WHERE abandon_at < $1)",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?;
    pruned.sign_ins = sqlx::query("DELETE FROM sign_ins WHERE abandon_at < $1")
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();

    sqlx::query(
        "UPDATE clients SET sign_up_id = NULL
         WHERE sign_up_id IN (SELECT id FROM sign_ups WHERE abandon_at < $1)",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?;
    pruned.sign_ups = sqlx::query("DELETE FROM sign_ups WHERE abandon_at < $1")
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();

    pruned.session_verifications =
        sqlx::query("DELETE FROM session_verifications WHERE created_at < $1")
            .bind(now - super::session_verifications::LIFETIME_MS)
            .execute(&mut *tx)
            .await?
            .rows_affected();

    pruned.verifications = sqlx::query(
        "DELETE FROM verifications WHERE created_at < $1
            AND id NOT IN (SELECT verification_id FROM identifications WHERE verification_id IS NOT NULL)
            AND id NOT IN (SELECT first_factor_verification_id FROM sign_ins WHERE first_factor_verification_id IS NOT NULL)
            AND id NOT IN (SELECT second_factor_verification_id FROM sign_ins WHERE second_factor_verification_id IS NOT NULL)
            AND id NOT IN (SELECT email_verification_id FROM sign_ups WHERE email_verification_id IS NOT NULL)
            AND id NOT IN (SELECT phone_verification_id FROM sign_ups WHERE phone_verification_id IS NOT NULL)
            AND id NOT IN (SELECT external_verification_id FROM sign_ups WHERE external_verification_id IS NOT NULL)
            AND id NOT IN (SELECT first_factor_verification_id FROM session_verifications WHERE first_factor_verification_id IS NOT NULL)
            AND id NOT IN (SELECT second_factor_verification_id FROM session_verifications WHERE second_factor_verification_id IS NOT NULL)",
    )
    .bind(leftover)
    .execute(&mut *tx)
    .await?
    .rows_affected();

    pruned.code_sends = sqlx::query("DELETE FROM code_sends WHERE last_sent_at < $1")
        .bind(leftover)
        .execute(&mut *tx)
        .await?
        .rows_affected();

    pruned.target_failures = sqlx::query(
        "DELETE FROM target_failures
         WHERE updated_at < $1 AND (locked_until IS NULL OR locked_until < $2)",
    )
    .bind(leftover)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();

    // A client idle for a month whose sessions are all over: its cookie opens nothing.
    let idle = "SELECT id FROM clients WHERE updated_at < $1 AND id NOT IN (
        SELECT client_id FROM sessions
        WHERE status IN ('active', 'pending') AND expire_at > $2 AND abandon_at > $3)";
    sqlx::query(&format!("DELETE FROM sessions WHERE client_id IN ({idle})"))
        .bind(now - CLIENT_IDLE_MS)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    pruned.clients = sqlx::query(&format!("DELETE FROM clients WHERE id IN ({idle})"))
        .bind(now - CLIENT_IDLE_MS)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();

    sqlx::query("DELETE FROM trusted_clients WHERE client_id NOT IN (SELECT id FROM clients)")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "DELETE FROM remembered_devices
         WHERE expires_at <= $1 OR client_id NOT IN (SELECT id FROM clients)",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?;

    // An ended recovery is kept a while for the owner's and administrators' questions.
    sqlx::query("DELETE FROM account_recoveries WHERE status <> 'pending' AND ended_at <= $1")
        .bind(now - ENDED_RECOVERY_KEPT_MS)
        .execute(&mut *tx)
        .await?;

    sqlx::query(
        "DELETE FROM webhook_deliveries WHERE created_at <= $1
            AND (delivered_at IS NOT NULL OR given_up_at IS NOT NULL)",
    )
    .bind(now - WEBHOOK_KEPT_MS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM webhook_events WHERE fanned_out_at IS NOT NULL AND created_at <= $1
            AND id NOT IN (SELECT event_id FROM webhook_deliveries)",
    )
    .bind(now - WEBHOOK_KEPT_MS)
    .execute(&mut *tx)
    .await?;

    pruned.passkey_challenges =
        sqlx::query("DELETE FROM passkey_challenges WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    pruned.oauth_flows = sqlx::query("DELETE FROM oauth_flows WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    pruned.unfinished_passkeys =
        sqlx::query("DELETE FROM passkeys WHERE verified_at IS NULL AND created_at < $1")
            .bind(leftover)
            .execute(&mut *tx)
            .await?
            .rows_affected();

    pruned.admin_sessions = sqlx::query("DELETE FROM admin_sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();

    tx.commit().await?;
    db.recent.forget_all();
    Ok(pruned)
}

/// [`prune`] as of now.
pub async fn prune_now(db: &Db) -> Result<Pruned, sqlx::Error> {
    prune(db, now_ms()).await
}
