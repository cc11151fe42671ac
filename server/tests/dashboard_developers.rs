//! The dashboard's Developers page edits webhook endpoints and JWT templates beside
//! the settings file's: an endpoint added there gets events signed with its secret
//! (made and shown once, or given), changes and removals apply at once and survive
//! a restart, secrets are sealed at rest and never shown again, input the server
//! would refuse at start changes nothing, and every change is in the log.

use crate::common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{body::Bytes, extract::State, http::HeaderMap, routing, Router};
use common::{
    admin::{signed_in_admin, with_admin, AdminBrowser},
    Mode, TestServer,
};
use fapi_server::{
    config::{JwtTemplate, WebhookEndpoint},
    editable_settings::handle,
};
use jsonwebtoken::{Algorithm, DecodingKey};
use reqwest::StatusCode;
use serde_json::json;
use yew_clerk_backend::webhook::Webhook;

const GIVEN: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8G";

/// One request as it came: headers and body.
type Request = (Vec<(String, String)>, Bytes);

/// The app's endpoint on loopback: every request as it came.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Request>>>,
    url: String,
}

async fn receiver() -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let receiver = Receiver {
        got: Arc::default(),
        url: format!("http://{}/hooks", listener.local_addr().unwrap()),
    };
    async fn take(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) {
        let pairs = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        r.got.lock().unwrap().push((pairs, body));
    }
    let app = Router::new()
        .route("/hooks", routing::post(take))
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    receiver
}

impl Receiver {
    /// The types of the events received, or `None` where `secret` did not sign one.
    fn kinds(&self, secret: &str) -> Vec<Option<String>> {
        let hook = Webhook::new(secret).unwrap();
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(headers, body)| {
                let pairs = headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
                hook.event(pairs, body).ok().map(|e| e.kind)
            })
            .collect()
    }

    fn count(&self) -> usize {
        self.got.lock().unwrap().len()
    }

    /// Waits until `n` requests arrived (at most 20 s), then a moment for any extra.
    async fn wait_for(&self, n: usize) -> usize {
        for _ in 0..200 {
            if self.count() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(800)).await;
        self.count()
    }

    /// What arrived in the next two seconds (the worker looks twice a second).
    async fn after_a_while(&self) -> usize {
        tokio::time::sleep(Duration::from_secs(2)).await;
        self.count()
    }

    fn clear(&self) {
        self.got.lock().unwrap().clear();
    }
}

/// Posts a Developers page form with the session's token.
async fn post(admin: &AdminBrowser, path: &str, fields: &[(&str, &str)]) -> common::admin::Page {
    let csrf = admin.csrf().await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    admin
        .post(&format!("/dashboard/developers/{path}"), &form)
        .await
}

/// The secret a page shows once.
fn shown_secret(body: &str) -> String {
    let at = body.find("<code>whsec_").expect("a secret is shown") + "<code>".len();
    body[at..].split('<').next().unwrap().to_owned()
}

async fn stored(server: &TestServer, key: &str) -> String {
    fapi_server::store::instance_settings::stored(&server.state().db, key)
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test]
async fn an_endpoint_added_in_the_dashboard_gets_events_signed_with_its_secret() {
    let receiver = receiver().await;
    // A token in the query is the app's: the page and the log never show it.
    let url = format!("{}?token=s3cr3t-query", receiver.url);
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;

    // Added with no secret: the dashboard makes one and shows it on this answer only.
    let page = post(
        &admin,
        "endpoints/add",
        &[("url", &url), ("events", "user.created"), ("secret", "")],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("shown this once"), "{}", page.body);
    let secret = shown_secret(&page.body);
    assert!(yew_clerk_backend::webhook::Webhook::new(&secret).is_ok());
    let page = admin.get("/dashboard/developers").await;
    assert!(page.body.contains("/hooks?redacted") && page.body.contains("user.created"));
    assert!(!page.body.contains(&secret), "shown once only");
    assert!(!page.body.contains("s3cr3t"), "{}", page.body);
    // Sealed at rest: the database alone does not hold it.
    let saved = stored(&server, "webhook_endpoints").await;
    assert!(saved.contains("secret_sealed") && !saved.contains(&secret[6..16]));

    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "first@example.com", "First").await;

    assert_eq!(receiver.wait_for(1).await, 1);
    assert_eq!(receiver.kinds(&secret), [Some("user.created".into())]);

    // Other events, and a new secret made: the next event is signed with it alone.
    receiver.clear();
    let page = post(
        &admin,
        "endpoints/change",
        &[
            ("endpoint", &handle(&url)),
            ("events", "session.created"),
            ("make_secret", "on"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let rolled = shown_secret(&page.body);
    assert_ne!(rolled, secret);
    server
        .browser(Mode::Cookie)
        .sign_up(&server, "second@example.com", "Second")
        .await;
    assert_eq!(receiver.wait_for(1).await, 1);
    assert_eq!(receiver.kinds(&rolled), [Some("session.created".into())]);
    assert_eq!(
        receiver.kinds(&secret),
        [None],
        "the old secret no longer signs"
    );

    // A secret of one's own, kept across a restart.
    receiver.clear();
    let page = post(
        &admin,
        "endpoints/change",
        &[
            ("endpoint", &handle(&url)),
            ("events", "user.created"),
            ("secret", GIVEN),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        page.location.as_deref(),
        Some("/dashboard/developers?done=endpoint-changed")
    );
    let log = admin.log().await;
    for action in ["webhook-endpoint-add", "webhook-endpoint-change"] {
        assert!(log.contains(action), "{action} in {log}");
    }
    assert!(!log.contains(&secret) && !log.contains(&rolled) && !log.contains(GIVEN));
    assert!(!log.contains("s3cr3t"));

    let dir = server.stop().await;
    let mut settings = common::test_settings(dir.path());
    with_admin(&mut settings);
    let effective = fapi_server::effective_settings(&settings).await.unwrap();
    assert_eq!(effective.webhook_endpoints.len(), 1);
    assert_eq!(effective.webhook_endpoints[0].secret, GIVEN);
    let server = TestServer::in_dir(dir, settings).await;
    server
        .browser(Mode::Cookie)
        .sign_up(&server, "third@example.com", "Third")
        .await;
    assert_eq!(receiver.wait_for(1).await, 1);
    assert_eq!(receiver.kinds(GIVEN), [Some("user.created".into())]);

    // Removed: nothing more is sent.
    receiver.clear();
    let admin = signed_in_admin(&server).await;
    let page = post(&admin, "endpoints/remove", &[("endpoint", &handle(&url))]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    server
        .browser(Mode::Cookie)
        .sign_up(&server, "fourth@example.com", "Fourth")
        .await;
    assert_eq!(receiver.after_a_while().await, 0);
    assert_eq!(stored(&server, "webhook_endpoints").await, "");
    assert!(admin.log().await.contains("webhook-endpoint-remove"));
}

fn file_template() -> JwtTemplate {
    JwtTemplate {
        name: "from-file".into(),
        lifetime_seconds: 60,
        claims: Default::default(),
        signing_key: None,
    }
}

const FILE_ENDPOINT: &str = "http://127.0.0.1:9/file";

/// Forms the server would refuse at start are refused and change nothing, and the
/// settings file's entries are not the dashboard's to change.
#[tokio::test]
async fn what_the_server_would_refuse_is_refused_and_changes_nothing() {
    let server = TestServer::with(|s| {
        with_admin(s);
        s.webhook_endpoints = vec![WebhookEndpoint {
            url: FILE_ENDPOINT.into(),
            secret: GIVEN.into(),
            events: vec![],
        }];
        s.jwt_templates = vec![file_template()];
    })
    .await;
    let admin = signed_in_admin(&server).await;
    let file_handle = handle(FILE_ENDPOINT);
    // (form, fields, why)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let refused: [Case; 12] = [
        ("endpoints/add", vec![("url", "not a url")], "is not a URL"),
        (
            "endpoints/add",
            vec![("url", "ftp://127.0.0.1/x")],
            "must be https",
        ),
        (
            "endpoints/add",
            vec![("url", "https://a.example/h"), ("events", "user.exploded")],
            "unknown event",
        ),
        (
            "endpoints/add",
            vec![("url", "https://a.example/h"), ("secret", "whsec_c2hvcnQ=")],
            "secret must be whsec_",
        ),
        (
            "endpoints/add",
            vec![("url", FILE_ENDPOINT)],
            "already an endpoint",
        ),
        (
            "endpoints/change",
            vec![("endpoint", &file_handle)],
            "not one the dashboard added",
        ),
        (
            "endpoints/remove",
            vec![("endpoint", &file_handle)],
            "not one the dashboard added",
        ),
        (
            "templates/add",
            vec![("name", "t"), ("claims", r#"{"sub": "someone else"}"#)],
            "sub is set by the server",
        ),
        (
            "templates/add",
            vec![("name", "t"), ("claims", "{nope")],
            "not JSON",
        ),
        (
            "templates/add",
            vec![("name", "t"), ("lifetime_seconds", "10")],
            "30 to 86400",
        ),
        (
            "templates/add",
            vec![("name", "from-file")],
            "two templates have this name",
        ),
        (
            "templates/add",
            vec![("name", "t"), ("signing_key", "too short")],
            "at least 32 bytes",
        ),
    ];
    for (path, fields, why) in refused {
        let page = post(&admin, path, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {fields:?}"
        );
        assert!(
            page.body.contains(why),
            "{path} {fields:?}: {why} in {}",
            page.body
        );
    }
    for key in ["webhook_endpoints", "jwt_templates"] {
        assert_eq!(stored(&server, key).await, "", "{key}: nothing saved");
    }
    let settings = server.state().settings();
    assert_eq!(settings.webhook_endpoints.len(), 1);
    assert_eq!(settings.jwt_templates.len(), 1);
    // A form without the session's token changes nothing either.
    let page = admin
        .post(
            "/dashboard/developers/templates/add",
            &[("csrf", "forged"), ("name", "forged")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&server, "jwt_templates").await, "");
    // The page marks the file's entries as the file's, without an edit form.
    let page = admin.get("/dashboard/developers").await;
    assert_eq!(page.body.matches("settings file</span>").count(), 2);
    assert!(!page.body.contains("<summary>Edit"));
}

#[tokio::test]
async fn a_template_added_in_the_dashboard_mints_tokens_until_removed() {
    const SHARED: &str = "a-partner-jwt-secret-of-at-least-32-bytes";
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    let page = post(
        &admin,
        "templates/add",
        &[
            ("name", "partner"),
            ("lifetime_seconds", "120"),
            (
                "claims",
                r#"{"aud": "partner", "email": "{{user.primary_email_address}}"}"#,
            ),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let b = server.browser(Mode::Cookie);
    let sid = b.sign_up(&server, "tpl@example.com", "Tess").await;
    let path = format!("/v1/client/sessions/{sid}/tokens/partner");
    let mint = |b| common::Browser::post(b, &path, &[]);
    let jwt = mint(&b).await.ok()["jwt"].as_str().unwrap().to_owned();
    let key = server.current_key().await;
    let claims = common::claims_of(&jwt, &key, Algorithm::ES256);
    assert_eq!(
        (claims["aud"].clone(), claims["email"].clone()),
        (json!("partner"), json!("tpl@example.com"))
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        120
    );

    // A longer life and a secret the partner shares; sealed at rest.
    let page = post(
        &admin,
        "templates/change",
        &[
            ("name", "partner"),
            ("lifetime_seconds", "300"),
            ("claims", r#"{"role": "member"}"#),
            ("signing_key", SHARED),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let saved = stored(&server, "jwt_templates").await;
    assert!(saved.contains("signing_key_sealed") && !saved.contains(SHARED));
    let page = admin.get("/dashboard/developers").await;
    assert!(page.body.contains("a shared HS256 secret") && !page.body.contains(SHARED));
    let jwt = mint(&b).await.ok()["jwt"].as_str().unwrap().to_owned();
    let claims = common::claims_of(
        &jwt,
        &DecodingKey::from_secret(SHARED.as_bytes()),
        Algorithm::HS256,
    );
    assert_eq!(claims["role"], "member");
    assert!(claims.get("email").is_none());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        300
    );

    // "Use the config file's values again" is about the settings form: it stays.
    let csrf = admin.csrf().await;
    let page = admin
        .post("/dashboard/settings/forget", &[("csrf", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    mint(&b).await.ok();

    // Changing it without a new secret keeps the secret; the instance's key again on request.
    let page = post(
        &admin,
        "templates/change",
        &[("name", "partner"), ("lifetime_seconds", "300")],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let jwt = mint(&b).await.ok()["jwt"].as_str().unwrap().to_owned();
    assert_eq!(
        jsonwebtoken::decode_header(&jwt).unwrap().alg,
        Algorithm::HS256
    );
    let page = post(
        &admin,
        "templates/change",
        &[("name", "partner"), ("instance_key", "on")],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let jwt = mint(&b).await.ok()["jwt"].as_str().unwrap().to_owned();
    assert_eq!(
        jsonwebtoken::decode_header(&jwt).unwrap().alg,
        Algorithm::ES256
    );

    let page = post(&admin, "templates/remove", &[("name", "partner")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    mint(&b).await.err(404, "resource_not_found");
    let log = admin.log().await;
    for action in [
        "jwt-template-add",
        "jwt-template-change",
        "jwt-template-remove",
    ] {
        assert!(log.contains(action), "{action} in {log}");
    }
    assert!(!log.contains(SHARED));
}

/// A template the dashboard saved, which the settings file later names too, does
/// not stop the server: the file's is in force, the page says the saved one is not,
/// and it can be removed there. `--forget-saved-settings` leaves the lists.
#[tokio::test]
async fn a_saved_entry_the_file_came_to_clash_with_does_not_stop_a_start() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    for name in ["shared", "own"] {
        let page = post(
            &admin,
            "templates/add",
            &[("name", name), ("lifetime_seconds", "90")],
        )
        .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    let page = post(&admin, "templates/add", &[("name", "shared")]).await;
    assert!(
        page.body.contains("two templates have this name"),
        "{}",
        page.body
    );
    let dir = server.stop().await;

    let mut settings = common::test_settings(dir.path());
    with_admin(&mut settings);
    fapi_server::forget_saved_settings(&settings).await.unwrap();
    settings.jwt_templates = vec![JwtTemplate {
        name: "shared".into(),
        ..file_template()
    }];
    let server = TestServer::in_dir(dir, settings).await;
    let in_force: Vec<_> = server
        .state()
        .settings()
        .jwt_templates
        .iter()
        .map(|t| (t.name.clone(), t.lifetime_seconds))
        .collect();
    assert_eq!(in_force, [("shared".into(), 60), ("own".into(), 90)]);
    let admin = signed_in_admin(&server).await;
    let page = admin.get("/dashboard/developers").await;
    assert_eq!(
        page.body.matches("not in force").count(),
        1,
        "{}",
        page.body
    );
    // Any change names the clash; removing the saved one clears it.
    let page = post(&admin, "templates/add", &[("name", "third")]).await;
    assert!(
        page.body.contains("two templates have this name"),
        "{}",
        page.body
    );
    let page = post(&admin, "templates/remove", &[("name", "shared")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin.get("/dashboard/developers").await;
    assert!(!page.body.contains("not in force"));
    assert_eq!(server.state().settings().jwt_templates.len(), 2);
}
