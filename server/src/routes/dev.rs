use axum::{extract::State, Json};

use crate::{delivery::OutboxEntry, state::AppState};

/// The latest messages the outbox "sent" (development only): `{"messages": [...]}`, newest last.
pub async fn outbox(State(state): State<AppState>) -> Json<serde_json::Value> {
    let entries: Vec<OutboxEntry> = state.delivery.outbox.entries();
    Json(serde_json::json!({ "messages": entries }))
}
