//! The FAPI endpoints, one module per resource.

mod account_recovery;
mod backend;
mod client;
mod dev;
mod environment;
mod external_accounts;
mod me;
mod oauth;
mod passkeys;
mod reverification;
mod sessions;
mod sign_ins;
mod sign_ups;
mod totp;

use axum::{
    extract::DefaultBodyLimit,
    middleware,
    routing::{any, delete, get, patch, post},
    Json, Router,
};
use fapi_types::Envelope;
use serde::Serialize;

use crate::{
    error::{ApiError, ApiResult},
    http::{self, Identity},
    render,
    state::AppState,
};

/// Wraps a resource with the current client, as every FAPI response is.
pub async fn envelope<T: Serialize>(
    state: &AppState,
    identity: &Identity,
    response: T,
) -> ApiResult<Json<Envelope<T>>> {
    let client = match identity.client_id() {
        Some(id) => render::client(state, &id).await?,
        None => None,
    };
    Ok(Json(Envelope { response, client }))
}

/// [`envelope`] for a sign-in, which the client also carries: rendered once.
pub async fn envelope_sign_in(
    state: &AppState,
    identity: &Identity,
    sign_in: fapi_types::SignIn,
) -> ApiResult<Json<Envelope<fapi_types::SignIn>>> {
    let client = match identity.client_id() {
        Some(id) => render::client_knowing(state, &id, Some(&sign_in)).await?,
        None => None,
    };
    Ok(Json(Envelope {
        response: sign_in,
        client,
    }))
}

pub fn router(state: AppState) -> Router {
    let v1 = Router::new()
        .route(
            "/environment",
            get(environment::get).patch(environment::get),
        )
        .route("/dev_browser", post(client::create_dev_browser))
        .route(
            "/account_recovery/cancel",
            get(account_recovery::page).post(account_recovery::cancel),
        )
        .route(
            "/client",
            get(client::get)
                .put(client::create)
                .post(client::create)
                .delete(client::destroy),
        )
        .route("/client/sessions", delete(client::sign_out_all))
        .route(
            "/oauth_callback",
            get(oauth::callback).post(oauth::form_post),
        )
        .route("/client/sign_ins", post(sign_ins::create))
        .route("/client/sign_ins/{id}", get(sign_ins::get))
        .route(
            "/client/sign_ins/{id}/prepare_first_factor",
            post(sign_ins::prepare_first_factor),
        )
        .route(
            "/client/sign_ins/{id}/attempt_first_factor",
            post(sign_ins::attempt_first_factor),
        )
        .route(
            "/client/sign_ins/{id}/reset_password",
            post(sign_ins::reset_password),
        )
        .route(
            "/client/sign_ins/{id}/prepare_second_factor",
            post(sign_ins::prepare_second_factor),
        )
        .route(
            "/client/sign_ins/{id}/attempt_second_factor",
            post(sign_ins::attempt_second_factor),
        )
        .route("/client/sign_ups", post(sign_ups::create))
        .route(
            "/client/sign_ups/{id}",
            get(sign_ups::get).patch(sign_ups::update),
        )
        .route(
            "/client/sign_ups/{id}/prepare_verification",
            post(sign_ups::prepare_verification),
        )
        .route(
            "/client/sign_ups/{id}/attempt_verification",
            post(sign_ups::attempt_verification),
        )
        .route("/client/sessions/{id}", get(sessions::get))
        .route("/client/sessions/{id}/touch", post(sessions::touch))
        .route("/client/sessions/{id}/end", post(sessions::end))
        .route("/client/sessions/{id}/remove", post(sessions::remove))
        .route("/client/sessions/{id}/tokens", post(sessions::tokens))
        .route(
            "/client/sessions/{id}/tokens/{template}",
            post(sessions::template_token),
        )
        .route("/client/sessions/{id}/verify", post(reverification::start))
        .route(
            "/client/sessions/{id}/verify/prepare_first_factor",
            post(reverification::prepare_first_factor),
        )
        .route(
            "/client/sessions/{id}/verify/attempt_first_factor",
            post(reverification::attempt_first_factor),
        )
        .route(
            "/client/sessions/{id}/verify/prepare_second_factor",
            post(reverification::prepare_second_factor),
        )
        .route(
            "/client/sessions/{id}/verify/attempt_second_factor",
            post(reverification::attempt_second_factor),
        )
        .route("/me", get(me::get).patch(me::update).delete(me::delete))
        .route("/me/metadata", patch(me::update_metadata))
        .route("/me/change_password", post(me::change_password))
        .route("/me/sessions/active", get(me::active_sessions))
        .route("/me/sessions/{id}/revoke", post(me::revoke_session))
        .route("/me/email_addresses", post(me::create_email_address))
        .route(
            "/me/email_addresses/{id}",
            get(me::get_identification)
                .patch(me::update_second_factor_use)
                .delete(me::delete_identification),
        )
        .route(
            "/me/email_addresses/{id}/prepare_verification",
            post(me::prepare_verification),
        )
        .route(
            "/me/email_addresses/{id}/attempt_verification",
            post(me::attempt_verification),
        )
        .route("/me/totp", post(totp::create).delete(totp::delete))
        .route("/me/backup_codes", post(totp::regenerate_backup_codes))
        .route("/me/external_accounts", post(external_accounts::create))
        .route(
            "/me/external_accounts/{id}",
            axum::routing::delete(external_accounts::delete),
        )
        .route("/me/passkeys", post(passkeys::create))
        .route(
            "/me/passkeys/{id}",
            axum::routing::patch(passkeys::update).delete(passkeys::delete),
        )
        .route(
            "/me/passkeys/{id}/attempt_verification",
            post(passkeys::attempt_verification),
        )
        .route(
            "/me/totp/attempt_verification",
            post(totp::attempt_verification),
        )
        .route("/me/phone_numbers", post(me::create_phone_number))
        .route(
            "/me/phone_numbers/{id}",
            get(me::get_identification)
                .patch(me::update_second_factor_use)
                .delete(me::delete_identification),
        )
        .route(
            "/me/phone_numbers/{id}/prepare_verification",
            post(me::prepare_verification),
        )
        .route(
            "/me/phone_numbers/{id}/attempt_verification",
            post(me::attempt_verification),
        );
    // The API: JSON answers in Clerk's envelope for every path under it (an unknown one
    // included, even when the app's files are served too), and the only part that
    // answers other origins (CORS). The dashboard and hosted pages are same-origin.
    let mut api = Router::new()
        .nest("/v1", v1.fallback(not_found))
        .route("/.well-known/jwks.json", get(sessions::jwks))
        .route("/.well-known/{*rest}", any(not_found));
    if state.settings().is_development() {
        api = api.route("/dev/outbox", get(dev::outbox));
    }
    let api = api
        .route("/dev/{*rest}", any(not_found))
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(http::form::BODY_LIMIT_BYTES))
        .layer(http::origin::cors(state.live.base().clone()));
    let app = Router::new()
        .merge(api)
        .merge(backend::router(&state))
        .nest("/dashboard", crate::dashboard::router(&state))
        .merge(crate::hosted_pages::router(&state))
        .route("/health", get(|| async { "ok" }));
    let app = match &state.settings().static_dir {
        // The app's files; any other path is a client-side route: index.html. Public
        // files, readable from the allowed origins too (as the API).
        Some(dir) => app.fallback_service(
            crate::static_files::service(dir, Some(&dir.join("index.html")))
                .layer(http::origin::cors(state.live.base().clone())),
        ),
        None => app.fallback(not_found),
    };
    app.method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::identity::identify,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::origin::refuse_foreign,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::origin::refuse_rebinding,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::route_not_found()
}
