//! "Forgot password?": a reset code to a verified email or phone, a new password
//! under the usual rules, and then the rest of the sign-in — a reset never skips the
//! second factor.

use crate::common;

use common::{account_with_2fa, Browser, Mode, TestServer, PASSWORD};
use serde_json::Value;

const NEW_PASSWORD: &str = "a brand new passphrase";

fn strategies(factors: &Value) -> Vec<String> {
    factors
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["strategy"].as_str().unwrap().to_owned())
        .collect()
}

/// Starts a sign-in for `identifier` and asks for a reset code; the sign-in id.
async fn ask_for_reset_code(b: &Browser, identifier: &str, strategy: &str) -> String {
    let v = b
        .post("/v1/client/sign_ins", &[("identifier", identifier)])
        .await
        .ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[("strategy", strategy)],
    )
    .await
    .ok();
    sia
}

async fn attempt_reset_code(b: &Browser, sia: &str, strategy: &str, code: &str) -> Value {
    b.post(
        &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
        &[("strategy", strategy), ("code", code)],
    )
    .await
    .ok()
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_and_the_new_one_signs_in() {
    let server = TestServer::start().await;
    let email = "forgetful@example.com";
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, email, "Ada").await;
    owner.sign_out().await;

    let b = Browser::new(&server.base, Mode::Cookie);
    let v = b
        .post("/v1/client/sign_ins", &[("identifier", email)])
        .await
        .ok();
    let firsts = strategies(&v["response"]["supported_first_factors"]);
    assert_eq!(
        firsts,
        ["password", "email_code", "reset_password_email_code"],
        "Clerk lists the reset factor after the sign-in factors"
    );
    let sia = ask_for_reset_code(&b, email, "reset_password_email_code").await;
    let outbox = server.outbox().await;
    let message = outbox.iter().rev().find(|m| m["to"] == email).unwrap();
    assert!(
        message["body"]
            .as_str()
            .unwrap()
            .contains("password reset code"),
        "{message}"
    );

    // Setting a password before the code is right is refused.
    b.post(
        &format!("/v1/client/sign_ins/{sia}/reset_password"),
        &[("password", NEW_PASSWORD)],
    )
    .await
    .err(400, "client_state_invalid");

    let code = server.last_code_to(email).await;
    let v = attempt_reset_code(&b, &sia, "reset_password_email_code", &code).await;
    assert_eq!(v["response"]["status"], "needs_new_password");
    assert_eq!(
        v["response"]["first_factor_verification"]["strategy"],
        "reset_password_email_code"
    );
    assert!(v["response"]["created_session_id"].is_null());

    // The new password passes the same rules as any other.
    b.post(
        &format!("/v1/client/sign_ins/{sia}/reset_password"),
        &[("password", "password123")],
    )
    .await
    .err(422, "form_password_length_too_short");
    b.post(&format!("/v1/client/sign_ins/{sia}/reset_password"), &[])
        .await
        .err(422, "form_param_missing");

    let v = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/reset_password"),
            &[
                ("password", NEW_PASSWORD),
                ("sign_out_of_other_sessions", "true"),
            ],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
    assert!(v["response"]["created_session_id"].is_string());

    // The owner hears of it; the old password is gone, the new one works.
    let notices = server.notices_to(email).await;
    assert!(
        notices.iter().any(|n| n.contains("password was changed")),
        "{notices:?}"
    );
    let other = Browser::new(&server.base, Mode::Cookie);
    other
        .sign_in_password(email, PASSWORD)
        .await
        .err(422, "form_password_incorrect");
    let v = other.sign_in_password(email, NEW_PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn a_reset_never_skips_the_second_factor() {
    let server = TestServer::start().await;
    let (email, phone) = ("two-step@example.com", "+14155557001");
    let b = account_with_2fa(&server, email, phone).await;

    let sia = ask_for_reset_code(&b, email, "reset_password_email_code").await;
    let code = server.last_code_to(email).await;
    attempt_reset_code(&b, &sia, "reset_password_email_code", &code).await;
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/reset_password"),
            &[("password", NEW_PASSWORD)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_second_factor", "{v}");
    assert!(v["response"]["created_session_id"].is_null());
    assert!(v["client"]["sessions"].as_array().unwrap().is_empty());
    assert_eq!(
        strategies(&v["response"]["supported_second_factors"]),
        ["phone_code", "backup_code"]
    );
    // Nothing has changed yet: the mailbox alone sets no password and tells no one.
    let elsewhere = Browser::new(&server.base, Mode::Cookie);
    let v = elsewhere.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");
    assert!(server
        .notices_to(email)
        .await
        .iter()
        .all(|n| !n.contains("password was changed")));

    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
        &[("strategy", "phone_code")],
    )
    .await
    .ok();
    let sms = server.last_code_to(phone).await;
    let v = b.attempt_sms_code(&sia, &sms).await.ok();
    assert_eq!(v["response"]["status"], "complete");
    // Every factor passed: now the new password is the password.
    elsewhere
        .sign_in_password(email, PASSWORD)
        .await
        .err(422, "form_password_incorrect");
    let v = elsewhere.sign_in_password(email, NEW_PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");
    assert!(server
        .notices_to(email)
        .await
        .iter()
        .any(|n| n.contains("password was changed")));
}

#[tokio::test]
async fn the_one_step_custom_flow_sets_the_password_with_the_code() {
    // Clerk's documented custom flow: create with the reset strategy (which sends the
    // code), then attempt_first_factor with the code and the new password.
    let server = TestServer::start().await;
    let email = "custom-flow@example.com";
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, email, "Ada").await;

    // A weak password is refused, and the sign-in waits for a better one.
    let b = Browser::new(&server.base, Mode::Cookie);
    let (sia, answer) = b.reset_password(&server, email, "short").await;
    answer.err(422, "form_password_length_too_short");
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/reset_password"),
            &[("password", NEW_PASSWORD)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");

    // The owner's other browser stays signed in (sign_out_of_other_sessions unset).
    let v = owner.get("/v1/client").await.ok();
    assert_eq!(v["response"]["sessions"].as_array().unwrap().len(), 1);

    // With the password in the same request, one call does it.
    let c = Browser::new(&server.base, Mode::Cookie);
    let (_, answer) = c
        .reset_password(&server, email, "yet another passphrase")
        .await;
    let v = answer.ok();
    assert_eq!(v["response"]["status"], "complete");
    c.sign_out().await;
    c.sign_in_password(email, "yet another passphrase")
        .await
        .ok();
}

#[tokio::test]
async fn signing_out_of_other_sessions_ends_them() {
    let server = TestServer::start().await;
    let email = "elsewhere@example.com";
    let laptop = Browser::new(&server.base, Mode::Cookie);
    let sid = laptop.sign_up(&server, email, "Ada").await;

    let phone = Browser::new(&server.base, Mode::Cookie);
    let sia = ask_for_reset_code(&phone, email, "reset_password_email_code").await;
    let code = server.last_code_to(email).await;
    attempt_reset_code(&phone, &sia, "reset_password_email_code", &code).await;
    phone
        .post(
            &format!("/v1/client/sign_ins/{sia}/reset_password"),
            &[
                ("password", NEW_PASSWORD),
                ("sign_out_of_other_sessions", "true"),
            ],
        )
        .await
        .ok();

    laptop
        .post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .err(401, "signed_out");
    let v = phone.get("/v1/client").await.ok();
    assert_eq!(v["response"]["sessions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_phone_that_is_the_only_second_factor_resets_nothing() {
    // A reset by SMS to the only second-factor phone would leave no second factor to
    // ask: one stolen SIM would be the whole account.
    let server = TestServer::with(|s| {
        s.identifiers.phone_number = fapi_server::config::Requirement::Optional;
    })
    .await;
    let (email, phone) = ("sim-reset@example.com", "+14155557002");
    let b = account_with_2fa(&server, email, phone).await;
    let v = b
        .post("/v1/client/sign_ins", &[("identifier", phone)])
        .await
        .ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let firsts = strategies(&v["response"]["supported_first_factors"]);
    assert!(
        !firsts.contains(&"reset_password_phone_code".to_owned()),
        "{firsts:?}"
    );
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[("strategy", "reset_password_phone_code")],
    )
    .await
    .err(400, "strategy_for_user_invalid");

    // A phone that is not the second factor may reset, by text message.
    let other = "+14155557003";
    b.sign_in_password(email, PASSWORD).await.ok();
    let sia = b.to_second_factor(email).await;
    let sms = server.last_code_to(phone).await;
    let v = b.attempt_sms_code(&sia, &sms).await.ok();
    b.activate(v["response"]["created_session_id"].as_str().unwrap())
        .await;
    b.add_verified_phone(&server, other).await;
    b.sign_out().await;
    let sia = ask_for_reset_code(&b, other, "reset_password_phone_code").await;
    let outbox = server.outbox().await;
    let text = outbox.iter().rev().find(|m| m["to"] == other).unwrap();
    assert_eq!(text["channel"], "sms", "{text}");
    let code = server.last_code_to(other).await;
    attempt_reset_code(&b, &sia, "reset_password_phone_code", &code).await;
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/reset_password"),
            &[("password", NEW_PASSWORD)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");
}

#[tokio::test]
async fn an_unknown_address_looks_the_same_until_the_code() {
    let server = TestServer::with(|s| s.enumeration_protection = true).await;
    let known = "known-reset@example.com";
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, known, "Ada").await;

    let mut answers = Vec::new();
    for identifier in [known, "nobody-reset@example.com"] {
        let b = Browser::new(&server.base, Mode::Cookie);
        let v = b
            .post("/v1/client/sign_ins", &[("identifier", identifier)])
            .await
            .ok();
        let firsts = strategies(&v["response"]["supported_first_factors"]);
        let sia = v["response"]["id"].as_str().unwrap().to_owned();
        let prepared = b
            .post(
                &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
                &[("strategy", "reset_password_email_code")],
            )
            .await
            .ok();
        let wrong = b
            .post(
                &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
                &[
                    ("strategy", "reset_password_email_code"),
                    ("code", "000000"),
                ],
            )
            .await
            .err(422, "form_code_incorrect");
        answers.push((
            firsts,
            prepared["response"]["status"].clone(),
            prepared["response"]["first_factor_verification"]["status"].clone(),
            wrong["errors"][0]["code"].clone(),
        ));
    }
    assert_eq!(answers[0], answers[1]);
    assert!(answers[0]
        .0
        .contains(&"reset_password_email_code".to_owned()));
}
