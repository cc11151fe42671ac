//! The demo's own API, as an app's server uses yew-clerk-backend: every route needs a
//! signed-in session (a pending one, with a task to do, counts as signed out), the
//! user's email comes from the Backend API, and deleting every note needs a second
//! factor verified in the last few minutes, answered with Clerk's
//! `session_reverification_required` so that `use_reverification` in the browser asks
//! "Verify it's you" and retries.
//!
//! Settings from the environment (`cargo xtask demo` sets them):
//! - `DEMO_API_LISTEN`: where it listens (`127.0.0.1:3001`).
//! - `CLERK_FRONTEND_API`: the Frontend API's URL as tokens name it in `iss`
//!   (`http://localhost:8080`, trunk's, which proxies fapi-server).
//! - `CLERK_AUTHORIZED_PARTY`: the app's origin (`http://localhost:8080`).
//! - `CLERK_API_URL` and `CLERK_SECRET_KEY`: the Backend API (fapi-server's).
//! - `DEMO_STEP_UP_MINUTES`: how recent the second factor must be to delete (10).

mod notes;

use std::net::SocketAddr;

use axum::{middleware, routing::get, routing::post, Router};
use yew_clerk_backend::{api::BackendApi, axum::require_session, Clerk, Config};

fn setting(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "demo_api=info".into()),
        )
        .init();
    let listen: SocketAddr = setting("DEMO_API_LISTEN", "127.0.0.1:3001")
        .parse()
        .expect("DEMO_API_LISTEN is an address");
    let clerk = Clerk::new(
        Config::new(&setting("CLERK_FRONTEND_API", "http://localhost:8080"))
            .authorized_party(&setting("CLERK_AUTHORIZED_PARTY", "http://localhost:8080")),
    );
    let backend = std::env::var("CLERK_SECRET_KEY")
        .ok()
        .filter(|key| !key.is_empty())
        .map(|key| BackendApi::new(&setting("CLERK_API_URL", "http://127.0.0.1:3000"), &key));
    let step_up_minutes = setting("DEMO_STEP_UP_MINUTES", "10")
        .parse()
        .expect("DEMO_STEP_UP_MINUTES is a number of minutes");
    let state = notes::Notes::new(clerk.clone(), backend, step_up_minutes);
    let app = Router::new()
        .route("/api/notes", get(notes::list).post(notes::add))
        .route("/api/notes/delete-all", post(notes::delete_all))
        .route_layer(middleware::from_fn_with_state(clerk, require_session))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .unwrap_or_else(|e| panic!("demo-api cannot listen on {listen}: {e}"));
    println!("demo-api listening on http://{listen}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .expect("demo-api serves");
}
