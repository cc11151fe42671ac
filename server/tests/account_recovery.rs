//! "I lost access to my second factor": after a right password, an email code opens a
//! recovery that cannot complete before its wait, is told at once to every address
//! of the account with a link that only cancels, is cancelled by a real second
//! factor, the link or an administrator, and once the wait is over removes every
//! second factor, signs out every other session and lands in `setup-mfa`.

use crate::common;

use std::time::Duration;

use common::{
    account_with_2fa,
    admin::{signed_in_admin, with_admin},
    Browser, Mode, Resp, TestServer, PASSWORD,
};
use serde_json::Value;

/// Long enough for the steps a test takes before it; short enough to wait out.
const WAIT_SECONDS: u32 = 3;

async fn server() -> TestServer {
    TestServer::with(|s| {
        s.mfa.recovery_wait_seconds = WAIT_SECONDS;
        // A sign-in asks for a second recovery code within the 30 s cooldown.
        s.codes.resend_cooldown_seconds = 0;
        with_admin(s);
    })
    .await
}

fn recovery(v: &Value) -> &Value {
    &v["response"]["account_recovery"]
}

/// A password sign-in up to the second factor: the sign-in's answer.
async fn at_second_factor(b: &Browser, email: &str) -> Value {
    let v = b.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_second_factor", "{v}");
    v
}

/// A password sign-in's answer, whatever it leads to.
async fn at_second_factor_or_signed_in(b: &Browser, email: &str) -> Value {
    b.sign_in_password(email, PASSWORD).await.ok()
}

/// `prepare_second_factor` with the recovery code: the answer.
async fn prepare_recovery(b: &Browser, sia: &str) -> Resp {
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
        &[("strategy", "recovery_email_code")],
    )
    .await
}

/// Waits until just past `completes_at` (unix ms): the recovery's wait is over.
async fn sleep_past(completes_at: i64) {
    tokio::time::sleep(Duration::from_millis(
        (completes_at - now_ms()).max(0) as u64 + 200,
    ))
    .await;
}

/// "I lost access to my second factor" on a fresh sign-in: the email code, prepared
/// and attempted; the attempt's answer.
async fn recover(server: &TestServer, b: &Browser, email: &str) -> Value {
    let v = at_second_factor(b, email).await;
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    prepare_recovery(b, &sia).await.ok();
    let code = server.last_code_to(email).await;
    b.attempt_second_factor(&sia, "recovery_email_code", &code)
        .await
        .ok()
}

/// The cancel link in the latest recovery notice to `to`.
async fn cancel_link(server: &TestServer, to: &str) -> String {
    let notices = server.notices_to(to).await;
    let body = notices
        .iter()
        .rev()
        .find(|n| n.contains("/v1/account_recovery/cancel?token="))
        .unwrap_or_else(|| panic!("no recovery notice to {to}: {notices:?}"));
    let at = body.find("http").unwrap();
    body[at..].split_whitespace().next().unwrap().to_owned()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn a_recovery_waits_tells_every_address_then_removes_every_factor() {
    let server = server().await;
    let (email, phone) = ("lost.phone@example.com", "+14155558101");
    let owner = account_with_2fa(&server, email, phone).await;
    // An authenticator app (and its backup codes) too, and a session on another device.
    let v = owner.sign_in_password(email, PASSWORD).await.ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let v = owner
        .answer_second_factor(&server, &sia, "phone_code", phone)
        .await
        .ok();
    owner
        .activate(v["response"]["created_session_id"].as_str().unwrap())
        .await;
    owner.enable_authenticator_app().await;

    let laptop = Browser::new(&server.base, Mode::Cookie);
    let v = at_second_factor(&laptop, email).await;
    assert_eq!(recovery(&v)["status"], "available", "{v}");
    assert_eq!(recovery(&v)["safe_identifier"], "l***@example.com");
    assert_eq!(recovery(&v)["wait_seconds"], WAIT_SECONDS);

    let before = now_ms();
    let v = recover(&server, &laptop, email).await;
    assert_eq!(v["response"]["status"], "needs_second_factor", "{v}");
    assert_eq!(recovery(&v)["status"], "pending");
    let completes_at = recovery(&v)["completes_at"].as_i64().unwrap();
    assert!(completes_at >= before + WAIT_SECONDS as i64 * 1000 - 50);

    // Told at once, by email and by text message, each with the cancel link.
    assert!(cancel_link(&server, email).await.contains("token="));
    let texts: Vec<Value> = server
        .outbox()
        .await
        .into_iter()
        .filter(|m| m["to"] == phone && m["kind"] == "notice")
        .collect();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0]["body"]
        .as_str()
        .unwrap()
        .contains("/v1/account_recovery/cancel?token="));

    // Not before its time, however often it is asked, and asking never moves it.
    let v = recover(&server, &laptop, email).await;
    assert_eq!(v["response"]["status"], "needs_second_factor");
    assert_eq!(recovery(&v)["status"], "pending");
    assert_eq!(recovery(&v)["completes_at"], completes_at);
    assert!(v["response"]["created_session_id"].is_null());

    sleep_past(completes_at).await;
    let v = at_second_factor(&laptop, email).await;
    assert_eq!(recovery(&v)["status"], "ready");
    let v = recover(&server, &laptop, email).await;
    assert_eq!(v["response"]["status"], "complete", "{v}");
    let sid = v["response"]["created_session_id"].as_str().unwrap();
    let client = laptop.get("/v1/client").await.ok();
    let session = client["response"]["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == sid)
        .unwrap()
        .clone();
    assert_eq!(session["status"], "pending");
    assert_eq!(
        session["tasks"],
        serde_json::json!([{ "key": "setup-mfa" }])
    );

    // Every second factor is gone.
    laptop.activate(sid).await;
    let me = laptop.get("/v1/me").await.ok();
    assert_eq!(me["response"]["two_factor_enabled"], false, "{me}");
    assert_eq!(me["response"]["totp_enabled"], false);
    assert_eq!(me["response"]["backup_code_enabled"], false);
    // The other device is signed out.
    let client = owner.get("/v1/client").await.ok();
    let live = client["response"]["sessions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["status"] == "active" || s["status"] == "pending")
        .count();
    assert_eq!(live, 0, "{client}");
    // And the owner is told.
    assert!(server
        .notices_to(email)
        .await
        .iter()
        .any(|n| n.contains("Your account was recovered")));

    // Not only that session: every sign-in sets a second factor up first, until one is on.
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
    let sid = v["response"]["created_session_id"].as_str().unwrap();
    let session = v["client"]["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == sid)
        .unwrap()
        .clone();
    assert_eq!(session["status"], "pending", "{session}");
    assert_eq!(
        session["tasks"],
        serde_json::json!([{ "key": "setup-mfa" }])
    );

    // The administrators' log has each step.
    let admin = signed_in_admin(&server).await;
    let log = admin.log().await;
    assert!(log.contains("account-recovery-requested"), "{log}");
    assert!(log.contains("account-recovery-completed"), "{log}");
}

#[tokio::test]
async fn a_sign_in_with_a_real_second_factor_cancels_it() {
    let server = server().await;
    let (email, phone) = ("still.has.phone@example.com", "+14155558102");
    let owner = account_with_2fa(&server, email, phone).await;
    let attacker = Browser::new(&server.base, Mode::Cookie);
    let v = recover(&server, &attacker, email).await;
    let completes_at = recovery(&v)["completes_at"].as_i64().unwrap();

    let sia = owner.to_second_factor(email).await;
    let code = server.last_code_to(phone).await;
    owner.attempt_sms_code(&sia, &code).await.ok();
    assert!(server
        .notices_to(email)
        .await
        .iter()
        .any(|n| n.contains("someone signed in with your two-step verification")));

    // Past the old time, the attacker's code opens a new recovery: nothing completes.
    sleep_past(completes_at).await;
    let v = at_second_factor(&attacker, email).await;
    assert_eq!(recovery(&v)["status"], "available");
    let v = recover(&server, &attacker, email).await;
    assert_eq!(v["response"]["status"], "needs_second_factor");
    assert_eq!(recovery(&v)["status"], "pending");
}

#[tokio::test]
async fn the_cancel_link_cancels_and_can_do_nothing_else() {
    let server = server().await;
    let (email, phone) = ("has.the.link@example.com", "+14155558103");
    account_with_2fa(&server, email, phone).await;
    let attacker = Browser::new(&server.base, Mode::Cookie);
    recover(&server, &attacker, email).await;
    let link = cancel_link(&server, email).await;
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let http = reqwest::Client::new();

    // Opening the link (as a mail scanner does) only asks.
    let page = http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "same-origin");
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert!(page.text().await.unwrap().contains("Cancel the recovery"));
    let v = at_second_factor(&attacker, email).await;
    assert_eq!(recovery(&v)["status"], "pending");

    // The button cancels it; the owner hears of it.
    let cancel = format!("{}/v1/account_recovery/cancel", server.base);
    // Posted from the page itself: its own origin.
    let done = http
        .post(&cancel)
        .header("origin", &server.base)
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("cancelled"));
    let v = at_second_factor(&attacker, email).await;
    assert_eq!(recovery(&v)["status"], "available");
    assert!(server
        .notices_to(email)
        .await
        .iter()
        .any(|n| n.contains("cancelled with the link")));

    // A used link, or a made-up one, does nothing.
    for t in [token.as_str(), "not-a-token", ""] {
        let r = http
            .post(&cancel)
            .form(&[("token", t)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let r = http
            .get(format!("{cancel}?token={t}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
}

#[tokio::test]
async fn only_a_password_sign_in_may_open_one() {
    let server = server().await;
    let (email, phone) = ("code.only@example.com", "+14155558104");
    account_with_2fa(&server, email, phone).await;

    // An email code as the first factor: that is the mailbox alone.
    let b = Browser::new(&server.base, Mode::Cookie);
    let v = b
        .post(
            "/v1/client/sign_ins",
            &[("strategy", "email_code"), ("identifier", email)],
        )
        .await
        .ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let code = server.last_code_to(email).await;
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");
    assert!(recovery(&v).is_null(), "{v}");
    prepare_recovery(&b, &sia)
        .await
        .err(400, "strategy_for_user_invalid");

    // A reset code and a new password: the mailbox alone again.
    let (sia, v) = b
        .reset_password(&server, email, "a brand new long password")
        .await;
    assert_eq!(v.ok()["response"]["status"], "needs_second_factor");
    let v = b.get(&format!("/v1/client/sign_ins/{sia}")).await.ok();
    assert!(recovery(&v).is_null(), "{v}");
}

#[tokio::test]
async fn an_administrator_sees_and_cancels_open_recoveries() {
    let server = server().await;
    let (email, phone) = ("admin.cancels@example.com", "+14155558105");
    account_with_2fa(&server, email, phone).await;
    let attacker = Browser::new(&server.base, Mode::Cookie);
    recover(&server, &attacker, email).await;

    let admin = signed_in_admin(&server).await;
    let page = admin.get("/dashboard/recoveries").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(email), "{}", page.body);
    let user_id = {
        let at = page.body.find("/dashboard/users/user_").expect("a user") + 17;
        page.body[at..].split(['"', '/']).next().unwrap().to_owned()
    };
    let csrf = admin.csrf().await;
    let done = admin
        .post(
            &format!("/dashboard/users/{user_id}/cancel-recovery"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = admin.get("/dashboard/recoveries").await;
    assert!(page.body.contains("No account recovery is open"));
    assert!(admin.log().await.contains("cancel-recovery"));
    assert!(server
        .notices_to(email)
        .await
        .iter()
        .any(|n| n.contains("cancelled by an administrator")));
    let v = at_second_factor(&attacker, email).await;
    assert_eq!(recovery(&v)["status"], "available");
}

#[tokio::test]
async fn turned_off_it_is_neither_offered_nor_accepted() {
    let server = TestServer::with(|s| s.mfa.recovery = false).await;
    let (email, phone) = ("no.recovery@example.com", "+14155558106");
    account_with_2fa(&server, email, phone).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let v = at_second_factor(&b, email).await;
    assert!(recovery(&v).is_null());
    let sia = v["response"]["id"].as_str().unwrap();
    prepare_recovery(&b, sia)
        .await
        .err(400, "strategy_for_user_invalid");
}

#[tokio::test]
async fn two_sign_ins_finishing_the_same_recovery_finish_it_once() {
    let server = server().await;
    let (email, phone) = ("raced.recovery@example.com", "+14155558107");
    account_with_2fa(&server, email, phone).await;
    let first = Browser::new(&server.base, Mode::Cookie);
    let v = recover(&server, &first, email).await;
    let completes_at = recovery(&v)["completes_at"].as_i64().unwrap();
    sleep_past(completes_at).await;

    // Two browsers, each with its own right code, at the same moment.
    let mut ready = Vec::new();
    for _ in 0..2 {
        let b = Browser::new(&server.base, Mode::Cookie);
        let v = at_second_factor(&b, email).await;
        let sia = v["response"]["id"].as_str().unwrap().to_owned();
        prepare_recovery(&b, &sia).await.ok();
        let code = server.last_code_to(email).await;
        ready.push((b, sia, code));
    }
    let answers = futures::future::join_all(
        ready
            .iter()
            .map(|(b, sia, code)| b.attempt_second_factor(sia, "recovery_email_code", code)),
    )
    .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    let done = answers
        .iter()
        .filter(|r| r.json["response"]["status"] == "complete")
        .count();
    assert_eq!(done, 1, "{statuses:?}");
    // The other is refused: it neither signs in nor opens a new recovery on an
    // account that has no second factor left.
    assert!(statuses.iter().any(|s| *s >= 400), "{statuses:?}");
    let v = at_second_factor_or_signed_in(&first, email).await;
    assert!(recovery(&v).is_null(), "{v}");
}

#[tokio::test]
async fn the_sign_in_that_opened_it_cannot_finish_it() {
    let server = server().await;
    let (email, phone) = ("same.sign.in@example.com", "+14155558108");
    account_with_2fa(&server, email, phone).await;
    let attacker = Browser::new(&server.base, Mode::Cookie);
    let v = recover(&server, &attacker, email).await;
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let completes_at = recovery(&v)["completes_at"].as_i64().unwrap();
    sleep_past(completes_at).await;
    // The same sign-in, after the wait: its password was typed before it, so no.
    let v = attacker
        .get(&format!("/v1/client/sign_ins/{sia}"))
        .await
        .ok();
    assert_eq!(recovery(&v)["status"], "pending", "{v}");
    prepare_recovery(&attacker, &sia).await.ok();
    let code = server.last_code_to(email).await;
    let v = attacker
        .attempt_second_factor(&sia, "recovery_email_code", &code)
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_second_factor", "{v}");
    assert_eq!(
        recovery(&v)["completes_at"],
        completes_at,
        "the same one, unmoved"
    );
    let me_factors = at_second_factor(&Browser::new(&server.base, Mode::Cookie), email).await;
    assert_eq!(
        recovery(&me_factors)["status"],
        "ready",
        "a new sign-in may"
    );
}

#[tokio::test]
async fn a_new_password_cancels_it() {
    let server = server().await;
    let (email, phone) = ("changes.password@example.com", "+14155558109");
    let owner = account_with_2fa(&server, email, phone).await;
    let sia = owner.to_second_factor(email).await;
    let code = server.last_code_to(phone).await;
    let v = owner.attempt_sms_code(&sia, &code).await.ok();
    owner
        .activate(v["response"]["created_session_id"].as_str().unwrap())
        .await;

    // Opened after the owner signed in: their session did not cancel it.
    let attacker = Browser::new(&server.base, Mode::Cookie);
    let v = recover(&server, &attacker, email).await;
    assert_eq!(recovery(&v)["status"], "pending");
    owner
        .post(
            "/v1/me/change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await
        .ok();
    assert!(server
        .notices_to(email)
        .await
        .iter()
        .any(|n| n.contains("the password was changed")));
    let v = attacker
        .sign_in_password(email, "a brand new passphrase")
        .await
        .ok();
    assert_eq!(recovery(&v)["status"], "available", "{v}");
}

#[tokio::test]
async fn at_most_three_recoveries_a_day_tell_the_owner() {
    let server = server().await;
    let (email, phone) = ("flooded@example.com", "+14155558110");
    account_with_2fa(&server, email, phone).await;
    let attacker = Browser::new(&server.base, Mode::Cookie);
    let http = reqwest::Client::new();
    for _ in 0..3 {
        let v = recover(&server, &attacker, email).await;
        assert_eq!(recovery(&v)["status"], "pending");
        let link = cancel_link(&server, email).await;
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let r = http
            .post(format!("{}/v1/account_recovery/cancel", server.base))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let before = server
        .outbox()
        .await
        .iter()
        .filter(|m| m["to"] == phone && m["kind"] == "notice")
        .count();
    // A fourth, the same day: refused before any code or notice goes out.
    let v = at_second_factor(&attacker, email).await;
    let sia = v["response"]["id"].as_str().unwrap();
    let r = prepare_recovery(&attacker, sia).await;
    r.err(429, "too_many_requests");
    let after = server
        .outbox()
        .await
        .iter()
        .filter(|m| m["to"] == phone && m["kind"] == "notice")
        .count();
    assert_eq!(before, after);
}
