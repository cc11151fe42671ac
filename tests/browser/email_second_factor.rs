//! An email address reserved for two-step verification in `<UserProfile/>`, then
//! `<SignIn/>` asking for the code sent to it after the password.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

#[wasm_bindgen_test]
async fn an_email_address_becomes_the_second_factor_and_sign_in_asks_its_code() {
    fresh_browser().await;
    let email = unique_email("mail2fa");
    create_account(&email, None).await;
    {
        let (m, clerk) =
            mount(html! { <UserProfile initial_page={UserProfilePage::Security} /> }).await;
        sign_in_with_password(&clerk, &email).await;
        let root = &m.root;
        wait_for(root, "[data-section=mfa-email]").await;
        audit(root, "<UserProfile/>, email code as a second factor").await;
        click(root, "button.cl-mfaEmailChoice").await;
        // It turned two-step verification on: the backup codes, once.
        wait_for(root, "[data-section=mfa-email] .cl-backupCodesList").await;
        click(root, "button.cl-backupCodesDone").await;
        let item = wait_for(root, ".cl-mfaEmailCodeItem").await;
        assert!(item.text_content().unwrap().contains(&email));
        assert!(clerk.state().user().unwrap().two_factor_enabled);
        clerk.sign_out().await.unwrap();
    }
    reset_location();

    let before = outbox_to(&email).await.len();
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    submit_sign_in(root, &email, PASSWORD).await;
    wait_for_text(root, ".cl-headerTitle", "Check your email").await;
    let code = code_number(&email, before + 1).await;
    audit(root, "<SignIn/>, the emailed second-factor code").await;
    assert!(!clerk.state().is_signed_in());
    fill(root, "input[name=code]", &code).await;
    wait_signed_in(root, &clerk).await;
    reset_location();
}
