//! Passkeys on the built demo, in headless Chromium with a virtual authenticator (the
//! WebDriver WebAuthn extension ChromeDriver implements: CTAP2, internal, resident
//! keys, user verification): add a passkey in `<UserProfile/>` and rename it, sign
//! out, sign in from the identifier field's autofill, then with "Continue with a
//! passkey" (no identifier), then with the password and the passkey as the second
//! factor; a passkey the person does not confirm leaves them on the step, told why.
//! Each new card passes an axe-core audit.
//!
//! Needs `DEMO_URL` and `WEBDRIVER_URL`; `cargo xtask test` starts both. The page is
//! opened at `localhost`: WebAuthn takes no IP address as a relying party.

use e2e::{on_localhost, unique, Page, PASSWORD};

async fn sign_out(p: &Page) {
    p.click("button.cl-userButtonTrigger").await;
    p.click(".cl-userButtonPopoverActionButton__signOut").await;
    p.wait_text("a", "Sign in").await;
}

#[tokio::test]
async fn a_passkey_is_added_then_signs_in_as_first_and_as_second_factor() {
    let p = Page::at(&on_localhost(&e2e::env("DEMO_URL"))).await;
    let authenticator = p.add_virtual_authenticator().await;
    let email = format!("passkey.{}@example.com", unique());

    // A new account adds a passkey on the Security page and names it.
    p.goto("/sign-up").await;
    p.sign_up("Ada", &email).await;
    p.goto("/user").await;
    p.click_text("button.cl-navbarButton", "Security").await;
    p.wait_text("[data-section=passkeys]", "Passkeys").await;
    p.click("button.cl-passkeyAddButton").await;
    p.wait("[data-section=passkeys] .cl-passkeyItem").await;
    p.wait_text("[data-section=passkeys]", "Your passkey was added.")
        .await;
    p.audit("the profile's Passkeys section").await;
    p.click_text("[data-section=passkeys] button", "Rename")
        .await;
    p.type_into("[data-section=passkeys] input[name=name]", "Work laptop")
        .await;
    p.click("[data-section=passkeys] button.cl-formButtonPrimary")
        .await;
    p.wait_text(".cl-passkeyName", "Work laptop").await;
    p.screenshot("[data-section=passkeys]", "profile-passkeys.png")
        .await;
    // The passkey is a second factor too.
    p.wait_gone("[data-section=two_step] .cl-mfaStatus").await;

    // Signed out, the sign-in card offers it in the identifier field's autofill:
    // Chromium's virtual authenticator picks the suggestion at once, as a person
    // would, and that signs in (no identifier, no password, no second step).
    sign_out(&p).await;
    p.goto("/sign-in").await;
    p.wait_path("/").await;
    p.wait("button.cl-userButtonTrigger").await;

    // "Continue with a passkey": the person does not confirm it first (the card says
    // so and stays), then does.
    sign_out(&p).await;
    p.user_verifies(&authenticator, false).await;
    p.goto("/sign-in").await;
    p.wait("button.cl-passkeyButton").await;
    p.audit("the sign-in card with a passkey button").await;
    p.screenshot(".cl-card", "sign-in-passkey.png").await;
    p.click("button.cl-passkeyButton").await;
    p.wait_text(".cl-alert", "cancelled or timed out").await;
    p.audit("a cancelled passkey").await;
    p.user_verifies(&authenticator, true).await;
    p.click("button.cl-passkeyButton").await;
    p.wait_path("/").await;
    p.wait("button.cl-userButtonTrigger").await;

    // The password, then the passkey as the second step (offered first).
    sign_out(&p).await;
    p.user_verifies(&authenticator, false).await;
    p.goto("/sign-in").await;
    p.type_into("input[name=identifier]", &email).await;
    p.type_into("input[name=password]", PASSWORD).await;
    p.click("button.cl-formButtonPrimary").await;
    p.wait_text(".cl-headerTitle", "Use your passkey").await;
    p.wait_path("/sign-in/factor-two").await;
    p.audit("the passkey as the second factor").await;
    p.screenshot(".cl-card", "second-factor-passkey.png").await;
    p.click("button.cl-formButtonPrimary").await;
    p.wait_text(".cl-alert", "cancelled or timed out").await;
    p.wait_path("/sign-in/factor-two").await;
    p.user_verifies(&authenticator, true).await;
    p.click("button.cl-formButtonPrimary").await;
    p.wait_path("/").await;
    p.wait("button.cl-userButtonTrigger").await;
    p.c.clone().close().await.unwrap();
}
