//! "MFA required for everyone" on the built demo, in headless Chromium: against a
//! fapi-server with `[mfa] required = true` (`xtask/test-server-mfa-required.toml`),
//! a new sign-up lands on "Set up two-step verification" instead of the app; the
//! app still counts the pending session as signed out; an authenticator app set up
//! from its key turns the session active, the backup codes are shown, and only then
//! does the user reach the app.
//!
//! Needs `MFA_REQUIRED_URL` (the demo on that server) and `WEBDRIVER_URL`; `cargo
//! xtask test` starts both.

use e2e::{unique, Page, PASSWORD};

#[tokio::test]
async fn a_new_account_sets_up_a_second_factor_before_it_reaches_the_app() {
    let p = Page::at(&e2e::env("MFA_REQUIRED_URL")).await;
    let email = format!("required.{}@example.com", unique());

    p.goto("/sign-up").await;
    p.type_into("input[name=first_name]", "Grace").await;
    p.type_into("input[name=email_address]", &email).await;
    p.type_into("input[name=password]", PASSWORD).await;
    p.click("button.cl-formButtonPrimary").await;
    p.wait_text(".cl-headerTitle", "Verify your email").await;
    let code = p.code(&email, 1).await;
    p.type_into("input[name=code]", &code).await;

    // Signed up, but pending: the card moves on to the task, on the same page.
    p.wait_text(".cl-headerTitle", "Set up two-step verification")
        .await;
    p.screenshot(".cl-card", "task-setup-mfa.png").await;
    // The task has its URL, as in Clerk: a reload comes back to it.
    p.wait_path("/sign-up/tasks/setup-mfa").await;
    p.c.refresh().await.unwrap();
    p.wait_text(".cl-headerTitle", "Set up two-step verification")
        .await;
    p.wait_path("/sign-up/tasks/setup-mfa").await;

    // The app treats the pending session as signed out (SignedIn/SignedOut default).
    p.goto("/").await;
    p.wait_text("#methods", "Required for every account").await;
    p.wait_text("a.btn", "Sign in").await;
    assert!(
        p.c.find(fantoccini::Locator::Css("#greeting"))
            .await
            .is_err(),
        "a pending session does not reach the app"
    );

    // The sign-in page picks the task up again: an authenticator app, from its key.
    p.goto("/sign-in").await;
    p.click(".cl-setupMfaTotp").await;
    p.wait("[data-section=totp] svg.cl-qrCode").await;
    p.screenshot(".cl-card", "task-setup-mfa-app.png").await;
    p.click_text("[data-section=totp] button", "Can't scan")
        .await;
    let secret = p.wait(".cl-totpSecret").await.text().await.unwrap();
    p.type_into(
        "[data-section=totp] input[name=code]",
        &e2e::totp_code(&secret, 0),
    )
    .await;

    // The backup codes, once; the app only after "Done".
    let codes = p.texts(".cl-backupCodesList li").await;
    assert_eq!(codes.len(), 10, "{codes:?}");
    p.wait_path("/sign-in/tasks/setup-mfa").await;
    p.click("button.cl-backupCodesDone").await;
    p.wait_path("/").await;
    p.wait_text("#greeting", "Welcome, Grace!").await;
    p.wait_text("#token-claims", "\"sts\": \"active\"").await;

    p.c.close().await.unwrap();
}
