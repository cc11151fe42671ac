//! Emails have hourly quotas as texts do (per address, per client address, per
//! account, per instance), anyone but the address's verified owner gets only part of
//! an address's, a client has one live sign-up, and the "someone tried to sign up
//! with your address" notice goes out once an hour at most.

use crate::common;

use common::{Browser, Mode, TestServer};
use fapi_server::config::EmailProtection;

/// Clerk's limits on requests, this project's defaults on emails, no resend cooldown
/// (each new sign-up would have its own anyway).
async fn with_email_quotas(
    configure: impl FnOnce(&mut fapi_server::config::Settings),
) -> TestServer {
    TestServer::with(|s| {
        s.email = EmailProtection::default();
        s.codes.resend_cooldown_seconds = 0;
        configure(s);
    })
    .await
}

async fn sign_up_with_code(b: &Browser, email: &str) -> (u16, Option<String>) {
    let r = b
        .post(
            "/v1/client/sign_ups",
            &[("email_address", email), ("strategy", "email_code")],
        )
        .await;
    let id = r.json["response"]["id"].as_str().map(str::to_owned);
    (r.status.as_u16(), id)
}

#[tokio::test]
async fn one_address_gets_a_bounded_number_of_code_emails() {
    let server = with_email_quotas(|_| {}).await;
    let victim = "someone@example.org";
    let b = Browser::new(&server.base, Mode::Cookie);
    let mut statuses = Vec::new();
    let mut first = None;
    for _ in 0..12 {
        let (status, id) = sign_up_with_code(&b, victim).await;
        statuses.push(status);
        first = first.or(id);
    }
    let sent = server.messages_to(victim).await;
    assert_eq!(
        sent, 6,
        "six of the address's ten for strangers: {statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 6);

    // The first sign-up was replaced by the later ones: it is sent nothing more.
    b.post(
        &format!(
            "/v1/client/sign_ups/{}/prepare_verification",
            first.unwrap()
        ),
        &[("strategy", "email_code")],
    )
    .await
    .err(404, "resource_not_found");
}

#[tokio::test]
async fn the_someone_tried_notice_goes_out_once_an_hour() {
    let server = with_email_quotas(|s| s.enumeration_protection = true).await;
    let owner = "taken@example.com";
    Browser::new(&server.base, Mode::Cookie)
        .sign_up(&server, owner, "Ada")
        .await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let (_, id) = sign_up_with_code(&b, owner).await;
    let id = id.unwrap();
    for _ in 0..20 {
        b.post(
            &format!("/v1/client/sign_ups/{id}/prepare_verification"),
            &[("strategy", "email_code")],
        )
        .await;
    }
    let notices = server.notices_to(owner).await;
    let tried = notices
        .iter()
        .filter(|n| n.contains("tried to create a new account"))
        .count();
    assert_eq!(tried, 1, "{notices:?}");
}
