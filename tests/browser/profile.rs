//! `<UserProfile/>`: turning on two-step verification, then signing in with it.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

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
        let section = wait_for(root, "[data-section=two_step]").await;
        audit(root, "<UserProfile/>, the security page").await;
        let text = section.text_content().unwrap();
        assert!(
            text.contains("SMS codes are the weakest second factor"),
            "risk notice: {text}"
        );
        assert!(text.contains("Two-step verification is off."));
        click(root, "button.cl-mfaAddButton").await;
        wait_for(root, "[data-section=mfa] input[name=phone_number]").await;
        audit(root, "<UserProfile/>, the add-a-phone form open").await;
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
        audit(root, "<UserProfile/>, an SMS second factor on").await;
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
    // A library renders no landmark of the app's: the app's page has its own
    // <main>, and a second one inside it is nested and duplicate (axe-core).
    assert!(
        find(root, "main, [role=main]").is_none(),
        "<UserProfile/> renders no main landmark"
    );
    audit(root, "<UserProfile/>, the account page").await;
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

#[wasm_bindgen_test]
async fn an_authenticator_app_is_added_from_its_key_and_a_backup_code_signs_in() {
    fresh_browser().await;
    let email = unique_email("totp-profile+clerk_test");
    create_account(&email, None).await;
    let codes: Vec<String>;
    {
        let (m, clerk) =
            mount(html! { <UserProfile initial_page={UserProfilePage::Security} /> }).await;
        sign_in_with_password(&clerk, &email).await;
        let root = &m.root;
        click(root, "button.cl-totpAddButton").await;
        // The QR code is drawn, with the key behind "Can't scan the QR code?".
        let qr = wait_for(root, "[data-section=totp] svg.cl-qrCode path").await;
        assert!(qr.get_attribute("d").unwrap().starts_with("M0 0h7v1h-7z"));
        add_authenticator_app_from_key(root).await;
        // Turning the app on turned two-step verification on: ten codes, shown once.
        wait_for(root, "[data-section=totp] .cl-backupCodesList").await;
        audit(root, "<UserProfile/>, backup codes shown").await;
        let first: Vec<String> = find_all(root, "[data-section=totp] .cl-backupCodesList li")
            .iter()
            .map(|li| li.text_content().unwrap())
            .collect();
        assert_eq!(first.len(), 10, "{first:?}");
        assert!(first
            .iter()
            .all(|c| c.len() == 8 && c.chars().all(|c| c.is_ascii_alphanumeric())));
        let download = find(root, "a.cl-backupCodesDownload").unwrap();
        assert!(download
            .get_attribute("download")
            .unwrap()
            .ends_with(".txt"));
        assert!(download.get_attribute("href").unwrap().contains(&first[0]));
        click(root, "button.cl-backupCodesDone").await;
        wait_for(root, ".cl-mfaTotpItem").await;
        assert!(clerk.state().user().unwrap().totp_enabled);
        // Regenerating voids the set just shown.
        click(root, "button.cl-backupCodesRegenerate").await;
        wait_for(root, "[data-section=backup_codes] .cl-backupCodesList").await;
        let fresh: Vec<String> =
            find_all(root, "[data-section=backup_codes] .cl-backupCodesList li")
                .iter()
                .map(|li| li.text_content().unwrap())
                .collect();
        assert_eq!(fresh.len(), 10);
        assert!(fresh.iter().all(|c| !first.contains(c)));
        clerk.sign_out().await.unwrap();
        codes = fresh;
    }
    reset_location();
    // Sign-in opens with the app; "Use another method" offers a backup code.
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    submit_sign_in(root, &email, PASSWORD).await;
    wait_for_text(root, ".cl-headerTitle", "Two-step verification").await;
    click_text(root, "button.cl-footerActionLink", "Use another method").await;
    click_text(
        root,
        ".cl-alternativeMethodsBlockButton",
        "Use a backup code",
    )
    .await;
    wait_for_text(root, ".cl-headerTitle", "Enter a backup code").await;
    // Pasted in capitals with a space: the field keeps the code itself.
    let pasted = format!("{} {}", codes[3][..4].to_uppercase(), &codes[3][4..]);
    fill(root, "input[name=code]", &pasted).await;
    wait_signed_in(root, &clerk).await;
    reset_location();
}
