//! Authenticator apps (TOTP, RFC 6238): set up with a secret shown once, turned on by
//! its first code, then asked for at sign-in and at step-up; codes drift one step,
//! are never accepted twice, count toward the lockout; the secret is sealed at rest.

use crate::common;

use common::{app_code as code, Browser, Mode, TestServer, PASSWORD};
use fapi_server::totp;
use serde_json::Value;

async fn server() -> TestServer {
    TestServer::with(|s| s.second_factors.totp = true).await
}

/// Signs up and turns an authenticator app on; its secret.
async fn with_app(server: &TestServer, b: &Browser, email: &str) -> Vec<u8> {
    b.sign_up(server, email, "Ada").await;
    b.enable_authenticator_app().await.0
}

async fn to_second_factor(b: &Browser, email: &str) -> Value {
    let v = b.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");
    v
}

async fn attempt_totp(b: &Browser, sign_in: &Value, code: &str) -> common::Resp {
    let id = sign_in["response"]["id"].as_str().unwrap();
    b.attempt_second_factor(id, "totp", code).await
}

#[tokio::test]
async fn an_app_is_set_up_by_its_first_code_then_asked_for_at_sign_in() {
    let server = server().await;
    let email = "app@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, email, "Ada").await;

    let v = b.post("/v1/me/totp", &[]).await.ok();
    let t = &v["response"];
    assert_eq!(t["object"], "totp");
    assert_eq!(t["verified"], false);
    let text = t["secret"].as_str().unwrap();
    assert_eq!(text.len(), 32, "160 bits in base32");
    let uri = t["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/Test%20App:app%40example.com?secret="),
        "{uri}"
    );
    assert!(uri.contains(&format!("secret={text}")) && uri.contains("issuer=Test%20App"));
    let secret = totp::decode_secret(text).unwrap();

    // Not on until its first code; a wrong or malformed one changes nothing.
    assert_eq!(
        b.get("/v1/me").await.ok()["response"]["totp_enabled"],
        false
    );
    b.post("/v1/me/totp/attempt_verification", &[("code", "12ab56")])
        .await
        .err(422, "form_param_format_invalid");
    let wrong = if code(&secret, 0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    b.post("/v1/me/totp/attempt_verification", &[("code", wrong)])
        .await
        .err(422, "form_code_incorrect");
    let v = b
        .post(
            "/v1/me/totp/attempt_verification",
            &[("code", &code(&secret, 0))],
        )
        .await
        .ok();
    assert_eq!(v["response"]["verified"], true);
    assert!(v["response"]["secret"].is_null(), "shown once, at creation");
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["totp_enabled"], true);
    assert_eq!(me["response"]["two_factor_enabled"], true);
    b.post("/v1/me/totp", &[])
        .await
        .err(400, "totp_already_enabled");
    let notices = server.notices_to(email).await;
    assert!(
        notices
            .iter()
            .any(|n| n.contains("authenticator app was set up")),
        "{notices:?}"
    );

    // Sign-in asks for it (listed first), and takes the next step's code (drift).
    b.sign_out().await;
    let si = to_second_factor(&b, email).await;
    assert_eq!(
        si["response"]["supported_second_factors"][0]["strategy"],
        "totp"
    );
    let next = code(&secret, 30);
    let v = attempt_totp(&b, &si, &next).await.ok();
    assert_eq!(v["response"]["status"], "complete");

    // A code once used is never accepted again, nor one of an earlier step.
    b.sign_out().await;
    let si = to_second_factor(&b, email).await;
    attempt_totp(&b, &si, &next)
        .await
        .err(422, "form_code_incorrect");
    attempt_totp(&b, &si, &code(&secret, 0))
        .await
        .err(422, "form_code_incorrect");
    // Two steps away is outside the window.
    attempt_totp(&b, &si, &code(&secret, 90))
        .await
        .err(422, "form_code_incorrect");
}

#[tokio::test]
async fn wrong_app_codes_count_toward_the_account_lockout() {
    let server = server().await;
    let email = "lockapp@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    let secret = with_app(&server, &b, email).await;
    b.sign_out().await;
    let right = code(&secret, 30);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..3 {
        let si = to_second_factor(&b, email).await;
        for _ in 0..3 {
            attempt_totp(&b, &si, wrong).await;
        }
    }
    // Ten failures in all: the next try (even a right code) meets the lock.
    let si = to_second_factor(&b, email).await;
    attempt_totp(&b, &si, wrong).await.err(403, "user_locked");
    attempt_totp(&b, &si, &right).await.err(403, "user_locked");
}

#[tokio::test]
async fn the_secret_is_sealed_in_the_database() {
    let server = server().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "sealed@example.com", "Ada").await;
    let v = b.post("/v1/me/totp", &[]).await.ok();
    let text = v["response"]["secret"].as_str().unwrap().to_owned();
    let raw = totp::decode_secret(&text).unwrap();
    if common::on_postgres() {
        // No file to read: every text the totps table holds.
        let stored: Vec<(String, String)> = sqlx::query_as("SELECT id, secret_sealed FROM totps")
            .fetch_all(&server.state().db.read)
            .await
            .unwrap();
        assert!(!stored.is_empty());
        for (id, sealed) in stored {
            assert!(!sealed.contains(&text), "base32 secret in row {id}");
            assert!(
                !sealed.contains(&hex::encode(&raw)),
                "hex secret in row {id}"
            );
        }
    }
    let dir = server.stop().await;
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().contains("fapi.db") {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(&path).unwrap();
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(!has(text.as_bytes()), "base32 secret in {}", path.display());
        assert!(!has(&raw), "raw secret in {}", path.display());
    }
    assert!(files >= 1 || common::on_postgres());
    assert!(
        dir.path().join("fapi-secrets.key").exists(),
        "the sealing key lives beside the database, not in it"
    );
}

#[tokio::test]
async fn the_app_can_be_the_step_up_second_factor_and_removing_it_turns_2fa_off() {
    let server = server().await;
    let email = "stepapp@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    let secret = with_app(&server, &b, email).await;
    let sid = b.session_id.lock().unwrap().clone().unwrap();
    let path = |step: &str| format!("/v1/client/sessions/{sid}/verify{step}");
    // `second_factor` (Clerk's default) asks for the second factor alone.
    let v = b.post(&path(""), &[("level", "second_factor")]).await.ok();
    assert_eq!(
        v["response"]["supported_second_factors"][0]["strategy"],
        "totp"
    );
    assert_eq!(v["response"]["status"], "needs_second_factor");
    let v = b
        .post(
            &path("/attempt_second_factor"),
            &[("strategy", "totp"), ("code", &code(&secret, 30))],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");

    let v = b.delete("/v1/me/totp").await.ok();
    assert_eq!(v["response"]["deleted"], true);
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["totp_enabled"], false);
    assert_eq!(me["response"]["two_factor_enabled"], false);
    b.delete("/v1/me/totp").await.err(404, "resource_not_found");
}

#[tokio::test]
async fn an_instance_without_authenticator_apps_refuses_to_set_one_up() {
    let server = TestServer::with(|s| s.second_factors.totp = false).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "noapp@example.com", "Ada").await;
    b.post("/v1/me/totp", &[])
        .await
        .err(400, "no_second_factors");
}
