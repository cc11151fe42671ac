//! On a server that requires two-step verification of everyone: a new sign-up gets a
//! pending session, the card moves on to "Set up two-step verification" by itself,
//! the control components and hooks treat the pending session as Clerk does, and the
//! user is sent on only once the backup codes are put away.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

/// Every view of the auth state side by side, each as a marker the test looks for.
#[component]
fn Probe() -> Html {
    let strict = use_auth();
    let loose = use_auth_with(false);
    let session = use_session();
    let task = session
        .current_task()
        .map(|t| t.key.clone())
        .unwrap_or_else(|| "none".into());
    html! {
        <div id="probe">
            <SignedIn><span id="signed-in" /></SignedIn>
            <SignedOut><span id="signed-out" /></SignedOut>
            <SignedIn treat_pending_as_signed_out=false><span id="signed-in-counting-pending" /></SignedIn>
            <Protect fallback={html! { <span id="protect-fallback" /> }}><span id="protect-children" /></Protect>
            <span id="auth" data-strict={strict.is_signed_in.to_string()}
                data-loose={loose.is_signed_in.to_string()} data-task={task} />
        </div>
    }
}

fn auth(root: &web_sys::Element, which: &str) -> String {
    find(root, "#auth")
        .unwrap()
        .get_attribute(which)
        .unwrap_or_default()
}

/// Fills in `<SignUp/>` (mounted in `root`) for `email`, a `+clerk_test` address,
/// and types its code: on this server that ends in a pending session.
async fn sign_up(root: &web_sys::Element, email: &str) {
    fill(root, "input[name=first_name]", "Grace").await;
    fill(root, "input[name=email_address]", email).await;
    fill(root, "input[name=password]", PASSWORD).await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for_text(root, ".cl-headerTitle", "Verify your email").await;
    fill(root, "input[name=code]", "424242").await;
}

#[wasm_bindgen_test]
async fn a_new_account_sets_up_an_authenticator_app_before_it_is_signed_in() {
    fresh_browser().await;
    let email = unique_email("required+clerk_test");
    let (m, clerk) = mount_on(
        Some(FAPI_MFA_REQUIRED),
        html! { <><SignUp /><Probe /></> },
        true,
        None,
    )
    .await;
    let root = &m.root;
    // MFA required: eight characters are enough (NIST with a second factor).
    let hint = wait_for(root, "#cl-field-password-hint").await;
    assert!(hint.text_content().unwrap().contains("At least 8"));
    sign_up(root, &email).await;

    // Signed up into a pending session: the card moves on to the task.
    wait_for_text(root, ".cl-headerTitle", "Set up two-step verification").await;
    audit(root, "<SignUp/>, the set-up-MFA task").await;
    assert!(clerk.state().is_pending());
    assert!(find(root, "#signed-out").is_some());
    assert!(find(root, "#signed-in").is_none());
    assert!(find(root, "#signed-in-counting-pending").is_some());
    assert!(find(root, "#protect-fallback").is_some());
    assert_eq!(auth(root, "data-strict"), "false");
    assert_eq!(auth(root, "data-loose"), "true");
    assert_eq!(auth(root, "data-task"), "setup-mfa");
    let path_before = pathname();

    // The authenticator app, from its key.
    click(root, "button.cl-setupMfaTotp").await;
    add_authenticator_app_from_key(root).await;

    // Active now, but the card stays on the backup codes until they are put away.
    wait_for(root, ".cl-backupCodesList").await;
    audit(root, "the set-up-MFA task, backup codes").await;
    wait_until("the session turns active", || {
        (!clerk.state().is_pending() && clerk.state().is_signed_in()).then_some(())
    })
    .await;
    wait_for(root, "#signed-in").await;
    assert_eq!(auth(root, "data-task"), "none");
    assert_eq!(find_all(root, ".cl-backupCodesList li").len(), 10);
    sleep(300).await;
    assert_eq!(pathname(), path_before, "not sent on before Done");
    click(root, "button.cl-backupCodesDone").await;
    wait_until("sent on", || (pathname() == "/signed-in").then_some(())).await;
    clerk.sign_out().await.unwrap();
    reset_location();
}

#[wasm_bindgen_test]
async fn with_a_task_page_the_pending_session_is_sent_there_with_the_way_back() {
    fresh_browser().await;
    let email = unique_email("taskpage+clerk_test");
    let (m, clerk) = mount_on(
        Some(FAPI_MFA_REQUIRED),
        html! { <SignUp /> },
        true,
        Some("/setup-mfa"),
    )
    .await;
    let root = &m.root;
    sign_up(root, &email).await;
    wait_until("the task page", || {
        (pathname() == "/setup-mfa").then_some(())
    })
    .await;
    assert!(clerk.state().is_pending());
    let back = search_param("redirect_url").unwrap_or_default();
    assert!(back.ends_with("/signed-in"), "{back}");
    assert!(
        find(root, ".cl-taskSetupMfa").is_none(),
        "not shown in place"
    );
    clerk.sign_out().await.unwrap();
    reset_location();
}

#[wasm_bindgen_test]
async fn sms_can_be_the_required_factor_and_the_last_one_offers_no_remove() {
    fresh_browser().await;
    let email = unique_email("required-sms+clerk_test");
    let phone = unique_test_phone();
    {
        let (m, clerk) = mount_on(Some(FAPI_MFA_REQUIRED), html! { <SignUp /> }, true, None).await;
        let root = &m.root;
        sign_up(root, &email).await;
        click(root, "button.cl-setupMfaPhoneCode").await;
        // The form to add a phone is open at once.
        fill(root, "[data-section=mfa] input[name=phone_number]", &phone).await;
        click(root, "[data-section=mfa] button.cl-formButtonPrimary").await;
        fill(root, "[data-section=mfa] input[name=code]", "424242").await;
        wait_for(root, ".cl-backupCodesList").await;
        assert!(!clerk.state().is_pending());
        click(root, "button.cl-backupCodesDone").await;
        wait_until("sent on", || (pathname() == "/signed-in").then_some(())).await;
    }
    reset_location();
    // In the profile, the only factor of a required account has no "Remove".
    let (m, clerk) = mount_on(
        Some(FAPI_MFA_REQUIRED),
        html! { <UserProfile initial_page={UserProfilePage::Security} /> },
        true,
        None,
    )
    .await;
    let root = &m.root;
    let item = wait_for(root, ".cl-mfaPhoneCodeItem").await;
    assert!(item
        .query_selector("button.cl-button__danger")
        .unwrap()
        .is_none());
    clerk.sign_out().await.unwrap();
    reset_location();
}
