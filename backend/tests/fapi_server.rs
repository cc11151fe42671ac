//! Against a real fapi-server (ES256, its JWKS fetched from `iss`): an axum app with
//! the extractor, its `Option` form, the middleware and a step-up check, as an app's
//! own API uses them.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    middleware,
    routing::{get, post},
    Router,
};
use fapi_server::{config::Settings, Server};
use fapi_types::{ErrorEnvelope, SessionVerificationLevel};
use tower::ServiceExt;
use yew_clerk_backend::{
    axum::{require_session, Refused, SignedIn},
    Clerk, Config,
};

const APP: &str = "http://localhost:8080";

/// A fapi-server on loopback; the folder holds its database.
async fn fapi(mfa_required: bool) -> (Server, tempfile::TempDir) {
    fapi_with(|s| s.mfa.required = mfa_required).await
}

async fn fapi_with(configure: impl FnOnce(&mut Settings)) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        database_url: format!("sqlite://{}/fapi.db", dir.path().display()),
        secrets_key_file: Some(dir.path().join("secrets.key")),
        ..Settings::default()
    };
    configure(&mut settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Server::start_on(settings, listener).await.unwrap();
    (server, dir)
}

/// Signs up a test-mode address (code 424242) from the app's origin; a session token.
async fn session_token(base: &str) -> String {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let post = |path: String, form: Vec<(&'static str, &'static str)>| {
        let http = http.clone();
        let url = format!("{base}{path}");
        async move {
            let r = http
                .post(url)
                .header("origin", APP)
                .form(&form)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let v: serde_json::Value = r.json().await.unwrap();
            assert!(status.is_success(), "{v}");
            v
        }
    };
    let v = post(
        "/v1/client/sign_ups".into(),
        vec![
            ("email_address", "ada+clerk_test@example.com"),
            ("password", "correct horse battery staple"),
        ],
    )
    .await;
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    post(
        format!("/v1/client/sign_ups/{id}/prepare_verification"),
        vec![("strategy", "email_code")],
    )
    .await;
    let v = post(
        format!("/v1/client/sign_ups/{id}/attempt_verification"),
        vec![("strategy", "email_code"), ("code", "424242")],
    )
    .await;
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let v = post(format!("/v1/client/sessions/{sid}/tokens"), vec![]).await;
    v["jwt"].as_str().unwrap().to_owned()
}

async fn me(user: SignedIn) -> String {
    user.user_id.clone()
}

async fn maybe(user: Option<SignedIn>) -> String {
    match user {
        Some(u) => format!("signed in as {}", u.user_id),
        None => "signed out".into(),
    }
}

async fn delete_all(user: SignedIn) -> Result<&'static str, Refused> {
    user.require_recent(SessionVerificationLevel::SecondFactor, 10)?;
    Ok("deleted")
}

fn app(clerk: Clerk) -> Router {
    let protected = Router::new()
        .route("/api/notes", get(|| async { "notes" }))
        .route_layer(middleware::from_fn_with_state(
            clerk.clone(),
            require_session,
        ));
    Router::new()
        .route("/api/me", get(me))
        .route("/api/maybe", get(maybe))
        .route("/api/delete-all", post(delete_all))
        .merge(protected)
        .with_state(clerk)
}

async fn call(
    app: &Router,
    method: &str,
    path: &str,
    auth: Option<(&str, &str)>,
) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some((name, value)) = auth {
        req = req.header(name, value);
    }
    let r = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = r.status();
    let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn an_app_api_knows_who_is_signed_in_from_fapi_servers_tokens() {
    let (server, _dir) = fapi(false).await;
    let base = format!("http://{}", server.addr());
    let token = session_token(&base).await;
    let clerk = Clerk::new(Config::new(&base).authorized_party(APP));
    let app = app(clerk);
    let bearer = format!("Bearer {token}");
    let cookie = format!("__session={token}");

    let (status, user) = call(
        &app,
        "GET",
        "/api/me",
        Some((header::AUTHORIZATION.as_str(), &bearer)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert!(user.starts_with("user_"), "{user}");
    // The `__session` cookie does the same for plain page loads.
    let (status, same) = call(&app, "GET", "/api/me", Some(("cookie", &cookie))).await;
    assert_eq!((status, same.as_str()), (StatusCode::OK, user.as_str()));

    // Signed out: Clerk's envelope, 401.
    let (status, body) = call(&app, "GET", "/api/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let e: ErrorEnvelope = serde_json::from_str(&body).unwrap();
    assert_eq!(e.errors[0].code, "authentication_invalid");
    let (status, _) = call(
        &app,
        "GET",
        "/api/me",
        Some(("authorization", "Bearer nonsense")),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Pages that work both ways.
    let (_, body) = call(&app, "GET", "/api/maybe", None).await;
    assert_eq!(body, "signed out");
    let (_, body) = call(&app, "GET", "/api/maybe", Some(("authorization", &bearer))).await;
    assert_eq!(body, format!("signed in as {user}"));

    // A whole router behind the middleware.
    let (status, _) = call(&app, "GET", "/api/notes", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = call(&app, "GET", "/api/notes", Some(("authorization", &bearer))).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "notes"));

    // A cookie alone does not sign in a request that changes something (CSRF).
    let (status, _) = call(&app, "POST", "/api/delete-all", Some(("cookie", &cookie))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Just signed in (no second factor: the password counts), so the step-up passes.
    let (status, body) = call(
        &app,
        "POST",
        "/api/delete-all",
        Some(("authorization", &bearer)),
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "deleted"));

    // A token made on another origin is refused.
    let strict = self::app(Clerk::new(
        Config::new(&base).authorized_party("https://app.example.com"),
    ));
    let (status, _) = call(&strict, "GET", "/api/me", Some(("authorization", &bearer))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_pending_session_gets_401_from_the_apps_api() {
    // MFA required: the new account's session waits on `setup-mfa`.
    let (server, _dir) = fapi(true).await;
    let base = format!("http://{}", server.addr());
    let token = session_token(&base).await;
    let clerk = Clerk::new(Config::new(&base).authorized_party(APP));
    let pending = clerk.verify_allowing_pending(&token).await.unwrap();
    assert!(pending.is_pending());
    let app = app(clerk);
    let bearer = format!("Bearer {token}");
    let (status, _) = call(&app, "GET", "/api/me", Some(("authorization", &bearer))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, body) = call(&app, "GET", "/api/maybe", Some(("authorization", &bearer))).await;
    assert_eq!(body, "signed out");
}

/// `[session] token_algorithm = "RS256"` (Clerk's own, what Clerk's SDKs need): the
/// crate verifies those tokens as it does ES256 ones, its key found from `iss`.
#[tokio::test]
async fn rs256_tokens_from_fapi_server_verify_too() {
    let (server, _dir) =
        fapi_with(|s| s.session.token_algorithm = fapi_server::config::TokenAlgorithm::Rs256).await;
    let base = format!("http://{}", server.addr());
    let token = session_token(&base).await;
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
    let clerk = Clerk::new(Config::new(&base).authorized_party(APP));
    let session = clerk.verify(&token).await.unwrap();
    assert!(session.user_id.starts_with("user_"));
    let jwks: serde_json::Value = reqwest::get(format!("{base}/.well-known/jwks.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    assert_eq!(jwks["keys"][0]["e"], "AQAB");
}

/// The claims of a token, unverified (the test made it).
fn claims(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

/// The typed Backend API client against fapi-server: the user behind `sub`, a
/// listing by email, metadata, sessions, lock, ban, MFA and delete, and its errors.
#[tokio::test]
async fn the_backend_api_client_against_fapi_server() {
    use yew_clerk_backend::api::{BackendApi, BackendApiError, UserQuery};
    const KEY: &str = "sk_test_clientclientclientclientclient0123";
    let (server, _dir) = fapi_with(|s| s.backend_api.secret_keys = vec![KEY.into()]).await;
    let base = format!("http://{}", server.addr());
    let token = session_token(&base).await;
    let claims = claims(&token);
    let (user_id, session_id) = (
        claims["sub"].as_str().unwrap(),
        claims["sid"].as_str().unwrap(),
    );
    let api = BackendApi::new(&base, KEY);

    let user = api.user(user_id).await.unwrap();
    assert_eq!(
        user.primary_email_address().unwrap().email_address,
        "ada+clerk_test@example.com"
    );
    let found = api
        .users(&UserQuery::default().email_address("ada+clerk_test@example.com"))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, user_id);
    let none = UserQuery::default().query("nobody").page(5, 0);
    assert!(api.users(&none).await.unwrap().is_empty());
    assert_eq!(api.user_count(&none).await.unwrap(), 0);
    assert_eq!(api.user_count(&UserQuery::default()).await.unwrap(), 1);

    let update = fapi_types::backend::MetadataUpdate {
        private_metadata: Some(serde_json::json!({"plan": "pro"})),
        ..Default::default()
    };
    let user = api.update_metadata(user_id, &update).await.unwrap();
    assert_eq!(user.private_metadata["plan"], "pro");

    let sessions = api.sessions(user_id, Some("active")).await.unwrap();
    assert_eq!(sessions.total_count, 1);
    assert_eq!(sessions.data[0].id, session_id);
    let revoked = api.revoke_session(session_id).await.unwrap();
    assert_eq!(revoked.status, fapi_types::SessionStatus::Revoked);

    assert!(api.lock_user(user_id).await.unwrap().locked);
    assert!(!api.unlock_user(user_id).await.unwrap().locked);
    assert!(api.ban_user(user_id).await.unwrap().banned);
    assert!(!api.unban_user(user_id).await.unwrap().banned);
    api.disable_mfa(user_id).await.unwrap();

    // An id is one path segment: it cannot reach another path.
    let e = api.user("../sessions").await.unwrap_err();
    assert_eq!(e.code(), Some("resource_not_found"), "{e}");
    let e = BackendApi::new(&base, "sk_test_wrongwrongwrongwrongwrongwrong0123")
        .user(user_id)
        .await
        .unwrap_err();
    assert!(matches!(e, BackendApiError::Api { status: 401, .. }), "{e}");
    assert_eq!(e.code(), Some("clerk_key_invalid"));

    let deleted = api.delete_user(user_id).await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(
        api.user(user_id).await.unwrap_err().code(),
        Some("resource_not_found")
    );
}
