use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

#[wasm_bindgen_test]
async fn sign_up_with_an_email_code() {
    fresh_browser().await;
    let email = unique_email("signup");
    let (m, clerk) = mount(html! { <SignUp /> }).await;
    let root = &m.root;
    wait_for_text(root, ".cl-headerTitle", "Create your account").await;
    let pw = wait_for(root, "input[name=password]").await;
    assert_eq!(
        pw.get_attribute("autocomplete").as_deref(),
        Some("new-password")
    );
    let hint = wait_for(root, "#cl-field-password-hint").await;
    assert!(
        hint.text_content()
            .unwrap()
            .contains("At least 15 characters"),
        "rules from the environment"
    );
    fill(root, "input[name=first_name]", "Grace").await;
    fill(root, "input[name=email_address]", &email).await;
    fill(root, "input[name=password]", "too short").await;
    click(root, "button.cl-formButtonPrimary").await;
    // The instance's minimum, in Clerk's words (its `passwordComplexity` sentence).
    wait_for_text(
        root,
        "#cl-field-password-error",
        "Your password must contain 15 or more characters.",
    )
    .await;
    audit(root, "<SignUp/>, a short password").await;
    fill(root, "input[name=password]", PASSWORD).await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for_text(root, ".cl-headerTitle", "Verify your email").await;
    audit(root, "<SignUp/>, the email code").await;
    let code = code_sent_to(&email).await;
    fill(root, "input[name=code]", &code).await;
    wait_signed_in(root, &clerk).await;
    wait_until("redirect", || (pathname() == "/signed-in").then_some(())).await;
    let user = clerk.state().user().cloned().unwrap();
    assert_eq!(user.first_name.as_deref(), Some("Grace"));
    assert_eq!(user.email_addresses[0].email_address, email);
    reset_location();
}

#[wasm_bindgen_test]
async fn resend_sends_a_new_code_after_the_cooldown() {
    fresh_browser().await;
    let email = unique_email("signup.resend");
    let (m, clerk) = mount(html! { <SignUp /> }).await;
    let root = &m.root;
    fill(root, "input[name=email_address]", &email).await;
    fill(root, "input[name=password]", PASSWORD).await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for_text(root, ".cl-headerTitle", "Verify your email").await;
    let first = code_number(&email, 1).await;
    wait_for_text(root, ".cl-formResendCodeLink", "Resend code in").await;
    sleep(31_000).await;
    click_text(root, "button.cl-formResendCodeLink", "Resend").await;
    wait_for_text(root, ".cl-alert__info", "A new code is on its way.").await;
    let second = code_number(&email, 2).await;
    assert_eq!(outbox_to(&email).await.len(), 2, "one new email");
    only_the_new_code_works(root, &clerk, &first, &second).await;
    reset_location();
}

/// An email and a phone: after the email's code, the phone's step is a step of its own
/// that sends its own code (on the Device Trust instance, which offers phones).
#[wasm_bindgen_test]
async fn a_sign_up_with_an_email_and_a_phone_verifies_each() {
    fresh_browser().await;
    let email = unique_email("signup.both+clerk_test");
    let phone = unique_test_phone();
    let (m, clerk) = mount_on(Some(FAPI_CLIENT_TRUST), html! { <SignUp /> }, true, None).await;
    let root = &m.root;
    fill(root, "input[name=email_address]", &email).await;
    fill(root, "input[name=phone_number]", &phone).await;
    fill(root, "input[name=password]", PASSWORD).await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for_text(root, ".cl-headerTitle", "Verify your email").await;
    fill(root, "input[name=code]", "424242").await;
    wait_for_text(root, ".cl-headerTitle", "Verify your phone").await;
    let field = wait_for(root, "input[name=code]").await;
    assert_eq!(
        field
            .dyn_into::<web_sys::HtmlInputElement>()
            .unwrap()
            .value(),
        "",
        "the phone's step starts empty"
    );
    fill(root, "input[name=code]", "424242").await;
    wait_signed_in(root, &clerk).await;
    let user = clerk.state().user().cloned().unwrap();
    assert_eq!(user.phone_numbers[0].phone_number, phone);
    reset_location();
}

/// A sign-up that still misses something (here the password, left out of the form)
/// goes on, once its email is verified (Clerk's order), at Clerk's `continue` step
/// with only that field, on the same sign-up; after a provider the same step asks
/// for what the provider did not give.
#[wasm_bindgen_test]
async fn a_sign_up_goes_on_with_only_what_it_misses() {
    fresh_browser().await;
    let email = unique_email("continue");
    let (m, clerk) = mount(html! { <SignUp /> }).await;
    let root = &m.root;
    wait_for_text(root, ".cl-headerTitle", "Create your account").await;
    fill(root, "input[name=first_name]", "Ada").await;
    fill(root, "input[name=email_address]", &email).await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for_text(root, ".cl-headerTitle", "Verify your email").await;
    let first = clerk.state().sign_up().map(|s| s.id.clone());
    let code = code_sent_to(&email).await;
    fill(root, "input[name=code]", &code).await;
    wait_for_text(root, ".cl-headerTitle", "Fill in missing fields").await;
    assert!(
        root.query_selector("input[name=email_address]")
            .unwrap()
            .is_none(),
        "only what is missing"
    );
    assert_eq!(
        web_sys::window().unwrap().location().hash().unwrap(),
        "#/continue"
    );
    audit(root, "<SignUp/>, missing fields").await;
    fill(root, "input[name=password]", PASSWORD).await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_signed_in(root, &clerk).await;
    assert_eq!(
        clerk
            .state()
            .sign_up()
            .map(|s| s.id.clone())
            .or(first.clone()),
        first,
        "the same sign-up"
    );
    let user = clerk.state().user().cloned().unwrap();
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    reset_location();
}
