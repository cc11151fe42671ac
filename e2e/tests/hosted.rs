//! Hosted pages, in headless Chromium: the demo in hosted-pages mode on one origin,
//! fapi-server with its hosted pages on another. A visitor signs up on the hosted
//! page and comes back to the app signed in; turns on two-step verification on the
//! hosted profile ("Manage account") and goes back; signs out in the app; signs in on the hosted page with password
//! and SMS code and lands back in the app, signed in. The dev browser token goes
//! along in the URL each way, so both origins act for one client.
//!
//! Needs `HOSTED_APP_URL` (the demo), `HOSTED_FAPI_URL` (fapi-server with the built
//! portal) and `WEBDRIVER_URL`; `cargo xtask test` starts them.

use e2e::{unique, Page, PASSWORD};

#[tokio::test]
async fn sign_up_two_step_verification_and_sign_in_on_the_hosted_pages() {
    let app = e2e::env("HOSTED_APP_URL");
    let fapi = e2e::env("HOSTED_FAPI_URL");
    let p = Page::at(&app).await.with_outbox(&fapi);
    let n = unique();
    let email = format!("hosted.{n}@example.com");
    let phone = format!("+1415{:07}", (n + 7) % 10_000_000);

    // The app, in hosted mode: its "Sign up" goes to the hosted page.
    p.goto(&format!("/?hosted={fapi}")).await;
    p.wait("#hosted-mode").await;
    p.click_text("a.btn", "Sign up").await;
    p.wait_url(&fapi, "/sign-up").await;
    p.sign_up_here("Hedy", &email).await;

    // Back in the app, signed in: the hosted page acted for the app's client (its dev
    // browser token came along in the URL, and went back with it).
    p.wait_url(&app, "/").await;
    p.wait_text("#greeting", "Welcome, Hedy!").await;

    // "Manage account" opens the hosted profile: turn on SMS codes there.
    p.click("button.cl-userButtonTrigger").await;
    p.click(".cl-userButtonPopoverActionButton__manageAccount")
        .await;
    p.wait_url(&fapi, "/user").await;
    p.add_sms_second_factor(&phone, 1).await;
    p.wait_text(
        "[data-section=mfa] .cl-alert__success",
        "SMS code verification is on",
    )
    .await;
    p.click("button.cl-backupCodesDone").await;

    // The way back to the app, which is still signed in; sign out there.
    p.click_text(".portal-back a", "Back to").await;
    p.wait_url(&app, "/").await;
    p.click("button.cl-userButtonTrigger").await;
    p.click(".cl-userButtonPopoverActionButton__signOut").await;
    p.wait_text("a", "Sign in").await;

    // Sign in on the hosted page: password, then the SMS code, then back in the app.
    p.goto("/protected").await;
    p.wait_url(&fapi, "/sign-in").await;
    p.screenshot(".cl-card", "hosted-sign-in.png").await;
    p.type_into("input[name=identifier]", &email).await;
    p.type_into("input[name=password]", PASSWORD).await;
    p.click("button.cl-formButtonPrimary").await;
    p.wait_text(".cl-headerTitle", "Check your phone").await;
    let code = p.code(&phone, 2).await;
    p.screenshot(".cl-card", "hosted-second-factor.png").await;
    p.type_into("input[name=code]", &code).await;
    p.wait_url(&app, "/protected").await;
    p.wait("#protected").await;
    p.goto("/").await;
    p.wait_text("#greeting", "Welcome, Hedy!").await;
    p.wait_text("#token-claims", "\"sid\"").await;

    // The app's own /user opens the hosted profile; its way back is the home page
    // (not /user, which would open the profile again).
    p.goto("/user").await;
    p.wait_url(&fapi, "/user").await;
    p.click_text(".portal-back a", "Back to").await;
    p.wait_url(&app, "/").await;
    p.wait_text("#greeting", "Welcome, Hedy!").await;

    p.c.close().await.unwrap();
}
