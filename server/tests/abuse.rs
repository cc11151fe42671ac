//! Cheap requests that cost the server a row or an Argon2 hash are limited per IP,
//! and metadata has Clerk's size cap (security issue, item 11).

use crate::common;

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

/// Names are Clerk's 256 characters at most (they were unbounded: 1.9 MB names,
/// repeated three times in every answer); an identifier no account can have (over 320)
/// is refused before it is stored; a form body over 64 KiB is not read at all.
#[tokio::test]
async fn names_identifiers_and_bodies_have_limits() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let long = "n".repeat(257);
    for field in ["first_name", "last_name"] {
        let e = b
            .post(
                "/v1/client/sign_ups",
                &[("email_address", "long@example.com"), (field, &long)],
            )
            .await
            .err(422, "form_param_format_invalid");
        assert_eq!(e["meta"]["param_name"], field);
    }
    b.post(
        "/v1/client/sign_ups",
        &[
            ("email_address", "long@example.com"),
            ("first_name", "A\u{7}da"),
        ],
    )
    .await
    .err(422, "form_param_format_invalid");

    b.sign_up(&server, "named@example.com", "Ada").await;
    let e = b
        .patch("/v1/me", &[("last_name", &long)])
        .await
        .err(422, "form_param_format_invalid");
    assert_eq!(e["meta"]["param_name"], "last_name");
    let me = b.get("/v1/me").await.ok();
    assert!(
        me["response"]["last_name"].is_null(),
        "refused means unchanged"
    );
    let fits = "é".repeat(256);
    let v = b.patch("/v1/me", &[("last_name", &fits)]).await.ok();
    assert_eq!(v["response"]["last_name"], fits.as_str());
    b.sign_out().await;

    let e = b
        .post("/v1/client/sign_ins", &[("identifier", &"i".repeat(321))])
        .await
        .err(422, "form_param_format_invalid");
    assert_eq!(e["meta"]["param_name"], "identifier");

    let huge = "x".repeat(70 * 1024);
    b.post("/v1/client/sign_ins", &[("identifier", &huge)])
        .await
        .err(413, "request_body_too_large");
}
