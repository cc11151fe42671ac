//! "Forgot password?" in `<SignIn/>`: the reset code, the new password with "Sign out
//! of all other devices", then the second factor when the account has one.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

const NEW_PASSWORD: &str = "a brand new passphrase";

#[wasm_bindgen_test]
async fn a_forgotten_password_is_reset_and_the_second_factor_still_asked() {
    fresh_browser().await;
    let email = unique_email("forgot");
    let phone = unique_test_phone();
    create_account(&email, Some(&phone)).await;
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;

    // From the first card: the identifier is enough.
    fill(root, "input[name=identifier]", &email).await;
    click(root, "button.cl-formFieldAction__forgotPassword").await;
    // The account also signs in by email code: reset, or another method.
    let card = wait_for_text(root, ".cl-headerTitle", "Forgot Password?").await;
    let _ = card;
    audit(root, "<SignIn/>, forgot password: the choice").await;
    let before = outbox_to(&email).await.len();
    click_text(root, "button.cl-formButtonPrimary", "Reset your password").await;
    wait_for_text(root, ".cl-headerTitle", "Reset password").await;
    wait_for_text(
        root,
        ".cl-headerSubtitle",
        "First, enter the code sent to your email address",
    )
    .await;
    let code = code_number(&email, before + 1).await;
    audit(root, "<SignIn/>, forgot password: the reset code").await;
    fill(root, "input[name=code]", &code).await;

    // The new password, with "sign out of all other devices" checked.
    wait_for_text(root, ".cl-headerTitle", "Set new password").await;
    wait_until("the URL names the step", || {
        let hash = web_sys::window().unwrap().location().hash().unwrap();
        hash.contains("reset-password").then_some(())
    })
    .await;
    let others = wait_for(root, "input[name=sign_out_of_other_sessions]").await;
    let others: web_sys::HtmlInputElement = wasm_bindgen::JsCast::dyn_into(others).unwrap();
    assert!(others.checked(), "signing out elsewhere is the default");
    fill(root, "input[name=password]", "short").await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for(root, "#cl-field-password-error").await;
    audit(root, "<SignIn/>, forgot password: a too short new password").await;
    assert!(!clerk.state().is_signed_in());
    fill(root, "input[name=password]", NEW_PASSWORD).await;
    click(root, "button.cl-formButtonPrimary").await;

    // The second factor, as after any password.
    wait_for(root, "input[name=code][autocomplete=one-time-code]").await;
    wait_for_text(root, ".cl-headerTitle", "Check your phone").await;
    assert!(!clerk.state().is_signed_in(), "a reset never skips 2FA");
    fill(root, "input[name=code]", "424242").await;
    wait_signed_in(root, &clerk).await;
    reset_location();

    // The new password is the password now.
    let check = core();
    check.load().await.unwrap();
    check.sign_out().await.unwrap();
    let si = check
        .create_sign_in(&yew_clerk::types::params::CreateSignIn {
            strategy: Some(yew_clerk::types::Strategy::Password),
            identifier: Some(email.clone()),
            password: Some(NEW_PASSWORD.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(si.status, yew_clerk::types::SignInStatus::NeedsSecondFactor);
}

#[wasm_bindgen_test]
async fn forgot_password_from_the_password_step_of_a_password_only_account() {
    fresh_browser().await;
    let email = unique_email("forgot.pw+clerk_test");
    create_account(&email, None).await;
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    // Identifier alone: the password step, with its "Forgot password?".
    fill(root, "input[name=identifier]", &email).await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for_text(root, ".cl-headerTitle", "Enter your password").await;
    click(root, "button.cl-formFieldAction__forgotPassword").await;
    click_text(root, "button.cl-formButtonPrimary", "Reset your password").await;
    wait_for_text(root, ".cl-headerTitle", "Reset password").await;
    fill(root, "input[name=code]", "424242").await;
    wait_for_text(root, ".cl-headerTitle", "Set new password").await;
    audit(root, "<SignIn/>, forgot password: the new password").await;
    fill(root, "input[name=password]", NEW_PASSWORD).await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_signed_in(root, &clerk).await;
    reset_location();
}
