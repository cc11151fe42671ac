//! Cheap requests that cost the server a row or an Argon2 hash are limited per IP,
//! and metadata has Clerk's size cap (security issue, item 11).

mod common;

use common::{Browser, Mode, TestServer, PASSWORD};

async fn with_clerks_limits() -> TestServer {
    TestServer::with(|s| s.limits = fapi_server::config::Limits::default()).await
}

#[tokio::test]
async fn creating_clients_is_limited_per_ip() {
    let server = with_clerks_limits().await;
    for _ in 0..10 {
        Browser::new(&server.base, Mode::Cookie)
            .post("/v1/client", &[])
            .await
            .ok();
    }
    Browser::new(&server.base, Mode::Cookie)
        .post("/v1/client", &[])
        .await
        .err(429, "too_many_requests");
    Browser::new(&server.base, Mode::Cookie)
        .post("/v1/dev_browser", &[])
        .await
        .err(429, "too_many_requests");
}

#[tokio::test]
async fn sign_up_updates_that_hash_a_password_are_limited() {
    let server = with_clerks_limits().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let v = b
        .post(
            "/v1/client/sign_ups",
            &[("email_address", "pw@example.com")],
        )
        .await
        .ok();
    let path = format!(
        "/v1/client/sign_ups/{}",
        v["response"]["id"].as_str().unwrap()
    );
    for _ in 0..5 {
        b.patch(&path, &[("password", PASSWORD)]).await.ok();
    }
    b.patch(&path, &[("password", PASSWORD)])
        .await
        .err(429, "too_many_requests");
    // Updates without a password hash nothing and are not limited by it.
    b.patch(&path, &[("first_name", "Pat")]).await.ok();
}

#[tokio::test]
async fn unsafe_metadata_is_capped_at_8_kb() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let json = |n: usize| format!("{{\"note\":\"{}\"}}", "x".repeat(n));
    let e = b
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", "big@example.com"),
                ("unsafe_metadata", &json(8200)),
            ],
        )
        .await
        .err(422, "form_param_format_invalid");
    assert_eq!(e["meta"]["param_name"], "unsafe_metadata");
    let v = b
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", "big@example.com"),
                ("unsafe_metadata", &json(8000)),
            ],
        )
        .await
        .ok();
    assert_eq!(
        v["response"]["unsafe_metadata"]["note"]
            .as_str()
            .unwrap()
            .len(),
        8000
    );
}
