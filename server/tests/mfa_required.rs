//! `[mfa] required = true`: a user without a second factor gets a pending session
//! with the `setup-mfa` task (token claim `sts: "pending"`) that can only set one up;
//! once one is on the session turns active, and the last one cannot be removed.

use crate::common;

use base64::Engine;
use common::{Browser, Mode, TestServer, PASSWORD};
use serde_json::Value;

async fn server() -> TestServer {
    TestServer::with(|s| s.mfa.required = true).await
}

fn session<'a>(client: &'a Value, id: &str) -> &'a Value {
    client["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .expect("the session is on the client")
}

/// The `sts` claim of a fresh session token.
async fn token_status(b: &Browser, sid: &str) -> String {
    let v = b
        .post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .ok();
    let jwt = v["jwt"].as_str().unwrap();
    let payload = jwt.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    claims["sts"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_new_user_is_pending_until_a_second_factor_is_on() {
    let server = server().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let sid = b.sign_up(&server, "new@example.com", "Ada").await;
    let client = b.get("/v1/client").await.ok();
    let s = session(&client["response"], &sid);
    assert_eq!(s["status"], "pending");
    assert_eq!(s["tasks"], serde_json::json!([{ "key": "setup-mfa" }]));
    assert_eq!(token_status(&b, &sid).await, "pending");

    // Only what setting up a second factor needs.
    b.get("/v1/me").await.ok();
    b.patch("/v1/me", &[("first_name", "Grace")])
        .await
        .err(403, "session_task_pending");
    b.post(
        "/v1/me/email_addresses",
        &[("email_address", "x@example.com")],
    )
    .await
    .err(403, "session_task_pending");
    b.post(
        "/v1/me/change_password",
        &[("new_password", "another long passphrase")],
    )
    .await
    .err(403, "session_task_pending");
    b.post("/v1/me/backup_codes", &[])
        .await
        .err(403, "session_task_pending");
    let me = b.get("/v1/me").await.ok();
    assert_eq!(
        me["response"]["first_name"], "Ada",
        "refused means unchanged"
    );

    // An authenticator app turns it active, with the backup codes to keep.
    let (_, on) = b.enable_authenticator_app().await;
    assert_eq!(on["response"]["backup_codes"].as_array().unwrap().len(), 10);
    let client = b.get("/v1/client").await.ok();
    let s = session(&client["response"], &sid);
    assert_eq!(s["status"], "active");
    assert!(s["tasks"].is_null());
    assert_eq!(token_status(&b, &sid).await, "active");
    b.patch("/v1/me", &[("first_name", "Grace")]).await.ok();

    // The only second factor stays: removing it is refused, and changes nothing.
    b.delete("/v1/me/totp").await.err(422, "form_mfa_required");
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["totp_enabled"], true);
    assert_eq!(me["response"]["two_factor_enabled"], true);
}

#[tokio::test]
async fn signing_in_without_a_second_factor_is_pending_and_with_one_is_active() {
    let server = server().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "later@example.com", "Ada").await;
    b.sign_out().await;

    // Still no second factor: the sign-in completes into a pending session.
    let v = b.sign_in_password("later@example.com", PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete");
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.activate(&sid).await;
    let client = b.get("/v1/client").await.ok();
    assert_eq!(session(&client["response"], &sid)["status"], "pending");

    // An SMS phone is a second factor too; with a second one, either may go.
    b.enable_sms_2fa(&server, "+14155553261").await;
    let client = b.get("/v1/client").await.ok();
    assert_eq!(session(&client["response"], &sid)["status"], "active");
    let me = b.get("/v1/me").await.ok();
    let phone_id = me["response"]["phone_numbers"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.patch(
        &format!("/v1/me/phone_numbers/{phone_id}"),
        &[("reserved_for_second_factor", "false")],
    )
    .await
    .err(422, "form_mfa_required");
    b.delete(&format!("/v1/me/phone_numbers/{phone_id}"))
        .await
        .err(422, "form_mfa_required");
    b.enable_authenticator_app().await;
    b.patch(
        &format!("/v1/me/phone_numbers/{phone_id}"),
        &[("reserved_for_second_factor", "false")],
    )
    .await
    .ok();
    b.sign_out().await;

    // With one, sign-in asks for it and the session is active straight away.
    let v = b.sign_in_password("later@example.com", PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");
}

#[tokio::test]
async fn without_the_requirement_sessions_are_active_and_factors_removable() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let sid = b.sign_up(&server, "free@example.com", "Ada").await;
    let client = b.get("/v1/client").await.ok();
    let s = session(&client["response"], &sid);
    assert_eq!(s["status"], "active");
    assert!(s["tasks"].is_null());
    b.enable_authenticator_app().await;
    b.delete("/v1/me/totp").await.ok();
}

/// Every way in ends pending while MFA is required: a new browser's password plus the
/// emailed new-device code (Device Trust) made an `active` session before.
#[tokio::test]
async fn a_new_device_code_does_not_skip_setting_up_mfa() {
    let server = TestServer::with(|s| {
        s.mfa.required = true;
        s.sign_in.client_trust = Some(true);
    })
    .await;
    let email = "trust.pending@example.com";
    let home = Browser::new(&server.base, Mode::Cookie);
    home.sign_up(&server, email, "Ada").await;
    home.sign_out().await;

    let other = Browser::new(&server.base, Mode::Cookie);
    let v = other.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_client_trust", "{v}");
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let v = other
        .answer_second_factor(&server, &sia, "email_code", email)
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let s = session(&v["client"], &sid);
    assert_eq!(s["status"], "pending", "{s}");
    assert_eq!(s["tasks"], serde_json::json!([{ "key": "setup-mfa" }]));
    assert_eq!(token_status(&other, &sid).await, "pending");
    other
        .patch("/v1/me", &[("first_name", "Grace")])
        .await
        .err(403, "session_task_pending");
}
