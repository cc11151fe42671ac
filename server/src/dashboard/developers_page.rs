//! What the app's own server uses: whether the Backend API is open (the keys' state,
//! never a key), the webhook endpoints with their latest deliveries and failures,
//! and the JWT templates. All of it comes from the settings file; this page shows it.

use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use maud::html;

use super::{
    auth::{server_error, Signed},
    layout,
};
use crate::{state::AppState, store};

/// The latest deliveries shown.
const SHOWN: i64 = 50;

/// `GET /dashboard/developers`.
pub async fn show(State(state): State<AppState>, signed: Signed) -> Response {
    let settings = state.settings();
    let deliveries = match store::webhook_events::recent(&state.db, SHOWN).await {
        Ok(rows) => rows,
        Err(e) => return server_error(e),
    };
    let keys = state.secret_keys.len();
    let body = html! {
        section aria-labelledby="keys" {
            h2 #keys { "Backend API" }
            @if keys == 0 {
                p { span.badge.bad { "off" } " No secret key is set: " code { "[backend_api] secret_keys" } " or " code { "FAPI_SECRET_KEY" } "." }
            } @else {
                p { span.badge.on { "on" } " " (keys) " secret " (if keys == 1 { "key is" } else { "keys are" }) " set (never shown). The app's server calls " code { "/v1/users" } ", " code { "/v1/sessions" } " and " code { "/v1/jwks" } " with one; every call is in the log." }
            }
            p { "Session tokens are signed with " code { (settings.session.token_algorithm.name()) } " (" code { "[session] token_algorithm" } ")." }
        }
        section aria-labelledby="endpoints" {
            h2 #endpoints { "Webhook endpoints" }
            @if settings.webhook_endpoints.is_empty() {
                p { "None: " code { "[[webhook_endpoints]]" } " in the settings file adds one, with its " code { "whsec_" } " secret and the events it wants." }
            } @else {
                table {
                    thead { tr { th { "URL" } th { "Events" } th { "Secret" } } }
                    tbody {
                        @for e in &settings.webhook_endpoints {
                            tr {
                                td { (crate::config::shown_url(&e.url)) }
                                td { @if e.events.is_empty() { "all but email.created and sms.created" } @else { (e.events.join(", ")) } }
                                td { "set (never shown)" }
                            }
                        }
                    }
                }
            }
            h3 { "Latest deliveries" }
            @if deliveries.is_empty() {
                p { "Nothing sent yet." }
            } @else {
                table {
                    thead { tr { th { "Event" } th { "To" } th { "Status" } th { "Tries" } th { "Created" } } }
                    tbody {
                        @for d in &deliveries {
                            tr {
                                td { (d.kind) br; small { (d.resource_id) } }
                                td { (crate::config::shown_url(&d.endpoint)) }
                                td {
                                    @if d.delivered_at.is_some() {
                                        span.badge.on { "delivered" }
                                    } @else if d.given_up_at.is_some() {
                                        span.badge.bad { "given up" }
                                    } @else if d.attempts > 0 {
                                        span.badge.bad { "failing" } " next " (layout::when(d.next_attempt_at))
                                    } @else {
                                        "waiting"
                                    }
                                    @if let Some(error) = &d.last_error { br; small { (error) } }
                                }
                                td { (d.attempts) }
                                td { (layout::when(d.created_at)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="templates" {
            h2 #templates { "JWT templates" }
            @if settings.jwt_templates.is_empty() {
                p { "None: " code { "[[jwt_templates]]" } " in the settings file adds one." }
            } @else {
                table {
                    thead { tr { th { "Name" } th { "Lifetime" } th { "Claims" } th { "Signed with" } } }
                    tbody {
                        @for t in &settings.jwt_templates {
                            tr {
                                td { code { (t.name) } }
                                td { (t.lifetime_seconds) " s" }
                                td { code { (serde_json::Value::Object(t.claims.clone())) } }
                                td { @if t.signing_key.is_some() { "a shared HS256 secret" } @else { "the instance's key" } }
                            }
                        }
                    }
                }
            }
        }
    };
    layout::page("Developers", Some(&signed), body).into_response()
}
