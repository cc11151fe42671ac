//! The whole journey on the built demo, as a person takes it, in headless Chromium
//! driven over WebDriver: sign up and verify the email, turn on 2-step verification
//! in the profile (SMS, which hands out backup codes), sign out, sign in with
//! password + SMS code, add an authenticator app, sign in with its code, then with a
//! backup code on the way to a protected page that sends you to sign in and back,
//! then with SMS from "Use another method". Screenshots land in `target/screenshots/`.
//!
//! Needs `DEMO_URL` (the demo and its API on one origin) and `WEBDRIVER_URL`;
//! `cargo xtask test` starts both.

use e2e::{unique, Page, PASSWORD};

struct Journey(Page);

impl std::ops::Deref for Journey {
    type Target = Page;
    fn deref(&self) -> &Page {
        &self.0
    }
}

impl Journey {
    async fn sign_out(&self) {
        self.click("button.cl-userButtonTrigger").await;
        self.click(".cl-userButtonPopoverActionButton__signOut")
            .await;
        self.wait_text("a", "Sign in").await;
    }

    /// Password, then the SMS code: the second-factor card appears by itself.
    async fn sign_in(&self, email: &str, phone: &str, codes_before: usize, shots: bool) {
        self.wait("input[name=identifier]").await;
        if shots {
            self.screenshot(".cl-card", "sign-in.png").await;
        }
        self.type_into("input[name=identifier]", email).await;
        self.type_into("input[name=password]", PASSWORD).await;
        self.click("button.cl-formButtonPrimary").await;
        self.wait_text(".cl-headerTitle", "Check your phone").await;
        self.wait_path("/sign-in/factor-two").await;
        let code = self.code(phone, codes_before + 1).await;
        if shots {
            self.screenshot(".cl-card", "second-factor.png").await;
            // The step is in the URL: a reload comes back to it, and sends no new SMS.
            self.c.refresh().await.unwrap();
            self.wait_text(".cl-headerTitle", "Check your phone").await;
            self.wait_path("/sign-in/factor-two").await;
            tokio::time::sleep(std::time::Duration::from_millis(800)).await;
            assert_eq!(self.outbox(phone).await.len(), codes_before + 1);
        }
        self.type_into("input[name=code]", &code).await;
    }

    /// Password, then "Use another method" and "I lost access to my second factor".
    async fn to_recovery(&self, email: &str) {
        self.goto("/sign-in").await;
        self.type_into("input[name=identifier]", email).await;
        self.type_into("input[name=password]", PASSWORD).await;
        self.click("button.cl-formButtonPrimary").await;
        self.wait_text(".cl-headerTitle", "Check your phone").await;
        self.click_text("button.cl-footerActionLink", "Use another method")
            .await;
        self.click_text(
            "button.cl-alternativeMethodsBlockButton",
            "I lost access to my second factor",
        )
        .await;
    }

    /// "Email me a code", and the `n`th code to `email` typed in.
    async fn recovery_code(&self, email: &str, n: usize) {
        self.click_text("button.cl-formButtonPrimary", "Email me a code")
            .await;
        self.wait_text(".cl-headerTitle", "Check your email").await;
        let code = self.code(email, n).await;
        self.type_into("input[name=code]", &code).await;
    }
}

#[tokio::test]
async fn the_whole_journey_on_the_demo() {
    let j = Journey(Page::start().await);
    let n = unique();
    let email = format!("ada.{n}@example.com");
    let phone = format!("+1415{:07}", n % 10_000_000);

    // Sign up and verify the email.
    j.goto("/").await;
    j.click_text("a.btn", "Sign up").await;
    j.wait_path("/sign-up").await;
    j.sign_up("Ada", &email).await;
    j.wait_text("#greeting", "Welcome, Ada!").await;
    j.wait_text("#token-claims", "\"sid\"").await;

    // Turn on 2-step verification with a new phone, verified by code.
    j.goto("/user").await;
    j.add_sms_second_factor(&phone, 1).await;
    j.wait_text(
        "[data-section=mfa] .cl-alert__success",
        "SMS code verification is on",
    )
    .await;
    j.wait(".cl-mfaPhoneCodeItem").await;
    // Turning it on handed out ten backup codes, shown this once.
    let backup = j.texts("[data-section=mfa] .cl-backupCodesList li").await;
    assert_eq!(backup.len(), 10, "{backup:?}");
    j.screenshot("[data-section=mfa]", "user-profile-2fa.png")
        .await;
    j.click("button.cl-backupCodesDone").await;

    // Sign out, then sign in: password, then the code form appears by itself.
    j.sign_out().await;
    j.goto("/sign-in").await;
    j.sign_in(&email, &phone, 1, true).await;
    j.wait_path("/").await;
    j.wait_text("#greeting", "Welcome, Ada!").await;
    j.wait_text("#methods", "an authenticator app").await;

    // Add an authenticator app: its key (behind "Can't scan the QR code?"), its code.
    j.goto("/user").await;
    j.click_text("button.cl-navbarButton", "Security").await;
    j.click("button.cl-totpAddButton").await;
    j.wait("[data-section=totp] svg.cl-qrCode").await;
    j.screenshot("[data-section=totp]", "user-profile-totp.png")
        .await;
    j.click_text("[data-section=totp] button", "Can't scan")
        .await;
    let secret = j.wait(".cl-totpSecret").await.text().await.unwrap();
    j.type_into(
        "[data-section=totp] input[name=code]",
        &e2e::totp_code(&secret, 0),
    )
    .await;
    j.wait(".cl-mfaTotpItem").await;
    j.screenshot("[data-section=two_step]", "user-profile-two-step.png")
        .await;

    // Sign in again, in the top bar's modal: the app now comes first (the next step's
    // code: this one is spent), and the page under the modal stays.
    j.sign_out().await;
    j.click("button.cl-signInButton").await;
    j.wait("[role=dialog] input[name=identifier]").await;
    j.type_into("[role=dialog] input[name=identifier]", &email)
        .await;
    j.type_into("[role=dialog] input[name=password]", PASSWORD)
        .await;
    j.screenshot("body", "sign-in-modal.png").await;
    j.click("[role=dialog] button.cl-formButtonPrimary").await;
    j.wait_text("[role=dialog] .cl-headerTitle", "Two-step verification")
        .await;
    j.screenshot(".cl-card", "second-factor-totp.png").await;
    j.type_into("input[name=code]", &e2e::totp_code(&secret, 30))
        .await;
    j.wait_text("#greeting", "Welcome, Ada!").await;
    j.wait_path("/").await;
    assert!(j
        .c
        .find_all(fantoccini::Locator::Css("[role=dialog]"))
        .await
        .unwrap()
        .is_empty());

    // A protected page sends a signed-out visitor to sign in, and back after; this
    // time with a backup code, from "Use another method".
    j.sign_out().await;
    j.goto("/protected").await;
    j.wait_path("/sign-in").await;
    let url = j.c.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or_default().contains("redirect_url="),
        "{url}"
    );
    j.type_into("input[name=identifier]", &email).await;
    j.type_into("input[name=password]", PASSWORD).await;
    j.click("button.cl-formButtonPrimary").await;
    j.wait_text(".cl-headerTitle", "Two-step verification")
        .await;
    j.click_text("button.cl-footerActionLink", "Use another method")
        .await;
    j.click_text(".cl-alternativeMethodsBlockButton", "Use a backup code")
        .await;
    j.wait_text(".cl-headerTitle", "Enter a backup code").await;
    j.type_into("input[name=code]", &backup[0]).await;
    j.wait_path("/protected").await;
    j.wait("#protected").await;

    // The SMS code still works too, from "Use another method".
    j.sign_out().await;
    j.goto("/sign-in").await;
    j.type_into("input[name=identifier]", &email).await;
    j.type_into("input[name=password]", PASSWORD).await;
    j.click("button.cl-formButtonPrimary").await;
    j.click_text("button.cl-footerActionLink", "Use another method")
        .await;
    j.click_text(".cl-alternativeMethodsBlockButton", "Send SMS code")
        .await;
    j.wait_text(".cl-headerTitle", "Check your phone").await;
    let code = j.code(&phone, 3).await;
    j.type_into("input[name=code]", &code).await;
    j.wait_path("/").await;

    j.0.c.close().await.unwrap();
}

/// "Forgot password?" on the demo: the reset code, the new password, then the SMS
/// second factor all the same; "Don't ask again on this device" then lets the new
/// password alone in on this browser, while a second browser is still asked.
#[tokio::test]
async fn a_forgotten_password_and_a_remembered_device_on_the_demo() {
    let j = Journey(Page::start().await);
    let n = unique();
    let email = format!("grace.{n}@example.com");
    let phone = format!("+1415{:07}", (n + 7) % 10_000_000);
    let new_password = "a brand new passphrase";

    j.goto("/").await;
    j.click_text("a.btn", "Sign up").await;
    j.wait_path("/sign-up").await;
    j.sign_up("Grace", &email).await;
    j.goto("/user").await;
    j.add_sms_second_factor(&phone, 1).await;
    j.wait(".cl-mfaPhoneCodeItem").await;
    j.click("button.cl-backupCodesDone").await;
    j.sign_out().await;

    // Forgot password: from the first card, the identifier alone.
    j.goto("/sign-in").await;
    j.type_into("input[name=identifier]", &email).await;
    j.click("button.cl-formFieldAction__forgotPassword").await;
    j.wait_text(".cl-headerTitle", "Forgot Password?").await;
    j.screenshot(".cl-card", "forgot-password.png").await;
    j.click_text("button.cl-formButtonPrimary", "Reset your password")
        .await;
    j.wait_text(".cl-headerTitle", "Reset password").await;
    let code = j.code(&email, 2).await;
    j.type_into("input[name=code]", &code).await;
    j.wait_text(".cl-headerTitle", "Set new password").await;
    j.wait_path("/sign-in/reset-password").await;
    j.screenshot(".cl-card", "reset-password.png").await;
    j.type_into("input[name=password]", new_password).await;
    j.click("button.cl-formButtonPrimary").await;

    // The second factor all the same; this device is to be remembered.
    j.wait_text(".cl-headerTitle", "Check your phone").await;
    let code = j.code(&phone, 2).await;
    j.click("input[name=remember_device]").await;
    j.screenshot(".cl-card", "remember-device.png").await;
    j.type_into("input[name=code]", &code).await;
    j.wait_path("/").await;
    j.wait_text("#greeting", "Welcome, Grace!").await;

    // The new password alone, on this browser.
    j.sign_out().await;
    j.goto("/sign-in").await;
    j.type_into("input[name=identifier]", &email).await;
    j.type_into("input[name=password]", new_password).await;
    j.click("button.cl-formButtonPrimary").await;
    j.wait_path("/").await;
    j.wait_text("#greeting", "Welcome, Grace!").await;
    assert_eq!(j.outbox(&phone).await.len(), 2, "no new SMS");

    // A second browser is asked for the code.
    let other = Journey(Page::start().await);
    other.goto("/sign-in").await;
    other.type_into("input[name=identifier]", &email).await;
    other.type_into("input[name=password]", new_password).await;
    other.click("button.cl-formButtonPrimary").await;
    other.wait_text(".cl-headerTitle", "Check your phone").await;
    other.0.c.close().await.unwrap();
    j.0.c.close().await.unwrap();
}

#[tokio::test]
async fn a_lost_second_factor_its_cancel_link_and_a_recovery_after_the_wait_on_the_demo() {
    let j = Journey(Page::start().await);
    let n = unique();
    let email = format!("lin.{n}@example.com");
    let phone = format!("+1415{:07}", (n + 11) % 10_000_000);

    j.goto("/").await;
    j.click_text("a.btn", "Sign up").await;
    j.wait_path("/sign-up").await;
    j.sign_up("Lin", &email).await;
    j.goto("/user").await;
    j.add_sms_second_factor(&phone, 1).await;
    j.wait(".cl-mfaPhoneCodeItem").await;
    j.click("button.cl-backupCodesDone").await;
    j.sign_out().await;

    // Someone with the password and the mailbox asks; the owner cancels by the link.
    j.to_recovery(&email).await;
    j.wait_text(".cl-headerTitle", "Recover your account").await;
    j.screenshot(".cl-card", "account-recovery.png").await;
    j.recovery_code(&email, 2).await;
    j.wait_text(".cl-headerTitle", "Recovery requested").await;
    j.screenshot(".cl-card", "account-recovery-requested.png")
        .await;
    let notice = j
        .notices(&email)
        .await
        .into_iter()
        .rev()
        .find(|n| n.contains("/v1/account_recovery/cancel?token="))
        .expect("the owner is told, with a link that cancels");
    let link = notice[notice.find("http").unwrap()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    j.c.goto(&link).await.unwrap();
    j.wait_text("h1", "Cancel the account recovery?").await;
    j.screenshot("main", "account-recovery-cancel.png").await;
    j.audit("the recovery's cancel page").await;
    j.click("button[type=submit]").await;
    j.wait_text("h1", "The recovery is cancelled").await;
    j.audit("the recovery's cancel page, cancelled").await;

    // Asked again and left to its (test server's short) wait: then it completes,
    // into setting up two-step verification again.
    j.to_recovery(&email).await;
    j.wait_text(".cl-headerTitle", "Recover your account").await;
    j.recovery_code(&email, 3).await;
    j.wait_text(".cl-headerTitle", "Recovery requested").await;
    tokio::time::sleep(std::time::Duration::from_millis(4_500)).await;
    j.to_recovery(&email).await;
    j.wait_text(".cl-headerTitle", "Finish recovering your account")
        .await;
    j.recovery_code(&email, 4).await;
    j.wait_text(".cl-headerTitle", "Set up two-step verification")
        .await;
    j.screenshot(".cl-card", "account-recovery-setup-mfa.png")
        .await;
    j.0.c.close().await.unwrap();
}
