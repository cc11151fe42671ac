//! Multi-session mode (issue 13, point 4): several accounts on one device, switched
//! in `<UserButton/>`, added from `<SignIn/>`, signed out one at a time or all.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::{client::FrontendApi, prelude::*, Urls};

use crate::harness::*;

/// A headless core on the multi-session server, on this browser's dev browser client
/// (the components mounted after share it).
fn multi_core() -> Clerk {
    Clerk::new(
        FrontendApi::from_url(FAPI_MULTI_SESSION, true).unwrap(),
        Urls::default(),
    )
}

fn active_email(clerk: &Clerk) -> Option<String> {
    let state = clerk.state();
    Some(state.user()?.primary_email_address()?.email_address.clone())
}

/// Two accounts signed up on this browser's client, Ada first, then Grace, whose
/// session is the active one.
struct TwoAccounts {
    ada: String,
    ada_session: String,
    grace: String,
}

async fn ada_then_grace() -> TwoAccounts {
    let setup = multi_core();
    setup.load().await.unwrap();
    let ada = unique_email("ada+clerk_test");
    sign_up_with(&setup, "Ada", &ada).await;
    let ada_session = setup.state().session().unwrap().id.clone();
    let grace = unique_email("grace+clerk_test");
    sign_up_with(&setup, "Grace", &grace).await;
    TwoAccounts {
        ada,
        ada_session,
        grace,
    }
}

#[component]
fn SessionCount() -> Html {
    let list = use_session_list();
    html! { <p class="count">{ list.sessions.len() }</p> }
}

#[wasm_bindgen_test]
async fn accounts_are_switched_added_and_signed_out_one_at_a_time() {
    fresh_browser().await;
    let TwoAccounts { ada, grace, .. } = ada_then_grace().await;

    set_location("/page");
    let (m, clerk) = mount_on(
        Some(FAPI_MULTI_SESSION),
        html! { <><UserButton /><SessionCount /></> },
        true,
        None,
    )
    .await;
    let root = &m.root;
    assert_eq!(active_email(&clerk).as_deref(), Some(grace.as_str()));
    wait_for_text(root, ".count", "2").await;

    // The menu lists the other account; choosing it makes it the active one.
    click(root, "button.cl-userButtonTrigger").await;
    let other = wait_for(root, ".cl-userButtonPopoverActionButton__session").await;
    assert!(other.text_content().unwrap().contains(&ada));
    assert_eq!(
        other.get_attribute("aria-label").as_deref(),
        Some("Switch to Ada")
    );
    wait_for(root, ".cl-userButtonPopoverActionButton__addAccount").await;
    wait_for(root, ".cl-userButtonPopoverActionButton__signOutAll").await;
    click(root, ".cl-userButtonPopoverActionButton__session").await;
    wait_until("Ada active", || {
        (active_email(&clerk).as_deref() == Some(ada.as_str())).then_some(())
    })
    .await;
    assert_eq!(pathname(), "/page", "switching stays on the page");

    // "Sign out" ends Ada's session only: Grace's becomes the active one.
    click(root, "button.cl-userButtonTrigger").await;
    click(root, ".cl-userButtonPopoverActionButton__signOut").await;
    wait_until("Grace active again", || {
        (active_email(&clerk).as_deref() == Some(grace.as_str())).then_some(())
    })
    .await;
    wait_for_text(root, ".count", "1").await;
    drop(m);

    // Signed in as Grace, the sign-in page adds an account instead of sending her on.
    set_location("/sign-in");
    let (m, clerk) = mount_on(
        Some(FAPI_MULTI_SESSION),
        html! { <><UserButton /><SignIn path="/sign-in" /><SessionCount /></> },
        true,
        None,
    )
    .await;
    let root = &m.root;
    sleep(300).await;
    assert_eq!(
        pathname(),
        "/sign-in",
        "a signed-in visitor may add an account"
    );
    submit_sign_in(root, &ada, PASSWORD).await;
    wait_until("Ada active", || {
        (active_email(&clerk).as_deref() == Some(ada.as_str())).then_some(())
    })
    .await;
    wait_for_text(root, ".count", "2").await;
    wait_until("sent on", || (pathname() == "/signed-in").then_some(())).await;

    // "Sign out of all accounts" ends both.
    click(root, "button.cl-userButtonTrigger").await;
    click(root, ".cl-userButtonPopoverActionButton__signOutAll").await;
    wait_until("signed out", || {
        (!clerk.state().is_signed_in() && pathname() == "/signed-out").then_some(())
    })
    .await;
    assert!(clerk.state().signed_in_sessions().is_empty());
    reset_location();
}

#[wasm_bindgen_test]
async fn set_active_and_redirect_goes_where_asked() {
    fresh_browser().await;
    let first = ada_then_grace().await.ada_session;
    set_location("/page");
    let (_m, clerk) = mount_on(Some(FAPI_MULTI_SESSION), html! {}, true, None).await;
    clerk
        .set_active_and_redirect(&first, Some("/switched"))
        .await
        .unwrap();
    assert_eq!(clerk.state().session().unwrap().id, first);
    wait_until("redirected", || (pathname() == "/switched").then_some(())).await;
    reset_location();
}

/// Clerk's `setActive({ session, navigate })`: the app's own navigation gets the
/// session just made active, and the call ends when the navigation does.
#[wasm_bindgen_test]
async fn set_active_and_navigate_hands_the_session_to_the_apps_navigation() {
    fresh_browser().await;
    let TwoAccounts {
        ada,
        ada_session: first,
        ..
    } = ada_then_grace().await;
    set_location("/page");
    let (_m, clerk) = mount_on(Some(FAPI_MULTI_SESSION), html! {}, true, None).await;
    let handed = std::rc::Rc::new(std::cell::RefCell::new(None));
    let seen = handed.clone();
    clerk
        .set_active_and_navigate(&first, |session| async move {
            sleep(50).await; // an async navigation: the call waits for it
            let email = session
                .user
                .as_ref()
                .and_then(|u| u.primary_email_address())
                .map(|e| e.email_address.clone());
            *seen.borrow_mut() = Some((session.id, session.status, email));
            set_location("/navigated");
        })
        .await
        .unwrap();
    let (id, status, email) = handed.borrow_mut().take().expect("navigate was called");
    assert_eq!(id, first);
    assert_eq!(status, yew_clerk::types::SessionStatus::Active);
    assert_eq!(email.as_deref(), Some(ada.as_str()));
    assert_eq!(pathname(), "/navigated");
    assert_eq!(active_email(&clerk).as_deref(), Some(ada.as_str()));
    reset_location();
}

#[wasm_bindgen_test]
async fn signing_out_of_another_account_keeps_this_one_and_the_page() {
    fresh_browser().await;
    let TwoAccounts {
        ada_session: other,
        grace,
        ..
    } = ada_then_grace().await;
    set_location("/page");
    let (m, clerk) = mount_on(
        Some(FAPI_MULTI_SESSION),
        html! { <><SignOutButton session_id={other} redirect_url="/bye" /><SessionCount /></> },
        true,
        None,
    )
    .await;
    let root = &m.root;
    wait_for_text(root, ".count", "2").await;
    click(root, "button.cl-signOutButton").await;
    wait_for_text(root, ".count", "1").await;
    sleep(300).await;
    // As Clerk's signOut({ sessionId }): only ending the current session navigates.
    assert_eq!(pathname(), "/page");
    assert_eq!(active_email(&clerk).as_deref(), Some(grace.as_str()));
    reset_location();
}

/// A `touch` in flight when "Sign out of all accounts" is pressed may be answered
/// after it. Whichever order the server and the network take, the browser ends
/// signed out: the late answer's client is an older version and is not taken.
#[wasm_bindgen_test]
async fn signing_out_while_a_touch_is_in_flight_ends_signed_out() {
    fresh_browser().await;
    let clerk = multi_core();
    clerk.load().await.unwrap();
    for round in 0..25 {
        sign_up_with(&clerk, "Ada", &unique_email("race+clerk_test")).await;
        let session = clerk.state().session().unwrap().id.clone();
        let (_touched, signed_out) = futures::join!(clerk.set_active(&session), clerk.sign_out());
        signed_out.unwrap();
        assert!(
            !clerk.state().is_signed_in(),
            "round {round}: a late answer signed the browser back in"
        );
    }
}
