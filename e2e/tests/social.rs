//! "Continue with" a provider on the built demo, against a real OpenID Connect
//! provider on loopback (`oidc-provider`, OpenID Certified, offered as "Loopback
//! ID"): someone new gets an account from it, from the sign-in and the sign-up
//! page; an account with two-step verification is still asked for its code after
//! the provider said yes; the way back keeps a protected page's `redirect_url`.
//!
//! Needs `SOCIAL_URL` (the demo on an instance offering the provider) and
//! `WEBDRIVER_URL`; `cargo xtask test` starts both and the provider.

use e2e::{unique, Page};

const BUTTON: &str = "button[data-provider=oauth_loopback_id]";

async fn sign_out(p: &Page) {
    p.click("button.cl-userButtonTrigger").await;
    p.click(".cl-userButtonPopoverActionButton__signOut").await;
    p.wait_text("a", "Sign in").await;
}

/// At the provider's sign-in page: signs in there as `email`, which sends the
/// browser back through fapi-server to the app.
async fn at_provider(p: &Page, email: &str) {
    p.type_into("input[name=login]", email).await;
    p.click("button").await;
}

#[tokio::test]
async fn someone_new_gets_an_account_from_the_provider() {
    let p = Page::at(&e2e::env("SOCIAL_URL")).await;
    p.goto("/sign-in").await;
    let button = p.wait_text(BUTTON, "Continue with Loopback ID").await;
    assert!(
        button.find(fantoccini::Locator::Css("svg")).await.is_ok(),
        "the button has its mark, drawn inline"
    );
    p.wait_text(".cl-dividerText", "or").await;
    p.screenshot(".cl-card", "sign-in-social.png").await;
    p.audit("the sign-in card with a provider").await;

    let email = format!("new-{}@example.com", unique());
    p.click(BUTTON).await;
    at_provider(&p, &email).await;
    // Back in the app, signed up and signed in: no code, the provider vouched.
    p.wait_path("/").await;
    p.wait("button.cl-userButtonTrigger").await;
    p.goto("/user").await;
    p.wait_text(".cl-card, .cl-rootBox", &email).await;
    sign_out(&p).await;

    // Again: the provider remembers the person (no form there this time), and its
    // account is joined now, so this signs the same person in.
    p.goto("/sign-in").await;
    p.click(BUTTON).await;
    p.wait_path("/").await;
    p.goto("/user").await;
    p.wait_text(".cl-card, .cl-rootBox", &email).await;

    // From the sign-up page, for someone else new (another browser: the provider
    // would remember the first person).
    let p = Page::at(&e2e::env("SOCIAL_URL")).await;
    let other = format!("new-{}@example.com", unique());
    p.goto("/sign-up").await;
    p.wait_text(BUTTON, "Continue with Loopback ID").await;
    p.audit("the sign-up card with a provider").await;
    p.click(BUTTON).await;
    at_provider(&p, &other).await;
    p.wait_path("/").await;
    p.goto("/user").await;
    p.wait_text(".cl-card, .cl-rootBox", &other).await;
}

#[tokio::test]
async fn an_account_with_two_step_verification_still_gives_its_code() {
    let p = Page::at(&e2e::env("SOCIAL_URL")).await;
    let n = unique();
    let (email, phone) = (format!("twofa-{n}@example.com"), format!("+1415{n:07}"));
    p.goto("/sign-up").await;
    p.sign_up("Grace", &email).await;
    p.goto("/user").await;
    p.add_sms_second_factor(&phone, 1).await;
    p.click("button.cl-backupCodesDone").await;
    sign_out(&p).await;

    // A protected page: to sign in and back. The provider says yes, the account's
    // own second factor still stands.
    p.goto("/protected").await;
    p.wait_path("/sign-in").await;
    p.click(BUTTON).await;
    at_provider(&p, &email).await;
    p.wait_path("/sign-in/factor-two").await;
    p.wait_text(".cl-headerTitle", "Check your phone").await;
    p.screenshot(".cl-card", "social-second-factor.png").await;
    let code = p.code(&phone, 2).await;
    p.type_into("input[name=code]", &code).await;
    p.wait_path("/protected").await;
    p.wait("#protected").await;
    // The owner is told a provider was joined to the account.
    let notices = p.notices(&email).await;
    assert!(
        notices.iter().any(|n| n.contains("Loopback ID")),
        "{notices:?}"
    );
}

#[tokio::test]
async fn a_provider_is_connected_and_removed_from_the_profile() {
    let p = Page::at(&e2e::env("SOCIAL_URL")).await;
    let n = unique();
    let (email, at_provider_as) = (
        format!("connect-{n}@example.com"),
        format!("elsewhere-{n}@example.com"),
    );
    p.goto("/sign-up").await;
    p.sign_up("Ada", &email).await;
    p.goto("/user").await;
    let connect = "[data-section=connected_accounts] button.cl-connectedAccountAdd";
    p.wait_text(connect, "Connect Loopback ID").await;
    p.click(connect).await;
    // The provider's account has another email: connecting needs none in common.
    at_provider(&p, &at_provider_as).await;
    p.wait_path("/user").await;
    let joined = "[data-section=connected_accounts] .cl-connectedAccount";
    p.wait_text(joined, &at_provider_as).await;
    p.screenshot(
        "[data-section=connected_accounts]",
        "user-profile-connected.png",
    )
    .await;
    p.audit("the profile with a connected account").await;
    let notices = p.notices(&email).await;
    assert!(
        notices
            .iter()
            .any(|b| b.contains("connected to this account from your profile")),
        "{notices:?}"
    );

    // It signs in now: out, then in with the provider alone.
    sign_out(&p).await;
    p.goto("/sign-in").await;
    p.click(BUTTON).await;
    p.wait_path("/").await;
    p.goto("/user").await;
    p.wait_text(joined, &at_provider_as).await;

    // Removed (the password is still a way in), and the owner is told.
    p.click(&format!("{joined} button.cl-button__danger")).await;
    p.wait_gone(joined).await;
    p.wait_text(connect, "Connect Loopback ID").await;
    let notices = p.notices(&email).await;
    assert!(
        notices
            .iter()
            .any(|b| b.contains("disconnected from this account")),
        "{notices:?}"
    );
}
