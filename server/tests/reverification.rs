//! Sensitive changes need a recent verification (security issue, item 6): a stolen
//! session alone cannot turn two-step verification off, remove or replace a second
//! factor, add or remove an email or phone or make it primary, change the password,
//! or sign out another device. The owner proves the first factor again, then the
//! second, through `/v1/client/sessions/{id}/verify`, and the change goes through.

use crate::common;

use std::time::Duration;

use common::{Browser, Mode, TestServer, PASSWORD};
use serde_json::Value;

/// Short enough to wait out in a test, long enough for the setup to stay fresh.
const WINDOW_SECONDS: u64 = 4;

async fn server() -> TestServer {
    TestServer::with(|s| s.session.reverification_seconds = WINDOW_SECONDS).await
}

async fn wait_out_the_window() {
    tokio::time::sleep(Duration::from_millis(WINDOW_SECONDS * 1000 + 500)).await;
}

fn session_id(b: &Browser) -> String {
    b.session_id.lock().unwrap().clone().unwrap()
}

/// Signs in with password + SMS code and makes the session active.
async fn sign_in_with_2fa(server: &TestServer, b: &Browser, email: &str, phone: &str) -> String {
    let sia = b.to_second_factor(email).await;
    let code = server.last_code_to(phone).await;
    let v = b.attempt_sms_code(&sia, &code).await.ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.activate(&sid).await;
    sid
}

async fn verify(b: &Browser, step: &str, form: &[(&str, &str)]) -> common::Resp {
    let sid = session_id(b);
    let path = if step.is_empty() {
        format!("/v1/client/sessions/{sid}/verify")
    } else {
        format!("/v1/client/sessions/{sid}/verify/{step}")
    };
    b.post(&path, form).await
}

fn status(v: &Value) -> &str {
    v["response"]["status"].as_str().unwrap()
}

#[tokio::test]
async fn a_stale_session_must_verify_both_factors_before_changing_what_protects_the_account() {
    let server = server().await;
    let (email, phone) = ("stale@example.com", "+14155556101");
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, email, "Ada").await;
    let phone_id = b.enable_sms_2fa(&server, phone).await;
    // A second verified email, to try making it primary.
    let v = b
        .post(
            "/v1/me/email_addresses",
            &[("email_address", "second@example.com")],
        )
        .await
        .ok();
    let second_email = v["response"]["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/me/email_addresses/{second_email}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .ok();
    let code = server.last_code_to("second@example.com").await;
    b.post(
        &format!("/v1/me/email_addresses/{second_email}/attempt_verification"),
        &[("code", &code)],
    )
    .await
    .ok();
    b.sign_out().await;
    sign_in_with_2fa(&server, &b, email, phone).await;

    // Another device, to try signing it out.
    let other = Browser::new(&server.base, Mode::Cookie);
    let other_sid = sign_in_with_2fa(&server, &other, email, phone).await;

    wait_out_the_window().await;
    let reverify = |r: common::Resp| {
        r.err(403, "session_reverification_required");
    };
    let phone_path = format!("/v1/me/phone_numbers/{phone_id}");
    reverify(
        b.patch(&phone_path, &[("reserved_for_second_factor", "false")])
            .await,
    );
    reverify(
        b.patch(&phone_path, &[("default_second_factor", "true")])
            .await,
    );
    reverify(b.delete(&phone_path).await);
    reverify(
        b.post(
            "/v1/me/phone_numbers",
            &[
                ("phone_number", "+14155556102"),
                ("reserved_for_second_factor", "true"),
            ],
        )
        .await,
    );
    reverify(
        b.post(
            "/v1/me/email_addresses",
            &[("email_address", "attacker@example.com")],
        )
        .await,
    );
    reverify(
        b.patch("/v1/me", &[("primary_email_address_id", &second_email)])
            .await,
    );
    reverify(
        b.delete(&format!("/v1/me/email_addresses/{second_email}"))
            .await,
    );
    reverify(
        b.post(
            "/v1/me/change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "an attacker's long passphrase"),
            ],
        )
        .await,
    );
    reverify(
        b.post(&format!("/v1/me/sessions/{other_sid}/revoke"), &[])
            .await,
    );
    // Nothing changed, and what is not sensitive still works.
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["two_factor_enabled"], true);
    assert_eq!(
        me["response"]["email_addresses"].as_array().unwrap().len(),
        2
    );
    b.patch("/v1/me", &[("first_name", "Grace")]).await.ok();

    // The reverification at `multi_factor`: the first factor, then the second.
    let v = verify(&b, "", &[("level", "multi_factor")]).await.ok();
    assert_eq!(v["response"]["object"], "session_reverification");
    assert_eq!(v["response"]["level"], "multi_factor");
    assert_eq!(status(&v), "needs_first_factor");
    let firsts: Vec<&str> = v["response"]["supported_first_factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["strategy"].as_str().unwrap())
        .collect();
    assert!(firsts.contains(&"password"), "{firsts:?}");
    assert!(
        !firsts.contains(&"phone_code"),
        "the second-factor phone is never the first factor: {firsts:?}"
    );
    assert_eq!(
        v["response"]["supported_second_factors"][0]["strategy"],
        "phone_code"
    );
    assert_eq!(v["response"]["session"]["id"], session_id(&b).as_str());

    // The second factor cannot be skipped to.
    verify(&b, "prepare_second_factor", &[("strategy", "phone_code")])
        .await
        .err(400, "client_state_invalid");
    verify(
        &b,
        "attempt_first_factor",
        &[("strategy", "password"), ("password", "not the password")],
    )
    .await
    .err(422, "form_password_incorrect");
    let v = verify(
        &b,
        "attempt_first_factor",
        &[("strategy", "password"), ("password", PASSWORD)],
    )
    .await
    .ok();
    assert_eq!(status(&v), "needs_second_factor");
    assert_eq!(
        v["response"]["first_factor_verification"]["status"],
        "verified"
    );
    // Half-way is not enough.
    reverify(
        b.patch(&phone_path, &[("reserved_for_second_factor", "false")])
            .await,
    );

    let sent_before = server.messages_to(phone).await;
    verify(&b, "prepare_second_factor", &[("strategy", "phone_code")])
        .await
        .ok();
    assert_eq!(server.messages_to(phone).await, sent_before + 1);
    verify(
        &b,
        "attempt_second_factor",
        &[("strategy", "phone_code"), ("code", "000000")],
    )
    .await
    .err(422, "form_code_incorrect");
    let code = server.last_code_to(phone).await;
    let v = verify(
        &b,
        "attempt_second_factor",
        &[("strategy", "phone_code"), ("code", &code)],
    )
    .await
    .ok();
    assert_eq!(status(&v), "complete");
    assert_eq!(
        v["response"]["session"]["factor_verification_age"],
        serde_json::json!([0, 0])
    );

    // Now the changes go through.
    b.post(&format!("/v1/me/sessions/{other_sid}/revoke"), &[])
        .await
        .ok();
    b.patch("/v1/me", &[("primary_email_address_id", &second_email)])
        .await
        .ok();
    let v = b
        .patch(&phone_path, &[("reserved_for_second_factor", "false")])
        .await
        .ok();
    assert_eq!(v["response"]["reserved_for_second_factor"], false);
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["two_factor_enabled"], false);
    assert_eq!(
        me["response"]["primary_email_address_id"],
        second_email.as_str()
    );
}

#[tokio::test]
async fn without_a_second_factor_an_email_code_is_enough_and_the_password_is_not_asked_again() {
    let server = server().await;
    let email = "onefactor@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, email, "Ada").await;
    wait_out_the_window().await;
    b.post(
        "/v1/me/change_password",
        &[("new_password", "a brand new long passphrase")],
    )
    .await
    .err(403, "session_reverification_required");

    let v = verify(&b, "", &[("level", "multi_factor")]).await.ok();
    assert_eq!(v["response"]["level"], "first_factor");
    assert!(v["response"]["supported_second_factors"].is_null());
    let email_id = v["response"]["supported_first_factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["strategy"] == "email_code")
        .map(|f| f["email_address_id"].as_str().unwrap().to_owned())
        .unwrap();
    // A code is needed before it can be attempted.
    verify(
        &b,
        "attempt_first_factor",
        &[("strategy", "email_code"), ("code", "123456")],
    )
    .await
    .err(400, "verification_missing");
    verify(
        &b,
        "prepare_first_factor",
        &[("strategy", "email_code"), ("email_address_id", &email_id)],
    )
    .await
    .ok();
    let code = server.last_code_to(email).await;
    let v = verify(
        &b,
        "attempt_first_factor",
        &[("strategy", "email_code"), ("code", &code)],
    )
    .await
    .ok();
    assert_eq!(status(&v), "complete");

    // The fresh verification stands in for the current password.
    b.post(
        "/v1/me/change_password",
        &[("new_password", "a brand new long passphrase")],
    )
    .await
    .ok();
    b.sign_out().await;
    b.sign_in_password(email, "a brand new long passphrase")
        .await
        .ok();
}

#[tokio::test]
async fn reverification_is_for_the_sessions_own_client_and_a_live_session() {
    let server = server().await;
    let email = "own@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    let sid = b.sign_up(&server, email, "Ada").await;
    let stranger = Browser::new(&server.base, Mode::Cookie);
    stranger.setup().await;
    stranger
        .post(
            &format!("/v1/client/sessions/{sid}/verify"),
            &[("level", "first_factor")],
        )
        .await
        .err(404, "resource_not_found");
    verify(&b, "", &[("level", "everything")])
        .await
        .err(422, "form_param_format_invalid");
    verify(&b, "", &[("level", "first_factor"), ("bogus", "1")])
        .await
        .err(422, "form_param_unknown");
    b.post(&format!("/v1/client/sessions/{sid}/end"), &[])
        .await
        .ok();
    b.post(
        &format!("/v1/client/sessions/{sid}/verify"),
        &[("level", "first_factor")],
    )
    .await
    .err(401, "signed_out");
}

#[tokio::test]
async fn wrong_answers_to_a_reverification_lock_its_client_only() {
    let server = server().await;
    let email = "lock@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, email, "Ada").await;
    verify(&b, "", &[("level", "first_factor")]).await.ok();
    for _ in 0..10 {
        verify(
            &b,
            "attempt_first_factor",
            &[("strategy", "password"), ("password", "wrong guess here")],
        )
        .await;
    }
    verify(
        &b,
        "attempt_first_factor",
        &[("strategy", "password"), ("password", PASSWORD)],
    )
    .await
    .err(403, "user_locked");
    // They count toward the account's bound, but a stolen session is no switch that
    // locks the owner out elsewhere: another browser still signs in.
    let failed: i64 = sqlx::query_scalar("SELECT failed_attempts FROM users")
        .fetch_one(&server.state().db.read)
        .await
        .unwrap();
    assert_eq!(failed, 10);
    let other = Browser::new(&server.base, Mode::Cookie);
    let v = other.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete");
}

/// An account with SMS two-step verification whose session is past the window.
async fn stale_session_with_2fa(server: &TestServer, email: &str, phone: &str) -> Browser {
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(server, email, "Ada").await;
    b.enable_sms_2fa(server, phone).await;
    b.sign_out().await;
    sign_in_with_2fa(server, &b, email, phone).await;
    wait_out_the_window().await;
    b
}

/// Prepares and attempts the SMS second factor of the verification in progress.
async fn verify_by_sms(server: &TestServer, b: &Browser, phone: &str) -> Value {
    verify(b, "prepare_second_factor", &[("strategy", "phone_code")])
        .await
        .ok();
    let code = server.last_code_to(phone).await;
    verify(
        b,
        "attempt_second_factor",
        &[("strategy", "phone_code"), ("code", &code)],
    )
    .await
    .ok()
}

async fn change_password(b: &Browser) -> common::Resp {
    b.post(
        "/v1/me/change_password",
        &[("new_password", "a fresh long passphrase")],
    )
    .await
}

/// The levels clerk-js asks for are honoured: `second_factor` (Clerk's default, and the
/// gate's) asks for the second factor alone and opens the gate; `first_factor` alone
/// does not open it for a user with two-step verification; the refusal names the level
/// and window it wants; an instance set to `multi_factor` needs both.
#[tokio::test]
async fn each_level_asks_for_what_it_names_and_the_gate_says_what_it_needs() {
    let server = server().await;
    let (email, phone) = ("levels@example.com", "+14155556121");
    let b = stale_session_with_2fa(&server, email, phone).await;
    let e = change_password(&b)
        .await
        .err(403, "session_reverification_required");
    assert_eq!(e["meta"]["reverification"]["level"], "second_factor", "{e}");
    assert_eq!(e["meta"]["reverification"]["after_minutes"], 1);

    // The first factor alone is not what the gate needs.
    let v = verify(&b, "", &[("level", "first_factor")]).await.ok();
    assert_eq!(v["response"]["level"], "first_factor");
    let v = verify(
        &b,
        "attempt_first_factor",
        &[("strategy", "password"), ("password", PASSWORD)],
    )
    .await
    .ok();
    assert_eq!(status(&v), "complete");
    change_password(&b)
        .await
        .err(403, "session_reverification_required");

    // The second factor alone is.
    let v = verify(&b, "", &[("level", "second_factor")]).await.ok();
    assert_eq!(v["response"]["level"], "second_factor");
    assert_eq!(status(&v), "needs_second_factor");
    verify(
        &b,
        "attempt_first_factor",
        &[("strategy", "password"), ("password", PASSWORD)],
    )
    .await
    .err(400, "client_state_invalid");
    assert_eq!(status(&verify_by_sms(&server, &b, phone).await), "complete");
    change_password(&b).await.ok();

    // An instance that wants both factors (Clerk's `strict_mfa`) says so.
    let strict = TestServer::with(|s| {
        s.session.reverification_seconds = WINDOW_SECONDS;
        s.session.reverification_level = fapi_types::SessionVerificationLevel::MultiFactor;
    })
    .await;
    let b = stale_session_with_2fa(&strict, email, phone).await;
    verify(&b, "", &[("level", "second_factor")]).await.ok();
    verify_by_sms(&strict, &b, phone).await;
    let e = change_password(&b)
        .await
        .err(403, "session_reverification_required");
    assert_eq!(e["meta"]["reverification"]["level"], "multi_factor");
}
