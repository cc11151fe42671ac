//! `[second_factors] email_code`: a verified email address reserved for two-step
//! verification gets the second-factor code, in sign-ins and step-ups alike, and is
//! then never also a first factor or a way to reset the password.

use crate::common;

use common::{Browser, Mode, TestServer, PASSWORD};
use serde_json::Value;

fn strategies(factors: &Value) -> Vec<String> {
    factors
        .as_array()
        .map(|l| {
            l.iter()
                .map(|f| f["strategy"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn email_id(b: &Browser) -> String {
    let me = b.get("/v1/me").await.ok();
    me["response"]["email_addresses"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_email_address_reserved_for_two_step_verification_gets_the_code() {
    let server = TestServer::with(|s| s.second_factors.email_code = true).await;
    let email = "mailbox.2fa@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, email, "Ada").await;
    let id = email_id(&b).await;
    let v = b
        .patch(
            &format!("/v1/me/email_addresses/{id}"),
            &[("reserved_for_second_factor", "true")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["reserved_for_second_factor"], true, "{v}");
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["two_factor_enabled"], true);
    b.sign_out().await;

    let v = b.sign_in_password(email, PASSWORD).await.ok();
    let si = &v["response"];
    assert_eq!(si["status"], "needs_second_factor");
    assert_eq!(
        strategies(&si["supported_second_factors"]),
        ["email_code", "backup_code"]
    );
    assert_eq!(
        si["supported_second_factors"][0]["safe_identifier"],
        "m***@example.com"
    );
    // The mailbox is the only second factor: no code to it signs in or resets alone.
    assert_eq!(strategies(&si["supported_first_factors"]), ["password"]);
    let sia = si["id"].as_str().unwrap().to_owned();

    // An SMS code is nothing this account has.
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
        &[("strategy", "phone_code")],
    )
    .await
    .err(400, "no_second_factors");
    let before = server.messages_to(email).await;
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
        &[("strategy", "email_code")],
    )
    .await
    .ok();
    assert_eq!(server.messages_to(email).await, before + 1);
    let code = server.last_code_to(email).await;
    // The code answers the email strategy only.
    b.attempt_second_factor(&sia, "phone_code", &code)
        .await
        .err(400, "verification_missing");
    let v = b
        .attempt_second_factor(&sia, "email_code", &code)
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn without_the_setting_an_email_address_is_no_second_factor() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "no.email.2fa@example.com", "Ada").await;
    let id = email_id(&b).await;
    b.patch(
        &format!("/v1/me/email_addresses/{id}"),
        &[("reserved_for_second_factor", "true")],
    )
    .await
    .err(400, "no_second_factors");
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["two_factor_enabled"], false);
    assert_eq!(
        me["response"]["email_addresses"][0]["reserved_for_second_factor"],
        false
    );
}

#[tokio::test]
async fn a_step_up_at_the_second_factor_goes_to_the_reserved_address() {
    let server = TestServer::with(|s| s.second_factors.email_code = true).await;
    let email = "stepup.mail@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    let sid = b.sign_up(&server, email, "Ada").await;
    let id = email_id(&b).await;
    b.patch(
        &format!("/v1/me/email_addresses/{id}"),
        &[("reserved_for_second_factor", "true")],
    )
    .await
    .ok();
    let v = b
        .post(
            &format!("/v1/client/sessions/{sid}/verify"),
            &[("level", "second_factor")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_second_factor", "{v}");
    assert!(strategies(&v["response"]["supported_second_factors"]).contains(&"email_code".into()));
    b.post(
        &format!("/v1/client/sessions/{sid}/verify/prepare_second_factor"),
        &[("strategy", "email_code")],
    )
    .await
    .ok();
    let code = server.last_code_to(email).await;
    let v = b
        .post(
            &format!("/v1/client/sessions/{sid}/verify/attempt_second_factor"),
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
}
