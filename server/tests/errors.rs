//! Every error path answers Clerk's code and HTTP status in Clerk's envelope, and
//! leaves nothing changed.

use crate::common;

use std::time::Duration;

use common::{account_with_2fa, Browser, Mode, TestServer, PASSWORD};
use serde_json::Value;

async fn attempt(b: &Browser, sia: &str, code: &str) -> common::Resp {
    b.post(
        &format!("/v1/client/sign_ins/{sia}/attempt_second_factor"),
        &[("strategy", "phone_code"), ("code", code)],
    )
    .await
}

fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

#[tokio::test]
async fn wrong_password_and_unknown_identifier() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "pw+clerk_test@example.com", "Pw").await;
    b.sign_out().await;
    let before = b.get("/v1/client").await.ok()["client"].clone();
    let e = b
        .sign_in_password("pw+clerk_test@example.com", "not the password at all")
        .await
        .err(422, "form_password_incorrect");
    assert_eq!(e["meta"]["param_name"], "password");
    assert_eq!(
        e["long_message"],
        "Password is incorrect. Try again, or use another method."
    );
    let e = b
        .sign_in_password("nobody@example.com", PASSWORD)
        .await
        .err(422, "form_identifier_not_found");
    assert_eq!(e["meta"]["param_name"], "identifier");
    assert_eq!(e["message"], "Couldn't find your account.");
    let after = b.get("/v1/client").await.ok()["client"].clone();
    assert_eq!(
        before["sign_in"], after["sign_in"],
        "a refused sign-in changes nothing"
    );
}

#[tokio::test]
async fn enumeration_protection_hides_unknown_accounts() {
    let server = TestServer::with(|s| s.enumeration_protection = true).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "known+clerk_test@example.com", "Known")
        .await;
    b.sign_out().await;
    let unknown = b
        .sign_in_password("unknown@example.com", PASSWORD)
        .await
        .err(422, "form_password_or_identifier_incorrect");
    let known = b
        .sign_in_password("known+clerk_test@example.com", "wrong password here")
        .await
        .err(422, "form_password_or_identifier_incorrect");
    assert_eq!(unknown["long_message"], known["long_message"]);
    let v = b
        .post(
            "/v1/client/sign_ins",
            &[("identifier", "unknown@example.com")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_first_factor");
}

#[tokio::test]
async fn wrong_code_then_right_code() {
    let server = TestServer::start().await;
    let b = account_with_2fa(&server, "code+clerk_test@example.com", "+14155552101").await;
    let sia = b.to_second_factor("code+clerk_test@example.com").await;
    let code = server.last_code_to("+14155552101").await;
    let e = attempt(&b, &sia, &wrong(&code))
        .await
        .err(422, "form_code_incorrect");
    assert_eq!(e["meta"]["param_name"], "code");
    assert_eq!(e["long_message"], "Incorrect code");
    let v = attempt(&b, &sia, &code).await.ok();
    assert_eq!(v["response"]["status"], "complete");
    assert_eq!(v["response"]["second_factor_verification"]["attempts"], 2);
    // The same code never works twice.
    attempt(&b, &sia, &code)
        .await
        .err(400, "client_state_invalid");
}

#[tokio::test]
async fn five_wrong_codes_fail_the_verification_even_for_the_right_code_after() {
    let server = TestServer::start().await;
    let b = account_with_2fa(&server, "five+clerk_test@example.com", "+14155552102").await;
    let sia = b.to_second_factor("five+clerk_test@example.com").await;
    let code = server.last_code_to("+14155552102").await;
    for _ in 0..4 {
        attempt(&b, &sia, &wrong(&code))
            .await
            .err(422, "form_code_incorrect");
    }
    attempt(&b, &sia, &wrong(&code))
        .await
        .err(400, "verification_failed");
    attempt(&b, &sia, &code)
        .await
        .err(400, "verification_failed");
    let v = b.get(&format!("/v1/client/sign_ins/{sia}")).await.ok();
    assert_eq!(
        v["response"]["second_factor_verification"]["status"],
        "failed"
    );
    assert_eq!(v["response"]["status"], "needs_second_factor");
}

#[tokio::test]
async fn expired_codes_are_refused() {
    let server = TestServer::with(|s| {
        s.codes.lifetime_seconds = 1;
        s.codes.resend_cooldown_seconds = 0;
    })
    .await;
    let b = account_with_2fa(&server, "exp+clerk_test@example.com", "+14155552103").await;
    let sia = b.to_second_factor("exp+clerk_test@example.com").await;
    let code = server.last_code_to("+14155552103").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    attempt(&b, &sia, &code)
        .await
        .err(400, "verification_expired");
    let v = b.get(&format!("/v1/client/sign_ins/{sia}")).await.ok();
    assert_eq!(
        v["response"]["second_factor_verification"]["status"],
        "expired"
    );
    // A resend gives a fresh code that works.
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
        &[("strategy", "phone_code")],
    )
    .await
    .ok();
    let fresh = server.last_code_to("+14155552103").await;
    assert_eq!(
        attempt(&b, &sia, &fresh).await.ok()["response"]["status"],
        "complete"
    );
}

#[tokio::test]
async fn a_resend_invalidates_the_previous_code_and_honours_the_cooldown() {
    let server = TestServer::with(|s| s.codes.resend_cooldown_seconds = 1).await;
    let b = account_with_2fa(&server, "resend+clerk_test@example.com", "+14155552104").await;
    let sia = b.to_second_factor("resend+clerk_test@example.com").await;
    let old = server.last_code_to("+14155552104").await;
    let r = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "phone_code")],
        )
        .await;
    assert_eq!(r.headers["retry-after"], "1");
    r.err(429, "verification_code_too_many_requests");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
        &[("strategy", "phone_code")],
    )
    .await
    .ok();
    let new = server.last_code_to("+14155552104").await;
    if old != new {
        attempt(&b, &sia, &old)
            .await
            .err(422, "form_code_incorrect");
    }
    assert_eq!(
        attempt(&b, &sia, &new).await.ok()["response"]["status"],
        "complete"
    );
}

#[tokio::test]
async fn missing_malformed_and_unknown_params() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let e = b
        .post(
            "/v1/client/sign_ins",
            &[("strategy", "password"), ("identifier", "a@b.co")],
        )
        .await
        .err(422, "form_param_missing");
    assert_eq!(e["meta"]["param_name"], "password");
    let e = b
        .post(
            "/v1/client/sign_ups",
            &[("email_address", "not-an-email"), ("password", PASSWORD)],
        )
        .await
        .err(422, "form_param_format_invalid");
    assert_eq!(e["meta"]["param_name"], "email_address");
    let e = b
        .post(
            "/v1/client/sign_ups",
            &[("email_address", "x@example.com"), ("password", "short")],
        )
        .await
        .err(422, "form_password_length_too_short");
    assert_eq!(e["meta"]["param_name"], "password");
    let e = b
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", "x@example.com"),
                ("legal_accepted", "perhaps"),
            ],
        )
        .await
        .err(422, "form_param_format_invalid");
    assert_eq!(e["meta"]["param_name"], "legal_accepted");
    let e = b
        .post(
            "/v1/client/sign_ins",
            &[("identifier", "a@b.co"), ("favourite_colour", "blue")],
        )
        .await
        .err(422, "form_param_unknown");
    assert_eq!(e["meta"]["param_name"], "favourite_colour");
    let e = b
        .post("/v1/client/sign_ins", &[("identifier", "")])
        .await
        .err(422, "form_param_nil");
    assert_eq!(e["meta"]["param_name"], "identifier");
    b.post(
        "/v1/client/sign_ins",
        &[("strategy", "oauth_google"), ("identifier", "a@b.co")],
    )
    .await
    .err(422, "form_param_value_invalid");
    // Clerk refuses a password sent to the second-factor step (clerk-sdk-flutter #326).
    let s = account_with_2fa(&server, "p+clerk_test@example.com", "+14155552105").await;
    let sia = s.to_second_factor("p+clerk_test@example.com").await;
    s.post(
        &format!("/v1/client/sign_ins/{sia}/attempt_second_factor"),
        &[
            ("strategy", "phone_code"),
            ("code", "123456"),
            ("password", PASSWORD),
        ],
    )
    .await
    .err(422, "form_param_unknown");
    // None of that created anything.
    assert!(b.get("/v1/client").await.ok()["client"].is_null());
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404_in_the_envelope() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "ids+clerk_test@example.com", "Ids")
        .await;
    let e = b
        .get("/v1/client/sign_ins/sia_nope")
        .await
        .err(404, "resource_not_found");
    assert_eq!(e["long_message"], "No sign in was found with id sia_nope");
    b.get("/v1/client/sessions/sess_nope")
        .await
        .err(404, "resource_not_found");
    b.delete("/v1/me/phone_numbers/idn_nope")
        .await
        .err(404, "resource_not_found");
    b.get("/v1/nothing_here")
        .await
        .err(404, "resource_not_found");
    // Another client's sign-in is as good as unknown.
    let other = Browser::new(&server.base, Mode::Cookie);
    let v = other
        .post(
            "/v1/client/sign_ins",
            &[("identifier", "ids+clerk_test@example.com")],
        )
        .await
        .ok();
    let sia = v["response"]["id"].as_str().unwrap();
    b.get(&format!("/v1/client/sign_ins/{sia}"))
        .await
        .err(404, "resource_not_found");
}

#[tokio::test]
async fn ten_failures_lock_the_account_for_an_hour() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "lock+clerk_test@example.com", "Lock")
        .await;
    b.sign_out().await;
    for _ in 0..9 {
        b.sign_in_password("lock+clerk_test@example.com", "guess guess guess")
            .await
            .err(422, "form_password_incorrect");
    }
    let e = b
        .sign_in_password("lock+clerk_test@example.com", "guess guess guess")
        .await
        .err(403, "user_locked");
    let secs = e["meta"]["lockout_expires_in_seconds"].as_i64().unwrap();
    assert!((3590..=3600).contains(&secs), "{secs}");
    // Even the right password waits out the lock.
    b.sign_in_password("lock+clerk_test@example.com", PASSWORD)
        .await
        .err(403, "user_locked");
}

#[tokio::test]
async fn wrong_codes_count_toward_the_lockout_across_resends() {
    let server = TestServer::with(|s| s.codes.resend_cooldown_seconds = 0).await;
    let b = account_with_2fa(&server, "lc+clerk_test@example.com", "+14155552106").await;
    let sia = b.to_second_factor("lc+clerk_test@example.com").await;
    for round in 0..2 {
        let code = server.last_code_to("+14155552106").await;
        for i in 0..5 {
            let r = attempt(&b, &sia, &wrong(&code)).await;
            if round == 1 && i == 4 {
                r.err(403, "user_locked");
            } else {
                assert!(r.status.is_client_error());
            }
        }
        b.post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "phone_code")],
        )
        .await;
    }
    let code = server.last_code_to("+14155552106").await;
    attempt(&b, &sia, &code).await.err(403, "user_locked");
}

#[tokio::test]
async fn per_ip_rate_limits_answer_429_with_retry_after() {
    let server = TestServer::with(|s| {
        s.limits = fapi_server::config::Limits::default();
    })
    .await;
    let b = Browser::new(&server.base, Mode::Cookie);
    for _ in 0..5 {
        b.post("/v1/client/sign_ins", &[]).await.ok();
    }
    let r = b.post("/v1/client/sign_ins", &[]).await;
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait));
    r.err(429, "too_many_requests");
}

#[tokio::test]
async fn a_foreign_origin_is_refused_and_cors_allows_the_app() {
    let server = TestServer::with(|s| {
        s.environment = fapi_server::config::Environment::Production;
        s.frontend_api_url = "https://clerk.example.com".into();
        s.allowed_origins = vec!["https://app.example.com".into()];
        common::production_passkeys(s);
    })
    .await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/v1/client/sign_ins", server.base))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["code"], "origin_invalid");
    let r = http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/v1/client/sign_ins", server.base),
        )
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    assert_eq!(r.headers()["access-control-allow-credentials"], "true");
    // In production the client cookie is Secure, and there is no dev browser.
    let r = http
        .post(format!("{}/v1/client/sign_ins", server.base))
        .header("origin", "https://app.example.com")
        .send()
        .await
        .unwrap();
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
    let r = http
        .post(format!("{}/v1/dev_browser", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = http
        .get(format!("{}/dev/outbox", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn me_needs_a_signed_in_session() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let e = b.get("/v1/me").await.err(401, "authentication_invalid");
    assert!(e["long_message"]
        .as_str()
        .unwrap()
        .contains("active session"));
    b.sign_up(&server, "me+clerk_test@example.com", "Me").await;
    *b.session_id.lock().unwrap() = Some("sess_someone_elses".into());
    b.get("/v1/me").await.err(401, "authentication_invalid");
}

#[tokio::test]
async fn a_signed_in_client_gets_session_exists() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let sid = b
        .sign_up(&server, "twice+clerk_test@example.com", "Twice")
        .await;
    let e = b
        .sign_in_password("twice+clerk_test@example.com", PASSWORD)
        .await
        .err(400, "session_exists");
    assert_eq!(e["meta"]["session_id"], sid.as_str());
}

#[tokio::test]
async fn an_unknown_dev_browser_token_is_401_dev_browser_unauthenticated() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::DevBrowser);
    b.set_token(Some("not-a-real-token".into()));
    b.get("/v1/client")
        .await
        .err(401, "dev_browser_unauthenticated");
}

#[tokio::test]
async fn taken_identifiers_are_refused_at_sign_up() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "taken+clerk_test@example.com", "Taken")
        .await;
    let other = Browser::new(&server.base, Mode::Cookie);
    let e = other
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", "Taken+clerk_test@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await
        .err(422, "form_identifier_exists");
    assert_eq!(e["meta"]["param_name"], "email_address");
}
