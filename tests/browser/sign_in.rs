//! `<SignIn/>`: with and without two-step verification, and the second-factor step
//! appearing by itself.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

#[wasm_bindgen_test]
async fn sign_in_without_two_step_verification() {
    fresh_browser().await;
    let email = unique_email("plain+clerk_test");
    create_account(&email, None).await;
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    wait_for(root, ".cl-card").await;
    audit(root, "<SignIn/>, first card").await;
    assert_eq!(
        focused_name().as_deref(),
        Some("identifier"),
        "focus starts on the first field"
    );
    let input = wait_for(root, "input[name=identifier]").await;
    // Passkeys are on (fapi-server's default): they are offered among its suggestions.
    assert_eq!(
        input.get_attribute("autocomplete").as_deref(),
        Some("username webauthn")
    );
    let pw = wait_for(root, "input[name=password]").await;
    assert_eq!(
        pw.get_attribute("autocomplete").as_deref(),
        Some("current-password")
    );
    assert!(
        find(root, "label[for=cl-field-identifier]").is_some(),
        "inputs are labelled"
    );
    submit_sign_in(root, &email, PASSWORD).await;
    wait_signed_in(root, &clerk).await;
    wait_until("redirect to after_sign_in_url", || {
        (pathname() == "/signed-in").then_some(())
    })
    .await;
    assert_eq!(
        clerk.state().user().unwrap().first_name.as_deref(),
        Some("Ada")
    );
    reset_location();
}

#[wasm_bindgen_test]
async fn a_wrong_password_is_shown_under_its_field_in_clerks_words() {
    fresh_browser().await;
    let email = unique_email("wrongpw+clerk_test");
    create_account(&email, None).await;
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    fill(root, "input[name=identifier]", &email).await;
    fill(root, "input[name=password]", "not my password at all").await;
    click(root, "button.cl-formButtonPrimary").await;
    let error = wait_for(root, "#cl-field-password-error").await;
    audit(root, "<SignIn/>, a wrong password").await;
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(
        error.text_content().unwrap(),
        "Password is incorrect. Try again, or use another method."
    );
    let input = find(root, "input[name=password]").unwrap();
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(!clerk.state().is_signed_in());
    fill(root, "input[name=identifier]", "nobody.here@example.com").await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for_text(
        root,
        "#cl-field-identifier-error",
        "Couldn't find your account.",
    )
    .await;
}

/// Signs in to the point where the second-factor card shows; returns the card.
async fn to_second_factor(root: &web_sys::Element, email: &str) -> web_sys::Element {
    submit_sign_in(root, email, PASSWORD).await;
    wait_for(root, "input[name=code][autocomplete=one-time-code]").await;
    wait_for(root, ".cl-card").await
}

#[wasm_bindgen_test]
async fn the_sms_second_factor_appears_by_itself_with_a_test_number() {
    fresh_browser().await;
    let email = unique_email("mfa+clerk_test");
    let phone = unique_test_phone();
    create_account(&email, Some(&phone)).await;
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    let card = to_second_factor(root, &email).await;
    let text = card.text_content().unwrap();
    assert!(text.contains("Check your phone"), "{text}");
    assert!(
        text.contains(&format!("Code sent to +1******{}", &phone[8..])),
        "{text}"
    );
    let code = find(root, "input[name=code]").unwrap();
    assert_eq!(code.get_attribute("inputmode").as_deref(), Some("numeric"));
    assert_eq!(
        focused_name().as_deref(),
        Some("code"),
        "focus moves to the code"
    );
    assert!(
        !clerk.state().is_signed_in(),
        "no session before the second factor"
    );
    // Pasting the whole code (with a space) submits it.
    fill(root, "input[name=code]", "424 242").await;
    wait_signed_in(root, &clerk).await;
    wait_until("redirect", || (pathname() == "/signed-in").then_some(())).await;
    reset_location();
}

#[wasm_bindgen_test]
async fn a_real_number_gets_exactly_one_code_and_a_wrong_code_is_shown() {
    fresh_browser().await;
    let email = unique_email("mfa.real");
    let phone = unique_phone();
    create_account(&email, Some(&phone)).await;
    let before = outbox_to(&phone).await.len();
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    to_second_factor(root, &email).await;
    let code = code_number(&phone, before + 1).await;
    sleep(800).await;
    assert_eq!(
        outbox_to(&phone).await.len(),
        before + 1,
        "exactly one SMS when the step opens"
    );

    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    fill(root, "input[name=code]", &wrong).await;
    let error = wait_for(root, "#cl-field-code-error").await;
    audit(root, "<SignIn/>, the SMS code step with a wrong code").await;
    assert_eq!(
        error.text_content().unwrap(),
        "Incorrect code. Please try again."
    );
    assert!(!clerk.state().is_signed_in());
    fill(root, "input[name=code]", &code).await;
    wait_signed_in(root, &clerk).await;
    assert_eq!(
        outbox_to(&phone).await.len(),
        before + 1,
        "still one SMS after typing and errors"
    );
    reset_location();
}

#[wasm_bindgen_test]
async fn resend_waits_out_the_cooldown_with_a_visible_countdown() {
    fresh_browser().await;
    let email = unique_email("resend");
    let phone = unique_phone();
    create_account(&email, Some(&phone)).await;
    let enrolment = outbox_to(&phone).await.len();
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    to_second_factor(root, &email).await;
    let first = code_number(&phone, enrolment + 1).await;
    let countdown = wait_for_text(root, ".cl-formResendCodeLink", "Resend code in").await;
    assert!(
        countdown.tag_name().eq_ignore_ascii_case("span"),
        "not clickable yet"
    );
    let start: u32 = countdown
        .text_content()
        .unwrap()
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap();
    assert!((28..=30).contains(&start), "{start}");
    // The server holds the line too.
    let early = clerk
        .prepare_second_factor(&yew_clerk::types::params::PrepareSecondFactor {
            strategy: yew_clerk::types::Strategy::PhoneCode,
            phone_number_id: None,
            email_address_id: None,
        })
        .await
        .unwrap_err();
    assert_eq!(early.code(), Some("verification_code_too_many_requests"));
    assert!(early.retry_after().is_some());
    // After the cooldown the link is a button that sends a new code.
    sleep(31_000).await;
    click_text(root, "button.cl-formResendCodeLink", "Resend").await;
    let second = code_number(&phone, enrolment + 2).await;
    wait_for_text(root, ".cl-alert__info", "A new code is on its way.").await;
    only_the_new_code_works(root, &clerk, &first, &second).await;
    reset_location();
}

#[wasm_bindgen_test]
async fn an_empty_password_leads_to_another_first_factor() {
    let email = unique_email("otp");
    let (m, clerk, sign_up_codes) = to_the_email_code_step(&email).await;
    let root = &m.root;
    audit(root, "<SignIn/>, the email code first factor").await;
    let code = code_number(&email, sign_up_codes + 1).await;
    fill(root, "input[name=code]", &code).await;
    wait_signed_in(root, &clerk).await;
    reset_location();
}

/// A new account with a password, signing in with an email code instead; how many
/// emails it had before.
async fn to_the_email_code_step(email: &str) -> (Mounted, Clerk, usize) {
    fresh_browser().await;
    create_account(email, None).await;
    let sign_up_codes = outbox_to(email).await.len();
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    fill(root, "input[name=identifier]", email).await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for_text(root, ".cl-headerTitle", "Enter your password").await;
    choose_another_method(root, "Email code to").await;
    wait_for_text(root, ".cl-headerTitle", "Check your email").await;
    (m, clerk, sign_up_codes)
}

/// "Use another method", then one of them.
async fn choose_another_method(root: &web_sys::Element, method: &str) {
    click_text(root, "button.cl-footerActionLink", "Use another method").await;
    click_text(root, "button.cl-alternativeMethodsBlockButton", method).await;
}

#[wasm_bindgen_test]
async fn an_email_code_step_opened_again_sends_no_second_code() {
    let email = unique_email("otp.again");
    let (m, clerk, sign_up_codes) = to_the_email_code_step(&email).await;
    let root = &m.root;
    let code = code_number(&email, sign_up_codes + 1).await;
    // Past the server's resend cooldown, which would hide a second send.
    sleep(31_000).await;
    choose_another_method(root, "Sign in with your password").await;
    wait_for_text(root, ".cl-headerTitle", "Enter your password").await;
    choose_another_method(root, "Email code to").await;
    wait_for_text(root, ".cl-headerTitle", "Check your email").await;
    wait_for(root, "input[name=code]").await;
    sleep(800).await;
    assert_eq!(
        outbox_to(&email).await.len(),
        sign_up_codes + 1,
        "the step opened again sent no second email (the first code still works)"
    );
    fill(root, "input[name=code]", &code).await;
    wait_signed_in(root, &clerk).await;
    reset_location();
}

#[wasm_bindgen_test]
async fn an_already_signed_in_visitor_is_sent_on_not_shown_a_dead_form() {
    fresh_browser().await;
    let email = unique_email("already+clerk_test");
    create_account(&email, None).await;
    let c = core();
    c.load().await.unwrap();
    sign_in_with_password(&c, &email).await;
    let (m, _clerk) = mount(html! { <SignIn /> }).await;
    wait_until("redirect", || (pathname() == "/signed-in").then_some(())).await;
    assert!(find(&m.root, "input[name=password]").is_none());
    reset_location();
}

#[wasm_bindgen_test]
async fn the_dev_browser_token_works_like_the_cookie() {
    fresh_browser().await;
    let email = unique_email("devbrowser+clerk_test");
    create_account(&email, Some(&unique_test_phone())).await;
    let (m, clerk) = mount_with(html! { <SignIn /> }, true).await;
    assert_eq!(clerk.auth_mode(), yew_clerk::client::AuthMode::DevBrowser);
    let root = &m.root;
    to_second_factor(root, &email).await;
    fill(root, "input[name=code]", "424242").await;
    wait_signed_in(root, &clerk).await;
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .length()
        .unwrap();
    assert!(stored >= 1, "the dev browser token is kept across reloads");
    reset_location();
}

#[wasm_bindgen_test]
async fn sign_in_with_an_authenticator_app() {
    fresh_browser().await;
    let email = unique_email("app+clerk_test");
    create_account(&email, None).await;
    let setup = core();
    setup.load().await.unwrap();
    sign_in_with_password(&setup, &email).await;
    let totp = setup.create_totp().await.unwrap();
    let secret = totp.secret.clone().unwrap();
    assert!(totp.uri.unwrap().starts_with("otpauth://totp/"));
    assert!(
        setup
            .verify_totp(&totp_code(&secret, 0))
            .await
            .unwrap()
            .verified
    );
    setup.sign_out().await.unwrap();

    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    submit_sign_in(root, &email, PASSWORD).await;
    wait_for_text(root, ".cl-headerTitle", "Two-step verification").await;
    audit(root, "<SignIn/>, the authenticator-app step").await;
    // The next step's code: the one used to turn the app on is spent.
    fill(root, "input[name=code]", &totp_code(&secret, 30)).await;
    wait_signed_in(root, &clerk).await;
    reset_location();
}

#[wasm_bindgen_test]
async fn a_remembered_device_is_not_asked_the_second_factor_again() {
    fresh_browser().await;
    let email = unique_email("remember+clerk_test");
    let phone = unique_test_phone();
    create_account(&email, Some(&phone)).await;
    {
        let (m, clerk) = mount(html! { <SignIn /> }).await;
        let root = &m.root;
        to_second_factor(root, &email).await;
        let remember = wait_for(root, "input[name=remember_device]").await;
        assert!(remember
            .parent_element()
            .unwrap()
            .text_content()
            .unwrap()
            .contains("Don't ask again on this device for 30 days"));
        audit(
            root,
            "<SignIn/>, the second factor with remember this device",
        )
        .await;
        click(root, "input[name=remember_device]").await;
        fill(root, "input[name=code]", "424242").await;
        wait_signed_in(root, &clerk).await;
        clerk.sign_out().await.unwrap();
    }
    reset_location();
    // The same browser: the password alone.
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    submit_sign_in(root, &email, PASSWORD).await;
    wait_signed_in(root, &clerk).await;
    reset_location();
}
