//! The owner hears of every change to what protects their account: second factors,
//! the password, email addresses and phones (security issue, item 7).

use crate::common;

use common::{Browser, Mode, TestServer, PASSWORD};

#[tokio::test]
async fn changes_to_factors_password_and_addresses_are_told_to_the_owner() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let (email, phone) = ("owner@example.com", "+14155555101");
    b.sign_up(&server, email, "Owen").await;
    assert!(server.notices_to(email).await.is_empty());

    // Two-step verification on: one notice naming the (masked) phone.
    let phone_id = b.enable_sms_2fa(&server, phone).await;
    let notices = server.notices_to(email).await;
    assert_eq!(notices.len(), 2, "{notices:?}"); // the phone added, then reserved
    assert!(notices[0].contains("+1******5101 was added"), "{notices:?}");
    assert!(
        notices[1].contains("now also go to +1******5101"),
        "{notices:?}"
    );
    assert!(!notices.concat().contains(phone), "numbers are masked");

    // The password.
    b.post(
        "/v1/me/change_password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "another long passphrase here"),
        ],
    )
    .await
    .ok();
    assert!(server.notices_to(email).await[2].contains("Your password was changed"));

    // A new address made primary: both the old and the new one are told.
    let v = b
        .post(
            "/v1/me/email_addresses",
            &[("email_address", "new@example.com")],
        )
        .await
        .ok();
    let new_id = v["response"]["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/me/email_addresses/{new_id}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .ok();
    let code = server.last_code_to("new@example.com").await;
    b.post(
        &format!("/v1/me/email_addresses/{new_id}/attempt_verification"),
        &[("code", &code)],
    )
    .await
    .ok();
    assert!(server.notices_to(email).await[3].contains("new@example.com was added"));
    b.patch("/v1/me", &[("primary_email_address_id", &new_id)])
        .await
        .ok();
    let old = server.notices_to(email).await;
    assert!(
        old[4].contains("primary email address is now new@example.com"),
        "{old:?}"
    );
    let new = server.notices_to("new@example.com").await;
    assert!(new
        .last()
        .unwrap()
        .contains("primary email address is now new@example.com"));

    // Two-step verification off: the new primary address hears of it.
    b.patch(
        &format!("/v1/me/phone_numbers/{phone_id}"),
        &[("reserved_for_second_factor", "false")],
    )
    .await
    .ok();
    let new = server.notices_to("new@example.com").await;
    assert!(
        new.last()
            .unwrap()
            .contains("Two-step verification is now off"),
        "{new:?}"
    );
    // Codes are still told apart from notices.
    assert_eq!(server.last_code_to("new@example.com").await, code);
}
