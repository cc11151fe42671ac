//! `<UserProfile/>`: turning on two-step verification, then signing in with it.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::harness::*;

#[wasm_bindgen_test]
async fn enabling_two_step_verification_in_the_profile_then_signing_in_with_it() {
    fresh_browser().await;
    let email = unique_email("profile+clerk_test");
    let phone = unique_phone();
    create_account(&email, None).await;
    {
        let (m, clerk) =
            mount(html! { <UserProfile initial_page={UserProfilePage::Security} /> }).await;
        sign_in_with_password(&clerk, &email).await;
        let root = &m.root;
        let section = wait_for(root, "[data-section=mfa]").await;
        let text = section.text_content().unwrap();
        assert!(
            text.contains("SMS codes are the weakest second factor"),
            "risk notice: {text}"
        );
        assert!(text.contains("Two-step verification is off."));
        click(root, "button.cl-mfaAddButton").await;
        fill(root, "[data-section=mfa] input[name=phone_number]", &phone).await;
        click(root, "[data-section=mfa] button.cl-formButtonPrimary").await;
        let code = code_sent_to(&phone).await;
        fill(root, "[data-section=mfa] input[name=code]", &code).await;
        wait_for_text(
            root,
            "[data-section=mfa] .cl-alert__success",
            "SMS code verification is on",
        )
        .await;
        wait_for(root, ".cl-mfaPhoneCodeItem").await;
        wait_until("2FA on", || {
            clerk
                .state()
                .user()
                .is_some_and(|u| u.two_factor_enabled)
                .then_some(())
        })
        .await;
        assert!(find(root, ".cl-mfaPhoneCodeItem")
            .unwrap()
            .text_content()
            .unwrap()
            .contains("Default"));
        clerk.sign_out().await.unwrap();
    }
    reset_location();
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    submit_sign_in(root, &email, PASSWORD).await;
    wait_for_text(root, ".cl-headerTitle", "Check your phone").await;
    let code = code_number(&phone, 2).await;
    fill(root, "input[name=code]", &code).await;
    wait_signed_in(root, &clerk).await;
    reset_location();
}

#[wasm_bindgen_test]
async fn the_account_page_updates_the_name_and_adds_an_email() {
    fresh_browser().await;
    let email = unique_email("acct+clerk_test");
    create_account(&email, None).await;
    let (m, clerk) = mount(html! { <UserProfile /> }).await;
    sign_in_with_password(&clerk, &email).await;
    let root = &m.root;
    fill(root, "input[name=last_name]", "Lovelace").await;
    click_text(root, "button.cl-formButtonPrimary", "Update profile").await;
    wait_until("name saved", || {
        (clerk.state().user()?.last_name.as_deref() == Some("Lovelace")).then_some(())
    })
    .await;
    let second = unique_email("second");
    click_text(
        root,
        "[data-kind=email_address] button",
        "Add email address",
    )
    .await;
    fill(
        root,
        "[data-kind=email_address] input[name=email_address]",
        &second,
    )
    .await;
    click(
        root,
        "[data-kind=email_address] button.cl-formButtonPrimary",
    )
    .await;
    let code = code_sent_to(&second).await;
    fill(root, "[data-kind=email_address] input[name=code]", &code).await;
    wait_until("second email verified", || {
        let user = clerk.state().user()?.clone();
        user.email_addresses
            .iter()
            .any(|e| {
                e.email_address == second
                    && e.verification
                        .as_ref()
                        .is_some_and(|v| v.status == yew_clerk::types::VerificationStatus::Verified)
            })
            .then_some(())
    })
    .await;
}
