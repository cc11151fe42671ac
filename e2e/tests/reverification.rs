//! "Verify it's you" on the built demo, in headless Chromium: against a fapi-server
//! whose reverification window is short and whose level is `multi_factor`
//! (`xtask/test-server-reverify.toml`), a session past it that tries to turn two-step
//! verification off gets the dialog — the password, then the SMS code, the level the
//! refusal names — and the change then goes through by itself.
//! Cancelling the dialog changes nothing.
//!
//! Needs `REVERIFY_URL` (the demo on that server) and `WEBDRIVER_URL`; `cargo xtask
//! test` starts both.

use std::time::Duration;

use e2e::{unique, Page, PASSWORD};

/// `session.reverification_seconds` in `xtask/test-server-reverify.toml`.
const WINDOW: Duration = Duration::from_secs(30);

#[tokio::test]
async fn a_stale_session_verifies_with_password_and_code_then_the_change_goes_through() {
    let p = Page::at(&e2e::env("REVERIFY_URL")).await;
    let n = unique();
    let email = format!("step.up.{n}@example.com");
    let phone = format!("+1628{:07}", (n + 7) % 10_000_000);

    // A fresh account turns on 2-step verification (its session is fresh: no dialog).
    p.goto("/sign-up").await;
    p.sign_up("Ada", &email).await;
    p.goto("/user").await;
    p.add_sms_second_factor(&phone, 1).await;
    p.wait(".cl-mfaPhoneCodeItem").await;
    assert!(
        p.c.find(fantoccini::Locator::Css(".cl-modalBackdrop"))
            .await
            .is_err(),
        "a fresh session is not asked to verify"
    );

    // Later (past the window), turning it off asks "Verify it's you".
    tokio::time::sleep(WINDOW + Duration::from_secs(1)).await;
    p.click(".cl-mfaPhoneCodeItem button.cl-button__danger")
        .await;
    p.wait_text(".cl-modalContent .cl-headerTitle", "Verify it's you")
        .await;
    // Cancelled: the dialog closes and nothing changed.
    p.click(".cl-modalContent .cl-reverificationCancel").await;
    p.wait_gone(".cl-modalBackdrop").await;
    p.wait(".cl-mfaPhoneCodeItem").await;

    // Again, closed with Escape this time: focus goes back to the button that asked.
    p.click(".cl-mfaPhoneCodeItem button.cl-button__danger")
        .await;
    p.wait(".cl-modalContent[role=dialog][aria-modal=true] input[name=password]")
        .await;
    let inside =
        p.c.execute(
            "return !!document.activeElement.closest('[role=dialog]')",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        inside,
        serde_json::json!(true),
        "focus moves into the dialog"
    );
    let focused = p.c.active_element().await.unwrap();
    focused.send_keys("\u{E00C}").await.unwrap();
    p.wait_gone(".cl-modalBackdrop").await;
    let back = p.c.active_element().await.unwrap();
    assert!(
        back.attr("class")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains("cl-button__danger"),
        "focus is back on the remove button"
    );
    p.wait(".cl-mfaPhoneCodeItem").await;

    // Again, and this time through: the password, then the code to the phone.
    p.click(".cl-mfaPhoneCodeItem button.cl-button__danger")
        .await;
    p.wait_text(".cl-modalContent .cl-headerSubtitle", "current password")
        .await;
    p.type_into(".cl-modalContent input[name=password]", "not my password")
        .await;
    p.click(".cl-modalContent button.cl-formButtonPrimary")
        .await;
    p.wait_text(".cl-modalContent", "Password is incorrect")
        .await;
    p.type_into(".cl-modalContent input[name=password]", PASSWORD)
        .await;
    p.click(".cl-modalContent button.cl-formButtonPrimary")
        .await;
    p.wait(".cl-modalContent input[name=code]").await;
    p.screenshot(".cl-modalContent", "verify-its-you.png").await;
    let code = p.code(&phone, 2).await;
    p.type_into(".cl-modalContent input[name=code]", &code)
        .await;

    // The removal is retried by itself: 2-step verification is off.
    p.wait_text("[data-section=two_step]", "Two-step verification is off.")
        .await;
    assert!(p
        .c
        .find(fantoccini::Locator::Css(".cl-modalBackdrop"))
        .await
        .is_err());
    p.c.clone().close().await.unwrap();
}
