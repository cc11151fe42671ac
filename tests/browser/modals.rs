//! Modals and buttons (issue 13, point 3): `<SignInButton>`, `<SignUpButton>`,
//! `<SignOutButton>`, `<UserButton user_profile_mode>` and `open_*` on the core; the
//! dialog keeps focus inside, closes on Escape and gives focus back.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

fn active() -> Option<Element> {
    document().active_element()
}

fn is_active(el: &Element) -> bool {
    active().as_ref() == Some(el)
}

/// Presses a key on whatever has focus, as the keyboard would (the event bubbles).
fn press(key: &str, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    active().unwrap().dispatch_event(&event).unwrap();
}

fn focusables(dialog: &Element) -> Vec<Element> {
    find_all(
        dialog,
        "button:not([disabled]), input:not([disabled]), a[href]",
    )
    .into_iter()
    .filter(|e| {
        e.dyn_ref::<HtmlElement>()
            .unwrap()
            .offset_parent()
            .is_some()
    })
    .collect()
}

fn focus(el: &Element) {
    el.dyn_ref::<HtmlElement>().unwrap().focus().unwrap();
}

#[wasm_bindgen_test]
async fn the_sign_in_modal_keeps_focus_inside_closes_on_escape_and_gives_focus_back() {
    fresh_browser().await;
    set_location("/page");
    let (m, clerk) = mount(html! { <SignInButton mode={ButtonMode::modal()} /> }).await;
    let root = &m.root;
    let button = wait_for(root, "button.cl-signInButton").await;
    assert_eq!(button.text_content().unwrap(), "Sign in");
    assert_eq!(
        button.get_attribute("aria-haspopup").as_deref(),
        Some("dialog")
    );
    focus(&button);
    button.dyn_ref::<HtmlElement>().unwrap().click();

    let dialog = wait_for(root, "[role=dialog][aria-modal=true]").await;
    assert!(
        dialog
            .get_attribute("aria-label")
            .unwrap()
            .starts_with("Sign in to"),
        "{:?}",
        dialog.get_attribute("aria-label")
    );
    let identifier = wait_for(&dialog, "input[name=identifier]").await;
    wait_until("focus on the identifier", || {
        is_active(&identifier).then_some(())
    })
    .await;
    audit(root, "<SignInButton mode=modal>, the open sign-in modal").await;

    // Tab past the last element comes back to the first, and Shift+Tab the other way.
    let all = focusables(&dialog);
    let (first, last) = (all.first().unwrap().clone(), all.last().unwrap().clone());
    assert!(
        all.len() >= 3,
        "close, fields, continue, links: {}",
        all.len()
    );
    focus(&last);
    press("Tab", false);
    assert!(is_active(&first), "Tab on the last wraps to the first");
    press("Tab", true);
    assert!(is_active(&last), "Shift+Tab on the first wraps to the last");

    press("Escape", false);
    wait_until("the modal to close", || {
        find(root, "[role=dialog]").is_none().then_some(())
    })
    .await;
    assert!(clerk.state().modal.is_none());
    wait_until("focus back on the button", || {
        is_active(&button).then_some(())
    })
    .await;
    assert_eq!(pathname(), "/page", "the page stayed");
    reset_location();
}

fn body_overflow() -> String {
    document()
        .body()
        .unwrap()
        .style()
        .get_property_value("overflow")
        .unwrap()
}

/// As Clerk's modals: the page under an open modal does not scroll, also while the
/// sign-in hands over to the sign-up, and the page's own style comes back after.
#[wasm_bindgen_test]
async fn the_page_under_a_modal_does_not_scroll_and_gets_its_style_back() {
    fresh_browser().await;
    set_location("/page");
    let style = document().body().unwrap().style();
    style.set_property("overflow", "auto").unwrap();
    let (m, _clerk) = mount(html! { <SignInButton mode={ButtonMode::modal()} /> }).await;
    let root = &m.root;
    click(root, "button.cl-signInButton").await;
    let dialog = wait_for(root, "[role=dialog]").await;
    assert_eq!(body_overflow(), "hidden");
    click_text(&dialog, "button", "Sign up").await;
    wait_for(root, "[role=dialog] input[name=email_address]").await;
    assert_eq!(
        body_overflow(),
        "hidden",
        "the sign-up modal keeps the lock"
    );
    press("Escape", false);
    wait_until("the modal to close", || {
        find(root, "[role=dialog]").is_none().then_some(())
    })
    .await;
    assert_eq!(body_overflow(), "auto", "the page's own overflow is back");
    style.remove_property("overflow").unwrap();
    reset_location();
}

#[wasm_bindgen_test]
async fn signing_in_in_a_modal_stays_on_the_page_and_closes_it() {
    fresh_browser().await;
    let email = unique_email("modal.signin");
    create_account(&email, None).await;
    set_location("/page?tab=2");
    let (m, clerk) = mount(html! { <SignInButton mode={ButtonMode::modal()} /> }).await;
    let root = &m.root;
    click(root, "button.cl-signInButton").await;
    let dialog = wait_for(root, "[role=dialog]").await;
    submit_sign_in(&dialog, &email, PASSWORD).await;
    wait_signed_in(root, &clerk).await;
    wait_until("the modal to close", || {
        find(root, "[role=dialog]").is_none().then_some(())
    })
    .await;
    assert_eq!(pathname(), "/page");
    assert_eq!(search_param("tab").as_deref(), Some("2"));
    reset_location();
}

#[wasm_bindgen_test]
async fn the_sign_in_modal_hands_over_to_sign_up_with_its_sign_up_fallback_url() {
    fresh_browser().await;
    set_location("/page");
    let (m, _) = mount(html! {
        <SignInButton mode={ButtonMode::modal()} fallback_redirect_url="/home"
            sign_up_fallback_redirect_url="/welcome">
            <span class="custom">{ "Log in" }</span>
        </SignInButton>
    })
    .await;
    let root = &m.root;
    wait_for_text(root, "button.cl-signInButton .custom", "Log in").await;
    click(root, "button.cl-signInButton").await;
    let dialog = wait_for(root, "[role=dialog]").await;
    // "Sign up" in the modal swaps in the sign-up, still a modal.
    click_text(&dialog, "button", "Sign up").await;
    let dialog = wait_for(root, "[role=dialog]").await;
    wait_for_text(&dialog, ".cl-headerTitle", "Create your account").await;
    audit(root, "<SignUp/> in a modal").await;
    let email = unique_email("modal.signup");
    fill(&dialog, "input[name=email_address]", &email).await;
    fill(&dialog, "input[name=password]", PASSWORD).await;
    click(&dialog, "button.cl-formButtonPrimary").await;
    let code = code_sent_to(&email).await;
    fill(root, "[role=dialog] input[name=code]", &code).await;
    wait_until("the fallback URL", || {
        (pathname() == "/welcome").then_some(())
    })
    .await;
    wait_until("the modal to close", || {
        find(root, "[role=dialog]").is_none().then_some(())
    })
    .await;
    reset_location();
}

#[wasm_bindgen_test]
async fn the_user_button_opens_the_profile_in_a_modal() {
    fresh_browser().await;
    let email = unique_email("modal.profile");
    create_account(&email, None).await;
    sign_in_with_password(&core(), &email).await;
    set_location("/page");
    let (m, _) = mount(html! { <UserButton user_profile_mode={UserProfileMode::modal()} /> }).await;
    let root = &m.root;
    let trigger = wait_for(root, "button.cl-userButtonTrigger").await;
    trigger.dyn_ref::<HtmlElement>().unwrap().click();
    click(root, ".cl-userButtonPopoverActionButton__manageAccount").await;
    let dialog = wait_for(root, "[role=dialog]").await;
    wait_for(&dialog, ".cl-userProfile").await;
    assert_eq!(
        dialog.get_attribute("aria-label").as_deref(),
        Some("Account")
    );
    audit(root, "<UserProfile/> in a modal").await;
    assert_eq!(pathname(), "/page");
    // The close button closes it; focus returns to the trigger.
    click(&dialog, "button.cl-modalCloseButton").await;
    wait_until("the modal to close", || {
        find(root, "[role=dialog]").is_none().then_some(())
    })
    .await;
    wait_until("focus back on the trigger", || {
        is_active(&trigger).then_some(())
    })
    .await;
    reset_location();
}

#[wasm_bindgen_test]
async fn open_sign_in_without_a_modal_component_goes_to_the_page() {
    fresh_browser().await;
    set_location("/page");
    let (_m, clerk) = mount(html! { <p>{ "no buttons" }</p> }).await;
    clerk.open_sign_in(RedirectOptions {
        sign_in_force_redirect_url: Some("/after".into()),
        ..RedirectOptions::default()
    });
    wait_until("the sign-in page", || {
        (pathname() == "/sign-in").then_some(())
    })
    .await;
    assert!(search_param("redirect_url").unwrap().ends_with("/page"));
    assert_eq!(
        search_param("sign_in_force_redirect_url").as_deref(),
        Some("/after")
    );
    assert!(clerk.state().modal.is_none());
    reset_location();
}

#[component]
fn OpensFromCode() -> Html {
    let modals = use_modals();
    let onclick = Callback::from(move |_| modals.open_user_profile());
    html! { <button class="open" {onclick}>{ "Profile" }</button> }
}

#[wasm_bindgen_test]
async fn use_modals_opens_them_from_code_and_buttons_redirect_by_default() {
    fresh_browser().await;
    let email = unique_email("modal.code");
    create_account(&email, None).await;
    sign_in_with_password(&core(), &email).await;
    set_location("/page");
    let (m, clerk) = mount(html! {
        <>
            <OpensFromCode />
            <SignOutButton redirect_url="/bye" />
        </>
    })
    .await;
    let root = &m.root;
    click(root, "button.open").await;
    let dialog = wait_for(root, "[role=dialog]").await;
    wait_for(&dialog, ".cl-userProfile").await;
    clerk.close_modal();
    wait_until("the modal to close", || {
        find(root, "[role=dialog]").is_none().then_some(())
    })
    .await;
    click(root, "button.cl-signOutButton").await;
    wait_until("signed out at /bye", || {
        (pathname() == "/bye" && !clerk.state().is_signed_in()).then_some(())
    })
    .await;
    drop(m);

    set_location("/page");
    let (m, _) = mount(html! { <SignUpButton force_redirect_url="/onboarding" /> }).await;
    click(&m.root, "button.cl-signUpButton").await;
    wait_until("the sign-up page", || {
        (pathname() == "/sign-up").then_some(())
    })
    .await;
    assert_eq!(
        search_param("sign_up_force_redirect_url").as_deref(),
        Some("/onboarding")
    );
    reset_location();
}
