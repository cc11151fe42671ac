//! Webhooks: Clerk's events reach the app's endpoint once each, signed as Svix signs
//! (checked with yew-clerk-backend's verifier), in Clerk's shapes; a delivery the
//! endpoint refused is tried again; an event recorded before a SIGKILL is delivered
//! after the restart; three instances on one PostgreSQL send each event once.

use crate::common;

use std::{
    sync::{
        atomic::{AtomicU16, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use axum::{body::Bytes, extract::State, http::HeaderMap, http::StatusCode, routing::post, Router};
use common::{spawn_binary, test_settings, Browser, Mode, TestServer, PASSWORD};
use fapi_server::config::{Settings, WebhookEndpoint};
use yew_clerk_backend::webhook::{Event, Resource, Webhook};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8G";

/// The app's endpoint on loopback: what it was sent, verified; it answers `status`.
#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<(String, Event)>>>,
    status: Arc<AtomicU16>,
    url: String,
}

async fn receiver_on(listener: tokio::net::TcpListener) -> Receiver {
    let url = format!("http://{}/webhooks/clerk", listener.local_addr().unwrap());
    let receiver = Receiver {
        got: Arc::default(),
        status: Arc::new(AtomicU16::new(200)),
        url,
    };
    async fn take(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
        let status = StatusCode::from_u16(r.status.load(Ordering::SeqCst)).unwrap();
        if status.is_success() {
            let pairs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
                .collect();
            let event = Webhook::new(SECRET)
                .unwrap()
                .event(pairs, &body)
                .expect("signed");
            let id = headers["svix-id"].to_str().unwrap().to_owned();
            r.got.lock().unwrap().push((id, event));
        }
        status
    }
    let app = Router::new()
        .route("/webhooks/clerk", post(take))
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    receiver
}

async fn receiver() -> Receiver {
    receiver_on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()).await
}

fn endpoint(url: &str, events: &[&str]) -> WebhookEndpoint {
    WebhookEndpoint {
        url: url.to_owned(),
        secret: SECRET.to_owned(),
        events: events.iter().map(|e| e.to_string()).collect(),
    }
}

impl Receiver {
    /// The events received so far, (type, data id), in order.
    fn kinds(&self) -> Vec<(String, String)> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(_, e)| {
                (
                    e.kind.clone(),
                    e.data["id"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    /// Waits until `n` events arrived (at most 20 s), then a moment for any extra.
    async fn wait_for(&self, n: usize) -> Vec<(String, String)> {
        for _ in 0..200 {
            if self.got.lock().unwrap().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        self.kinds()
    }
}

fn session_id(b: &Browser) -> String {
    b.session_id.lock().unwrap().clone().unwrap()
}

#[tokio::test]
async fn each_event_arrives_once_signed_in_clerks_shape() {
    let receiver = receiver().await;
    let url = receiver.url.clone();
    let server = TestServer::with(|s| {
        s.webhook_endpoints = vec![endpoint(&url, &[])];
        s.backend_api.secret_keys = vec!["sk_test_webhookswebhookswebhookswebhooks01".into()];
        s.user.delete_self = true;
    })
    .await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "hook@example.com", "Hook").await;
    let user = b.get("/v1/me").await.ok()["response"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = session_id(&b);
    b.patch("/v1/me", &[("first_name", "Hooked")]).await.ok();
    // A second device; the administrator's server revokes it.
    let other = server.browser(Mode::Cookie);
    let v = other
        .sign_in_password("hook@example.com", PASSWORD)
        .await
        .ok();
    let second = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    reqwest::Client::new()
        .post(format!("{}/v1/sessions/{second}/revoke", server.base))
        .bearer_auth("sk_test_webhookswebhookswebhookswebhooks01")
        .send()
        .await
        .unwrap();
    b.post(&format!("/v1/client/sessions/{first}/end"), &[])
        .await
        .ok();

    let got = receiver.wait_for(6).await;
    let expected: Vec<(String, String)> = [
        ("user.created", user.as_str()),
        ("session.created", first.as_str()),
        ("user.updated", user.as_str()),
        ("session.created", second.as_str()),
        ("session.revoked", second.as_str()),
        ("session.ended", first.as_str()),
    ]
    .iter()
    .map(|(k, id)| (k.to_string(), id.to_string()))
    .collect();
    assert_eq!(got, expected);
    let events = receiver.got.lock().unwrap().clone();
    // Each message its own id; the event as Clerk sends it.
    let mut ids: Vec<&str> = events.iter().map(|(id, _)| id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 6);
    let (_, created) = &events[0];
    assert_eq!(created.object, "event");
    assert!(created.instance_id.as_deref().unwrap().starts_with("ins_"));
    assert_eq!(created.data["object"], "user");
    assert_eq!(
        created.data["email_addresses"][0]["email_address"],
        "hook@example.com"
    );
    assert_eq!(events[2].1.data["first_name"], "Hooked");
    // Typed as the crate reads them.
    for (_, event) in &events {
        match event.resource().expect("typed") {
            Resource::User(u) => assert_eq!(u.id, user),
            Resource::Session(s) => {
                assert_eq!(s.user.as_ref().map(|u| u.id.as_str()), Some(user.as_str()))
            }
            other => panic!("{}: {other:?}", event.kind),
        }
    }
    let revoked = &events[4].1;
    assert_eq!(revoked.data["object"], "session");
    assert_eq!(revoked.data["status"], "revoked");
    assert_eq!(revoked.data["user"]["id"], user.as_str());
    // The deletion: the user is gone, the event says so.
    let fresh = server.browser(Mode::Cookie);
    let v = fresh
        .sign_in_password("hook@example.com", PASSWORD)
        .await
        .ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    fresh.activate(&sid).await;
    let got = receiver.wait_for(7).await;
    assert_eq!(got[6], ("session.created".to_owned(), sid));
    fresh.delete("/v1/me").await.ok();
    let got = receiver.wait_for(8).await;
    assert_eq!(got.len(), 8, "{got:?}");
    assert_eq!(got[7], ("user.deleted".to_owned(), user.clone()));
    let deleted = receiver.got.lock().unwrap()[7].1.clone();
    assert_eq!(deleted.data["deleted"], true);
    match deleted.resource().unwrap() {
        Resource::DeletedUser(gone) => assert_eq!(gone.id, Some(user)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_endpoint_gets_only_what_it_asked_for_and_a_refused_one_is_retried() {
    let receiver = receiver().await;
    receiver.status.store(503, Ordering::SeqCst);
    let url = receiver.url.clone();
    let server =
        TestServer::with(|s| s.webhook_endpoints = vec![endpoint(&url, &["user.created"])]).await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "retry@example.com", "Retry").await;
    let db = &server.state().db;
    // Refused: recorded, tried again later.
    let mut tried = None;
    for _ in 0..100 {
        let rows = fapi_server::store::webhook_events::recent(db, 10)
            .await
            .unwrap();
        if let Some(row) = rows.first().filter(|r| r.attempts > 0) {
            tried = Some(row.clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let tried = tried.expect("a delivery was tried");
    assert_eq!(
        (tried.kind.as_str(), tried.last_status),
        ("user.created", Some(503))
    );
    assert!(tried.delivered_at.is_none() && tried.next_attempt_at > tried.created_at);
    assert!(receiver.kinds().is_empty());
    // The endpoint is back; the retry's time has come.
    receiver.status.store(200, Ordering::SeqCst);
    sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = 0")
        .execute(&db.write)
        .await
        .unwrap();
    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "user.created");
    let rows = fapi_server::store::webhook_events::recent(db, 10)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "only user.created was wanted");
    assert_eq!((rows[0].attempts, rows[0].last_status), (2, Some(200)));
}

/// The events are written with the change: a SIGKILL right after the
/// acknowledgement, with the endpoint down, loses none of them.
#[tokio::test]
async fn a_sigkill_before_the_delivery_loses_no_event() {
    let dir = tempfile::tempdir().unwrap();
    // A port with nobody listening yet: the endpoint is down.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let config = dir.path().join("fapi.toml");
    std::fs::write(
        &config,
        format!(
            "[[webhook_endpoints]]\nurl = \"http://127.0.0.1:{port}/webhooks/clerk\"\nsecret = \"{SECRET}\"\n"
        ),
    )
    .unwrap();
    let (mut running, base) = spawn_binary(dir.path(), Some(&config));
    let b = Browser::new(&base, Mode::Cookie);
    let id = b.start_sign_up("killed+clerk_test@example.com", &[]).await;
    let v = b.finish_sign_up(&id, "424242").await.ok();
    let user = v["response"]["created_user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    running.0.kill().unwrap();
    running.0.wait().unwrap();

    let receiver = receiver_on(
        tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap(),
    )
    .await;
    let (_running, _base) = spawn_binary(dir.path(), Some(&config));
    // Retries come 5 s after a refused try: within the wait.
    let got = receiver.wait_for(2).await;
    // Retries go out side by side: in any order (as Svix's).
    let mut kinds: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    kinds.sort();
    assert_eq!(kinds, ["session.created", "user.created"], "{got:?}");
    assert!(got.contains(&("user.created".to_owned(), user)), "{got:?}");
}

/// Three instances on one PostgreSQL share the events: each arrives once.
#[tokio::test]
async fn three_instances_deliver_each_event_once() {
    if !common::on_postgres() {
        eprintln!("not run: needs PostgreSQL (FAPI_TEST_POSTGRES_URL)");
        return;
    }
    let receiver = receiver().await;
    let shared = tempfile::tempdir().unwrap();
    let settings = |url: &str| -> Settings {
        let mut s = test_settings(shared.path());
        s.webhook_endpoints = vec![endpoint(url, &[])];
        s
    };
    let mut servers = Vec::new();
    for _ in 0..3 {
        servers
            .push(TestServer::in_dir(tempfile::tempdir().unwrap(), settings(&receiver.url)).await);
    }
    for (n, server) in servers.iter().enumerate() {
        for m in 0..3 {
            let b = server.browser(Mode::Cookie);
            b.sign_up(
                server,
                &format!("three{n}{m}+clerk_test@example.com"),
                "Three",
            )
            .await;
        }
    }
    // 9 users: user.created and session.created each.
    let got = receiver.wait_for(18).await;
    assert_eq!(got.len(), 18, "{got:?}");
    let mut ids: Vec<String> = receiver
        .got
        .lock()
        .unwrap()
        .iter()
        .map(|(id, _)| id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 18, "no event twice");
}

/// The dashboard's Developers page: the Backend API's state (never a key), the
/// endpoints (never a secret) with their latest deliveries, and the JWT templates.
#[tokio::test]
async fn the_dashboard_shows_keys_endpoints_deliveries_and_templates() {
    const KEY: &str = "sk_test_dashboarddashboarddashboarddash01";
    let receiver = receiver().await;
    let url = receiver.url.clone();
    let server = TestServer::with(|s| {
        common::admin::with_admin(s);
        s.backend_api.secret_keys = vec![KEY.into()];
        s.webhook_endpoints = vec![endpoint(&url, &["user.created"])];
        s.jwt_templates = vec![fapi_server::config::JwtTemplate {
            name: "hasura".into(),
            lifetime_seconds: 300,
            claims: serde_json::json!({"aud": "hasura"})
                .as_object()
                .unwrap()
                .clone(),
            signing_key: None,
        }];
    })
    .await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "dash@example.com", "Dash").await;
    receiver.wait_for(1).await;
    let admin = common::admin::signed_in_admin(&server).await;
    let page = admin.get("/dashboard/developers").await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        "1 secret key is set",
        "ES256",
        &url,
        "user.created",
        "delivered",
        "hasura",
        "300 s",
    ] {
        assert!(page.body.contains(shown), "{shown} in {}", page.body);
    }
    assert!(!page.body.contains(KEY) && !page.body.contains(SECRET));
    // Signed out, nothing.
    let stranger = common::admin::AdminBrowser::new(&server);
    let page = stranger.get("/dashboard/developers").await;
    assert!(!page.body.contains(&url));
}

/// `email.created` and `sms.created` carry the message, codes included: only an
/// endpoint that names them gets them, signed as the others, whether the message
/// goes to the development outbox or through the durable queue to a provider.
#[tokio::test]
async fn messages_go_only_to_an_endpoint_that_asks_for_them() {
    for queued in [false, true] {
        let wants = receiver().await;
        let everything = receiver().await;
        // A provider that takes every message (the queue's path).
        let provider = receiver().await;
        let (wants_url, everything_url, provider_url) = (
            wants.url.clone(),
            everything.url.clone(),
            provider.url.clone(),
        );
        let server = TestServer::with(move |s| {
            s.webhook_endpoints = vec![
                endpoint(&wants_url, &["email.created", "sms.created"]),
                endpoint(&everything_url, &[]),
            ];
            if queued {
                s.delivery.email =
                    fapi_server::config::EmailDelivery::Webhook(fapi_server::config::Webhook {
                        url: provider_url,
                        secret: None,
                    });
            }
        })
        .await;
        let b = server.browser(Mode::Cookie);
        let email = format!("codes{}@example.com", if queued { "q" } else { "" });
        b.start_sign_up(&email, &[]).await;
        let got = wants.wait_for(1).await;
        assert_eq!(got.len(), 1, "{got:?}");
        let (_, event) = wants.got.lock().unwrap()[0].clone();
        assert_eq!(event.kind, "email.created");
        assert_eq!(event.data["object"], "email");
        assert_eq!(event.data["to_email_address"], email.as_str());
        assert_eq!(event.data["slug"], "verification_code");
        let Resource::Email(mail) = event.resource().unwrap() else {
            panic!("an email: {event:?}")
        };
        assert_eq!(mail.to_email_address.as_deref(), Some(email.as_str()));
        let body = event.data["body"].as_str().unwrap();
        assert!(
            body.chars().filter(char::is_ascii_digit).count() >= 6,
            "{body}"
        );
        assert!(everything.kinds().is_empty(), "{:?}", everything.kinds());
        // At rest the payload is sealed: the code is not in the database in clear.
        let stored: Vec<String> =
            sqlx::query_scalar("SELECT payload FROM webhook_events WHERE kind = 'email.created'")
                .fetch_all(&server.state().db.read)
                .await
                .unwrap();
        assert_eq!(stored.len(), 1);
        assert!(!stored[0].contains(&email), "sealed");
    }
}

/// The user's addresses are part of the user: adding one and verifying it each tell
/// `user.updated`, as Clerk's do (apps that keep emails in step rely on it).
#[tokio::test]
async fn a_new_email_address_is_a_user_update() {
    let receiver = receiver().await;
    let url = receiver.url.clone();
    let server =
        TestServer::with(move |s| s.webhook_endpoints = vec![endpoint(&url, &["user.updated"])])
            .await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "first@example.com", "Two").await;
    let v = b
        .post(
            "/v1/me/email_addresses",
            &[("email_address", "second@example.com")],
        )
        .await
        .ok();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/me/email_addresses/{id}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .ok();
    let code = server.last_code_to("second@example.com").await;
    b.post(
        &format!("/v1/me/email_addresses/{id}/attempt_verification"),
        &[("code", &code)],
    )
    .await
    .ok();
    let got = receiver.wait_for(2).await;
    assert!(got.len() >= 2, "{got:?}");
    let events = receiver.got.lock().unwrap().clone();
    let last = &events.last().unwrap().1;
    assert_eq!(last.kind, "user.updated");
    let emails: Vec<&str> = last.data["email_addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["email_address"].as_str().unwrap())
        .collect();
    assert!(emails.contains(&"second@example.com"), "{emails:?}");
    assert_eq!(
        last.data["email_addresses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["email_address"] == "second@example.com")
            .unwrap()["verification"]["status"],
        "verified"
    );
}

/// `sms.created` comes in Clerk's SMS shape, typed as the crate reads it.
#[tokio::test]
async fn a_text_comes_as_an_sms_message() {
    let receiver = receiver().await;
    let url = receiver.url.clone();
    let server =
        TestServer::with(move |s| s.webhook_endpoints = vec![endpoint(&url, &["sms.created"])])
            .await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "texts@example.com", "Texts").await;
    b.add_verified_phone(&server, "+14155557303").await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let (_, event) = receiver.got.lock().unwrap()[0].clone();
    let Resource::Sms(text) = event.resource().unwrap() else {
        panic!("a text: {event:?}")
    };
    assert_eq!(text.object, "sms_message");
    assert_eq!(text.to_phone_number, "+14155557303");
    assert_eq!(text.slug.as_deref(), Some("verification_code"));
    assert!(text.message.chars().filter(char::is_ascii_digit).count() >= 6);
}
