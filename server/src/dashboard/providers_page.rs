//! Sign-in providers ("Continue with Google"): the settings file's and the ones added
//! here (`flows::developer_settings`), with the redirect URI each provider must be
//! given. A client secret goes in once and is never shown again.

use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::{html, Markup};

use super::{
    auth::{forged, server_error, Signed},
    layout,
};
use crate::{
    config::SocialProvider,
    flows::{developer_settings, settings_change::Refused, social::callback_url},
    http::origin::own_origin,
    state::AppState,
};

/// The providers the form suggests; any other name is an OpenID Connect issuer.
const BUILT_IN: [(&str, &str); 4] = [
    ("google", "Google"),
    ("github", "GitHub"),
    (
        "microsoft",
        "Microsoft (personal accounts, or your tenant's issuer)",
    ),
    ("gitlab", "GitLab"),
];

fn said(done: &str) -> Option<&'static str> {
    Some(match done {
        "added" => "Provider added: its button shows on the next page load.",
        "removed" => "Provider removed: its button is gone, and trips already at the provider fail on their way back.",
        _ => return None,
    })
}

/// `GET /dashboard/providers`.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Query(flash): Query<layout::Done>,
) -> Response {
    let note = flash.note(said);
    render(&state, &signed, &headers, note, StatusCode::OK).await
}

/// `POST /dashboard/providers/{action}`: add or remove a provider.
pub async fn act(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(action): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| layout::form_field(&fields, name).map_or("", str::trim);
    if !signed.csrf_ok(field("csrf")) {
        return forged();
    }
    let by = signed.admin.as_str();
    let name = field("provider").to_lowercase();
    let optional = |v: &str| Some(v.to_owned()).filter(|v| !v.is_empty());
    let outcome = match action.as_str() {
        "add" => {
            let provider = SocialProvider {
                provider: name.clone(),
                client_id: field("client_id").to_owned(),
                client_secret: field("client_secret").to_owned(),
                issuer: optional(field("issuer")),
                api_url: optional(field("api_url")),
                name: optional(field("name")),
                trust_verified_email: (!field("trust_verified_email").is_empty()).then_some(true),
                // Apple's signing key stays in the settings file.
                ..SocialProvider::default()
            };
            let detail = format!(
                "{}; issuer {}; client id {}{}",
                provider.display_name(),
                provider.issuer(),
                provider.client_id,
                if provider.trust_verified_email == Some(true) {
                    "; verified emails trusted"
                } else {
                    ""
                }
            );
            developer_settings::add_provider(&state, provider, by)
                .await
                .map(|()| ("added", "provider-add", detail))
        }
        "remove" => developer_settings::remove_provider(&state, &name, by)
            .await
            .map(|()| ("removed", "provider-remove", String::new())),
        _ => return layout::message(StatusCode::NOT_FOUND, "Not found", "No such page."),
    };
    match outcome {
        Ok((done, action, detail)) => {
            if let Err(e) = signed.log(&state, action, &name, &detail).await {
                return server_error(e);
            }
            Redirect::to(&format!("/dashboard/providers?done={done}")).into_response()
        }
        Err(Refused::Db(e)) => server_error(e),
        Err(refused) => {
            let note = html! { p.error role="alert" { "Not changed: " (refused.to_string()) } };
            render(
                &state,
                &signed,
                &headers,
                Some(note),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn render(
    state: &AppState,
    signed: &Signed,
    headers: &HeaderMap,
    note: Option<Markup>,
    status: StatusCode,
) -> Response {
    let added = match developer_settings::providers(state).await {
        Ok(saved) => saved,
        Err(Refused::Db(e)) => return server_error(e),
        Err(e) => {
            tracing::error!(error = %e, "dashboard: saved providers");
            return layout::message(StatusCode::INTERNAL_SERVER_ERROR, "Error", &e.to_string());
        }
    };
    let base = state.live.base();
    let current = state.settings();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let redirect_uri = if current.frontend_api_url.is_empty() {
        own_origin(&current, host).map(|origin| callback_url(&origin))
    } else {
        Some(callback_url(&current.frontend_api_url))
    };
    let in_force = |p: &SocialProvider| current.social.contains(p);
    let body = html! {
        @if let Some(note) = note { (note) }
        p.hint { "\"Continue with …\" in " code { "<SignIn/>" } " and " code { "<SignUp/>" } ": a known account signs in (and still gives its second factor), someone new signs up. Providers in the settings file (" code { "[[social]]" } ") are changed there." }
        @if let Some(uri) = &redirect_uri {
            p { "The redirect URI to register with each provider: " code #redirect-uri { (uri) } }
        }
        @if added.unreadable > 0 {
            p.error role="alert" { (added.unreadable) " saved provider(s) do not open with this server's secrets key (was it changed?): not in force, and dropped by the next change here." }
        }
        @if base.social.is_empty() && added.entries.is_empty() {
            p { "None yet." }
        } @else {
            table {
                thead { tr { th { "Provider" } th { "Strategy" } th { "Issuer" } th { "Client ID" } th { "Verified emails" } th { "From" } } }
                tbody {
                    @for p in &base.social {
                        tr {
                            (cells(p))
                            td { span.badge { "settings file" } }
                        }
                    }
                    @for p in &added.entries {
                        tr {
                            (cells(p))
                            td {
                                span.badge { "dashboard" }
                                @if !in_force(p) {
                                    br; span.badge.bad title="It clashes with the settings file; the server's log says why." { "not in force" }
                                }
                                form method="post" action="/dashboard/providers/remove" {
                                    (layout::csrf_field(signed))
                                    input type="hidden" name="provider" value=(p.provider);
                                    button.danger type="submit" { "Remove " (p.display_name()) }
                                }
                            }
                        }
                    }
                }
            }
        }
        details open[base.social.is_empty() && added.entries.is_empty()] {
            summary { "Add a provider" }
            form method="post" action="/dashboard/providers/add" {
                (layout::csrf_field(signed))
                div.row {
                    label for="provider" { "Provider" }
                    input type="text" id="provider" name="provider" required maxlength="32"
                        pattern="[a-z0-9_]+" list="built-in" placeholder="google";
                    datalist #built-in {
                        @for (value, label) in BUILT_IN { option value=(value) { (label) } }
                    }
                }
                p.hint { "google, github, microsoft, gitlab, or a name of your own (lowercase letters, digits, _) for any OpenID Connect provider, which then needs its issuer. Apple signs in with a key of yours: set it up in the settings file." }
                div.row {
                    label for="client-id" { "Client ID" }
                    input type="text" id="client-id" name="client_id" required size="50" autocomplete="off";
                }
                div.row {
                    label for="client-secret" { "Client secret" }
                    input type="password" id="client-secret" name="client_secret" required size="50" autocomplete="off";
                }
                p.hint { "Sealed at rest, never shown again." }
                div.row {
                    label for="issuer" { "Issuer" }
                    input type="url" id="issuer" name="issuer" size="50"
                        placeholder="empty: the provider's own";
                }
                p.hint { "Microsoft: your tenant's, " code { "https://login.microsoftonline.com/<tenant id>/v2.0" } ". GitHub Enterprise Server: its address. https (http only to loopback in development)." }
                div.row {
                    label for="api-url" { "API URL (GitHub only)" }
                    input type="url" id="api-url" name="api_url" size="50"
                        placeholder="empty: https://api.github.com, or <issuer>/api/v3";
                }
                div.row {
                    label for="button-name" { "Button name" }
                    input type="text" id="button-name" name="name" maxlength="64"
                        placeholder="empty: the provider's own";
                }
                label {
                    input type="checkbox" name="trust_verified_email";
                    " Trust its verified emails: a sign-in joins the account with that email"
                }
                p.hint { "Only for a provider that owns or checks every address it vouches for. Unticked: Google's own addresses only; the account with another email keeps signing in as before, and a sign-up with it is refused as taken." }
                button.primary type="submit" { "Add provider" }
            }
        }
    };
    (
        status,
        layout::page("Sign-in providers", Some(signed), body),
    )
        .into_response()
}

fn cells(p: &SocialProvider) -> Markup {
    html! {
        td { (p.display_name()) }
        td { code { (p.strategy()) } }
        td { (p.issuer()) }
        td { code { (p.client_id) } }
        td {
            @if p.trust_verified_email == Some(true) { "trusted" }
            @else if p.trust_verified_email == Some(false) { "not trusted" }
            @else { "built-in rule" }
        }
    }
}
