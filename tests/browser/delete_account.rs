//! `<UserProfile/>`'s "Delete account" (the test server has `[user] delete_self`
//! on): the section, the phrase that enables the button, "Verify it's you" for a
//! session whose verification is no longer enough, and the user signed out after.

use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Element;
use yew::prelude::*;
use yew_clerk::{client::FrontendApi, prelude::*, types::params, Clerk, Urls};

use crate::{axe::audit, harness::*};

const SUBMIT: &str = ".cl-deleteAccountForm button[type=submit]";

fn enabled(root: &Element) -> bool {
    find(root, SUBMIT).is_some_and(|b| !b.has_attribute("disabled"))
}

/// A new account, signed in, on its profile's security page.
async fn security_page_of_a_new_account(email: &str) -> (Mounted, Clerk) {
    fresh_browser().await;
    create_account(email, None).await;
    let (m, clerk) =
        mount(html! { <UserProfile initial_page={UserProfilePage::Security} /> }).await;
    sign_in_with_password(&clerk, email).await;
    (m, clerk)
}

/// Another device of the same user (a dev browser: a client of its own), signed in.
async fn another_device(email: &str) -> Clerk {
    let other = Clerk::new(FrontendApi::from_url(FAPI, true).unwrap(), Urls::default());
    other.load().await.unwrap();
    sign_in_with_password(&other, email).await;
    other
}

/// Another device of the same user (a dev browser: a client of its own) turns on
/// SMS two-step verification with a test number. The session in the page has not
/// proved that second factor, so its next sensitive change must verify again.
async fn second_factor_from_another_device(email: &str) {
    let other = another_device(email).await;
    let phone = other
        .create_phone_number(&params::CreatePhoneNumber {
            phone_number: unique_test_phone(),
            reserved_for_second_factor: None,
        })
        .await
        .unwrap();
    let kind = yew_clerk::IdentificationKind::PhoneNumber;
    other
        .prepare_identification_verification(kind, &phone.id)
        .await
        .unwrap();
    other
        .attempt_identification_verification(kind, &phone.id, "424242")
        .await
        .unwrap();
    other
        .update_phone_number(
            &phone.id,
            &params::UpdatePhoneNumber {
                reserved_for_second_factor: Some(true),
                default_second_factor: None,
            },
        )
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn deleting_the_account_takes_the_phrase_and_a_fresh_verification_then_signs_out() {
    let email = unique_email("delete+clerk_test");
    let (m, clerk) = security_page_of_a_new_account(&email).await;
    let root = &m.root;
    assert!(clerk.state().user().unwrap().delete_self_enabled);

    // The danger section, last on the security page.
    let section = wait_for(root, "[data-section=danger]").await;
    assert!(section.text_content().unwrap().contains("Delete account"));
    audit(
        root,
        "<UserProfile/>, the security page with \"Delete account\"",
    )
    .await;

    // Opened and cancelled: focus goes back to the button.
    click(root, "button.cl-deleteAccountButton").await;
    wait_for(root, ".cl-deleteAccountForm input[name=deleteConfirmation]").await;
    assert_eq!(focused_name().as_deref(), Some("deleteConfirmation"));
    click_text(root, ".cl-deleteAccountForm button", "Cancel").await;
    wait_until("the form to close", || {
        find(root, ".cl-deleteAccountForm").is_none().then_some(())
    })
    .await;
    wait_until("focus back on the button", || {
        document()
            .active_element()
            .filter(|e| e.class_name().contains("cl-deleteAccountButton"))
    })
    .await;

    // The button that deletes waits for the exact phrase.
    click(root, "button.cl-deleteAccountButton").await;
    let form = wait_for(root, ".cl-deleteAccountForm").await;
    let text = form.text_content().unwrap();
    assert!(
        text.contains("This action is permanent and irreversible."),
        "{text}"
    );
    assert!(
        text.contains("Type \"Delete account\" below to continue."),
        "{text}"
    );
    let input = find(root, "input[name=deleteConfirmation]").unwrap();
    assert_eq!(
        input.get_attribute("placeholder").as_deref(),
        Some("Delete account")
    );
    assert!(!enabled(root), "disabled before anything is typed");
    fill(root, "input[name=deleteConfirmation]", "delete account").await;
    sleep(50).await;
    assert!(!enabled(root), "the phrase is exact");
    fill(root, "input[name=deleteConfirmation]", "Delete account").await;
    wait_until("the delete button enabled", || enabled(root).then_some(())).await;
    audit(root, "<UserProfile/>, the delete-account confirmation").await;

    // The page's session no longer verified enough: "Verify it's you" first.
    second_factor_from_another_device(&email).await;
    click(root, SUBMIT).await;
    wait_for(root, "[role=dialog][aria-modal=true]").await;
    assert!(clerk.state().is_signed_in(), "nothing deleted yet");
    if find(root, "[role=dialog] input[name=password]").is_some() {
        fill(root, "[role=dialog] input[name=password]", PASSWORD).await;
        click(root, "[role=dialog] button.cl-formButtonPrimary").await;
    }
    fill(root, "[role=dialog] input[name=code]", "424242").await;

    // Deleted and signed out, on the after-sign-out page.
    wait_until("signed out", || {
        (!clerk.state().is_signed_in()).then_some(())
    })
    .await;
    wait_until("the after-sign-out page", || {
        (pathname() == "/signed-out").then_some(())
    })
    .await;
    assert!(find(root, "[role=dialog]").is_none());
    drop(m);

    // The account is gone: its password opens nothing.
    let again = core();
    again.load().await.unwrap();
    let refused = again
        .create_sign_in(&params::CreateSignIn {
            strategy: Some(yew_clerk::types::Strategy::Password),
            identifier: Some(email.clone()),
            password: Some(PASSWORD.into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(refused.is("form_identifier_not_found"), "{refused:?}");
    reset_location();
}

/// Another device of the same user turns on an authenticator app; the backup codes
/// it shows once come back.
async fn authenticator_app_from_another_device(email: &str) -> Vec<String> {
    let other = another_device(email).await;
    let totp = other.create_totp().await.unwrap();
    let code = totp_code(&totp.secret.unwrap(), 0);
    let on = other.verify_totp(&code).await.unwrap();
    assert!(on.verified);
    on.backup_codes.expect("backup codes, shown once")
}

/// The authenticator app is lost: "Verify it's you" opens on it, and "Use another
/// method" leads to a backup code, which verifies.
#[wasm_bindgen_test]
async fn verify_it_is_you_takes_a_backup_code_instead_of_a_lost_app() {
    let email = unique_email("lostapp+clerk_test");
    let (m, clerk) = security_page_of_a_new_account(&email).await;
    let root = &m.root;
    let backup_codes = authenticator_app_from_another_device(&email).await;

    wait_for(root, "[data-section=danger]").await;
    click(root, "button.cl-deleteAccountButton").await;
    fill(root, "input[name=deleteConfirmation]", "Delete account").await;
    wait_until("the delete button enabled", || enabled(root).then_some(())).await;
    click(root, SUBMIT).await;
    wait_for(root, "[role=dialog][aria-modal=true]").await;
    if find(root, "[role=dialog] input[name=password]").is_some() {
        fill(root, "[role=dialog] input[name=password]", PASSWORD).await;
        click(root, "[role=dialog] button.cl-formButtonPrimary").await;
    }
    wait_for_text(root, "[role=dialog]", "authenticator app").await;
    click_text(root, "[role=dialog] button", "Use another method").await;
    wait_for_text(root, "[role=dialog] .cl-headerTitle", "Use another method").await;
    audit(root, "\"Verify it's you\", another method").await;
    click_text(root, "[role=dialog] button", "Use a backup code").await;
    wait_for_text(root, "[role=dialog]", "Enter the backup code").await;
    fill(root, "[role=dialog] input[name=code]", &backup_codes[0]).await;
    wait_until("signed out", || {
        (!clerk.state().is_signed_in()).then_some(())
    })
    .await;
    reset_location();
}
