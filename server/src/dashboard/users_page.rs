//! Users: a searchable list with each account's identifiers and two-step
//! verification, and one account's page with what an administrator may do to it
//! (`flows::admin_users`).

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::{
    auth::{forged, server_error, CsrfForm, Signed},
    layout,
};
use crate::{
    flows::admin_users::{self, Action},
    ids::now_ms,
    state::AppState,
    store::{
        self,
        identifications::{IdentificationRow, EMAIL, PHONE},
        passkeys::PasskeyRow,
        users::UserRow,
    },
};

const PAGE: i64 = 50;

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<i64>,
}

/// What the list and the page show of an account's two-step verification.
struct Mfa {
    phones: Vec<String>,
    app: bool,
    passkeys: Vec<PasskeyRow>,
    backup_codes: i64,
}

impl Mfa {
    async fn of(
        state: &AppState,
        user: &str,
        idents: &[IdentificationRow],
    ) -> Result<Mfa, sqlx::Error> {
        Ok(Mfa {
            phones: idents
                .iter()
                .filter(|i| i.kind == PHONE && i.verified() && i.reserved_for_second_factor)
                .map(|i| i.value.clone())
                .collect(),
            app: store::totps::enabled(&state.db, user).await?,
            passkeys: store::passkeys::list_verified(&state.db, user).await?,
            backup_codes: store::backup_codes::remaining(&state.db, user).await?,
        })
    }

    fn on(&self) -> bool {
        !self.phones.is_empty() || self.app || !self.passkeys.is_empty()
    }

    fn summary(&self) -> Markup {
        html! {
            @if self.on() {
                span.badge.on { "On" } " "
                @if !self.phones.is_empty() { "SMS (" (self.phones.len()) ") " }
                @if !self.passkeys.is_empty() { "Passkeys (" (self.passkeys.len()) ") " }
                @if self.app { "Authenticator app " }
                @if self.backup_codes > 0 { "Backup codes (" (self.backup_codes) " left)" }
            } @else {
                span.badge { "Off" }
            }
        }
    }
}

fn status(user: &UserRow) -> Markup {
    let now = now_ms();
    html! {
        @if user.admin_locked() {
            span.badge.bad { "Locked by an administrator" }
        } @else if let Some(s) = user.locked_for(now) {
            span.badge.bad { "Locked for " ((s + 59) / 60) " min (failed tries)" }
        } @else {
            span.badge.on { "Active" }
        }
    }
}

fn identifier_list(idents: &[IdentificationRow], user: &UserRow) -> Markup {
    html! {
        @if let Some(u) = &user.username { div { "@" (u) } }
        @for i in idents.iter().filter(|i| i.kind == EMAIL || i.kind == PHONE) {
            div {
                (i.value)
                @if !i.verified() { " " span.badge { "unverified" } }
            }
        }
    }
}

fn name_of(user: &UserRow) -> String {
    let name = [user.first_name.as_deref(), user.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        "(no name)".into()
    } else {
        name
    }
}

/// Far past any real list, and small enough that `(page - 1) * PAGE` cannot overflow.
pub(super) const MAX_PAGE: i64 = 1_000_000;

/// `GET /dashboard/users?q=&page=`.
pub async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<ListQuery>,
) -> Response {
    match render_list(&state, &query).await {
        Ok(body) => layout::page("Users", Some(&signed), body).into_response(),
        Err(e) => server_error(e),
    }
}

async fn render_list(state: &AppState, query: &ListQuery) -> Result<Markup, sqlx::Error> {
    let page = query.page.unwrap_or(1).clamp(1, MAX_PAGE);
    let q: String = query.q.chars().take(100).collect();
    let (users, total) = store::users::search(&state.db, &q, PAGE, (page - 1) * PAGE).await?;
    let mut rows = Vec::new();
    for user in &users {
        let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
        let mfa = Mfa::of(state, &user.id, &idents).await?;
        rows.push(html! {
            tr {
                td { a href={ "/dashboard/users/" (user.id) } { (name_of(user)) } br; small { (user.id) } }
                td { (identifier_list(&idents, user)) }
                td { (mfa.summary()) }
                td { (status(user)) }
                td { (layout::when(user.created_at)) }
            }
        });
    }
    let pages = (total + PAGE - 1) / PAGE;
    let link = |p: i64| format!("/dashboard/users?q={}&page={p}", urlencode(&q));
    Ok(html! {
        form.row role="search" method="get" action="/dashboard/users" {
            label for="q" { "Search" }
            input type="search" id="q" name="q" value=(q) placeholder="Name, email, phone, username or id";
            button type="submit" { "Search" }
        }
        p.hint { (total) " users" @if !q.is_empty() { " match “" (q) "”" } }
        @if !users.is_empty() {
            table {
                thead { tr { th { "User" } th { "Identifiers" } th { "2-step verification" } th { "Status" } th { "Created" } } }
                tbody { @for r in rows { (r) } }
            }
        }
        @if pages > 1 {
            nav.pages aria-label="Pages" {
                @if page > 1 { a href=(link(page - 1)) { "← Newer" } }
                span { "Page " (page) " of " (pages) }
                @if page < pages { a href=(link(page + 1)) { "Older →" } }
            }
        }
    })
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `GET /dashboard/users/{id}`.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(flash): Query<DoneQuery>,
) -> Response {
    let user = match store::users::get(&state.db, &id).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return layout::message(
                StatusCode::NOT_FOUND,
                "No such user",
                "There is no user with this id.",
            )
        }
        Err(e) => return server_error(e),
    };
    match render_user(&state, &signed, &user, flash.done.as_deref()).await {
        Ok(body) => layout::page(&name_of(&user), Some(&signed), body).into_response(),
        Err(e) => server_error(e),
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn render_user(
    state: &AppState,
    signed: &Signed,
    user: &UserRow,
    done: Option<&str>,
) -> Result<Markup, sqlx::Error> {
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let mfa = Mfa::of(state, &user.id, &idents).await?;
    let sessions = store::sessions::list_active_for_user(&state.db, &user.id).await?;
    let recovery = store::account_recoveries::open_for_user(&state.db, &user.id).await?;
    let action = |action: Action, label: &str, class: &str, hint: &str| {
        html! {
            form.row method="post" action={ "/dashboard/users/" (user.id) "/" (action.name()) } {
                (layout::csrf_field(signed))
                button type="submit" class=(class) { (label) }
                span.hint { (hint) }
            }
        }
    };
    Ok(html! {
        @if let Some(done) = done.and_then(Action::parse) {
            p.ok role="status" { "Done: " (done.done_message()) " (details in the log)." }
        }
        section aria-labelledby="u-account" {
            h2 id="u-account" { "Account" }
            p { "Id: " code { (user.id) } }
            p { "Status: " (status(user)) }
            p { "Created " (layout::when(user.created_at)) ". Last sign-in: "
                @match user.last_sign_in_at { Some(t) => (layout::when(t)), None => "never" } "." }
            p { "Active sessions: " (sessions.len()) }
            @if let Some(at) = user.password_reset_required_at {
                p { span.badge.bad { "New password required" } " since " (layout::when(at)) ": the next sign-in must choose one." }
            }
        }
        section aria-labelledby="u-ids" {
            h2 id="u-ids" { "Identifiers" }
            (identifier_list(&idents, user))
        }
        section aria-labelledby="u-mfa" {
            h2 id="u-mfa" { "2-step verification" }
            p { (mfa.summary()) }
            @if !mfa.phones.is_empty() {
                p { "SMS codes go to: " (mfa.phones.join(", ")) }
            }
            @for passkey in &mfa.passkeys {
                form.row method="post" action={ "/dashboard/users/" (user.id) "/passkeys/" (passkey.id) "/remove" } {
                    (layout::csrf_field(signed))
                    span { "Passkey " strong { (passkey.name.as_deref().unwrap_or("without a name")) }
                        ", added " (layout::when(passkey.created_at)) ", last used "
                        @match passkey.last_used_at { Some(t) => (layout::when(t)), None => "never" } }
                    button.danger type="submit" { "Remove" }
                }
            }
            @if let Some(r) = &recovery {
                p { span.badge.bad { "Account recovery open" } " since " (layout::when(r.created_at))
                    "; it removes every second factor at the next sign-in after " (layout::when(r.completes_at)) "." }
            }
            @if let Some(at) = user.mfa_required_at {
                p { span.badge.on { "Required" } " of this user since " (layout::when(at)) "." }
            } @else if state.settings().mfa.required {
                p { span.badge.on { "Required" } " of every user (instance settings)." }
            }
        }
        section aria-labelledby="u-actions" {
            h2 id="u-actions" { "Actions" }
            @if user.admin_locked() || user.locked_for(now_ms()).is_some() {
                (action(Action::Unlock, "Unlock", "", "Lets the user sign in again and forgets failed tries."))
            } @else {
                (action(Action::Lock, "Lock", "danger", "No sign-in until an administrator unlocks the account."))
            }
            (action(Action::ResetSecondFactors, "Reset second factors", "danger", "Removes the phones from 2-step verification, the authenticator app, the passkeys and the backup codes; the user is told by email."))
            @if user.mfa_required_at.is_some() {
                (action(Action::StopRequiringMfa, "Stop requiring 2-step verification", "", "The user may turn 2-step verification off again (unless the instance requires it of everyone)."))
            } @else {
                (action(Action::RequireMfa, "Require 2-step verification", "", "From their next sign-in, a user without a second factor must set one up before anything else; the last one can no longer be removed."))
            }
            @if user.password_reset_required_at.is_some() {
                (action(Action::StopRequiringPasswordReset, "Stop requiring a new password", "", "The user signs in with their password as before."))
            } @else {
                (action(Action::RequirePasswordReset, "Require a new password", "", "At their next sign-in the user must choose a new password before anything else (sessions already open go on)."))
            }
            @if recovery.is_some() {
                (action(Action::CancelRecovery, "Cancel the account recovery", "danger", "The recovery can no longer complete; every address of the account is told."))
            }
            (action(Action::SignOut, "Sign out of all sessions", "danger", "Ends every session on every device."))
        }
    })
}

/// `POST /dashboard/users/{id}/passkeys/{passkey}/remove`: one passkey (a lost
/// device); the owner is told, and it is in the log.
pub async fn remove_passkey(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, passkey)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_ok(&form.csrf) {
        return forged();
    }
    match admin_users::remove_passkey(&state, &id, &passkey).await {
        Ok(Some(name)) => {
            let detail = format!("passkey {name} removed");
            if let Err(e) = signed.log(&state, "passkey-remove", &id, &detail).await {
                return server_error(e);
            }
            Redirect::to(&format!("/dashboard/users/{id}")).into_response()
        }
        Ok(None) => layout::message(
            StatusCode::NOT_FOUND,
            "No such passkey",
            "This user has no passkey with this id.",
        ),
        Err(e) => server_error(e),
    }
}

/// `POST /dashboard/users/{id}/{action}`.
pub async fn act(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_ok(&form.csrf) {
        return forged();
    }
    let Some(action) = Action::parse(&action) else {
        return layout::message(StatusCode::NOT_FOUND, "Not found", "No such action.");
    };
    match admin_users::run(&state, &id, action).await {
        Ok(Some(done)) => {
            if let Err(e) = signed.log(&state, action.name(), &id, &done.summary).await {
                return server_error(e);
            }
            // The page names what was done from a fixed set; the counts are in the log.
            let to = format!("/dashboard/users/{id}?done={}", action.name());
            Redirect::to(&to).into_response()
        }
        Ok(None) => layout::message(
            StatusCode::NOT_FOUND,
            "No such user",
            "There is no user with this id.",
        ),
        Err(e) => server_error(e),
    }
}
