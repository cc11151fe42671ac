//! Clerk's events to the app's endpoints: the worker renders each recorded event
//! once (Clerk's payload: `{type, object: "event", data, timestamp, instance_id}`),
//! fans it out to the endpoints that want it, and POSTs each delivery signed as
//! Svix signs (`svix-id`, `svix-timestamp`, `svix-signature: v1,…`), until the
//! endpoint answers 2xx, on Svix's schedule of retries. Claims are leases: after a
//! crash, a delivery is taken up again when its lease runs out, on any instance;
//! an event may so arrive twice (at least once, as Svix's), never at the same time.

use std::time::Duration;

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::{
    config::WebhookEndpoint,
    delivery::{Channel, Kind, Message},
    ids::{new_id, now_ms},
    render,
    state::AppState,
    store::{self, webhook_events as events},
};

/// How long a claim is left to the worker that made it: past a delivery's timeout.
const LEASE_MS: i64 = 60_000;
/// How long an endpoint has to answer.
const TIMEOUT: Duration = Duration::from_secs(15);
const BATCH: i64 = 32;
/// Svix's waits after each failed try; after the last, the delivery is given up
/// (about 28 hours after the first try).
const RETRY_WAITS_SECONDS: [i64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

/// Fans out and delivers what is due, every half second, for the life of the server.
pub async fn run(state: AppState) {
    let http = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            "fapi-server/",
            env!("CARGO_PKG_VERSION"),
            " (webhooks)"
        ))
        .build()
        .expect("an HTTP client");
    // Until an endpoint is set (in the file, or later in the dashboard) nothing is
    // recorded and there is nothing to do: no query at all. From then on, the
    // passes run even if the last endpoint is removed, to settle what is left.
    let mut started = false;
    loop {
        started |= events::on(&state.db);
        if started {
            fan_out_waiting(&state).await;
            deliver_due(&state, &http).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The endpoints as saved this moment: another instance's dashboard may have added
/// one within the last second, and an event must not miss it (nor a delivery to it
/// be given up as "removed").
async fn endpoints_now(state: &AppState) -> Vec<WebhookEndpoint> {
    if let Err(e) = state.live.reload(&state.db).await {
        tracing::warn!(error = %e, "reading the saved settings failed");
    }
    state.settings().webhook_endpoints.clone()
}

async fn fan_out_waiting(state: &AppState) {
    loop {
        let batch = match events::claim_waiting(&state.db, LEASE_MS, BATCH).await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "reading webhook events failed");
                return;
            }
        };
        if batch.is_empty() {
            return;
        }
        let endpoints = endpoints_now(state).await;
        for event in batch {
            let wanting: Vec<String> = endpoints
                .iter()
                .filter(|e| e.wants(&event.kind))
                .map(|e| e.url.clone())
                .collect();
            let payload = if wanting.is_empty() {
                None
            } else if event.payload.is_some() {
                // Rendered and sealed when recorded (a message): kept as it is.
                event.payload.clone()
            } else {
                match payload(state, &event).await {
                    Ok(payload) => payload,
                    Err(e) => {
                        // Left claimed: tried again when the lease runs out.
                        tracing::warn!(error = %e, event = %event.id, "rendering a webhook event failed");
                        continue;
                    }
                }
            };
            if let Err(e) = events::fan_out(
                &state.db,
                &event.id,
                event.lease,
                payload.as_deref(),
                &wanting,
            )
            .await
            {
                tracing::warn!(error = %e, event = %event.id, "fanning out a webhook event failed");
            }
        }
    }
}

/// Clerk's event body; `None` when its resource is gone (a user deleted since its
/// update: its `user.deleted` follows).
async fn payload(
    state: &AppState,
    event: &events::EventRow,
) -> Result<Option<String>, crate::error::ApiError> {
    let data = match event.kind.as_str() {
        // Rendered when recorded; never here.
        events::EMAIL_CREATED | events::SMS_CREATED => return Ok(None),
        events::USER_DELETED => json!({"object": "user", "id": event.resource_id, "deleted": true}),
        kind if kind.starts_with("user.") => {
            match store::users::get(&state.db, &event.resource_id).await? {
                Some(row) => serde_json::to_value(render::backend_user(state, &row).await?)
                    .map_err(|_| crate::error::ApiError::internal())?,
                None => return Ok(None),
            }
        }
        _ => {
            let Some(row) = store::sessions::get(&state.db, &event.resource_id).await? else {
                return Ok(None);
            };
            let mut session = serde_json::to_value(render::backend_session(&row, now_ms()))
                .map_err(|_| crate::error::ApiError::internal())?;
            let user = match store::users::get(&state.db, &row.user_id).await? {
                Some(user) => serde_json::to_value(render::backend_user(state, &user).await?)
                    .map_err(|_| crate::error::ApiError::internal())?,
                None => Value::Null,
            };
            session["user"] = user;
            session
        }
    };
    Ok(Some(envelope(state, &event.kind, data, event.created_at)))
}

/// Clerk's event body around `data`.
fn envelope(state: &AppState, kind: &str, data: Value, at: i64) -> String {
    json!({
        "type": kind,
        "object": "event",
        "data": data,
        "timestamp": at,
        "instance_id": state.instance_id,
        "event_attributes": {"http_request": {"client_ip": "", "user_agent": ""}},
    })
    .to_string()
}

/// The `email.created` or `sms.created` event of a message on its way (queued as
/// `message_id`), when an endpoint wants it: its id, kind and payload, sealed (the
/// message may carry a code). Clerk's email and SMS shapes.
pub fn message_event(
    state: &AppState,
    message: &Message,
    message_id: &str,
) -> Option<(String, &'static str, String)> {
    let settings = state.settings();
    let kind = match message.channel {
        Channel::Email => events::EMAIL_CREATED,
        Channel::Sms => events::SMS_CREATED,
    };
    if !events::on(&state.db) || !WebhookEndpoint::any_wants(&settings.webhook_endpoints, kind) {
        return None;
    }
    let slug = match message.kind {
        Kind::Code => "verification_code",
        Kind::Notice => "account_notice",
    };
    let data = match message.channel {
        Channel::Email => json!({
            "object": "email",
            "id": message_id,
            "slug": slug,
            "from_email_name": settings.application_name,
            "to_email_address": message.to,
            "email_address_id": null,
            "user_id": null,
            "subject": message.subject,
            "body": message.body,
            "body_plain": message.body,
            "status": "queued",
            "data": {},
            "delivered_by_clerk": true,
        }),
        Channel::Sms => json!({
            "object": "sms_message",
            "id": message_id,
            "slug": slug,
            "from_phone_number": "",
            "to_phone_number": message.to,
            "phone_number_id": null,
            "user_id": null,
            "message": message.body,
            "status": "queued",
            "data": {},
            "delivered_by_clerk": true,
        }),
    };
    let event_id = new_id("msg");
    let body = envelope(state, kind, data, now_ms());
    let sealed = state.secrets.seal(body.as_bytes(), &event_id);
    Some((event_id, kind, sealed))
}

async fn deliver_due(state: &AppState, http: &reqwest::Client) {
    loop {
        let batch = match events::claim_due(&state.db, LEASE_MS, BATCH).await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "reading webhook deliveries failed");
                return;
            }
        };
        if batch.is_empty() {
            return;
        }
        let endpoints = endpoints_now(state).await;
        let mut sends = tokio::task::JoinSet::new();
        for delivery in batch {
            let (state, http) = (state.clone(), http.clone());
            let endpoint = endpoints
                .iter()
                .find(|e| e.url == delivery.endpoint)
                .cloned();
            sends.spawn(async move { deliver(&state, &http, endpoint, delivery).await });
        }
        while sends.join_next().await.is_some() {}
    }
}

async fn deliver(
    state: &AppState,
    http: &reqwest::Client,
    endpoint: Option<WebhookEndpoint>,
    delivery: events::DeliveryRow,
) {
    let attempt = delivery.attempts + 1;
    let next = |attempt: i64| {
        RETRY_WAITS_SECONDS
            .get(attempt as usize - 1)
            .map(|wait| now_ms() + wait * 1000)
    };
    // The endpoint left the settings: nobody wants it any more.
    let (Some(endpoint), Some(key)) = (endpoint.clone(), endpoint.as_ref().and_then(|e| e.key()))
    else {
        let _ = events::failed(
            &state.db,
            &delivery.id,
            delivery.lease,
            None,
            "endpoint removed",
            None,
        )
        .await;
        return;
    };
    let payload = if delivery.sealed == 1 {
        match state.secrets.open(&delivery.payload, &delivery.event_id) {
            Ok(bytes) => bytes,
            Err(_) => {
                // Sealed under another key (the secrets key changed): nobody can read it.
                let _ = events::failed(
                    &state.db,
                    &delivery.id,
                    delivery.lease,
                    None,
                    "does not open",
                    None,
                )
                .await;
                return;
            }
        }
    } else {
        delivery.payload.clone().into_bytes()
    };
    let timestamp = now_ms() / 1000;
    let signature = sign(&key, &delivery.event_id, timestamp, &payload);
    let sent = http
        .post(&endpoint.url)
        .header("content-type", "application/json")
        .header("svix-id", &delivery.event_id)
        .header("svix-timestamp", timestamp.to_string())
        .header("svix-signature", signature)
        .body(payload)
        .send()
        .await;
    let outcome = match sent {
        Ok(response) if response.status().is_success() => {
            events::delivered(
                &state.db,
                &delivery.id,
                delivery.lease,
                response.status().as_u16() as i64,
            )
            .await
        }
        Ok(response) => {
            let status = response.status().as_u16();
            tracing::warn!(endpoint = %crate::config::shown_url(&endpoint.url), status, attempt, "webhook not taken");
            events::failed(
                &state.db,
                &delivery.id,
                delivery.lease,
                Some(status as i64),
                &format!("answered {status}"),
                next(attempt),
            )
            .await
        }
        Err(e) => {
            let error = if e.is_timeout() {
                "no answer in time".to_owned()
            } else if e.is_connect() {
                "could not connect".to_owned()
            } else {
                "the request failed".to_owned()
            };
            tracing::warn!(endpoint = %crate::config::shown_url(&endpoint.url), error = %e, attempt, "webhook not delivered");
            events::failed(
                &state.db,
                &delivery.id,
                delivery.lease,
                None,
                &error,
                next(attempt),
            )
            .await
        }
    };
    if let Err(e) = outcome {
        tracing::warn!(error = %e, "recording a webhook delivery failed");
    }
}

/// Svix's signature: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    /// Svix's published example.
    #[test]
    fn signs_as_svix() {
        use base64::Engine;
        let key = base64::engine::general_purpose::STANDARD
            .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .unwrap();
        assert_eq!(
            super::sign(
                &key,
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
