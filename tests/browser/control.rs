//! `<SignedIn>`, `<SignedOut>`, `<Show>`, `<RedirectToSignIn/>` (with Clerk's redirect
//! options), force and fallback redirect URLs, `<UserButton/>`, `get_token`.

use base64::Engine;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

#[wasm_bindgen_test]
async fn signed_in_and_signed_out_switch_with_the_session() {
    fresh_browser().await;
    let email = unique_email("switch+clerk_test");
    create_account(&email, None).await;
    let (m, clerk) = mount(html! {
        <>
            <SignedIn><p id="in">{ "in" }</p></SignedIn>
            <SignedOut><p id="out">{ "out" }</p></SignedOut>
        </>
    })
    .await;
    let root = &m.root;
    wait_for(root, "#out").await;
    assert!(find(root, "#in").is_none());
    sign_in_with_password(&clerk, &email).await;
    wait_for(root, "#in").await;
    assert!(find(root, "#out").is_none());
    clerk.sign_out().await.unwrap();
    wait_for(root, "#out").await;
    assert!(find(root, "#in").is_none());
}

#[wasm_bindgen_test]
async fn show_renders_by_sign_in_state_or_a_condition_with_a_fallback() {
    fresh_browser().await;
    let email = unique_email("show+clerk_test");
    create_account(&email, None).await;
    let named_ada =
        Callback::from(|u: yew_clerk::types::User| u.first_name.as_deref() == Some("Ada"));
    let named_bob =
        Callback::from(|u: yew_clerk::types::User| u.first_name.as_deref() == Some("Bob"));
    let (m, clerk) = mount(html! {
        <>
            <Show when="signed-in" fallback={html! { <p id="in-fallback">{ "sign in" }</p> }}>
                <p id="in">{ "in" }</p>
            </Show>
            <Show when="signed-out"><p id="out">{ "out" }</p></Show>
            <Show when={named_ada}><p id="ada">{ "Ada" }</p></Show>
            <Show when={named_bob} fallback={html! { <p id="not-bob">{ "not Bob" }</p> }}>
                <p id="bob">{ "Bob" }</p>
            </Show>
        </>
    })
    .await;
    let root = &m.root;
    wait_for(root, "#out").await;
    assert!(find(root, "#in-fallback").is_some());
    assert!(find(root, "#in").is_none() && find(root, "#ada").is_none());
    assert!(find(root, "#not-bob").is_some(), "signed out: the fallback");
    sign_in_with_password(&clerk, &email).await;
    wait_for(root, "#in").await;
    wait_for(root, "#ada").await;
    assert!(find(root, "#out").is_none() && find(root, "#in-fallback").is_none());
    assert!(find(root, "#bob").is_none() && find(root, "#not-bob").is_some());
}

#[wasm_bindgen_test]
async fn redirect_to_sign_in_passes_its_options_on_and_the_force_url_wins() {
    fresh_browser().await;
    set_location("/protected");
    let (m, _clerk) = mount(html! {
        <SignedOut>
            <RedirectToSignIn sign_in_force_redirect_url="/welcome"
                sign_up_fallback_redirect_url="/new" />
        </SignedOut>
    })
    .await;
    wait_until("on the sign-in URL", || {
        (pathname() == "/sign-in").then_some(())
    })
    .await;
    assert!(search_param("redirect_url")
        .unwrap()
        .ends_with("/protected"));
    assert_eq!(
        search_param("sign_in_force_redirect_url").as_deref(),
        Some("/welcome")
    );
    assert_eq!(
        search_param("sign_up_fallback_redirect_url").as_deref(),
        Some("/new")
    );
    drop(m);

    // The sign-in page follows the forced URL over redirect_url.
    let email = unique_email("forced+clerk_test");
    create_account(&email, None).await;
    let (m, _clerk) = mount(html! { <SignIn /> }).await;
    submit_sign_in(&m.root, &email, PASSWORD).await;
    wait_until("on the forced URL", || {
        (pathname() == "/welcome").then_some(())
    })
    .await;
    reset_location();
}

#[wasm_bindgen_test]
async fn the_providers_force_url_wins_over_redirect_url_and_an_unsafe_one_is_ignored() {
    fresh_browser().await;
    let email = unique_email("provider-force+clerk_test");
    create_account(&email, None).await;
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    set_location(&format!("/sign-in?redirect_url={origin}%2Fprotected"));
    let (m, _clerk) = mount_forced(html! { <SignIn /> }, "/onboarding").await;
    submit_sign_in(&m.root, &email, PASSWORD).await;
    wait_until("on the provider's forced URL", || {
        (pathname() == "/onboarding").then_some(())
    })
    .await;
    drop(m);

    // A forced URL to a foreign site in the page URL is not followed.
    fresh_browser().await;
    let email = unique_email("evil-force+clerk_test");
    create_account(&email, None).await;
    set_location("/sign-in?sign_in_force_redirect_url=https%3A%2F%2Fevil.example%2F");
    let (m, _clerk) = mount(html! { <SignIn /> }).await;
    submit_sign_in(&m.root, &email, PASSWORD).await;
    wait_until("the after-sign-in URL instead", || {
        (pathname() == "/signed-in").then_some(())
    })
    .await;
    drop(m);
    reset_location();
}

#[wasm_bindgen_test]
async fn redirect_to_sign_in_carries_the_way_back() {
    fresh_browser().await;
    set_location("/protected?tab=2");
    let (_m, _clerk) = mount(html! { <SignedOut><RedirectToSignIn /></SignedOut> }).await;
    wait_until("on the sign-in URL", || {
        (pathname() == "/sign-in").then_some(())
    })
    .await;
    let back = search_param("redirect_url").unwrap();
    assert!(back.ends_with("/protected?tab=2"), "{back}");
    // Rendered on the sign-in page itself, it does not redirect again (no loop).
    sleep(200).await;
    assert_eq!(pathname(), "/sign-in");
    assert_eq!(search_param("redirect_url").unwrap(), back);
    reset_location();
}

#[wasm_bindgen_test]
async fn after_sign_in_the_redirect_url_wins_and_brings_the_user_back() {
    fresh_browser().await;
    let email = unique_email("back+clerk_test");
    create_account(&email, None).await;
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let url = format!("/sign-in?redirect_url={origin}%2Fprotected");
    set_location(&url);
    let (m, _clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    submit_sign_in(root, &email, PASSWORD).await;
    wait_until("back on /protected", || {
        (pathname() == "/protected").then_some(())
    })
    .await;
    reset_location();
}

#[wasm_bindgen_test]
async fn an_unsafe_redirect_url_is_ignored() {
    fresh_browser().await;
    let email = unique_email("unsafe+clerk_test");
    create_account(&email, None).await;
    set_location("/sign-in?redirect_url=https%3A%2F%2Fevil.example%2F");
    let (m, _clerk) = mount(html! { <SignIn /> }).await;
    let root = &m.root;
    submit_sign_in(root, &email, PASSWORD).await;
    wait_until("the after-sign-in URL instead", || {
        (pathname() == "/signed-in").then_some(())
    })
    .await;
    reset_location();
}

#[wasm_bindgen_test]
async fn get_token_returns_a_jwt_of_the_active_session() {
    fresh_browser().await;
    let email = unique_email("token+clerk_test");
    create_account(&email, None).await;
    let (_m, clerk) = mount(html! {}).await;
    assert_eq!(
        clerk.get_token().await.unwrap(),
        None,
        "signed out: no token"
    );
    sign_in_with_password(&clerk, &email).await;
    let (a, b) = futures::join!(clerk.get_token(), clerk.get_token());
    let jwt = a.unwrap().unwrap();
    assert_eq!(
        Some(jwt.clone()),
        b.unwrap(),
        "concurrent callers share one token"
    );
    let payload = jwt.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    let session = clerk.state().session().unwrap().id.clone();
    assert_eq!(claims["sid"], session.as_str());
    assert_eq!(claims["sub"], clerk.state().user().unwrap().id.as_str());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        60
    );
    assert_eq!(
        clerk.get_token().await.unwrap().unwrap(),
        jwt,
        "cached while fresh"
    );
}

#[wasm_bindgen_test]
async fn the_user_button_opens_a_menu_that_signs_out() {
    fresh_browser().await;
    let email = unique_email("button+clerk_test");
    create_account(&email, None).await;
    let (m, clerk) = mount(html! { <UserButton /> }).await;
    sign_in_with_password(&clerk, &email).await;
    let root = &m.root;
    let trigger = wait_for(root, "button.cl-userButtonTrigger").await;
    assert_eq!(trigger.text_content().unwrap().trim(), "A", "initials");
    assert_eq!(
        trigger.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    click(root, "button.cl-userButtonTrigger").await;
    let menu = wait_for(root, ".cl-userButtonPopoverCard").await;
    audit(root, "<UserButton/>, the menu open").await;
    assert!(menu.text_content().unwrap().contains(&email));
    click(root, ".cl-userButtonPopoverActionButton__signOut").await;
    wait_until("signed out", || {
        (!clerk.state().is_signed_in()).then_some(())
    })
    .await;
    wait_until("after sign-out URL", || {
        (pathname() == "/signed-out").then_some(())
    })
    .await;
    reset_location();
}
