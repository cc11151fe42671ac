//! SMS pumping: texts go only to allowed countries, within hourly quotas per number
//! and for the whole instance, and a user holds at most three unverified contacts
//! (security issue, item 4).

mod common;

use common::{Browser, Mode, TestServer};
use fapi_server::config::Settings;

/// Adds `phone` to a signed-in account (once) and asks for a code; the answer's status.
async fn text(b: &Browser, phone: &str) -> u16 {
    let v = b
        .post("/v1/me/phone_numbers", &[("phone_number", phone)])
        .await;
    let id = match v.json["response"]["id"].as_str() {
        Some(id) => id.to_owned(),
        // Already added: find it.
        None => {
            let me = b.get("/v1/me").await.ok();
            me["response"]["phone_numbers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["phone_number"] == phone)
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    b.post(
        &format!("/v1/me/phone_numbers/{id}/prepare_verification"),
        &[("strategy", "phone_code")],
    )
    .await
    .status
    .as_u16()
}

async fn with(configure: impl FnOnce(&mut Settings)) -> TestServer {
    TestServer::with(|s| {
        s.codes.resend_cooldown_seconds = 0;
        s.sms = Default::default();
        configure(s);
    })
    .await
}

async fn signed_in(server: &TestServer, email: &str) -> Browser {
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(server, email, "Pam").await;
    b
}

#[tokio::test]
async fn one_number_gets_at_most_five_texts_an_hour_whoever_asks() {
    let server = with(|_| {}).await;
    let (a, b) = (
        signed_in(&server, "a@example.com").await,
        signed_in(&server, "b@example.com").await,
    );
    let victim = "+14155556101";
    for _ in 0..3 {
        assert_eq!(text(&a, victim).await, 200);
    }
    for _ in 0..2 {
        assert_eq!(text(&b, victim).await, 200);
    }
    assert_eq!(text(&b, victim).await, 429);
    assert_eq!(server.messages_to(victim).await, 5);
}

#[tokio::test]
async fn texts_go_only_to_allowed_countries() {
    let server = with(|s| s.sms.allowed_countries = vec!["1".into()]).await;
    let b = signed_in(&server, "c@example.com").await;
    assert_eq!(text(&b, "+447700900123").await, 422);
    assert_eq!(server.messages_to("+447700900123").await, 0);
    assert_eq!(text(&b, "+14155556102").await, 200);
}

#[tokio::test]
async fn the_instance_budget_is_a_breaker() {
    let server = with(|s| s.sms.per_hour = 2).await;
    let b = signed_in(&server, "d@example.com").await;
    assert_eq!(text(&b, "+14155556103").await, 200);
    assert_eq!(text(&b, "+14155556104").await, 200);
    assert_eq!(text(&b, "+14155556105").await, 429);
    assert_eq!(server.messages_to("+14155556105").await, 0);
}

#[tokio::test]
async fn a_user_holds_at_most_three_unverified_contacts() {
    let server = with(|_| {}).await;
    let b = signed_in(&server, "e@example.com").await;
    for n in 1..=3 {
        b.post(
            "/v1/me/phone_numbers",
            &[("phone_number", &format!("+1415555620{n}"))],
        )
        .await
        .ok();
    }
    b.post(
        "/v1/me/email_addresses",
        &[("email_address", "more@example.com")],
    )
    .await
    .err(400, "too_many_unverified_identifications");
}
