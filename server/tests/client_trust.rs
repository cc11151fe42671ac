//! Device Trust (Clerk's "Client Trust", `needs_client_trust`): a right password
//! from a client the user never signed in on, by a user without two-step
//! verification, must also prove a code sent to the user's email (or phone); on a
//! known client, or with MFA (which takes precedence), or with a code as the first
//! factor, it does not. On by default in production, off in development.

use crate::common;

use common::{Browser, Mode, TestServer, PASSWORD};
use fapi_server::config::{Environment, Settings};
use serde_json::Value;

async fn server() -> TestServer {
    TestServer::with(|s| s.sign_in.client_trust = Some(true)).await
}

fn sign_in_id(v: &Value) -> String {
    v["response"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_password_from_a_new_client_also_needs_an_emailed_code() {
    let server = server().await;
    let email = "trust.new@example.com";
    let home = Browser::new(&server.base, Mode::Cookie);
    home.sign_up(&server, email, "Ada").await;
    home.sign_out().await;

    // The client the account was made on is known: the password is enough.
    let v = home.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete");
    home.sign_out().await;

    // Another browser: the password is right, and a code to the email comes next.
    let other = Browser::new(&server.base, Mode::Cookie);
    let v = other.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_client_trust", "{v}");
    assert_eq!(v["response"]["client_trust_state"], "new");
    assert_eq!(
        v["response"]["first_factor_verification"]["status"],
        "verified"
    );
    let factors = v["response"]["supported_second_factors"]
        .as_array()
        .unwrap();
    assert_eq!(factors.len(), 1, "{factors:?}");
    assert_eq!(factors[0]["strategy"], "email_code");
    assert_eq!(factors[0]["safe_identifier"], email);
    let email_id = factors[0]["email_address_id"].as_str().unwrap().to_owned();
    let sia = sign_in_id(&v);
    assert!(v["client"]["sessions"].as_array().unwrap().is_empty());

    // An authenticator app or backup code is no way through.
    other
        .post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "totp")],
        )
        .await
        .err(400, "verification_strategy_invalid");

    let before = server.messages_to(email).await;
    let v = other
        .post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "email_code"), ("email_address_id", &email_id)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_client_trust");
    assert_eq!(server.messages_to(email).await, before + 1, "one email");
    let code = server.last_code_to(email).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    other
        .attempt_second_factor(&sia, "email_code", wrong)
        .await
        .err(422, "form_code_incorrect");
    let v = other
        .attempt_second_factor(&sia, "email_code", &code)
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
    let sid = v["response"]["created_session_id"].as_str().unwrap();
    other.activate(sid).await;
    other.sign_out().await;

    // Now this client is known too.
    let v = other.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn mfa_takes_precedence_and_codes_as_first_factor_need_no_trust() {
    let server = server().await;
    let email = "trust.mfa@example.com";
    let b = common::account_with_2fa(&server, email, "+14155552301").await;
    drop(b);
    let other = Browser::new(&server.base, Mode::Cookie);
    let v = other.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");

    // An emailed code as the first factor already proves the address.
    let email = "trust.code@example.com";
    let home = Browser::new(&server.base, Mode::Cookie);
    home.sign_up(&server, email, "Grace").await;
    let other = Browser::new(&server.base, Mode::Cookie);
    let v = other
        .post(
            "/v1/client/sign_ins",
            &[("identifier", email), ("strategy", "email_code")],
        )
        .await
        .ok();
    let sia = sign_in_id(&v);
    let code = server.last_code_to(email).await;
    let v = other
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn a_verified_phone_may_take_the_code_instead() {
    let server = server().await;
    let email = "trust.phone@example.com";
    let home = Browser::new(&server.base, Mode::Cookie);
    home.sign_up(&server, email, "Hedy").await;
    // A verified phone, not used for two-step verification.
    let pid = home.add_verified_phone(&server, "+14155552302").await;

    let other = Browser::new(&server.base, Mode::Cookie);
    let v = other.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_client_trust");
    let strategies: Vec<&str> = v["response"]["supported_second_factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["strategy"].as_str().unwrap())
        .collect();
    assert_eq!(strategies, ["email_code", "phone_code"], "the email first");
    let sia = sign_in_id(&v);
    other
        .post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "phone_code"), ("phone_number_id", &pid)],
        )
        .await
        .ok();
    let code = server.last_code_to("+14155552302").await;
    let v = other
        .attempt_second_factor(&sia, "phone_code", &code)
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn off_in_development_unless_asked_and_on_in_production() {
    let server = TestServer::start().await;
    let email = "trust.off@example.com";
    let home = Browser::new(&server.base, Mode::Cookie);
    home.sign_up(&server, email, "Ada").await;
    let other = Browser::new(&server.base, Mode::Cookie);
    let v = other.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete");

    assert!(!Settings::default().client_trust());
    let production = Settings {
        environment: Environment::Production,
        ..Settings::default()
    };
    assert!(production.client_trust(), "on by default in production");
    let mut off = production;
    off.sign_in.client_trust = Some(false);
    assert!(!off.client_trust());
}

/// An account with no verified email or phone (a username-only instance) has nowhere
/// to send a new-device code: it signs in with its password, not never.
#[tokio::test]
async fn an_account_with_no_contact_is_not_stranded() {
    use fapi_server::config::Requirement;
    let server = TestServer::with(|s| {
        s.sign_in.client_trust = Some(true);
        s.identifiers.email_address = Requirement::Off;
        s.identifiers.username = Requirement::Required;
    })
    .await;
    let home = Browser::new(&server.base, Mode::Cookie);
    let v = home
        .post(
            "/v1/client/sign_ups",
            &[("username", "ada_lovelace"), ("password", PASSWORD)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
    let other = Browser::new(&server.base, Mode::Cookie);
    let v = other.sign_in_password("ada_lovelace", PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
}
