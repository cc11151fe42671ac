//! `[mfa] remember_device_days`: "Don't ask again on this device" after a right
//! second factor skips it at the next password sign-in of the same user on the same
//! client only, until it expires or the password, the second factors or the device's
//! session change.

use crate::common;

use common::{account_with_2fa, Browser, Mode, TestServer, PASSWORD};
use serde_json::Value;

async fn server() -> TestServer {
    TestServer::with(|s| s.mfa.remember_device_days = 30).await
}

/// Password, then the SMS code (asking to remember this device or not); the session.
async fn sign_in_with_sms(
    server: &TestServer,
    b: &Browser,
    email: &str,
    phone: &str,
    remember: bool,
) -> String {
    let sia = b.to_second_factor(email).await;
    let code = server.last_code_to(phone).await;
    let mut form = vec![("strategy", "phone_code"), ("code", code.as_str())];
    if remember {
        form.push(("remember_device", "true"));
    }
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_second_factor"),
            &form,
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.activate(&sid).await;
    sid
}

fn status(v: &Value) -> &str {
    v["response"]["status"].as_str().unwrap()
}

#[tokio::test]
async fn a_remembered_device_skips_the_second_factor_there_only() {
    let server = server().await;
    let (email, phone) = ("laptop@example.com", "+14155558001");
    let laptop = account_with_2fa(&server, email, phone).await;
    let env = laptop.get("/v1/environment").await.ok();
    assert_eq!(env["auth_config"]["remember_device_days"], 30);

    // Not asked to remember: the next sign-in asks again.
    sign_in_with_sms(&server, &laptop, email, phone, false).await;
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(status(&v), "needs_second_factor");

    // Remembered: the password alone, on this browser.
    sign_in_with_sms(&server, &laptop, email, phone, true).await;
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(status(&v), "complete", "{v}");
    // The password is still checked.
    laptop.sign_out().await;
    laptop
        .sign_in_password(email, "not the password at all")
        .await
        .err(422, "form_password_incorrect");

    // Another browser is asked.
    let other = Browser::new(&server.base, Mode::Cookie);
    let v = other.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(status(&v), "needs_second_factor");

    // Another user on the remembered browser is asked.
    let (email2, phone2) = ("second.user@example.com", "+14155558002");
    account_with_2fa(&server, email2, phone2).await;
    let v = laptop.sign_in_password(email2, PASSWORD).await.ok();
    assert_eq!(status(&v), "needs_second_factor");
}

#[tokio::test]
async fn a_new_password_new_factors_or_a_signed_out_device_are_asked_again() {
    let server = server().await;
    let (email, phone) = ("forgets@example.com", "+14155558003");
    let laptop = account_with_2fa(&server, email, phone).await;
    let laptop_session = sign_in_with_sms(&server, &laptop, email, phone, true).await;

    // Signed out from another device's devices list: asked again.
    let phone_browser = Browser::new(&server.base, Mode::Cookie);
    sign_in_with_sms(&server, &phone_browser, email, phone, false).await;
    phone_browser
        .post(&format!("/v1/me/sessions/{laptop_session}/revoke"), &[])
        .await
        .ok();
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(status(&v), "needs_second_factor");

    // Remembered again, then the second factors change: asked again.
    laptop.sign_out().await;
    sign_in_with_sms(&server, &laptop, email, phone, true).await;
    phone_browser.enable_authenticator_app().await;
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(status(&v), "needs_second_factor");

    // Remembered again, then the password is reset: asked again.
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let factors: Vec<&str> = v["response"]["supported_second_factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["strategy"].as_str().unwrap())
        .collect();
    assert!(factors.contains(&"totp"));
    laptop
        .post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "phone_code")],
        )
        .await
        .ok();
    let code = server.last_code_to(phone).await;
    laptop
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_second_factor"),
            &[
                ("strategy", "phone_code"),
                ("code", &code),
                ("remember_device", "true"),
            ],
        )
        .await
        .ok();
    laptop.sign_out().await;
    assert_eq!(
        status(&laptop.sign_in_password(email, PASSWORD).await.ok()),
        "complete"
    );
    laptop.sign_out().await;
    let resetter = Browser::new(&server.base, Mode::Cookie);
    let (sia, answer) = resetter
        .reset_password(&server, email, "another long passphrase")
        .await;
    assert_eq!(status(&answer.ok()), "needs_second_factor");
    // The new password takes effect with the second factor.
    let v = resetter
        .answer_second_factor(&server, &sia, "phone_code", phone)
        .await
        .ok();
    assert_eq!(status(&v), "complete");
    let v = laptop
        .sign_in_password(email, "another long passphrase")
        .await
        .ok();
    assert_eq!(status(&v), "needs_second_factor");
}

#[tokio::test]
async fn an_expired_remembrance_is_asked_again() {
    let server = server().await;
    let (email, phone) = ("expires@example.com", "+14155558004");
    let laptop = account_with_2fa(&server, email, phone).await;
    sign_in_with_sms(&server, &laptop, email, phone, true).await;
    sqlx::query("UPDATE remembered_devices SET expires_at = 1")
        .execute(&server.state().db.write)
        .await
        .unwrap();
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(status(&v), "needs_second_factor");
}

#[tokio::test]
async fn users_who_must_have_two_step_verification_are_asked_every_time() {
    let server = TestServer::with(|s| {
        s.mfa.remember_device_days = 30;
        s.mfa.required = true;
    })
    .await;
    let (email, phone) = ("required@example.com", "+14155558005");
    let laptop = account_with_2fa(&server, email, phone).await;
    sign_in_with_sms(&server, &laptop, email, phone, true).await;
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(status(&v), "needs_second_factor");

    // Unless the instance says remembered devices win.
    let server = TestServer::with(|s| {
        s.mfa.remember_device_days = 30;
        s.mfa.required = true;
        s.mfa.remember_device_when_required = true;
    })
    .await;
    let laptop = account_with_2fa(&server, email, phone).await;
    sign_in_with_sms(&server, &laptop, email, phone, true).await;
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(status(&v), "complete");
}

#[tokio::test]
async fn off_by_default() {
    let server = TestServer::start().await;
    let (email, phone) = ("default@example.com", "+14155558006");
    let laptop = account_with_2fa(&server, email, phone).await;
    let env = laptop.get("/v1/environment").await.ok();
    assert!(env["auth_config"].get("remember_device_days").is_none());
    sign_in_with_sms(&server, &laptop, email, phone, true).await;
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(status(&v), "needs_second_factor");
}

#[tokio::test]
async fn a_shorter_period_shortens_what_was_remembered_before() {
    // Remembered under a longer period (30 days, still running), then the instance
    // went down to 7: a device remembered 8 days ago is asked again.
    let server = TestServer::with(|s| s.mfa.remember_device_days = 7).await;
    let (email, phone) = ("shortened@example.com", "+14155558007");
    let laptop = account_with_2fa(&server, email, phone).await;
    sign_in_with_sms(&server, &laptop, email, phone, true).await;
    let day = 86_400_000_i64;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    sqlx::query("UPDATE remembered_devices SET remembered_at = $1, expires_at = $2")
        .bind(now - 8 * day)
        .bind(now + 22 * day)
        .execute(&server.state().db.write)
        .await
        .unwrap();
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(status(&v), "needs_second_factor");
}
