//! `/dashboard`: what Clerk keeps in its Dashboard, for the instance's
//! administrators. Server-rendered pages and plain HTML forms (no script at all):
//! the settings users see (2-step verification, identifiers, password length), the
//! users (search, lock, reset second factors, sign out), and the log of every
//! administrator's action. Off until an administrator is configured.

mod auth;
mod developers_page;
mod layout;
mod log_page;
mod providers_page;
mod recoveries_page;
mod settings_page;
mod users_page;

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Router,
};
use maud::html;

use crate::{http::origin, state::AppState};

/// The dashboard's routes, to nest under `/dashboard`.
pub fn router(state: &AppState) -> Router<AppState> {
    let routes = if state.admins.is_empty() {
        Router::new()
            .route("/", get(off))
            .route("/style.css", get(layout::style))
            .route("/{*rest}", get(off).post(off))
    } else {
        Router::new()
            .route("/", get(|| async { Redirect::to("/dashboard/settings") }))
            .route("/style.css", get(layout::style))
            .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
            .route("/sign-out", post(auth::sign_out))
            .route(
                "/settings",
                get(settings_page::show).post(settings_page::apply),
            )
            .route("/settings/forget", post(settings_page::forget))
            .route("/users", get(users_page::list))
            .route("/users/{id}", get(users_page::show))
            .route("/users/{id}/{action}", post(users_page::act))
            .route(
                "/users/{id}/passkeys/{passkey}/remove",
                post(users_page::remove_passkey),
            )
            .route("/recoveries", get(recoveries_page::list))
            .route("/developers", get(developers_page::show))
            .route("/developers/{list}/{action}", post(developers_page::act))
            .route("/providers", get(providers_page::show))
            .route("/providers/{action}", post(providers_page::act))
            .route("/log", get(log_page::show))
            .fallback(|| async {
                layout::message(StatusCode::NOT_FOUND, "Not found", "No such page.")
            })
    };
    routes.layer(middleware::from_fn_with_state(state.clone(), guard))
}

/// Every dashboard response: never cached, never framed, no script, forms only
/// to itself; a form posted from another origin is refused.
async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == Method::POST {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok());
        let own = origin::own_origin(&state.settings(), host);
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok());
        if origin.is_some() && origin != own.as_deref() {
            return layout::message(
                StatusCode::FORBIDDEN,
                "Refused",
                "This form was sent from another site.",
            );
        }
    }
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// With no administrator configured, every dashboard page says how to turn it on.
async fn off() -> Response {
    let body = html! {
        p { "The dashboard is off: no administrator is configured." }
        p { "To turn it on, either set a password in the environment and restart:" }
        pre { "FAPI_DASHBOARD_PASSWORD='at least 12 characters' fapi-server" }
        p { "(the administrator is named " code { "admin" } ", or " code { "FAPI_DASHBOARD_ADMIN" } "), or add administrators to the config file:" }
        pre { "fapi-server --hash-password   # type the password, copy the hash\n\n[dashboard]\nadmins = [{ name = \"alice\", password_hash = \"$argon2id$...\" }]" }
    };
    (
        StatusCode::NOT_FOUND,
        layout::page("Dashboard off", None, body),
    )
        .into_response()
}
