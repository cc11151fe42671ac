//! "I lost access to my second factor" in `<SignIn/>`: the explanation, the emailed
//! code, then "Recovery requested" with its date; once the (test server's short)
//! wait is over, the same steps finish it and land in the set-up-MFA task.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

/// Password, then "Use another method" and "I lost access to my second factor".
async fn to_recovery(root: &web_sys::Element, email: &str) {
    submit_sign_in(root, email, PASSWORD).await;
    wait_for_text(root, ".cl-headerTitle", "Check your phone").await;
    click_text(root, "button.cl-footerActionLink", "Use another method").await;
    click_text(
        root,
        "button.cl-alternativeMethodsBlockButton",
        "I lost access to my second factor",
    )
    .await;
}

/// "Email me a code", and the code typed in.
async fn send_and_type_code(root: &web_sys::Element, email: &str, what: &str) {
    let before = outbox_to(email).await.len();
    click_text(root, "button.cl-formButtonPrimary", "Email me a code").await;
    wait_for_text(root, ".cl-headerTitle", "Check your email").await;
    let code = code_number(email, before + 1).await;
    audit(root, what).await;
    fill(root, "input[name=code]", &code).await;
}

#[wasm_bindgen_test]
async fn a_lost_second_factor_is_recovered_after_the_wait() {
    fresh_browser().await;
    let email = unique_email("lost2fa");
    let phone = unique_test_phone();
    create_account(&email, Some(&phone)).await;
    let completes_at = {
        let (m, clerk) = mount(html! { <SignIn /> }).await;
        let root = &m.root;
        to_recovery(root, &email).await;
        wait_for_text(root, ".cl-headerTitle", "Recover your account").await;
        audit(root, "<SignIn/>, account recovery: what it is").await;
        send_and_type_code(root, &email, "<SignIn/>, account recovery: the code").await;
        wait_for_text(root, ".cl-headerTitle", "Recovery requested").await;
        audit(root, "<SignIn/>, account recovery: requested").await;
        assert!(!clerk.state().is_signed_in());
        let recovery = clerk
            .state()
            .sign_in()
            .and_then(|s| s.account_recovery.clone())
            .expect("the recovery");
        recovery.completes_at.expect("when it can complete")
    };
    reset_location();

    // After the wait: the same steps finish it.
    let wait = completes_at as f64 - js_sys::Date::now() + 300.0;
    if wait > 0.0 {
        sleep(wait as u64).await;
    }
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    to_recovery(root, &email).await;
    wait_for_text(root, ".cl-headerTitle", "Finish recovering your account").await;
    audit(root, "<SignIn/>, account recovery: ready to finish").await;
    send_and_type_code(root, &email, "<SignIn/>, account recovery: the final code").await;
    wait_for_text(root, ".cl-headerTitle", "Set up two-step verification").await;
    audit(
        root,
        "<SignIn/>, account recovery: set up two-step verification again",
    )
    .await;
    assert!(clerk.state().is_pending());
    let user = clerk.state().user().cloned().expect("the recovered user");
    assert!(!user.two_factor_enabled, "the lost factors are gone");
    clerk.sign_out().await.unwrap();
    reset_location();
}

/// Back from the recovery code, within the 30 s resend cooldown: the SMS sent first
/// no longer works (the recovery code replaced it) and no new one may go yet, so the
/// step says so, rather than waiting silently on a dead code.
#[wasm_bindgen_test]
async fn back_from_the_recovery_code_says_the_new_sms_must_wait() {
    fresh_browser().await;
    let email = unique_email("lost2fa.back");
    let phone = unique_phone();
    create_account(&email, Some(&phone)).await;
    let (m, _clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    to_recovery(root, &email).await;
    wait_for_text(root, ".cl-headerTitle", "Recover your account").await;
    click_text(root, "button.cl-formButtonPrimary", "Email me a code").await;
    wait_for_text(root, ".cl-headerTitle", "Check your email").await;
    click_text(root, "button", "Back").await;
    wait_for_text(root, ".cl-headerTitle", "Check your phone").await;
    wait_for_text(root, ".cl-alert", "wait at least 30 seconds").await;
    wait_for_text(root, ".cl-formResendCodeLink", "Resend code in").await;
    reset_location();
}
