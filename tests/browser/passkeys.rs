//! Passkeys in `<SignIn/>` on an instance that offers them. The tests' page is on
//! `127.0.0.1`, which WebAuthn takes as no relying party: the browser refuses, which
//! shows what a person sees when a passkey cannot be used (the signed-in journeys run
//! with Chromium's virtual authenticator in `e2e/tests/passkeys.rs`).

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::{prelude::*, webauthn::PasskeyError, PasskeyFlow};

use crate::{axe::audit, harness::*};

#[wasm_bindgen_test]
async fn the_first_card_offers_a_passkey_and_says_why_one_cannot_be_used_here() {
    fresh_browser().await;
    let (m, clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    let input = wait_for(root, "input[name=identifier]").await;
    assert_eq!(
        input.get_attribute("autocomplete").as_deref(),
        Some("username webauthn"),
        "the identifier field offers passkeys among its suggestions"
    );
    wait_for_text(root, "button.cl-passkeyButton", "Continue with a passkey").await;
    click(root, "button.cl-passkeyButton").await;
    wait_for_text(
        root,
        ".cl-alert",
        "Passkeys are not set up for this website's address.",
    )
    .await;
    assert!(
        find(root, "input[name=identifier]").is_some(),
        "the card stays"
    );
    assert!(!clerk.state().is_signed_in());
    audit(root, "<SignIn/>, a passkey the browser refused").await;
}

#[wasm_bindgen_test]
async fn the_hook_reports_the_browsers_refusal_with_clerks_code() {
    fresh_browser().await;
    let (_m, clerk) = mount(html! { <SignIn /> }).await;
    let e = clerk
        .authenticate_with_passkey(PasskeyFlow::Discoverable)
        .await
        .expect_err("no passkey on 127.0.0.1");
    assert_eq!(e, ClerkError::Passkey(PasskeyError::InvalidDomain));
    assert_eq!(e.code(), Some("passkey_invalid_rpID_or_domain"));
    // The sign-in was made and waits for an answer, as Clerk's does.
    let si = clerk.state().sign_in().cloned().expect("a sign-in");
    let v = si.first_factor_verification.expect("its passkey challenge");
    assert_eq!(v.strategy, yew_clerk::types::Strategy::Passkey);
    assert!(v.nonce.is_some_and(|n| n.contains("\"challenge\"")));
}
