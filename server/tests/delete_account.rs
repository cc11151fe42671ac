//! `DELETE /v1/me` (clerk-js `user.delete()`): off unless the instance allows it
//! (`[user] delete_self`, Clerk's "Allow users to delete their accounts"); then only
//! for a signed-in, active session that verified recently. It takes everything of
//! the account with it, frees its address, tells the owner, and leaves other
//! accounts alone.

use crate::common;

use std::time::Duration;

use common::{Browser, Mode, TestServer, PASSWORD};
use serde_json::Value;

/// Short enough to wait out in a test, long enough for the setup to stay fresh.
const WINDOW_SECONDS: u64 = 4;

async fn allowing(window_seconds: u64) -> TestServer {
    TestServer::with(|s| {
        s.user.delete_self = true;
        s.session.reverification_seconds = window_seconds;
    })
    .await
}

fn session_id(b: &Browser) -> String {
    b.session_id.lock().unwrap().clone().unwrap()
}

fn user_id(me: &Value) -> String {
    me["response"]["id"].as_str().unwrap().to_owned()
}

/// Rows anywhere that still belong to `user`, table by table (only those with some).
async fn rows_of(server: &TestServer, user: &str, sessions: &[String]) -> Vec<(String, i64)> {
    let db = &server.state().db.read;
    let by_user = [
        ("users", "SELECT COUNT(*) FROM users WHERE id = $1"),
        (
            "identifications",
            "SELECT COUNT(*) FROM identifications WHERE user_id = $1",
        ),
        (
            "sessions",
            "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
        ),
        (
            "sign_ins",
            "SELECT COUNT(*) FROM sign_ins WHERE user_id = $1",
        ),
        (
            "sign_ups",
            "SELECT COUNT(*) FROM sign_ups WHERE created_user_id = $1",
        ),
        (
            "trusted_clients",
            "SELECT COUNT(*) FROM trusted_clients WHERE user_id = $1",
        ),
        ("totps", "SELECT COUNT(*) FROM totps WHERE user_id = $1"),
        (
            "backup_codes",
            "SELECT COUNT(*) FROM backup_codes WHERE user_id = $1",
        ),
    ];
    let mut left = Vec::new();
    for (table, sql) in by_user {
        let n: i64 = sqlx::query_scalar(sql)
            .bind(user)
            .fetch_one(db)
            .await
            .unwrap();
        if n > 0 {
            left.push((table.to_owned(), n));
        }
    }
    let lockout = format!("lockout:{user}:%");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM target_failures WHERE target LIKE $1")
        .bind(&lockout)
        .fetch_one(db)
        .await
        .unwrap();
    if n > 0 {
        left.push(("target_failures".to_owned(), n));
    }
    for s in sessions {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM session_verifications WHERE session_id = $1")
                .bind(s)
                .fetch_one(db)
                .await
                .unwrap();
        let pointing: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE last_active_session_id = $1")
                .bind(s)
                .fetch_one(db)
                .await
                .unwrap();
        if n + pointing > 0 {
            left.push((
                format!("session_verifications/clients of {s}"),
                n + pointing,
            ));
        }
    }
    left
}

#[tokio::test]
async fn off_by_default_the_account_stays() {
    let server = TestServer::start().await;
    let env = Browser::new(&server.base, Mode::Cookie)
        .get("/v1/environment")
        .await
        .ok();
    assert_eq!(env["user_settings"]["actions"]["delete_self"], false);

    // Signed out: refused as GET /v1/me is.
    let stranger = Browser::new(&server.base, Mode::Cookie);
    stranger
        .delete("/v1/me")
        .await
        .err(401, "authentication_invalid");

    let b = Browser::new(&server.base, Mode::Cookie);
    let email = "keeper@example.com";
    b.sign_up(&server, email, "Kee").await;
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["delete_self_enabled"], false);
    let e = b.delete("/v1/me").await.err(403, "delete_self_not_enabled");
    assert!(e["long_message"].as_str().unwrap().contains("delete"));

    // Nothing happened: the account, the session, the notices are as they were.
    assert_eq!(user_id(&b.get("/v1/me").await.ok()), user_id(&me));
    b.session_token(&session_id(&b)).await;
    assert!(server
        .notices_to(email)
        .await
        .iter()
        .all(|n| !n.contains("deleted")));
    b.sign_out().await;
    let v = b.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn an_administrator_turns_it_on_in_the_dashboard() {
    use common::admin::{form_with, signed_in_admin, with_admin};
    let server = TestServer::with(with_admin).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "asks@example.com", "Ask").await;
    b.delete("/v1/me").await.err(403, "delete_self_not_enabled");

    let admin = signed_in_admin(&server).await;
    let page = admin.get("/dashboard/settings").await;
    assert!(page.body.contains("Allow users to delete their accounts"));
    assert!(!page.body.contains("name=\"user.delete_self\" checked"));
    let page = admin
        .apply(&form_with(&[("user.delete_self", Some("on"))]))
        .await;
    assert_eq!(page.status, reqwest::StatusCode::SEE_OTHER, "{}", page.body);
    assert!(admin.log().await.contains("user.delete_self: false → true"));
    let env = b.get("/v1/environment").await.ok();
    assert_eq!(env["user_settings"]["actions"]["delete_self"], true);
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["delete_self_enabled"], true);
    b.delete("/v1/me").await.ok();
}

#[tokio::test]
async fn a_pending_session_may_not_delete_the_account() {
    let server = TestServer::with(|s| {
        s.user.delete_self = true;
        s.mfa.required = true;
    })
    .await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "pending@example.com", "Pen").await;
    b.delete("/v1/me").await.err(403, "session_task_pending");
    b.get("/v1/me").await.ok();
}

#[tokio::test]
async fn the_owner_deletes_the_account_after_verifying_and_everything_of_it_goes() {
    let server = allowing(WINDOW_SECONDS).await;
    let env = Browser::new(&server.base, Mode::Cookie)
        .get("/v1/environment")
        .await
        .ok();
    assert_eq!(env["user_settings"]["actions"]["delete_self"], true);

    // The owner, with a second address and an unverified phone, signed in on two
    // devices, one of them with a sign-in under way for the account.
    let (email, second) = ("leaving@example.com", "leaving.too@example.com");
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, email, "Lea").await;
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["delete_self_enabled"], true);
    let owner = user_id(&me);
    let v = b
        .post("/v1/me/email_addresses", &[("email_address", second)])
        .await
        .ok();
    let second_id = v["response"]["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/me/email_addresses/{second_id}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .ok();
    let code = server.last_code_to(second).await;
    b.post(
        &format!("/v1/me/email_addresses/{second_id}/attempt_verification"),
        &[("code", &code)],
    )
    .await
    .ok();
    b.post("/v1/me/phone_numbers", &[("phone_number", "+14155557301")])
        .await
        .ok();
    let phone = Browser::new(&server.base, Mode::Native);
    let v = phone.sign_in_password(email, PASSWORD).await.ok();
    let phone_session = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    phone.activate(&phone_session).await;
    let laptop = Browser::new(&server.base, Mode::Cookie);
    laptop
        .post("/v1/client/sign_ins", &[("identifier", email)])
        .await
        .ok();

    // Someone else, who stays.
    let other = Browser::new(&server.base, Mode::Cookie);
    let other_email = "staying@example.com";
    other.sign_up(&server, other_email, "Sta").await;
    let other_id = user_id(&other.get("/v1/me").await.ok());

    // Past the window: "verify it's you" first, and nothing is deleted.
    tokio::time::sleep(Duration::from_millis(WINDOW_SECONDS * 1000 + 500)).await;
    b.delete("/v1/me")
        .await
        .err(403, "session_reverification_required");
    b.get("/v1/me").await.ok();
    let sid = session_id(&b);
    b.step_up_with_password(&sid).await;

    // Deleted: Clerk's DeletedObject, with a client that no longer holds the session.
    let v = b.delete("/v1/me").await.ok();
    assert_eq!(
        v["response"],
        serde_json::json!({ "object": "user", "id": owner, "deleted": true })
    );
    assert_eq!(v["client"]["sessions"], serde_json::json!([]), "{v}");
    assert!(v["client"]["last_active_session_id"].is_null(), "{v}");

    // Every session of the account is gone, on both devices.
    b.get("/v1/me").await.err(401, "authentication_invalid");
    b.post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .err(404, "resource_not_found");
    phone.get("/v1/me").await.err(401, "authentication_invalid");
    phone
        .post(&format!("/v1/client/sessions/{phone_session}/tokens"), &[])
        .await
        .err(404, "resource_not_found");
    let v = laptop.get("/v1/client").await.ok();
    assert!(v["response"]["sign_in"].is_null(), "{v}");
    let v = b.get("/v1/client").await.ok();
    assert_eq!(v["response"]["sessions"], serde_json::json!([]), "{v}");

    // Nothing of it is left in the database.
    let sessions = [sid.clone(), phone_session.clone()];
    assert_eq!(rows_of(&server, &owner, &sessions).await, vec![]);

    // The owner was told, at the address the account had.
    let notices = server.notices_to(email).await;
    let last = notices.last().unwrap();
    assert!(last.contains("account was deleted"), "{notices:?}");
    assert!(server
        .notices_to(second)
        .await
        .iter()
        .all(|n| !n.contains("deleted")));

    // The old password opens nothing: the account is unknown.
    b.sign_in_password(email, PASSWORD)
        .await
        .err(422, "form_identifier_not_found");
    b.sign_in_password(second, PASSWORD)
        .await
        .err(422, "form_identifier_not_found");

    // The address is free: it signs up again, as a new account.
    let again = Browser::new(&server.base, Mode::Cookie);
    again.sign_up(&server, email, "Lea").await;
    let new_id = user_id(&again.get("/v1/me").await.ok());
    assert_ne!(new_id, owner);

    // The other account is untouched.
    let me = other.get("/v1/me").await.ok();
    assert_eq!(user_id(&me), other_id);
    assert_eq!(
        me["response"]["email_addresses"][0]["email_address"],
        other_email
    );
    other.session_token(&session_id(&other)).await;
    assert!(server
        .notices_to(other_email)
        .await
        .iter()
        .all(|n| !n.contains("deleted")));
}

#[tokio::test]
async fn a_fresh_session_deletes_an_account_with_two_step_verification_and_all_its_factors() {
    let server = allowing(600).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let email = "factors@example.com";
    b.sign_up(&server, email, "Fac").await;
    let owner = user_id(&b.get("/v1/me").await.ok());
    let (_, on) = b.enable_authenticator_app().await;
    assert_eq!(on["response"]["backup_codes"].as_array().unwrap().len(), 10);
    b.enable_sms_2fa(&server, "+14155557302").await;
    // A wrong password from elsewhere: a lockout counter of the account's.
    Browser::new(&server.base, Mode::Cookie)
        .sign_in_password(email, "not the password at all")
        .await
        .err(422, "form_password_incorrect");
    let sid = session_id(&b);
    assert!(!rows_of(&server, &owner, std::slice::from_ref(&sid))
        .await
        .is_empty());

    // Just signed up (and the factors just set up): fresh, no step-up.
    let v = b.delete("/v1/me").await.ok();
    assert_eq!(v["response"]["deleted"], true);
    assert_eq!(rows_of(&server, &owner, &[sid]).await, vec![]);
    // Its phone is free for another account.
    let c = Browser::new(&server.base, Mode::Cookie);
    c.sign_up(&server, "next@example.com", "Nex").await;
    c.add_verified_phone(&server, "+14155557302").await;
    // Deleting twice: the second is signed out.
    b.delete("/v1/me").await.err(401, "authentication_invalid");
}
