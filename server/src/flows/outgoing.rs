//! Messages leave the request path: a request writes its message to the durable queue
//! (`store::outgoing`, sealed) and a worker hands it to the provider, so an answer
//! takes as long for a real address as for an enumeration-protection decoy, whatever
//! the provider takes, and a slow provider holds no request. A refused or failed send
//! is tried again with a growing wait; a message survives a restart. The development
//! outbox (in memory, instant) is written at once.

use std::time::Duration;

use crate::{
    delivery::Message,
    error::{ApiError, ApiResult},
    ids::{new_id, now_ms},
    state::AppState,
    store,
};

/// Tries before a message is given up on: the waits double from 1 s to 5 min, about
/// 12 minutes in all, past a code's lifetime.
const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed message is left to the worker that claimed it.
const LEASE_MS: i64 = 60_000;
/// Messages claimed (and sent side by side) at a time.
const BATCH: i64 = 16;

/// Queues `message` (or, to the development outbox, delivers it at once), with its
/// `email.created` / `sms.created` webhook event when an endpoint wants it.
pub async fn send(state: &AppState, message: &Message) -> ApiResult<()> {
    let id = new_id("msg");
    let event = super::webhooks::message_event(state, message, &id);
    let event = event
        .as_ref()
        .map(|(event_id, kind, sealed)| (event_id.as_str(), *kind, sealed.as_str()));
    if state.delivery.is_in_memory(message.channel) {
        if let Some((event_id, kind, sealed)) = event {
            let mut conn = state.db.write.acquire().await?;
            store::webhook_events::record_sealed(&mut conn, event_id, kind, &id, sealed).await?;
        }
        return state.delivery.send(message).await.map_err(|e| {
            tracing::error!(error = %e, "outbox delivery failed");
            ApiError::delivery_failed()
        });
    }
    let json = serde_json::to_vec(message).map_err(|_| ApiError::internal())?;
    let sealed = state.secrets.seal(&json, &id);
    store::outgoing::insert(&state.db, &id, &sealed, event).await?;
    state.outgoing.notify_one();
    Ok(())
}

/// Delivers what is due, then waits for a new message (or a second, for retries and
/// for messages other instances queued). Runs for the life of the server.
pub async fn run(state: AppState) {
    loop {
        deliver_due(&state).await;
        tokio::select! {
            _ = state.outgoing.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

async fn deliver_due(state: &AppState) {
    loop {
        let batch = match store::outgoing::claim_due(&state.db, LEASE_MS, BATCH).await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "reading the message queue failed");
                return;
            }
        };
        if batch.is_empty() {
            return;
        }
        let mut sends = tokio::task::JoinSet::new();
        for row in batch {
            let state = state.clone();
            sends.spawn(async move { deliver(&state, row).await });
        }
        while sends.join_next().await.is_some() {}
    }
}

async fn deliver(state: &AppState, row: store::outgoing::OutgoingRow) {
    let message = state
        .secrets
        .open(&row.sealed, &row.id)
        .ok()
        .and_then(|json| serde_json::from_slice::<Message>(&json).ok());
    let Some(message) = message else {
        // Sealed under another key (the secrets key changed): nobody can read it.
        tracing::error!(id = %row.id, "a queued message does not open: dropped");
        let _ = store::outgoing::delete(&state.db, &row.id).await;
        return;
    };
    let outcome = match state.delivery.send(&message).await {
        Ok(()) => store::outgoing::delete(&state.db, &row.id).await,
        Err(e) if row.attempts + 1 >= MAX_ATTEMPTS => {
            tracing::error!(error = %e, channel = ?message.channel, "message given up after {MAX_ATTEMPTS} tries");
            store::outgoing::delete(&state.db, &row.id).await
        }
        Err(e) => {
            let attempts = row.attempts + 1;
            let wait_ms = (1_000i64 << (attempts - 1).min(9)).min(300_000);
            tracing::warn!(error = %e, channel = ?message.channel, attempts, "message not delivered: trying again");
            store::outgoing::retry_later(&state.db, &row.id, attempts, now_ms() + wait_ms).await
        }
    };
    if let Err(e) = outcome {
        tracing::warn!(error = %e, "recording a delivery failed");
    }
}
