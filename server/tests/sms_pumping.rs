//! SMS pumping: texts go only to allowed countries, within hourly quotas per number
//! and for the whole instance, and a user holds at most three unverified contacts
//! (security issue, item 4).

use crate::common;

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

/// A number's five texts an hour: anyone who is not its verified owner (here, two
/// accounts that each add it) gets three of them; the rest is kept for the owner.
#[tokio::test]
async fn one_number_gets_at_most_three_texts_an_hour_from_strangers() {
    let server = with(|_| {}).await;
    let (a, b) = (
        signed_in(&server, "a@example.com").await,
        signed_in(&server, "b@example.com").await,
    );
    let victim = "+14155556101";
    for _ in 0..2 {
        assert_eq!(text(&a, victim).await, 200);
    }
    assert_eq!(text(&b, victim).await, 200);
    assert_eq!(text(&b, victim).await, 429);
    assert_eq!(text(&a, victim).await, 429);
    assert_eq!(server.messages_to(victim).await, 3);
}

/// Knowing a number is no way to stop its owner's second factor: first-factor
/// codes anyone asks for spend only the number's anonymous share, never the
/// account's quota, and the owner's text after a right password still goes out.
#[tokio::test]
async fn strangers_cannot_spend_the_owners_second_factor_texts() {
    let server = with(|s| {
        s.identifiers.phone_number = fapi_server::config::Requirement::Optional;
        s.trust_forwarded_for = true;
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let email = "victim@example.com";
    let (sign_in_phone, second_factor_phone) = ("+14155556111", "+14155556112");
    let owner = signed_in(&server, email).await;
    owner.add_verified_phone(&server, sign_in_phone).await;
    owner.enable_sms_2fa(&server, second_factor_phone).await;
    owner.sign_out().await;

    let mut answers = Vec::new();
    for n in 0..8 {
        let stranger = Browser::from_address(&server.base, &format!("203.0.113.{n}"));
        let r = stranger
            .post(
                "/v1/client/sign_ins",
                &[("identifier", sign_in_phone), ("strategy", "phone_code")],
            )
            .await;
        answers.push(r.status.as_u16());
    }
    assert!(answers.contains(&429), "{answers:?}");
    let texted_by_strangers = server.messages_to(sign_in_phone).await;
    assert!(texted_by_strangers <= 3, "{texted_by_strangers}");

    let before = server.messages_to(second_factor_phone).await;
    let sia = owner.to_second_factor(email).await;
    assert_eq!(server.messages_to(second_factor_phone).await, before + 1);
    let code = server.last_code_to(second_factor_phone).await;
    let v = owner.attempt_sms_code(&sia, &code).await.ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn texts_go_only_to_allowed_countries() {
    let server = with(|s| s.sms.allowed_countries = vec!["US".into()]).await;
    let b = signed_in(&server, "c@example.com").await;
    assert_eq!(text(&b, "+447700900123").await, 422);
    assert_eq!(server.messages_to("+447700900123").await, 0);
    assert_eq!(text(&b, "+14155556102").await, 200);
}

#[tokio::test]
async fn the_instance_budget_is_a_breaker() {
    // Four an hour, two of them for anyone but owners.
    let server = with(|s| s.sms.per_hour = 4).await;
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
