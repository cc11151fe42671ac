//! The log: every administrator's sign-in (and failed try), settings change and
//! action on an account, newest first.

use axum::{
    extract::{Query, State},
    response::{IntoResponse, Response},
};
use maud::html;
use serde::Deserialize;

use super::{
    auth::{server_error, Signed},
    layout,
};
use crate::{state::AppState, store};

const PAGE: i64 = 100;

#[derive(Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    page: Option<i64>,
}

/// `GET /dashboard/log`.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<LogQuery>,
) -> Response {
    let page = query
        .page
        .unwrap_or(1)
        .clamp(1, super::users_page::MAX_PAGE);
    let (rows, total) = match store::admin_audit::page(&state.db, PAGE, (page - 1) * PAGE).await {
        Ok(r) => r,
        Err(e) => return server_error(e),
    };
    let pages = (total + PAGE - 1) / PAGE;
    let body = html! {
        p.hint { (total) " entries. Entries are only ever added." }
        table {
            thead { tr { th { "When" } th { "Who" } th { "From" } th { "What" } th { "Target" } th { "Detail" } } }
            tbody {
                @for r in &rows {
                    tr {
                        td { (layout::when(r.at)) }
                        td { (r.admin) }
                        td { (r.ip) }
                        td { code { (r.action) } }
                        td {
                            @if r.target.starts_with("user_") {
                                a href={ "/dashboard/users/" (r.target) } { (r.target) }
                            } @else { (r.target) }
                        }
                        td { (r.detail) }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pages aria-label="Pages" {
                @if page > 1 { a href={ "/dashboard/log?page=" (page - 1) } { "← Newer" } }
                span { "Page " (page) " of " (pages) }
                @if page < pages { a href={ "/dashboard/log?page=" (page + 1) } { "Older →" } }
            }
        }
    };
    layout::page("Log", Some(&signed), body).into_response()
}
