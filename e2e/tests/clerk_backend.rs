//! Clerk's official backend SDK (`@clerk/backend`, unmodified, from npm) against
//! fapi-server's Backend API: a user signs up through the Frontend API, then the
//! SDK looks them up, lists, changes metadata, verifies their session token (RS256,
//! keys from `/v1/jwks`), lists and revokes their session, locks, bans and deletes
//! them, and reads the errors. `cargo xtask test` starts the server
//! (`xtask/clerk-backend-server.toml`) and installs the SDK.

use std::{
    process::Command,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{body::Bytes, extract::State, http::HeaderMap, routing::post, Router};
use serde_json::Value;

const ORIGIN: &str = "http://localhost:8080";

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by `cargo xtask test`"))
}

/// The webhooks fapi-server sends: each request's headers (as JSON) and raw body.
type Received = Arc<Mutex<Vec<(Value, String)>>>;

/// The app's webhook endpoint, on the port fapi-server's settings name.
async fn webhook_receiver(port: u16) -> Received {
    let received = Received::default();
    async fn take(State(received): State<Received>, headers: HeaderMap, body: Bytes) {
        let headers: serde_json::Map<String, Value> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), Value::from(v.to_str().unwrap())))
            .collect();
        let body = String::from_utf8(body.to_vec()).unwrap();
        received
            .lock()
            .unwrap()
            .push((Value::Object(headers), body));
    }
    let app = Router::new()
        .route("/webhooks/clerk", post(take))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    received
}

#[tokio::test]
async fn clerk_backend_sdk_against_fapi_server() {
    let api = env("BACKEND_API_URL");
    let port: u16 = env("WEBHOOK_RECEIVER_PORT").parse().unwrap();
    let received = webhook_receiver(port).await;
    let fapi = e2e::FapiClient::new(&api, ORIGIN);
    let email = format!("backend-sdk-{}+clerk_test@example.com", std::process::id());
    let (user_id, session_id) = fapi.sign_up(&email).await;
    let token = fapi.token(&session_id).await;
    // fapi-server's `user.created`, as it sent it. Deliveries go out side by side, so
    // the sign-up's `session.created` may well arrive first.
    let mut webhook = None;
    for _ in 0..100 {
        webhook = received
            .lock()
            .unwrap()
            .iter()
            .find(|(_, body)| {
                serde_json::from_str::<Value>(body).is_ok_and(|e| e["type"] == "user.created")
            })
            .cloned();
        if webhook.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (webhook_headers, webhook_body) = webhook.expect("fapi-server sent user.created");
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(
        header.alg,
        jsonwebtoken::Algorithm::RS256,
        "Clerk's SDK verifies RS256 only"
    );
    let dir = env("CLERK_BACKEND_DIR");
    let output = Command::new("node")
        .arg("conformance.mjs")
        .current_dir(&dir)
        .env("API_URL", &api)
        .env("SECRET_KEY", env("BACKEND_SECRET_KEY"))
        .env("USER_ID", &user_id)
        .env("EMAIL", &email)
        .env("SESSION_ID", &session_id)
        .env("SESSION_TOKEN", &token)
        .env("AUTHORIZED_PARTY", ORIGIN)
        .env("WEBHOOK_HEADERS", webhook_headers.to_string())
        .env("WEBHOOK_BODY", &webhook_body)
        .env("WEBHOOK_SECRET", env("WEBHOOK_SECRET"))
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "node failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let steps: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON line a step"))
        .collect();
    for step in &steps {
        println!("{step}");
    }
    let failed: Vec<&Value> = steps.iter().filter(|s| s["ok"] != true).collect();
    assert!(failed.is_empty(), "steps failed: {failed:#?}");
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    for expected in [
        "users.getUser",
        "users.getUserList",
        "users.updateUserMetadata",
        "verifyToken",
        "verifyToken refuses a forged token",
        "sessions.getSessionList",
        "sessions.verifySession",
        "sessions.revokeSession",
        "verifyWebhook",
        "users.deleteUser",
    ] {
        assert!(names.contains(&expected), "{expected} ran: {names:?}");
    }
}
