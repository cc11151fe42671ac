//! Account recoveries: every open one ("I lost access to my second factor"), the
//! soonest to complete first, each with a way to cancel it (the users page's
//! `cancel-recovery` action, logged like the others).

use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use maud::html;

use super::{
    auth::{server_error, Signed},
    layout,
};
use crate::{flows::admin_users::Action, ids::now_ms, state::AppState, store};

/// More than any instance should ever have open at once.
const SHOWN: i64 = 500;

/// `GET /dashboard/recoveries`.
pub async fn list(State(state): State<AppState>, signed: Signed) -> Response {
    let open = match store::account_recoveries::list_open(&state.db, SHOWN).await {
        Ok(open) => open,
        Err(e) => return server_error(e),
    };
    // Whose: the primary email (else any address), as the owner would recognise it.
    let mut who = Vec::with_capacity(open.len());
    for r in &open {
        let user = match store::users::get(&state.db, &r.user_id).await {
            Ok(user) => user,
            Err(e) => return server_error(e),
        };
        let idents = match store::identifications::list_for_user(&state.db, &r.user_id).await {
            Ok(idents) => idents,
            Err(e) => return server_error(e),
        };
        let primary = user
            .as_ref()
            .and_then(|u| u.primary_email_address_id.as_ref());
        let shown = idents
            .iter()
            .find(|i| Some(&i.id) == primary)
            .or(idents.first())
            .map_or_else(|| r.user_id.clone(), |i| i.value.clone());
        who.push(shown);
    }
    let now = now_ms();
    let body = html! {
        p.hint { "A user who still has their password and email but lost every second factor can open a recovery. It completes only after its wait; every address of the account was told and can cancel it, and so can a sign-in with a real second factor. Cancel one that the owner did not ask for." }
        @if open.is_empty() {
            p { "No account recovery is open." }
        } @else {
            table {
                thead { tr { th { "User" } th { "Opened" } th { "Completes" } th { "From" } th { span.hint { "Action" } } } }
                tbody {
                    @for (r, shown) in open.iter().zip(&who) {
                        tr {
                            td { a href={ "/dashboard/users/" (r.user_id) } { (shown) } br; small { (r.user_id) } }
                            td { (layout::when(r.created_at)) }
                            td {
                                (layout::when(r.completes_at))
                                @if r.completes_at <= now { " " span.badge.bad { "ready" } }
                            }
                            td { (r.ip_address.as_deref().unwrap_or("-")) }
                            td {
                                form method="post" action={ "/dashboard/users/" (r.user_id) "/" (Action::CancelRecovery.name()) } {
                                    (layout::csrf_field(&signed))
                                    button.danger type="submit" { "Cancel" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout::page("Account recoveries", Some(&signed), body).into_response()
}
