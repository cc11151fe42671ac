//! What the app's own server uses: whether the Backend API is open (the keys' state,
//! never a key), the webhook endpoints with their latest deliveries and failures,
//! and the JWT templates. Endpoints and templates are added, changed and removed
//! here beside the settings file's (`flows::developer_settings`); a secret is shown
//! once, when the dashboard made it, and never again.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::{html, Markup};
use serde_json::Value;

use super::{
    auth::{forged, server_error, Signed},
    layout,
};
use crate::{
    config::{shown_url, JwtTemplate, WebhookEndpoint},
    editable_settings::handle,
    flows::{
        developer_settings::{self, EndpointChange, SigningKeyChange},
        settings_change::Refused,
    },
    state::AppState,
    store::{self, webhook_events::KINDS},
};

/// The latest deliveries shown.
const SHOWN: i64 = 50;

/// What a change did, for the page it leads to.
fn said(done: &str) -> Option<&'static str> {
    Some(match done {
        "endpoint-added" => "Endpoint added. Events are sent to it from now on.",
        "endpoint-changed" => "Endpoint changed.",
        "endpoint-removed" => "Endpoint removed. Deliveries still due to it are given up.",
        "template-added" => "Template added. The app asks for it with get_token_with.",
        "template-changed" => "Template changed. Tokens minted from now on use it.",
        "template-removed" => "Template removed. Asking for it answers 404.",
        _ => return None,
    })
}

/// `GET /dashboard/developers`.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(flash): Query<layout::Done>,
) -> Response {
    let note = flash.note(said);
    render(&state, &signed, note, StatusCode::OK).await
}

/// `POST /dashboard/developers/{list}/{action}`: add, change or remove an endpoint
/// or a template.
pub async fn act(
    State(state): State<AppState>,
    signed: Signed,
    Path((list, action)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| trimmed(&fields, name);
    if !signed.csrf_ok(field("csrf")) {
        return forged();
    }
    let events: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "events")
        .map(|(_, v)| v.clone())
        .collect();
    let by = signed.admin.as_str();
    let url = field("url");
    let endpoint = field("endpoint");
    let name = field("name");
    // (what it did, the log's action, its target, its detail, a secret made)
    let outcome = match (list.as_str(), action.as_str()) {
        ("endpoints", "add") => {
            let endpoint = WebhookEndpoint {
                url: url.to_owned(),
                secret: field("secret").to_owned(),
                events: events.clone(),
            };
            developer_settings::add_endpoint(&state, endpoint, by)
                .await
                .map(|made| {
                    let detail = format!("{}; secret {}", events_text(&events), given(&made));
                    (
                        "endpoint-added",
                        "webhook-endpoint-add",
                        shown_url(url),
                        detail,
                        made,
                    )
                })
        }
        ("endpoints", "change") => {
            let secret = if !field("make_secret").is_empty() {
                Some(String::new())
            } else {
                Some(field("secret").to_owned()).filter(|s| !s.is_empty())
            };
            let replaced = secret.is_some();
            let edit = EndpointChange {
                events: events.clone(),
                secret,
            };
            developer_settings::change_endpoint(&state, endpoint, edit, by)
                .await
                .map(|(url, made)| {
                    let secret = if replaced { given(&made) } else { "kept" };
                    let detail = format!("{}; secret {secret}", events_text(&events));
                    let target = shown_url(&url);
                    (
                        "endpoint-changed",
                        "webhook-endpoint-change",
                        target,
                        detail,
                        made,
                    )
                })
        }
        ("endpoints", "remove") => developer_settings::remove_endpoint(&state, endpoint, by)
            .await
            .map(|url| {
                let target = shown_url(&url);
                (
                    "endpoint-removed",
                    "webhook-endpoint-remove",
                    target,
                    String::new(),
                    None,
                )
            }),
        ("templates", "add") => match template_from(&fields, name) {
            Ok(template) => {
                let signing = if template.signing_key.is_some() {
                    "own HS256 secret"
                } else {
                    "signed with the instance's key"
                };
                let detail = template_text(template.lifetime_seconds, &template.claims, signing);
                developer_settings::add_template(&state, template, by)
                    .await
                    .map(|()| {
                        (
                            "template-added",
                            "jwt-template-add",
                            name.to_owned(),
                            detail,
                            None,
                        )
                    })
            }
            Err(refused) => Err(refused),
        },
        ("templates", "change") => match template_from(&fields, name) {
            Ok(template) => {
                let key = match (field("instance_key").is_empty(), template.signing_key) {
                    (false, _) => SigningKeyChange::Drop,
                    (true, Some(key)) => SigningKeyChange::Set(key),
                    (true, None) => SigningKeyChange::Keep,
                };
                let signing = match key {
                    SigningKeyChange::Keep => "signing key kept",
                    SigningKeyChange::Drop => "signed with the instance's key",
                    SigningKeyChange::Set(_) => "new HS256 secret",
                };
                let detail = template_text(template.lifetime_seconds, &template.claims, signing);
                developer_settings::change_template(
                    &state,
                    name,
                    template.lifetime_seconds,
                    template.claims,
                    key,
                    by,
                )
                .await
                .map(|()| {
                    (
                        "template-changed",
                        "jwt-template-change",
                        name.to_owned(),
                        detail,
                        None,
                    )
                })
            }
            Err(refused) => Err(refused),
        },
        ("templates", "remove") => developer_settings::remove_template(&state, name, by)
            .await
            .map(|()| {
                (
                    "template-removed",
                    "jwt-template-remove",
                    name.to_owned(),
                    String::new(),
                    None,
                )
            }),
        _ => {
            return layout::message(StatusCode::NOT_FOUND, "Not found", "No such page.");
        }
    };
    match outcome {
        Ok((done, action, target, detail, made)) => {
            if let Err(e) = signed.log(&state, action, &target, &detail).await {
                return server_error(e);
            }
            match made {
                // Shown on this answer alone: never in a URL, never again.
                Some(secret) => {
                    let note = html! {
                        div.ok role="status" {
                            p { (said(done).unwrap_or_default()) }
                            p { "Its signing secret, shown this once: copy it into the app's settings (for example " code { "CLERK_WEBHOOK_SIGNING_SECRET" } ") now." }
                            p { code { (secret) } }
                        }
                    };
                    render(&state, &signed, Some(note), StatusCode::OK).await
                }
                None => Redirect::to(&format!("/dashboard/developers?done={done}")).into_response(),
            }
        }
        Err(Refused::Db(e)) => server_error(e),
        Err(refused) => {
            let note = html! { p.error role="alert" { "Not changed: " (refused.to_string()) } };
            render(
                &state,
                &signed,
                Some(note),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// A template as the add and change forms send it; the signing key is `None` when
/// the field was left empty.
fn template_from(fields: &[(String, String)], name: &str) -> Result<JwtTemplate, Refused> {
    let field = |name: &str| trimmed(fields, name);
    let lifetime_seconds = match field("lifetime_seconds") {
        "" => 60,
        n => n.parse().map_err(|_| {
            Refused::Invalid("the lifetime is a whole number of seconds, 30 to 86400".into())
        })?,
    };
    let claims = match field("claims") {
        "" => serde_json::Map::new(),
        text => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(claims)) => claims,
            Ok(_) => return Err(Refused::Invalid("the claims are one JSON object".into())),
            Err(e) => return Err(Refused::Invalid(format!("the claims are not JSON: {e}"))),
        },
    };
    Ok(JwtTemplate {
        name: name.to_owned(),
        lifetime_seconds,
        claims,
        signing_key: Some(field("signing_key").to_owned()).filter(|k| !k.is_empty()),
    })
}

/// A posted field, trimmed; empty when absent.
fn trimmed<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    layout::form_field(fields, name).map_or("", str::trim)
}

fn events_text(events: &[String]) -> String {
    if events.is_empty() {
        "events: all but email.created and sms.created".into()
    } else {
        format!("events: {}", events.join(", "))
    }
}

fn given(made: &Option<String>) -> &'static str {
    if made.is_some() {
        "made by the dashboard"
    } else {
        "given"
    }
}

fn claim_names(claims: &serde_json::Map<String, Value>) -> String {
    if claims.is_empty() {
        return "none".into();
    }
    claims.keys().cloned().collect::<Vec<_>>().join(", ")
}

/// What the log says of a template: its lifetime, its claims' names, how it is signed.
fn template_text(
    lifetime_seconds: u64,
    claims: &serde_json::Map<String, Value>,
    signing: &str,
) -> String {
    format!(
        "lifetime {lifetime_seconds} s; claims {}; {signing}",
        claim_names(claims)
    )
}

async fn render(
    state: &AppState,
    signed: &Signed,
    note: Option<Markup>,
    status: StatusCode,
) -> Response {
    let deliveries = match store::webhook_events::recent(&state.db, SHOWN).await {
        Ok(rows) => rows,
        Err(e) => return server_error(e),
    };
    let (endpoints, templates) = match (
        developer_settings::endpoints(state).await,
        developer_settings::templates(state).await,
    ) {
        (Ok(e), Ok(t)) => (e, t),
        (Err(Refused::Db(e)), _) | (_, Err(Refused::Db(e))) => return server_error(e),
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(error = %e, "dashboard: saved developer settings");
            return layout::message(StatusCode::INTERNAL_SERVER_ERROR, "Error", &e.to_string());
        }
    };
    let base = state.live.base();
    let current = state.settings();
    // What the dashboard saved is in force unless the file came to clash with it.
    let endpoint_in_force = |e: &WebhookEndpoint| {
        current.webhook_endpoints[base
            .webhook_endpoints
            .len()
            .min(current.webhook_endpoints.len())..]
            .contains(e)
    };
    let template_in_force = |t: &JwtTemplate| {
        current.jwt_templates[base.jwt_templates.len().min(current.jwt_templates.len())..]
            .contains(t)
    };
    let (added_endpoints, added_templates) = (&endpoints.entries, &templates.entries);
    let body = html! {
        @if let Some(note) = note { (note) }
        (keys_section(state))
        section aria-labelledby="endpoints" {
            h2 #endpoints { "Webhook endpoints" }
            p.hint { "Clerk's events, signed as Svix signs them (" code { "svix-id" } ", " code { "svix-timestamp" } ", " code { "svix-signature" } "), retried until the endpoint takes them. Endpoints in the settings file (" code { "[[webhook_endpoints]]" } ") are changed there." }
            (unreadable(endpoints.unreadable))
            @if base.webhook_endpoints.is_empty() && added_endpoints.is_empty() {
                p { "None yet." }
            } @else {
                table {
                    thead { tr { th { "URL" } th { "Events" } th { "From" } } }
                    tbody {
                        @for e in &base.webhook_endpoints {
                            tr {
                                td { (shown_url(&e.url)) }
                                td { (wanted(e)) }
                                td { span.badge { "settings file" } }
                            }
                        }
                        @for e in added_endpoints {
                            tr {
                                td { (shown_url(&e.url)) (not_in_force(endpoint_in_force(e))) }
                                td { (wanted(e)) }
                                td { span.badge { "dashboard" } }
                            }
                            tr { td colspan="3" { (edit_endpoint(signed, e)) } }
                        }
                    }
                }
            }
            details {
                summary { "Add an endpoint" }
                form method="post" action="/dashboard/developers/endpoints/add" {
                    (layout::csrf_field(signed))
                    div.row {
                        label for="endpoint-url" { "URL" }
                        input type="url" id="endpoint-url" name="url" required size="50"
                            placeholder="https://app.example.com/api/webhooks/clerk";
                    }
                    p.hint { "https (http only to loopback, or in development)." }
                    (event_boxes("add", &[]))
                    div.row {
                        label for="endpoint-secret" { "Signing secret" }
                        input type="password" id="endpoint-secret" name="secret" size="50"
                            autocomplete="off" placeholder="empty: the dashboard makes one";
                    }
                    p.hint { code { "whsec_" } " and base64 of at least 24 random bytes. Empty: one is made and shown once." }
                    button.primary type="submit" { "Add endpoint" }
                }
            }
            h3 { "Latest deliveries" }
            (deliveries_table(&deliveries))
        }
        section aria-labelledby="templates" {
            h2 #templates { "JWT templates" }
            p.hint { "Tokens with their own claims and lifetime for a third-party service: the app asks with " code { "get_token_with(\"name\")" } ". Templates in the settings file (" code { "[[jwt_templates]]" } ") are changed there." }
            (unreadable(templates.unreadable))
            @if base.jwt_templates.is_empty() && added_templates.is_empty() {
                p { "None yet." }
            } @else {
                table {
                    thead { tr { th { "Name" } th { "Lifetime" } th { "Claims" } th { "Signed with" } th { "From" } } }
                    tbody {
                        @for t in &base.jwt_templates {
                            tr {
                                (template_cells(t, true))
                                td { span.badge { "settings file" } }
                            }
                        }
                        @for t in added_templates {
                            tr {
                                (template_cells(t, template_in_force(t)))
                                td { span.badge { "dashboard" } }
                            }
                            tr { td colspan="5" { (edit_template(signed, t)) } }
                        }
                    }
                }
            }
            details {
                summary { "Add a template" }
                form method="post" action="/dashboard/developers/templates/add" {
                    (layout::csrf_field(signed))
                    div.row {
                        label for="template-name" { "Name" }
                        input type="text" id="template-name" name="name" required maxlength="64"
                            pattern="[A-Za-z0-9_\\-]+" placeholder="supabase";
                    }
                    (template_fields("add", None))
                    button.primary type="submit" { "Add template" }
                }
            }
        }
    };
    (status, layout::page("Developers", Some(signed), body)).into_response()
}

fn keys_section(state: &AppState) -> Markup {
    let keys = state.secret_keys.len();
    let settings = state.settings();
    html! {
        section aria-labelledby="keys" {
            h2 #keys { "Backend API" }
            @if keys == 0 {
                p { span.badge.bad { "off" } " No secret key is set: " code { "[backend_api] secret_keys" } " or " code { "FAPI_SECRET_KEY" } "." }
            } @else {
                p { span.badge.on { "on" } " " (keys) " secret " (if keys == 1 { "key is" } else { "keys are" }) " set (never shown). The app's server calls " code { "/v1/users" } ", " code { "/v1/sessions" } " and " code { "/v1/jwks" } " with one; every call is in the log." }
            }
            p { "Session tokens are signed with " code { (settings.session.token_algorithm.name()) } " (" code { "[session] token_algorithm" } ")." }
        }
    }
}

/// Marks a saved entry the server left out (it clashes with the settings file, or
/// no longer fits its environment; the log says why).
fn not_in_force(in_force: bool) -> Markup {
    html! {
        @if !in_force {
            br; span.badge.bad title="It clashes with the settings file or no longer fits it; the server's log says why. Remove it, or change the file." { "not in force" }
        }
    }
}

fn unreadable(count: usize) -> Markup {
    html! {
        @if count > 0 {
            p.error role="alert" { (count) " saved " (if count == 1 { "entry does" } else { "entries do" }) " not open with this server's secrets key (was it changed?): not in force, and dropped by the next change here." }
        }
    }
}

fn wanted(e: &WebhookEndpoint) -> String {
    if e.events.is_empty() {
        "all but email.created and sms.created".into()
    } else {
        e.events.join(", ")
    }
}

/// A checkbox per event; `form` keeps the ids of several forms apart.
fn event_boxes(form: &str, ticked: &[String]) -> Markup {
    html! {
        fieldset {
            legend { "Events" }
            @for kind in KINDS {
                label {
                    input type="checkbox" name="events" value=(kind)
                        id={ (form) "-" (kind) } checked[ticked.iter().any(|t| t == kind)];
                    " " code { (kind) }
                }
            }
        }
        p.hint { "None ticked: every event but " code { "email.created" } " and " code { "sms.created" } ", which carry codes and come only when ticked." }
    }
}

fn edit_endpoint(signed: &Signed, e: &WebhookEndpoint) -> Markup {
    let id = handle(&e.url);
    html! {
        details {
            summary { "Edit " (shown_url(&e.url)) }
            form method="post" action="/dashboard/developers/endpoints/change" {
                (layout::csrf_field(signed))
                input type="hidden" name="endpoint" value=(id);
                (event_boxes(&id, &e.events))
                div.row {
                    label for={ (id) "-secret" } { "New signing secret" }
                    input type="password" id={ (id) "-secret" } name="secret" size="40"
                        autocomplete="off" placeholder="empty: keep the one it has";
                }
                label {
                    input type="checkbox" name="make_secret";
                    " Make a new signing secret (shown once)"
                }
                button.primary type="submit" { "Save" }
            }
            form method="post" action="/dashboard/developers/endpoints/remove" {
                (layout::csrf_field(signed))
                input type="hidden" name="endpoint" value=(id);
                button.danger type="submit" { "Remove endpoint" }
            }
        }
    }
}

fn template_cells(t: &JwtTemplate, in_force: bool) -> Markup {
    html! {
        td { code { (t.name) } (not_in_force(in_force)) }
        td { (t.lifetime_seconds) " s" }
        td { code { (Value::Object(t.claims.clone())) } }
        td { @if t.signing_key.is_some() { "a shared HS256 secret" } @else { "the instance's key" } }
    }
}

/// Lifetime, claims and signing key, empty for a new template or `t`'s own.
fn template_fields(form: &str, t: Option<&JwtTemplate>) -> Markup {
    let claims = t
        .map(|t| serde_json::to_string_pretty(&t.claims).unwrap_or_default())
        .unwrap_or_default();
    html! {
        div.row {
            label for={ (form) "-lifetime" } { "Lifetime (seconds)" }
            input type="number" id={ (form) "-lifetime" } name="lifetime_seconds" min="30" max="86400"
                value=(t.map_or(60, |t| t.lifetime_seconds));
        }
        label for={ (form) "-claims" } { "Claims (JSON)" }
        textarea id={ (form) "-claims" } name="claims" rows="5" cols="50"
            placeholder="{\"email\": \"{{user.primary_email_address}}\", \"plan\": \"{{user.public_metadata.plan}}\"}" { (claims) }
        p.hint { "Strings may name the user's data with Clerk's shortcodes: " code { "{{user.id}}" } ", " code { "{{user.primary_email_address}}" } ", " code { "{{user.public_metadata.plan}}" } "…; azp, exp, iat, iss, jti, nbf and sub are set by the server." }
        div.row {
            label for={ (form) "-key" } { "Shared HS256 secret" }
            input type="password" id={ (form) "-key" } name="signing_key" size="40" autocomplete="off"
                placeholder=(if t.is_some_and(|t| t.signing_key.is_some()) { "empty: keep it" } else { "empty: the instance's key" });
        }
        p.hint { "For a service that checks tokens with a secret it shares (Supabase's JWT secret): at least 32 bytes, never shown again." }
    }
}

fn edit_template(signed: &Signed, t: &JwtTemplate) -> Markup {
    let id = handle(&t.name);
    html! {
        details {
            summary { "Edit " code { (t.name) } }
            form method="post" action="/dashboard/developers/templates/change" {
                (layout::csrf_field(signed))
                input type="hidden" name="name" value=(t.name);
                (template_fields(&id, Some(t)))
                @if t.signing_key.is_some() {
                    label {
                        input type="checkbox" name="instance_key";
                        " Sign with the instance's key instead"
                    }
                }
                button.primary type="submit" { "Save" }
            }
            form method="post" action="/dashboard/developers/templates/remove" {
                (layout::csrf_field(signed))
                input type="hidden" name="name" value=(t.name);
                button.danger type="submit" { "Remove template" }
            }
        }
    }
}

fn deliveries_table(deliveries: &[store::webhook_events::DeliveryStatus]) -> Markup {
    html! {
        @if deliveries.is_empty() {
            p { "Nothing sent yet." }
        } @else {
            table {
                thead { tr { th { "Event" } th { "To" } th { "Status" } th { "Tries" } th { "Created" } } }
                tbody {
                    @for d in deliveries {
                        tr {
                            td { (d.kind) br; small { (d.resource_id) } }
                            td { (shown_url(&d.endpoint)) }
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
}
