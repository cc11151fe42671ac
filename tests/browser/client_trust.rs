//! Device Trust (`needs_client_trust`): on a new device, `<SignIn/>` goes on from a
//! right password to the code emailed to the account, says why, and signs in.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

#[wasm_bindgen_test]
async fn a_password_on_a_new_device_goes_on_to_an_emailed_code() {
    fresh_browser().await;
    let email = unique_email("trust+clerk_test");
    {
        // The account is made on one device ...
        let (m, clerk) = mount_on(Some(FAPI_CLIENT_TRUST), html! { <SignUp /> }, true, None).await;
        let root = &m.root;
        fill(root, "input[name=first_name]", "Ada").await;
        fill(root, "input[name=email_address]", &email).await;
        fill(root, "input[name=password]", PASSWORD).await;
        click(root, "button.cl-formButtonPrimary").await;
        wait_for_text(root, ".cl-headerTitle", "Verify your email").await;
        fill(root, "input[name=code]", "424242").await;
        wait_until("signed up", || clerk.state().is_signed_in().then_some(())).await;
        clerk.sign_out().await.unwrap();
    }
    reset_location();
    // ... and signed in to on another: a fresh dev browser is a new client.
    fresh_browser().await;
    let (m, clerk) = mount_on(Some(FAPI_CLIENT_TRUST), html! { <SignIn /> }, true, None).await;
    let root = &m.root;
    submit_sign_in(root, &email, PASSWORD).await;
    wait_for_text(root, ".cl-headerTitle", "Check your email").await;
    let notice = wait_for(root, ".cl-newDeviceNotice").await;
    assert!(notice.text_content().unwrap().contains("new device"));
    let subtitle = wait_for(root, ".cl-headerSubtitle").await;
    assert!(subtitle.text_content().unwrap().contains(&email));
    assert!(!clerk.state().is_signed_in());
    audit(root, "<SignIn/>, a new device's emailed code").await;
    fill(root, "input[name=code]", "424242").await;
    wait_until("signed in", || clerk.state().is_signed_in().then_some(())).await;
    wait_until("sent on", || (pathname() == "/signed-in").then_some(())).await;
    reset_location();
}
